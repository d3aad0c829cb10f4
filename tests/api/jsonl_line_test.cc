// parse_import_line: the plain-shape fast path gives exactly what the general parser (nlohmann
// plus the node / edge field checks) gives, and declines everything else, so malformed lines
// keep their error messages.
#include "api/convert/jsonl_line.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/convert/graph_json.h"
#include "ontology/json_text.h"

namespace expgraph::api {
namespace {

// The reference: the line as the node and edge routes would read it.
Result<ImportLine> reference_parse(const std::string& text) {
  nlohmann::json item = nlohmann::json::parse(text, nullptr, false);
  if (item.is_discarded() || !item.is_object() || item.size() != 1) {
    return Status::invalid_argument("not a line");
  }
  ImportLine line;
  line.is_node = item.contains("node");
  if (line.is_node) {
    auto node = node_write_from_json(item["node"], "line");
    if (!node.ok()) return node.status();
    line.node = *node;
  } else {
    if (!item.contains("edge")) return Status::invalid_argument("not a line");
    auto edge = edge_write_from_json(item["edge"], "line");
    if (!edge.ok()) return edge.status();
    line.edge = *edge;
  }
  return line;
}

void expect_same_write(const ImportLine& actual, const ImportLine& expected,
                       const std::string& text) {
  ASSERT_EQ(actual.is_node, expected.is_node) << text;
  if (expected.is_node) {
    EXPECT_EQ(actual.node.type, expected.node.type) << text;
    EXPECT_EQ(actual.node.key, expected.node.key) << text;
    EXPECT_EQ(actual.node.properties, expected.node.properties) << text;
    EXPECT_EQ(actual.node.embedding, expected.node.embedding) << text;
  } else {
    EXPECT_EQ(actual.edge.type, expected.edge.type) << text;
    EXPECT_EQ(actual.edge.from, expected.edge.from) << text;
    EXPECT_EQ(actual.edge.to, expected.edge.to) << text;
    EXPECT_EQ(actual.edge.properties, expected.edge.properties) << text;
  }
}

TEST(JsonlLineTest, PlainLinesTakeTheFastPathAndMatchTheGeneralParser) {
  const std::vector<std::string> plain = {
      R"({"edge":{"type":"LINKS","from":"Item/n1","to":"Item/n2","properties":{}}})",
      R"({"edge":{"type":"LINKS","from":"Item/n1","to":"Item/n 2.x"}})",
      R"({"edge":{"properties":{"weight":0.5,"tags":["x","}"]},"to":"Item/n2","from":"Item/n1","type":"LINKS"}})",
      R"(  { "edge" : { "type" : "LINKS" , "from" : "Item/n1" , "to" : "Item/n2" , "properties" : { } } }  )",
      R"({"node":{"type":"Item","key":"n0","properties":{"name":"item 0","n":3}}})",
      R"({"node":{"key":"n0","type":"Item"}})",
      R"({"node":{"type":"Item","key":"größe €","properties":{"note":"a \"quoted\" {brace}"}}})",
      R"({"node":{"type":"Item","key":"n0","properties":{"nested":{"a":[1,{"b":null}]}}}})",
  };
  for (const std::string& text : plain) {
    auto fast = parse_plain_import_line(text, 7);
    ASSERT_TRUE(fast.has_value()) << text;
    EXPECT_EQ(fast->number, 7u);
    auto expected = reference_parse(text);
    ASSERT_TRUE(expected.ok()) << text << ": " << expected.status().message();
    expect_same_write(*fast, *expected, text);
    auto full = parse_import_line(text, 7);
    ASSERT_TRUE(full.ok()) << text;
    expect_same_write(*full, *expected, text);
  }
}

TEST(JsonlLineTest, OtherValidLinesGoThroughTheGeneralParserWithTheSameResult) {
  const std::vector<std::string> general = {
      R"({"edge":{"type":"LINKS","from":"Item/n\u0031","to":"Item/n2"}})",  // escape
      R"({"edge":{"type":"LINKS","from":"Item/n1","to":"Item/n2","properties":null}})",
      R"({"node":{"type":"Item","key":"n0","embedding":[0.5,1]}})",
      R"({"node":{"type":"It\"em","key":"n0"}})",
  };
  for (const std::string& text : general) {
    EXPECT_FALSE(parse_plain_import_line(text, 1).has_value()) << text;
    auto expected = reference_parse(text);
    ASSERT_TRUE(expected.ok()) << text;
    auto full = parse_import_line(text, 1);
    ASSERT_TRUE(full.ok()) << text << ": " << full.status().message();
    expect_same_write(*full, *expected, text);
  }
}

TEST(JsonlLineTest, MalformedLinesAreDeclinedByTheFastPathAndRejectedWithTheirReason) {
  struct Case {
    std::string text;
    std::string message;  // a part of the expected error
  };
  const std::vector<Case> cases = {
      {R"({"edge":{"type":"LINKS","from":"Item/n1","to":"Item/n2"}} x)", "not valid JSON"},
      {R"({"edge":{"type":"LINKS","from":"Item/n1","to":"Item/n2"})", "not valid JSON"},
      {R"({"edge":{"type":"LINKS","from":"Item/n1","to":"Item/n2"},"node":{}})", "must be"},
      {R"({"vertex":{"type":"Item","key":"n1"}})", "must be"},
      {R"({"edge":{"type":"LINKS","from":"Item/n1","to":"Item/n2","colour":"red"}})",
       "unknown field \"colour\""},
      {R"({"edge":{"type":"LINKS","from":"n1","to":"Item/n2"}})", "is not of the form Type/key"},
      {R"({"edge":{"type":"LINKS","from":"/n1","to":"Item/n2"}})", "is not of the form Type/key"},
      {R"({"edge":{"type":"LINKS","from":"Item/","to":"Item/n2"}})", "node key is empty"},
      {R"({"edge":{"type":"LINKS","to":"Item/n2"}})", "needs the field \"from\""},
      {R"({"edge":{"type":7,"from":"Item/n1","to":"Item/n2"}})", "must be a string"},
      {R"({"edge":{"type":"LINKS","from":"Item/n1","to":"Item/n2","properties":[]}})",
       "must be a JSON object"},
      {R"({"edge":{"type":"LINKS","from":"Item/n1","to":"Item/n2","properties":{"a":}}})",
       "not valid JSON"},
      {R"({"node":{"type":"Item","key":"a/b"}})", "contains '/'"},
      {R"({"node":{"type":"Item"}})", "needs the field \"key\""},
      {"{\"node\":{\"type\":\"Item\",\"key\":\"n\x01\"}}", "not valid JSON"},
      {"{\"node\":{\"type\":\"Item\",\"key\":\"n\xff\"}}", "is not valid UTF-8"},
      {R"([{"node":{"type":"Item","key":"n1"}}])", "must be"},
  };
  for (const Case& c : cases) {
    EXPECT_FALSE(parse_plain_import_line(c.text, 12).has_value()) << c.text;
    auto parsed = parse_import_line(c.text, 12);
    ASSERT_FALSE(parsed.ok()) << c.text;
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument) << c.text;
    EXPECT_NE(parsed.status().message().find("line 12"), std::string::npos)
        << parsed.status().message();
    EXPECT_NE(parsed.status().message().find(c.message), std::string::npos)
        << c.text << " -> " << parsed.status().message();
  }
}

// A duplicated member: nlohmann keeps the last value; the fast path leaves the line to it.
TEST(JsonlLineTest, DuplicateMembersAreLeftToTheGeneralParser) {
  std::string text = R"({"edge":{"type":"A","type":"LINKS","from":"Item/n1","to":"Item/n2"}})";
  EXPECT_FALSE(parse_plain_import_line(text, 1).has_value());
  auto parsed = parse_import_line(text, 1);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->edge.type, "LINKS");
}

// The nesting limit counts the whole line, on the fast path as on the general one: a line
// whose properties reach exactly kMaxJsonDepth is read the same by both, one level more is
// declined by the fast path and rejected naming the limit (and 100,000 levels do not crash).
TEST(JsonlLineTest, NestingIsLimitedOnTheWholeLine) {
  auto line = [](int levels, const std::string& kind) {
    std::string value = std::string(static_cast<size_t>(levels), '[') + "1" +
                        std::string(static_cast<size_t>(levels), ']');
    std::string names = kind == "node" ? R"("type":"Item","key":"n1")"
                                       : R"("type":"LINKS","from":"Item/n1","to":"Item/n2")";
    return R"({")" + kind + R"(":{)" + names + R"(,"properties":{"deep":)" + value + "}}}";
  };
  // The line, the node or edge object and the properties enclose the value.
  const int deepest = kMaxJsonDepth - 3;
  for (const char* kind : {"node", "edge"}) {
    std::string text = line(deepest, kind);
    auto plain = parse_plain_import_line(text, 1);
    ASSERT_TRUE(plain.has_value()) << kind;
    auto expected = reference_parse(text);
    ASSERT_TRUE(expected.ok());
    expect_same_write(*plain, *expected, kind);

    for (int levels : {deepest + 1, 100000}) {
      std::string deeper = line(levels, kind);
      EXPECT_FALSE(parse_plain_import_line(deeper, 7).has_value()) << kind << levels;
      auto parsed = parse_import_line(deeper, 7);
      ASSERT_FALSE(parsed.ok());
      EXPECT_EQ(parsed.status().message(), "line 7: JSON nests deeper than " +
                                               std::to_string(kMaxJsonDepth) +
                                               " levels (the limit)");
    }
  }
}

}  // namespace
}  // namespace expgraph::api
