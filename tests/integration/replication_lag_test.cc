// The lag a read replica reports is true when its primary goes silent on an open connection
// (stopped with SIGSTOP: the kernel keeps the connection, no byte comes, no error): /readyz must
// turn 503 once the replica is staler than --replica-max-lag-ms, not only when the read timeout
// (5 s) ends the connection. Before, lag_ms stayed 0 for those 5 s whatever the limit.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>

#include "integration/http_client.h"
#include "integration/replication_fixture.h"

namespace expgraph::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

TEST(ReplicationLagTest, ASilentPrimaryShowsAsLagWithinTheHeartbeatGrace) {
  ServerProcess primary;
  ASSERT_TRUE(primary.start());
  httplib::Client writer = primary.client();
  ASSERT_EQ(call(writer, "PUT", "/v1/nodes/Learning/L-1", learning("before the stall")).status,
            201);
  auto replica = start_replica(primary, {"--replica-max-lag-ms", "1000"});
  httplib::Client reader = replica->client();
  ASSERT_TRUE(converges(writer, reader));
  // Following: the stream is open and heartbeats come (a replica just started is ready too, on
  // the time since its start, before it has heard anything).
  ASSERT_TRUE(eventually([&] {
    Reply ready = call(reader, "GET", "/readyz");
    return ready.status == 200 && ready.body["replication"].value("connected", false) &&
           ready.body["replication"].value("primary_sequence", uint64_t{0}) > 0;
  }));
  std::this_thread::sleep_for(milliseconds(1500));  // heartbeats alone, no write

  ASSERT_EQ(::kill(primary.pid(), SIGSTOP), 0);
  auto stopped = steady_clock::now();
  int64_t first_not_ready_ms = -1;
  int64_t lag_then = 0;
  while (steady_clock::now() - stopped < milliseconds(4500)) {
    Reply ready = call(reader, "GET", "/readyz");
    int64_t elapsed =
        std::chrono::duration_cast<milliseconds>(steady_clock::now() - stopped).count();
    int64_t lag = ready.body["replication"].value("lag_ms", int64_t{-1});
    // Never more than the truth: the replica was caught up when the primary stopped.
    EXPECT_LE(lag, elapsed + 1100) << ready.text;
    if (ready.status == 503) {
      first_not_ready_ms = elapsed;
      lag_then = lag;
      EXPECT_NE(ready.body.value("reason", "").find("--replica-max-lag-ms"), std::string::npos)
          << ready.text;
      break;
    }
    std::this_thread::sleep_for(milliseconds(50));
  }
  ::kill(primary.pid(), SIGCONT);
  std::printf("a stopped primary: /readyz 503 after %lld ms, lag_ms %lld\n",
              static_cast<long long>(first_not_ready_ms), static_cast<long long>(lag_then));
  // Heartbeats are due every second and overdue after 2 s: the limit of 1 s shows by then,
  // well before the 5 s read timeout (which alone used to make the lag show).
  ASSERT_GE(first_not_ready_ms, 0) << "still ready 4.5 s after the primary stopped";
  EXPECT_LT(first_not_ready_ms, 3500);
  EXPECT_GT(lag_then, 1000);
  // Once the primary runs again, the replica catches up and is ready again.
  EXPECT_TRUE(eventually([&] { return call(reader, "GET", "/readyz").status == 200; }));
  EXPECT_TRUE(replica->stop());
  EXPECT_TRUE(primary.stop());
}

}  // namespace
}  // namespace expgraph::testing
