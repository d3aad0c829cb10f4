// GraphStore writes against the marketing ontology: outcomes and versions, validation errors
// (unknown types, property types, required properties, lifecycles, domain/range, cardinality),
// edges to new or missing nodes, and all-or-nothing batches.
#include <gtest/gtest.h>

#include <algorithm>

#include "graph_test_support.h"

namespace expgraph::testing {
namespace {

using nlohmann::json;

class GraphStoreWriteTest : public GraphStoreTest {};

TEST_F(GraphStoreWriteTest, CreateUpdateUnchangedOutcomesAndVersions) {
  WriteSummary created = write_ok({node("Experiment", "EXP-1", {{"name", "Subject lines"}})});
  ASSERT_EQ(created.nodes.size(), 1u);
  EXPECT_EQ(created.nodes[0], WriteOutcome::kCreated);
  EXPECT_GT(created.last_sequence, 0u);
  NodeRecord first = get(ref("Experiment", "EXP-1"));
  EXPECT_EQ(first.version, 1u);
  EXPECT_EQ(first.type, "Experiment");
  EXPECT_EQ(first.key, "EXP-1");
  EXPECT_EQ(first.properties, (json{{"name", "Subject lines"}}));
  EXPECT_GT(first.created_at_ms, 0);
  EXPECT_EQ(first.updated_at_ms, first.created_at_ms);

  WriteSummary same = write_ok({node("Experiment", "EXP-1", {{"name", "Subject lines"}})});
  EXPECT_EQ(same.nodes[0], WriteOutcome::kUnchanged);
  EXPECT_EQ(same.last_sequence, 0u);  // nothing logged
  EXPECT_EQ(get(ref("Experiment", "EXP-1")).version, 1u);

  WriteSummary updated = write_ok(
      {node("Experiment", "EXP-1", {{"name", "Subject lines v2"}, {"status", "planned"}})});
  EXPECT_EQ(updated.nodes[0], WriteOutcome::kUpdated);
  EXPECT_GT(updated.last_sequence, created.last_sequence);
  NodeRecord second = get(ref("Experiment", "EXP-1"));
  EXPECT_EQ(second.version, 2u);
  EXPECT_EQ(second.id, first.id);
  EXPECT_EQ(second.created_at_ms, first.created_at_ms);
  EXPECT_GE(second.updated_at_ms, first.updated_at_ms);
  EXPECT_EQ(second.properties["status"], "planned");
  EXPECT_EQ(store_->node_count(), 1u);

  // A null property means "absent": writing it removes the property.
  write_ok({node("Experiment", "EXP-1",
                 {{"name", "Subject lines v2"}, {"status", "planned"}, {"description", nullptr}})});
  EXPECT_EQ(get(ref("Experiment", "EXP-1")).version, 2u);
  EXPECT_EQ(write_outcome_name(WriteOutcome::kUpdated), "updated");
}

TEST_F(GraphStoreWriteTest, FloatsWrittenAsIntegersAreStoredAsFloats) {
  write_ok({node("Hypothesis", "H-1", {{"statement", "s"}, {"expected_lift", 1}})});
  EXPECT_TRUE(get(ref("Hypothesis", "H-1")).properties["expected_lift"].is_number_float());
  // 1 and 1.0 are the same value: no new version.
  WriteSummary again =
      write_ok({node("Hypothesis", "H-1", {{"statement", "s"}, {"expected_lift", 1.0}})});
  EXPECT_EQ(again.nodes[0], WriteOutcome::kUnchanged);
}

TEST_F(GraphStoreWriteTest, RePuttingARequestIsIdempotent) {
  WriteRequest request;
  request.nodes = {node("Experiment", "E", {{"name", "e"}}),
                   node("Hypothesis", "H", {{"statement", "h"}}),
                   node("Metric", "M", {{"name", "conversion"}, {"direction", "increase"}})};
  request.edges = {
      edge("TESTS", ref("Experiment", "E"), ref("Hypothesis", "H")),
      edge("MEASURES", ref("Experiment", "E"), ref("Metric", "M"), {{"role", "primary"}})};
  WriteSummary first = write_ok(request);
  EXPECT_EQ(first.nodes, std::vector<WriteOutcome>(3, WriteOutcome::kCreated));
  EXPECT_EQ(first.edges, std::vector<WriteOutcome>(2, WriteOutcome::kCreated));
  uint64_t sequence = store_->last_sequence();
  EXPECT_EQ(sequence, first.last_sequence);
  StorageDump before = dump_storage(store_->storage());

  WriteSummary second = write_ok(request);
  EXPECT_EQ(second.nodes, std::vector<WriteOutcome>(3, WriteOutcome::kUnchanged));
  EXPECT_EQ(second.edges, std::vector<WriteOutcome>(2, WriteOutcome::kUnchanged));
  EXPECT_EQ(store_->node_count(), 3u);
  EXPECT_EQ(store_->edge_count(), 2u);
  EXPECT_EQ(store_->last_sequence(), sequence);
  EXPECT_EQ(dump_storage(store_->storage()), before);

  // Changing an edge's properties updates it in place.
  request.edges[1].properties = {{"role", "guardrail"}};
  WriteSummary third = write_ok(request);
  EXPECT_EQ(third.edges[0], WriteOutcome::kUnchanged);
  EXPECT_EQ(third.edges[1], WriteOutcome::kUpdated);
  EXPECT_EQ(store_->edge_count(), 2u);
  auto edges = store_->edges_of(ref("Metric", "M"), Direction::kIn, std::string("MEASURES"), 10);
  ASSERT_TRUE(edges.ok());
  ASSERT_EQ(edges->size(), 1u);
  EXPECT_EQ((*edges)[0].properties, (json{{"role", "guardrail"}}));
  EXPECT_EQ((*edges)[0].from, ref("Experiment", "E"));
}

TEST_F(GraphStoreWriteTest, GetByRefAndById) {
  write_ok({node("Channel", "email", {{"name", "Email"}, {"category", "owned"}})});
  NodeRecord by_ref = get(ref("Channel", "email"));
  EXPECT_EQ(by_ref.properties["category"], "owned");
  auto by_id = store_->get_node(by_ref.id);
  ASSERT_TRUE(by_id.ok());
  EXPECT_EQ(by_id->ref(), ref("Channel", "email"));
  auto found = store_->find_node_id(ref("Channel", "email"));
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(*found, std::optional<NodeId>(by_ref.id));

  EXPECT_EQ(store_->get_node(ref("Channel", "sms")).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->get_node(ref("Channel", "Email")).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->get_node(ref("Segment", "email")).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->get_node(ref("Chanel", "email")).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->get_node(by_ref.id + 100).status().code(), StatusCode::kNotFound);
  auto missing = store_->find_node_id(ref("Chanel", "email"));
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

TEST_F(GraphStoreWriteTest, UnknownTypesAreOntologyViolations) {
  EXPECT_EQ(write_error({node("Experimnt", "E", {{"name", "e"}})}), StatusCode::kOntologyViolation);
  write_ok(
      {node("Experiment", "E", {{"name", "e"}}), node("Hypothesis", "H", {{"statement", "h"}})});
  EXPECT_EQ(write_error({}, {edge("TESTZ", ref("Experiment", "E"), ref("Hypothesis", "H"))}),
            StatusCode::kOntologyViolation);
  EXPECT_EQ(write_error({}, {edge("TESTS", ref("Experimnt", "E"), ref("Hypothesis", "H"))}),
            StatusCode::kOntologyViolation);
  EXPECT_EQ(store_->edge_count(), 0u);
}

TEST_F(GraphStoreWriteTest, PropertyErrors) {
  // Wrong type.
  EXPECT_EQ(write_error({node("Segment", "S", {{"name", "s"}, {"size", "large"}})}),
            StatusCode::kOntologyViolation);
  EXPECT_EQ(write_error({node("Segment", "S", {{"name", "s"}, {"size", 2.5}})}),
            StatusCode::kOntologyViolation);
  EXPECT_EQ(write_error({node("Variant", "V", {{"name", "v"}, {"is_control", "yes"}})}),
            StatusCode::kOntologyViolation);
  EXPECT_EQ(write_error({node("Experiment", "E", {{"name", "e"}, {"status", "finished"}})}),
            StatusCode::kOntologyViolation);
  EXPECT_EQ(write_error({node("Experiment", "E", {{"name", "e"}, {"started_at", "2024-02-30"}})}),
            StatusCode::kOntologyViolation);
  // Missing required, and required written as null.
  EXPECT_EQ(write_error({node("Experiment", "E", {{"status", "planned"}})}),
            StatusCode::kOntologyViolation);
  EXPECT_EQ(write_error({node("Experiment", "E", {{"name", nullptr}})}),
            StatusCode::kOntologyViolation);
  // Unknown property name.
  EXPECT_EQ(write_error({node("Experiment", "E", {{"name", "e"}, {"colour", "red"}})}),
            StatusCode::kOntologyViolation);
  // Properties that are not an object, and bad keys.
  EXPECT_EQ(write_error({node("Experiment", "E", json::array())}), StatusCode::kInvalidArgument);
  EXPECT_EQ(write_error({node("Experiment", "", {{"name", "e"}})}), StatusCode::kInvalidArgument);
  EXPECT_EQ(write_error({node("Experiment", "a/b", {{"name", "e"}})}),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(write_error({node("Experiment", "bad\xff", {{"name", "e"}})}),
            StatusCode::kInvalidArgument);
  // A wrong edge property.
  write_ok({node("Experiment", "E", {{"name", "e"}}), node("Metric", "M", {{"name", "m"}})});
  EXPECT_EQ(write_error({}, {edge("MEASURES", ref("Experiment", "E"), ref("Metric", "M"),
                                  {{"role", "main"}})}),
            StatusCode::kOntologyViolation);
  EXPECT_EQ(store_->node_count(), 2u);
  EXPECT_EQ(store_->edge_count(), 0u);
}

TEST_F(GraphStoreWriteTest, UpdatesReplaceThePropertyMapAndStillCheckRequired) {
  write_ok({node("Experiment", "E", {{"name", "e"}, {"kind", "ab"}})});
  EXPECT_EQ(write_error({node("Experiment", "E", {{"kind", "bandit"}})}),
            StatusCode::kOntologyViolation);
  write_ok({node("Experiment", "E", {{"name", "e"}})});
  EXPECT_FALSE(get(ref("Experiment", "E")).properties.contains("kind"));
}

TEST_F(GraphStoreWriteTest, LifecycleTransitions) {
  auto experiment = [](const char* status) {
    return node("Experiment", "E", {{"name", "e"}, {"status", status}});
  };
  write_ok({experiment("planned")});
  EXPECT_EQ(write_error({experiment("concluded")}), StatusCode::kOntologyViolation);
  EXPECT_EQ(get(ref("Experiment", "E")).properties["status"], "planned");
  write_ok({experiment("running")});
  write_ok({experiment("running")});  // re-asserting the state is fine
  // Concluding takes a decision and a Result (graph/governance.h, tested in governance_test).
  WriteRequest conclude;
  conclude.nodes = {
      node("Experiment", "E", {{"name", "e"}, {"status", "concluded"}, {"decision", "iterate"}}),
      node("Result", "R", {{"name", "r"}})};
  conclude.edges = {edge("HAS_RESULT", ref("Experiment", "E"), ref("Result", "R"))};
  write_ok(conclude);
  EXPECT_EQ(write_error({experiment("running")}), StatusCode::kOntologyViolation);
  EXPECT_EQ(write_error({experiment("planned")}), StatusCode::kOntologyViolation);
  // Dropping the state is not a way around the lifecycle.
  EXPECT_EQ(write_error({node("Experiment", "E", {{"name", "e"}})}),
            StatusCode::kOntologyViolation);
  NodeRecord record = get(ref("Experiment", "E"));
  EXPECT_EQ(record.properties["status"], "concluded");
  EXPECT_EQ(record.version, 3u);

  // Within one request, transitions are checked step by step.
  WriteRequest steps;
  steps.nodes = {node("Hypothesis", "H", {{"statement", "h"}, {"status", "draft"}}),
                 node("Hypothesis", "H", {{"statement", "h"}, {"status", "approved"}}),
                 node("Hypothesis", "H", {{"statement", "h"}, {"status", "testing"}})};
  WriteSummary summary = write_ok(steps);
  EXPECT_EQ(summary.nodes, std::vector<WriteOutcome>(3, WriteOutcome::kCreated));
  EXPECT_EQ(get(ref("Hypothesis", "H")).properties["status"], "testing");
  WriteRequest skip;
  skip.nodes = {node("Hypothesis", "H2", {{"statement", "h"}, {"status", "draft"}}),
                node("Hypothesis", "H2", {{"statement", "h"}, {"status", "validated"}})};
  EXPECT_EQ(write_error(skip), StatusCode::kOntologyViolation);
  EXPECT_EQ(store_->get_node(ref("Hypothesis", "H2")).status().code(), StatusCode::kNotFound);
}

TEST_F(GraphStoreWriteTest, EdgeDomainAndRange) {
  write_ok({node("Experiment", "E", {{"name", "e"}}), node("Hypothesis", "H", {{"statement", "h"}}),
            node("Campaign", "C", {{"name", "c"}}), node("Team", "T", {{"name", "growth"}})});
  // TESTS goes Experiment -> Hypothesis, not the other way round.
  EXPECT_EQ(write_error({}, {edge("TESTS", ref("Hypothesis", "H"), ref("Experiment", "E"))}),
            StatusCode::kOntologyViolation);
  EXPECT_EQ(write_error({}, {edge("PART_OF", ref("Experiment", "E"), ref("Hypothesis", "H"))}),
            StatusCode::kOntologyViolation);
  EXPECT_EQ(write_error({}, {edge("PART_OF", ref("Hypothesis", "H"), ref("Campaign", "C"))}),
            StatusCode::kOntologyViolation);
  // RUNS_ON allows two source types; OWNED_BY any source.
  EXPECT_EQ(write_error({}, {edge("RUNS_ON", ref("Hypothesis", "H"), ref("Campaign", "C"))}),
            StatusCode::kOntologyViolation);
  write_ok({}, {edge("OWNED_BY", ref("Experiment", "E"), ref("Team", "T")),
                edge("OWNED_BY", ref("Hypothesis", "H"), ref("Team", "T")),
                edge("OWNED_BY", ref("Campaign", "C"), ref("Team", "T"))});
  EXPECT_EQ(write_error({}, {edge("OWNED_BY", ref("Team", "T"), ref("Campaign", "C"))}),
            StatusCode::kOntologyViolation);
  EXPECT_EQ(store_->edge_count(), 3u);
}

TEST_F(GraphStoreWriteTest, CardinalityOnePerSource) {
  write_ok({node("Experiment", "E", {{"name", "e"}}), node("Campaign", "C1", {{"name", "c1"}}),
            node("Campaign", "C2", {{"name", "c2"}})});
  // Two campaigns in one request.
  EXPECT_EQ(write_error({}, {edge("PART_OF", ref("Experiment", "E"), ref("Campaign", "C1")),
                             edge("PART_OF", ref("Experiment", "E"), ref("Campaign", "C2"))}),
            StatusCode::kOntologyViolation);
  EXPECT_EQ(store_->edge_count(), 0u);

  write_ok({}, {edge("PART_OF", ref("Experiment", "E"), ref("Campaign", "C1"))});
  // A second campaign against the stored one.
  EXPECT_EQ(write_error({}, {edge("PART_OF", ref("Experiment", "E"), ref("Campaign", "C2"))}),
            StatusCode::kOntologyViolation);
  // Re-putting the same edge is not a second edge.
  WriteSummary again =
      write_ok({}, {edge("PART_OF", ref("Experiment", "E"), ref("Campaign", "C1"))});
  EXPECT_EQ(again.edges[0], WriteOutcome::kUnchanged);
  EXPECT_EQ(stored_edges(ref("Experiment", "E")),
            (std::vector<std::string>{"PART_OF>Campaign/C1"}));

  // Replacing the edge in one request: delete the old one, add the new one.
  WriteRequest move;
  move.edge_deletes = {edge("PART_OF", ref("Experiment", "E"), ref("Campaign", "C1"))};
  move.edges = {edge("PART_OF", ref("Experiment", "E"), ref("Campaign", "C2"))};
  WriteSummary moved = write_ok(move);
  EXPECT_EQ(moved.edges_deleted, 1u);
  EXPECT_EQ(moved.edges[0], WriteOutcome::kCreated);
  EXPECT_EQ(stored_edges(ref("Experiment", "E")),
            (std::vector<std::string>{"PART_OF>Campaign/C2"}));
  EXPECT_EQ(stored_edges(ref("Campaign", "C1")), std::vector<std::string>{});
  EXPECT_EQ(store_->edge_count(), 1u);
  EXPECT_EQ(store_->topology().degree(id_of(ref("Experiment", "E")), Direction::kOut,
                                      edge_type_id("PART_OF")),
            1u);
  // per_target of PART_OF is many: another experiment may join C2.
  write_ok({node("Experiment", "E2", {{"name", "e2"}})},
           {edge("PART_OF", ref("Experiment", "E2"), ref("Campaign", "C2"))});
}

TEST_F(GraphStoreWriteTest, CardinalityOnePerTarget) {
  // A Variant belongs to one Experiment (HAS_VARIANT per_target one).
  write_ok({node("Experiment", "E1", {{"name", "e1"}}), node("Experiment", "E2", {{"name", "e2"}}),
            node("Variant", "V", {{"name", "control"}, {"is_control", true}})},
           {edge("HAS_VARIANT", ref("Experiment", "E1"), ref("Variant", "V"), {{"position", 0}})});
  EXPECT_EQ(write_error({}, {edge("HAS_VARIANT", ref("Experiment", "E2"), ref("Variant", "V"))}),
            StatusCode::kOntologyViolation);
  EXPECT_EQ(stored_edges(ref("Variant", "V")),
            (std::vector<std::string>{"HAS_VARIANT<Experiment/E1"}));
}

TEST_F(GraphStoreWriteTest, EdgesToNodesCreatedInTheSameRequest) {
  WriteSummary summary =
      write_ok({node("Experiment", "E", {{"name", "e"}}), node("Variant", "A", {{"name", "a"}}),
                node("Variant", "B", {{"name", "b"}})},
               {edge("HAS_VARIANT", ref("Experiment", "E"), ref("Variant", "A")),
                edge("HAS_VARIANT", ref("Experiment", "E"), ref("Variant", "B"))});
  EXPECT_EQ(summary.edges, std::vector<WriteOutcome>(2, WriteOutcome::kCreated));
  EXPECT_EQ(store_->edge_count(), 2u);
  EXPECT_EQ(stored_edges(ref("Experiment", "E")),
            (std::vector<std::string>{"HAS_VARIANT>Variant/A", "HAS_VARIANT>Variant/B"}));
  EXPECT_EQ(store_->topology().neighbors(id_of(ref("Variant", "B")), Direction::kIn).size(), 1u);
  // An edge to an existing node from a new one.
  write_ok({node("Result", "R", {{"name", "r"}})},
           {edge("FOR_VARIANT", ref("Result", "R"), ref("Variant", "A"))});
  EXPECT_EQ(store_->edge_count(), 3u);
}

TEST_F(GraphStoreWriteTest, EdgesToMissingNodesAreNotFound) {
  write_ok({node("Experiment", "E", {{"name", "e"}})});
  EXPECT_EQ(write_error({}, {edge("TESTS", ref("Experiment", "E"), ref("Hypothesis", "nope"))}),
            StatusCode::kNotFound);
  EXPECT_EQ(write_error({}, {edge("TESTS", ref("Experiment", "nope"), ref("Hypothesis", "H"))}),
            StatusCode::kNotFound);
  // Deleting an edge that does not exist.
  write_ok({node("Hypothesis", "H", {{"statement", "h"}})});
  WriteRequest request;
  request.edge_deletes = {edge("TESTS", ref("Experiment", "E"), ref("Hypothesis", "H"))};
  EXPECT_EQ(write_error(request), StatusCode::kNotFound);
  EXPECT_EQ(store_->edge_count(), 0u);
}

TEST_F(GraphStoreWriteTest, ABatchWithOneBadItemChangesNothing) {
  write_ok({node("Experiment", "E1", {{"name", "one"}, {"status", "running"}}),
            node("Hypothesis", "H1", {{"statement", "h"}, {"status", "draft"}}),
            node("Campaign", "C", {{"name", "c"}}), node("Team", "T", {{"name", "t"}})},
           {edge("TESTS", ref("Experiment", "E1"), ref("Hypothesis", "H1")),
            edge("OWNED_BY", ref("Experiment", "E1"), ref("Team", "T"))});
  const size_t nodes = store_->node_count();
  const size_t edges = store_->edge_count();
  const uint64_t sequence = store_->last_sequence();
  const NodeRecord e1 = get(ref("Experiment", "E1"));
  const NodeRecord h1 = get(ref("Hypothesis", "H1"));
  const StorageDump before = dump_storage(store_->storage());

  // Many good items: new nodes, updates of indexed properties, new edges, an edge delete and a
  // node delete; then one bad item in each position of the request.
  auto good_request = [] {
    WriteRequest request;
    request.nodes = {node("Experiment", "E1", {{"name", "renamed"}, {"status", "stopped"}}),
                     node("Experiment", "E2", {{"name", "two"}}),
                     node("Hypothesis", "H2", {{"statement", "h2"}, {"theme", "urgency"}})};
    request.edges = {edge("TESTS", ref("Experiment", "E2"), ref("Hypothesis", "H2")),
                     edge("PART_OF", ref("Experiment", "E2"), ref("Campaign", "C"))};
    request.edge_deletes = {edge("TESTS", ref("Experiment", "E1"), ref("Hypothesis", "H1"))};
    request.node_deletes = {ref("Team", "T")};  // takes OWNED_BY with it
    return request;
  };
  ASSERT_TRUE(good_request().nodes.size() > 0);
  std::vector<WriteRequest> bad;
  bad.push_back(good_request());
  bad.back().nodes.push_back(node("Experiment", "E3", {{"status", "planned"}}));  // no name
  bad.push_back(good_request());
  bad.back().edges.push_back(edge("TESTS", ref("Experiment", "E2"), ref("Hypothesis", "H9")));
  bad.push_back(good_request());
  bad.back().edges.push_back(edge("PART_OF", ref("Experiment", "E1"), ref("Campaign", "C9")));
  bad.push_back(good_request());
  bad.back().edges.push_back(edge("TESTS", ref("Hypothesis", "H2"), ref("Experiment", "E2")));
  bad.push_back(good_request());
  bad.back().node_deletes.push_back(ref("Campaign", "missing"));
  bad.push_back(good_request());
  bad.back().nodes.insert(bad.back().nodes.begin(), node("Nope", "x"));
  bad.push_back(good_request());
  bad.back().edges.push_back(edge("PART_OF", ref("Experiment", "E1"), ref("Campaign", "C")));
  bad.back().nodes.push_back(node("Campaign", "C2", {{"name", "c2"}}));
  bad.back().edges.push_back(edge("PART_OF", ref("Experiment", "E1"), ref("Campaign", "C2")));

  for (size_t i = 0; i < bad.size(); ++i) {
    SCOPED_TRACE("bad request " + std::to_string(i));
    auto result = store_->write(bad[i]);
    ASSERT_FALSE(result.ok());
    EXPECT_FALSE(result.status().message().empty());
    EXPECT_EQ(store_->node_count(), nodes);
    EXPECT_EQ(store_->edge_count(), edges);
    EXPECT_EQ(store_->last_sequence(), sequence);
    EXPECT_EQ(get(ref("Experiment", "E1")).properties, e1.properties);
    EXPECT_EQ(get(ref("Experiment", "E1")).version, e1.version);
    EXPECT_EQ(get(ref("Hypothesis", "H1")).properties, h1.properties);
    EXPECT_EQ(store_->get_node(ref("Experiment", "E2")).status().code(), StatusCode::kNotFound);
    EXPECT_EQ(stored_edges(ref("Hypothesis", "H1")),
              (std::vector<std::string>{"TESTS<Experiment/E1"}));
    EXPECT_TRUE(dump_storage(store_->storage()) == before);
  }

  // The failed requests gave back the ids they had reserved: the good request gets the next ones.
  NodeId highest = std::max({e1.id, h1.id, id_of(ref("Campaign", "C")), id_of(ref("Team", "T"))});
  WriteSummary good = write_ok(good_request());
  EXPECT_EQ(good.nodes_deleted, 1u);
  EXPECT_EQ(good.edges_deleted, 2u);
  EXPECT_EQ(id_of(ref("Experiment", "E2")), highest + 1);
  EXPECT_EQ(id_of(ref("Hypothesis", "H2")), highest + 2);
  EXPECT_EQ(store_->node_count(), nodes + 2 - 1);
  EXPECT_EQ(store_->edge_count(), edges + 2 - 2);
  EXPECT_EQ(stored_edges(ref("Experiment", "E1")), std::vector<std::string>{});
}

TEST_F(GraphStoreWriteTest, TooManyItemsIsTooLarge) {
  store_.reset();
  GraphStoreOptions options;
  options.max_request_items = 3;
  auto opened = GraphStore::open(dir_.sub("db"), marketing_ontology(), options);
  ASSERT_TRUE(opened.ok());
  store_ = std::move(opened).value();
  std::vector<NodeWrite> nodes;
  for (int i = 0; i < 4; ++i)
    nodes.push_back(node("Team", "T" + std::to_string(i), {{"name", "t"}}));
  EXPECT_EQ(write_error(nodes), StatusCode::kTooLarge);
  nodes.pop_back();
  write_ok(nodes);
}

TEST_F(GraphStoreWriteTest, DeleteNodeRemovesItsEdgesInBothDirections) {
  write_ok({node("Experiment", "E", {{"name", "e"}}),
            node("Hypothesis", "H", {{"statement", "h"}, {"status", "draft"}}),
            node("Learning", "L", {{"text", "l"}}), node("Team", "T", {{"name", "t"}}),
            node("Hypothesis", "Other", {{"statement", "o"}})},
           {edge("TESTS", ref("Experiment", "E"), ref("Hypothesis", "H")),
            edge("TESTS", ref("Experiment", "E"), ref("Hypothesis", "Other")),
            edge("INSPIRED_BY", ref("Hypothesis", "H"), ref("Learning", "L")),
            edge("SUPPORTS", ref("Learning", "L"), ref("Hypothesis", "H")),
            edge("OWNED_BY", ref("Hypothesis", "H"), ref("Team", "T"))});
  ASSERT_EQ(store_->edge_count(), 5u);
  const NodeId h = id_of(ref("Hypothesis", "H"));
  const NodeId e = id_of(ref("Experiment", "E"));
  const NodeId l = id_of(ref("Learning", "L"));
  const uint64_t sequence = store_->last_sequence();

  WriteRequest request;
  request.node_deletes = {ref("Hypothesis", "H")};
  WriteSummary summary = write_ok(request);
  EXPECT_EQ(summary.nodes_deleted, 1u);
  EXPECT_EQ(summary.edges_deleted, 4u);
  // One change-log record for the node and one per edge.
  EXPECT_EQ(store_->last_sequence(), sequence + 5);

  EXPECT_EQ(store_->get_node(ref("Hypothesis", "H")).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->get_node(h).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->node_count(), 4u);
  EXPECT_EQ(store_->edge_count(), 1u);
  // Storage: nothing left under the node's id, nor pointing to it (its in-edges were found
  // through the mirror: the edge from E and the one from L are gone).
  KvStore& kv = store_->storage();
  EXPECT_EQ(count_keys(kv, Column::kOut, keys::adjacency_prefix(h)), 0u);
  EXPECT_EQ(count_keys(kv, Column::kOut), 1u);
  EXPECT_EQ(count_keys(kv, Column::kOut, keys::adjacency_prefix(l)), 0u);
  EXPECT_EQ(stored_edges(ref("Experiment", "E")),
            (std::vector<std::string>{"TESTS>Hypothesis/Other"}));
  EXPECT_EQ(stored_edges(ref("Learning", "L")), std::vector<std::string>{});
  EXPECT_EQ(stored_edges(ref("Team", "T")), std::vector<std::string>{});
  // Mirror.
  EXPECT_FALSE(store_->topology().has_node(h));
  EXPECT_EQ(store_->topology().neighbors(e, Direction::kBoth).size(), 1u);
  EXPECT_EQ(store_->topology().neighbors(l, Direction::kBoth).size(), 0u);
  // Its index entries and key map went too: the status filter no longer finds it.
  auto drafts = store_->list_nodes("Hypothesis", {{"status", "draft"}}, 10, "");
  ASSERT_TRUE(drafts.ok());
  EXPECT_TRUE(drafts->nodes.empty());

  // Writing the same reference again creates a new node with a fresh id.
  WriteSummary again = write_ok({node("Hypothesis", "H", {{"statement", "h"}})});
  EXPECT_EQ(again.nodes[0], WriteOutcome::kCreated);
  NodeRecord recreated = get(ref("Hypothesis", "H"));
  EXPECT_NE(recreated.id, h);
  EXPECT_EQ(recreated.version, 1u);
  EXPECT_EQ(stored_edges(ref("Hypothesis", "H")), std::vector<std::string>{});
}

// In-edges have no column of their own: they are read from the mirror, in the order a key scan
// would give (edge type, then source id), with their properties from `out`.
TEST_F(GraphStoreWriteTest, InEdgesComeInTypeThenSourceOrderAndSurviveAReopen) {
  write_ok({node("Hypothesis", "H", {{"statement", "h"}}),
            node("Experiment", "E1", {{"name", "1"}}), node("Experiment", "E2", {{"name", "2"}}),
            node("Experiment", "E3", {{"name", "3"}}), node("Learning", "L", {{"text", "l"}})});
  write_ok({}, {edge("TESTS", ref("Experiment", "E3"), ref("Hypothesis", "H")),
                edge("SUPPORTS", ref("Learning", "L"), ref("Hypothesis", "H")),
                edge("TESTS", ref("Experiment", "E1"), ref("Hypothesis", "H")),
                edge("TESTS", ref("Experiment", "E2"), ref("Hypothesis", "H"))});
  const bool tests_first = edge_type_id("TESTS") < edge_type_id("SUPPORTS");
  std::vector<std::string> expected = {"Experiment/E1", "Experiment/E2", "Experiment/E3"};
  expected.insert(tests_first ? expected.end() : expected.begin(), "Learning/L");
  auto sources = [&](std::optional<std::string> type, size_t limit) {
    auto edges = store_->edges_of(ref("Hypothesis", "H"), Direction::kIn, type, limit);
    EXPECT_TRUE(edges.ok()) << edges.status().to_string();
    std::vector<std::string> out;
    for (const EdgeRecord& e : edges.ok() ? *edges : std::vector<EdgeRecord>{}) {
      EXPECT_EQ(e.to, ref("Hypothesis", "H"));
      out.push_back(e.from.to_string());
    }
    return out;
  };
  EXPECT_EQ(sources(std::nullopt, 10), expected);
  EXPECT_EQ(sources(std::nullopt, 2),
            std::vector<std::string>(expected.begin(), expected.begin() + 2));
  EXPECT_EQ(sources(std::string("TESTS"), 10),
            (std::vector<std::string>{"Experiment/E1", "Experiment/E2", "Experiment/E3"}));
  // A type none of H's in-edges has: nothing matches (not every edge).
  EXPECT_EQ(sources(std::string("INSPIRED_BY"), 10), std::vector<std::string>{});

  // After a reopen the mirror is rebuilt from `out`, and a node delete still finds the in-edges.
  reopen();
  EXPECT_EQ(sources(std::nullopt, 10), expected);
  WriteRequest request;
  request.node_deletes = {ref("Hypothesis", "H")};
  EXPECT_EQ(write_ok(request).edges_deleted, 4u);
  EXPECT_EQ(count_keys(store_->storage(), Column::kOut), 0u);
  EXPECT_EQ(store_->edge_count(), 0u);
}

TEST_F(GraphStoreWriteTest, DeleteMissingNodeIsNotFound) {
  WriteRequest request;
  request.node_deletes = {ref("Experiment", "nope")};
  EXPECT_EQ(write_error(request), StatusCode::kNotFound);
  request.node_deletes = {ref("Experimnt", "nope")};
  EXPECT_EQ(write_error(request), StatusCode::kOntologyViolation);

  write_ok({node("Experiment", "E", {{"name", "e"}})});
  request.node_deletes = {ref("Experiment", "E"), ref("Experiment", "E")};
  EXPECT_EQ(write_error(request), StatusCode::kNotFound);  // the second one finds nothing
  EXPECT_EQ(store_->node_count(), 1u);
}

TEST_F(GraphStoreWriteTest, SelfLoopsAreStoredAndDeleted) {
  write_ok({node("Asset", "A", {{"name", "a"}})},
           {edge("DERIVED_FROM", ref("Asset", "A"), ref("Asset", "A"))});
  EXPECT_EQ(store_->edge_count(), 1u);
  EXPECT_EQ(stored_edges(ref("Asset", "A")),
            (std::vector<std::string>{"DERIVED_FROM>Asset/A", "DERIVED_FROM>Asset/A"}));
  WriteRequest request;
  request.node_deletes = {ref("Asset", "A")};
  WriteSummary summary = write_ok(request);
  EXPECT_EQ(summary.edges_deleted, 1u);
  EXPECT_EQ(store_->edge_count(), 0u);
  EXPECT_EQ(count_keys(store_->storage(), Column::kOut), 0u);
}

}  // namespace
}  // namespace expgraph::testing
