// Durability over a real process boundary: every write the server acknowledged survives a
// kill -9 mid-stream and a restart; a SIGTERM stop exits 0 and loses nothing.
#include <atomic>
#include <cstdio>
#include <map>
#include <random>
#include <thread>
#include <vector>

#include "integration/http_client.h"

namespace expgraph::testing {
namespace {

using nlohmann::json;

struct AckedEdge {
  std::string from;
  std::string to;
};

// What the writer got a 2xx for.
struct Acknowledged {
  std::map<std::string, json> nodes;  // Segment key -> properties
  std::vector<AckedEdge> edges;       // SUBSEGMENT_OF edges between Segments
  // Every batch sent, acknowledged or not, by its base key: Segments <key>-a and <key>-b and an
  // edge b -> a. After a crash each must be there in full or not at all.
  std::vector<std::string> batches;
};

json segment_properties(const std::string& key, int i) {
  return {{"name", "segment " + key}, {"size", i}, {"definition", "round " + key}};
}

// Streams PUTs of distinct Segments, every 4th node an edge to the previous one and every 8th a
// small batch, until a request fails (the server died) or `stop` is set. Runs on its own thread
// with its own client.
void stream_writes(int port, int round, const std::atomic<bool>& stop, Acknowledged& acked,
                   std::string& unexpected) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(1, 0);
  client.set_read_timeout(5, 0);
  client.set_keep_alive(true);
  // Without it, the body waits for the ACK of the headers (Nagle + delayed ACK, ~40 ms).
  client.set_tcp_nodelay(true);
  std::string previous;
  for (int i = 0; !stop.load(); ++i) {
    // Built with append: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string chains.
    std::string key = std::to_string(round);
    key.insert(0, 1, 'r').append(1, '-').append(std::to_string(i));
    json properties = segment_properties(key, i);
    Reply reply = call(client, "PUT", "/v1/nodes/Segment/" + key, json{{"properties", properties}});
    if (reply.status == 0) return;  // killed mid-stream
    if (reply.status != 201) {
      unexpected = "PUT " + key + ": " + std::to_string(reply.status) + " " + reply.text;
      return;
    }
    acked.nodes[key] = properties;
    if (i % 4 == 3 && !previous.empty()) {
      Reply edge = call(client, "POST", "/v1/edges",
                        json{{"type", "SUBSEGMENT_OF"},
                             {"from", "Segment/" + key},
                             {"to", "Segment/" + previous}});
      if (edge.status == 0) return;
      if (edge.status != 201) {
        unexpected = "edge " + key + ": " + std::to_string(edge.status) + " " + edge.text;
        return;
      }
      acked.edges.push_back({key, previous});
    }
    if (i % 8 == 5) {
      json a = segment_properties(key + "-a", i);
      json b = segment_properties(key + "-b", i);
      json batch = {{"nodes",
                     {{{"type", "Segment"}, {"key", key + "-a"}, {"properties", a}},
                      {{"type", "Segment"}, {"key", key + "-b"}, {"properties", b}}}},
                    {"edges",
                     {{{"type", "SUBSEGMENT_OF"},
                       {"from", "Segment/" + key + "-b"},
                       {"to", "Segment/" + key + "-a"}}}}};
      acked.batches.push_back(key);
      Reply written = call(client, "POST", "/v1/batch", batch);
      if (written.status == 0) return;
      if (written.status != 200) {
        unexpected = "batch " + key + ": " + std::to_string(written.status) + " " + written.text;
        return;
      }
      acked.nodes[key + "-a"] = a;
      acked.nodes[key + "-b"] = b;
      acked.edges.push_back({key + "-b", key + "-a"});
    }
    previous = key;
  }
}

// Every acknowledged node is there with its properties, every acknowledged edge is listed, and
// /readyz counts agree with a full listing.
void expect_all_present(ServerProcess& server, const Acknowledged& acked) {
  httplib::Client client = server.client();
  std::map<std::string, json> stored;
  std::string cursor;
  while (true) {
    std::string path = "/v1/nodes/Segment?limit=10000";
    if (!cursor.empty()) path += "&cursor=" + cursor;
    Reply page = call(client, "GET", path);
    ASSERT_EQ(page.status, 200) << page.text;
    for (const json& node : page.body["nodes"]) stored[node["key"]] = node["properties"];
    if (page.body["next_cursor"].is_null()) break;
    cursor = page.body["next_cursor"];
  }
  size_t missing = 0;
  for (const auto& [key, properties] : acked.nodes) {
    auto it = stored.find(key);
    if (it == stored.end() || it->second != properties) {
      if (++missing <= 5)
        ADD_FAILURE() << "acknowledged node Segment/" << key << " lost or changed";
    }
  }
  EXPECT_EQ(missing, 0u) << "of " << acked.nodes.size() << " acknowledged nodes";
  Counts counts = graph_counts(client);
  EXPECT_EQ(counts.nodes, static_cast<int64_t>(stored.size()));

  size_t missing_edges = 0;
  for (const AckedEdge& edge : acked.edges) {
    Reply listing =
        call(client, "GET",
             "/v1/nodes/Segment/" + edge.from + "/edges?direction=out&type=SUBSEGMENT_OF");
    bool found = listing.status == 200 && listing.body["edges"].size() == 1 &&
                 listing.body["edges"][0]["to"] == "Segment/" + edge.to;
    if (!found && ++missing_edges <= 5) {
      ADD_FAILURE() << "acknowledged edge " << edge.from << " -> " << edge.to
                    << " lost: " << listing.text;
    }
  }
  EXPECT_EQ(missing_edges, 0u) << "of " << acked.edges.size() << " acknowledged edges";

  for (const std::string& key : acked.batches) {
    bool has_a = stored.count(key + "-a") > 0;
    bool has_b = stored.count(key + "-b") > 0;
    Reply listing = call(client, "GET",
                         "/v1/nodes/Segment/" + key + "-b/edges?direction=out&type=SUBSEGMENT_OF");
    bool has_edge = listing.status == 200 && listing.body["edges"].size() == 1;
    EXPECT_TRUE(has_a == has_b && has_b == has_edge)
        << "batch " << key << " is partly written: a " << has_a << ", b " << has_b << ", edge "
        << has_edge;
  }
  EXPECT_GE(counts.edges, static_cast<int64_t>(acked.edges.size()));
}

TEST(DurabilityTest, AcknowledgedWritesSurviveKillNine) {
  ServerProcess server;
  ASSERT_TRUE(server.start());
  std::mt19937 random(std::random_device{}());
  std::uniform_int_distribution<int> kill_after_ms(800, 1800);
  Acknowledged all;
  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    std::atomic<bool> stop{false};
    Acknowledged acked;
    std::string unexpected;
    std::thread writer(stream_writes, server.port(), round, std::cref(stop), std::ref(acked),
                       std::ref(unexpected));
    std::this_thread::sleep_for(std::chrono::milliseconds(kill_after_ms(random)));
    server.kill();
    stop = true;
    writer.join();
    EXPECT_EQ(unexpected, "");
    EXPECT_GT(acked.nodes.size(), 10u) << "the writer hardly got going";
    all.nodes.insert(acked.nodes.begin(), acked.nodes.end());
    all.edges.insert(all.edges.end(), acked.edges.begin(), acked.edges.end());
    all.batches.insert(all.batches.end(), acked.batches.begin(), acked.batches.end());
    std::printf("[ round %d ] killed after %zu acknowledged nodes, %zu edges, %zu batches sent\n",
                round, acked.nodes.size(), acked.edges.size(), acked.batches.size());

    ASSERT_TRUE(server.start());
    expect_all_present(server, all);
    if (HasFailure()) break;
  }
  ASSERT_TRUE(server.stop());
}

TEST(DurabilityTest, SigtermMidStreamExitsCleanlyAndKeepsEverything) {
  ServerProcess server;
  ASSERT_TRUE(server.start());
  std::atomic<bool> stop{false};
  Acknowledged acked;
  std::string unexpected;
  std::thread writer(stream_writes, server.port(), 0, std::cref(stop), std::ref(acked),
                     std::ref(unexpected));
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  // Requests in flight finish; then the server exits 0.
  ::testing::AssertionResult stopped = server.stop();
  stop = true;
  writer.join();
  ASSERT_TRUE(stopped);
  EXPECT_EQ(unexpected, "");
  EXPECT_GT(acked.nodes.size(), 10u);
  EXPECT_NE(server.stderr_text().find("stopped cleanly"), std::string::npos)
      << server.stderr_text();

  ASSERT_TRUE(server.start());
  expect_all_present(server, acked);
  // A clean stop and a second restart on the same data find the same graph.
  httplib::Client client = server.client();
  Counts before = graph_counts(client);
  ASSERT_TRUE(server.restart());
  httplib::Client after = server.client();
  EXPECT_EQ(graph_counts(after), before);
  std::string summary = std::to_string(before.nodes) + " nodes, ";
  summary += std::to_string(before.edges) + " edges)";
  EXPECT_NE(server.stderr_text().find(summary), std::string::npos) << server.stderr_text();
  ASSERT_TRUE(server.stop());
}

}  // namespace
}  // namespace expgraph::testing
