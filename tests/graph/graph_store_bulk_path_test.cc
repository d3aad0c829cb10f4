// The shortcuts of the write path that bulk imports lean on: edge endpoints resolved through the
// node-id cache without reading their records, edge existence taken from the mirror, and the
// change-log record encoded by hand. Each must give the same results as the long way.
#include <gtest/gtest.h>

#include "graph_test_support.h"

namespace expgraph::testing {
namespace {

class GraphStoreBulkPathTest : public GraphStoreTest {
 protected:
  // The decoded change-log record with sequence number `sequence`.
  nlohmann::json log_record(uint64_t sequence) {
    auto bytes = store_->storage().get(Column::kLog, keys::log_key(sequence));
    EXPECT_TRUE(bytes.ok() && bytes->has_value()) << "no log record " << sequence;
    if (!bytes.ok() || !bytes->has_value()) return nullptr;
    return nlohmann::json::from_msgpack(**bytes, true, false);
  }
};

TEST_F(GraphStoreBulkPathTest, EdgeEndpointsSeeDeletesAndRecreatedNodes) {
  write_ok(
      {node("Experiment", "E", {{"name", "e"}}), node("Hypothesis", "H", {{"statement", "h"}})},
      {edge("TESTS", ref("Experiment", "E"), ref("Hypothesis", "H"))});
  const NodeId first_id = id_of(ref("Hypothesis", "H"));

  WriteRequest remove;
  remove.node_deletes = {ref("Hypothesis", "H")};
  write_ok(remove);
  // The cached id of the deleted node must not be used for an edge.
  EXPECT_EQ(write_error({}, {edge("TESTS", ref("Experiment", "E"), ref("Hypothesis", "H"))}),
            StatusCode::kNotFound);

  write_ok({node("Hypothesis", "H", {{"statement", "again"}})});
  const NodeId second_id = id_of(ref("Hypothesis", "H"));
  EXPECT_NE(second_id, first_id);
  auto summary = write_ok({}, {edge("TESTS", ref("Experiment", "E"), ref("Hypothesis", "H"))});
  ASSERT_EQ(summary.edges.size(), 1u);
  EXPECT_EQ(summary.edges[0], WriteOutcome::kCreated);
  EXPECT_TRUE(
      store_->topology().has_edge(id_of(ref("Experiment", "E")), edge_type_id("TESTS"), second_id));
  EXPECT_FALSE(
      store_->topology().has_edge(id_of(ref("Experiment", "E")), edge_type_id("TESTS"), first_id));
}

TEST_F(GraphStoreBulkPathTest, EdgesAfterReopenAreUnchangedOrUpdated) {
  write_ok({node("Experiment", "E", {{"name", "e"}}), node("Metric", "M", {{"name", "m"}})},
           {edge("MEASURES", ref("Experiment", "E"), ref("Metric", "M"), {{"role", "primary"}})});
  reopen();  // empty cache: ids come from storage, existence from the rebuilt mirror
  auto same = write_ok(
      {}, {edge("MEASURES", ref("Experiment", "E"), ref("Metric", "M"), {{"role", "primary"}})});
  EXPECT_EQ(same.edges[0], WriteOutcome::kUnchanged);
  auto changed = write_ok(
      {}, {edge("MEASURES", ref("Experiment", "E"), ref("Metric", "M"), {{"role", "guardrail"}})});
  EXPECT_EQ(changed.edges[0], WriteOutcome::kUpdated);
  EXPECT_EQ(store_->edge_count(), 1u);
}

TEST_F(GraphStoreBulkPathTest, NodeWrittenAfterBeingAnEdgeEndpointKeepsItsProperties) {
  write_ok({node("Experiment", "E", {{"name", "e"}, {"status", "planned"}}),
            node("Metric", "M", {{"name", "m"}})});
  // An edge resolves E without its record; a later request that writes E must still see the
  // stored properties (the lifecycle check needs the previous status).
  write_ok({}, {edge("MEASURES", ref("Experiment", "E"), ref("Metric", "M"))});
  auto summary = write_ok({node("Experiment", "E", {{"name", "e"}, {"status", "planned"}})});
  EXPECT_EQ(summary.nodes[0], WriteOutcome::kUnchanged);
  EXPECT_EQ(get(ref("Experiment", "E")).properties["status"], "planned");
}

TEST_F(GraphStoreBulkPathTest, ChangeLogRecordsDecodeToTheirFields) {
  write_ok({node("Experiment", "E", {{"name", "e"}}), node("Metric", "M", {{"name", "m"}})},
           {edge("MEASURES", ref("Experiment", "E"), ref("Metric", "M"), {{"role", "primary"}})});
  ASSERT_EQ(store_->last_sequence(), 3u);
  nlohmann::json created = log_record(1);
  ASSERT_TRUE(created.is_object());
  EXPECT_EQ(created["op"], "put_node");
  EXPECT_EQ(created["subject"], nlohmann::json({{"node", "Experiment/E"}}));
  EXPECT_TRUE(created["before"].is_null());
  EXPECT_EQ(created["after"]["properties"], nlohmann::json({{"name", "e"}}));
  EXPECT_GT(created["at"].get<int64_t>(), 1600000000000);
  EXPECT_EQ(created["actor"], "anonymous");

  nlohmann::json linked = log_record(3);
  ASSERT_TRUE(linked.is_object());
  EXPECT_EQ(linked["op"], "put_edge");
  EXPECT_EQ(linked["subject"],
            nlohmann::json({{"edge", "MEASURES"}, {"from", "Experiment/E"}, {"to", "Metric/M"}}));
  EXPECT_TRUE(linked["before"].is_null());
  EXPECT_EQ(linked["after"], nlohmann::json({{"role", "primary"}}));
  EXPECT_EQ(linked["at"], created["at"]);

  // A long actor name takes the str8/str16 forms.
  WriteRequest request;
  request.actor = std::string(300, 'a');
  request.edges = {
      edge("MEASURES", ref("Experiment", "E"), ref("Metric", "M"), {{"role", "secondary"}})};
  write_ok(request);
  nlohmann::json updated = log_record(4);
  ASSERT_TRUE(updated.is_object());
  EXPECT_EQ(updated["actor"], request.actor);
  EXPECT_EQ(updated["before"], nlohmann::json({{"role", "primary"}}));
  EXPECT_EQ(updated["after"], nlohmann::json({{"role", "secondary"}}));
}

// The plan keeps its nodes in a hash table: the records a request writes must still come out in
// (type, key) order, whatever order the request names the nodes in, endpoints included.
TEST_F(GraphStoreBulkPathTest, NodeRecordsAreLoggedInKeyOrderWhateverTheRequestOrder) {
  std::vector<NodeWrite> nodes;
  for (const char* key : {"m7", "m2", "m9", "m1", "m5"}) {
    nodes.push_back(node("Metric", key, {{"name", key}}));
  }
  nodes.push_back(node("Experiment", "E", {{"name", "e"}}));
  write_ok(nodes,
           {edge("MEASURES", ref("Experiment", "E"), ref("Metric", "m9"), {{"role", "primary"}})});
  std::vector<std::string> logged;
  for (uint64_t sequence = 1; sequence <= 7; ++sequence) {
    nlohmann::json record = log_record(sequence);
    ASSERT_TRUE(record.is_object());
    logged.push_back(record["op"] == "put_node" ? record["subject"]["node"].get<std::string>()
                                                : record["op"].get<std::string>());
  }
  EXPECT_EQ(logged, (std::vector<std::string>{"Experiment/E", "Metric/m1", "Metric/m2", "Metric/m5",
                                              "Metric/m7", "Metric/m9", "put_edge"}));
  EXPECT_EQ(store_->node_count(), 6u);
  EXPECT_EQ(store_->edge_count(), 1u);
}

}  // namespace
}  // namespace expgraph::testing
