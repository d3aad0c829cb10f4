// The learned forecast over real HTTP: an in-process ApiServer over 30 concluded two-arm tests
// where the headline that opens with "Amazing" always beats the one that opens with "Ancient".
// The server trains its model in the background at start; GET /v1/models/forecast describes it
// and POST /v1/forecast answers from it.
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "graph/graph_store.h"
#include "query/similarity/glove_embedder.h"
#include "query/similarity/similarity_index.h"
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
    r.nodes.push_back({"Metric", metric_, {{"name", metric_}, {"direction", direction_}}});
    for (int i = 0; i < 30; ++i) {
      const std::string e = "T" + std::to_string(10 + i);
      r.nodes.push_back({"Experiment",
                         e,
                         {{"name", e},
                          {"status", "concluded"},
                          {"started_at", "2024-03-" + std::to_string(10 + i % 19)}}});
      r.edges.push_back(
          {"MEASURES", ref("Experiment", e), ref("Metric", metric_), {{"role", "primary"}}});
      for (const auto& [arm, opening, clicks] :
           {std::tuple{"a", "Amazing", 150}, std::tuple{"b", "Ancient", 100}}) {
        const std::string variant = e + "-" + arm;
        const std::string text = std::string(opening) + " story about " + kTopics[i % 5];
        r.nodes.push_back({"Asset", variant, {{"kind", "headline"}, {"text", text}}});
        add_measured_arm(r, e, variant, variant, {{"users", 2000}, {"conversions", clicks}},
                         metric_);
      }
    }
    auto written = graph_->write(r);
    ASSERT_TRUE(written.ok()) << written.status().to_string();
  }

  // The tests' primary metric and its direction (ForecastOnChurnHttpTest: lower is better).
  std::string metric_ = "ctr";
  std::string direction_ = "increase";

  httplib::Result get(const std::string& path) {
    httplib::Client client("127.0.0.1", server_->port());
    return client.Get(path);
  }

  httplib::Result post_forecast(const json& request) {
    httplib::Client client("127.0.0.1", server_->port());
    return client.Post("/v1/forecast", request.dump(), "application/json");
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

  // The glove matrix tools/fetch-word-vectors made (or $EXPGRAPH_WORD_VECTORS); may not exist.
  static std::string word_vectors_path() {
    const char* env = std::getenv("EXPGRAPH_WORD_VECTORS");
    return env != nullptr && *env != 0
               ? env
               : std::string(EXPGRAPH_SOURCE_DIR) + "/data/word-vectors/glove-100d.bin";
  }

  // The description of a model trained with the text vector (the last seen after 60 s).
  json wait_for_model_with_vectors() {
    json model;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      model = wait_for_model();
      if (!model.is_null() && model["features"]["embedding"].get<bool>()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return model;
  }

  // A forecast of two train headlines, "bold" opening with the winning word.
  httplib::Result post_train_headlines() {
    return post_forecast({{"hypothesis", "headline test"},
                          {"metric", "ctr"},
                          {"candidates",
                           {{{"name", "plain"}, {"text", "Ancient story about trains"}},
                            {{"name", "bold"}, {"text", "Amazing story about trains"}}}}});
  }

  expgraph::testing::TempDir dir_;
  std::unique_ptr<GraphStore> graph_;
  // Declared before the server they outlive.
  std::unique_ptr<similarity::SimilarityIndex> index_;
  std::unique_ptr<similarity::GloveEmbedder> forecast_vectors_;
  std::unique_ptr<expgraph::testing::InProcessServer> server_;
};

TEST_F(ForecastModelHttpTest, TheModelIsTrainedInTheBackgroundAndDescribed) {
  const json model = wait_for_model();
  ASSERT_FALSE(model.is_null());
  EXPECT_EQ(model["experiments"], 30);
  EXPECT_EQ(model["pairs"], 30);
  EXPECT_EQ(model["cutoff"], "2024-03-29");
  EXPECT_TRUE(model["trained_at"].is_string());
  ASSERT_TRUE(model["training_seconds"].is_number());
  EXPECT_GT(model["training_seconds"].get<double>(), 0.0);
  EXPECT_TRUE(model["validation"].contains("pairwise_accuracy"));
  EXPECT_TRUE(model["calibration"]["half_widths"].contains("80"));
}

// With the glove embedder the model also sees the text's vector: the model stored without it
// (by the first server, which had no similarity index) is retrained at start, described with
// the embedder's id, and answers. Skipped when tools/fetch-word-vectors has not been run.
TEST_F(ForecastModelHttpTest, WithTheGloveEmbedderTheModelIsRetrainedWithTheTextVector) {
  const std::string vectors = word_vectors_path();
  if (!std::filesystem::exists(vectors)) GTEST_SKIP() << "no word vectors at " << vectors;
  ASSERT_FALSE(wait_for_model().is_null());
  EXPECT_FALSE(wait_for_model()["features"]["embedding"].get<bool>());
  server_.reset();
  similarity::SimilarityIndexOptions options;
  options.embedder = similarity::EmbedderKind::kGlove;
  options.word_vectors_path = vectors;
  auto index = similarity::SimilarityIndex::open(*graph_, options);
  ASSERT_TRUE(index.ok()) << index.status().to_string();
  index_ = std::move(index).value();  // nothing is written from here: no observer needed
  server_ = std::make_unique<expgraph::testing::InProcessServer>(*graph_, index_.get());
  ASSERT_TRUE(server_->started());
  json model = wait_for_model_with_vectors();
  ASSERT_TRUE(model["features"]["embedding"].get<bool>()) << model.dump(2);
  EXPECT_EQ(model["features"]["embedder_id"].get<std::string>().rfind("glove", 0), 0u);
  auto response = post_train_headlines();
  ASSERT_TRUE(response);
  ASSERT_EQ(response->status, 200) << response->body;
  const json body = json::parse(response->body);
  EXPECT_EQ(body["best_candidates"], json::array({"bold"}));
  EXPECT_GT(body["candidates"][1]["p_beats"]["plain"].get<double>(), 0.5);
}

// A search index with another embedder (here hashing; tools/run's server searches with use)
// and the glove vectors given to the server for the forecast: search keeps its embedder and
// the model is trained with the glove vectors. Skipped without tools/fetch-word-vectors.
TEST_F(ForecastModelHttpTest, TheForecastReadsItsOwnWordVectorsBesideAnotherSearchEmbedder) {
  const std::string vectors = word_vectors_path();
  if (!std::filesystem::exists(vectors)) GTEST_SKIP() << "no word vectors at " << vectors;
  ASSERT_FALSE(wait_for_model().is_null());
  server_.reset();
  auto glove = similarity::GloveEmbedder::load(vectors);
  ASSERT_TRUE(glove.ok()) << glove.status().to_string();
  forecast_vectors_ = std::make_unique<similarity::GloveEmbedder>(std::move(glove).value());
  auto index = similarity::SimilarityIndex::open(*graph_, {});
  ASSERT_TRUE(index.ok()) << index.status().to_string();
  index_ = std::move(index).value();
  server_ = std::make_unique<expgraph::testing::InProcessServer>(*graph_, index_.get(),
                                                                 forecast_vectors_.get());
  ASSERT_TRUE(server_->started());
  json model = wait_for_model_with_vectors();
  ASSERT_TRUE(model["features"]["embedding"].get<bool>()) << model.dump(2);
  EXPECT_EQ(model["features"]["embedder_id"], forecast_vectors_->id());
  EXPECT_EQ(index_->embedder_id().rfind("hashing", 0), 0u);

  httplib::Client client("127.0.0.1", server_->port());
  auto search = client.Post("/v1/search", json{{"text", "Amazing story about dogs"}}.dump(),
                            "application/json");
  ASSERT_TRUE(search);
  ASSERT_EQ(search->status, 200) << search->body;
  EXPECT_FALSE(json::parse(search->body)["hits"].empty()) << search->body;
  auto response = post_train_headlines();
  ASSERT_TRUE(response);
  ASSERT_EQ(response->status, 200) << response->body;
  EXPECT_EQ(json::parse(response->body)["best_candidates"], json::array({"bold"}));
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
  // "amazing" and "amazing story" always come together in training, as a headline's opening
  // too when it opens with them: any of those may lead.
  const std::string top = bold["contributions"]["up"][0]["feature"];
  EXPECT_TRUE(top == "w:amazing" || top == "b:amazing story" || top == "first:amazing" ||
              top == "first2:amazing story")
      << top;
  // Each entry says what it means, for the people reading it.
  const std::string label = bold["contributions"]["up"][0]["label"];
  EXPECT_NE(label.find("amazing"), std::string::npos) << label;
  EXPECT_FALSE(body["candidates"][0]["contributions"]["down"].empty());
  // The meta-analytic estimate stays beside the model's.
  EXPECT_TRUE(bold.contains("forecast"));
  EXPECT_TRUE(bold["closest_tests"].is_array());
}

TEST_F(ForecastModelHttpTest, ANamedControlIsWhatTheLiftIsAgainst) {
  ASSERT_FALSE(wait_for_model().is_null());
  const json candidates = {{{"name", "plain"}, {"text", "Ancient story about trains"}},
                           {{"name", "bold"}, {"text", "Amazing story about trains"}}};
  auto by_mean = post_forecast({{"metric", "ctr"}, {"candidates", candidates}});
  auto by_control =
      post_forecast({{"metric", "ctr"}, {"candidates", candidates}, {"control", "plain"}});
  ASSERT_TRUE(by_mean && by_control);
  ASSERT_EQ(by_control->status, 200) << by_control->body;
  const json mean = json::parse(by_mean->body), control = json::parse(by_control->body);
  EXPECT_EQ(control["control"], "plain");
  const json& plain = control["candidates"][0]["expected_lift"];
  const json& bold = control["candidates"][1]["expected_lift"];
  EXPECT_EQ(bold["against"], "control");
  EXPECT_EQ(bold["control"], "plain");
  EXPECT_EQ(plain["lift"], 0.0);
  const double bold_mean = mean["candidates"][1]["expected_lift"]["lift"];
  const double plain_mean = mean["candidates"][0]["expected_lift"]["lift"];
  EXPECT_NEAR(bold["lift"].get<double>(), (1 + bold_mean) / (1 + plain_mean) - 1, 1e-9);
  EXPECT_LE(bold["intervals"]["80"][0].get<double>(), bold["lift"].get<double>());
  EXPECT_GE(bold["intervals"]["95"][1].get<double>(), bold["intervals"]["80"][1].get<double>());
  // A control that names no candidate: 422, nothing answered.
  auto unknown =
      post_forecast({{"metric", "ctr"}, {"candidates", candidates}, {"control", "neither"}});
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 422) << unknown->body;
  EXPECT_NE(unknown->body.find("neither"), std::string::npos);
}

TEST_F(ForecastModelHttpTest, AForecastWithoutCandidatesIs422) {
  for (const json& request :
       {json{{"hypothesis", "headline test"}},
        json{{"hypothesis", "headline test"}, {"candidates", json::array()}}}) {
    auto response = post_forecast(request);
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 422) << request.dump() << " " << response->body;
    EXPECT_NE(response->body.find("no_candidates"), std::string::npos) << response->body;
  }
}

TEST_F(ForecastModelHttpTest, ACandidateWithoutEvidenceNeverRanksAboveOneWithEvidence) {
  ASSERT_FALSE(wait_for_model().is_null());
  // "Zyxw qwvu" has no word the model has seen and no past arm like it; it is shorter, which
  // alone may score it above "Ancient ..." (the length features are known): it still ranks last.
  auto response = post_forecast({{"metric", "ctr"},
                                 {"candidates",
                                  {{{"name", "unknown"}, {"text", "Zyxw qwvu"}},
                                   {{"name", "plain"}, {"text", "Ancient story about trains"}},
                                   {{"name", "bold"}, {"text", "Amazing story about trains"}}}}});
  ASSERT_TRUE(response);
  ASSERT_EQ(response->status, 200) << response->body;
  const json body = json::parse(response->body);
  const json& unknown = body["candidates"][0];
  EXPECT_EQ(unknown["evidence"]["has_evidence"], false) << unknown.dump(2);
  EXPECT_EQ(unknown["evidence"]["known_words"], 0);
  EXPECT_EQ(unknown["rank"], 3);
  EXPECT_EQ(body["candidates"][2]["rank"], 1);
  EXPECT_EQ(body["candidates"][1]["rank"], 2);
  EXPECT_EQ(body["candidates"][1]["evidence"]["has_evidence"], true);
  EXPECT_EQ(body["best_candidates"], json::array({"bold"}));

  // No candidate with evidence: best_candidates is empty.
  response = post_forecast(
      {{"metric", "ctr"},
       {"candidates",
        {{{"name", "x"}, {"text", "Zyxw qwvu"}}, {{"name", "y"}, {"text", "Qqqq rrrr ssss"}}}}});
  ASSERT_TRUE(response);
  ASSERT_EQ(response->status, 200) << response->body;
  const json none = json::parse(response->body);
  EXPECT_EQ(none["best_candidates"], json::array()) << none.dump(2);
  for (const json& c : none["candidates"]) EXPECT_EQ(c["evidence"]["has_evidence"], false);
}

TEST_F(ForecastModelHttpTest, AnAsOfBeforeTheCutoffTrainsInTheBackgroundNotInTheRequest) {
  ASSERT_FALSE(wait_for_model().is_null());
  const json request = {{"metric", "ctr"},
                        {"as_of", "2024-03-25"},
                        {"candidates",
                         {{{"name", "plain"}, {"text", "Ancient story about trains"}},
                          {{"name", "bold"}, {"text", "Amazing story about trains"}}}}};
  auto first = post_forecast(request);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200) << first->body;
  const json answer = json::parse(first->body);
  EXPECT_EQ(answer["model"]["status"], "training") << answer.dump(2);
  EXPECT_NE(answer["model"]["reason"].get<std::string>().find("2024-03-25"), std::string::npos);
  EXPECT_EQ(answer["method"], "meta_analysis");
  // Once trained, the same request answers from a model cut off at as_of.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  json later;
  while (std::chrono::steady_clock::now() < deadline) {
    auto response = post_forecast(request);
    ASSERT_TRUE(response);
    later = json::parse(response->body);
    if (later["model"]["status"] == "ok") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(later["model"]["status"], "ok") << later.dump(2);
  EXPECT_EQ(later["model"]["cutoff"], "2024-03-25");
  EXPECT_EQ(later["model"]["experiments"], 26);
  EXPECT_EQ(later["best_candidates"], json::array({"bold"}));
}

// The same tests measured on churn, a metric whose direction is decrease: the "Amazing" arms'
// higher rate makes them the worse ones.
class ForecastOnChurnHttpTest : public ForecastModelHttpTest {
 protected:
  ForecastOnChurnHttpTest() {
    metric_ = "churn";
    direction_ = "decrease";
  }
};

TEST_F(ForecastOnChurnHttpTest, TheLowerRateIsTheBetterCandidateAndLiftsAreOfTheMetric) {
  ASSERT_FALSE(wait_for_model().is_null());
  auto response = post_forecast({{"metric", "churn"},
                                 {"candidates",
                                  {{{"name", "plain"}, {"text", "Ancient story about trains"}},
                                   {{"name", "bold"}, {"text", "Amazing story about trains"}}}}});
  ASSERT_TRUE(response);
  ASSERT_EQ(response->status, 200) << response->body;
  const json body = json::parse(response->body);
  EXPECT_EQ(body["method"], "learned_model");
  EXPECT_EQ(body["best_candidates"], json::array({"plain"}));
  const json& plain = body["candidates"][0];
  const json& bold = body["candidates"][1];
  EXPECT_GT(plain["p_best"].get<double>(), 0.5);
  EXPECT_GT(plain["p_beats"]["bold"].get<double>(), 0.5);
  // Lifts of churn itself: the better candidate lowers it, each inside its own intervals.
  EXPECT_LT(plain["expected_lift"]["lift"].get<double>(), 0.0);
  EXPECT_GT(bold["expected_lift"]["lift"].get<double>(), 0.0);
  for (const json& candidate : {plain, bold}) {
    const double lift = candidate["expected_lift"]["lift"];
    for (const char* level : {"80", "95"}) {
      const json& range = candidate["expected_lift"]["intervals"][level];
      EXPECT_LE(range[0].get<double>(), lift) << level;
      EXPECT_GE(range[1].get<double>(), lift) << level;
    }
  }
}

}  // namespace
}  // namespace expgraph::api
