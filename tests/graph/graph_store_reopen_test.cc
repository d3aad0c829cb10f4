// Reopening a GraphStore: the topology mirror is rebuilt from storage (same counts, same
// neighbours), and the node-id and change-log counters carry on without reusing anything.
#include <gtest/gtest.h>

#include <map>

#include "graph_test_support.h"

namespace expgraph::testing {
namespace {

using Shape = std::map<NodeId, std::vector<std::tuple<NodeId, SymbolId, bool>>>;

// Every node's neighbours in the mirror, sorted.
Shape mirror_shape(const GraphStore& store, NodeId max_id) {
  Shape shape;
  for (NodeId id = 0; id <= max_id; ++id) {
    if (!store.topology().has_node(id)) continue;
    auto& list = shape[id];
    for (const auto& n : store.topology().neighbors(id, Direction::kBoth)) {
      list.emplace_back(n.node, n.edge_type, n.outgoing);
    }
    std::sort(list.begin(), list.end());
  }
  return shape;
}

class GraphStoreReopenTest : public GraphStoreTest {};

TEST_F(GraphStoreReopenTest, ReopenRebuildsTheMirrorAndKeepsCounters) {
  write_ok({node("Experiment", "E1", {{"name", "e1"}}), node("Experiment", "E2", {{"name", "e2"}}),
            node("Campaign", "C", {{"name", "c"}}), node("Hypothesis", "H", {{"statement", "h"}}),
            node("Segment", "All", {{"name", "all"}}), node("Segment", "New", {{"name", "new"}}),
            node("Asset", "A", {{"name", "a"}}), node("Team", "Doomed", {{"name", "d"}})},
           {edge("PART_OF", ref("Experiment", "E1"), ref("Campaign", "C")),
            edge("PART_OF", ref("Experiment", "E2"), ref("Campaign", "C")),
            edge("TESTS", ref("Experiment", "E1"), ref("Hypothesis", "H")),
            edge("TESTS", ref("Experiment", "E2"), ref("Hypothesis", "H")),
            edge("TARGETS", ref("Experiment", "E1"), ref("Segment", "New")),
            edge("TARGETS", ref("Campaign", "C"), ref("Segment", "All")),
            edge("SUBSEGMENT_OF", ref("Segment", "New"), ref("Segment", "All")),
            edge("DERIVED_FROM", ref("Asset", "A"), ref("Asset", "A")),
            edge("OWNED_BY", ref("Hypothesis", "H"), ref("Team", "Doomed"))});
  // Delete the node with the highest id (and an edge), so reuse of either would show.
  const NodeId doomed = id_of(ref("Team", "Doomed"));
  WriteRequest deletes;
  deletes.node_deletes = {ref("Team", "Doomed")};
  deletes.edge_deletes = {edge("TESTS", ref("Experiment", "E2"), ref("Hypothesis", "H"))};
  write_ok(deletes);

  const size_t nodes = store_->node_count();
  const size_t edges = store_->edge_count();
  ASSERT_EQ(nodes, 7u);
  ASSERT_EQ(edges, 7u);
  const Shape shape = mirror_shape(*store_, doomed + 10);
  const uint64_t sequence = store_->last_sequence();
  const NodeRecord e1 = get(ref("Experiment", "E1"));

  reopen();
  EXPECT_EQ(store_->node_count(), nodes);
  EXPECT_EQ(store_->edge_count(), edges);
  EXPECT_EQ(mirror_shape(*store_, doomed + 10), shape);
  EXPECT_FALSE(store_->topology().has_node(doomed));
  EXPECT_EQ(store_->last_sequence(), sequence);
  NodeRecord reopened = get(ref("Experiment", "E1"));
  EXPECT_EQ(reopened.id, e1.id);
  EXPECT_EQ(reopened.version, e1.version);
  EXPECT_EQ(reopened.properties, e1.properties);
  EXPECT_EQ(reopened.created_at_ms, e1.created_at_ms);
  EXPECT_EQ(stored_edges(ref("Segment", "All")),
            (std::vector<std::string>{"SUBSEGMENT_OF<Segment/New", "TARGETS<Campaign/C"}));

  // The counters carry on: a new node gets an id past every id ever handed out.
  WriteSummary summary = write_ok({node("Team", "Fresh", {{"name", "f"}})},
                                  {edge("OWNED_BY", ref("Hypothesis", "H"), ref("Team", "Fresh"))});
  EXPECT_EQ(id_of(ref("Team", "Fresh")), doomed + 1);
  EXPECT_EQ(summary.last_sequence, sequence + 2);
  // The ontology rules still hold against the rebuilt mirror (PART_OF is one per source).
  EXPECT_EQ(write_error({node("Campaign", "C2", {{"name", "c2"}})},
                        {edge("PART_OF", ref("Experiment", "E1"), ref("Campaign", "C2"))}),
            StatusCode::kOntologyViolation);

  // And once more, after the new writes.
  const Shape shape2 = mirror_shape(*store_, doomed + 10);
  reopen();
  EXPECT_EQ(mirror_shape(*store_, doomed + 10), shape2);
  EXPECT_EQ(store_->edge_count(), edges + 1);
  write_ok({node("Team", "Fresher", {{"name", "f"}})});
  EXPECT_EQ(id_of(ref("Team", "Fresher")), doomed + 2);
}

// find_node_id answers from the in-memory key index: it must follow deletes and re-creates,
// and come back the same after a reopen rebuilds it from storage.
TEST_F(GraphStoreReopenTest, KeyLookupsFollowDeletesRecreatesAndReopen) {
  auto lookup = [&](const NodeRef& node) {
    auto id = store_->find_node_id(node);
    EXPECT_TRUE(id.ok());
    return id.ok() ? *id : std::nullopt;
  };
  write_ok({node("Team", "Kept", {{"name", "k"}}), node("Team", "Gone", {{"name", "g"}})});
  const NodeId kept = id_of(ref("Team", "Kept"));
  const NodeId gone = id_of(ref("Team", "Gone"));
  WriteRequest deletes;
  deletes.node_deletes = {ref("Team", "Gone")};
  write_ok(deletes);
  EXPECT_EQ(lookup(ref("Team", "Gone")), std::nullopt);
  EXPECT_EQ(lookup(ref("Team", "Kept")), kept);
  EXPECT_EQ(lookup(ref("Segment", "Kept")), std::nullopt);  // same key, other type

  write_ok({node("Team", "Gone", {{"name", "back"}})});
  const NodeId back = id_of(ref("Team", "Gone"));
  EXPECT_NE(back, gone);
  EXPECT_EQ(lookup(ref("Team", "Gone")), back);

  reopen();
  EXPECT_EQ(lookup(ref("Team", "Kept")), kept);
  EXPECT_EQ(lookup(ref("Team", "Gone")), back);
  EXPECT_EQ(lookup(ref("Team", "Never")), std::nullopt);
  EXPECT_EQ(get(ref("Team", "Gone")).properties["name"], "back");
}

TEST_F(GraphStoreReopenTest, ReopenOfAnEmptyStore) {
  reopen();
  EXPECT_EQ(store_->node_count(), 0u);
  EXPECT_EQ(store_->edge_count(), 0u);
  EXPECT_EQ(store_->last_sequence(), 0u);
  write_ok({node("Team", "T", {{"name", "t"}})});
  EXPECT_EQ(id_of(ref("Team", "T")), 1u);
  EXPECT_EQ(store_->last_sequence(), 1u);
}

TEST_F(GraphStoreReopenTest, CheckpointOpensAsAGraph) {
  write_ok(
      {node("Experiment", "E", {{"name", "e"}}), node("Hypothesis", "H", {{"statement", "h"}})},
      {edge("TESTS", ref("Experiment", "E"), ref("Hypothesis", "H"))});
  ASSERT_TRUE(store_->storage().checkpoint(dir_.sub("copy")).ok());
  auto copy = GraphStore::open(dir_.sub("copy"), marketing_ontology());
  ASSERT_TRUE(copy.ok()) << copy.status().to_string();
  EXPECT_EQ((*copy)->node_count(), 2u);
  EXPECT_EQ((*copy)->edge_count(), 1u);
  EXPECT_TRUE((*copy)->get_node(ref("Hypothesis", "H")).ok());
}

TEST_F(GraphStoreReopenTest, ANewOntologyVersionKeepsTheData) {
  write_ok(
      {node("Experiment", "E", {{"name", "e"}}), node("Hypothesis", "H", {{"statement", "h"}})},
      {edge("TESTS", ref("Experiment", "E"), ref("Hypothesis", "H"))});
  const NodeId e = id_of(ref("Experiment", "E"));
  auto version = [&] {
    auto stored = store_->storage().get(Column::kMeta, "ontology/version");
    EXPECT_TRUE(stored.ok() && stored->has_value());
    return stored.ok() && stored->has_value() ? keys::read_u64(**stored, 0) : 0;
  };
  EXPECT_EQ(version(), 1u);
  reopen();  // same ontology: same version
  EXPECT_EQ(version(), 1u);

  // The next ontology adds a node type (placed first, so its position differs) and an edge type.
  nlohmann::json document = marketing_ontology()->to_json();
  nlohmann::json survey = {{"name", "Survey"}, {"properties", nlohmann::json::array()}};
  survey["properties"].push_back({{"name", "name"}, {"type", "string"}, {"required", true}});
  document["node_types"].insert(document["node_types"].begin(), survey);
  document["edge_types"].push_back({{"name", "INFORMED"},
                                    {"domain", "Survey"},
                                    {"range", "Hypothesis"},
                                    {"properties", nlohmann::json::array()}});
  auto next = Ontology::from_json(document);
  ASSERT_TRUE(next.ok()) << next.status().to_string();
  store_.reset();
  auto opened =
      GraphStore::open(dir_.sub("db"), std::make_shared<const Ontology>(std::move(next).value()));
  ASSERT_TRUE(opened.ok()) << opened.status().to_string();
  store_ = std::move(opened).value();

  EXPECT_EQ(version(), 2u);
  EXPECT_EQ(id_of(ref("Experiment", "E")), e);
  EXPECT_EQ(stored_edges(ref("Hypothesis", "H")), (std::vector<std::string>{"TESTS<Experiment/E"}));
  EXPECT_EQ(store_->edge_count(), 1u);
  write_ok({node("Survey", "S", {{"name", "nps"}})},
           {edge("INFORMED", ref("Survey", "S"), ref("Hypothesis", "H"))});
  EXPECT_EQ(stored_edges(ref("Hypothesis", "H")),
            (std::vector<std::string>{"INFORMED<Survey/S", "TESTS<Experiment/E"}));
}

}  // namespace
}  // namespace expgraph::testing
