// Concurrent writers: GraphStore serialises writes, so four threads writing distinct nodes and
// edges (some to a shared node) end with exact counts, in memory and after a reopen.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "graph_test_support.h"

namespace expgraph::testing {
namespace {

class GraphStoreConcurrencyTest : public GraphStoreTest {};

TEST_F(GraphStoreConcurrencyTest, ParallelWritersGetExactCounts) {
  constexpr int kThreads = 4;
  constexpr int kWritesPerThread = 40;
  write_ok({node("Channel", "email", {{"name", "email"}})});

  const SymbolId runs_on = edge_type_id("RUNS_ON");
  std::atomic<int> failures{0};
  std::atomic<bool> stop_reading{false};
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < kWritesPerThread; ++i) {
        std::string suffix = std::to_string(t) + "-" + std::to_string(i);
        WriteRequest request;
        request.nodes = {node("Experiment", "E" + suffix, {{"name", suffix}}),
                         node("Campaign", "C" + suffix, {{"name", suffix}})};
        request.edges = {
            edge("PART_OF", ref("Experiment", "E" + suffix), ref("Campaign", "C" + suffix)),
            edge("RUNS_ON", ref("Experiment", "E" + suffix), ref("Channel", "email"))};
        if (!store_->write(request).ok()) ++failures;
      }
    });
  }
  // A reader at the same time: it must only ever see whole requests.
  std::thread reader([&] {
    while (!stop_reading) {
      auto page = store_->list_nodes("Campaign", {}, 1000, "");
      if (!page.ok()) ++failures;
      (void)store_->topology().degree(1, Direction::kIn, runs_on);
    }
  });
  for (auto& writer : writers) writer.join();
  stop_reading = true;
  reader.join();

  const size_t writes = kThreads * kWritesPerThread;
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(store_->node_count(), 1 + 2 * writes);
  EXPECT_EQ(store_->edge_count(), 2 * writes);
  EXPECT_EQ(store_->last_sequence(), 1 + 4 * writes);  // one record per node and per edge
  const NodeId email = id_of(ref("Channel", "email"));
  EXPECT_EQ(store_->topology().degree(email, Direction::kIn, runs_on), writes);
  auto campaigns = store_->list_nodes("Campaign", {}, 1000, "");
  ASSERT_TRUE(campaigns.ok());
  EXPECT_EQ(campaigns->nodes.size(), writes);
  // Every node got its own id.
  std::set<NodeId> ids;
  for (const NodeRecord& record : campaigns->nodes) ids.insert(record.id);
  EXPECT_EQ(ids.size(), writes);

  reopen();
  EXPECT_EQ(store_->node_count(), 1 + 2 * writes);
  EXPECT_EQ(store_->edge_count(), 2 * writes);
  EXPECT_EQ(count_keys(store_->storage(), Column::kLog), 1 + 4 * writes);
}

}  // namespace
}  // namespace expgraph::testing
