// Replies from replica to primary (docs/scale-out.md, "Replies"): a replica reports its applied
// position on its update stream every --replication-reply-interval, and the primary ends a
// stream whose replica promised replies and sent none for --replication-reply-timeout. A
// stopped replica's kernel acknowledges the heartbeats of a quiet primary whether its process
// reads or not, so before the replies a SIGSTOPped replica held its stream slot, and a worker,
// until max_seconds (300 s). GET /v1/replication/replicas lists the live streams.
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
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

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

// Short enough for a test, long enough that a replica replying every second on a loaded
// 2-core machine is never late.
const std::vector<std::string> kPrimaryArgs = {
    "--threads", "4", "--max-replication-streams", "1", "--replication-reply-timeout", "3"};
const std::vector<std::string> kReplicaArgs = {"--replication-reply-interval", "1"};

json replicas_of(httplib::Client& primary) {
  Reply reply = call(primary, "GET", "/v1/replication/replicas");
  EXPECT_EQ(reply.status, 200) << reply.text;
  return reply.body;
}

// The request of an update stream that promises a reply every second, as a replica sends it
// with `admin_key`, for the tests that open one by hand.
std::string replying_stream_request(const std::string& admin_key) {
  return std::string(
             "GET /v1/replication/updates?since=0&reply_interval_ms=1000 HTTP/1.1\r\n"
             "Host: primary\r\nAuthorization: Bearer ") +
         admin_key + "\r\n\r\n";
}

// The stream id an update stream's answer head names (Expgraph-Stream-Id), "" without one.
std::string stream_id_in(const std::string& head) {
  const std::string name = "Expgraph-Stream-Id: ";
  const size_t at = head.find(name);
  return at == std::string::npos ? "" : head.substr(at + name.size(), 16);
}

int64_t elapsed_ms(steady_clock::time_point since) {
  return std::chrono::duration_cast<milliseconds>(steady_clock::now() - since).count();
}

TEST(ReplicationReplyTest, AStoppedReplicasStreamEndsWithinTheReplyTimeoutAndAnotherTakesItsSlot) {
  ServerProcess primary(kPrimaryArgs);
  ASSERT_TRUE(primary.start());
  httplib::Client writer = primary.client();
  ASSERT_EQ(call(writer, "PUT", "/v1/nodes/Learning/before", learning("before")).status, 201);
  auto stopped = start_replica(primary, kReplicaArgs);
  ASSERT_TRUE(stopped->running());
  httplib::Client stopped_reader = stopped->client();
  ASSERT_TRUE(converges(writer, stopped_reader));
  ASSERT_NE(call(writer, "GET", "/metrics").text.find("\nexpgraph_replication_streams 1\n"),
            std::string::npos);

  // The replica stops; the primary stays quiet, so only the missing replies can tell.
  ASSERT_EQ(::kill(stopped->pid(), SIGSTOP), 0);
  const auto stopped_at = steady_clock::now();
  // The slot gauge, which the code before the replies has too: there the slot stayed taken
  // until max_seconds (300 s).
  const bool ended = eventually(
      [&] {
        return call(writer, "GET", "/metrics").text.find("\nexpgraph_replication_streams 0\n") !=
               std::string::npos;
      },
      milliseconds(20000));
  const int64_t held_ms = elapsed_ms(stopped_at);
  std::printf("a SIGSTOPped replica held its stream %lld ms (--replication-reply-timeout 3)\n",
              static_cast<long long>(held_ms));
  ASSERT_TRUE(ended) << "the stopped replica's stream was not ended";
  EXPECT_LE(held_ms, 5000);
  json listing = replicas_of(writer);
  EXPECT_EQ(listing["replicas"].size(), 0u) << listing.dump();
  EXPECT_EQ(listing["dropped_for_reply_timeout"], 1) << listing.dump();
  EXPECT_NE(
      call(writer, "GET", "/metrics")
          .text.find("expgraph_replication_streams_dropped_total{reason=\"reply_timeout\"} 1"),
      std::string::npos);
  EXPECT_NE(primary.stderr_text().find("no reply for"), std::string::npos) << primary.stderr_text();

  // The one slot is free: another replica bootstraps and follows (before, its bootstrap got
  // 503 for as long as the stopped replica's stream lasted, and its start timed out).
  auto other = start_replica(primary, kReplicaArgs);
  ASSERT_TRUE(other->running());
  httplib::Client other_reader = other->client();
  ASSERT_EQ(call(writer, "PUT", "/v1/nodes/Learning/after", learning("after")).status, 201);
  EXPECT_TRUE(converges(writer, other_reader));

  // Resumed, the first replica finds every slot taken and waits as the primary's Retry-After
  // says (2 s), not its own first backoff of 100 ms.
  ASSERT_EQ(::kill(stopped->pid(), SIGCONT), 0);
  EXPECT_TRUE(eventually(
      [&] { return stopped->stderr_text().find("retrying in 2000 ms") != std::string::npos; },
      milliseconds(10000)))
      << stopped->stderr_text();
  EXPECT_TRUE(stopped->stop());
  EXPECT_TRUE(other->stop());
  EXPECT_TRUE(primary.stop());
}

TEST(ReplicationReplyTest, AReplicaThatKeepsReplyingIsNeverCutOffOnAQuietPrimary) {
  ServerProcess primary(kPrimaryArgs);
  ASSERT_TRUE(primary.start());
  httplib::Client writer = primary.client();
  ASSERT_EQ(call(writer, "PUT", "/v1/nodes/Learning/l1", learning("anchoring")).status, 201);
  auto replica = start_replica(primary, kReplicaArgs);
  ASSERT_TRUE(replica->running());
  ASSERT_TRUE(eventually([&] { return replicas_of(writer)["replicas"].size() == 1; }));
  const std::string stream_id = replicas_of(writer)["replicas"][0]["stream_id"];

  // Over three reply timeouts with no write: the same stream throughout, replies recent.
  const auto start = steady_clock::now();
  int64_t oldest_reply_ms = 0;
  while (elapsed_ms(start) < 10000) {
    json listing = replicas_of(writer);
    ASSERT_EQ(listing["replicas"].size(), 1u) << listing.dump();
    const json& stream = listing["replicas"][0];
    EXPECT_EQ(stream["stream_id"], stream_id) << listing.dump();
    if (stream["last_reply_age_ms"].is_number()) {
      oldest_reply_ms = std::max(oldest_reply_ms, stream["last_reply_age_ms"].get<int64_t>());
    }
    EXPECT_EQ(listing["dropped_for_reply_timeout"], 0);
    std::this_thread::sleep_for(milliseconds(250));
  }
  std::printf("the largest reply age seen over 10 s: %lld ms\n",
              static_cast<long long>(oldest_reply_ms));
  EXPECT_LT(oldest_reply_ms, 3000);
  EXPECT_EQ(primary.stderr_text().find("no reply for"), std::string::npos);
  EXPECT_TRUE(replica->stop());
  EXPECT_TRUE(primary.stop());
}

TEST(ReplicationReplyTest, TheReplicasListShowsAFollowingReplicaReachingThePrimary) {
  ServerProcess primary(kPrimaryArgs);
  ASSERT_TRUE(primary.start());
  httplib::Client writer = primary.client();
  ASSERT_EQ(call(writer, "PUT", "/v1/nodes/Learning/l0", learning("first")).status, 201);
  std::vector<std::string> args = kReplicaArgs;
  args.insert(args.end(), {"--replica-name", "replica-one"});
  auto replica = start_replica(primary, args);
  ASSERT_TRUE(replica->running());
  for (int i = 1; i <= 20; ++i) {
    ASSERT_EQ(call(writer, "PUT", "/v1/nodes/Learning/l" + std::to_string(i),
                   learning("learning " + std::to_string(i)))
                  .status,
              201);
  }
  json listing;
  const bool reached = eventually(
      [&] {
        listing = replicas_of(writer);
        return listing["replicas"].size() == 1 &&
               listing["replicas"][0]["applied_sequence"] == listing["primary_sequence"];
      },
      milliseconds(15000));
  ASSERT_TRUE(reached) << listing.dump();
  const json& stream = listing["replicas"][0];
  EXPECT_EQ(stream["replica"], "replica-one");
  EXPECT_EQ(stream["lag_sequences"], 0);
  EXPECT_EQ(stream["lag_ms"], 0);
  EXPECT_EQ(stream["replies"], true);
  EXPECT_EQ(stream["reply_timeout_ms"], 3000);
  EXPECT_EQ(stream["sent_sequence"], listing["primary_sequence"]);
  EXPECT_GT(stream["batches_sent"].get<int64_t>(), 0);
  EXPECT_GT(stream["bytes_sent"].get<int64_t>(), 0);
  EXPECT_EQ(stream["peer"].get<std::string>().rfind("127.0.0.1:", 0), 0u) << stream.dump();
  EXPECT_LT(stream["last_reply_age_ms"].get<int64_t>(), 3000);
  EXPECT_EQ(stream["started_at"].get<std::string>().size(), 24u) << stream.dump();
  // The replica's own view agrees.
  httplib::Client reader = replica->client();
  Reply ready = call(reader, "GET", "/readyz");
  EXPECT_EQ(ready.body["replication"]["applied_sequence"], listing["primary_sequence"])
      << ready.text;
  // A replica lists nothing: replicas do not chain.
  EXPECT_TRUE(is_error(call(reader, "GET", "/v1/replication/replicas"), 421, "read_replica"));
  EXPECT_TRUE(replica->stop());
  EXPECT_TRUE(primary.stop());
}

TEST(ReplicationReplyTest, BadRepliesAreRefusedAndChangeNothing) {
  constexpr const char* kAdminKey = "replication-reply-admin-key-0123";
  setenv("EXPGRAPH_ADMIN_KEY", kAdminKey, 1);
  ServerProcess primary({"--auth", "on", "--replication-reply-timeout", "30"});
  ::testing::AssertionResult started = primary.start();
  unsetenv("EXPGRAPH_ADMIN_KEY");
  ASSERT_TRUE(started);
  httplib::Client admin = primary.client();
  admin.set_bearer_token_auth(kAdminKey);
  ASSERT_EQ(call(admin, "PUT", "/v1/nodes/Learning/l1", learning("anchoring")).status, 201);

  // A stream that promises replies, opened by hand: its id is in the answer's head.
  RawConnection stream(primary.port());
  ASSERT_TRUE(stream.send_text(replying_stream_request(kAdminKey)));
  const std::string head = stream.read_response(1000);
  ASSERT_EQ(head.rfind("HTTP/1.1 200", 0), 0u) << head;
  const std::string id = stream_id_in(head);
  ASSERT_FALSE(id.empty()) << head;
  const json before = replicas_of(admin);
  ASSERT_EQ(before["replicas"].size(), 1u) << before.dump();
  EXPECT_EQ(before["replicas"][0]["stream_id"], id);
  EXPECT_TRUE(before["replicas"][0]["applied_sequence"].is_null());
  const uint64_t sent = before["replicas"][0]["sent_sequence"];

  auto reply = [&](httplib::Client& client, const std::string& body) {
    return call(client, "POST", "/v1/replication/replies", body);
  };
  const std::string good = json{{"stream_id", id}, {"applied_sequence", sent}}.dump();
  EXPECT_TRUE(is_error(
      reply(admin, json{{"stream_id", "0123456789abcdef"}, {"applied_sequence", sent}}.dump()), 404,
      "unknown_stream"));
  EXPECT_TRUE(is_error(reply(admin, "{not json"), 400, "invalid_argument"));
  EXPECT_TRUE(is_error(reply(admin, json{{"stream_id", id}}.dump()), 400, "invalid_argument"));
  EXPECT_TRUE(is_error(reply(admin, json{{"stream_id", id}, {"applied_sequence", -1}}.dump()), 400,
                       "invalid_argument"));
  EXPECT_TRUE(is_error(reply(admin, json{{"stream_id", id}, {"applied_sequence", "7"}}.dump()), 400,
                       "invalid_argument"));
  EXPECT_TRUE(is_error(
      reply(admin, json{{"stream_id", id}, {"applied_sequence", sent}, {"extra", 1}}.dump()), 400,
      "invalid_argument"));
  Reply beyond = reply(admin, json{{"stream_id", id}, {"applied_sequence", sent + 1}}.dump());
  EXPECT_TRUE(is_error(beyond, 400, "invalid_argument"));
  EXPECT_NE(beyond.text.find("has sent through"), std::string::npos) << beyond.text;
  httplib::Client anonymous = primary.client();
  EXPECT_TRUE(is_error(reply(anonymous, good), 401, "unauthenticated"));
  httplib::Client wrong = primary.client();
  wrong.set_bearer_token_auth("egk_not-a-key-of-this-primary");
  EXPECT_TRUE(is_error(reply(wrong, good), 401, "unauthenticated"));
  Reply created =
      call(admin, "POST", "/v1/admin/keys", json{{"name", "reader"}, {"role", "reader"}});
  ASSERT_EQ(created.status, 201) << created.text;
  httplib::Client reader = primary.client();
  reader.set_bearer_token_auth(created.body["key"].get<std::string>());
  EXPECT_TRUE(is_error(reply(reader, good), 403, "permission_denied"));

  // None of them counted: the stream is as it was.
  const json after = replicas_of(admin);
  ASSERT_EQ(after["replicas"].size(), 1u) << after.dump();
  EXPECT_EQ(after["replicas"][0]["reply_count"], 0);
  EXPECT_TRUE(after["replicas"][0]["applied_sequence"].is_null());
  EXPECT_TRUE(after["replicas"][0]["replica"].is_null());

  // A good one does.
  Reply accepted = reply(
      admin, json{{"stream_id", id}, {"applied_sequence", sent}, {"replica", "by-hand"}}.dump());
  ASSERT_EQ(accepted.status, 200) << accepted.text;
  EXPECT_EQ(accepted.body["applied_sequence"], sent);
  EXPECT_EQ(accepted.body["reply_count"], 1);
  EXPECT_EQ(replicas_of(admin)["replicas"][0]["replica"], "by-hand");
  EXPECT_TRUE(primary.stop());
}

// --max-concurrent-requests 1, its one slot held by a slow query: a replica's reply, its update
// stream and its checkpoint still get through (they are exempt), keys are still checked, and
// other /v1 requests still get 429. Before, the reply got 429 here, so a replica's replies
// stopped for as long as the primary was saturated and its healthy stream was cut after
// --replication-reply-timeout.
TEST(ReplicationReplyTest, RepliesAndStreamsGetThroughAPrimaryAtItsConcurrencyLimit) {
  constexpr const char* kAdminKey = "replication-saturated-admin-key-01";
  setenv("EXPGRAPH_ADMIN_KEY", kAdminKey, 1);
  ServerProcess primary({"--auth", "on", "--threads", "8", "--max-concurrent-requests", "1",
                         "--max-replication-streams", "2"});
  ::testing::AssertionResult started = primary.start();
  unsetenv("EXPGRAPH_ADMIN_KEY");
  ASSERT_TRUE(started);
  httplib::Client admin = primary.client();
  admin.set_bearer_token_auth(kAdminKey);
  json nodes = json::array();
  for (int i = 0; i < 60; ++i) {
    nodes.push_back({{"type", "Channel"},
                     {"key", "c" + std::to_string(i)},
                     {"properties", {{"name", "channel " + std::to_string(i)}}}});
  }
  ASSERT_EQ(call(admin, "POST", "/v1/batch", json{{"nodes", nodes}}).status, 200);

  // 60^5 = 778M rows to count: holds the one slot until its 8 s time limit.
  const json slow = {{"query",
                      "MATCH (a:Channel), (b:Channel), (c:Channel), (d:Channel), (e:Channel) "
                      "RETURN count(*)"},
                     {"timeout_ms", 8000}};
  std::atomic<bool> finished{false};
  // Joined on every way out of the test, a failed ASSERT's included.
  std::jthread holder([&] {
    httplib::Client own = primary.client();
    own.set_bearer_token_auth(kAdminKey);
    own.set_read_timeout(30, 0);
    // The polls below hold the slot for a moment too: a query refused for that asks again.
    Reply answer;
    do {
      answer = call(own, "POST", "/v1/query", slow);
    } while (answer.status == 429 && answer.body["error"]["code"] == "overloaded");
    finished = true;
  });
  ASSERT_TRUE(eventually(
      [&] { return call(admin, "GET", "/v1/nodes/Channel/c1").status == 429 || finished; },
      milliseconds(5000)));
  ASSERT_FALSE(finished) << "the slow query ended before the limit was reached";

  // The update stream is served, not refused with 429.
  RawConnection stream(primary.port());
  ASSERT_TRUE(stream.send_text(replying_stream_request(kAdminKey)));
  const std::string head = stream.read_response(2000);
  ASSERT_EQ(head.rfind("HTTP/1.1 200", 0), 0u) << head.substr(0, 300);
  const std::string id = stream_id_in(head);
  ASSERT_FALSE(id.empty()) << head;

  // Its reply is accepted and counted.
  const std::string body = json{{"stream_id", id}, {"applied_sequence", 0}}.dump();
  Reply accepted = call(admin, "POST", "/v1/replication/replies", body);
  ASSERT_EQ(accepted.status, 200) << accepted.text;
  EXPECT_EQ(accepted.body["stream_id"], id);
  EXPECT_EQ(accepted.body["reply_count"], 1);
  // The exemption is from the limit, not from the keys.
  httplib::Client anonymous = primary.client();
  EXPECT_TRUE(
      is_error(call(anonymous, "POST", "/v1/replication/replies", body), 401, "unauthenticated"));
  // A replica bootstrapping now gets its checkpoint.
  EXPECT_EQ(call(admin, "GET", "/v1/replication/checkpoint").status, 200);

  // All the while the limit held for everything else: the slot was still taken.
  Reply refused = call(admin, "GET", "/v1/nodes/Channel/c2");
  const bool still_saturated = !finished;
  EXPECT_TRUE(still_saturated) << "the slow query ended before the checks were done";
  if (still_saturated) {
    EXPECT_TRUE(is_error(refused, 429, "overloaded")) << refused.text;
    EXPECT_TRUE(is_error(call(admin, "GET", "/v1/replication/replicas"), 429, "overloaded"));
  }
  holder.join();
  EXPECT_EQ(call(admin, "GET", "/v1/replication/replicas").body["replicas"][0]["reply_count"], 1);
  EXPECT_TRUE(primary.stop());
}

}  // namespace
}  // namespace expgraph::testing
