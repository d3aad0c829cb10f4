// The HTTP status of every Status code: part of the API contract (clients branch on it).
#include "api/http/http_status.h"

#include <gtest/gtest.h>

namespace expgraph::api {
namespace {

TEST(HttpStatusTest, EveryCodeHasItsStatus) {
  struct Case {
    StatusCode code;
    int http;
  };
  const Case kCases[] = {
      {StatusCode::kOk, 200},
      {StatusCode::kInvalidArgument, 400},
      {StatusCode::kUnauthenticated, 401},
      {StatusCode::kPermissionDenied, 403},
      {StatusCode::kNotFound, 404},
      {StatusCode::kConflict, 409},
      {StatusCode::kTooLarge, 413},
      {StatusCode::kOntologyViolation, 422},
      {StatusCode::kUnprocessable, 422},
      {StatusCode::kOverloaded, 429},
      {StatusCode::kInternal, 500},
  };
  for (const Case& c : kCases) {
    EXPECT_EQ(http_status(c.code), c.http) << status_code_name(c.code);
  }
}

}  // namespace
}  // namespace expgraph::api
