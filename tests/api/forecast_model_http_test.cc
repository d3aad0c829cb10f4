// The learned forecast over real HTTP: an in-process ApiServer over 30 concluded two-arm tests
// where the headline that opens with "Amazing" always beats the one that opens with "Ancient".
// The server trains its model in the background at start; GET /v1/models/forecast describes it
// and POST /v1/forecast answers from it.
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "graph/graph_store.h"
#include "test_support/temp_dir.h"
#include "tests/api/in_process_server.h"
#include "tests/api/measured_arm.h"

namespace expgraph::api {
namespace {

using nlohmann::json;

using expgraph::testing::add_measured_arm;
using expgraph::testing::ref;

class ForecastModelHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto graph = expgraph::testing::open_marketing_graph(dir_.path());
    ASSERT_TRUE(graph.ok()) << graph.status().to_string();
    graph_ = std::move(graph).value();
    ASSERT_NO_FATAL_FAILURE(write_tests());
    server_ = std::make_unique<expgraph::testing::InProcessServer>(*graph_);
    ASSERT_TRUE(server_->started());
  }

  void write_tests() {
    static constexpr const char* kTopics[] = {"dogs", "cats", "rain", "money", "music"};
    WriteRequest r;
    r.nodes.push_back({"Metric", "ctr", {{"name", "Click-through"}}});
    for (int i = 0; i < 30; ++i) {
      const std::string e = "T" + std::to_string(10 + i);
      r.nodes.push_back({"Experiment",
                         e,
                         {{"name", e},
                          {"status", "concluded"},
                          {"started_at", "2024-03-" + std::to_string(10 + i % 19)}}});
      r.edges.push_back(
          {"MEASURES", ref("Experiment", e), ref("Metric", "ctr"), {{"role", "primary"}}});
      for (const auto& [arm, opening, clicks] :
           {std::tuple{"a", "Amazing", 150}, std::tuple{"b", "Ancient", 100}}) {
        const std::string variant = e + "-" + arm;
        const std::string text = std::string(opening) + " story about " + kTopics[i % 5];
        r.nodes.push_back({"Asset", variant, {{"kind", "headline"}, {"text", text}}});
        add_measured_arm(r, e, variant, variant, {{"users", 2000}, {"conversions", clicks}});
      }
    }
    auto written = graph_->write(r);
    ASSERT_TRUE(written.ok()) << written.status().to_string();
  }

  httplib::Result get(const std::string& path) {
    httplib::Client client("127.0.0.1", server_->port());
    return client.Get(path);
  }

  // The model description once the background training has stored one (null after 60 s).
  json wait_for_model() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      auto response = get("/v1/models/forecast");
      if (response && response->status == 200) {
        json body = json::parse(response->body);
        if (!body["model"].is_null()) return body["model"];
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return nullptr;
  }

  expgraph::testing::TempDir dir_;
  std::unique_ptr<GraphStore> graph_;
  std::unique_ptr<expgraph::testing::InProcessServer> server_;
};

TEST_F(ForecastModelHttpTest, TheModelIsTrainedInTheBackgroundAndDescribed) {
  const json model = wait_for_model();
  ASSERT_FALSE(model.is_null());
  EXPECT_EQ(model["experiments"], 30);
  EXPECT_EQ(model["pairs"], 30);
  EXPECT_EQ(model["cutoff"], "2024-03-29");
  EXPECT_TRUE(model["trained_at"].is_string());
  EXPECT_TRUE(model["validation"].contains("pairwise_accuracy"));
  EXPECT_TRUE(model["calibration"]["half_widths"].contains("80"));
}

TEST_F(ForecastModelHttpTest, TheForecastAnswersFromTheModel) {
  ASSERT_FALSE(wait_for_model().is_null());
  httplib::Client client("127.0.0.1", server_->port());
  const json request = {{"hypothesis", "headline test"},
                        {"metric", "ctr"},
                        {"candidates",
                         {{{"name", "plain"}, {"text", "Ancient story about trains"}},
                          {{"name", "bold"}, {"text", "Amazing story about trains"}},
                          {{"name", "other"}, {"text", "A story about trains"}}}}};
  auto response = client.Post("/v1/forecast", request.dump(), "application/json");
  ASSERT_TRUE(response);
  ASSERT_EQ(response->status, 200) << response->body;
  const json body = json::parse(response->body);
  EXPECT_EQ(body["method"], "learned_model");
  EXPECT_EQ(body["model"]["status"], "ok");
  EXPECT_TRUE(body["combination"].is_string());
  EXPECT_EQ(body["best_candidates"], json::array({"bold"}));
  double total = 0;
  for (const json& c : body["candidates"]) total += c["p_best"].get<double>();
  EXPECT_NEAR(total, 1.0, 1e-9);
  const json& bold = body["candidates"][1];
  EXPECT_GT(bold["p_beats"]["plain"].get<double>(), 0.5);
  EXPECT_GT(bold["expected_lift"]["lift"].get<double>(), 0.0);
  EXPECT_EQ(bold["expected_lift"]["against"], "set_mean");
  const json& interval = bold["expected_lift"]["intervals"]["80"];
  EXPECT_LE(interval[0].get<double>(), bold["expected_lift"]["lift"].get<double>());
  EXPECT_GE(interval[1].get<double>(), bold["expected_lift"]["lift"].get<double>());
  ASSERT_FALSE(bold["contributions"]["up"].empty()) << bold.dump(2);
  EXPECT_EQ(bold["contributions"]["up"][0]["feature"], "w:amazing");
  EXPECT_FALSE(body["candidates"][0]["contributions"]["down"].empty());
  // The meta-analytic estimate stays beside the model's.
  EXPECT_TRUE(bold.contains("forecast"));
  EXPECT_TRUE(bold["closest_tests"].is_array());
}

}  // namespace
}  // namespace expgraph::api
