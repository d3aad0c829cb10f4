// --max-replication-streams: a replication stream holds a primary's worker until it ends (up to
// max_seconds, 300 by default), and a replica that stops reading (SIGSTOP, or a client that
// never reads) is not noticed while its TCP buffers still take the heartbeats. Streams beyond
// the cap get 503 with Retry-After at once, so stalled replicas never take the workers reads
// need. Before the cap, four streams that were never read took every worker of --threads 4 and
// reads waited for them to end.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "integration/http_client.h"
#include "integration/raw_connection.h"
#include "integration/replication_fixture.h"

// GCC 12 warns falsely (-Wrestrict) on "literal" + std::string&& in these tests.
#pragma GCC diagnostic ignored "-Wrestrict"

namespace expgraph::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

// Sends a request for the update stream and never reads what comes back.
std::unique_ptr<RawConnection> unread_stream(const ServerProcess& primary) {
  auto connection = std::make_unique<RawConnection>(primary.port());
  EXPECT_TRUE(connection->connected());
  EXPECT_TRUE(connection->send_text(
      "GET /v1/replication/updates?since=0 HTTP/1.1\r\nHost: primary\r\n\r\n"));
  return connection;
}

// How long a read of the primary took, or -1 when it got no 200 within the client's timeout.
int64_t read_ms(const ServerProcess& primary, const std::string& path) {
  httplib::Client client = primary.client();
  client.set_read_timeout(5, 0);
  auto start = steady_clock::now();
  Reply reply = call(client, "GET", path);
  if (reply.status != 200) return -1;
  return std::chrono::duration_cast<milliseconds>(steady_clock::now() - start).count();
}

TEST(ReplicationStreamLimitTest, StreamsNobodyReadsCannotTakeTheWorkersReadsNeed) {
  // Four workers, so the default cap is one stream.
  ServerProcess primary({"--threads", "4"});
  ASSERT_TRUE(primary.start());
  httplib::Client client = primary.client();
  ASSERT_EQ(call(client, "PUT", "/v1/nodes/Learning/l1", learning("anchoring")).status, 201);

  std::vector<std::unique_ptr<RawConnection>> streams;
  for (int i = 0; i < 4; ++i) streams.push_back(unread_stream(primary));
  std::this_thread::sleep_for(milliseconds(300));  // the streams are being served by now

  // Reads and health checks still find a worker (before: none until the streams ended).
  int64_t node_ms = read_ms(primary, "/v1/nodes/Learning/l1");
  int64_t health_ms = read_ms(primary, "/healthz");
  std::printf("with 4 unread streams on --threads 4: node read %lld ms, /healthz %lld ms\n",
              static_cast<long long>(node_ms), static_cast<long long>(health_ms));
  EXPECT_GE(node_ms, 0) << "a node read got no answer within 5 s";
  EXPECT_GE(health_ms, 0) << "/healthz got no answer within 5 s";

  // One stream was taken; the others were refused at once, readably.
  int served = 0, refused = 0;
  for (auto& stream : streams) {
    std::string head = stream->read_response(2000);
    if (head.rfind("HTTP/1.1 200", 0) == 0) {
      ++served;
    } else if (head.rfind("HTTP/1.1 503", 0) == 0) {
      ++refused;
      EXPECT_NE(head.find("Retry-After: 2"), std::string::npos) << head;
      EXPECT_NE(head.find("\"code\":\"overloaded\""), std::string::npos) << head;
      EXPECT_NE(head.find("--max-replication-streams"), std::string::npos) << head;
    } else {
      ADD_FAILURE() << "unexpected answer: " << head.substr(0, 200);
    }
  }
  EXPECT_EQ(served, 1);
  EXPECT_EQ(refused, 3);
  EXPECT_NE(call(client, "GET", "/metrics").text.find("expgraph_replication_streams 1"),
            std::string::npos);

  // A stream whose client went away gives its slot back (the next heartbeat fails).
  streams.clear();
  EXPECT_TRUE(eventually(
      [&] {
        RawConnection again(primary.port());
        again.send_text("GET /v1/replication/updates?since=0 HTTP/1.1\r\nHost: primary\r\n\r\n");
        return again.read_response(2000).rfind("HTTP/1.1 200", 0) == 0;
      },
      milliseconds(10000)));
  EXPECT_TRUE(primary.stop());
}

TEST(ReplicationStreamLimitTest, AStoppedReplicaHoldsItsStreamButNotTheReads) {
  ServerProcess primary({"--threads", "4", "--max-replication-streams", "1"});
  ASSERT_TRUE(primary.start());
  httplib::Client writer = primary.client();
  ASSERT_EQ(call(writer, "PUT", "/v1/nodes/Learning/before", learning("before")).status, 201);
  auto replica = start_replica(primary);
  ASSERT_TRUE(replica->running());
  httplib::Client reader = replica->client();
  ASSERT_TRUE(converges(writer, reader));

  // The replica's process stops: its stream stays open and keeps the one slot.
  ASSERT_EQ(::kill(replica->pid(), SIGSTOP), 0);
  ASSERT_EQ(call(writer, "PUT", "/v1/nodes/Learning/during", learning("during")).status, 201);
  Reply second = call(writer, "GET", "/v1/replication/updates?since=0&max_seconds=1");
  EXPECT_TRUE(is_error(second, 503, "overloaded")) << second.text;
  for (int i = 0; i < 3; ++i) EXPECT_GE(read_ms(primary, "/v1/nodes/Learning/during"), 0);

  // Resumed, it reads what its stream held and goes on following.
  ASSERT_EQ(::kill(replica->pid(), SIGCONT), 0);
  ASSERT_EQ(call(writer, "PUT", "/v1/nodes/Learning/after", learning("after")).status, 201);
  EXPECT_TRUE(converges(writer, reader));
  EXPECT_TRUE(replica->stop());
  EXPECT_TRUE(primary.stop());
}

TEST(ReplicationStreamLimitTest, AReplicaStartingWhileEveryStreamIsTakenWaitsForOne) {
  ServerProcess primary({"--threads", "4", "--max-replication-streams", "1"});
  ASSERT_TRUE(primary.start());
  httplib::Client writer = primary.client();
  ASSERT_EQ(call(writer, "PUT", "/v1/nodes/Learning/l1", learning("anchoring")).status, 201);

  // The one slot is held by a stream nobody reads; it is let go 3 s into the replica's start
  // (before, the replica's first bootstrap got 503 and the start failed at once).
  auto held = unread_stream(primary);
  ASSERT_EQ(held->read_response(2000).rfind("HTTP/1.1 200", 0), 0u);
  std::thread release([&held] {
    std::this_thread::sleep_for(milliseconds(3000));
    held.reset();
  });
  auto started = steady_clock::now();
  auto replica = start_replica(primary);
  release.join();
  const auto waited =
      std::chrono::duration_cast<milliseconds>(steady_clock::now() - started).count();
  ASSERT_TRUE(replica->running());
  EXPECT_GE(waited, 2500) << "the replica cannot have bootstrapped while the slot was held";
  EXPECT_NE(replica->stderr_text().find("is busy (every replication stream in use"),
            std::string::npos)
      << replica->stderr_text();
  httplib::Client reader = replica->client();
  EXPECT_TRUE(converges(writer, reader));
  EXPECT_TRUE(replica->stop());
  EXPECT_TRUE(primary.stop());
}

TEST(ReplicationStreamLimitTest, BadLimitIsAUsageError) {
  EXPECT_EQ(run_server_to_exit({"--max-replication-streams", "0"}).exit_code, 2);
  EXPECT_EQ(run_server_to_exit({"--max-replication-streams", "many"}).exit_code, 2);
}

}  // namespace
}  // namespace expgraph::testing
