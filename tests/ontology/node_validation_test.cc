// Ontology::validate_node and validate_edge_properties: unknown and required properties, value
// checks, and lifecycles (initial states and transitions), all violations reported together.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ontology/ontology.h"
#include "test_support/marketing_ontology.h"

namespace expgraph {
namespace {

using json = nlohmann::json;

using testing::marketing_ontology;

const NodeType& type(const char* name) {
  const NodeType* node_type = marketing_ontology().node_type(name);
  if (node_type == nullptr) {
    ADD_FAILURE() << "no node type " << name;
    static const NodeType kEmpty;
    return kEmpty;
  }
  return *node_type;
}

Status validate(const char* type_name, const json& properties, const json* previous = nullptr) {
  return marketing_ontology().validate_node(type(type_name), properties, previous);
}

std::string all_details(const Status& status) {
  std::string all;
  for (const std::string& detail : status.details()) all += detail + "\n";
  return all;
}

TEST(NodeValidationTest, AcceptsAValidNode) {
  json experiment = {{"name", "Subject line with a number"},
                     {"status", "planned"},
                     {"kind", "ab"},
                     {"started_at", "2024-05-01"},
                     {"tags", {"email", "subject_line"}}};
  Status status = validate("Experiment", experiment);
  EXPECT_TRUE(status.ok()) << status.to_string();

  json result = {{"name", "EXP-1 treatment ctr"},
                 {"users", 1000},
                 {"conversions", 37},
                 {"lift", 0.12},
                 {"ci_low", -0.02},
                 {"ci_high", 0.26},
                 {"p_value", 0.09},
                 {"significant", false},
                 {"rate", 0.037},
                 {"baseline_rate", 0.033}};
  status = validate("Result", result);
  EXPECT_TRUE(status.ok()) << status.to_string();

  EXPECT_TRUE(validate("Learning", {{"text", "Numbers in headlines win"}}).ok());
  EXPECT_TRUE(validate("Hypothesis", {{"statement", "Numbers in headlines win"}}).ok());
  EXPECT_TRUE(validate("Asset", {{"kind", "headline"}, {"text", "7 ways to..."}}).ok());
}

TEST(NodeValidationTest, NullOrEmptyObjectIsAnEmptyPropertyMap) {
  EXPECT_TRUE(validate("Asset", json::object()).ok());
  EXPECT_TRUE(validate("Asset", nullptr).ok());
  EXPECT_FALSE(validate("Team", json::object()).ok());  // name is required
}

TEST(NodeValidationTest, PropertiesMustBeAnObject) {
  Status status = validate("Team", json::array({"name"}));
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("must be a JSON object"), std::string::npos);
}

TEST(NodeValidationTest, UnknownPropertyListsTheKnownOnes) {
  Status status = validate("Team", {{"name", "Growth"}, {"colour", "blue"}});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), StatusCode::kOntologyViolation);
  ASSERT_EQ(status.details().size(), 1u);
  EXPECT_EQ(status.details()[0],
            "unknown property \"colour\" for Team (known: name, email, description)");
  EXPECT_EQ(status.message(), status.details()[0]);
}

TEST(NodeValidationTest, MissingRequiredProperty) {
  Status status = validate("Experiment", {{"status", "planned"}});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), StatusCode::kOntologyViolation);
  EXPECT_EQ(all_details(status), "missing required property \"name\" for Experiment\n");

  status = validate("Experiment", {{"name", nullptr}});
  EXPECT_EQ(all_details(status), "missing required property \"name\" for Experiment\n");
}

TEST(NodeValidationTest, NullForAnOptionalPropertyMeansAbsent) {
  EXPECT_TRUE(validate("Experiment", {{"name", "x"}, {"decision", nullptr}}).ok());
}

TEST(NodeValidationTest, CollectsEveryViolation) {
  Status status = validate(
      "Result", {{"users", "many"}, {"lift", "high"}, {"significant", "yes"}, {"colour", "red"}});
  ASSERT_FALSE(status.ok());
  std::string details = all_details(status);
  EXPECT_EQ(status.details().size(), 5u) << details;
  EXPECT_NE(details.find("property \"users\": expected int, got string \"many\""),
            std::string::npos)
      << details;
  EXPECT_NE(details.find("property \"lift\": expected float, got string \"high\""),
            std::string::npos)
      << details;
  EXPECT_NE(details.find("property \"significant\": expected bool"), std::string::npos) << details;
  EXPECT_NE(details.find("unknown property \"colour\" for Result"), std::string::npos) << details;
  EXPECT_NE(details.find("missing required property \"name\" for Result"), std::string::npos)
      << details;
  EXPECT_NE(status.message().find("5 ontology violations for Result"), std::string::npos)
      << status.message();
}

TEST(NodeValidationTest, LifecycleInitialStates) {
  // Experiments may be recorded in any state (historic tests are imported concluded).
  for (const char* state : {"planned", "running", "stopped", "concluded"}) {
    EXPECT_TRUE(validate("Experiment", {{"name", "x"}, {"status", state}}).ok()) << state;
  }
  // A hypothesis is not born archived.
  Status status = validate("Hypothesis", {{"statement", "s"}, {"status", "archived"}});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), StatusCode::kOntologyViolation);
  EXPECT_NE(status.message().find("illegal initial status for Hypothesis: archived"),
            std::string::npos)
      << status.message();
  EXPECT_NE(status.message().find("draft"), std::string::npos) << status.message();
  // Without a status, nothing to check.
  EXPECT_TRUE(validate("Hypothesis", {{"statement", "s"}}).ok());
}

TEST(NodeValidationTest, LifecycleTransitions) {
  struct Step {
    const char* from;
    const char* to;
    bool allowed;
  };
  const Step kSteps[] = {
      {"planned", "running", true},   {"running", "concluded", true},
      {"running", "stopped", true},   {"planned", "stopped", true},
      {"stopped", "concluded", true}, {"concluded", "concluded", true},  // same state again
      {"planned", "planned", true},   {"concluded", "running", false},
      {"running", "planned", false},  {"planned", "concluded", false},
      {"stopped", "running", false},
  };
  for (const Step& step : kSteps) {
    json previous = {{"name", "x"}, {"status", step.from}};
    json next = {{"name", "x"}, {"status", step.to}};
    Status status = validate("Experiment", next, &previous);
    EXPECT_EQ(status.ok(), step.allowed)
        << step.from << " -> " << step.to << ": " << status.to_string();
  }
}

TEST(NodeValidationTest, IllegalTransitionMessage) {
  json previous = {{"name", "x"}, {"status", "concluded"}};
  Status status = validate("Experiment", {{"name", "x"}, {"status", "running"}}, &previous);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), StatusCode::kOntologyViolation);
  EXPECT_EQ(status.message(),
            "illegal status transition for Experiment: concluded -> running (allowed from "
            "concluded: none)");

  previous = {{"name", "x"}, {"status", "planned"}};
  status = validate("Experiment", {{"name", "x"}, {"status", "concluded"}}, &previous);
  EXPECT_EQ(status.message(),
            "illegal status transition for Experiment: planned -> concluded (allowed from "
            "planned: running, stopped)");
}

TEST(NodeValidationTest, HypothesisLifecycle) {
  auto step = [](const char* from, const char* to) {
    json previous = {{"statement", "s"}, {"status", from}};
    return validate("Hypothesis", {{"statement", "s"}, {"status", to}}, &previous).ok();
  };
  EXPECT_TRUE(step("draft", "approved"));
  EXPECT_TRUE(step("approved", "testing"));
  EXPECT_TRUE(step("testing", "validated"));
  EXPECT_TRUE(step("testing", "refuted"));
  EXPECT_TRUE(step("testing", "inconclusive"));
  EXPECT_TRUE(step("validated", "archived"));
  EXPECT_TRUE(step("draft", "archived"));
  EXPECT_FALSE(step("draft", "validated"));
  EXPECT_FALSE(step("archived", "testing"));
  EXPECT_FALSE(step("refuted", "validated"));
}

TEST(NodeValidationTest, ExistingNodeWithoutStateMayTakeAnInitialOne) {
  json previous = {{"name", "x"}};
  EXPECT_TRUE(validate("Experiment", {{"name", "x"}, {"status", "running"}}, &previous).ok());
  previous = {{"statement", "s"}};
  EXPECT_FALSE(
      validate("Hypothesis", {{"statement", "s"}, {"status", "archived"}}, &previous).ok());
}

TEST(NodeValidationTest, LifecycleStateCannotBeRemoved) {
  json previous = {{"name", "x"}, {"status", "running"}};
  Status status = validate("Experiment", {{"name", "x"}}, &previous);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("cannot remove status of Experiment"), std::string::npos)
      << status.message();
  EXPECT_FALSE(validate("Experiment", {{"name", "x"}, {"status", nullptr}}, &previous).ok());
}

TEST(NodeValidationTest, InvalidStateIsReportedOnceAsAValueError) {
  json previous = {{"name", "x"}, {"status", "running"}};
  Status status = validate("Experiment", {{"name", "x"}, {"status", "paused"}}, &previous);
  ASSERT_FALSE(status.ok());
  ASSERT_EQ(status.details().size(), 1u) << all_details(status);
  EXPECT_NE(status.details()[0].find("property \"status\": expected one of planned"),
            std::string::npos);
}

TEST(EdgeValidationTest, EdgeProperties) {
  const EdgeType* measures = marketing_ontology().edge_type("MEASURES");
  ASSERT_NE(measures, nullptr);
  EXPECT_TRUE(marketing_ontology().validate_edge_properties(*measures, {{"role", "primary"}}).ok());
  EXPECT_TRUE(marketing_ontology().validate_edge_properties(*measures, json::object()).ok());
  EXPECT_TRUE(marketing_ontology().validate_edge_properties(*measures, nullptr).ok());

  Status status =
      marketing_ontology().validate_edge_properties(*measures, {{"role", "main"}, {"weight", 1}});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), StatusCode::kOntologyViolation);
  std::string details = all_details(status);
  EXPECT_NE(details.find("property \"role\": expected one of primary, secondary, guardrail"),
            std::string::npos)
      << details;
  EXPECT_NE(details.find("unknown property \"weight\" for MEASURES (known: role)"),
            std::string::npos)
      << details;

  const EdgeType* tests = marketing_ontology().edge_type("TESTS");
  ASSERT_NE(tests, nullptr);
  status = marketing_ontology().validate_edge_properties(*tests, {{"note", "x"}});
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("unknown property \"note\" for TESTS (known: none)"),
            std::string::npos)
      << status.message();
  EXPECT_EQ(marketing_ontology().validate_edge_properties(*tests, json::array()).code(),
            StatusCode::kInvalidArgument);
}

TEST(EdgeValidationTest, RequiredEdgeProperty) {
  json document = {
      {"name", "t"},
      {"node_types", {{{"name", "A"}}}},
      {"edge_types",
       {{{"name", "LINKS"},
         {"domain", "A"},
         {"range", "A"},
         {"properties", {{{"name", "weight"}, {"type", "float"}, {"required", true}}}}}}}};
  Result<Ontology> ontology = Ontology::from_json(document);
  ASSERT_TRUE(ontology.ok()) << ontology.status().to_string();
  const EdgeType& links = *ontology->edge_type("LINKS");
  EXPECT_TRUE(ontology->validate_edge_properties(links, {{"weight", 0.5}}).ok());
  Status status = ontology->validate_edge_properties(links, json::object());
  EXPECT_EQ(status.message(), "missing required property \"weight\" for LINKS");
}

}  // namespace
}  // namespace expgraph
