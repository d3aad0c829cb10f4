// parse_json_text and check_json_depth: the one JSON nesting limit, counted the same way on
// text and on built values, and deep text rejected before any value is built.
#include "ontology/json_text.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

// GCC 12 warns falsely (-Wrestrict) on "literal" + std::string&& in these tests.
#pragma GCC diagnostic ignored "-Wrestrict"

namespace expgraph {
namespace {

std::string nested(int levels, char open = '[', char close = ']', std::string inner = "1") {
  return std::string(static_cast<size_t>(levels), open) + inner +
         std::string(static_cast<size_t>(levels), close);
}

// Objects and arrays in turn: {"a":[{"a":[...]}]}.
std::string mixed(int levels) {
  std::string text = "1";
  for (int i = 0; i < levels; ++i) text = i % 2 == 0 ? "[" + text + "]" : R"({"a":)" + text + "}";
  return text;
}

void expect_too_deep(const Status& status) {
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "JSON nests deeper than " + std::to_string(kMaxJsonDepth) + " levels (the limit)");
}

TEST(JsonTextTest, ParsesUpToTheLimit) {
  for (const std::string& text : {nested(kMaxJsonDepth), mixed(kMaxJsonDepth)}) {
    auto parsed = parse_json_text(text);
    ASSERT_TRUE(parsed.ok()) << parsed.status().message();
    EXPECT_TRUE(check_json_depth(*parsed).ok());
  }
  EXPECT_EQ(*parse_json_text("7"), nlohmann::json(7));
  EXPECT_EQ(*parse_json_text(R"({"a": "[[[{{{"})"), nlohmann::json({{"a", "[[[{{{"}}));
}

TEST(JsonTextTest, DeeperTextIsRejectedWithTheLimitNamed) {
  const std::vector<std::string> deep = {nested(kMaxJsonDepth + 1), mixed(kMaxJsonDepth + 1),
                                         nested(100000, '{', '}', ""), nested(1000000),
                                         std::string(1000000, '[')};
  for (const std::string& text : deep) {
    auto parsed = parse_json_text(text);
    ASSERT_FALSE(parsed.ok());
    expect_too_deep(parsed.status());
  }
}

TEST(JsonTextTest, BracketsInStringsDoNotCount) {
  // Every string holds brackets and an escaped quote; the structure is one level deep.
  std::string brackets = R"("[[[{{\"[[[")";
  std::string text = "[";
  for (int i = 0; i < 1000; ++i) text += (i > 0 ? "," : "") + brackets;
  text += "]";
  auto parsed = parse_json_text(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->size(), 1000u);
}

TEST(JsonTextTest, MalformedTextGivesTheParsersReason) {
  const std::vector<std::string> malformed = {"",           "{",     "[1,]",
                                              R"({"a" 1})", "1e999", "[" + nested(10) + "x"};
  for (const std::string& text : malformed) {
    auto parsed = parse_json_text(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(parsed.status().message(), "not valid JSON");
    EXPECT_FALSE(parsed.status().details().empty()) << text;
  }
}

TEST(JsonTextTest, BuiltValuesAreCheckedAgainstTheSameLimit) {
  nlohmann::json value = 1;
  for (int i = 0; i < kMaxJsonDepth; ++i) {
    nlohmann::json outer = nlohmann::json::array();
    outer.push_back(std::move(value));
    value = std::move(outer);
  }
  EXPECT_TRUE(check_json_depth(value).ok());
  nlohmann::json deeper = nlohmann::json::object();
  deeper["a"] = std::move(value);
  expect_too_deep(check_json_depth(deeper));
  EXPECT_TRUE(check_json_depth(nlohmann::json("scalar")).ok());
}

// The scanner both parse_json_text and the JSONL fast path use: the first array or object's
// extent and its depth, strings skipped, stopping past the limit.
TEST(JsonTextTest, ScanFindsTheFirstValuesExtentAndDepth) {
  std::string text = R"({"a": ["}", {"b": "\"]"}]} {"next": 1})";
  JsonBrackets brackets = scan_json_brackets(text);
  EXPECT_EQ(text.substr(0, brackets.end), R"({"a": ["}", {"b": "\"]"}]})");
  EXPECT_EQ(brackets.depth, 3);

  EXPECT_EQ(scan_json_brackets("[[1]]").end, 5u);
  EXPECT_EQ(scan_json_brackets("[[1]]").depth, 2);
  EXPECT_EQ(scan_json_brackets("7").end, 0u);  // no array or object
  EXPECT_EQ(scan_json_brackets("7").depth, 0);
  EXPECT_EQ(scan_json_brackets(R"({"a": [1)").end, 0u);  // ends before it closes

  JsonBrackets deep = scan_json_brackets(nested(10), 4);
  EXPECT_EQ(deep.end, 0u);
  EXPECT_EQ(deep.depth, 5);  // stopped one past the limit
  EXPECT_EQ(scan_json_brackets(std::string(1000000, '[')).depth, kMaxJsonDepth + 1);
}

}  // namespace
}  // namespace expgraph
