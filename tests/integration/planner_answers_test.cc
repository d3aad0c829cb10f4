// Issue 19 over HTTP against the real expgraphd: the demo graph plus three e-mail tests on
// lapsed customers entered as summaries only (lift with interval or p-value, no counts) and one
// test whose primary metric is "visit" with a conversion result beside it. Asked with the five
// planner drafts of tests/integration/fixtures/planner_drafts.json: similarity on one [0, 1]
// scale with a floor and "nothing similar", derived results, checked context keys, pattern
// fallback and the plain-language summaries.
#include <gtest/gtest.h>

#include <cmath>

#include "integration/http_client.h"

// GCC 12 warns falsely (-Wrestrict) on "literal" + std::string&& in these tests.
#pragma GCC diagnostic ignored "-Wrestrict"

namespace expgraph::testing {
namespace {

using nlohmann::json;

json node(const std::string& type, const std::string& key, json properties) {
  return {{"type", type}, {"key", key}, {"properties", std::move(properties)}};
}
json edge(const std::string& type, const std::string& from, const std::string& to) {
  return {{"type", type}, {"from", from}, {"to", to}};
}

// An e-mail test on lapsed customers whose treatment Result is a summary: `result` holds lift
// and interval and/or p-value, no counts.
void add_summary_test(json& batch, const std::string& key, const std::string& subject,
                      json result) {
  const std::string e = "Experiment/" + key;
  batch["nodes"].push_back(node("Experiment", key,
                                {{"name", "Win-back e-mail: " + subject},
                                 {"status", "concluded"},
                                 {"decision", "iterate"},
                                 {"started_at", "2024-02-01"},
                                 {"ended_at", "2024-02-15"}}));
  batch["nodes"].push_back(
      node("Variant", key + "-A", {{"name", "Control"}, {"is_control", true}}));
  batch["nodes"].push_back(node("Variant", key + "-B", {{"name", subject}, {"is_control", false}}));
  batch["nodes"].push_back(
      node("Asset", key + "-B-subject", {{"kind", "email"}, {"text", subject}}));
  result["name"] = subject + " vs control";
  batch["nodes"].push_back(node("Result", key + "-B-conversion", result));
  batch["nodes"].push_back(
      node("Learning", key + "-L1",
           {{"text", "Urgency in the subject line of the win-back e-mail: " + subject},
            {"outcome", "won"}}));
  for (const auto& [type, to] : std::vector<std::pair<std::string, std::string>>{
           {"RUNS_ON", "Channel/email"},
           {"TARGETS", "Segment/lapsed"},
           {"HAS_VARIANT", "Variant/" + key + "-A"},
           {"HAS_VARIANT", "Variant/" + key + "-B"},
           {"HAS_RESULT", "Result/" + key + "-B-conversion"},
           {"YIELDED", "Learning/" + key + "-L1"}}) {
    batch["edges"].push_back(edge(type, e, to));
  }
  batch["edges"].push_back(json{{"type", "MEASURES"},
                                {"from", e},
                                {"to", "Metric/conversion"},
                                {"properties", {{"role", "primary"}}}});
  batch["edges"].push_back(
      edge("USES_ASSET", "Variant/" + key + "-B", "Asset/" + key + "-B-subject"));
  batch["edges"].push_back(
      edge("FOR_VARIANT", "Result/" + key + "-B-conversion", "Variant/" + key + "-B"));
  batch["edges"].push_back(
      edge("ON_METRIC", "Result/" + key + "-B-conversion", "Metric/conversion"));
}

class PlannerAnswersTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (get("/v1/nodes/Experiment/EXP-2041").status == 200) return;  // loaded by an earlier test
    const std::string demo =
        read_file(std::string(EXPGRAPH_SOURCE_DIR) + "/tools/demo/demo-graph.json");
    ASSERT_FALSE(demo.empty());
    Reply loaded = call(client(), "POST", "/v1/batch", demo);
    ASSERT_EQ(loaded.status, 200) << loaded.text;

    json batch = {{"nodes", json::array()}, {"edges", json::array()}};
    add_summary_test(batch, "SUM-1", "Last chance: your cart expires tonight",
                     {{"lift", 0.10}, {"ci_low", 0.02}, {"ci_high", 0.18}, {"p_value", 0.014}});
    add_summary_test(batch, "SUM-2", "Only 24 hours left to come back",
                     {{"lift", 0.06}, {"ci_low", -0.01}, {"ci_high", 0.13}});
    add_summary_test(batch, "SUM-3", "Hurry, your welcome-back offer ends soon",
                     {{"lift", 0.08}, {"p_value", 0.04}});
    // A test measured first on visits, with a conversion result beside it.
    batch["nodes"].push_back(node("Metric", "visit", {{"name", "Visit"}, {"kind", "binary"}}));
    batch["nodes"].push_back(node("Experiment", "VIS-1",
                                  {{"name", "Win-back e-mail with a countdown to the sale end"},
                                   {"status", "concluded"},
                                   {"decision", "ship"},
                                   {"started_at", "2024-03-01"}}));
    batch["nodes"].push_back(
        node("Variant", "VIS-1-A", {{"name", "Control"}, {"is_control", true}}));
    batch["nodes"].push_back(node("Variant", "VIS-1-B", {{"name", "Countdown"}}));
    batch["nodes"].push_back(node("Result", "VIS-1-B-visit",
                                  {{"name", "Countdown vs control on visits"},
                                   {"lift", 0.30},
                                   {"ci_low", 0.20},
                                   {"ci_high", 0.40}}));
    batch["nodes"].push_back(node("Result", "VIS-1-B-conversion",
                                  {{"name", "Countdown vs control on conversion"},
                                   {"lift", 0.05},
                                   {"ci_low", -0.04},
                                   {"ci_high", 0.14}}));
    for (const auto& [type, from, to] :
         std::vector<std::tuple<std::string, std::string, std::string>>{
             {"RUNS_ON", "Experiment/VIS-1", "Channel/email"},
             {"TARGETS", "Experiment/VIS-1", "Segment/lapsed"},
             {"MEASURES", "Experiment/VIS-1", "Metric/conversion"},
             {"HAS_VARIANT", "Experiment/VIS-1", "Variant/VIS-1-A"},
             {"HAS_VARIANT", "Experiment/VIS-1", "Variant/VIS-1-B"},
             {"HAS_RESULT", "Experiment/VIS-1", "Result/VIS-1-B-visit"},
             {"HAS_RESULT", "Experiment/VIS-1", "Result/VIS-1-B-conversion"},
             {"FOR_VARIANT", "Result/VIS-1-B-visit", "Variant/VIS-1-B"},
             {"FOR_VARIANT", "Result/VIS-1-B-conversion", "Variant/VIS-1-B"},
             {"ON_METRIC", "Result/VIS-1-B-visit", "Metric/visit"},
             {"ON_METRIC", "Result/VIS-1-B-conversion", "Metric/conversion"}}) {
      batch["edges"].push_back(edge(type, from, to));
    }
    batch["edges"].push_back(json{{"type", "MEASURES"},
                                  {"from", "Experiment/VIS-1"},
                                  {"to", "Metric/visit"},
                                  {"properties", {{"role", "primary"}}}});
    Reply added = post("/v1/batch", batch);
    ASSERT_EQ(added.status, 200) << added.text;
  }

  static json drafts() {
    const std::string text = read_file(std::string(EXPGRAPH_SOURCE_DIR) +
                                       "/tests/integration/fixtures/planner_drafts.json");
    json parsed = json::parse(text, nullptr, false);
    return parsed.is_object() ? parsed["drafts"] : json::array();
  }

  // The recommendation of `experiment` in a similar-tests answer, or null.
  static json recommendation(const json& answer, const std::string& experiment) {
    for (const json& r : answer["recommendations"]) {
      if (r["experiment"]["key"] == experiment) return r;
    }
    return nullptr;
  }
};

TEST_F(PlannerAnswersTest, SimilarityIsOneScaleWithAFloorAndNothingSimilar) {
  const std::string exact =
      "A personalised offer naming the last category bought brought back more lapsed buyers by "
      "SMS than a generic message.";
  for (const char* mode : {"vector", "lexical", "hybrid"}) {
    Reply found = post("/v1/search", {{"text", exact}, {"types", {"Learning"}}, {"mode", mode}});
    ASSERT_EQ(found.status, 200) << found.text;
    ASSERT_FALSE(found.body["hits"].empty()) << mode;
    const json& top = found.body["hits"][0];
    EXPECT_EQ(top["node"]["key"], "EXP-2045-L1") << mode;
    // The same text scores near 1 whatever the mode; the raw components stay beside it.
    EXPECT_GT(top["similarity"].get<double>(), 0.9) << mode;
    EXPECT_LE(top["similarity"].get<double>(), 1.0) << mode;
    EXPECT_TRUE(top["components"]["cosine"].is_number()) << mode;
    EXPECT_TRUE(top["components"]["lexical"].is_number()) << mode;
    EXPECT_TRUE(top.contains("score"));
    const double floor = found.body["min_similarity"].get<double>();  // the default
    EXPECT_GT(floor, 0.0);
    for (const json& hit : found.body["hits"]) {
      EXPECT_GE(hit["similarity"].get<double>(), floor) << mode;
      EXPECT_LE(hit["similarity"].get<double>(), 1.0) << mode;
    }
  }
  // Unrelated words: nothing similar, with the closest score seen.
  Reply unrelated =
      post("/v1/search", {{"text", "accordion marmalade glacier tax audit"}, {"k", 5}});
  ASSERT_EQ(unrelated.status, 200) << unrelated.text;
  EXPECT_TRUE(unrelated.body["hits"].empty()) << unrelated.text;
  EXPECT_EQ(unrelated.body["nothing_similar"], true);
  ASSERT_TRUE(unrelated.body["closest_similarity"].is_number()) << unrelated.text;
  EXPECT_LT(unrelated.body["closest_similarity"].get<double>(),
            unrelated.body["min_similarity"].get<double>());
  EXPECT_NE(unrelated.body["message"].get<std::string>().find("nothing similar found"),
            std::string::npos);
  // The floor is a request parameter: 0 lets the closest through, out of range is 400.
  Reply floorless = post(
      "/v1/search", {{"text", "accordion marmalade glacier tax audit"}, {"min_similarity", 0}});
  ASSERT_EQ(floorless.status, 200);
  EXPECT_FALSE(floorless.body["hits"].empty());
  EXPECT_TRUE(is_error(post("/v1/search", {{"text", "x"}, {"min_similarity", 1.5}}), 400,
                       "invalid_argument"));
  EXPECT_TRUE(is_error(post("/v1/search", {{"text", "x"}, {"min_similarity", "high"}}), 400,
                       "invalid_argument"));
}

TEST_F(PlannerAnswersTest, SummaryResultsAreDerivedAndCount) {
  const json draft = drafts()[0];  // urgency in e-mail subject lines for lapsed customers
  ASSERT_EQ(draft["name"], "urgency-email-lapsed");
  json body = draft;
  body.erase("name");
  body["k"] = 20;
  Reply similar = post("/v1/recommendations/similar-tests", body);
  ASSERT_EQ(similar.status, 200) << similar.text;
  // Lift with interval: se = (ln 1.18 - ln 1.02) / (2 x 1.959964).
  json one = recommendation(similar.body, "SUM-1");
  ASSERT_FALSE(one.is_null()) << similar.text;
  ASSERT_FALSE(one["result"].is_null());
  EXPECT_EQ(one["result"]["derived"], true);
  EXPECT_EQ(one["result"]["derived_from"], "interval");
  EXPECT_NEAR(one["result"]["log_lift"].get<double>(), std::log(1.10), 1e-9);
  EXPECT_NEAR(one["result"]["log_lift_se"].get<double>(),
              (std::log(1.18) - std::log(1.02)) / (2 * 1.959964), 1e-6);
  // Lift with a p-value only: se = ln 1.08 / z(0.98).
  json three = recommendation(similar.body, "SUM-3");
  ASSERT_FALSE(three.is_null());
  EXPECT_EQ(three["result"]["derived_from"], "p_value");
  EXPECT_NEAR(three["result"]["log_lift_se"].get<double>(), std::log(1.08) / 2.053749, 1e-5);
  EXPECT_GT(three["signals"]["outcome"].get<double>(), 0);  // the outcome signal uses it
  // The demo's results (counts without baseline counts, IN_SEGMENT of the targeted segment)
  // are no longer null either.
  json winback = recommendation(similar.body, "EXP-2045");
  ASSERT_FALSE(winback.is_null()) << similar.text;
  EXPECT_FALSE(winback["result"].is_null());

  // Patterns pool them: the channel and segment features of the three summary tests.
  Reply patterns = get("/v1/patterns?channel=email&segment=lapsed&metric=conversion&min_tests=3");
  ASSERT_EQ(patterns.status, 200) << patterns.text;
  EXPECT_TRUE(patterns.body["fallback"].is_null());
  bool found = false;
  for (const json& p : patterns.body["patterns"]) {
    if (p["feature"] != "segment:lapsed") continue;
    found = true;
    EXPECT_GE(p["tests"].get<int>(), 3);
    EXPECT_GE(p["derived_tests"].get<int>(), 3);
    // The label the web UI's patterns page shows (plain_summary.h's feature_label).
    EXPECT_EQ(p["label"], "Treatments on segment lapsed");
  }
  EXPECT_TRUE(found) << patterns.text;
}

TEST_F(PlannerAnswersTest, ContextKeysAreChecked) {
  Reply channel =
      post("/v1/recommendations/similar-tests", {{"hypothesis", "urgency"}, {"channel", "e-mail"}});
  ASSERT_TRUE(is_error(channel, 422, "unknown_context_key")) << channel.text;
  ASSERT_FALSE(channel.body["error"]["details"].empty());
  EXPECT_EQ(channel.body["error"]["details"][0], "email");
  EXPECT_EQ(channel.body["error"]["field"], "channel");
  EXPECT_NE(channel.body["error"]["message"].get<std::string>().find("email"), std::string::npos);

  Reply metric = get("/v1/patterns?metric=opens");
  EXPECT_TRUE(is_error(metric, 422, "unknown_context_key")) << metric.text;
  EXPECT_EQ(metric.body["error"]["field"], "metric");
  Reply segment = post("/v1/forecast", {{"hypothesis", "urgency"},
                                        {"segment", "lapsed_buyers"},
                                        {"candidates", {{{"name", "a"}, {"text", "Hurry"}}}}});
  ASSERT_TRUE(is_error(segment, 422, "unknown_context_key")) << segment.text;
  EXPECT_EQ(segment.body["error"]["details"][0], "lapsed");
  EXPECT_EQ(segment.body["error"]["field"], "segment");

  // A test matched on the metric shows its result on that metric, not its primary one.
  Reply similar =
      post("/v1/recommendations/similar-tests", {{"hypothesis", "countdown in the win-back e-mail"},
                                                 {"channel", "email"},
                                                 {"metric", "conversion"},
                                                 {"k", 20}});
  ASSERT_EQ(similar.status, 200) << similar.text;
  json visit = recommendation(similar.body, "VIS-1");
  ASSERT_FALSE(visit.is_null()) << similar.text;
  EXPECT_EQ(visit["result"]["metric"], "conversion");
  EXPECT_EQ(visit["result"]["result"], "VIS-1-B-conversion");
  EXPECT_NEAR(visit["result"]["lift"].get<double>(), 0.05, 1e-12);
  Reply on_visit =
      post("/v1/recommendations/similar-tests",
           {{"hypothesis", "countdown in the win-back e-mail"}, {"metric", "visit"}, {"k", 20}});
  json primary = recommendation(on_visit.body, "VIS-1");
  ASSERT_FALSE(primary.is_null()) << on_visit.text;
  EXPECT_EQ(primary["result"]["metric"], "visit");

  // Too few tests on new small businesses by push: the nearest broader context answers and
  // says so.
  Reply narrow = get("/v1/patterns?channel=push&segment=smb_new&metric=conversion&min_tests=3");
  ASSERT_EQ(narrow.status, 200) << narrow.text;
  ASSERT_FALSE(narrow.body["patterns"].empty()) << narrow.text;
  EXPECT_TRUE(narrow.body["fallback"].is_string());
  EXPECT_EQ(narrow.body["requested_context"]["segment"], "smb_new");
  EXPECT_NE(narrow.body["context"], narrow.body["requested_context"]);
  EXPECT_NE(narrow.body["message"].get<std::string>().find("too few tests"), std::string::npos);
  EXPECT_EQ(narrow.body["context"]["metric"], "conversion");  // the metric is kept
}

TEST_F(PlannerAnswersTest, FivePlannerDraftsGetOnContextOrExplicitAnswers) {
  const json all = drafts();
  ASSERT_EQ(all.size(), 5u);
  for (const json& draft : all) {
    const std::string name = draft["name"];
    json body = draft;
    body.erase("name");
    Reply similar = post("/v1/recommendations/similar-tests", body);
    ASSERT_EQ(similar.status, 200) << name << similar.text;
    const json& recommendations = similar.body["recommendations"];
    if (recommendations.empty()) {
      EXPECT_EQ(similar.body["text_match"]["nothing_similar"], true) << name;
    }
    for (const json& r : recommendations) {
      // On context: every recommendation matched the text above the floor or a context key.
      EXPECT_FALSE(r["matched"].empty()) << name;
      ASSERT_TRUE(r["summary"].is_string()) << name;
      EXPECT_FALSE(r["summary"].get<std::string>().empty());
      const double text = r["signals"]["text"].get<double>();
      if (text > 0) {
        EXPECT_GE(text, similar.body["text_match"]["min_similarity"].get<double>()) << name;
      }
    }
    EXPECT_FALSE(recommendations.empty() && !similar.body.contains("text_match")) << name;

    std::string query = "/v1/patterns?min_tests=2";
    for (const char* key : {"channel", "segment", "metric"}) {
      if (draft.contains(key))
        query += std::string("&") + key + "=" + draft[key].get<std::string>();
    }
    Reply patterns = get(query);
    ASSERT_EQ(patterns.status, 200) << name << patterns.text;
    if (patterns.body["patterns"].empty()) {
      EXPECT_EQ(patterns.body["status"], "insufficient_evidence") << name;
    } else {
      EXPECT_EQ(patterns.body["context"]["metric"], draft["metric"]) << name;
      for (const json& p : patterns.body["patterns"]) {
        ASSERT_TRUE(p["summary"].is_string());
        EXPECT_NE(p["summary"].get<std::string>().find("95% CI"), std::string::npos);
        EXPECT_LE(p["experiments"].size(), 10u);
        EXPECT_EQ(p["experiments"].size() + p["experiments_omitted"].get<size_t>(),
                  p["tests"].get<size_t>());
      }
    }

    Reply search = post("/v1/search", {{"text", draft["hypothesis"]}});
    ASSERT_EQ(search.status, 200) << name;
    EXPECT_TRUE(!search.body["hits"].empty() || search.body["nothing_similar"] == true) << name;

    // Every forecast candidate speaks plainly too: its rank and what its number rests on, or
    // that it has no evidence.
    json forecast_body = body;
    forecast_body["candidates"] = {{{"name", "urgent"}, {"text", "Last chance: ends tonight"}},
                                   {{"name", "unknown"}, {"text", "Zyxwv qwertz plonk"}}};
    Reply forecast = post("/v1/forecast", forecast_body);
    ASSERT_EQ(forecast.status, 200) << name << forecast.text;
    for (const json& c : forecast.body["candidates"]) {
      ASSERT_TRUE(c["summary"].is_string()) << name << forecast.text;
      const std::string summary = c["summary"];
      EXPECT_EQ(summary.rfind(c["name"].get<std::string>() + " (rank " +
                                  std::to_string(c["rank"].get<size_t>()) + " of 2)",
                              0),
                0u)
          << summary;
      EXPECT_EQ(summary.find("no evidence") != std::string::npos,
                !c["evidence"]["has_evidence"].get<bool>())
          << summary;
    }
  }
  // The patterns answer stays small however many tests are behind it (it was 311 KB for five
  // patterns when every test was listed inline).
  Reply five = get("/v1/patterns?limit=5&min_tests=2");
  ASSERT_EQ(five.status, 200) << five.text;
  EXPECT_LT(five.text.size(), 20000u) << five.text.size();
}

TEST_F(PlannerAnswersTest, ProgramStatsAgreeWithCypherAndSayWhatTheyCannotPlace) {
  Reply cypher = post("/v1/query", {{"query",
                                     "MATCH (e:Experiment) WHERE e.status = 'concluded' "
                                     "RETURN count(*) AS n"}});
  ASSERT_EQ(cypher.status, 200) << cypher.text;
  const int64_t concluded_in_graph = cypher.body["rows"][0][0].get<int64_t>();
  Reply stats = get("/v1/stats/program");
  ASSERT_EQ(stats.status, 200) << stats.text;
  const json& unplaced = stats.body["unplaced"];
  // VIS-1 has no ended_at or decided_on: counted apart, with the reason and its key.
  EXPECT_EQ(unplaced["concluded"].get<int64_t>(), 1) << stats.text;
  EXPECT_EQ(unplaced["examples"], json::array({"VIS-1"}));
  EXPECT_FALSE(unplaced["reason"].get<std::string>().empty());
  EXPECT_EQ(stats.body["concluded"].get<int64_t>() + unplaced["concluded"].get<int64_t>(),
            concluded_in_graph);
  // A date range leaves the unplaced ones unplaced.
  Reply range = get("/v1/stats/program?from=2024-02-01&to=2024-02-29");
  ASSERT_EQ(range.status, 200);
  EXPECT_EQ(range.body["unplaced"]["concluded"].get<int64_t>(), 1);
  EXPECT_EQ(range.body["concluded"].get<int64_t>(), 5);  // SUM-1..3, EXP-2042, EXP-2044
}

TEST_F(PlannerAnswersTest, ProgramStatsPerMonthAddUpToTheTotals) {
  // The web UI's program page charts these per month; a team filter narrows them.
  for (const char* path : {"/v1/stats/program", "/v1/stats/program?team=crm"}) {
    Reply stats = get(path);
    ASSERT_EQ(stats.status, 200) << stats.text;
    int64_t concluded = 0, wins = 0, with_learning = 0, timed = 0;
    for (const json& month : stats.body["months"]) {
      const int64_t n = month["concluded"].get<int64_t>();
      concluded += n;
      wins += month["wins"].get<int64_t>();
      with_learning += month["with_learning"].get<int64_t>();
      timed += month["decisions_timed"].get<int64_t>();
      if (n == 0) {
        EXPECT_TRUE(month["win_rate"].is_null()) << month;
        EXPECT_TRUE(month["learning_share"].is_null()) << month;
      } else {
        EXPECT_DOUBLE_EQ(month["win_rate"].get<double>(),
                         static_cast<double>(month["wins"].get<int64_t>()) / n);
        EXPECT_DOUBLE_EQ(month["learning_share"].get<double>(),
                         static_cast<double>(month["with_learning"].get<int64_t>()) / n);
      }
      EXPECT_EQ(month["median_days_approval_to_decision"].is_null(),
                month["decisions_timed"].get<int64_t>() == 0)
          << month;
    }
    EXPECT_EQ(concluded, stats.body["concluded"].get<int64_t>()) << path;
    EXPECT_EQ(wins, stats.body["wins"].get<int64_t>()) << path;
    EXPECT_EQ(with_learning, stats.body["with_learning"].get<int64_t>()) << path;
    EXPECT_EQ(timed, stats.body["decisions_timed"].get<int64_t>()) << path;
    EXPECT_GT(concluded, 0) << path;
  }
  Reply crm = get("/v1/stats/program?team=crm");
  Reply all = get("/v1/stats/program");
  EXPECT_LT(crm.body["concluded"].get<int64_t>(), all.body["concluded"].get<int64_t>());
}

}  // namespace
}  // namespace expgraph::testing
