// validate_property_value: every property type accepts the values it should and rejects the
// others, with a message naming the property, what was expected and what was given.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "ontology/json_text.h"
#include "ontology/ontology.h"

namespace expgraph {
namespace {

using json = nlohmann::json;

struct ValueCase {
  const char* type;
  json value;
  bool accepted;
};

PropertyDef property_of(const std::string& type_name) {
  PropertyDef def;
  def.name = "field";
  def.type = *parse_property_type(type_name);
  if (def.type == PropertyType::kEnum) def.enum_values = {"planned", "running"};
  return def;
}

std::string describe(const ValueCase& c) { return std::string(c.type) + " <- " + c.value.dump(); }

TEST(PropertyValidationTest, EveryTypeAcceptsGoodAndRejectsBadValues) {
  const std::vector<ValueCase> kCases = {
      {"string", "hello", true},
      {"string", "", true},
      {"string", 3, false},
      {"string", json::array({"a"}), false},
      {"string", true, false},
      {"text", "A long learning about headlines.", true},
      {"text", 1.5, false},
      {"int", 42, true},
      {"int", -7, true},
      {"int", std::numeric_limits<int64_t>::max(), true},
      {"int", std::numeric_limits<uint64_t>::max(), false},  // beyond 64-bit signed
      {"int", 1.5, false},
      {"int", 2.0, false},  // integers only: a float here usually hides a unit mixup
      {"int", "3", false},
      {"int", false, false},
      {"float", 0.25, true},
      {"float", 3, true},  // integers widen
      {"float", -1e300, true},
      {"float", std::nan(""), false},
      {"float", std::numeric_limits<double>::infinity(), false},
      {"float", "0.25", false},
      {"bool", true, true},
      {"bool", false, true},
      {"bool", 1, false},
      {"bool", "true", false},
      {"date", "2024-05-01", true},
      {"date", "2024-02-29", true},  // leap year
      {"date", "2000-02-29", true},  // divisible by 400
      {"date", "2023-02-29", false},
      {"date", "1900-02-29", false},  // divisible by 100 only
      {"date", "2024-02-30", false},
      {"date", "2024-04-31", false},
      {"date", "2024-13-01", false},
      {"date", "2024-00-10", false},
      {"date", "2024-01-00", false},
      {"date", "2024-1-01", false},
      {"date", "2024/01/01", false},
      {"date", "2024-01-01T00:00:00Z", false},
      {"date", "20240101", false},
      {"date", 20240101, false},
      {"datetime", "2024-05-01T10:00:00Z", true},
      {"datetime", "2024-05-01T10:00:00.123Z", true},
      {"datetime", "2024-05-01T10:00:00.123456789+02:00", true},
      {"datetime", "2024-05-01T10:00:00-05:30", true},
      {"datetime", "2024-05-01t10:00:00z", true},
      {"datetime", "2016-12-31T23:59:60Z", true},  // leap second
      {"datetime", "2024-05-01T10:00:00", false},  // no offset
      {"datetime", "2024-05-01 10:00:00Z", false},
      {"datetime", "2024-05-01T24:00:00Z", false},
      {"datetime", "2024-05-01T10:60:00Z", false},
      {"datetime", "2024-05-01T10:00:61Z", false},
      {"datetime", "2024-02-30T10:00:00Z", false},
      {"datetime", "2024-05-01T10:00:00.Z", false},
      {"datetime", "2024-05-01T10:00:00+0200", false},
      {"datetime", "2024-05-01T10:00:00+24:00", false},
      {"datetime", "2024-05-01T10:00:00Zjunk", false},
      {"datetime", "2024-05-01", false},
      {"datetime", 1714557600, false},
      {"enum", "planned", true},
      {"enum", "running", true},
      {"enum", "Planned", false},
      {"enum", "archived", false},
      {"enum", 0, false},
      {"string[]", json::array({"a", "b"}), true},
      {"string[]", json::array(), true},
      {"string[]", json::array({"a", 2}), false},
      {"string[]", "a", false},
      {"string[]", json::object(), false},
      {"json", json::object({{"a", 1}}), true},
      {"json", json::array({1, "x", nullptr}), true},
      {"json", 3, true},
      {"json", "text", true},
  };
  for (const ValueCase& c : kCases) {
    Status status = validate_property_value(property_of(c.type), c.value);
    EXPECT_EQ(status.ok(), c.accepted) << describe(c) << ": " << status.to_string();
    if (!c.accepted && !status.ok()) {
      EXPECT_EQ(status.code(), StatusCode::kOntologyViolation) << describe(c);
      EXPECT_NE(status.message().find("property \"field\""), std::string::npos)
          << describe(c) << ": " << status.message();
    }
  }
}

TEST(PropertyValidationTest, AJsonValueNestsAtMost64Levels) {
  json value = 1;
  for (int level = 0; level < kMaxPropertyDepth; ++level) value = json::array({value});
  EXPECT_TRUE(validate_property_value(property_of("json"), value).ok());
  value = json::object({{"deeper", value}});
  Status status = validate_property_value(property_of("json"), value);
  EXPECT_EQ(status.code(), StatusCode::kOntologyViolation);
  EXPECT_EQ(
      status.message(),
      "property \"field\": JSON nests deeper than 64 levels (the limit for a property value)");
}

TEST(PropertyValidationTest, NullMeansAbsent) {
  for (const char* type : {"string", "int", "float", "enum", "date", "json"}) {
    PropertyDef def = property_of(type);
    EXPECT_TRUE(validate_property_value(def, nullptr).ok()) << type;
    def.required = true;
    Status status = validate_property_value(def, nullptr);
    EXPECT_FALSE(status.ok()) << type;
    EXPECT_NE(status.message().find("required"), std::string::npos) << status.message();
  }
}

TEST(PropertyValidationTest, MessagesSayWhatWasExpectedAndWhatWasGiven) {
  PropertyDef lift;
  lift.name = "lift";
  lift.type = PropertyType::kFloat;
  EXPECT_EQ(validate_property_value(lift, "high").message(),
            "property \"lift\": expected float, got string \"high\"");

  PropertyDef users;
  users.name = "users";
  users.type = PropertyType::kInt;
  EXPECT_EQ(validate_property_value(users, 1.5).message(),
            "property \"users\": expected int, got float 1.5");

  PropertyDef status = property_of("enum");
  status.name = "status";
  EXPECT_EQ(validate_property_value(status, "done").message(),
            "property \"status\": expected one of planned, running, got string \"done\"");

  PropertyDef started = property_of("date");
  started.name = "started_at";
  std::string message = validate_property_value(started, "2024-02-30").message();
  EXPECT_NE(message.find("YYYY-MM-DD"), std::string::npos) << message;
  EXPECT_NE(message.find("\"2024-02-30\""), std::string::npos) << message;

  PropertyDef tags = property_of("string[]");
  tags.name = "tags";
  EXPECT_EQ(validate_property_value(tags, json::array({"a", "b", 7})).message(),
            "property \"tags\": expected string[], but element 2 is int 7");
}

TEST(PropertyValidationTest, LongStringsAreCutInMessages) {
  PropertyDef def = property_of("int");
  std::string long_text(500, 'x');
  std::string message = validate_property_value(def, long_text).message();
  EXPECT_LT(message.size(), 150u) << message;
  EXPECT_NE(message.find("..."), std::string::npos) << message;
}

}  // namespace
}  // namespace expgraph
