// --max-concurrent-requests: with the limit's worth of slow queries in flight, further /v1
// requests get 429 overloaded at once (with Retry-After) while /healthz still answers; once the
// slow ones end, requests are served again.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "integration/http_client.h"

// GCC 12 warns falsely (-Wrestrict) on "literal" + std::string&& in these tests.
#pragma GCC diagnostic ignored "-Wrestrict"

namespace expgraph::testing {
namespace {

using nlohmann::json;

TEST(ConcurrencyLimitTest, RequestsBeyondTheLimitGet429) {
  ServerProcess server({"--threads", "8", "--max-concurrent-requests", "2"});
  ASSERT_TRUE(server.start());
  httplib::Client client = server.client();
  json nodes = json::array();
  for (int i = 0; i < 60; ++i) {
    nodes.push_back({{"type", "Channel"},
                     {"key", "c" + std::to_string(i)},
                     {"properties", {{"name", "channel " + std::to_string(i)}}}});
  }
  ASSERT_EQ(call(client, "POST", "/v1/batch", json{{"nodes", nodes}}).status, 200);

  // 60^4 = 13M rows to count: runs until its 6 s time limit.
  json slow = {
      {"query", "MATCH (a:Channel), (b:Channel), (c:Channel), (d:Channel) RETURN count(*)"},
      {"timeout_ms", 6000}};
  std::atomic<int> finished{0};
  std::vector<std::thread> holders;
  for (int i = 0; i < 2; ++i) {
    holders.emplace_back([&] {
      httplib::Client own = server.client();
      own.set_read_timeout(20, 0);
      // The poll below holds a slot for a moment: a holder arriving then is refused, and asks
      // again (a refusal is immediate, so the retries cost nothing).
      for (int attempt = 0; attempt < 100; ++attempt) {
        if (call(own, "POST", "/v1/query", slow).status != 429) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      ++finished;
    });
  }
  // Polls until both slots are taken (the holders need a moment to get going).
  Reply refused;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline && finished == 0) {
    refused = call(client, "GET", "/v1/nodes/Channel/c1");
    if (refused.status == 429) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(finished, 0) << "the slow queries ended before the limit was seen";
  EXPECT_TRUE(is_error(refused, 429, "overloaded"));
  EXPECT_NE(refused.text.find("too many concurrent requests"), std::string::npos) << refused.text;
  auto with_header = client.Get("/v1/nodes/Channel/c2");
  ASSERT_TRUE(with_header);
  if (finished == 0) {
    EXPECT_EQ(with_header->status, 429);
    EXPECT_EQ(with_header->get_header_value("Retry-After"), "1");
    // Operational routes are never limited.
    EXPECT_EQ(call(client, "GET", "/healthz").status, 200);
    EXPECT_EQ(call(client, "GET", "/metrics").status, 200);
  }
  for (std::thread& holder : holders) holder.join();
  EXPECT_EQ(call(client, "GET", "/v1/nodes/Channel/c1").status, 200);
  ASSERT_TRUE(server.stop());
}

TEST(ConcurrencyLimitTest, BadLimitIsAUsageError) {
  EXPECT_EQ(run_server_to_exit({"--max-concurrent-requests", "0"}).exit_code, 2);
  EXPECT_EQ(run_server_to_exit({"--max-concurrent-requests", "x"}).exit_code, 2);
}

}  // namespace
}  // namespace expgraph::testing
