// The learned forecast on synthetic catalogs where the right answer is known: one headline word
// truly raises the rate, and the model must find it; tests after the cut-off never train it.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "insights_fixture.h"
#include "learned_forecast_fixture.h"
#include "query/insights/learned_forecaster.h"
#include "query/insights/pair_dataset.h"
#include "query/similarity/embedder.h"

namespace expgraph::insights {
namespace {

using testing::day;
using testing::synthetic_catalog;

// A candidate's features as the server computes them for its default model (no embedder).
std::vector<NamedFeature> headline(const std::string& text) {
  AssetFacts asset{"draft", "headline", text, {}};
  return arm_feature_names({&asset}, {}, ModelSettings{}.features);
}

// The features that carry "Amazing" in the synthetic catalog: the word, the pair it opens, and
// (with the position features) the same as the headline's opening.
bool names_amazing(const std::string& feature) {
  return feature == "w:amazing" || feature == "b:amazing tale" || feature == "first:amazing" ||
         feature == "first2:amazing tale";
}

TEST(LearnedForecasterTest, LearnsTheWordThatRaisesTheRateAndExplainsIt) {
  const ExperimentCatalog c = synthetic_catalog();
  ModelSettings settings;
  settings.learner.learner = Learner::kLogistic;
  auto model = train_forecast_model(c, "", settings);
  ASSERT_TRUE(model.ok()) << model.status().to_string();
  const auto p = predict_candidates(
      **model, {headline("Amazing tale of rivers"), headline("Ancient tale of rivers")}, 5);
  ASSERT_EQ(p.size(), 2u);
  EXPECT_GT(p[0].p_best, 0.5);
  EXPECT_NEAR(p[0].p_best + p[1].p_best, 1.0, 1e-9);
  EXPECT_GT(p[0].p_beats[1], 0.5);
  EXPECT_NEAR(p[0].p_beats[1] + p[1].p_beats[0], 1.0, 1e-9);
  EXPECT_GT(p[0].lift, 0);
  EXPECT_LT(p[1].lift, 0);
  ASSERT_FALSE(p[0].contributions.empty());
  EXPECT_TRUE(names_amazing(p[0].contributions.front().feature))
      << p[0].contributions.front().feature;
  EXPECT_GT(p[0].contributions.front().value, 0);
  // The intervals hold the expected lift and widen with the level.
  ASSERT_EQ(p[0].intervals.size(), 3u);
  EXPECT_LE(p[0].intervals[0].second.first, p[0].lift);
  EXPECT_GE(p[0].intervals[0].second.second, p[0].lift);
  EXPECT_LE(p[0].intervals[2].second.first, p[0].intervals[0].second.first);
}

TEST(LearnedForecasterTest, BoostedTreesLearnTheWordToo) {
  const ExperimentCatalog c = synthetic_catalog();
  for (bool ndcg : {false, true}) {  // rank:pairwise, rank:ndcg
    ModelSettings settings;
    settings.learner.learner = Learner::kBoostedTrees;
    settings.learner.ndcg = ndcg;
    settings.learner.rounds = 40;
    settings.learner.subsample = 1;
    settings.learner.colsample = 1;
    auto model = train_forecast_model(c, "", settings);
    ASSERT_TRUE(model.ok()) << model.status().to_string();
    // Trees split on one of the equally informative words or word pairs ("amazing", "amazing
    // story", "ancient", ...): the candidates carry all of them.
    const auto p = predict_candidates(
        **model, {headline("Amazing story of rivers"), headline("Ancient story of rivers")}, 3);
    EXPECT_GT(p[0].p_best, 0.5) << "ndcg " << ndcg;
    EXPECT_GT(p[0].p_beats[1], 0.5) << "ndcg " << ndcg;
    // The trees may split on either word; whichever they use must push the right way.
    ASSERT_FALSE(p[0].contributions.empty() && p[1].contributions.empty());
    for (const FeatureContribution& f : p[0].contributions) EXPECT_GT(f.value, 0) << f.feature;
    for (const FeatureContribution& f : p[1].contributions) EXPECT_LT(f.value, 0) << f.feature;
  }
}

TEST(LearnedForecasterTest, TestsStartedAfterTheCutoffNeverTrainIt) {
  const ExperimentCatalog c = synthetic_catalog();
  const std::string cutoff = day(60);
  for (const DatasetTest& t : collect_tests(c, "", cutoff, FeatureOptions{})) {
    EXPECT_LT(c.experiments[t.experiment].started_at, cutoff);
  }
  auto model = train_forecast_model(c, cutoff, ModelSettings{});
  ASSERT_TRUE(model.ok());
  EXPECT_EQ((*model)->cutoff, cutoff);
  EXPECT_EQ((*model)->experiments, 60u);
}

TEST(LearnedForecasterTest, AsOfCutoffKeepsOnlyResultsKnownByThen) {
  ExperimentCatalog c = synthetic_catalog();
  // Each test runs for five days: those started in the five days before the cut-off ended
  // after it, so a model trained on that day could not have seen their results.
  for (size_t i = 0; i < c.experiments.size(); ++i) {
    c.experiments[i].ended_at = day(static_cast<int>(i) + 5);
  }
  const std::string cutoff = day(60);
  const auto known = collect_tests(c, "", cutoff, FeatureOptions{}, cutoff);
  EXPECT_EQ(known.size(), 55u);
  for (const DatasetTest& t : known) EXPECT_LT(c.experiments[t.experiment].ended_at, cutoff);
  auto started = train_forecast_model(c, cutoff, ModelSettings{});
  auto ended = train_forecast_model(c, cutoff, ModelSettings{}, /*known_by_cutoff=*/true);
  ASSERT_TRUE(started.ok() && ended.ok());
  EXPECT_EQ((*started)->experiments, 60u);
  EXPECT_EQ((*ended)->experiments, 55u);
}

// A stand-in for the configured embedder: dimension 0 for texts with "amazing", 1 otherwise, so
// the planted effect is visible to the model only through the embedding.
class WordFlagEmbedder final : public similarity::Embedder {
 public:
  std::string id() const override { return "word-flag-2"; }
  int dimension() const override { return 2; }
  Result<std::vector<float>> embed(std::string_view text) const override {
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    if (lower.find("amazing") != std::string::npos) return std::vector<float>{1, 0};
    return std::vector<float>{0, 1};
  }
};

TEST(LearnedForecasterTest, LearnsAnEffectCarriedByTheEmbeddingAlone) {
  const ExperimentCatalog c = synthetic_catalog();
  const WordFlagEmbedder embedder;
  ModelSettings settings;  // the server's default learner, the text seen only as a vector
  settings.features.words = settings.features.bigrams = settings.features.headline = false;
  settings.features.embedding = true;
  settings.features.embedder = &embedder;
  settings.features.embedder_id = embedder.id();
  auto model = train_forecast_model(c, "", settings);
  ASSERT_TRUE(model.ok()) << model.status().to_string();
  AssetFacts amazing{"x", "headline", "Amazing tale of rivers", {}};
  AssetFacts ancient{"y", "headline", "Ancient tale of rivers", {}};
  const auto p = predict_candidates(**model,
                                    {arm_feature_names({&amazing}, {}, settings.features),
                                     arm_feature_names({&ancient}, {}, settings.features)},
                                    5);
  ASSERT_EQ(p.size(), 2u);
  EXPECT_GT(p[0].p_beats[1], 0.5);
  EXPECT_GT(p[0].p_best, 0.5);
  EXPECT_GT(p[0].lift, 0);
  // The vector's values are reported as one entry: one by one they mean nothing to a reader.
  ASSERT_FALSE(p[0].contributions.empty());
  EXPECT_EQ(p[0].contributions.front().feature, "e:text");
  for (const FeatureContribution& f : p[0].contributions) {
    EXPECT_TRUE(f.feature == "e:text" || f.feature.rfind("e:", 0) != 0) << f.feature;
  }
  EXPECT_EQ(p[0].contributions.front().label, "its meaning as a whole (word vectors)");
  EXPECT_GT(p[0].contributions.front().value, 0);
  // Without an embedder the option adds nothing (a model is served only with its embedder).
  FeatureOptions without = settings.features;
  without.embedder = nullptr;
  for (const NamedFeature& f : arm_feature_names({&amazing}, {}, without)) {
    EXPECT_NE(f.name.rfind("e:", 0), 0u) << f.name;
  }
}

TEST(LearnedForecasterTest, AFeatureAndItsChannelCrossAreExplainedAsOne) {
  // The winning headlines also end with "!", on a channel whose key holds a '|': the model
  // weighs "h:exclamation" and its cross with the channel; a reader sees one entry for both.
  ExperimentCatalog c = synthetic_catalog();
  for (AssetFacts& asset : c.assets) {
    if (asset.text.rfind("Amazing", 0) == 0) asset.text += "!";
  }
  for (ExperimentFacts& e : c.experiments) e.channels = {"web|news"};
  ModelSettings settings;
  settings.learner.learner = Learner::kLogistic;
  auto model = train_forecast_model(c, "", settings);
  ASSERT_TRUE(model.ok()) << model.status().to_string();
  TestContext context;
  context.channels = {"web|news"};
  AssetFacts loud{"x", "headline", "Amazing tale of rivers!", {}};
  AssetFacts quiet{"y", "headline", "Ancient tale of rivers", {}};
  const auto p = predict_candidates(**model,
                                    {arm_feature_names({&loud}, context, settings.features),
                                     arm_feature_names({&quiet}, context, settings.features)},
                                    50);
  ASSERT_EQ(p.size(), 2u);
  EXPECT_GT(p[0].p_best, 0.5);
  std::set<std::string> seen;
  bool exclamation = false;
  for (const FeatureContribution& f : p[0].contributions) {
    EXPECT_TRUE(seen.insert(f.feature).second) << f.feature << " twice";
    EXPECT_EQ(f.feature.find("channel="), std::string::npos) << f.feature;
    EXPECT_FALSE(f.label.empty()) << f.feature;
    if (f.feature == "h:exclamation") {
      exclamation = true;
      EXPECT_EQ(f.label, "an exclamation mark");
      EXPECT_GT(f.value, 0);
    }
    if (f.feature == "w:amazing") {
      EXPECT_EQ(f.label, "the word \"amazing\"");
    }
  }
  EXPECT_TRUE(exclamation);
}

TEST(LearnedForecasterTest, OnAMetricWhereLowerIsBetterTheLowerRateWins) {
  // The synthetic tests measured on churn: the "Amazing" arms' 6% against 4% is the worse arm.
  ExperimentCatalog c = synthetic_catalog();
  for (ExperimentFacts& e : c.experiments) e.primary_metric = "churn";
  c.decreasing_metrics = {"churn"};
  c.finish();
  ASSERT_TRUE(c.experiments.front().lower_is_better);
  auto model = train_forecast_model(c, "", ModelSettings{});
  ASSERT_TRUE(model.ok()) << model.status().to_string();
  auto p = predict_candidates(
      **model, {headline("Amazing tale of rivers"), headline("Ancient tale of rivers")}, 5);
  ASSERT_EQ(p.size(), 2u);
  EXPECT_GT(p[1].p_best, 0.5);
  EXPECT_GT(p[1].p_beats[0], 0.5);
  // As lifts of churn itself: the better candidate lowers it, the other raises it, each
  // interval around its lift.
  express_for_lower_is_better(p);
  EXPECT_LT(p[1].lift, 0);
  EXPECT_GT(p[0].lift, 0);
  for (const CandidatePrediction& candidate : p) {
    for (const auto& [level, range] : candidate.intervals) {
      EXPECT_LE(range.first, candidate.lift) << level;
      EXPECT_GE(range.second, candidate.lift) << level;
    }
  }
}

TEST(LearnedForecasterTest, TooFewTestsIsInsufficientEvidenceWithTheNumberNeeded) {
  const ExperimentCatalog c = synthetic_catalog(5);
  auto model = train_forecast_model(c, "", ModelSettings{});
  ASSERT_FALSE(model.ok());
  EXPECT_NE(model.status().to_string().find("at least 20"), std::string::npos);
}

TEST(LearnedForecasterTest, AYoungProgramCalibratesOnAtLeastThirtyTestsButNeverMoreThanHalf) {
  // 5% of 40 tests would be 2, whose few pairs a fit can order perfectly: half are held out.
  auto young = train_forecast_model(synthetic_catalog(40), "", ModelSettings{});
  ASSERT_TRUE(young.ok()) << young.status().to_string();
  EXPECT_EQ((*young)->validation.tests, 20u);
  auto grown = train_forecast_model(synthetic_catalog(120), "", ModelSettings{});
  ASSERT_TRUE(grown.ok());
  EXPECT_EQ((*grown)->validation.tests, 30u);
  // Past 600 tests the share (5%) holds more than 30.
  auto large = train_forecast_model(synthetic_catalog(800), "", ModelSettings{});
  ASSERT_TRUE(large.ok());
  EXPECT_EQ((*large)->validation.tests, 40u);
}

TEST(LearnedForecasterTest, SavedModelScoresTheSame) {
  const ExperimentCatalog c = synthetic_catalog();
  for (Learner learner :
       {Learner::kLogistic, Learner::kBoostedTrees, Learner::kCentredRegression, Learner::kBlend}) {
    ModelSettings settings;
    settings.learner.learner = learner;
    settings.learner.rounds = 20;
    auto model = train_forecast_model(c, "", settings);
    ASSERT_TRUE(model.ok());
    auto loaded = RankingModel::load((*model)->ranking->save());
    ASSERT_TRUE(loaded.ok()) << loaded.status().to_string();
    const std::vector<SparseVector> arms = {
        hash_features(headline("amazing dogs"), settings.features.hash_bits),
        hash_features(headline("plain cats"), settings.features.hash_bits)};
    EXPECT_EQ((*loaded)->scores(arms), (*model)->ranking->scores(arms));
    EXPECT_EQ((*loaded)->learner(), learner);
  }
}

// The refit of train_forecast_model starts from the first fit's solution (a warm start): it must
// land where a fit from zero lands on the same tests (both within liblinear's tolerance), not
// stay where it started. The pairwise logistic fit is the one that starts warm (alone or as the
// blend's part).
TEST(LearnedForecasterTest, AWarmStartedFitReachesTheFitFromZero) {
  const ExperimentCatalog c = synthetic_catalog(200);
  const FeatureOptions features = ModelSettings{}.features;
  const std::vector<DatasetTest> all = collect_tests(c, "", "", features);
  // A fifth of the tests: five times fewer pairs against the same regularisation put the first
  // fit's optimum well away from the one on all tests.
  const std::vector<DatasetTest> earlier(all.begin(), all.begin() + 40);
  const std::vector<SparseVector> arms = {
      hash_features(headline("Amazing tale of rivers"), features.hash_bits),
      hash_features(headline("Ancient tale of rivers"), features.hash_bits)};
  LearnerOptions options = ModelSettings{}.learner;
  options.learner = Learner::kLogistic;
  options.c = 0.01;
  auto from_zero = RankingModel::train(all, make_pairs(all), options);
  auto first = RankingModel::train(earlier, make_pairs(earlier), options);
  ASSERT_TRUE(from_zero.ok() && first.ok());
  auto warm = RankingModel::train(all, make_pairs(all), options, first->get());
  ASSERT_TRUE(warm.ok()) << warm.status().to_string();
  const std::vector<double> zero = (*from_zero)->scores(arms);
  const double margin = zero[0] - zero[1];
  ASSERT_GT(margin, 0);
  const auto gap = [&](const RankingModel& model) {
    const std::vector<double> s = model.scores(arms);
    return std::abs((s[0] - s[1]) - margin);
  };
  EXPECT_GT(gap(**first), 0.2 * margin);
  EXPECT_LT(gap(**warm), 0.05 * margin);
  // A loaded model carries no solution to start from: the fit is the one from zero.
  auto loaded = RankingModel::load((*first)->save());
  ASSERT_TRUE(loaded.ok());
  auto cold = RankingModel::train(all, make_pairs(all), options, loaded->get());
  ASSERT_TRUE(cold.ok());
  EXPECT_EQ((*cold)->scores(arms), zero);
  // Nor does a model that dropped its solution (as train_forecast_model's served model does).
  (*first)->drop_warm_start();
  auto dropped = RankingModel::train(all, make_pairs(all), options, first->get());
  ASSERT_TRUE(dropped.ok());
  EXPECT_EQ((*dropped)->scores(arms), zero);
}

TEST(LearnedForecasterTest, CentredRegressionLearnsTheWordAsALift) {
  const ExperimentCatalog c = synthetic_catalog();
  ModelSettings settings;
  settings.learner.learner = Learner::kCentredRegression;
  settings.learner.c = 1;
  auto model = train_forecast_model(c, "", settings);
  ASSERT_TRUE(model.ok()) << model.status().to_string();
  const auto p = predict_candidates(
      **model, {headline("Amazing tale of rivers"), headline("Ancient tale of rivers")}, 5);
  ASSERT_EQ(p.size(), 2u);
  EXPECT_GT(p[0].p_best, 0.5);
  EXPECT_GT(p[0].p_beats[1], 0.5);
  // The true lifts against the pair's mean are +20% and -20% (6% and 4% around 5%).
  EXPECT_GT(p[0].lift, 0.1);
  EXPECT_LT(p[1].lift, -0.1);
  ASSERT_FALSE(p[0].contributions.empty());
  const std::string top = p[0].contributions.front().feature;
  EXPECT_TRUE(names_amazing(top)) << top;
  EXPECT_GT(p[0].contributions.front().value, 0);
}

TEST(LearnedForecasterTest, BlendLearnsTheWordFromBothParts) {
  const ExperimentCatalog c = synthetic_catalog();
  ModelSettings settings;  // the server's default: the blend
  ASSERT_EQ(settings.learner.learner, Learner::kBlend);
  for (double share : {0.0, 0.3, 1.0}) {  // regression only, the default mix, logistic only
    settings.learner.blend = share;
    auto model = train_forecast_model(c, "", settings);
    ASSERT_TRUE(model.ok()) << model.status().to_string();
    const auto p = predict_candidates(
        **model, {headline("Amazing tale of rivers"), headline("Ancient tale of rivers")}, 5);
    ASSERT_EQ(p.size(), 2u);
    EXPECT_GT(p[0].p_beats[1], 0.5) << "share " << share;
    EXPECT_GT(p[0].lift, 0) << "share " << share;
    ASSERT_FALSE(p[0].contributions.empty());
    const std::string top = p[0].contributions.front().feature;
    EXPECT_TRUE(names_amazing(top)) << top << ", share " << share;
    EXPECT_GT(p[0].contributions.front().value, 0);
  }
}

TEST(LearnedForecasterTest, LiftsAgainstANamedControl) {
  const ExperimentCatalog c = synthetic_catalog();
  auto model = train_forecast_model(c, "", ModelSettings{});  // the server's default learner
  ASSERT_TRUE(model.ok()) << model.status().to_string();
  const std::vector<std::vector<NamedFeature>> candidates = {headline("Amazing tale of rivers"),
                                                             headline("Ancient tale of rivers")};
  const auto by_mean = predict_candidates(**model, candidates, 0);
  const auto by_control = predict_candidates(**model, candidates, 0, size_t{1});
  // Against the control "Ancient ...": its own lift is 0 with an empty interval, and the other's
  // is (1 + its lift) / (1 + the control's) - 1 against the mean.
  EXPECT_EQ(by_control[1].lift, 0);
  EXPECT_EQ(by_control[1].intervals[0].second.first, 0);
  EXPECT_EQ(by_control[1].intervals[0].second.second, 0);
  EXPECT_NEAR(by_control[0].lift, (1 + by_mean[0].lift) / (1 + by_mean[1].lift) - 1, 1e-12);
  EXPECT_GT(by_control[0].lift, by_mean[0].lift);
  // Its interval has the control's half-width, calibrated on held-out pairs.
  const double half =
      (*model)->settings.interval_scale * (*model)->calibration.control_half_width(0.8);
  EXPECT_GT(half, 0);
  EXPECT_NEAR(by_control[0].intervals[0].second.second - by_control[0].lift, half, 1e-12);
  // The probabilities do not depend on the control.
  EXPECT_EQ(by_control[0].p_best, by_mean[0].p_best);
}

TEST(LearnedForecasterTest, KnownWordsCountOnlyWordsTheModelHasSeen) {
  const ExperimentCatalog c = synthetic_catalog();
  auto model = train_forecast_model(c, "", ModelSettings{});
  ASSERT_TRUE(model.ok());
  const auto p = predict_candidates(
      **model, {headline("Amazing dogs"), headline("Zyxw qwvu"), headline("")}, 0);
  EXPECT_GT(p[0].known_words, 0u);
  EXPECT_EQ(p[1].known_words, 0u);
  EXPECT_EQ(p[2].known_words, 0u);
}

}  // namespace
}  // namespace expgraph::insights
