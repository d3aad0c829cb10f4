// Lifecycle governance at the graph level: concluding an Experiment needs a decision and a
// Result (counted on the request's final state), and promotion to decision ship records the
// approver, which clients cannot forge.
#include "graph/governance.h"

#include <gtest/gtest.h>

#include "graph_test_support.h"

namespace expgraph::testing {
namespace {

using nlohmann::json;

class GovernanceTest : public GraphStoreTest {
 protected:
  void SetUp() override {
    GraphStoreTest::SetUp();
    write_ok({node("Experiment", "E", {{"name", "e"}, {"status", "running"}})});
  }

  static NodeWrite experiment(json properties) {
    properties["name"] = "e";
    return node("Experiment", "E", std::move(properties));
  }

  Status write_status(const WriteRequest& request) { return store_->write(request).status(); }
};

TEST_F(GovernanceTest, ConcludingNeedsADecision) {
  WriteRequest request;
  request.nodes = {experiment({{"status", "concluded"}}), node("Result", "R", {{"name", "r"}})};
  request.edges = {edge("HAS_RESULT", ref("Experiment", "E"), ref("Result", "R"))};
  Status status = write_status(request);
  EXPECT_EQ(status.code(), StatusCode::kOntologyViolation);
  EXPECT_NE(status.message().find("running -> concluded"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("decision"), std::string::npos) << status.message();
  EXPECT_EQ(get(ref("Experiment", "E")).properties["status"], "running");
  EXPECT_EQ(store_->get_node(ref("Result", "R")).status().code(), StatusCode::kNotFound);
}

TEST_F(GovernanceTest, ConcludingNeedsAResult) {
  WriteRequest request;
  request.nodes = {experiment({{"status", "concluded"}, {"decision", "iterate"}})};
  Status status = write_status(request);
  EXPECT_EQ(status.code(), StatusCode::kOntologyViolation);
  EXPECT_NE(status.message().find("Result"), std::string::npos) << status.message();

  // A Result that exists but is not attached does not count either.
  write_ok({node("Result", "R", {{"name", "r"}})});
  EXPECT_EQ(write_status(request).code(), StatusCode::kOntologyViolation);

  // Attached earlier, or in the same request: both count.
  write_ok({}, {edge("HAS_RESULT", ref("Experiment", "E"), ref("Result", "R"))});
  write_ok(request);
  EXPECT_EQ(get(ref("Experiment", "E")).properties["status"], "concluded");
}

TEST_F(GovernanceTest, AResultRemovedInTheSameRequestDoesNotCount) {
  write_ok({node("Result", "R", {{"name", "r"}})},
           {edge("HAS_RESULT", ref("Experiment", "E"), ref("Result", "R"))});
  WriteRequest request;
  request.nodes = {experiment({{"status", "concluded"}, {"decision", "abandon"}})};
  request.node_deletes = {ref("Result", "R")};
  EXPECT_EQ(write_status(request).code(), StatusCode::kOntologyViolation);
  request.node_deletes.clear();
  write_ok(request);
}

TEST_F(GovernanceTest, ConcludedAtCreationIsAllowedForImports) {
  // Past tests are imported already concluded, before their results.
  write_ok({node("Experiment", "Imported", {{"name", "old test"}, {"status", "concluded"}})});
  EXPECT_EQ(get(ref("Experiment", "Imported")).properties["status"], "concluded");
}

TEST_F(GovernanceTest, OrdinaryTransitionsStillFollowTheOntology) {
  Status status = write_status(WriteRequest{{experiment({{"status", "planned"}})}});
  EXPECT_EQ(status.code(), StatusCode::kOntologyViolation);
  EXPECT_NE(status.to_string().find("running -> planned"), std::string::npos) << status.to_string();
}

TEST_F(GovernanceTest, ShippingRecordsTheApprover) {
  WriteRequest ship;
  ship.actor = "alice";
  ship.nodes = {experiment({{"status", "running"}, {"decision", "ship"}})};
  write_ok(ship);
  NodeRecord shipped = get(ref("Experiment", "E"));
  EXPECT_EQ(shipped.properties["approved_by"], "alice");
  ASSERT_TRUE(shipped.properties["approved_at"].is_string());
  EXPECT_EQ(shipped.properties["approved_at"], format_timestamp(shipped.updated_at_ms));

  // A later write by someone else keeps the approval while the decision stays ship, even when
  // the client sends other values for it.
  WriteRequest edit;
  edit.actor = "bob";
  edit.nodes = {experiment({{"status", "stopped"},
                            {"decision", "ship"},
                            {"approved_by", "mallory"},
                            {"approved_at", "2020-01-01T00:00:00Z"}})};
  write_ok(edit);
  NodeRecord edited = get(ref("Experiment", "E"));
  EXPECT_EQ(edited.properties["status"], "stopped");
  EXPECT_EQ(edited.properties["approved_by"], "alice");
  EXPECT_EQ(edited.properties["approved_at"], shipped.properties["approved_at"]);

  // Leaving ship drops the approval; a client cannot set one without promoting.
  edit.nodes = {
      experiment({{"status", "stopped"}, {"decision", "iterate"}, {"approved_by", "mallory"}})};
  write_ok(edit);
  EXPECT_FALSE(get(ref("Experiment", "E")).properties.contains("approved_by"));
  EXPECT_FALSE(get(ref("Experiment", "E")).properties.contains("approved_at"));
}

TEST_F(GovernanceTest, ANewNodeMayBringItsApprovalAlong) {
  // Export and re-import must reproduce the graph: a created node keeps a given approval.
  WriteRequest import;
  import.actor = "importer";
  import.nodes = {
      node("Experiment", "Old", {{"name", "old"}, {"decision", "ship"}, {"approved_by", "carol"}, {
                                   "approved_at",
                                   "2021-03-04T05:06:07Z"
                                 }})};
  write_ok(import);
  NodeRecord old = get(ref("Experiment", "Old"));
  EXPECT_EQ(old.properties["approved_by"], "carol");
  EXPECT_EQ(old.properties["approved_at"], "2021-03-04T05:06:07Z");
  // Created shipped without one: the writer approved it.
  import.nodes = {node("Experiment", "New", {{"name", "new"}, { "decision", "ship" }})};
  write_ok(import);
  EXPECT_EQ(get(ref("Experiment", "New")).properties["approved_by"], "importer");
  // An approval without decision ship is dropped, even on creation.
  import.nodes = {node("Experiment", "Iter", {{"name", "i"}, {"decision", "iterate"}, {
                                                "approved_by",
                                                "carol"
                                              }})};
  write_ok(import);
  EXPECT_FALSE(get(ref("Experiment", "Iter")).properties.contains("approved_by"));
}

TEST_F(GovernanceTest, StampApprovalIgnoresOtherTypes) {
  const NodeType* campaign = marketing_ontology()->node_type("Campaign");
  ASSERT_NE(campaign, nullptr);
  json properties = {{"name", "c"}, {"decision", "ship"}};
  governance::stamp_approval(*campaign, nullptr, properties, "alice", 0);
  EXPECT_EQ(properties, (json{{"name", "c"}, {"decision", "ship"}}));
}

}  // namespace
}  // namespace expgraph::testing
