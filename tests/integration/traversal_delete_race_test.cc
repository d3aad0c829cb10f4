// Neighbourhoods and paths of a node that exists, while other clients create and delete its
// neighbours: every answer is 200 and self-consistent. The routes walk the topology mirror and
// read the nodes found afterwards; a neighbour deleted in between turned about one read in
// fifty into 404 "no node with id N" (an internal id) for a node that was there all along.
// Now a vanished neighbour is left out of a neighbourhood, and a path is searched again. A
// node's edges and a type's listing had the same race (in graph/graph_store: the far end of an
// edge, a listed key's record) and leave out what vanished too.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <thread>
#include <vector>

#include "integration/failure_log.h"
#include "integration/http_client.h"

namespace expgraph::testing {
namespace {

using nlohmann::json;

TEST(TraversalDeleteRaceTest, ReadsOfAnExistingNodeAreAnsweredWhileItsNeighboursAreDeleted) {
  ServerProcess server({"--threads", "8"});
  ASSERT_TRUE(server.start());
  httplib::Client setup = server.client();
  ASSERT_EQ(call(setup, "PUT", "/v1/nodes/Experiment/hub", json{{"properties", {{"name", "Hub"}}}})
                .status,
            201);
  ASSERT_EQ(
      call(setup, "PUT", "/v1/nodes/Segment/root", json{{"properties", {{"name", "Root"}}}}).status,
      201);

  std::atomic<bool> stop{false};
  std::atomic<int> reads{0}, deletes{0};
  FailureLog failures;

  std::vector<std::thread> clients;
  // Each writer adds a segment between the hub and the root, then deletes it: the only paths
  // from the hub to the root go through segments that come and go.
  for (int writer = 0; writer < 2; ++writer) {
    clients.emplace_back([&, writer] {
      httplib::Client client = server.client();
      const std::string key = "between-" + std::to_string(writer);
      while (!stop) {
        json batch = {
            {"nodes", {{{"type", "Segment"}, {"key", key}, {"properties", {{"name", key}}}}}},
            {"edges",
             {{{"type", "TARGETS"}, {"from", "Experiment/hub"}, {"to", "Segment/" + key}},
              {{"type", "SUBSEGMENT_OF"}, {"from", "Segment/" + key}, {"to", "Segment/root"}}}}};
        if (call(client, "POST", "/v1/batch", batch).status != 200) failures.fail("batch refused");
        if (call(client, "DELETE", "/v1/nodes/Segment/" + key).status == 200) ++deletes;
      }
    });
  }
  // The hub's edges and the Segment listing read the store the same way (an edge's far end, a
  // listed key's record) and must leave out what vanished in between too.
  for (const std::string path :
       {"/v1/nodes/Experiment/hub/neighborhood?hops=2",
        "/v1/paths?from=Experiment/hub&to=Segment/root",
        "/v1/nodes/Experiment/hub/edges?direction=out", "/v1/nodes/Segment?limit=100"}) {
    clients.emplace_back([&, path] {
      httplib::Client client = server.client();
      while (!stop) {
        Reply reply = call(client, "GET", path);
        ++reads;
        // A path whose nodes kept vanishing over several tries may say so (and to retry).
        if (reply.status == 429 && reply.body["error"]["code"] == "path_changed") continue;
        if (reply.status != 200) {
          failures.fail("GET " + path + " answered " + std::to_string(reply.status) + ": " +
                        reply.text);
          continue;
        }
        if (!reply.body.contains("nodes") || !reply.body.contains("edges")) continue;
        // Every edge returned joins two nodes returned.
        std::set<std::string> nodes;
        for (const json& node : reply.body["nodes"]) {
          nodes.insert(node["type"].get<std::string>() + "/" + node["key"].get<std::string>());
        }
        for (const json& edge : reply.body["edges"]) {
          if (!nodes.contains(edge["from"]) || !nodes.contains(edge["to"])) {
            failures.fail("GET " + path +
                          " returned an edge to a node it did not return: " + reply.text);
          }
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(3));
  stop = true;
  for (std::thread& client : clients) client.join();

  failures.report();
  // The race was run: reads and deletes got through many times.
  EXPECT_GE(reads.load(), 100);
  EXPECT_GE(deletes.load(), 20);
  EXPECT_TRUE(server.stop());
}

}  // namespace
}  // namespace expgraph::testing
