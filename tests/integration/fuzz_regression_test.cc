// Regression tests for inputs the libFuzzer targets under tools/fuzz found: each must get a
// clean 4xx JSON error and leave the server serving.
#include <gtest/gtest.h>

#include "integration/http_client.h"

// GCC 12 warns falsely (-Wrestrict) on "literal" + std::string&& in these tests.
#pragma GCC diagnostic ignored "-Wrestrict"

namespace expgraph::testing {
namespace {

class FuzzRegressionTest : public ApiTest {};

// fuzz_json_body: a number beyond the range of a double made the JSON parser throw
// out_of_range (not parse_error), which escaped parse_json_object: 500 instead of 400.
TEST_F(FuzzRegressionTest, NumberOutOfRangeIs400) {
  EXPECT_TRUE(is_error(call(client(), "PUT", "/v1/nodes/Channel/big",
                            std::string(R"({"properties": {"name": "x", "size": 2e332}})")),
                       400, "invalid_argument"));
  // The reproducer itself: the overflowing number followed by garbage bytes.
  std::string found =
      R"({"type":"Experiment","key":"E","properties":{"name":"n"},"embedding":[0.1,2e332)";
  found += std::string("\x12\0\0\0\0\0\0\0op", 11);
  EXPECT_TRUE(is_error(call(client(), "POST", "/v1/batch", found), 400, "invalid_argument"));
  EXPECT_TRUE(is_error(
      call(client(), "POST", "/v1/query", std::string(R"({"query": "RETURN 1", "limit": -1e400})")),
      400, "invalid_argument"));
  EXPECT_EQ(get("/healthz").status, 200);
  EXPECT_EQ(get("/v1/nodes/Channel/big").status, 404);
}

}  // namespace
}  // namespace expgraph::testing
