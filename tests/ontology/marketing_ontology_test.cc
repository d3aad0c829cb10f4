// The shipped default ontology (ontology/marketing.json): it loads, and it has the types,
// properties, lifecycles and edges that clients, importers and DESIGN.md rely on.
#include "test_support/marketing_ontology.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ontology/ontology.h"

namespace expgraph {
namespace {

using testing::marketing_ontology;

TEST(MarketingOntologyTest, Loads) {
  EXPECT_EQ(marketing_ontology().name(), "marketing");
  EXPECT_GE(marketing_ontology().version(), 1);
}

TEST(MarketingOntologyTest, HasTheDesignNodeTypes) {
  for (const char* name : {"Hypothesis", "Experiment", "Campaign", "Variant", "Asset", "Channel",
                           "Segment", "Metric", "Result", "Learning", "Team", "DataSource"}) {
    EXPECT_NE(marketing_ontology().node_type(name), nullptr) << name;
  }
  EXPECT_EQ(marketing_ontology().node_type("Experimnt"), nullptr);
}

struct EdgeCase {
  const char* name;
  const char* source;
  const char* target;
  Cardinality per_source;
  Cardinality per_target;
};

TEST(MarketingOntologyTest, HasTheDesignEdgeTypesWithTheirCardinalities) {
  constexpr Cardinality kOne = Cardinality::kOne;
  constexpr Cardinality kMany = Cardinality::kMany;
  const EdgeCase kEdges[] = {
      {"TESTS", "Experiment", "Hypothesis", kMany, kMany},
      {"PART_OF", "Experiment", "Campaign", kOne, kMany},
      {"HAS_VARIANT", "Experiment", "Variant", kMany, kOne},
      {"RUNS_ON", "Experiment", "Channel", kMany, kMany},
      {"TARGETS", "Experiment", "Segment", kMany, kMany},
      {"MEASURES", "Experiment", "Metric", kMany, kMany},
      {"HAS_RESULT", "Experiment", "Result", kMany, kOne},
      {"USES_ASSET", "Variant", "Asset", kMany, kMany},
      {"FOR_VARIANT", "Result", "Variant", kOne, kMany},
      {"ON_METRIC", "Result", "Metric", kOne, kMany},
      {"IN_SEGMENT", "Result", "Segment", kOne, kMany},
      {"SOURCED_FROM", "Result", "DataSource", kMany, kMany},
      {"YIELDED", "Experiment", "Learning", kMany, kMany},
      {"SUPPORTS", "Learning", "Hypothesis", kMany, kMany},
      {"CONTRADICTS", "Learning", "Hypothesis", kMany, kMany},
      {"INSPIRED_BY", "Hypothesis", "Learning", kMany, kMany},
      {"DERIVED_FROM", "Asset", "Asset", kMany, kMany},
      {"SUBSEGMENT_OF", "Segment", "Segment", kMany, kMany},
      {"OWNED_BY", "Experiment", "Team", kOne, kMany},
  };
  for (const EdgeCase& expected : kEdges) {
    const EdgeType* edge = marketing_ontology().edge_type(expected.name);
    ASSERT_NE(edge, nullptr) << expected.name;
    EXPECT_TRUE(edge->allows_source(expected.source)) << expected.name;
    EXPECT_TRUE(edge->allows_target(expected.target)) << expected.name;
    EXPECT_EQ(edge->per_source, expected.per_source) << expected.name;
    EXPECT_EQ(edge->per_target, expected.per_target) << expected.name;
  }
}

TEST(MarketingOntologyTest, EndpointsAreChecked) {
  const EdgeType* tests = marketing_ontology().edge_type("TESTS");
  ASSERT_NE(tests, nullptr);
  EXPECT_FALSE(tests->allows_source("Hypothesis"));
  EXPECT_FALSE(tests->allows_target("Experiment"));
  const EdgeType* owned_by = marketing_ontology().edge_type("OWNED_BY");
  ASSERT_NE(owned_by, nullptr);
  for (const NodeType& type : marketing_ontology().node_types()) {
    EXPECT_TRUE(owned_by->allows_source(type.name)) << type.name;
  }
  EXPECT_TRUE(owned_by->allows_target("Team"));
  EXPECT_FALSE(owned_by->allows_target("Experiment"));
}

// The property each type is named or described by, and whether it must be present.
TEST(MarketingOntologyTest, EveryTypeHasItsIdentifyingProperty) {
  for (const NodeType& type : marketing_ontology().node_types()) {
    const PropertyDef* name = type.property("name");
    ASSERT_NE(name, nullptr) << type.name;
    EXPECT_EQ(name->type, PropertyType::kString) << type.name;
    bool named_by_text =
        type.name == "Learning" || type.name == "Hypothesis" || type.name == "Asset";
    EXPECT_EQ(name->required, !named_by_text) << type.name;
  }
  const NodeType* learning = marketing_ontology().node_type("Learning");
  ASSERT_NE(learning, nullptr);
  ASSERT_NE(learning->property("text"), nullptr);
  EXPECT_TRUE(learning->property("text")->required);
  EXPECT_EQ(learning->property("text")->type, PropertyType::kText);
  const NodeType* hypothesis = marketing_ontology().node_type("Hypothesis");
  ASSERT_NE(hypothesis, nullptr);
  ASSERT_NE(hypothesis->property("statement"), nullptr);
  EXPECT_TRUE(hypothesis->property("statement")->required);
  const NodeType* asset = marketing_ontology().node_type("Asset");
  ASSERT_NE(asset, nullptr);
  EXPECT_NE(asset->property("text"), nullptr);
  EXPECT_NE(asset->property("uri"), nullptr);
  ASSERT_NE(asset->property("kind"), nullptr);
  EXPECT_EQ(asset->property("kind")->enum_values,
            (std::vector<std::string>{"email", "landing_page", "headline", "image", "video",
                                      "ad_creative", "offer", "other"}));
}

struct PropertyCase {
  const char* node_type;
  const char* property;
  PropertyType type;
};

TEST(MarketingOntologyTest, PropertiesClientsRelyOn) {
  const PropertyCase kProperties[] = {
      {"Experiment", "status", PropertyType::kEnum},
      {"Experiment", "kind", PropertyType::kEnum},
      {"Experiment", "decision", PropertyType::kEnum},
      {"Experiment", "started_at", PropertyType::kDate},
      {"Experiment", "ended_at", PropertyType::kDate},
      {"Experiment", "tags", PropertyType::kStringList},
      {"Experiment", "flags", PropertyType::kStringList},
      {"Hypothesis", "status", PropertyType::kEnum},
      {"Hypothesis", "rationale", PropertyType::kText},
      {"Variant", "is_control", PropertyType::kBool},
      {"Result", "users", PropertyType::kInt},
      {"Result", "conversions", PropertyType::kInt},
      {"Result", "sum", PropertyType::kFloat},
      {"Result", "sum_sq", PropertyType::kFloat},
      {"Result", "lift", PropertyType::kFloat},
      {"Result", "ci_low", PropertyType::kFloat},
      {"Result", "ci_high", PropertyType::kFloat},
      {"Result", "p_value", PropertyType::kFloat},
      {"Result", "significant", PropertyType::kBool},
      {"Result", "underpowered", PropertyType::kBool},
      {"Result", "baseline_rate", PropertyType::kFloat},
      {"Result", "rate", PropertyType::kFloat},
      {"Metric", "direction", PropertyType::kEnum},
      {"Metric", "kind", PropertyType::kEnum},
      {"Segment", "definition", PropertyType::kText},
      {"Learning", "outcome", PropertyType::kEnum},
      {"Learning", "evidence", PropertyType::kText},
      {"DataSource", "uri", PropertyType::kString},
  };
  for (const PropertyCase& expected : kProperties) {
    const NodeType* type = marketing_ontology().node_type(expected.node_type);
    ASSERT_NE(type, nullptr) << expected.node_type;
    const PropertyDef* def = type->property(expected.property);
    ASSERT_NE(def, nullptr) << expected.node_type << "." << expected.property;
    EXPECT_EQ(def->type, expected.type) << expected.node_type << "." << expected.property;
  }
  const NodeType* experiment = marketing_ontology().node_type("Experiment");
  ASSERT_NE(experiment, nullptr);
  EXPECT_EQ(experiment->property("kind")->enum_values,
            (std::vector<std::string>{"ab", "multivariate", "bandit", "holdout"}));
  EXPECT_EQ(experiment->property("decision")->enum_values,
            (std::vector<std::string>{"ship", "iterate", "abandon"}));
  EXPECT_EQ(marketing_ontology().node_type("Metric")->property("direction")->enum_values,
            (std::vector<std::string>{"increase", "decrease"}));
  EXPECT_EQ(marketing_ontology().node_type("Learning")->property("outcome")->enum_values,
            (std::vector<std::string>{"won", "lost", "inconclusive"}));
}

TEST(MarketingOntologyTest, IndexedProperties) {
  for (const char* type : {"Experiment", "Hypothesis"}) {
    EXPECT_TRUE(marketing_ontology().node_type(type)->property("status")->indexed) << type;
  }
  for (const char* type : {"Channel", "Segment", "Metric", "Team"}) {
    EXPECT_TRUE(marketing_ontology().node_type(type)->property("name")->indexed) << type;
  }
  EXPECT_TRUE(marketing_ontology().node_type("Learning")->property("outcome")->indexed);
}

TEST(MarketingOntologyTest, TextProperties) {
  auto text_properties = [](const char* type) {
    return marketing_ontology().node_type(type)->text_properties;
  };
  EXPECT_EQ(text_properties("Learning"), (std::vector<std::string>{"text"}));
  EXPECT_EQ(text_properties("Hypothesis"), (std::vector<std::string>{"statement", "rationale"}));
  EXPECT_EQ(text_properties("Asset"), (std::vector<std::string>{"text"}));
  EXPECT_EQ(text_properties("Experiment"), (std::vector<std::string>{"name", "description"}));
}

TEST(MarketingOntologyTest, Lifecycles) {
  const NodeType* experiment = marketing_ontology().node_type("Experiment");
  ASSERT_TRUE(experiment->lifecycle.has_value());
  EXPECT_EQ(experiment->lifecycle->property, "status");
  const auto& transitions = experiment->lifecycle->transitions;
  EXPECT_TRUE(transitions.at("planned").count("running"));
  EXPECT_TRUE(transitions.at("running").count("concluded"));
  EXPECT_TRUE(transitions.at("running").count("stopped"));
  EXPECT_EQ(transitions.count("concluded"), 0u);

  const NodeType* hypothesis = marketing_ontology().node_type("Hypothesis");
  ASSERT_TRUE(hypothesis->lifecycle.has_value());
  const auto& steps = hypothesis->lifecycle->transitions;
  EXPECT_TRUE(steps.at("draft").count("approved"));
  EXPECT_TRUE(steps.at("approved").count("testing"));
  for (const char* outcome : {"validated", "refuted", "inconclusive"}) {
    EXPECT_TRUE(steps.at("testing").count(outcome)) << outcome;
    EXPECT_TRUE(steps.at(outcome).count("archived")) << outcome;
  }
}

TEST(MarketingOntologyTest, ToJsonRoundTrips) {
  nlohmann::json document = marketing_ontology().to_json();
  Result<Ontology> again = Ontology::from_json(document);
  ASSERT_TRUE(again.ok()) << again.status().to_string();
  EXPECT_EQ(again->to_json(), document);
  EXPECT_EQ(again->node_types().size(), marketing_ontology().node_types().size());
  EXPECT_EQ(again->edge_types().size(), marketing_ontology().edge_types().size());
}

}  // namespace
}  // namespace expgraph
