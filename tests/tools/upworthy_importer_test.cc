// import_upworthy on a hand-made fixture: grouping of unsorted rows, shared assets, skipped
// rows, flags, dates and statistics (expected values computed by hand / with Python's
// statistics.NormalDist, as noted).
#include <gtest/gtest.h>

#include "tests/tools/importer_test_support.h"
#include "tools/importers/import_support.h"

namespace expgraph {
namespace {

using testing_support::collect_text;
using testing_support::Collected;

// Test t1 (week 201401, three packages) and t2 (week 201430, two packages), interleaved; two
// invalid rows. Headline A appears in both tests, image img1 too.
constexpr char kUpworthyCsv[] =
    "clickability_test_id,test_week,headline,lede,excerpt,eyecatcher_id,impressions,clicks,"
    "significance,winner,first_place\n"
    "t2,201430,\"Headline B, with comma\",,,img1,1000,30,0,false,false\n"
    "t1,201401,Headline A,<p>lede</p>,\"An excerpt, quoted\",img1,2000,40,0,true,true\n"
    "t2,201430,Headline A,,,img2,1000,10,0,false,false\n"
    "t1,201401,Headline C,,,img3,2000,20,0,false,false\n"
    "t3,201401,Headline Z,,,img9,0,0,0,false,false\n"
    "t1,201401,Headline D,,,,2000,30,0,false,false\n"
    ",201401,Headline Y,,,img9,10,1,0,false,false\n";

std::string headline_ref(const std::string& text) {
  return "Asset/upworthy-headline-" + import_internal::stable_hash_hex(text);
}

TEST(UpworthyImporterTest, CountsAndSkippedRows) {
  Result<Collected> out = collect_text(import_upworthy, kUpworthyCsv);
  ASSERT_TRUE(out.ok()) << out.status().to_string();
  EXPECT_EQ(out->stats.rows_read, 7u);
  EXPECT_EQ(out->stats.rows_skipped, 2u);
  ASSERT_EQ(out->stats.warnings.size(), 2u);
  EXPECT_EQ(out->stats.warnings[0], "line 6: skipped, impressions '0' is not a positive count");
  EXPECT_EQ(out->stats.warnings[1], "line 8: skipped, missing clickability_test_id");
  EXPECT_EQ(out->count_nodes("Experiment"), 2u);
  EXPECT_EQ(out->count_nodes("Variant"), 5u);
  EXPECT_EQ(out->count_nodes("Asset"), 7u);  // headlines A, B, C, D; images img1..img3
  EXPECT_EQ(out->count_nodes("Result"), 5u);
  EXPECT_EQ(out->count_nodes("Learning"), 2u);
  EXPECT_EQ(out->nodes.size(), 24u);  // + DataSource, Channel, Metric
  EXPECT_EQ(out->edges.size(), 42u);
  EXPECT_EQ(out->stats.nodes_emitted, 24u);
  EXPECT_EQ(out->stats.edges_emitted, 42u);
  EXPECT_EQ(out->count_edges("USES_ASSET"), 9u);  // package D has no image
  testing_support::expect_valid_and_ordered(out->items);
}

TEST(UpworthyImporterTest, ExperimentsDatesAndFlags) {
  Result<Collected> out = collect_text(import_upworthy, kUpworthyCsv);
  ASSERT_TRUE(out.ok());
  const nlohmann::json& t1 = out->node("Experiment/upworthy-t1");
  EXPECT_EQ(t1["kind"], "multivariate");
  EXPECT_EQ(t1["status"], "concluded");
  EXPECT_EQ(t1["lift_baseline"], "mean_of_arms");
  EXPECT_EQ(t1["external_id"], "t1");
  // Week 01 of 2014 (%U): 1 January 2014 is a Wednesday, the first Sunday is 5 January.
  EXPECT_EQ(t1["started_at"], "2014-01-05");
  // 5..11 January 2014 overlaps the archive's 2013-06-25..2014-01-10 window.
  EXPECT_EQ(t1["flags"], nlohmann::json::array({"randomisation_issue"}));
  const nlohmann::json& t2 = out->node("Experiment/upworthy-t2");
  EXPECT_EQ(t2["kind"], "ab");
  EXPECT_EQ(t2["started_at"], "2014-07-27");  // 5 January + 29 weeks
  EXPECT_FALSE(t2.contains("flags"));
  EXPECT_TRUE(out->has_edge("RUNS_ON", "Experiment/upworthy-t1", "Channel/upworthy_web"));
  EXPECT_TRUE(out->has_edge("MEASURES", "Experiment/upworthy-t2", "Metric/ctr"));
  EXPECT_TRUE(
      out->has_edge("SOURCED_FROM", "Experiment/upworthy-t2", "DataSource/upworthy-archive"));
}

// The archive's later releases: an unnamed first column (R's row numbers), more columns, and the
// authors' per-test `problem` mark, which decides the flag where the file has it: t1 falls in
// the date window but is marked 0, t2 is outside it and marked 1.
TEST(UpworthyImporterTest, TheArchivesOwnProblemColumnDecidesTheFlag) {
  const std::string release =
      ",created_at,updated_at,clickability_test_id,excerpt,headline,lede,slug,eyecatcher_id,"
      "impressions,clicks,significance,first_place,winner,share_text,square,test_week,problem\n"
      "1,2014-01-06 10:00:00,2014-01-07,t1,,Headline A,,a,img1,2000,40,0,TRUE,TRUE,,,201401,0\n"
      "2,2014-01-06 10:00:00,2014-01-07,t1,,Headline B,,a,img1,2000,30,0,FALSE,FALSE,,,201401,0\n"
      "3,2014-07-28 10:00:00,2014-07-29,t2,,Headline C,,c,img2,1000,30,0,TRUE,TRUE,,,201430,1\n"
      "4,2014-07-28 10:00:00,2014-07-29,t2,,Headline D,,c,img2,1000,10,0,FALSE,FALSE,,,201430,1\n";
  Result<Collected> out = collect_text(import_upworthy, release);
  ASSERT_TRUE(out.ok()) << out.status().to_string();
  EXPECT_EQ(out->stats.rows_skipped, 0u);
  EXPECT_FALSE(out->node("Experiment/upworthy-t1").contains("flags"));
  EXPECT_EQ(out->node("Experiment/upworthy-t2")["flags"],
            nlohmann::json::array({"randomisation_issue"}));
  EXPECT_EQ(out->node("Learning/upworthy-t1-best-package")["confidence"], "medium");
  const nlohmann::json& t2 = out->node("Learning/upworthy-t2-best-package");
  EXPECT_EQ(t2["confidence"], "low");
  EXPECT_NE(t2["evidence"].get<std::string>().find("mark this test"), std::string::npos);
}

// A file without test_week: the week is computed from created_at the way the archive's is (%U,
// weeks from Sunday), so the tests start on the same days as with the column.
TEST(UpworthyImporterTest, WithoutTestWeekTheWeekComesFromCreatedAt) {
  const std::string file =
      "created_at,clickability_test_id,headline,eyecatcher_id,impressions,clicks\n"
      "2014-01-06 10:00:00,t1,Headline A,img1,2000,40\n"
      "2014-01-07 11:00:00,t1,Headline B,img1,2000,30\n"
      "2014-07-28 10:00:00.135,t2,Headline C,img2,1000,30\n"
      "2014-08-02 10:00:00,t2,Headline D,img2,1000,10\n";
  Result<Collected> out = collect_text(import_upworthy, file);
  ASSERT_TRUE(out.ok()) << out.status().to_string();
  const nlohmann::json& t1 = out->node("Experiment/upworthy-t1");
  EXPECT_EQ(t1["started_at"], "2014-01-05");  // Monday 6 January is in week 01, from Sunday 5
  EXPECT_EQ(t1["flags"], nlohmann::json::array({"randomisation_issue"}));
  const nlohmann::json& t2 = out->node("Experiment/upworthy-t2");
  EXPECT_EQ(t2["started_at"], "2014-07-27");
  EXPECT_EQ(t2["ended_at"], "2014-08-02");  // Saturday 2 August closes week 30
  Result<Collected> neither = collect_text(
      import_upworthy, "clickability_test_id,headline,eyecatcher_id,impressions,clicks\n");
  ASSERT_FALSE(neither.ok());
  EXPECT_NE(neither.status().message().find("'test_week'"), std::string::npos);
  EXPECT_EQ(import_internal::sunday_week_of("2015-01-03"), 201500);  // before the first Sunday
  EXPECT_EQ(import_internal::sunday_week_of("2015-01-04"), 201501);
  EXPECT_EQ(import_internal::sunday_week_of("2014-02-31"), std::nullopt);
  EXPECT_EQ(import_internal::sunday_week_of("14-01-01"), std::nullopt);
}

TEST(UpworthyImporterTest, VariantsAreOrderedByContentAndShareAssets) {
  Result<Collected> out = collect_text(import_upworthy, kUpworthyCsv);
  ASSERT_TRUE(out.ok());
  // t1's packages sorted by headline: A, C, D.
  const nlohmann::json& p0 = out->node("Variant/upworthy-t1-p0");
  EXPECT_EQ(p0["name"], "Package 0: Headline A");
  EXPECT_EQ(p0["is_control"], false);
  EXPECT_EQ(p0["description"], "Headline: Headline A\nExcerpt: An excerpt, quoted");
  EXPECT_EQ(p0["config"]["editor_winner"], true);
  EXPECT_EQ(p0["config"]["eyecatcher_id"], "img1");
  EXPECT_DOUBLE_EQ(p0["allocation"].get<double>(), 0.333333);  // 2000 / 6000, 6 digits
  EXPECT_EQ(out->node("Variant/upworthy-t1-p2")["name"], "Package 2: Headline D");
  // The same headline in two tests is one Asset; so is the same image.
  const std::string a = headline_ref("Headline A");
  EXPECT_EQ(out->node(a)["text"], "Headline A");
  EXPECT_EQ(out->node(a)["kind"], "headline");
  EXPECT_TRUE(out->has_edge("USES_ASSET", "Variant/upworthy-t1-p0", a));
  EXPECT_TRUE(out->has_edge("USES_ASSET", "Variant/upworthy-t2-p0", a));
  EXPECT_TRUE(out->has_edge("USES_ASSET", "Variant/upworthy-t1-p0", "Asset/upworthy-image-img1"));
  EXPECT_TRUE(out->has_edge("USES_ASSET", "Variant/upworthy-t2-p1", "Asset/upworthy-image-img1"));
  EXPECT_EQ(out->node("Asset/upworthy-image-img1")["kind"], "image");
  EXPECT_EQ(out->node("Asset/upworthy-image-img1")["external_id"], "img1");
}

TEST(UpworthyImporterTest, ResultsAgainstTheOtherArmsPooled) {
  Result<Collected> out = collect_text(import_upworthy, kUpworthyCsv);
  ASSERT_TRUE(out.ok());
  // t1 package A: 40/2000 vs (20+30)/(2000+2000). Python: rate 0.02, baseline 0.0125, lift 0.6,
  // delta-method CI [-0.0596669, 1.259667], p 0.0366797.
  const nlohmann::json& a = out->node("Result/upworthy-t1-p0-ctr");
  EXPECT_EQ(a["users"], 2000);
  EXPECT_EQ(a["conversions"], 40);
  EXPECT_NEAR(a["rate"].get<double>(), 0.02, 1e-12);
  EXPECT_NEAR(a["baseline_rate"].get<double>(), 0.0125, 1e-12);
  EXPECT_NEAR(a["lift"].get<double>(), 0.6, 1e-6);
  EXPECT_NEAR(a["ci_low"].get<double>(), -0.0596669, 1e-6);
  EXPECT_NEAR(a["ci_high"].get<double>(), 1.25967, 1e-5);
  EXPECT_NEAR(a["p_value"].get<double>(), 0.0366797, 1e-6);
  EXPECT_EQ(a["significant"], true);
  EXPECT_NE(a["method"].get<std::string>().find("other packages pooled"), std::string::npos);
  // t1 package C: 20/2000 vs 70/4000: lift -0.428571, CI [-0.710877, -0.146266], p 0.0136558.
  const nlohmann::json& c = out->node("Result/upworthy-t1-p1-ctr");
  EXPECT_NEAR(c["lift"].get<double>(), -0.428571, 1e-6);
  EXPECT_NEAR(c["ci_low"].get<double>(), -0.710877, 1e-6);
  EXPECT_NEAR(c["ci_high"].get<double>(), -0.146266, 1e-6);
  EXPECT_NEAR(c["p_value"].get<double>(), 0.0136558, 1e-6);
  EXPECT_TRUE(out->has_edge("FOR_VARIANT", "Result/upworthy-t1-p1-ctr", "Variant/upworthy-t1-p1"));
  EXPECT_TRUE(out->has_edge("HAS_RESULT", "Experiment/upworthy-t1", "Result/upworthy-t1-p1-ctr"));
  EXPECT_TRUE(out->has_edge("ON_METRIC", "Result/upworthy-t1-p1-ctr", "Metric/ctr"));
}

TEST(UpworthyImporterTest, LearningsUseABonferroniThreshold) {
  Result<Collected> out = collect_text(import_upworthy, kUpworthyCsv);
  ASSERT_TRUE(out.ok());
  // t1: best package A has p 0.0367 > 0.05 / 3: inconclusive, and flagged so low confidence.
  const nlohmann::json& t1 = out->node("Learning/upworthy-t1-best-package");
  EXPECT_EQ(t1["outcome"], "inconclusive");
  EXPECT_EQ(t1["confidence"], "low");
  EXPECT_EQ(t1["text"],
            "In Upworthy test t1, the headline \"Headline A\" had the highest click-through rate "
            "of its 3 packages: 2.00% vs 1.25% for the 2 other packages pooled. The difference is "
            "not significant after a Bonferroni correction for 3 packages, so no package is a "
            "clear winner.");
  EXPECT_NE(t1["evidence"].get<std::string>().find("40 clicks / 2,000 impressions"),
            std::string::npos);
  EXPECT_NE(t1["evidence"].get<std::string>().find("randomisation problems"), std::string::npos);
  // t2: B 30/1000 vs A 10/1000, p 0.00136 < 0.025: won.
  const nlohmann::json& t2 = out->node("Learning/upworthy-t2-best-package");
  EXPECT_EQ(t2["outcome"], "won");
  EXPECT_EQ(t2["confidence"], "medium");
  EXPECT_NE(t2["text"].get<std::string>().find("\"Headline B, with comma\""), std::string::npos);
  EXPECT_NE(t2["evidence"].get<std::string>().find("lift +200.0%"), std::string::npos);
  EXPECT_TRUE(
      out->has_edge("YIELDED", "Experiment/upworthy-t2", "Learning/upworthy-t2-best-package"));
}

TEST(UpworthyImporterTest, RowOrderDoesNotChangeTheOutput) {
  // The same rows in another order give the same items (keys do not depend on row order).
  const std::string header =
      "clickability_test_id,test_week,headline,lede,excerpt,eyecatcher_id,impressions,clicks,"
      "significance,winner,first_place\n";
  const std::string r1 = "t1,201401,Headline A,,,img1,2000,40,0,true,true\n";
  const std::string r2 = "t1,201401,Headline C,,,img3,2000,20,0,false,false\n";
  const std::string r3 = "t2,201430,Headline B,,,img1,1000,30,0,false,false\n";
  Result<Collected> first = collect_text(import_upworthy, header + r1 + r2 + r3);
  Result<Collected> second = collect_text(import_upworthy, header + r3 + r2 + r1);
  ASSERT_TRUE(first.ok() && second.ok());
  ASSERT_EQ(first->items.size(), second->items.size());
  for (size_t i = 0; i < first->items.size(); ++i) {
    EXPECT_EQ(first->items[i].body, second->items[i].body) << i;
  }
}

TEST(UpworthyImporterTest, MissingColumnIsAnError) {
  Result<Collected> out = collect_text(import_upworthy, "clickability_test_id,headline\nt1,x\n");
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(out.status().message().find("'impressions'"), std::string::npos);
}

TEST(UpworthyImporterTest, SinkErrorStopsTheConversion) {
  std::istringstream in(kUpworthyCsv);
  size_t calls = 0;
  Result<ImportStats> stats = import_upworthy(in, [&calls](const ImportItem&) {
    return ++calls == 3 ? Status::conflict("stop") : Status::ok_status();
  });
  ASSERT_FALSE(stats.ok());
  EXPECT_EQ(stats.status().code(), StatusCode::kConflict);
  EXPECT_EQ(calls, 3u);
}

TEST(ImporterRegistryTest, FindsConvertersByName) {
  EXPECT_TRUE(find_importer("upworthy").has_value());
  EXPECT_TRUE(find_importer("hillstrom").has_value());
  EXPECT_TRUE(find_importer("fb-ads").has_value());
  EXPECT_TRUE(find_importer("growthbook").has_value());
  EXPECT_FALSE(find_importer("fb_ads").has_value());
  EXPECT_EQ(importer_names(),
            (std::vector<std::string>{"upworthy", "hillstrom", "fb-ads", "growthbook"}));
  ImportItem node{true, {{"type", "Metric"}, {"key", "ctr"}, {"properties", {{"name", "CTR"}}}}};
  EXPECT_EQ(node.to_jsonl().dump(),
            R"({"node":{"key":"ctr","properties":{"name":"CTR"},"type":"Metric"}})");
}

}  // namespace
}  // namespace expgraph
