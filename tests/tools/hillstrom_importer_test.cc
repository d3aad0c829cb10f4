// import_hillstrom on a 14-row fixture: segments and their keys, results against the control
// for binary and continuous metrics, learnings, skipped rows. Expected statistics computed by
// hand and with Python's statistics.NormalDist.
#include <gtest/gtest.h>

#include "tests/tools/importer_test_support.h"

namespace expgraph {
namespace {

using testing_support::collect_text;
using testing_support::Collected;

// Per arm: 4 customers. No E-Mail: 1 visit, 1 conversion ($20). Mens: 2 visits, 1 conversion
// ($50). Womens: 3 visits, 1 conversion ($100). In each arm the first two customers spent
// $0-$100 last year and bought men's merchandise only; the fourth lives in a Rural zip code.
constexpr char kHillstromCsv[] =
    "recency,history_segment,history,mens,womens,zip_code,newbie,channel,segment,visit,"
    "conversion,spend\n"
    "1,1) $0 - $100,10,1,0,Urban,1,Web,No E-Mail,1,1,20\n"
    "2,1) $0 - $100,10,1,0,Urban,0,Web,No E-Mail,0,0,0\n"
    "3,2) $100 - $200,150,0,1,Urban,1,Web,No E-Mail,0,0,0\n"
    "4,2) $100 - $200,150,0,1,Rural,0,Web,No E-Mail,0,0,0\n"
    "1,1) $0 - $100,10,1,0,Urban,1,Web,Mens E-Mail,1,1,50\n"
    "2,1) $0 - $100,10,1,0,Urban,0,Web,Mens E-Mail,1,0,0\n"
    "3,2) $100 - $200,150,0,1,Urban,1,Web,Mens E-Mail,0,0,0\n"
    "4,2) $100 - $200,150,0,1,Rural,0,Web,Mens E-Mail,0,0,0\n"
    "1,1) $0 - $100,10,1,0,Urban,1,Web,Womens E-Mail,1,1,100\n"
    "2,1) $0 - $100,10,1,0,Urban,0,Web,Womens E-Mail,1,0,0\n"
    "3,2) $100 - $200,150,0,1,Urban,1,Web,Womens E-Mail,1,0,0\n"
    "4,2) $100 - $200,150,0,1,Rural,0,Web,Womens E-Mail,0,0,0\n"
    "5,1) $0 - $100,10,1,0,Urban,1,Web,Other E-Mail,0,0,0\n"
    "6,1) $0 - $100,10,1,0,Urban,1,Web,No E-Mail,0,0,abc\n";

TEST(HillstromImporterTest, CountsAndSkippedRows) {
  Result<Collected> out = collect_text(import_hillstrom, kHillstromCsv);
  ASSERT_TRUE(out.ok()) << out.status().to_string();
  EXPECT_EQ(out->stats.rows_read, 14u);
  EXPECT_EQ(out->stats.rows_skipped, 2u);
  EXPECT_EQ(out->stats.warnings[0], "line 14: skipped, unknown segment (arm) 'Other E-Mail'");
  EXPECT_EQ(out->stats.warnings[1], "line 15: skipped, spend 'abc' is not a non-negative number");
  EXPECT_EQ(out->count_nodes("Experiment"), 1u);
  EXPECT_EQ(out->count_nodes("Variant"), 3u);
  EXPECT_EQ(out->count_nodes("Asset"), 2u);
  EXPECT_EQ(out->count_nodes("Metric"), 3u);
  // all; history 0-100, 100-200; zip urban, rural; channel web; newbie yes, no; mens_only,
  // womens_only.
  EXPECT_EQ(out->count_nodes("Segment"), 10u);
  EXPECT_EQ(out->count_nodes("Result"), 90u);    // 10 segments x 3 metrics x 3 arms
  EXPECT_EQ(out->count_nodes("Learning"), 20u);  // 10 segments x (visit, conversion)
  EXPECT_EQ(out->nodes.size(), 131u);
  // 5 experiment edges, 3 HAS_VARIANT, 2 USES_ASSET, 9 SUBSEGMENT_OF, 1 TARGETS, 4 per result,
  // 81 IN_SEGMENT (not for all customers), 20 YIELDED.
  EXPECT_EQ(out->edges.size(), 481u);
  EXPECT_EQ(out->count_edges("IN_SEGMENT"), 81u);
  testing_support::expect_valid_and_ordered(out->items);
}

TEST(HillstromImporterTest, ExperimentVariantsAndSegments) {
  Result<Collected> out = collect_text(import_hillstrom, kHillstromCsv);
  ASSERT_TRUE(out.ok());
  const nlohmann::json& experiment = out->node("Experiment/hillstrom-2008");
  EXPECT_EQ(experiment["kind"], "ab");
  EXPECT_EQ(experiment["lift_baseline"], "control");
  EXPECT_EQ(out->node("Variant/hillstrom-2008-no_email")["is_control"], true);
  EXPECT_EQ(out->node("Variant/hillstrom-2008-mens_email")["is_control"], false);
  EXPECT_DOUBLE_EQ(out->node("Variant/hillstrom-2008-womens_email")["allocation"].get<double>(),
                   0.333333);
  EXPECT_TRUE(out->has_edge("USES_ASSET", "Variant/hillstrom-2008-womens_email",
                            "Asset/hillstrom-2008-womens_email"));
  EXPECT_TRUE(out->has_edge("RUNS_ON", "Experiment/hillstrom-2008", "Channel/email"));
  EXPECT_TRUE(out->has_edge("TARGETS", "Experiment/hillstrom-2008", "Segment/hillstrom-all"));
  const nlohmann::json& band = out->node("Segment/hillstrom-history-100_200");
  EXPECT_EQ(band["definition"], "history_segment = '2) $100 - $200'");
  EXPECT_EQ(band["size"], 6);
  EXPECT_EQ(out->node("Segment/hillstrom-all")["size"], 12);
  EXPECT_EQ(out->node("Segment/hillstrom-merch-mens_only")["criteria"],
            (nlohmann::json{{"mens", 1}, {"womens", 0}}));
  EXPECT_EQ(out->node("Segment/hillstrom-newbie-yes")["size"], 6);
  EXPECT_TRUE(
      out->has_edge("SUBSEGMENT_OF", "Segment/hillstrom-zip-rural", "Segment/hillstrom-all"));
}

TEST(HillstromImporterTest, BinaryResultsAgainstControl) {
  Result<Collected> out = collect_text(import_hillstrom, kHillstromCsv);
  ASSERT_TRUE(out.ok());
  // Mens visits 2/4 vs control 1/4. Python: lift 1.0, CI [-2.91993, 4.91993], p 0.449692.
  const nlohmann::json& mens = out->node("Result/hillstrom-2008-mens_email-visit-all");
  EXPECT_EQ(mens["users"], 4);
  EXPECT_EQ(mens["conversions"], 2);
  EXPECT_NEAR(mens["rate"].get<double>(), 0.5, 1e-12);
  EXPECT_NEAR(mens["baseline_rate"].get<double>(), 0.25, 1e-12);
  EXPECT_NEAR(mens["lift"].get<double>(), 1.0, 1e-9);
  EXPECT_NEAR(mens["ci_low"].get<double>(), -2.91993, 1e-5);
  EXPECT_NEAR(mens["ci_high"].get<double>(), 4.91993, 1e-5);
  EXPECT_NEAR(mens["p_value"].get<double>(), 0.449692, 1e-6);
  EXPECT_EQ(mens["significant"], false);
  EXPECT_FALSE(out->has_edge("IN_SEGMENT", "Result/hillstrom-2008-mens_email-visit-all",
                             "Segment/hillstrom-all"));
  // The control's own result: counts and rate only.
  const nlohmann::json& control = out->node("Result/hillstrom-2008-no_email-visit-all");
  EXPECT_EQ(control["users"], 4);
  EXPECT_EQ(control["conversions"], 1);
  EXPECT_NEAR(control["rate"].get<double>(), 0.25, 1e-12);
  EXPECT_FALSE(control.contains("lift"));
  EXPECT_EQ(control["method"], "control arm: counts and rate only");
  // Conversions are equal (1/4 each): lift 0, p 1.
  const nlohmann::json& conversion = out->node("Result/hillstrom-2008-womens_email-conversion-all");
  EXPECT_NEAR(conversion["lift"].get<double>(), 0.0, 1e-12);
  EXPECT_NEAR(conversion["p_value"].get<double>(), 1.0, 1e-12);
  // A segment result: the two $0-$100 mens customers both visited; the control one of two.
  const nlohmann::json& band = out->node("Result/hillstrom-2008-mens_email-visit-history-0_100");
  EXPECT_EQ(band["users"], 2);
  EXPECT_EQ(band["conversions"], 2);
  EXPECT_NEAR(band["baseline_rate"].get<double>(), 0.5, 1e-12);
  EXPECT_TRUE(out->has_edge("IN_SEGMENT", "Result/hillstrom-2008-mens_email-visit-history-0_100",
                            "Segment/hillstrom-history-0_100"));
}

TEST(HillstromImporterTest, SpendResultsUseMeans) {
  Result<Collected> out = collect_text(import_hillstrom, kHillstromCsv);
  ASSERT_TRUE(out.ok());
  // Mens spend [50,0,0,0] vs control [20,0,0,0]: means 12.5 vs 5, lift 1.5. Python (sample
  // variances, delta method): CI [-5.42952, 8.42952], p 0.577469.
  const nlohmann::json& spend = out->node("Result/hillstrom-2008-mens_email-spend-all");
  EXPECT_EQ(spend["users"], 4);
  EXPECT_DOUBLE_EQ(spend["sum"].get<double>(), 50.0);
  EXPECT_DOUBLE_EQ(spend["sum_sq"].get<double>(), 2500.0);
  EXPECT_FALSE(spend.contains("conversions"));
  EXPECT_NEAR(spend["rate"].get<double>(), 12.5, 1e-12);
  EXPECT_NEAR(spend["baseline_rate"].get<double>(), 5.0, 1e-12);
  EXPECT_NEAR(spend["lift"].get<double>(), 1.5, 1e-9);
  EXPECT_NEAR(spend["ci_low"].get<double>(), -5.42952, 1e-5);
  EXPECT_NEAR(spend["ci_high"].get<double>(), 8.42952, 1e-5);
  EXPECT_NEAR(spend["p_value"].get<double>(), 0.577469, 1e-6);
  EXPECT_NE(spend["method"].get<std::string>().find("Welch"), std::string::npos);
  // The Rural segment has one customer per arm: too few for a comparison of means.
  const nlohmann::json& rural = out->node("Result/hillstrom-2008-mens_email-spend-zip-rural");
  EXPECT_EQ(rural["users"], 1);
  EXPECT_FALSE(rural.contains("lift"));
  EXPECT_EQ(rural["method"], "counts and rate only: too few customers to compare");
}

TEST(HillstromImporterTest, LearningsStateOnlyWhatTheDataShows) {
  Result<Collected> out = collect_text(import_hillstrom, kHillstromCsv);
  ASSERT_TRUE(out.ok());
  const nlohmann::json& visit = out->node("Learning/hillstrom-2008-all-visit");
  EXPECT_EQ(visit["outcome"], "inconclusive");
  EXPECT_EQ(visit["text"],
            "For all customers, neither the Mens nor the Womens e-mail changed the visit rate "
            "significantly compared with no e-mail (25.00%).");
  EXPECT_FALSE(visit.contains("confidence"));
  EXPECT_NE(
      visit["evidence"].get<std::string>().find("Womens E-Mail: 75.00% (3 of 4), lift +200.0%"),
      std::string::npos);
  EXPECT_TRUE(out->has_edge("YIELDED", "Experiment/hillstrom-2008",
                            "Learning/hillstrom-2008-newbie-yes-conversion"));
}

}  // namespace
}  // namespace expgraph
