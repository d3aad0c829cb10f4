// WriteRequest::keep_existing (the import's overwrite=false): a node write naming a node stored
// before the request leaves it as stored (kKept, its record handed back as stored), a node new
// to the store is written, and the outcome is decided by the write itself. Also the stored
// properties a write hands back for each node it updated (WriteSummary::previous_properties).
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>

#include "graph_test_support.h"

namespace expgraph::testing {
namespace {

using nlohmann::json;

class GraphStoreKeepExistingTest : public GraphStoreTest {
 protected:
  WriteSummary write_keeping(std::vector<NodeWrite> nodes) {
    WriteRequest request;
    request.nodes = std::move(nodes);
    request.keep_existing = true;
    return write_ok(request);
  }
};

TEST_F(GraphStoreKeepExistingTest, AStoredNodeIsKeptAndANewOneWritten) {
  write_ok({node("Channel", "email", {{"name", "Stored"}})});
  const NodeRecord before = get(ref("Channel", "email"));

  WriteSummary summary = write_keeping({node("Channel", "email", {{"name", "Replaced"}}),
                                        node("Channel", "sms", {{"name", "New"}})});
  ASSERT_EQ(summary.nodes.size(), 2u);
  EXPECT_EQ(summary.nodes[0], WriteOutcome::kKept);
  EXPECT_EQ(summary.nodes[1], WriteOutcome::kCreated);
  EXPECT_EQ(write_outcome_name(WriteOutcome::kKept), "kept");
  // The kept node's record is handed back as stored, and storage is untouched.
  ASSERT_EQ(summary.node_records.size(), 2u);
  EXPECT_EQ(summary.node_records[0].properties["name"], "Stored");
  const NodeRecord after = get(ref("Channel", "email"));
  EXPECT_EQ(after.properties, before.properties);
  EXPECT_EQ(after.version, before.version);
  EXPECT_EQ(get(ref("Channel", "sms")).properties["name"], "New");
  EXPECT_FALSE(summary.previous_properties[0].has_value());  // kept: nothing changed
}

TEST_F(GraphStoreKeepExistingTest, ANodeCreatedEarlierInTheSameRequestIsWritten) {
  // Only nodes stored before the request are kept: a later line for a node an earlier line of
  // the same request created is applied, as without keep_existing.
  WriteSummary summary = write_keeping(
      {node("Channel", "push", {{"name", "First"}}), node("Channel", "push", {{"name", "Second"}})});
  EXPECT_EQ(summary.nodes[0], WriteOutcome::kCreated);
  EXPECT_EQ(summary.nodes[1], WriteOutcome::kCreated);
  EXPECT_EQ(get(ref("Channel", "push")).properties["name"], "Second");
}

TEST_F(GraphStoreKeepExistingTest, WithoutTheFlagTheNodeIsUpdatedAndItsOldPropertiesHandedBack) {
  write_ok({node("Channel", "email", {{"name", "Stored"}, {"description", "old"}})});
  WriteSummary summary =
      write_ok({node("Channel", "email", {{"name", "Stored"}, {"description", "new"}}),
                node("Channel", "web", {{"name", "Web"}})});
  EXPECT_EQ(summary.nodes[0], WriteOutcome::kUpdated);
  ASSERT_EQ(summary.previous_properties.size(), 2u);
  ASSERT_TRUE(summary.previous_properties[0].has_value());
  EXPECT_EQ((*summary.previous_properties[0])["description"], "old");
  EXPECT_FALSE(summary.previous_properties[1].has_value());  // created
  EXPECT_EQ(get(ref("Channel", "email")).properties["description"], "new");
}

TEST_F(GraphStoreKeepExistingTest, ConcurrentKeepingWritesCreateEachNodeOnce) {
  // Two writers race over the same keys, each keeping what is stored: whoever commits a node
  // first creates it, the other keeps it; no node is ever updated.
  constexpr int kNodes = 300;
  std::atomic<int> created{0}, kept{0}, other{0};
  auto writer = [&](const std::string& name) {
    for (int i = 0; i < kNodes; ++i) {
      WriteRequest request;
      request.keep_existing = true;
      request.nodes.push_back(node("Channel", "race-" + std::to_string(i), {{"name", name}}));
      auto summary = store_->write(request);
      ASSERT_TRUE(summary.ok()) << summary.status().to_string();
      WriteOutcome outcome = summary->nodes[0];
      (outcome == WriteOutcome::kCreated ? created
       : outcome == WriteOutcome::kKept  ? kept
                                         : other)++;
    }
  };
  std::thread a(writer, "A"), b(writer, "B");
  a.join();
  b.join();
  EXPECT_EQ(created.load(), kNodes);
  EXPECT_EQ(kept.load(), kNodes);
  EXPECT_EQ(other.load(), 0);
}

}  // namespace
}  // namespace expgraph::testing
