// ResultStatsEnricher registered on a GraphStore: a Result written with raw counts for its arm
// and its baseline gets lift, CI, p-value and flags; the expected values are derived by hand.
#include <gtest/gtest.h>

#include "graph/graph_test_support.h"
#include "query/insights/result_stats_enricher.h"

namespace expgraph::insights {
namespace {

using expgraph::testing::dump_storage;
using expgraph::testing::marketing_ontology;
using expgraph::testing::node;
using expgraph::testing::ref;
using nlohmann::json;

class ResultStatsEnricherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = GraphStore::open(dir_.path(), marketing_ontology());
    ASSERT_TRUE(opened.ok()) << opened.status().to_string();
    graph_ = std::move(opened).value();
    graph_->add_enricher(&enricher_);
  }

  Result<WriteSummary> put(const json& properties) {
    WriteRequest request;
    request.nodes.push_back(node("Result", "R1", properties));
    return graph_->write(request);
  }

  json stored() {
    auto record = graph_->get_node(ref("Result", "R1"));
    EXPECT_TRUE(record.ok());
    return record.ok() ? record->properties : json();
  }

  expgraph::testing::TempDir dir_;
  ResultStatsEnricher enricher_;
  std::unique_ptr<GraphStore> graph_;
};

// Control 100/1000 (p_c = 0.10), treatment 120/1000 (p_t = 0.12):
//   lift = 0.12 / 0.10 - 1 = 0.2
//   var_t = 0.12 * 0.88 / 1000 = 1.056e-4, var_c = 0.1 * 0.9 / 1000 = 9e-5
//   var(r) = 1.2^2 (1.056e-4 / 0.0144 + 9e-5 / 0.01) = 1.44 * 0.0163333 = 0.02352, sd 0.153362
//   CI = 0.2 -+ 1.959964 * 0.153362 = [-0.100585, 0.500585]
//   z = 0.02 / sqrt(1.956e-4) = 1.430031, p = 2 (1 - Phi(1.430031)) = 0.152708
//   MDE = (1.959964 + 0.841621) sqrt(0.09 * 2 / 1000) / 0.1 = 0.375872 > 0.2: underpowered
//   log lift = ln 1.2 = 0.182322, se = sqrt(1.056e-4/0.0144 + 9e-5/0.01) = 0.127802
TEST_F(ResultStatsEnricherTest, BinaryCountsGetLiftIntervalAndFlags) {
  auto written = put({{"name", "treatment vs control"},
                      {"users", 1000},
                      {"conversions", 120},
                      {"baseline_users", 1000},
                      {"baseline_conversions", 100},
                      {"lift", 99.0}});  // a client's stale value is replaced
  ASSERT_TRUE(written.ok()) << written.status().to_string();
  json p = stored();
  EXPECT_NEAR(p["rate"].get<double>(), 0.12, 1e-12);
  EXPECT_NEAR(p["baseline_rate"].get<double>(), 0.10, 1e-12);
  EXPECT_NEAR(p["lift"].get<double>(), 0.2, 1e-9);
  EXPECT_NEAR(p["ci_low"].get<double>(), -0.100585, 1e-5);
  EXPECT_NEAR(p["ci_high"].get<double>(), 0.500585, 1e-5);
  EXPECT_NEAR(p["p_value"].get<double>(), 0.152708, 1e-5);
  EXPECT_NEAR(p["log_lift"].get<double>(), 0.182322, 1e-6);
  EXPECT_NEAR(p["log_lift_se"].get<double>(), 0.127802, 1e-6);
  EXPECT_FALSE(p["significant"].get<bool>());
  EXPECT_TRUE(p["underpowered"].get<bool>());
  EXPECT_NEAR(p["confidence_level"].get<double>(), 0.95, 1e-12);
  EXPECT_EQ(p["method"], "two-proportion z-test (unpooled), delta-method CI on the ratio");

  // Derived values are deterministic: the same write again changes nothing.
  auto again = put({{"name", "treatment vs control"},
                    {"users", 1000},
                    {"conversions", 120},
                    {"baseline_users", 1000},
                    {"baseline_conversions", 100}});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->nodes[0], WriteOutcome::kUnchanged);
}

// Control n = 100, sum 1000, sum_sq 11000: mean 10, s^2 = (11000 - 100 * 10^2) / 99 = 1000/99.
// Treatment n = 100, sum 1200, sum_sq 16000: mean 12, s^2 = (16000 - 100 * 12^2) / 99 = 1600/99.
//   var_c = 10.101/100 = 0.10101, var_t = 16.1616/100 = 0.161616
//   var(r) = 1.44 (0.161616/144 + 0.10101/100) = 0.0030707, sd 0.0554139
//   CI = 0.2 -+ 1.959964 * 0.0554139 = [0.091391, 0.308609]
//   z = 2 / sqrt(0.262626) = 3.902662, p = 9.514e-5: significant
//   MDE = 2.801585 * sqrt(10.101 * 0.02) / 10 = 0.125922 < 0.2: not underpowered
TEST_F(ResultStatsEnricherTest, ContinuousMomentsUseWelch) {
  auto written = put({{"name", "revenue"},
                      {"users", 100},
                      {"sum", 1200.0},
                      {"sum_sq", 16000.0},
                      {"baseline_users", 100},
                      {"baseline_sum", 1000.0},
                      {"baseline_sum_sq", 11000.0}});
  ASSERT_TRUE(written.ok()) << written.status().to_string();
  json p = stored();
  EXPECT_NEAR(p["lift"].get<double>(), 0.2, 1e-9);
  EXPECT_NEAR(p["ci_low"].get<double>(), 0.091391, 1e-5);
  EXPECT_NEAR(p["ci_high"].get<double>(), 0.308609, 1e-5);
  EXPECT_NEAR(p["p_value"].get<double>(), 9.514059e-5, 1e-8);
  EXPECT_TRUE(p["significant"].get<bool>());
  EXPECT_FALSE(p["underpowered"].get<bool>());
}

// A 90% level: z_{0.95} = 1.644854, so the interval of the binary case narrows to
// 0.2 -+ 1.644854 * 0.153362 = [-0.052259, 0.452259].
TEST_F(ResultStatsEnricherTest, ConfidenceLevelSetsAlpha) {
  auto written = put({{"name", "r"},
                      {"users", 1000},
                      {"conversions", 120},
                      {"baseline_users", 1000},
                      {"baseline_conversions", 100},
                      {"confidence_level", 0.9}});
  ASSERT_TRUE(written.ok());
  json p = stored();
  EXPECT_NEAR(p["ci_low"].get<double>(), -0.052259, 1e-5);
  EXPECT_NEAR(p["ci_high"].get<double>(), 0.452259, 1e-5);
}

TEST_F(ResultStatsEnricherTest, ResultsWithoutBaselineAreLeftAlone) {
  auto written = put({{"name", "r"}, {"users", 10}, {"conversions", 3}, {"lift", 0.5}});
  ASSERT_TRUE(written.ok());
  json p = stored();
  EXPECT_EQ(p["lift"].get<double>(), 0.5);
  EXPECT_FALSE(p.contains("p_value"));
}

TEST_F(ResultStatsEnricherTest, ImpossibleOrIncompleteCountsRejectTheWholeRequest) {
  auto before = dump_storage(graph_->storage());
  for (const json& properties :
       {json{{"name", "r"},
             {"users", 10},
             {"conversions", 11},
             {"baseline_users", 10},
             {"baseline_conversions", 1}},
        json{{"name", "r"}, {"users", 10}, {"conversions", 1}, {"baseline_users", 10}},
        json{{"name", "r"},
             {"users", 0},
             {"conversions", 0},
             {"baseline_users", 10},
             {"baseline_conversions", 1}}}) {
    WriteRequest request;
    request.nodes.push_back(node("Experiment", "E1", {{"name", "e"}}));
    request.nodes.push_back(node("Result", "R1", properties));
    auto written = graph_->write(request);
    ASSERT_FALSE(written.ok()) << properties.dump();
    EXPECT_EQ(written.status().code(), StatusCode::kInvalidArgument)
        << written.status().to_string();
  }
  EXPECT_EQ(dump_storage(graph_->storage()), before);
}

}  // namespace
}  // namespace expgraph::insights
