// GET /v1/changes against a real expgraphd: a follower that resumes from the sequence it last
// saw gets every change exactly once, in order and without gaps, across a clean restart and a
// kill -9; the types filter and its resume header; long polls that wake on a write (within
// 100 ms) or time out empty; bad parameters are 400.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <future>
#include <sstream>
#include <thread>

#include "integration/http_client.h"

namespace expgraph::testing {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

struct FeedAnswer {
  int status = 0;
  std::vector<json> records;
  uint64_t next_since = 0;
};

FeedAnswer read_feed(const ServerProcess& server, const std::string& query) {
  httplib::Client client = server.client();
  client.set_read_timeout(40, 0);
  FeedAnswer answer;
  auto result = client.Get("/v1/changes?" + query);
  if (!result) return answer;
  answer.status = result->status;
  std::istringstream lines(result->body);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) answer.records.push_back(json::parse(line));
  }
  if (result->has_header("Expgraph-Next-Since")) {
    answer.next_since = std::stoull(result->get_header_value("Expgraph-Next-Since"));
  }
  return answer;
}

// "name=value"; built with += because GCC 12 warns (-Wrestrict) on "literal" + std::string&&.
std::string query(const char* name, uint64_t value) {
  std::string text = name;
  text += '=';
  text += std::to_string(value);
  return text;
}

// Writes Segment/<prefix>-<i> for i in [first, last).
void write_segments(const ServerProcess& server, const std::string& prefix, int first, int last) {
  httplib::Client client = server.client();
  for (int i = first; i < last; ++i) {
    std::string key = prefix;
    key += '-';
    key += std::to_string(i);
    Reply reply = call(client, "PUT", "/v1/nodes/Segment/" + key,
                       json{{"properties", {{"name", key}}}});
    ASSERT_EQ(reply.status, 201) << reply.text;
  }
}

// Follows the feed from `since` in pages of `limit` until it is empty; appends what it sees.
uint64_t follow(const ServerProcess& server, uint64_t since, std::vector<json>& seen,
                int limit = 7) {
  while (true) {
    FeedAnswer answer = read_feed(server, query("since", since) + query("&limit", limit));
    EXPECT_EQ(answer.status, 200);
    if (answer.status != 200 || answer.records.empty()) return since;
    for (json& record : answer.records) seen.push_back(std::move(record));
    since = answer.next_since;
  }
}

TEST(ChangeFeedTest, FollowerSeesEveryChangeOnceAcrossRestartAndKill) {
  ServerProcess server;
  ASSERT_TRUE(server.start());
  std::vector<json> seen;
  write_segments(server, "a", 0, 20);
  uint64_t since = follow(server, 0, seen);
  EXPECT_EQ(seen.size(), 20u);

  write_segments(server, "b", 0, 10);
  ASSERT_TRUE(server.restart());
  write_segments(server, "c", 0, 10);
  since = follow(server, since, seen);

  write_segments(server, "d", 0, 10);
  server.kill();
  ASSERT_TRUE(server.start());
  write_segments(server, "e", 0, 5);
  since = follow(server, since, seen);

  // Every acknowledged write once, in order, sequences 1..N without a gap.
  ASSERT_EQ(seen.size(), 55u);
  std::vector<std::string> keys;
  for (size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i]["sequence"], i + 1) << seen[i].dump();
    EXPECT_EQ(seen[i]["op"], "put_node");
    keys.push_back(seen[i]["after"]["key"]);
  }
  EXPECT_EQ(keys.front(), "a-0");
  EXPECT_EQ(keys[20], "b-0");
  EXPECT_EQ(keys[30], "c-0");
  EXPECT_EQ(keys[40], "d-0");
  EXPECT_EQ(keys.back(), "e-4");
  EXPECT_EQ(since, 55u);
  // The same records as the audit trail.
  httplib::Client audit_client = server.client();
  Reply audit = call(audit_client, "GET", "/v1/audit?limit=1");
  ASSERT_EQ(audit.status, 200);
  EXPECT_EQ(audit.body["changes"][0], seen[0]);
}

TEST(ChangeFeedTest, TypesFilterAndTheResumeHeader) {
  ServerProcess server;
  ASSERT_TRUE(server.start());
  write_segments(server, "s", 0, 3);
  httplib::Client client = server.client();
  ASSERT_EQ(call(client, "PUT", "/v1/nodes/Channel/fax", json{{"properties", {{"name", "Fax"}}}})
                .status,
            201);
  ASSERT_EQ(call(client, "POST", "/v1/edges",
                 json{{"type", "SUBSEGMENT_OF"}, {"from", "Segment/s-1"}, {"to", "Segment/s-0"}})
                .status,
            201);

  FeedAnswer channels = read_feed(server, "since=0&types=Channel");
  ASSERT_EQ(channels.status, 200);
  ASSERT_EQ(channels.records.size(), 1u);
  EXPECT_EQ(channels.records[0]["subject"]["node"], "Channel/fax");
  // The header moves past the records the filter skipped: the whole log was examined.
  EXPECT_EQ(channels.next_since, 5u);
  FeedAnswer edges = read_feed(server, "since=0&types=SUBSEGMENT_OF,Channel");
  ASSERT_EQ(edges.records.size(), 2u);
  EXPECT_EQ(edges.records[1]["subject"]["edge"], "SUBSEGMENT_OF");
  FeedAnswer after = read_feed(server, "since=5&types=Channel");
  EXPECT_TRUE(after.records.empty());
  EXPECT_EQ(after.next_since, 5u);

  EXPECT_TRUE(is_error(call(client, "GET", "/v1/changes?types=Nope"), 400, "invalid_argument"));
  EXPECT_TRUE(is_error(call(client, "GET", "/v1/changes?since=-1"), 400, "invalid_argument"));
  EXPECT_TRUE(is_error(call(client, "GET", "/v1/changes?wait=31"), 400, "invalid_argument"));
  EXPECT_TRUE(is_error(call(client, "GET", "/v1/changes?limit=0"), 400, "invalid_argument"));
}

TEST(ChangeFeedTest, LongPollWakesOnAWriteAndTimesOutEmpty) {
  ServerProcess server;
  ASSERT_TRUE(server.start());
  write_segments(server, "w", 0, 1);

  // Nothing new: the answer waits the whole second, then comes back empty.
  auto start = Clock::now();
  FeedAnswer empty = read_feed(server, "since=1&wait=1");
  double waited = std::chrono::duration<double>(Clock::now() - start).count();
  EXPECT_EQ(empty.status, 200);
  EXPECT_TRUE(empty.records.empty());
  EXPECT_GE(waited, 0.95);
  EXPECT_LT(waited, 3.0);

  // A write while a follower waits: the follower has it within 100 ms of the write's answer.
  std::vector<double> delays_ms;
  for (int round = 0; round < 5; ++round) {
    uint64_t since = 1 + round;
    auto waiting = std::async(std::launch::async, [&server, since] {
      FeedAnswer answer = read_feed(server, query("since", since) + "&wait=10");
      return std::make_pair(answer, Clock::now());
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the poll is waiting
    write_segments(server, "x", round, round + 1);
    auto written = Clock::now();
    auto [answer, received] = waiting.get();
    ASSERT_EQ(answer.records.size(), 1u);
    EXPECT_EQ(answer.records[0]["sequence"], since + 1);
    delays_ms.push_back(std::chrono::duration<double, std::milli>(received - written).count());
  }
  std::sort(delays_ms.begin(), delays_ms.end());
  // The median, so one scheduling hiccup on a loaded machine does not decide it.
  EXPECT_LT(delays_ms[2], 100.0) << "median wake-up delay in ms";
  std::printf("change feed long-poll wake-up after a write (ms, sorted): %.1f %.1f %.1f %.1f %.1f\n",
              delays_ms[0], delays_ms[1], delays_ms[2], delays_ms[3], delays_ms[4]);

  // A clean stop does not wait for a pending long poll.
  auto pending = std::async(std::launch::async, [&server] {
    return read_feed(server, "since=100&wait=30");
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto stop_start = Clock::now();
  EXPECT_TRUE(server.stop());
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - stop_start).count(), 5.0);
  pending.wait();
}

}  // namespace
}  // namespace expgraph::testing
