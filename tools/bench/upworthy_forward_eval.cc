// Forward-in-time evaluation of forecasts and patterns on the Upworthy Research Archive.
// Imports the archive (tools/importers) into a temporary GraphStore with a SimilarityIndex,
// loads the insights catalog, then walks the tests in start order. For every test from
// --from (2014-06-01) on with at least two distinct headlines it
//  - forecasts each package from the tests that started before it only (query/insights
//    forecaster: DL random effects over past arms whose headline resembles the package's, found
//    by the AssetTextIndex as the server does, EB-shrunk towards the prior of the most similar
//    past tests) and checks whether the
//    package ranked first has the highest CTR, against the random pick (|best| / n);
//  - takes the strongest pattern mined from earlier tests (pooled CI excluding 0) whose feature
//    splits the test's packages and checks whether its predicted side holds the best package,
//    against the random pick (|best| / n).
// Nothing of those two is tuned: every option is the library default. Then the learned forecast
// (query/insights/learned_forecaster): learners and parameters are chosen on rolling windows
// before --from only; the chosen model walks forward from --from, retrained every
// --retrain-days, or as the server does when --retrain-after more tests have ended, each model
// on the tests that started and ended before its cut-off, and is scored (top-1, pairwise
// accuracy, log-loss, Brier, interval coverage, 95% CIs clustered by test) beside the simple
// baseline of issue 18 (trained once before --from). Last, the latency of InsightsService::
// forecast with the server's default model. Usage:
//   bench_upworthy_forward_eval [--csv PATH] [--from YYYY-MM-DD] [--ontology FILE]
//     [--validation-days N] [--folds N] [--retrain-days N | --retrain-after N] [--threads N]
//     [--with-trees] [--word-vectors FILE] [--sentence-encoder FILE] [--only NAME,NAME]
//     [--select-only | --latency-only | --untrained-only]
// (paths relative to the repository root by default). --select-only runs the model selection
// alone (it reads no test from --from on); --latency-only times the forecast route alone
// (with --sentence-encoder the route's search index embeds with use, as tools/run's server,
// while the model reads the --word-vectors);
// --untrained-only scores the meta-analytic forecast and the patterns alone (nothing learned).
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "graph/graph_store.h"
#include "query/insights/asset_text_index.h"
#include "query/insights/catalog_loader.h"
#include "query/insights/experiment_catalog.h"
#include "query/insights/forecaster.h"
#include "query/insights/insights_service.h"
#include "query/insights/learned_forecaster.h"
#include "query/insights/pair_dataset.h"
#include "query/insights/pattern_miner.h"
#include "query/insights/similar_tests.h"
#include "query/similarity/glove_embedder.h"
#include "query/similarity/hashing_embedder.h"
#include "query/similarity/similarity_index.h"
#include "tools/bench/forecast_scoring.h"
#include "tools/bench/upworthy_import.h"

namespace {

using namespace expgraph;
using namespace expgraph::insights;

using bench::kZ95;

struct Tally {
  double hits = 0;      // sum of fractional credits (a tie at the top shares the credit)
  double baseline = 0;  // sum of |best| / n
  std::vector<double> differences;  // per test: credit - baseline
  size_t tests = 0;

  void add(double credit, double chance) {
    hits += credit;
    baseline += chance;
    differences.push_back(credit - chance);
    ++tests;
  }

  void print(const char* name) const {
    if (tests == 0) {
      std::printf("%s: no tests\n", name);
      return;
    }
    const double n = static_cast<double>(tests);
    const double p = hits / n;
    // Wilson score interval of the hit rate (credits summed as successes).
    const double z2 = kZ95 * kZ95;
    const double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
    const double half = kZ95 * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
    double mean = 0;
    for (double d : differences) mean += d;
    mean /= n;
    double var = 0;
    for (double d : differences) var += (d - mean) * (d - mean);
    var /= std::max(1.0, n - 1);
    const double se = std::sqrt(var / n);
    std::printf(
        "%s: tests %zu, top-1 hit rate %.4f (95%% Wilson CI %.4f..%.4f), random baseline "
        "%.4f; difference %+.4f (95%% CI %+.4f..%+.4f)%s\n",
        name, tests, p, centre - half, centre + half, baseline / n, mean, mean - kZ95 * se,
        mean + kZ95 * se, mean - kZ95 * se > 0 ? "" : "  -> not better than chance");
  }
};

// The arms with the highest CTR (all of them on a tie).
std::set<size_t> best_arms(const ExperimentFacts& e, const std::vector<size_t>& arms) {
  std::set<size_t> best;
  double top = -1;
  for (size_t a : arms) {
    const double rate = e.arms[a].rate().value_or(-1);
    if (rate > top) {
      top = rate;
      best = {a};
    } else if (rate == top) {
      best.insert(a);
    }
  }
  return best;
}

std::string headline_of(const ExperimentCatalog& c, const ArmFacts& arm) {
  for (size_t a : arm.assets) {
    if (c.assets[a].kind == "headline") return c.assets[a].text;
  }
  return "";
}

// ---- the learned forecast ----

using bench::ClusteredMean;
using bench::ForecastScore;

// The evaluated tests: measured arms with at least two distinct headlines.
std::vector<DatasetTest> eligible_tests(const ExperimentCatalog& c, const std::string& from,
                                        const std::string& before, const FeatureOptions& f) {
  std::vector<DatasetTest> out;
  for (DatasetTest& t : collect_tests(c, from, before, f)) {
    std::set<std::string> headlines;
    for (const DatasetArm& a : t.arms) {
      headlines.insert(headline_of(c, c.experiments[t.experiment].arms[a.arm]));
    }
    if (headlines.size() >= 2) out.push_back(std::move(t));
  }
  return out;
}

// Scores one test's predictions into `score`.
void score_test(const DatasetTest& t, const std::vector<CandidatePrediction>& p,
                ForecastScore& score) {
  double best_rate = -1;
  for (const DatasetArm& a : t.arms) best_rate = std::max(best_rate, a.rate);
  double top_score = -INFINITY;
  for (const CandidatePrediction& c : p) top_score = std::max(top_score, c.score);
  double best = 0, top = 0, credit = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    best += t.arms[i].rate == best_rate ? 1 : 0;
    if (p[i].score == top_score) {
      ++top;
      credit += t.arms[i].rate == best_rate ? 1 : 0;
    }
  }
  score.add_top1(credit / top, best / static_cast<double>(p.size()));
  double correct = 0, pairs = 0, correct_sig = 0, pairs_sig = 0;
  double loss = 0, brier = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    for (size_t j = i + 1; j < p.size(); ++j) {
      if (t.arms[i].rate == t.arms[j].rate) continue;
      const bool i_wins = t.arms[i].rate > t.arms[j].rate;
      const double q = p[i].p_beats[j];
      const double right = q == 0.5 ? 0.5 : ((q > 0.5) == i_wins ? 1 : 0);
      correct += right;
      ++pairs;
      if (std::abs(difference_z(t.arms[i], t.arms[j])) >= kZ95) {
        correct_sig += right;
        ++pairs_sig;
      }
      const double q_won = std::clamp(i_wins ? q : 1 - q, 1e-12, 1.0);
      loss += -std::log(q_won);
      brier += (1 - q_won) * (1 - q_won);
    }
  }
  score.accuracy_all.add_test(correct, pairs);
  score.accuracy_significant.add_test(correct_sig, pairs_sig);
  score.log_loss.add_test(loss, pairs);
  score.base_log_loss.add_test(pairs * std::log(2.0), pairs);
  score.log_loss_gain.add_test(pairs * std::log(2.0) - loss, pairs);
  score.brier.add_test(brier, pairs);
  score.brier_gain.add_test(pairs * 0.25 - brier, pairs);
  std::vector<double> rates;
  for (const DatasetArm& a : t.arms) rates.push_back(a.rate);
  const std::vector<double> realised = realised_lifts(rates);
  double in80 = 0, in95 = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    for (const auto& [level, range] : p[i].intervals) {
      const bool inside = realised[i] >= range.first && realised[i] <= range.second;
      if (level == 0.8) in80 += inside ? 1 : 0;
      if (level == 0.95) in95 += inside ? 1 : 0;
    }
  }
  score.cover80.add_test(in80, static_cast<double>(p.size()));
  score.cover95.add_test(in95, static_cast<double>(p.size()));
}

void score_tests(const ExperimentCatalog& c, const ForecastModel& model,
                 const std::vector<DatasetTest>& tests, ForecastScore& score) {
  for (const DatasetTest& t : tests) {
    score_test(t, predict_candidates(model, test_arm_features(c, t, model.settings.features), 0),
               score);
  }
}

struct Candidate {
  std::string name;
  ModelSettings settings;
};

std::vector<Candidate> model_candidates(int threads, bool with_trees,
                                        const similarity::Embedder* embedder,
                                        const similarity::Embedder* hashing) {
  std::vector<Candidate> out;
  // A liblinear candidate of `learner` with inverse regularisation `c`, changed by `change`.
  auto linear = [&out](std::string name, Learner learner, double c, auto change) {
    Candidate k{std::move(name), {}};
    k.settings.learner.learner = learner;
    k.settings.learner.c = c;
    k.settings.interval_scale = 1;          // chosen after the learner, below
    // The feature groups on by default in FeatureOptions (words, bigrams, headline features,
    // kinds and tags, context crosses); the others (vectors, positions, punctuation, set
    // features) only in the candidates that say so.
    k.settings.features = FeatureOptions{};
    change(k.settings);
    out.push_back(std::move(k));
  };
  auto as_is = [](ModelSettings&) {};
  auto c_text = [](double c) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", c);
    return std::string(text);
  };
  // Pairwise logistic regression (pairs weighted by certainty), L2 and L1.
  for (double c : {0.001, 0.003, 0.01, 0.03}) {
    linear("pairwise logistic C=" + c_text(c), Learner::kLogistic, c, as_is);
  }
  for (double c : {0.03, 0.1, 0.3}) {
    linear("pairwise logistic L1 C=" + c_text(c), Learner::kLogistic, c,
           [](ModelSettings& s) { s.learner.l1 = true; });
  }
  // Centred regression of each arm's lift against its test's mean (precision-weighted).
  for (double c : {0.0003, 0.001, 0.003, 0.01, 0.03, 0.1}) {
    linear("centred regression C=" + c_text(c), Learner::kCentredRegression, c, as_is);
  }
  for (double c : {0.001, 0.003}) {
    linear("centred regression C=" + c_text(c) + " unweighted", Learner::kCentredRegression, c,
           [](ModelSettings& s) { s.learner.weight_by_certainty = false; });
  }
  // Feature groups, on the centred regression and the pairwise model.
  for (Learner learner : {Learner::kCentredRegression, Learner::kLogistic}) {
    const double c = 0.003;
    const std::string name =
        learner == Learner::kLogistic ? "pairwise logistic C=0.003" : "centred regression C=0.003";
    linear(name + " without context crosses", learner, c,
           [](ModelSettings& s) { s.features.context_crosses = false; });
    linear(name + " without bigrams", learner, c,
           [](ModelSettings& s) { s.features.bigrams = false; });
    linear(name + " without headline features", learner, c,
           [](ModelSettings& s) { s.features.headline = false; });
    linear(name + " + image ids", learner, c,
           [](ModelSettings& s) { s.features.asset_keys = true; });
  }
  // Less regularised pairwise logistic models, as the simple baseline is (C = 1, unweighted).
  for (double c : {0.1, 0.3, 1.0}) {
    linear("pairwise logistic C=" + c_text(c), Learner::kLogistic, c, as_is);
    linear("pairwise logistic C=" + c_text(c) + " unweighted", Learner::kLogistic, c,
           [](ModelSettings& s) { s.learner.weight_by_certainty = false; });
  }
  // The simple baseline's own features and learner, as a candidate.
  linear("pairwise logistic C=1 unweighted, baseline features", Learner::kLogistic, 1,
         [](ModelSettings& s) {
           s.features.kinds_and_tags = false;
           s.features.context_crosses = false;
           s.learner.weight_by_certainty = false;
         });
  // Blends: a pairwise logistic model and the centred regression, each standardised by its
  // within-test spread, averaged (share = the logistic part's).
  for (double pc : {0.1, 0.3, 1.0}) {
    for (bool weighted : {false, true}) {
      for (double share : {0.3, 0.5, 0.7}) {
        linear("blend logistic C=" + c_text(pc) + (weighted ? " weighted" : " unweighted") +
                   " share " + c_text(share) + " + centred regression C=0.001",
               Learner::kBlend, 0.001, [=](ModelSettings& s) {
                 s.learner.pairwise_c = pc;
                 s.learner.pairwise_weighted = weighted;
                 s.learner.blend = share;
               });
      }
    }
  }
  // The embedder's vector of the text as dense features: the glove embedder (--word-vectors)
  // on the blend and the centred regression at several scales, and the built-in hashing
  // embedder on the blend.
  auto with_vectors = [](const similarity::Embedder* e, double scale) {
    return [e, scale](ModelSettings& s) {
      s.features.embedding = true;
      s.features.embedding_scale = scale;
      s.features.embedder = e;
      s.features.embedder_id = e->id();
    };
  };
  // The blend's logistic part (C = 0.1, pairs repeated by certainty) at `share`, with vectors.
  auto blend_of = [=](double share, const similarity::Embedder* e, double scale) {
    return [=](ModelSettings& s) {
      s.learner.pairwise_c = 0.1;
      s.learner.pairwise_weighted = true;
      s.learner.blend = share;
      with_vectors(e, scale)(s);
    };
  };
  auto blend_with = [&](const std::string& name, const similarity::Embedder* e, double scale,
                        double share, double regression_c) {
    linear("blend logistic C=0.1 weighted share " + c_text(share) + " + centred regression C=" +
               c_text(regression_c) + " + " + name + " x" + c_text(scale),
           Learner::kBlend, regression_c, blend_of(share, e, scale));
  };
  if (embedder != nullptr) {
    for (double scale : {1.0, 2.0, 3.0, 5.0, 10.0}) {
      linear("centred regression C=0.001 + glove x" + c_text(scale), Learner::kCentredRegression,
             0.001, with_vectors(embedder, scale));
      blend_with("glove", embedder, scale, 0.3, 0.001);
    }
    linear("centred regression C=0.003 + glove x3", Learner::kCentredRegression, 0.003,
           with_vectors(embedder, 3));
    blend_with("glove", embedder, 3, 0.15, 0.001);
    blend_with("glove", embedder, 3, 0.5, 0.001);
    blend_with("glove", embedder, 3, 0.3, 0.003);
    blend_with("glove", embedder, 3, 0.3, 0.0003);
    // Where words stand, the punctuation used and how each candidate stands among its rivals,
    // on the blend with vectors x3, alone and together; the three together at other blends.
    auto shape = [=](int which, double share) {
      return [=](ModelSettings& s) {
        blend_of(share, embedder, 3)(s);
        s.features.positions = (which & 1) != 0;
        s.features.punctuation = (which & 2) != 0;
        s.features.set_features = (which & 4) != 0;
      };
    };
    for (int which : {1, 2, 4, 3, 7}) {
      linear(std::string("blend logistic C=0.1 weighted share 0.15 + centred regression C=0.001 + "
                         "glove x3") +
                 (which & 1 ? " + positions" : "") + (which & 2 ? " + punctuation" : "") +
                 (which & 4 ? " + set features" : ""),
             Learner::kBlend, 0.001, shape(which, 0.15));
    }
    for (const auto& [share, regression_c] :
         std::vector<std::pair<double, double>>{{0.3, 0.001}, {0.15, 0.003}, {0.15, 0.0003}}) {
      linear("blend logistic C=0.1 weighted share " + c_text(share) + " + centred regression C=" +
                 c_text(regression_c) + " + glove x3 + positions + punctuation + set features",
             Learner::kBlend, regression_c, shape(7, share));
    }
  }
  if (hashing != nullptr) {
    for (double scale : {1.0, 3.0}) blend_with("hashing", hashing, scale, 0.3, 0.001);
  }
  // XGBoost rank:pairwise and rank:ndcg, depth 3, with the glove vectors x3 and without. Depth 6
  // was measured too (validation log-loss 0.6766, 96 s to train): slower, no better.
  if (with_trees) {
    std::vector<const similarity::Embedder*> vectors = {nullptr};
    if (embedder != nullptr) vectors.insert(vectors.begin(), embedder);
    for (const similarity::Embedder* e : vectors) {
      for (bool ndcg : {false, true}) {
        Candidate trees{std::string(ndcg ? "xgboost rank:ndcg" : "xgboost rank:pairwise") +
                            " depth 3" + (e != nullptr ? " + glove x3" : ""),
                        {}};
        trees.settings.features = FeatureOptions{};
        trees.settings.learner.learner = Learner::kBoostedTrees;
        trees.settings.learner.ndcg = ndcg;
        trees.settings.learner.depth = 3;
        trees.settings.learner.threads = threads;
        trees.settings.interval_scale = 1;
        if (e != nullptr) with_vectors(e, 3)(trees.settings);
        out.push_back(std::move(trees));
      }
    }
  }
  return out;
}

// The simple baseline of the Bars: liblinear logistic regression on hashed unigrams
// and bigrams plus seven headline features, unweighted pairs.
ModelSettings simple_baseline() {
  ModelSettings s;
  s.features = FeatureOptions{};  // no vectors, positions, punctuation or set features
  s.features.kinds_and_tags = false;
  s.features.context_crosses = false;
  s.learner.learner = Learner::kLogistic;
  s.learner.weight_by_certainty = false;
  s.interval_scale = 1;
  s.learner.c = 1;
  s.calibration_share = 0.1;
  return s;
}

// When the walk forward trains a new model: every `days` days (cut-offs start, start + days,
// ...), or, with `after_tests` > 0, as the server does (ForecastModelKeeper::retrain_after): at
// the start of the first test by which `after_tests` more tests have ended than the model was
// trained on.
struct Retraining {
  int days = 28;
  size_t after_tests = 0;
  std::string describe() const {
    return after_tests > 0 ? "when " + std::to_string(after_tests) +
                                 " more tests have ended (as the server does)"
                           : "every " + std::to_string(days) + " days";
  }
};

struct WalkStats {
  size_t retrains = 0;
  double slowest_training = 0;
  std::vector<double> latencies;  // ms per test, prediction with contributions
};

// Forecasts the eligible tests started in [start, end) ("" = no end) in start order, each with
// a model trained only on tests that had started and ended before its cut-off, the cut-off
// never after the test's own start; scores them into `score`.
Status walk_forward(const ExperimentCatalog& c, const ModelSettings& settings,
                    const std::string& start, const std::string& end, const Retraining& retraining,
                    ForecastScore& score, WalkStats& stats, size_t top = 0) {
  using Clock = std::chrono::steady_clock;
  FeatureOptions counting;  // features do not matter to count the tests a model would see
  counting.words = counting.bigrams = counting.headline = counting.kinds_and_tags = false;
  counting.context_crosses = false;
  std::unique_ptr<ForecastModel> model;
  std::string cutoff;
  for (const DatasetTest& t : eligible_tests(c, start, end, settings.features)) {
    const std::string& started = c.experiments[t.experiment].started_at;
    std::string next;
    if (!model) {
      next = start;
    } else if (retraining.after_tests > 0) {
      if (started > cutoff && collect_tests(c, "", started, counting, started).size() >=
                                  model->experiments + retraining.after_tests) {
        next = started;
      }
    } else if (retraining.days > 0 && started >= add_days(cutoff, retraining.days)) {
      next = cutoff;
      while (started >= add_days(next, retraining.days)) next = add_days(next, retraining.days);
    }
    if (!next.empty()) {
      const auto t0 = Clock::now();
      auto trained = train_forecast_model(c, next, settings, /*known_by_cutoff=*/true);
      stats.slowest_training = std::max(stats.slowest_training,
                                        std::chrono::duration<double>(Clock::now() - t0).count());
      if (!trained.ok()) return trained.status();
      model = std::move(trained).value();
      cutoff = next;
      ++stats.retrains;
    }
    const auto t0 = Clock::now();
    const auto p = predict_candidates(*model, test_arm_features(c, t, settings.features), top);
    stats.latencies.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    score_test(t, p, score);
  }
  return Status();
}

// Rolling-origin validation over `folds` windows of `days` just before `from`: each window is
// walked forward from its first day (the first model trained on the tests that ended before
// it, retrained as `retraining` says); the scores are pooled.
ForecastScore validate(const ExperimentCatalog& c, const ModelSettings& settings,
                       const std::string& from, int days, int folds, const Retraining& retraining) {
  ForecastScore score;
  for (int fold = 1; fold <= folds; ++fold) {
    const std::string start = add_days(from, -fold * days),
                      end = add_days(from, -(fold - 1) * days);
    WalkStats ignored;
    (void)walk_forward(c, settings, start, end, retraining, score, ignored);
  }
  return score;
}

// The validation coverage of the intervals at several interval scales (one model per fold,
// rescored with each scale: the scale changes nothing else).
std::vector<ForecastScore> validate_scales(const ExperimentCatalog& c,
                                           const ModelSettings& settings, const std::string& from,
                                           int days, int folds, const std::vector<double>& scales) {
  std::vector<ForecastScore> scores(scales.size());
  for (int fold = 1; fold <= folds; ++fold) {
    const std::string start = add_days(from, -fold * days),
                      end = add_days(from, -(fold - 1) * days);
    auto model = train_forecast_model(c, start, settings, /*known_by_cutoff=*/true);
    if (!model.ok()) continue;
    const std::vector<DatasetTest> tests = eligible_tests(c, start, end, settings.features);
    for (size_t s = 0; s < scales.size(); ++s) {
      (*model)->settings.interval_scale = scales[s];
      score_tests(c, **model, tests, scores[s]);
    }
  }
  return scores;
}

// Chooses the model on the weeks before `from`, then walks forward from it.
struct EvalOptions {
  std::string from = "2014-06-01";
  int validation_days = 91, folds = 3, threads = 2;
  Retraining retraining;  // of the walk forward from `from`
  // Of the candidates' validation: one model per window (0 days, fast) unless asked.
  Retraining validation_retraining{0, 0};
  bool with_trees = false;  // XGBoost among the candidates (45-96 s per training)
  const similarity::Embedder* embedder = nullptr;  // --word-vectors: glove features tried
  const similarity::Embedder* hashing = nullptr;   // the hashing embedder's features, tried too
  bool select_only = false;  // stop after the choice: never touches the evaluation weeks
  // Candidates whose name contains one of these (empty: all); to try variants quickly.
  std::vector<std::string> only;
};

void evaluate_models(const ExperimentCatalog& c, const EvalOptions& o) {
  using Clock = std::chrono::steady_clock;
  const std::string& from = o.from;
  const int validation_days = o.validation_days;
  const int kFolds = o.folds;
  std::printf(
      "\n== learned forecast ==\nmodel selection: %d rolling windows of %d days before %s (from "
      "%s), each scored by a model trained on the tests started before it; nothing is chosen on "
      "the evaluation weeks; criterion: pooled pairwise log-loss\n",
      kFolds, validation_days, from.c_str(), add_days(from, -kFolds * validation_days).c_str());
  std::optional<Candidate> chosen;
  double chosen_loss = INFINITY;
  std::vector<Candidate> candidates;
  for (Candidate& k : model_candidates(o.threads, o.with_trees, o.embedder, o.hashing)) {
    bool wanted = o.only.empty();
    for (const std::string& part : o.only)
      wanted = wanted || k.name.find(part) != std::string::npos;
    if (wanted) candidates.push_back(std::move(k));
  }
  // The candidates are validated by o.threads workers (training is single-threaded but for
  // XGBoost, which uses o.threads itself and so runs alone); printed in their order.
  std::vector<ForecastScore> scores(candidates.size());
  std::vector<double> seconds(candidates.size());
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < candidates.size(); i = next++) {
      const auto t0 = Clock::now();
      scores[i] = validate(c, candidates[i].settings, from, validation_days, kFolds,
                           o.validation_retraining);
      seconds[i] = std::chrono::duration<double>(Clock::now() - t0).count();
    }
  };
  {
    std::vector<std::thread> workers;
    for (int w = 1; w < std::max(1, o.threads); ++w) workers.emplace_back(work);
    work();
    for (std::thread& t : workers) t.join();
  }
  for (size_t i = 0; i < candidates.size(); ++i) {
    const Candidate& k = candidates[i];
    const ForecastScore& score = scores[i];
    std::printf(
        "[validation %s] %.1f s; %.0f tests; top-1 %.4f vs random %.4f; accuracy all %.4f, "
        "significant %.4f; log-loss %.4f vs %.4f; coverage 80%% %.4f, 95%% %.4f\n",
        k.name.c_str(), seconds[i], score.top1.count, score.top1.mean(), score.chance.mean(),
        score.accuracy_all.mean(), score.accuracy_significant.mean(), score.log_loss.mean(),
        score.base_log_loss.mean(), score.cover80.mean(), score.cover95.mean());
    if (score.log_loss.mean() < chosen_loss) {
      chosen_loss = score.log_loss.mean();
      chosen = k;
    }
  }
  if (!chosen) return;
  // The share of the latest training tests held out for the interval quantiles: the one whose
  // validation coverage is nearest the nominal 80% and 95%.
  double chosen_gap = INFINITY;
  double best_share = chosen->settings.calibration_share;
  for (double share : {0.05, 0.1, 0.25, 0.4}) {
    ModelSettings settings = chosen->settings;
    settings.calibration_share = share;
    const ForecastScore score =
        validate(c, settings, from, validation_days, kFolds, o.validation_retraining);
    const double gap = std::abs(score.cover80.mean() - 0.8) + std::abs(score.cover95.mean() - 0.95);
    std::printf("[validation calibration share %.2f] coverage 80%% %.4f, 95%% %.4f\n", share,
                score.cover80.mean(), score.cover95.mean());
    if (gap < chosen_gap) {
      chosen_gap = gap;
      best_share = share;
    }
  }
  chosen->settings.calibration_share = best_share;
  // Then the scale of the intervals, by the same criterion.
  const std::vector<double> scales = {1.0, 1.05, 1.1, 1.15, 1.2, 1.3};
  const std::vector<ForecastScore> scaled =
      validate_scales(c, chosen->settings, from, validation_days, kFolds, scales);
  double best_scale = 1, scale_gap = INFINITY;
  for (size_t i = 0; i < scales.size(); ++i) {
    const double gap =
        std::abs(scaled[i].cover80.mean() - 0.8) + std::abs(scaled[i].cover95.mean() - 0.95);
    std::printf("[validation interval scale %.2f] coverage 80%% %.4f, 95%% %.4f\n", scales[i],
                scaled[i].cover80.mean(), scaled[i].cover95.mean());
    if (gap < scale_gap) {
      scale_gap = gap;
      best_scale = scales[i];
    }
  }
  chosen->settings.interval_scale = best_scale;
  std::printf(
      "chosen on validation (weeks before %s only): %s, calibration share %.2f, interval scale "
      "%.2f\n",
      from.c_str(), chosen->name.c_str(), best_share, best_scale);

  // How often to retrain matters only through what the newer tests teach: the validation
  // windows walked forward with the evaluation's retraining, beside one model per window.
  if (o.retraining.days > 0 || o.retraining.after_tests > 0) {
    const ForecastScore walked =
        validate(c, chosen->settings, from, validation_days, kFolds, o.retraining);
    std::printf(
        "[validation of the choice, retrained %s] top-1 %.4f vs random %.4f; accuracy all "
        "%.4f, significant %.4f; log-loss %.4f; coverage 80%% %.4f, 95%% %.4f\n",
        o.retraining.describe().c_str(), walked.top1.mean(), walked.chance.mean(),
        walked.accuracy_all.mean(), walked.accuracy_significant.mean(), walked.log_loss.mean(),
        walked.cover80.mean(), walked.cover95.mean());
  }
  if (o.select_only) return;

  // The simple baseline: trained once before `from`, never retrained.
  auto baseline = train_forecast_model(c, from, simple_baseline(), /*known_by_cutoff=*/true);
  ForecastScore model_score, baseline_score;
  WalkStats stats;
  const Status walked =
      walk_forward(c, chosen->settings, from, "", o.retraining, model_score, stats, 5);
  if (!walked.ok()) {
    std::printf("walk-forward failed: %s\n", walked.to_string().c_str());
    return;
  }
  const std::vector<DatasetTest> evaluated = eligible_tests(c, from, "", chosen->settings.features);
  if (baseline.ok()) {
    for (const DatasetTest& t : evaluated) {
      score_test(
          t, predict_candidates(**baseline, test_arm_features(c, t, simple_baseline().features), 0),
          baseline_score);
    }
  }
  std::vector<double>& latencies = stats.latencies;
  std::sort(latencies.begin(), latencies.end());
  std::printf(
      "walk-forward from %s: %zu tests, %zu models (retrained %s, each on the tests started "
      "and ended before its cut-off, never after the test's start), slowest training %.1f s; "
      "prediction with contributions: median %.2f ms per test\n",
      from.c_str(), evaluated.size(), stats.retrains, o.retraining.describe().c_str(),
      stats.slowest_training, latencies.empty() ? 0.0 : latencies[latencies.size() / 2]);
  model_score.print("learned: " + chosen->name);
  baseline_score.print("simple baseline (trained once before " + from + ")");
  const bench::ClusteredMean top1 = bench::paired_difference(model_score.top1, baseline_score.top1);
  const bench::ClusteredMean significant = bench::paired_difference(
      model_score.accuracy_significant, baseline_score.accuracy_significant);
  const bench::ClusteredMean log_loss =
      bench::paired_difference(baseline_score.log_loss, model_score.log_loss);
  if (top1.count > 0 && significant.count > 0 && log_loss.count > 0) {
    std::printf(
        "[learned minus simple baseline, paired over the same tests] top-1 %s; significant-pair "
        "accuracy %s; log-loss reduction %s\n",
        top1.text().c_str(), significant.text().c_str(), log_loss.text().c_str());
  }
  const auto t0 = Clock::now();
  auto whole = train_forecast_model(c, "", chosen->settings);
  if (whole.ok()) {
    std::printf("training on the whole archive (%zu tests, %zu pairs): %.1f s\n",
                (*whole)->experiments, (*whole)->pairs,
                std::chrono::duration<double>(Clock::now() - t0).count());
  }
}

// What POST /v1/forecast does for a request (similar tests, text matches, meta-analysis and the
// learned model with contributions), timed on the tests from `from` with the server's default
// model trained on the whole archive. No as_of, so that every request uses the stored model.
// CPU time of the calling thread, in ms: on a shared machine wall time mostly measures the
// other tenants, CPU time what a request costs.
double thread_cpu_ms() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
}

double median(std::vector<double> values) {
  if (values.empty()) return NAN;
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

double p90(std::vector<double> values) {
  if (values.empty()) return NAN;
  std::sort(values.begin(), values.end());
  return values[values.size() * 9 / 10];
}

// What POST /v1/forecast does for a request (similar tests, text matches, meta-analysis and the
// learned model with contributions), timed on the tests from `from` with the server's default
// model trained on the whole archive. No as_of, so that every request uses the stored model.
// Also timed alone: the hypothesis search the similar tests use (the SimilarityIndex, the one
// part of the route outside query/insights).
// `model_vectors`: the forecast's word vectors when the index has another embedder (the
// server's --word-vectors beside --embedder use).
void time_service_forecasts(GraphStore& graph, const similarity::SimilarityIndex* index,
                            const similarity::Embedder* model_vectors, const ExperimentCatalog& c,
                            const std::string& from) {
  using Clock = std::chrono::steady_clock;
  KeeperOptions model_options;
  model_options.embedder = model_vectors;
  InsightsService service(graph, index, model_options);
  const auto t0 = Clock::now();
  if (!service.start().ok()) return;
  service.model_keeper().wait();
  std::printf("\nserver default model trained on the whole archive in %.1f s (background)\n",
              std::chrono::duration<double>(Clock::now() - t0).count());
  std::vector<double> wall, cpu, repeat_cpu, search_cpu, small_search_cpu, vector_search_cpu,
      embed_cpu, rank_cpu;
  for (const DatasetTest& t : eligible_tests(c, from, "", FeatureOptions{})) {
    const ExperimentFacts& e = c.experiments[t.experiment];
    DraftTest draft;
    draft.hypothesis = e.name;
    draft.channel = e.channels.empty() ? std::nullopt : std::optional(e.channels.front());
    draft.metric = e.primary_metric;
    std::vector<CandidateVariant> candidates;
    for (const DatasetArm& a : t.arms) {
      candidates.push_back({e.arms[a.arm].key, headline_of(c, e.arms[a.arm])});
    }
    const auto start = Clock::now();
    const double cpu_start = thread_cpu_ms();
    auto answer = service.forecast(draft, candidates, {});
    cpu.push_back(thread_cpu_ms() - cpu_start);
    wall.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    // The same draft again, as the web UI's plan page asks after the similar tests, or a
    // planner with other candidates: the index has the hypothesis's vector cached.
    const double repeat_start = thread_cpu_ms();
    (void)service.forecast(draft, candidates, {});
    repeat_cpu.push_back(thread_cpu_ms() - repeat_start);
    // The searches below find the hypothesis's vector cached too: they time the search alone,
    // and the embedding is timed on its own.
    if (index != nullptr && !draft.hypothesis.empty()) {
      similarity::SearchRequest request;
      request.text = draft.hypothesis;
      request.k = 200;
      const double search_start = thread_cpu_ms();
      (void)index->search(request);
      search_cpu.push_back(thread_cpu_ms() - search_start);
      request.k = 30;
      const double small_start = thread_cpu_ms();
      (void)index->search(request);
      small_search_cpu.push_back(thread_cpu_ms() - small_start);
      // The path the route takes when the learned model answers: vector search with the floor,
      // the hits without their records.
      request.mode = similarity::SearchMode::kVector;
      request.min_similarity = similarity::kDefaultMinSimilarity;
      request.with_records = false;
      const double vector_start = thread_cpu_ms();
      (void)index->search_with_floor(request);
      vector_search_cpu.push_back(thread_cpu_ms() - vector_start);
      if (index->embedder() != nullptr) {
        const double embed_start = thread_cpu_ms();
        (void)index->embedder()->embed(draft.hypothesis);
        embed_cpu.push_back(thread_cpu_ms() - embed_start);
      }
    }
    // The prior's ranking of every past test (text scores aside, it scores them all).
    const double rank_start = thread_cpu_ms();
    (void)recommend_similar_tests(c, draft, {});
    rank_cpu.push_back(thread_cpu_ms() - rank_start);
    if (!answer.ok() || wall.size() >= 200) break;
  }
  if (wall.empty()) return;
  std::printf(
      "InsightsService::forecast (a POST /v1/forecast without HTTP), %zu requests: CPU time "
      "median %.2f ms, p90 %.2f ms; wall time median %.2f ms, p90 %.2f ms; the same draft "
      "again (its hypothesis's vector cached): CPU median %.2f ms, p90 %.2f ms\n",
      wall.size(), median(cpu), p90(cpu), median(wall), p90(wall), median(repeat_cpu),
      p90(repeat_cpu));
  std::printf(
      "  parts, CPU medians: embedding the hypothesis %.2f ms; the hypothesis search of the "
      "similar tests without the embedding (SimilarityIndex, hybrid, k 200) %.2f ms, with k 30 "
      "%.2f ms, the vector path with the floor, k 30, without the hits' records, as the route "
      "searches when the model answers, %.2f ms; ranking every past test for the prior's "
      "similar tests (recommend_similar_tests) %.2f ms\n",
      median(embed_cpu), median(search_cpu), median(small_search_cpu),
      median(vector_search_cpu), median(rank_cpu));
}

// The meta-analytic forecast and the best single pattern, walked forward from `from` with
// library defaults (nothing tuned). Returns the number of evaluated tests.
size_t evaluate_old_forecasts(const ExperimentCatalog& c, const std::string& from) {
  // Near-identical past headlines as the server finds them (the idf counts every headline's
  // words, later ones too: text only, never an outcome).
  const AssetTextIndex asset_text(c);
  // Tests in start order; the per-test pattern studies do not depend on time.
  std::vector<size_t> order;
  for (size_t i = 0; i < c.experiments.size(); ++i) {
    if (!c.experiments[i].started_at.empty()) order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return c.experiments[a].started_at < c.experiments[b].started_at;
  });
  std::vector<std::map<std::string, PatternStudy>> studies(c.experiments.size());
  for (size_t i : order) studies[i] = experiment_studies(c, i);

  Tally forecast_all, forecast_covered, pattern_tally, sensitivity_covered;
  size_t candidates_total = 0, candidates_with_match = 0;
  size_t eligible = 0;
  std::map<std::string, std::vector<PatternStudy>> past;  // feature -> studies so far
  size_t next_past = 0;
  for (size_t i : order) {
    const ExperimentFacts& e = c.experiments[i];
    // Everything that started strictly before this test is history.
    while (next_past < order.size() && c.experiments[order[next_past]].started_at < e.started_at) {
      for (const auto& [feature, study] : studies[order[next_past]]) {
        past[feature].push_back(study);
      }
      ++next_past;
    }
    if (e.started_at < from) continue;
    std::vector<size_t> arms;
    std::set<std::string> headlines;
    for (size_t a = 0; a < e.arms.size(); ++a) {
      if (e.arms[a].rate()) {
        arms.push_back(a);
        headlines.insert(headline_of(c, e.arms[a]));
      }
    }
    if (headlines.size() < 2) continue;
    ++eligible;
    const std::set<size_t> best = best_arms(e, arms);
    const double chance = static_cast<double>(best.size()) / arms.size();

    // Forecast: the library defaults, the test's own context, history only.
    DraftTest draft;
    draft.channel = e.channels.empty() ? std::nullopt : std::optional(e.channels.front());
    draft.metric = e.primary_metric;
    draft.as_of = e.started_at;
    const auto similar = recommend_similar_tests(c, draft, {});
    ForecastOptions options;
    options.before = e.started_at;
    std::vector<std::string> names;
    std::vector<std::vector<AssetMatch>> matches;
    std::map<std::string, std::vector<AssetMatch>> by_text;
    for (size_t a : arms) {
      const std::string text = headline_of(c, e.arms[a]);
      names.push_back(e.arms[a].key);
      auto cached = by_text.find(text);
      if (cached == by_text.end()) {
        cached = by_text.emplace(text, asset_text.matches(text, 200)).first;
      }
      matches.push_back(cached->second);
    }
    const Forecast f = forecast(c, similar, names, matches, options);
    const std::vector<size_t> top = top_candidates(f);
    double credit = 0;
    for (size_t t : top) credit += best.count(arms[t]) ? 1.0 : 0.0;
    credit /= static_cast<double>(top.size());
    forecast_all.add(credit, chance);
    bool covered = false;
    for (const auto& candidate : f.candidates) covered = covered || candidate.estimate.sufficient;
    if (covered) forecast_covered.add(credit, chance);
    for (const auto& candidate : f.candidates) {
      ++candidates_total;
      candidates_with_match += candidate.estimate.tests > 0 ? 1 : 0;
    }
    // Sensitivity, reported beside the default and not used to choose it: one past test is
    // enough evidence for a number.
    ForecastOptions lenient = options;
    lenient.min_tests = 1;
    const Forecast g = forecast(c, similar, names, matches, lenient);
    bool lenient_covered = false;
    for (const auto& candidate : g.candidates) {
      lenient_covered = lenient_covered || candidate.estimate.sufficient;
    }
    if (lenient_covered) {
      const std::vector<size_t> lenient_top = top_candidates(g);
      double lenient_credit = 0;
      for (size_t t : lenient_top) lenient_credit += best.count(arms[t]) ? 1.0 : 0.0;
      sensitivity_covered.add(lenient_credit / lenient_top.size(), chance);
    }

    // Patterns: the strongest earlier pattern that splits this test's packages.
    std::map<size_t, std::vector<std::string>> features;
    for (size_t a : arms) features[a] = arm_features(c, e.arms[a]);
    std::optional<Pattern> chosen;
    for (const auto& [feature, history] : past) {
      if (history.size() < PatternFilter{}.min_tests) continue;
      size_t with = 0;
      for (size_t a : arms) {
        with += std::binary_search(features[a].begin(), features[a].end(), feature) ? 1 : 0;
      }
      if (with == 0 || with == arms.size()) continue;
      auto pattern = pool_pattern(c, feature, history);
      if (!pattern || pattern->evidence < kZ95) continue;  // CI of the pooled effect holds 0
      if (!chosen || pattern->evidence > chosen->evidence) chosen = std::move(pattern);
    }
    if (chosen) {
      const bool feature_wins = chosen->meta.pooled > 0;
      std::vector<size_t> predicted;
      for (size_t a : arms) {
        const bool has =
            std::binary_search(features[a].begin(), features[a].end(), chosen->feature);
        if (has == feature_wins) predicted.push_back(a);
      }
      double hit = 0;
      for (size_t a : predicted) hit += best.count(a) ? 1.0 : 0.0;
      pattern_tally.add(hit / predicted.size(), chance);
    }
  }
  std::printf("tests from %s with >= 2 distinct headlines: %zu\n", from.c_str(), eligible);
  forecast_all.print("forecast (all eligible tests; packages without evidence rank at the prior)");
  forecast_covered.print("forecast (tests where >= 1 package had sufficient evidence)");
  std::printf("packages with >= 1 earlier arm of a similar headline: %zu of %zu\n",
              candidates_with_match, candidates_total);
  sensitivity_covered.print("sensitivity, min_tests = 1 (tests where >= 1 package had evidence)");
  pattern_tally.print("patterns (tests split by a significant earlier pattern)");
  return eligible;
}

}  // namespace

int main(int argc, char** argv) {
  std::string csv_path = "../shared/data/upworthy/upworthy-packages-2013-2014.csv";
  std::string ontology_path = "ontology/marketing.json";
  EvalOptions o;
  bool latency_only = false;
  bool untrained_only = false;
  std::string word_vectors;
  std::string sentence_encoder;
  const char* usage =
      "usage: %s [--csv PATH] [--from YYYY-MM-DD] [--ontology FILE] [--validation-days N] "
      "[--folds N] [--retrain-days N | --retrain-after N] [--threads N] [--with-trees] "
      "[--word-vectors FILE] [--sentence-encoder FILE] [--only A,B] "
      "[--select-only | --latency-only | --untrained-only]\n";
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--with-trees") {
      o.with_trees = true;
      continue;
    }
    if (flag == "--select-only") {
      o.select_only = true;
      continue;
    }
    if (flag == "--latency-only") {
      latency_only = true;
      continue;
    }
    if (flag == "--untrained-only") {
      untrained_only = true;
      continue;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, usage, argv[0]);
      return 2;
    }
    const char* value = argv[++i];
    if (flag == "--csv") {
      csv_path = value;
    } else if (flag == "--from") {
      o.from = value;
    } else if (flag == "--ontology") {
      ontology_path = value;
    } else if (flag == "--validation-days") {
      o.validation_days = std::atoi(value);
    } else if (flag == "--folds") {
      o.folds = std::atoi(value);
    } else if (flag == "--retrain-days") {
      o.retraining = {std::atoi(value), 0};
    } else if (flag == "--retrain-after") {
      o.retraining = {0, static_cast<size_t>(std::max(1, std::atoi(value)))};
    } else if (flag == "--word-vectors") {
      word_vectors = value;
    } else if (flag == "--sentence-encoder") {
      sentence_encoder = value;
    } else if (flag == "--threads") {
      o.threads = std::atoi(value);
    } else if (flag == "--only") {
      // Comma-separated parts of candidate names.
      std::string list = value;
      for (size_t at = 0; at <= list.size();) {
        const size_t comma = std::min(list.find(',', at), list.size());
        if (comma > at) o.only.push_back(list.substr(at, comma - at));
        at = comma + 1;
      }
    } else {
      std::fprintf(stderr, usage, argv[0]);
      return 2;
    }
  }
  const std::string& from = o.from;
  std::optional<similarity::GloveEmbedder> glove;
  if (!word_vectors.empty()) {
    auto loaded = similarity::GloveEmbedder::load(word_vectors);
    if (!loaded.ok()) {
      std::fprintf(stderr, "word vectors: %s\n", loaded.status().to_string().c_str());
      return 1;
    }
    glove.emplace(std::move(loaded).value());
    o.embedder = &*glove;
  }
  auto hashing = similarity::HashingEmbedder::create();
  if (hashing.ok()) o.hashing = &*hashing;
  const auto t0 = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };

  int exit_code = 0;
  {
    auto scratch = bench::ScratchGraph::open(ontology_path, "upworthy_eval_");
    if (!scratch) return 1;
    GraphStore& graph = scratch->graph();
    // The index embeds as a server would: with use when --sentence-encoder names its model
    // (tools/run's server; the model then reads --word-vectors on its own), else with glove
    // when --word-vectors is given, so the latency below is the route's with the model's vector
    // features.
    similarity::SimilarityIndexOptions index_options;
    const similarity::Embedder* model_vectors = nullptr;
    if (!sentence_encoder.empty()) {
      index_options.embedder = similarity::EmbedderKind::kSentenceEncoder;
      index_options.sentence_encoder_path = sentence_encoder;
      model_vectors = o.embedder;
    } else if (!word_vectors.empty()) {
      index_options.embedder = similarity::EmbedderKind::kGlove;
      index_options.word_vectors_path = word_vectors;
    }
    auto index = similarity::SimilarityIndex::open(graph, index_options);
    if (!index.ok()) {
      std::fprintf(stderr, "similarity index: %s\n", index.status().to_string().c_str());
      return 1;
    }
    graph.add_observer(index->get());
    Status imported = bench::import_upworthy(csv_path, graph);
    if (!imported.ok()) {
      std::fprintf(stderr, "import: %s\n", imported.to_string().c_str());
      return 1;
    }
    auto loaded = load_catalog(graph);
    if (!loaded.ok()) return 1;
    const ExperimentCatalog& c = *loaded;
    std::printf("imported %zu nodes, %zu edges, %zu experiments in %.1f s\n", graph.node_count(),
                graph.edge_count(), c.experiments.size(), elapsed());

    if (o.select_only) {
      evaluate_models(c, o);
    } else if (latency_only) {
      time_service_forecasts(graph, index->get(), model_vectors, c, from);
    } else if (untrained_only) {
      if (evaluate_old_forecasts(c, from) == 0) exit_code = 1;
    } else {
      const size_t eligible = evaluate_old_forecasts(c, from);
      evaluate_models(c, o);
      time_service_forecasts(graph, index->get(), model_vectors, c, from);
      if (eligible == 0) exit_code = 1;
    }
    std::printf("total time %.1f s\n", elapsed());
  }
  return exit_code;
}
