// Large legal requests do not leave the server larger (issue 16): after several 12 MiB bodies
// handled at once, the server's resident memory comes back close to where it was, because
// blocks of 1 MiB or more are mapped on their own and a large body's freed arena memory is
// returned to the operating system when its request is done.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "integration/http_client.h"
#include "integration/server_process.h"

namespace expgraph::testing {
namespace {

using nlohmann::json;

// The server's resident set in MiB, read from /proc.
int64_t resident_mib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6)) / 1024;
  }
  return -1;
}

TEST(MemoryReturnTest, ResidentMemoryComesBackAfterLargeBodies) {
  constexpr int kRequests = 6;
  constexpr size_t kBodyBytes = size_t{12} << 20;
  ServerProcess server({"--threads", "8", "--max-body-bytes", std::to_string(16 << 20),
                        "--max-body-memory", std::to_string(kRequests * (16 << 20))});
  ASSERT_TRUE(server.start());
  httplib::Client warm = server.client();
  ASSERT_EQ(call(warm, "POST", "/v1/query", json{{"query", "RETURN 1 AS one"}}).status, 200);
  int64_t before = resident_mib(server.pid());
  ASSERT_GT(before, 0);

  std::string body =
      json{{"query", "RETURN size($s) AS n"}, {"params", {{"s", std::string(kBodyBytes, 'b')}}}}
          .dump();
  std::vector<int> statuses(kRequests, 0);
  std::vector<std::thread> clients;
  for (int i = 0; i < kRequests; ++i) {
    clients.emplace_back([&, i] {
      httplib::Client client = server.client();
      client.set_read_timeout(60, 0);
      client.set_write_timeout(60, 0);
      auto reply = client.Post("/v1/query", body, "application/json");
      statuses[i] = reply ? reply->status : 0;
    });
  }
  for (std::thread& client : clients) client.join();
  for (int status : statuses) EXPECT_EQ(status, 200);

  // Before freed memory was returned, the server stayed about 85 MiB larger here.
  int64_t after = resident_mib(server.pid());
  EXPECT_LE(after, before + 24) << "resident before " << before << " MiB, after " << after
                                << " MiB";
}

}  // namespace
}  // namespace expgraph::testing
