// import_fb_ads on a five-row fixture: campaigns, ad sets, the segment tree, and results that
// hold counts and rates only (no control, so no lift).
#include <gtest/gtest.h>

#include "tests/tools/importer_test_support.h"

namespace expgraph {
namespace {

using testing_support::collect_text;
using testing_support::Collected;

constexpr char kFbAdsCsv[] =
    "ad_id,xyz_campaign_id,fb_campaign_id,age,gender,interest,Impressions,Clicks,Spent,"
    "Total_Conversion,Approved_Conversion\n"
    "708746,916,103916,30-34,M,15,7350,1,1.429999948,2,1\n"
    "708749,916,103917,30-34,M,16,17861,2,1.820000023,2,0\n"
    "708750,916,103916,30-34,M,15,1000,10,5,3,5\n"
    "708800,936,103950,45-49,F,16,0,0,0,0,0\n"
    "708801,936,103951,45-49,F,16,500,3,2.5,1,1\n";

TEST(FbAdsImporterTest, Counts) {
  Result<Collected> out = collect_text(import_fb_ads, kFbAdsCsv);
  ASSERT_TRUE(out.ok()) << out.status().to_string();
  EXPECT_EQ(out->stats.rows_read, 5u);
  EXPECT_EQ(out->stats.rows_skipped, 1u);
  EXPECT_EQ(out->stats.warnings[0], "line 5: skipped, no impressions");
  EXPECT_EQ(out->count_nodes("Campaign"), 2u);
  EXPECT_EQ(out->count_nodes("Experiment"), 3u);  // ad sets 103916, 103917, 103951
  EXPECT_EQ(out->count_nodes("Variant"), 4u);
  EXPECT_EQ(out->count_nodes("Asset"), 4u);
  EXPECT_EQ(out->count_nodes("Result"), 12u);  // 4 ads x (ctr, approved, total)
  // all; age 30-34, 45-49; gender m, f; two age x gender; three audiences with interest.
  EXPECT_EQ(out->count_nodes("Segment"), 10u);
  EXPECT_EQ(out->nodes.size(), 40u);
  // 2 campaign RUNS_ON, 11 SUBSEGMENT_OF, 7 per ad set, 2 per ad, 5 per result.
  EXPECT_EQ(out->edges.size(), 102u);
  testing_support::expect_valid_and_ordered(out->items);
}

TEST(FbAdsImporterTest, StructureAndRates) {
  Result<Collected> out = collect_text(import_fb_ads, kFbAdsCsv);
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(
      out->has_edge("PART_OF", "Experiment/fbads-adset-103916", "Campaign/fbads-campaign-916"));
  const std::string audience = "Segment/fbads-age-30_34-gender-m-interest-15";
  EXPECT_TRUE(out->has_edge("TARGETS", "Experiment/fbads-adset-103916", audience));
  EXPECT_TRUE(out->has_edge("SUBSEGMENT_OF", audience, "Segment/fbads-age-30_34-gender-m"));
  EXPECT_TRUE(
      out->has_edge("SUBSEGMENT_OF", "Segment/fbads-age-30_34-gender-m", "Segment/fbads-gender-m"));
  const nlohmann::json& experiment = out->node("Experiment/fbads-adset-103916");
  EXPECT_EQ(experiment["flags"], nlohmann::json::array({"observational", "no_control_arm"}));
  EXPECT_FALSE(experiment.contains("kind"));
  EXPECT_FALSE(experiment.contains("lift_baseline"));
  // Ads in ad_id order: 708746 then 708750; allocation by impressions, 7350 / 8350.
  EXPECT_TRUE(
      out->has_edge("HAS_VARIANT", "Experiment/fbads-adset-103916", "Variant/fbads-ad-708750"));
  EXPECT_DOUBLE_EQ(out->node("Variant/fbads-ad-708746")["allocation"].get<double>(), 0.88024);
  EXPECT_DOUBLE_EQ(out->node("Variant/fbads-ad-708746")["config"]["spent"].get<double>(), 1.43);
  EXPECT_EQ(out->node("Asset/fbads-ad-708746")["kind"], "ad_creative");
  // 5 approved conversions on 10 clicks and 1000 impressions: 0.005 per impression.
  const nlohmann::json& approved = out->node("Result/fbads-ad-708750-approved_conversion");
  EXPECT_EQ(approved["users"], 1000);
  EXPECT_EQ(approved["conversions"], 5);
  EXPECT_NEAR(approved["rate"].get<double>(), 0.005, 1e-12);
  EXPECT_FALSE(approved.contains("lift"));
  EXPECT_FALSE(approved.contains("p_value"));
  EXPECT_NE(approved["method"].get<std::string>().find("no lift"), std::string::npos);
  const nlohmann::json& ctr = out->node("Result/fbads-ad-708801-ctr");
  EXPECT_NEAR(ctr["rate"].get<double>(), 0.006, 1e-12);  // 3 / 500
  EXPECT_TRUE(out->has_edge("IN_SEGMENT", "Result/fbads-ad-708801-ctr",
                            "Segment/fbads-age-45_49-gender-f-interest-16"));
  EXPECT_TRUE(out->has_edge("ON_METRIC", "Result/fbads-ad-708801-ctr", "Metric/ctr"));
}

TEST(FbAdsImporterTest, AdSetInTwoCampaignsIsSkipped) {
  const std::string csv = std::string(kFbAdsCsv) + "708900,936,103916,30-34,M,15,100,1,1,0,0\n";
  Result<Collected> out = collect_text(import_fb_ads, csv);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->stats.rows_skipped, 2u);
  EXPECT_EQ(out->stats.warnings[1],
            "line 7: skipped, ad set 103916 already belongs to campaign 916");
}

}  // namespace
}  // namespace expgraph
