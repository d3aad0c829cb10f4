// GraphStore::apply_replicated: a replica opened from a checkpoint of a primary GraphStore,
// fed the primary's write stream batch by batch, keeps its mirror, key index, counters and
// observers in step: nodes created, updated and deleted (with their edges), edges added and
// removed, the change log's sequences; and it refuses ordinary writes.
#include <gtest/gtest.h>

#include "graph/graph_test_support.h"

namespace expgraph::testing {
namespace {

// Records what an observer is told on the replica.
class RecordingObserver : public WriteObserver {
 public:
  Status prepare(const std::vector<NodeChange>&, KvWriteBatch&) override { return Status(); }
  void committed(const std::vector<NodeChange>&) override {}
  void replicated(const std::vector<NodeChange>& changes,
                  const std::vector<KvOperation>& operations) override {
    for (const NodeChange& change : changes) {
      std::string kind = change.before == nullptr  ? "created"
                         : change.after == nullptr ? "deleted"
                                                   : "updated";
      seen.push_back(kind + " " + (change.after ? change.after : change.before)->key);
    }
    operation_count += operations.size();
  }
  std::vector<std::string> seen;
  size_t operation_count = 0;
};

class ReplicatedApplyTest : public GraphStoreTest {
 protected:
  // A replica of the store as it is now.
  void make_replica() {
    auto opened = open_replica_of(*store_, dir_.sub("replica"), position_);
    ASSERT_TRUE(opened.ok()) << opened.status().to_string();
    replica_ = std::move(opened).value();
    replica_->add_observer(&observer_);
  }

  // Applies everything the primary committed since the last call.
  void follow() {
    auto cursor = store_->storage().read_updates(position_);
    ASSERT_TRUE(cursor.ok());
    auto batches = (*cursor)->next(size_t{1} << 30);
    ASSERT_TRUE(batches.ok()) << batches.status().to_string();
    for (const ReplicatedBatch& batch : *batches) {
      auto applied = replica_->apply_replicated(batch);
      ASSERT_TRUE(applied.ok()) << applied.status().to_string();
      position_ = batch.last_sequence();
    }
  }

  std::vector<std::string> replica_edges(const NodeRef& node_ref) {
    auto edges = replica_->edges_of(node_ref, Direction::kBoth, std::nullopt, 1000);
    EXPECT_TRUE(edges.ok());
    std::vector<std::string> out;
    for (const EdgeRecord& e : *edges) {
      bool outgoing = e.from == node_ref;
      out.push_back(e.type + (outgoing ? ">" : "<") + (outgoing ? e.to : e.from).to_string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  std::unique_ptr<GraphStore> replica_;
  RecordingObserver observer_;
  uint64_t position_ = 0;
};

TEST_F(ReplicatedApplyTest, TheReplicaFollowsCreatesUpdatesDeletesAndEdges) {
  write_ok({node("Team", "growth", {{"name", "Growth"}})});
  make_replica();
  write_ok({node("Experiment", "E1", {{"name", "one"}}), node("Learning", "L1", {{"text", "t"}})},
           {edge("YIELDED", ref("Experiment", "E1"), ref("Learning", "L1")),
            edge("OWNED_BY", ref("Experiment", "E1"), ref("Team", "growth"))});
  write_ok({node("Experiment", "E1", {{"name", "renamed"}})});
  follow();
  EXPECT_EQ(replica_->node_count(), 3u);
  EXPECT_EQ(replica_->edge_count(), 2u);
  EXPECT_EQ(replica_->last_sequence(), store_->last_sequence());
  EXPECT_EQ(replica_edges(ref("Experiment", "E1")), stored_edges(ref("Experiment", "E1")));
  auto renamed = replica_->get_node(ref("Experiment", "E1"));
  ASSERT_TRUE(renamed.ok());
  EXPECT_EQ(renamed->properties["name"], "renamed");
  EXPECT_EQ(renamed->version, 2u);
  EXPECT_EQ(observer_.seen, (std::vector<std::string>{"created E1", "created L1", "updated E1"}));

  WriteRequest deletes;
  deletes.node_deletes = {ref("Learning", "L1")};
  deletes.edge_deletes = {edge("OWNED_BY", ref("Experiment", "E1"), ref("Team", "growth"))};
  write_ok(deletes);
  follow();
  EXPECT_EQ(replica_->node_count(), 2u);
  EXPECT_EQ(replica_->edge_count(), 0u);
  EXPECT_TRUE(replica_edges(ref("Experiment", "E1")).empty());
  auto id = replica_->find_node_id(ref("Learning", "L1"));
  ASSERT_TRUE(id.ok());
  EXPECT_FALSE(id->has_value());
  EXPECT_EQ(observer_.seen.back(), "deleted L1");
  // Whatever storage holds is the primary's, byte for byte (the meta column aside: it holds the
  // replica's applied sequence).
  StorageDump primary = dump_storage(store_->storage());
  StorageDump copy = dump_storage(replica_->storage());
  std::erase_if(primary, [](const auto& row) { return row.first.first == int(Column::kMeta); });
  std::erase_if(copy, [](const auto& row) { return row.first.first == int(Column::kMeta); });
  EXPECT_EQ(copy, primary);

  // A node created again after a delete gets its new id on both.
  write_ok({node("Learning", "L1", {{"text", "back"}})});
  follow();
  EXPECT_EQ(replica_->find_node_id(ref("Learning", "L1"))->value_or(0),
            store_->find_node_id(ref("Learning", "L1"))->value_or(1));

  WriteRequest refused;
  refused.nodes = {node("Team", "local", {{"name", "x"}})};
  auto local = replica_->write(refused);
  ASSERT_FALSE(local.ok());
  EXPECT_EQ(local.status().error_code(), "read_only_replica");
  EXPECT_FALSE(replica_->find_node_id(ref("Team", "local"))->has_value());
}

TEST_F(ReplicatedApplyTest, ABatchThatDoesNotDecodeChangesNothing) {
  make_replica();
  uint64_t before = replica_->last_sequence();
  ReplicatedBatch bad;
  bad.sequence = position_ + 1;
  bad.count = 1;
  bad.data = std::string(12, '\0') + "not a batch";
  EXPECT_FALSE(replica_->apply_replicated(bad).ok());
  EXPECT_EQ(replica_->last_sequence(), before);
  EXPECT_EQ(*replica_->storage().applied_sequence(), std::optional<uint64_t>(position_));
}

}  // namespace
}  // namespace expgraph::testing
