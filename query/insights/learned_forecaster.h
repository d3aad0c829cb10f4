// The learned forecast: a RankingModel trained on the concluded experiments started before a
// cut-off, calibrated on its most recent tests held out of a first fit (lift_calibration), then
// refitted on all of them. Predicts, for a set of candidates, P(best), P(beats each other), the
// expected lift against the set's mean with calibrated intervals, and the features that pushed
// each candidate up or down. Used by InsightsService and tools/bench.
// A ForecastModel is immutable once trained and thread-safe to read.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "query/insights/arm_features.h"
#include "query/insights/experiment_catalog.h"
#include "query/insights/lift_calibration.h"
#include "query/insights/ranking_model.h"

namespace expgraph::insights {

// The defaults are what bench_upworthy_forward_eval chose on validation windows before its
// evaluation weeks (docs/insights.md): the liblinear blend of a pairwise logistic model (C = 0.1,
// pairs repeated by certainty, share 0.15) and the centred regression (C = 0.001, precision
// weights), with the embedder's vector of the text x 3 among the features (used when the
// keeper has an embedder: the glove one) and the word positions, punctuation and set features,
// the latest 5% of tests (at least 30) held out to calibrate, intervals scaled by 1.15.
struct ModelSettings {
  ModelSettings() {
    learner.learner = Learner::kBlend;
    learner.c = 0.001;
    learner.pairwise_c = 0.1;
    learner.pairwise_weighted = true;
    learner.blend = 0.15;
    features.embedding = true;
    features.embedding_scale = 3;
    features.positions = true;
    features.punctuation = true;
    features.set_features = true;
  }
  FeatureOptions features;
  LearnerOptions learner;
  double calibration_share = 0.05;  // the latest tests held out to calibrate
  // Multiplies the conformal half-widths: > 1 when intervals fitted on the past under-cover
  // later tests (chosen on validation windows, never on the evaluated weeks).
  double interval_scale = 1.15;
  size_t min_tests = 20;  // concluded tests with >= 2 measured arms needed to train
};

// How the first fit did on the held-out (latest) tests. The log-loss uses the temperature fitted
// on those same tests, so it is slightly optimistic; the accuracy does not depend on it.
struct ValidationFigures {
  size_t tests = 0, pairs = 0;
  double accuracy = 0;  // pairs whose winner the model ranked higher
  double log_loss = 0, base_log_loss = 0;
};

struct ForecastModel {
  std::string cutoff;      // trained on experiments started before this date ("" = all)
  std::string trained_at;  // UTC, RFC 3339
  // Wall time of the whole training (reading the tests, both fits, the calibration), so that an
  // operator sees what a retrain costs as the graph grows; nullopt for a model stored before it
  // was recorded.
  std::optional<double> training_seconds;
  size_t experiments = 0, pairs = 0;
  ValidationFigures validation;
  ModelSettings settings;
  std::unique_ptr<RankingModel> ranking;
  LiftCalibration calibration;
};

// Trains on the experiments started before `cutoff` ("" = all). With `known_by_cutoff`, only
// those that had also ended before it (results known then): what a model trained on that day
// could have seen, for forecasts about the past (as_of) and the forward evaluation. Errors:
// unprocessable("insufficient_evidence") with fewer than settings.min_tests tests.
Result<std::unique_ptr<ForecastModel>> train_forecast_model(const ExperimentCatalog& catalog,
                                                            const std::string& cutoff,
                                                            const ModelSettings& settings,
                                                            bool known_by_cutoff = false);

struct FeatureContribution {
  std::string feature;  // explained_feature: the word vectors as one, crosses with their feature
  std::string label;    // model_feature_label: what it means, in words
  double value = 0;     // its part of the candidate's score, against the set's average
};

struct CandidatePrediction {
  double score = 0;
  double p_best = 0;
  std::vector<double> p_beats;  // by candidate index; the candidate's own entry is 0.5
  double lift = 0;              // expected relative lift against the set's mean (or the control)
  std::vector<std::pair<double, std::pair<double, double>>> intervals;  // level -> (low, high)
  std::vector<FeatureContribution> contributions;  // largest |value| first, at most `top`
  // Of its words and word pairs ("w:", "b:"), those the model has a weight for: 0 means the
  // model has seen none of its text in past tests (only its shape: length, question, ...).
  size_t known_words = 0;
};

// `candidates[i]`: candidate i's named features (arm_feature_names). `top` contributions each;
// 0 skips them (faster). With a `control` (a candidate's index), lifts and their intervals are
// against it (its own lift is 0 with an empty interval), else against the set's mean.
std::vector<CandidatePrediction> predict_candidates(
    const ForecastModel& model, const std::vector<std::vector<NamedFeature>>& candidates,
    size_t top, std::optional<size_t> control = std::nullopt);

// For a draft measured on a metric where lower is better: the model learns and predicts lifts of
// the reciprocal rate there (pair_dataset), so each candidate's lift and interval ends become
// lifts of the metric itself, 1 / (1 + lift) - 1 (the ends swap). p_best and p_beats already
// mean "better" and stay.
void express_for_lower_is_better(std::vector<CandidatePrediction>& predictions);

}  // namespace expgraph::insights
