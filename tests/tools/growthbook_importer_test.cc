// import_growthbook on GrowthBook-shaped answers written from its OpenAPI schemas
// (tests/tools/fixtures/growthbook/program.json: five experiments, frequentist and Bayesian
// analyses, a two-phase test, one experiment without a name and one metric row without its
// interval): the counts of each type, lifts and intervals as GrowthBook reported them, statuses
// and decisions, and the same items from the JSON Lines form and on a second run.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "tests/tools/importer_test_support.h"

namespace expgraph {
namespace {

using testing_support::Collected;
using testing_support::collect_text;

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(EXPGRAPH_SOURCE_DIR) + "/tests/tools/fixtures/growthbook/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(GrowthbookImporterTest, CountsOfEachTypeAndPerRecordWarnings) {
  Result<Collected> out = collect_text(import_growthbook, fixture("program.json"));
  ASSERT_TRUE(out.ok()) << out.status().to_string();
  testing_support::expect_valid_and_ordered(out->items);
  EXPECT_EQ(out->count_nodes("Experiment"), 4u);  // the one without a name is skipped
  EXPECT_EQ(out->count_nodes("Hypothesis"), 4u);
  EXPECT_EQ(out->count_nodes("Variant"), 9u);
  EXPECT_EQ(out->count_nodes("Metric"), 4u);  // purchase is shared by two experiments
  EXPECT_EQ(out->count_nodes("Result"), 8u);  // 4 + 3 + 1 (a row without ciLow is skipped)
  EXPECT_EQ(out->count_nodes("Learning"), 3u);
  EXPECT_EQ(out->count_nodes("Team"), 3u);
  EXPECT_EQ(out->count_nodes("DataSource"), 1u);
  EXPECT_EQ(out->nodes.size(), 36u);
  EXPECT_EQ(out->count_edges("HAS_RESULT"), 8u);
  EXPECT_EQ(out->count_edges("HAS_VARIANT"), 9u);
  EXPECT_EQ(out->count_edges("YIELDED"), 3u);

  EXPECT_EQ(out->stats.rows_read, 8u);     // 5 experiments + 3 results answers
  EXPECT_EQ(out->stats.rows_skipped, 2u);  // the nameless experiment, the row without ciLow
  ASSERT_EQ(out->stats.warnings.size(), 2u);
  EXPECT_EQ(out->stats.warnings[0], "experiment exp_19g61olt0vv77: skipped, no name");
  EXPECT_EQ(out->stats.warnings[1],
            "experiment exp_19g61olt0xz90, metric met_annual, variation var_pr1: skipped, no "
            "ciLow in its analysis");
}

TEST(GrowthbookImporterTest, LiftsAndIntervalsAreGrowthbooks) {
  Result<Collected> out = collect_text(import_growthbook, fixture("program.json"));
  ASSERT_TRUE(out.ok()) << out.status().to_string();
  // Frequentist: percentChange, ciLow, ciHigh and pValue as reported; conversions from the
  // numerator of a proportion metric.
  const auto& green = out->node("Result/gb-exp-19g61olt0pqd4-met-purchase-var-lsc0a2");
  ASSERT_TRUE(green.is_object());
  EXPECT_DOUBLE_EQ(green["lift"].get<double>(), 0.094527);
  EXPECT_DOUBLE_EQ(green["ci_low"].get<double>(), 0.0123);
  EXPECT_DOUBLE_EQ(green["ci_high"].get<double>(), 0.1768);
  EXPECT_DOUBLE_EQ(green["p_value"].get<double>(), 0.0241);
  EXPECT_EQ(green["significant"], true);
  EXPECT_EQ(green["users"], 10050);
  EXPECT_EQ(green["conversions"], 1320);
  EXPECT_DOUBLE_EQ(green["baseline_rate"].get<double>(), 0.12);
  // A mean metric: sum and sum of squares, not conversions.
  const auto& revenue = out->node("Result/gb-exp-19g61olt0pqd4-met-revenue-var-lsc0a2");
  EXPECT_FALSE(revenue.contains("conversions"));
  EXPECT_DOUBLE_EQ(revenue["sum"].get<double>(), 470100.2);
  EXPECT_DOUBLE_EQ(revenue["lift"].get<double>(), 0.034869);
  EXPECT_EQ(revenue["significant"], false);
  // Bayesian, second phase: the key names the phase; significance from the chance to beat
  // control; no p-value.
  const auto& urgency = out->node("Result/gb-exp-19g61olt0r8k2-met-signup-var-hero2-p1");
  ASSERT_TRUE(urgency.is_object());
  EXPECT_DOUBLE_EQ(urgency["lift"].get<double>(), -0.094737);
  EXPECT_DOUBLE_EQ(urgency["ci_low"].get<double>(), -0.1512);
  EXPECT_DOUBLE_EQ(urgency["ci_high"].get<double>(), -0.0347);
  EXPECT_FALSE(urgency.contains("p_value"));
  EXPECT_EQ(urgency["significant"], true);
  EXPECT_NE(urgency["method"].get<std::string>().find("chance to beat control 0.1%"),
            std::string::npos);
  EXPECT_EQ(out->node("Result/gb-exp-19g61olt0r8k2-met-signup-var-hero1-p1")["significant"],
            false);
}

TEST(GrowthbookImporterTest, ExperimentsPhasesDecisionsAndLearnings) {
  Result<Collected> out = collect_text(import_growthbook, fixture("program.json"));
  ASSERT_TRUE(out.ok()) << out.status().to_string();
  const auto& checkout = out->node("Experiment/gb-exp-19g61olt0pqd4");
  EXPECT_EQ(checkout["status"], "concluded");
  EXPECT_EQ(checkout["decision"], "ship");
  EXPECT_EQ(checkout["kind"], "ab");
  EXPECT_EQ(checkout["started_at"], "2024-02-01");
  EXPECT_EQ(checkout["ended_at"], "2024-02-21");
  // Two phases: from the first start to the last end, both in the description.
  const auto& hero = out->node("Experiment/gb-exp-19g61olt0r8k2");
  EXPECT_EQ(hero["status"], "concluded");
  EXPECT_EQ(hero["decision"], "abandon");
  EXPECT_EQ(hero["kind"], "multivariate");
  EXPECT_EQ(hero["started_at"], "2024-03-01");
  EXPECT_EQ(hero["ended_at"], "2024-04-02");
  EXPECT_NE(hero["description"].get<std::string>().find("Phase 2 (Main): 2024-03-08 to 2024-04-02"),
            std::string::npos);
  EXPECT_DOUBLE_EQ(out->node("Variant/gb-exp-19g61olt0r8k2-var-hero1")["allocation"].get<double>(),
                   0.33);
  EXPECT_EQ(out->node("Variant/gb-exp-19g61olt0r8k2-var-hero0")["is_control"], true);
  // Running: no end, no decision.
  const auto& banner = out->node("Experiment/gb-exp-19g61olt0tq51");
  EXPECT_EQ(banner["status"], "running");
  EXPECT_FALSE(banner.contains("ended_at"));
  EXPECT_FALSE(banner.contains("decision"));
  EXPECT_EQ(out->node("Experiment/gb-exp-19g61olt0xz90")["decision"], "iterate");
  // Learnings from the conclusions, for and against the hypothesis; teams from the owners.
  const auto& learning = out->node("Learning/gb-exp-19g61olt0pqd4-conclusions");
  EXPECT_EQ(learning["outcome"], "won");
  EXPECT_NE(learning["evidence"].get<std::string>().find("Green button +9.5% [+1.2%, +17.7%]"),
            std::string::npos);
  EXPECT_TRUE(out->has_edge("SUPPORTS", "Learning/gb-exp-19g61olt0pqd4-conclusions",
                            "Hypothesis/gb-exp-19g61olt0pqd4-hypothesis"));
  EXPECT_TRUE(out->has_edge("CONTRADICTS", "Learning/gb-exp-19g61olt0r8k2-conclusions",
                            "Hypothesis/gb-exp-19g61olt0r8k2-hypothesis"));
  EXPECT_EQ(out->node("Hypothesis/gb-exp-19g61olt0r8k2-hypothesis")["status"], "refuted");
  EXPECT_TRUE(out->has_edge("OWNED_BY", "Experiment/gb-exp-19g61olt0pqd4",
                            "Team/gb-team-priya-example.com"));
  EXPECT_TRUE(out->has_edge("OWNED_BY", "Experiment/gb-exp-19g61olt0tq51",
                            "Team/gb-team-priya-example.com"));
  EXPECT_TRUE(out->has_edge("MEASURES", "Experiment/gb-exp-19g61olt0r8k2", "Metric/gb-met-purchase"));
}

TEST(GrowthbookImporterTest, JsonLinesInAnotherOrderAndASecondRunGiveTheSameItems) {
  Result<Collected> first = collect_text(import_growthbook, fixture("program.json"));
  Result<Collected> again = collect_text(import_growthbook, fixture("program.json"));
  Result<Collected> lines = collect_text(import_growthbook, fixture("program.jsonl"));
  ASSERT_TRUE(first.ok() && again.ok() && lines.ok());
  EXPECT_EQ(first->nodes, again->nodes);
  EXPECT_EQ(first->edges, again->edges);
  EXPECT_EQ(first->nodes, lines->nodes);
  EXPECT_EQ(first->edges.size(), lines->edges.size());
  EXPECT_EQ(lines->stats.rows_read, 8u);
}

TEST(GrowthbookImporterTest, TextThatIsNotGrowthbookIsRefused) {
  EXPECT_FALSE(collect_text(import_growthbook, "{\"nodes\": []}").ok());
  EXPECT_FALSE(collect_text(import_growthbook, "not json").ok());
  EXPECT_FALSE(collect_text(import_growthbook, "").ok());
  Result<Collected> empty = collect_text(import_growthbook, "{\"experiments\": []}");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->items.empty());
}

}  // namespace
}  // namespace expgraph
