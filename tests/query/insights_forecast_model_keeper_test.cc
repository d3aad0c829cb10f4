// ForecastModelKeeper over a real GraphStore: a trained model is stored and a restart loads it
// without retraining; reads are answered while a (deliberately slow) retrain runs; a forecast
// as of a past date uses a model whose cut-off is not after it, trained in the background.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <thread>

#include "graph/graph_test_support.h"
#include "learned_forecast_fixture.h"
#include "query/insights/forecast_model_keeper.h"

namespace expgraph::insights {
namespace {

using expgraph::testing::marketing_ontology;
using testing::day;
using testing::synthetic_catalog;

class ForecastModelKeeperTest : public ::testing::Test {
 protected:
  void SetUp() override { reopen(); }

  void reopen() {
    graph_.reset();
    auto opened = GraphStore::open(dir_.path(), marketing_ontology());
    ASSERT_TRUE(opened.ok()) << opened.status().to_string();
    graph_ = std::move(opened).value();
  }

  expgraph::testing::TempDir dir_;
  std::unique_ptr<GraphStore> graph_;
};

TEST_F(ForecastModelKeeperTest, ARestartLoadsTheStoredModelInsteadOfRetraining) {
  auto catalog = std::make_shared<const ExperimentCatalog>(synthetic_catalog());
  std::string trained_at;
  std::optional<double> training_seconds;
  {
    ForecastModelKeeper keeper(*graph_);
    ASSERT_TRUE(keeper.load().ok());
    EXPECT_EQ(keeper.current(), nullptr);
    EXPECT_TRUE(keeper.refresh(catalog));
    keeper.wait();
    ASSERT_NE(keeper.current(), nullptr) << keeper.last_error();
    trained_at = keeper.current()->trained_at;
    // How long the training took is recorded with the model (a positive number of seconds).
    training_seconds = keeper.current()->training_seconds;
    ASSERT_TRUE(training_seconds.has_value());
    EXPECT_GT(*training_seconds, 0.0);
    EXPECT_EQ(keeper.current()->cutoff, ForecastModelKeeper::cutoff_for(*catalog));
    // Nothing new has concluded: no retrain.
    EXPECT_FALSE(keeper.refresh(catalog));
  }
  reopen();
  ForecastModelKeeper keeper(*graph_);
  ASSERT_TRUE(keeper.load().ok());
  ASSERT_NE(keeper.current(), nullptr);
  EXPECT_EQ(keeper.current()->trained_at, trained_at);
  EXPECT_EQ(keeper.current()->training_seconds, training_seconds);
  EXPECT_EQ(keeper.current()->experiments, 120u);
  EXPECT_FALSE(keeper.refresh(catalog));
  EXPECT_FALSE(keeper.training());
}

// A stand-in embedder: one dimension flags "amazing" in the text.
class FlagEmbedder final : public similarity::Embedder {
 public:
  std::string id() const override { return "flag-2"; }
  int dimension() const override { return 2; }
  Result<std::vector<float>> embed(std::string_view text) const override {
    if (text.find("Amazing") != std::string_view::npos) return std::vector<float>{1, 0};
    return std::vector<float>{0, 1};
  }
};

TEST_F(ForecastModelKeeperTest, AStoredModelOfAnotherEmbedderIsRetrainedAndTheRightOneLoaded) {
  auto catalog = std::make_shared<const ExperimentCatalog>(synthetic_catalog());
  {
    ForecastModelKeeper keeper(*graph_);  // no embedder: no vector features
    ASSERT_TRUE(keeper.refresh(catalog));
    keeper.wait();
    ASSERT_NE(keeper.current(), nullptr) << keeper.last_error();
    EXPECT_FALSE(keeper.current()->settings.features.embedding);
  }
  const FlagEmbedder embedder;
  KeeperOptions options;
  options.embedder = &embedder;
  std::string trained_at;
  {
    ForecastModelKeeper keeper(*graph_, options);
    ASSERT_TRUE(keeper.load().ok());
    EXPECT_EQ(keeper.current(), nullptr);  // stored without the embedder's features
    ASSERT_TRUE(keeper.refresh(catalog));
    keeper.wait();
    ASSERT_NE(keeper.current(), nullptr) << keeper.last_error();
    const FeatureOptions& f = keeper.current()->settings.features;
    EXPECT_TRUE(f.embedding);
    EXPECT_EQ(f.embedder_id, "flag-2");
    trained_at = keeper.current()->trained_at;
  }
  ForecastModelKeeper keeper(*graph_, options);
  ASSERT_TRUE(keeper.load().ok());
  ASSERT_NE(keeper.current(), nullptr);
  EXPECT_EQ(keeper.current()->trained_at, trained_at);
  // The loaded model computes its vector features with the embedder it was given.
  AssetFacts amazing{"x", "headline", "Amazing tale", {}};
  bool has_vector = false;
  for (const NamedFeature& f :
       arm_feature_names({&amazing}, {}, keeper.current()->settings.features)) {
    has_vector = has_vector || f.name == "e:0";
  }
  EXPECT_TRUE(has_vector);
}

TEST_F(ForecastModelKeeperTest, AStoredModelWithOtherFeaturesIsRetrained) {
  auto catalog = std::make_shared<const ExperimentCatalog>(synthetic_catalog());
  {
    KeeperOptions older;  // as stored before the position features existed
    older.settings.features.positions = false;
    ForecastModelKeeper keeper(*graph_, older);
    ASSERT_TRUE(keeper.refresh(catalog));
    keeper.wait();
    ASSERT_NE(keeper.current(), nullptr) << keeper.last_error();
  }
  ForecastModelKeeper keeper(*graph_);
  ASSERT_TRUE(keeper.load().ok());
  EXPECT_EQ(keeper.current(), nullptr);
  ASSERT_TRUE(keeper.refresh(catalog));
  keeper.wait();
  ASSERT_NE(keeper.current(), nullptr) << keeper.last_error();
  EXPECT_TRUE(keeper.current()->settings.features.positions);
}

TEST_F(ForecastModelKeeperTest, ReadsAreAnsweredWhileARetrainRuns) {
  KeeperOptions options;
  options.retrain_after = 10;
  // Many rounds of boosted trees on many tests: a retrain that takes a while.
  options.settings.learner.learner = Learner::kBoostedTrees;
  options.settings.learner.rounds = 800;
  options.settings.learner.depth = 6;
  ForecastModelKeeper keeper(*graph_, options);
  ASSERT_TRUE(keeper.refresh(std::make_shared<const ExperimentCatalog>(synthetic_catalog(40))));
  keeper.wait();
  const std::shared_ptr<const ForecastModel> first = keeper.current();
  ASSERT_NE(first, nullptr) << keeper.last_error();
  ASSERT_TRUE(keeper.refresh(std::make_shared<const ExperimentCatalog>(synthetic_catalog(1500))));
  size_t reads_during_training = 0;
  double slowest_ms = 0;
  while (keeper.training()) {
    const auto start = std::chrono::steady_clock::now();
    const std::shared_ptr<const ForecastModel> model = keeper.current();
    slowest_ms =
        std::max(slowest_ms,
                 std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                     .count());
    if (keeper.training()) {
      EXPECT_EQ(model, first);
      ++reads_during_training;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  keeper.wait();
  EXPECT_GT(reads_during_training, 0u);
  EXPECT_LT(slowest_ms, 50.0);
  ASSERT_NE(keeper.current(), first);
  EXPECT_EQ(keeper.current()->experiments, 1500u);
}

TEST_F(ForecastModelKeeperTest, AForecastAsOfAPastDateTrainsInTheBackgroundThenUsesThatModel) {
  auto catalog = std::make_shared<const ExperimentCatalog>(synthetic_catalog());
  ForecastModelKeeper keeper(*graph_);
  ASSERT_TRUE(keeper.refresh(catalog));
  keeper.wait();
  const std::string as_of = day(70);
  // No kept model is cut off by then: the request is answered at once, without a model, and one
  // cut off at as_of trains in the background.
  const auto first = keeper.model_as_of(catalog, as_of);
  EXPECT_EQ(first.model, nullptr);
  EXPECT_NE(first.reason.find("training in the background"), std::string::npos) << first.reason;
  keeper.wait();
  const auto past = keeper.model_as_of(catalog, as_of);
  ASSERT_NE(past.model, nullptr) << past.reason;
  EXPECT_EQ(past.model->cutoff, as_of);
  EXPECT_EQ(past.model->experiments, 70u);
  // A later date before the current cut-off gets the newest kept model not after it.
  const auto later = keeper.model_as_of(catalog, day(90));
  EXPECT_EQ(later.model, past.model);
  EXPECT_FALSE(keeper.training());
  // The current model was not replaced, and is what a forecast without as_of gets.
  EXPECT_EQ(keeper.model_as_of(catalog, "").model, keeper.current());
  EXPECT_EQ(keeper.current()->experiments, 120u);
  EXPECT_EQ(keeper.kept_cutoffs(), std::vector<std::string>{as_of});
}

TEST_F(ForecastModelKeeperTest, ARetrainKeepsThePreviousModelForEarlierDates) {
  KeeperOptions options;
  options.retrain_after = 10;
  ForecastModelKeeper keeper(*graph_, options);
  ASSERT_TRUE(keeper.refresh(std::make_shared<const ExperimentCatalog>(synthetic_catalog(40))));
  keeper.wait();
  const std::shared_ptr<const ForecastModel> first = keeper.current();
  ASSERT_NE(first, nullptr) << keeper.last_error();
  auto bigger = std::make_shared<const ExperimentCatalog>(synthetic_catalog(120));
  ASSERT_TRUE(keeper.refresh(bigger));
  keeper.wait();
  ASSERT_NE(keeper.current(), first);
  // A date between the two cut-offs: the previous model, without training.
  const auto chosen = keeper.model_as_of(bigger, first->cutoff);
  EXPECT_EQ(chosen.model, first);
  EXPECT_FALSE(keeper.training());
}

TEST_F(ForecastModelKeeperTest, AnAsOfWithTooFewTestsSaysWhyAndIsNotRetried) {
  auto catalog = std::make_shared<const ExperimentCatalog>(synthetic_catalog());
  ForecastModelKeeper keeper(*graph_);
  ASSERT_TRUE(keeper.refresh(catalog));
  keeper.wait();
  EXPECT_EQ(keeper.model_as_of(catalog, day(5)).model, nullptr);
  keeper.wait();
  const auto again = keeper.model_as_of(catalog, day(5));
  EXPECT_EQ(again.model, nullptr);
  EXPECT_NE(again.reason.find("at least"), std::string::npos) << again.reason;
  EXPECT_FALSE(keeper.training());
  EXPECT_EQ(keeper.last_error(), "");  // the model in use is unaffected
}

}  // namespace
}  // namespace expgraph::insights
