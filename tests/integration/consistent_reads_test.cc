// Reads during heavy writes never see half a request (docs/scale-out.md, "Guarantees"): a
// writer posts batches of an experiment with 40 variants and their HAS_VARIANT edges, while
// readers on the primary and on a read replica (which applies the same batches from the
// primary's WAL) count a recent experiment's variants with Cypher. A query that finds the
// experiment must find all 40: the topology mirror takes a request's nodes and edges in one step
// and the key index learns the new node after it. Before, the count saw 0 or some of the edges.
// No read answers 5xx, and the replica's export equals the primary's once it caught up.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include "integration/http_client.h"
#include "integration/replication_fixture.h"

namespace expgraph::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

constexpr int kVariants = 40;

json experiment_batch(int i) {
  json nodes = json::array(), edges = json::array();
  std::string experiment = "E-" + std::to_string(i);
  nodes.push_back({{"type", "Experiment"}, {"key", experiment}, {"properties", {{"name", "e"}}}});
  for (int v = 0; v < kVariants; ++v) {
    std::string variant = "V-" + std::to_string(i) + "-" + std::to_string(v);
    nodes.push_back({{"type", "Variant"},
                     {"key", variant},
                     {"properties", {{"name", "v"}, {"is_control", v == 0}}}});
    edges.push_back({{"type", "HAS_VARIANT"},
                     {"from", "Experiment/" + experiment},
                     {"to", "Variant/" + variant}});
  }
  return {{"nodes", nodes}, {"edges", edges}};
}

struct Observed {
  std::mutex mutex;
  std::map<std::string, int> counts;  // "found/variants" -> queries
  std::string first_error;
};

void read_newest(const ServerProcess& server, const std::atomic<int>& written,
                 const std::atomic<bool>& stop, Observed& observed) {
  httplib::Client client = server.client();
  client.set_read_timeout(10, 0);
  for (int turn = 0; !stop; ++turn) {
    int newest = written.load();
    // The newest acknowledged experiment and the next one, which may be being applied.
    int i = newest + turn % 2;
    Reply reply = call(client, "POST", "/v1/query",
                       json{{"query",
                             "MATCH (e:Experiment {key: $k}) OPTIONAL MATCH "
                             "(e)-[:HAS_VARIANT]->(v:Variant) RETURN count(DISTINCT e) AS found, "
                             "count(v) AS variants"},
                            {"params", {{"k", "E-" + std::to_string(i)}}}});
    std::lock_guard lock(observed.mutex);
    if (reply.status != 200) {
      if (observed.first_error.empty()) observed.first_error = reply.text;
      continue;
    }
    const json& row = reply.body["rows"].at(0);
    int found = row.is_array() ? row.at(0).get<int>() : row["found"].get<int>();
    int variants = row.is_array() ? row.at(1).get<int>() : row["variants"].get<int>();
    ++observed.counts[std::to_string(found) + "/" + std::to_string(variants)];
  }
}

TEST(ConsistentReadsTest, ANodeAndTheEdgesWrittenWithItAppearTogether) {
  ServerProcess primary;
  ASSERT_TRUE(primary.start());
  auto replica = start_replica(primary);
  httplib::Client writer = primary.client();
  writer.set_read_timeout(10, 0);
  ASSERT_EQ(call(writer, "POST", "/v1/batch", experiment_batch(0)).status, 200);
  std::atomic<int> written{0};
  std::atomic<bool> stop{false};
  Observed on_primary, on_replica;
  std::thread primary_reader(read_newest, std::cref(primary), std::cref(written), std::cref(stop),
                             std::ref(on_primary));
  std::thread replica_reader(read_newest, std::cref(*replica), std::cref(written),
                             std::cref(stop), std::ref(on_replica));
  std::thread second_replica_reader(read_newest, std::cref(*replica), std::cref(written),
                                    std::cref(stop), std::ref(on_replica));
  auto until = std::chrono::steady_clock::now() + milliseconds(5000);
  for (int i = 1; std::chrono::steady_clock::now() < until; ++i) {
    Reply put = call(writer, "POST", "/v1/batch", experiment_batch(i));
    ASSERT_EQ(put.status, 200) << put.text;
    written = i;
  }
  stop = true;
  primary_reader.join();
  replica_reader.join();
  second_replica_reader.join();

  for (Observed* observed : {&on_primary, &on_replica}) {
    const char* where = observed == &on_primary ? "primary" : "replica";
    EXPECT_EQ(observed->first_error, "") << where;
    int queries = 0;
    std::string seen;
    for (const auto& [outcome, count] : observed->counts) {
      queries += count;
      seen += " " + outcome + ": " + std::to_string(count);
      EXPECT_TRUE(outcome == "0/0" || outcome == "1/" + std::to_string(kVariants))
          << where << " found an experiment with some of its variants:" << seen;
    }
    std::printf("%s: %d queries, found/variants:%s\n", where, queries, seen.c_str());
    EXPECT_GT(observed->counts["1/" + std::to_string(kVariants)], 0) << where;
  }
  httplib::Client reader = replica->client();
  EXPECT_TRUE(converges(writer, reader, milliseconds(30000)));
  EXPECT_TRUE(replica->stop());
  EXPECT_TRUE(primary.stop());
}

}  // namespace
}  // namespace expgraph::testing
