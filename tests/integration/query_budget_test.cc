// POST /v1/query within its time and memory budget: the four queries of issue 16 that ran past
// their time limit or took gigabytes are stopped inside the expression or operator that runs
// long, with 422 query_memory_limit or 429 query_timeout, within the time limit and a margin;
// ORDER BY ... LIMIT holds one row however many it sorts.
#include <chrono>

#include "integration/http_client.h"
#include "query/query_limits.h"

namespace expgraph::testing {
namespace {

using nlohmann::json;

// Time an answer may take beyond the query's timeout on a shared, noisy machine.
constexpr int64_t kMarginMs = 150;

class QueryBudgetTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (counts().nodes >= 300) return;
    json nodes = json::array();
    for (int i = 0; i < 300; ++i) {
      nodes.push_back({{"type", "Channel"},
                       {"key", "c" + std::to_string(1000 + i)},
                       {"properties", {{"name", "channel " + std::to_string(i)}}}});
    }
    ASSERT_EQ(post("/v1/batch", json{{"nodes", nodes}}).status, 200);
  }

  // Runs `body` and records how long the answer took.
  Reply query(const json& body) {
    auto started = std::chrono::steady_clock::now();
    Reply reply = post("/v1/query", body);
    elapsed_ms_ = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - started)
                      .count();
    return reply;
  }

  void TearDown() override {
    if (!server().running()) return;
    EXPECT_EQ(get("/healthz").status, 200);
    Reply after = post("/v1/query", json{{"query", "RETURN 1 AS one"}});
    EXPECT_EQ(after.status, 200) << after.text;
  }

  int64_t elapsed_ms_ = 0;
};

TEST_F(QueryBudgetTest, RangeIsRefusedBeforeItIsBuilt) {
  Reply reply = query({{"query", "RETURN size(range(1, 10000000)) AS n"},
                       {"timeout_ms", 100},
                       {"memory_limit_mb", 4}});
  EXPECT_TRUE(is_error(reply, 422, "query_memory_limit")) << reply.text;
  EXPECT_LT(elapsed_ms_, 100 + kMarginMs);
}

TEST_F(QueryBudgetTest, RangeStopsAtItsDeadline) {
  // Enough memory to build 50 million integers (2.8 GB): the deadline stops it first.
  Reply reply = query({{"query", "RETURN size(range(1, 50000000)) AS n"},
                       {"timeout_ms", 100},
                       {"memory_limit_mb", QueryLimits::kMaxMemoryMb}});
  EXPECT_TRUE(is_error(reply, 429, "query_timeout") || is_error(reply, 422, "query_memory_limit"))
      << reply.text;
  EXPECT_LT(elapsed_ms_, 100 + kMarginMs);
}

TEST_F(QueryBudgetTest, NestedReplaceIsRefused) {
  // Each step replaces every 'a' by the whole string: 100 characters, 10^4, 10^8, 10^16.
  const std::string steps =
      "WITH $s AS s WITH replace(s, 'a', s) AS s WITH replace(s, 'a', s) AS s ";
  Reply reply = query({{"query", steps + "RETURN size(s) AS n"},
                       {"params", {{"s", "aaaaaaaaaa"}}},
                       {"timeout_ms", 100},
                       {"memory_limit_mb", 4}});
  ASSERT_EQ(reply.status, 200) << reply.text;
  EXPECT_EQ(reply.body["rows"][0][0], 10000);
  reply = query({{"query", steps + "WITH replace(s, 'a', s) AS s RETURN size(replace(s, 'a', s))"},
                 {"params", {{"s", "aaaaaaaaaa"}}},
                 {"timeout_ms", 1000},
                 {"memory_limit_mb", 4}});
  EXPECT_TRUE(is_error(reply, 422, "query_memory_limit")) << reply.text;
  EXPECT_LT(elapsed_ms_, 1000 + kMarginMs);
}

TEST_F(QueryBudgetTest, ListConcatenationIsRefused) {
  Reply reply = query({{"query", "WITH range(1, 10000000) AS r RETURN size(r + r + r + r) AS n"},
                       {"timeout_ms", 100},
                       {"memory_limit_mb", 4}});
  EXPECT_TRUE(is_error(reply, 422, "query_memory_limit")) << reply.text;
  EXPECT_LT(elapsed_ms_, 100 + kMarginMs);
  // range() fits (1.7 MB); the concatenations do not.
  reply = query({{"query", "WITH range(1, 30000) AS r RETURN size(r + r + r + r) AS n"},
                 {"timeout_ms", 100},
                 {"memory_limit_mb", 4}});
  EXPECT_TRUE(is_error(reply, 422, "query_memory_limit")) << reply.text;
  EXPECT_NE(reply.body["error"]["details"].dump().find("line:1"), std::string::npos) << reply.text;
  EXPECT_LT(elapsed_ms_, 100 + kMarginMs);
}

TEST_F(QueryBudgetTest, SortWithLimitHoldsOnlyItsRows) {
  // 90 000 rows: held by a full sort they take 17 MB; the top-1 heap holds one.
  Reply reply = query({{"query",
                        "MATCH (a:Channel), (b:Channel) RETURN a.key, b.key ORDER BY a.key DESC, "
                        "b.key SKIP 1 LIMIT 1"},
                       {"limit", 1000000},
                       {"timeout_ms", 5000},
                       {"memory_limit_mb", 1}});
  ASSERT_EQ(reply.status, 200) << reply.text;
  EXPECT_EQ(reply.body["rows"], json::parse(R"([["c1299", "c1001"]])"));
  // Without LIMIT the same sort is over the budget.
  reply =
      query({{"query", "MATCH (a:Channel), (b:Channel) WITH a, b ORDER BY a.key RETURN count(*)"},
             {"limit", 1000000},
             {"timeout_ms", 5000},
             {"memory_limit_mb", 1}});
  EXPECT_TRUE(is_error(reply, 422, "query_memory_limit")) << reply.text;
}

TEST_F(QueryBudgetTest, MemoryLimitIsValidated) {
  Reply reply = query({{"query", "RETURN 1"}, {"memory_limit_mb", 0}});
  EXPECT_TRUE(is_error(reply, 400, "invalid_argument")) << reply.text;
  reply = query({{"query", "RETURN 1"}, {"memory_limit_mb", QueryLimits::kMaxMemoryMb + 1}});
  EXPECT_TRUE(is_error(reply, 400, "invalid_argument")) << reply.text;
  reply = query({{"query", "RETURN 1"}, {"memory_limit_mb", "4"}});
  EXPECT_TRUE(is_error(reply, 400, "invalid_argument")) << reply.text;
}

}  // namespace
}  // namespace expgraph::testing
