// Status codes: their names are part of the API contract (error bodies, clients).
#include "ontology/status.h"

#include <gtest/gtest.h>

namespace expgraph {
namespace {

TEST(StatusTest, CodeNames) {
  struct Case {
    StatusCode code;
    std::string_view name;
  };
  const Case kCases[] = {
      {StatusCode::kOk, "ok"},
      {StatusCode::kInvalidArgument, "invalid_argument"},
      {StatusCode::kUnauthenticated, "unauthenticated"},
      {StatusCode::kPermissionDenied, "permission_denied"},
      {StatusCode::kNotFound, "not_found"},
      {StatusCode::kConflict, "conflict"},
      {StatusCode::kTooLarge, "too_large"},
      {StatusCode::kOntologyViolation, "ontology_violation"},
      {StatusCode::kUnprocessable, "unprocessable"},
      {StatusCode::kOverloaded, "overloaded"},
      {StatusCode::kInternal, "internal"},
  };
  for (const Case& c : kCases) {
    EXPECT_EQ(status_code_name(c.code), c.name);
  }
}

TEST(StatusTest, ReasonOverridesErrorCodeAndPrependAddsContext) {
  Status plain = Status::not_found("no such node");
  EXPECT_FALSE(plain.ok());
  EXPECT_EQ(plain.error_code(), "not_found");
  EXPECT_EQ(plain.to_string(), "not_found: no such node");

  Status specific = Status::unprocessable("read_only_query", "CREATE is not allowed");
  EXPECT_EQ(specific.code(), StatusCode::kUnprocessable);
  EXPECT_EQ(specific.error_code(), "read_only_query");

  Status status = Status::ontology_violation("expected float", {"a"});
  status.prepend("properties.lift").add_detail("b");
  EXPECT_EQ(status.message(), "properties.lift: expected float");
  EXPECT_EQ(status.details(), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(Status::ok_status().ok());
}

TEST(StatusTest, FieldIsEmptyUnlessSetAndOutlivesPrepend) {
  EXPECT_EQ(Status::invalid_argument("bad").field(), "");
  Status status = Status::invalid_argument("node key longer than 512 bytes");
  status.set_field("channel").prepend("\"channel\"");
  EXPECT_EQ(status.field(), "channel");
  EXPECT_EQ(status.message(), "\"channel\": node key longer than 512 bytes");
  Status copy = status;
  EXPECT_EQ(copy.field(), "channel");
}

TEST(StatusTest, ResultHoldsValueOrStatus) {
  Result<std::string> value = std::string("seven");
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value, "seven");
  EXPECT_EQ(value->size(), 5u);
  EXPECT_TRUE(value.status().ok());
  Result<std::string> error = Status::conflict("version mismatch");
  EXPECT_FALSE(error.ok());
  EXPECT_EQ(error.status().code(), StatusCode::kConflict);
}

}  // namespace
}  // namespace expgraph
