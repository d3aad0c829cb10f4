// RankingModel: the learner behind the forecast, wrapping a Debian library (no hand-written
// learner). It scores arms so that P(a beats b) = sigmoid(score a - score b):
//  - kLogistic: liblinear L2-regularised logistic regression on the feature differences of the
//    within-test pairs (no bias, so the model is antisymmetric);
//  - kCentredRegression: liblinear L2-regularised least squares (L2R_L2LOSS_SVR, epsilon 0) of
//    each arm's relative lift against its test's mean rate on its features centred on the test's
//    mean, each arm weighted by its precision (random-effects weights 1 / (var + tau^2)): a
//    listwise view where the score is the expected lift itself and test-level features cancel;
//  - kBoostedTrees: XGBoost rank:pairwise (or rank:ndcg) with one group per experiment;
//  - kBlend: the average of a kLogistic model (inverse regularisation `pairwise_c`) and a
//    kCentredRegression model (`c`), each first divided by the spread of its within-test scores
//    on the training arms so that neither dominates by scale; `blend` is the logistic model's
//    share. Still one linear scorer (the averaged weights), so contributions stay exact.
// Used by learned_forecaster and tools/bench. Immutable once trained; scoring is thread-safe
// (the XGBoost booster is guarded by a mutex).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ontology/status.h"
#include "query/insights/pair_dataset.h"

namespace expgraph::insights {

enum class Learner { kLogistic, kBoostedTrees, kCentredRegression, kBlend };

struct LearnerOptions {
  Learner learner = Learner::kLogistic;
  bool weight_by_certainty = true;  // pairs (or groups) count by the certainty of their label
  double c = 0.001;                 // liblinear: inverse regularisation strength
  bool l1 = false;                  // kLogistic: L1 (sparse) instead of L2 regularisation
  // liblinear has no instance weights: a pair is repeated round(certainty * copies) times (>= 1).
  int copies = 3;
  double pairwise_c = 0.1;        // kBlend: C of its logistic part (`c` is its regression part's)
  double blend = 0.5;             // kBlend: the logistic part's share of the standardised average
  bool pairwise_weighted = true;  // kBlend: its logistic part repeats pairs by certainty
  int rounds = 150, depth = 4;    // XGBoost
  bool ndcg = false;              // XGBoost: rank:ndcg instead of rank:pairwise
  double eta = 0.1, min_child_weight = 1, subsample = 0.8, colsample = 0.5;
  int threads = 1;
};

// A feature's part of an arm's score.
using Contributions = std::vector<std::pair<uint32_t, double>>;

class RankingModel {
 public:
  virtual ~RankingModel() = default;

  // Trains on the pairs of `tests`. With `start`, a model of the same learner trained here on
  // similar data (say, the earlier tests of the same set), the pairwise logistic fit (alone or in
  // the blend) starts from its solution (a warm start: the same optimum in fewer steps); the
  // other learners and a loaded model ignore it. Errors: invalid_argument without pairs, internal
  // from the library.
  static Result<std::unique_ptr<RankingModel>> train(const std::vector<DatasetTest>& tests,
                                                     const std::vector<DatasetPair>& pairs,
                                                     const LearnerOptions& options,
                                                     const RankingModel* start = nullptr);
  // A model from save()'s bytes. Errors: invalid_argument when they are not one.
  static Result<std::unique_ptr<RankingModel>> load(const std::string& bytes);

  // Frees what a later train() would start from (a served model is never refitted: its logistic
  // solution, as large as its weights, would only hold memory).
  virtual void drop_warm_start() {}
  virtual std::string save() const = 0;
  virtual Learner learner() const = 0;
  // One score per arm.
  virtual std::vector<double> scores(const std::vector<SparseVector>& arms) const = 0;
  // Per arm, the non-zero contributions of its features to its score (by feature index).
  virtual std::vector<Contributions> contributions(const std::vector<SparseVector>& arms) const = 0;
};

const char* learner_name(Learner learner);

}  // namespace expgraph::insights
