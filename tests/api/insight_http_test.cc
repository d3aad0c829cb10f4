// The insight routes over real HTTP: an in-process ApiServer over a small graph written with
// raw counts (so the ResultStatsEnricher computes every lift), where three e-mail tests each
// pit a numbered headline (120/1000 clicks) against a plain one (100/1000).
#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "graph/graph_store.h"
#include "ontology/ontology.h"
#include "query/insights/result_stats_enricher.h"
#include "query/similarity/similarity_index.h"
#include "test_support/temp_dir.h"
#include "tests/api/in_process_server.h"
#include "tests/api/measured_arm.h"

namespace expgraph::api {
namespace {

using nlohmann::json;

using expgraph::testing::add_measured_arm;
using expgraph::testing::ref;

class InsightHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto graph = expgraph::testing::open_marketing_graph(dir_.path());
    ASSERT_TRUE(graph.ok()) << graph.status().to_string();
    graph_ = std::move(graph).value();
    auto index = similarity::SimilarityIndex::open(*graph_);
    ASSERT_TRUE(index.ok());
    index_ = std::move(index).value();
    graph_->add_observer(index_.get());
    graph_->add_enricher(&enricher_);
    ASSERT_NO_FATAL_FAILURE(write_fixture());

    server_ = std::make_unique<expgraph::testing::InProcessServer>(*graph_, index_.get());
    ASSERT_TRUE(server_->started());
  }

  void TearDown() override { server_.reset(); }

  void write_fixture() {
    // Words, not numbers: a number would give the plain headlines the "number" feature too.
    static constexpr const char* kTakes[] = {"alpha", "beta", "gamma"};
    WriteRequest r;
    r.nodes.push_back({"Channel", "email", {{"name", "E-mail"}}});
    r.nodes.push_back({"Segment", "all", {{"name", "Everyone"}}});
    r.nodes.push_back({"Segment", "new", {{"name", "New customers"}}});
    r.nodes.push_back({"Metric", "ctr", {{"name", "Click-through"}}});
    r.nodes.push_back({"Team", "growth", {{"name", "Growth"}}});
    r.nodes.push_back({"Asset", "h-num", {{"kind", "headline"}, {"text", "5 tips for spring"}}});
    r.edges.push_back(
        {"SUBSEGMENT_OF", ref("Segment", "new"), ref("Segment", "all"), json::object()});
    for (int i = 1; i <= 3; ++i) {
      const std::string e = std::string("E") + std::to_string(i);
      r.nodes.push_back({"Experiment",
                         e,
                         {{"name", std::string("Spring headline test ") + std::to_string(i)},
                          {"status", "concluded"},
                          {"started_at", std::string("2024-0") + std::to_string(i) + "-01"},
                          {"ended_at", std::string("2024-0") + std::to_string(i) + "-20"}}});
      const std::string plain = std::string("h-plain-") + std::to_string(i);
      r.nodes.push_back(
          {"Asset",
           plain,
           {{"kind", "headline"}, {"text", std::string("Spring tips, take ") + kTakes[i - 1]}}});
      r.edges.push_back({"RUNS_ON", ref("Experiment", e), ref("Channel", "email"), json::object()});
      r.edges.push_back({"TARGETS", ref("Experiment", e), ref("Segment", "new"), json::object()});
      r.edges.push_back(
          {"MEASURES", ref("Experiment", e), ref("Metric", "ctr"), {{"role", "primary"}}});
      for (const auto& [arm, asset, clicks, other] :
           {std::tuple{"a", std::string("h-num"), 120, 100}, std::tuple{"b", plain, 100, 120}}) {
        add_measured_arm(r, e, e + "-" + arm, asset,
                         {{"users", 1000},
                          {"conversions", clicks},
                          {"baseline_users", 1000},
                          {"baseline_conversions", other}});
      }
    }
    r.nodes.push_back({"Learning",
                       "L1",
                       {{"text", "Numbers in spring headlines lift clicks"}, {"outcome", "won"}}});
    r.nodes.push_back({"Hypothesis", "H2", {{"statement", "Numbers work in autumn too"}}});
    r.edges.push_back({"YIELDED", ref("Experiment", "E1"), ref("Learning", "L1"), json::object()});
    r.edges.push_back(
        {"INSPIRED_BY", ref("Hypothesis", "H2"), ref("Learning", "L1"), json::object()});
    r.edges.push_back({"OWNED_BY", ref("Experiment", "E1"), ref("Team", "growth"), json::object()});
    auto written = graph_->write(r);
    ASSERT_TRUE(written.ok()) << written.status().to_string();
  }

  httplib::Result post(const std::string& path, const json& body) {
    httplib::Client client("127.0.0.1", server_->port());
    return client.Post(path, body.dump(), "application/json");
  }
  httplib::Result get(const std::string& path) {
    httplib::Client client("127.0.0.1", server_->port());
    return client.Get(path);
  }

  expgraph::testing::TempDir dir_;
  insights::ResultStatsEnricher enricher_;
  std::unique_ptr<GraphStore> graph_;
  std::unique_ptr<similarity::SimilarityIndex> index_;
  std::unique_ptr<expgraph::testing::InProcessServer> server_;
};

TEST_F(InsightHttpTest, ResultsGotTheirStatisticsAtWriteTime) {
  auto result = graph_->get_node(ref("Result", "E1-a-ctr"));
  ASSERT_TRUE(result.ok());
  EXPECT_NEAR(result->properties["lift"].get<double>(), 0.2, 1e-9);
  EXPECT_TRUE(result->properties.contains("p_value"));
}

TEST_F(InsightHttpTest, PatternsPoolTheNumberedHeadlines) {
  auto response = get("/v1/patterns?segment=all&min_tests=3");
  ASSERT_TRUE(response);
  ASSERT_EQ(response->status, 200) << response->body;
  json body = json::parse(response->body);
  const json* number = nullptr;
  for (const json& p : body["patterns"]) {
    if (p["feature"] == "headline:number") number = &p;
  }
  ASSERT_NE(number, nullptr) << body.dump(2);
  EXPECT_EQ((*number)["tests"], 3);
  EXPECT_NEAR((*number)["pooled_lift"].get<double>(), 0.2, 1e-9);
  EXPECT_EQ((*number)["win_rate"], 1.0);
  EXPECT_EQ((*number)["reuses"], 1);
  EXPECT_EQ((*number)["experiments"].size(), 3u);

  // A channel that is no node of the graph is refused, not answered with nothing.
  response = get("/v1/patterns?channel=sms");
  ASSERT_EQ(response->status, 422);
  EXPECT_EQ(json::parse(response->body)["error"]["code"], "unknown_context_key");
}

TEST_F(InsightHttpTest, SimilarTestsExplainTheirMatch) {
  auto response = post("/v1/recommendations/similar-tests", {{"hypothesis", "spring headline tips"},
                                                             {"channel", "email"},
                                                             {"segment", "all"},
                                                             {"metric", "ctr"},
                                                             {"k", 2}});
  ASSERT_TRUE(response);
  ASSERT_EQ(response->status, 200) << response->body;
  json body = json::parse(response->body);
  ASSERT_EQ(body["recommendations"].size(), 2u);
  const json& first = body["recommendations"][0];
  std::vector<std::string> matched = first["matched"];
  EXPECT_NE(std::find(matched.begin(), matched.end(), "channel"), matched.end());
  EXPECT_NE(std::find(matched.begin(), matched.end(), "nested_segment"), matched.end());
  EXPECT_TRUE(first["result"]["lift"].is_number());
  EXPECT_TRUE(first["signals"]["text"].is_number());
}

// A team that enters each arm's counts, with no lift and no baseline counts on the Result,
// still gets the test's effect: the treatment against the arm marked as the control.
TEST_F(InsightHttpTest, ArmsEnteredAsCountsAloneHaveTheirEffectAgainstTheControl) {
  WriteRequest r;
  r.nodes.push_back({"Experiment",
                     "E9",
                     {{"name", "Summer subject line with the price"},
                      {"status", "concluded"},
                      {"started_at", "2024-06-01"}}});
  r.edges.push_back({"RUNS_ON", ref("Experiment", "E9"), ref("Channel", "email"), json::object()});
  r.edges.push_back(
      {"MEASURES", ref("Experiment", "E9"), ref("Metric", "ctr"), {{"role", "primary"}}});
  r.nodes.push_back({"Asset", "s-price", {{"kind", "headline"}, {"text", "Summer sale: $5 off"}}});
  r.nodes.push_back({"Asset", "s-plain", {{"kind", "headline"}, {"text", "Summer sale"}}});
  add_measured_arm(r, "E9", "E9-control", "s-plain", {{"users", 2000}, {"conversions", 100}});
  add_measured_arm(r, "E9", "E9-price", "s-price", {{"users", 2000}, {"conversions", 125}});
  for (auto& node : r.nodes) {
    if (node.type == "Variant") node.properties["is_control"] = node.key == "E9-control";
  }
  ASSERT_TRUE(graph_->write(r).ok());

  auto response = post("/v1/recommendations/similar-tests",
                       {{"hypothesis", "summer subject line with the price"}, {"k", 1}});
  ASSERT_TRUE(response);
  ASSERT_EQ(response->status, 200) << response->body;
  const json first = json::parse(response->body)["recommendations"].at(0);
  EXPECT_EQ(first["experiment"]["key"], "E9");
  EXPECT_EQ(first["result"]["variant"], "E9-price");
  EXPECT_NEAR(first["result"]["lift"].get<double>(), 0.25, 1e-9);
  EXPECT_EQ(first["result"]["derived_from"], "control_counts");
  EXPECT_NE(first["summary"].get<std::string>().find("computed from the arms' counts"),
            std::string::npos)
      << first["summary"];
}

TEST_F(InsightHttpTest, ForecastGivesANumberOnlyWithEvidence) {
  auto response = post("/v1/forecast", {{"hypothesis", "spring headlines"},
                                        {"channel", "email"},
                                        {"candidates",
                                         {{{"name", "known"}, {"text", "5 tips for spring"}},
                                          {{"name", "new"}, {"text", "zebra migration facts"}}}}});
  ASSERT_TRUE(response);
  ASSERT_EQ(response->status, 200) << response->body;
  json body = json::parse(response->body);
  ASSERT_EQ(body["candidates"].size(), 2u);
  const json& known = body["candidates"][0]["forecast"];
  EXPECT_EQ(known["status"], "ok") << body.dump(2);
  EXPECT_EQ(known["tests"], 3);
  EXPECT_GT(known["lift"].get<double>(), 0.0);
  EXPECT_LT(known["ci_low"].get<double>(), known["lift"].get<double>());
  EXPECT_EQ(body["candidates"][1]["forecast"]["status"], "insufficient_evidence");
  EXPECT_FALSE(body["candidates"][1]["forecast"].contains("lift"));
  EXPECT_EQ(body["best_candidates"], json::array({"known"}));
}

TEST_F(InsightHttpTest, ProgramStatsByTeamAndPeriod) {
  auto response = get("/v1/stats/program?team=growth");
  ASSERT_EQ(response->status, 200) << response->body;
  json body = json::parse(response->body);
  EXPECT_EQ(body["concluded"], 1);
  EXPECT_EQ(body["with_learning"], 1);
  EXPECT_EQ(body["pattern_reuses"], 1);
  response = get("/v1/stats/program?from=2024-02-01&to=2024-03-31");
  ASSERT_EQ(response->status, 200) << response->body;
  body = json::parse(response->body);
  EXPECT_EQ(body["started"], 2);
  EXPECT_EQ(body["months"].size(), 2u);
}

TEST_F(InsightHttpTest, BadRequestsAre400) {
  const std::vector<std::pair<std::string, json>> bodies = {
      {"/v1/recommendations/similar-tests", json::object()},
      {"/v1/recommendations/similar-tests", {{"hypothesis", "x"}, {"colour", "red"}}},
      {"/v1/recommendations/similar-tests", {{"hypothesis", "x"}, {"k", 0}}},
      {"/v1/recommendations/similar-tests", {{"hypothesis", "x"}, {"as_of", "2024-13-01"}}},
      {"/v1/recommendations/similar-tests", {{"hypothesis", 5}}},
      {"/v1/forecast", {{"hypothesis", "x"}, {"candidates", "no"}}},
      {"/v1/forecast", {{"hypothesis", "x"}, {"candidates", {{{"name", "a"}}}}}},
      {"/v1/forecast", {{"hypothesis", "x"}, {"min_similarity", 2}}},
  };
  for (const auto& [path, body] : bodies) {
    auto response = post(path, body);
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 400) << path << " " << body.dump();
    EXPECT_TRUE(json::parse(response->body).contains("error"));
  }
  httplib::Client client("127.0.0.1", server_->port());
  auto malformed = client.Post("/v1/forecast", "{nope", "application/json");
  EXPECT_EQ(malformed->status, 400);
  for (const char* path :
       {"/v1/patterns?min_tests=0", "/v1/patterns?limit=x", "/v1/stats/program?from=yesterday",
        "/v1/stats/program?from=2024-05-01&to=2024-01-01"}) {
    auto response = get(path);
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 400) << path << " " << response->body;
  }
}

}  // namespace
}  // namespace expgraph::api
