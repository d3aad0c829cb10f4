#include "query/insights/learned_forecaster.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <map>
#include <set>

#include "query/insights/pair_dataset.h"
#include "query/insights/plain_summary.h"

namespace expgraph::insights {

namespace {

constexpr size_t kMinCalibrationTests = 30;

ScoredTest score_test(const RankingModel& model, const DatasetTest& test) {
  std::vector<SparseVector> arms;
  ScoredTest scored;
  for (const DatasetArm& a : test.arms) {
    arms.push_back(a.features);
    scored.rates.push_back(a.rate);
  }
  scored.scores = model.scores(arms);
  return scored;
}

ValidationFigures validate(const LiftCalibration& calibration,
                           const std::vector<ScoredTest>& tests) {
  ValidationFigures v;
  v.tests = tests.size();
  double right = 0, loss = 0;
  for (const ScoredTest& t : tests) {
    for (size_t i = 0; i < t.scores.size(); ++i) {
      for (size_t j = i + 1; j < t.scores.size(); ++j) {
        if (t.rates[i] == t.rates[j]) continue;
        const bool i_wins = t.rates[i] > t.rates[j];
        const double p = win_probability(calibration, t.scores[i], t.scores[j]);
        right += p == 0.5 ? 0.5 : ((p > 0.5) == i_wins ? 1 : 0);
        loss -= std::log(std::max(1e-12, i_wins ? p : 1 - p));
        ++v.pairs;
      }
    }
  }
  if (v.pairs > 0) {
    v.accuracy = right / static_cast<double>(v.pairs);
    v.log_loss = loss / static_cast<double>(v.pairs);
    v.base_log_loss = std::log(2.0);
  }
  return v;
}

std::string now_utc() {
  const std::time_t now = std::time(nullptr);
  std::tm parts{};
  gmtime_r(&now, &parts);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return buffer;
}

}  // namespace

Result<std::unique_ptr<ForecastModel>> train_forecast_model(const ExperimentCatalog& catalog,
                                                            const std::string& cutoff,
                                                            const ModelSettings& settings,
                                                            bool known_by_cutoff) {
  const auto started = std::chrono::steady_clock::now();
  std::vector<DatasetTest> tests =
      collect_tests(catalog, "", cutoff, settings.features, known_by_cutoff ? cutoff : "");
  if (tests.size() < std::max<size_t>(settings.min_tests, 2)) {
    return Status::unprocessable(
        "insufficient_evidence",
        "the forecast model needs at least " + std::to_string(settings.min_tests) +
            " concluded tests with two or more measured arms started before the cut-off; " +
            std::to_string(tests.size()) + " found");
  }
  // Fit on the earlier tests, calibrate on the later ones (tests are in start order). A young
  // program's share is a handful of tests whose pairs the first fit may order perfectly, which
  // would fit a huge temperature (overconfident probabilities): at least kMinCalibrationTests
  // are held out, but never more than half.
  const size_t held_out = std::max<size_t>(
      1, std::max(static_cast<size_t>(std::lround(settings.calibration_share * tests.size())),
                  std::min(kMinCalibrationTests, tests.size() / 2)));
  const std::vector<DatasetTest> fit(tests.begin(), tests.end() - held_out);
  auto first = RankingModel::train(fit, make_pairs(fit), settings.learner);
  if (!first.ok()) return first.status();
  std::vector<ScoredTest> scored;
  for (size_t t = tests.size() - held_out; t < tests.size(); ++t) {
    scored.push_back(score_test(**first, tests[t]));
  }
  auto model = std::make_unique<ForecastModel>();
  model->calibration = fit_calibration(scored);
  model->validation = validate(model->calibration, scored);
  const std::vector<DatasetPair> pairs = make_pairs(tests);
  // The refit starts from the first fit's solution: the same optimum in fewer Newton steps.
  auto ranking = RankingModel::train(tests, pairs, settings.learner, first->get());
  if (!ranking.ok()) return ranking.status();
  (*ranking)->drop_warm_start();
  model->cutoff = cutoff;
  model->trained_at = now_utc();
  model->training_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  model->experiments = tests.size();
  model->pairs = pairs.size();
  model->settings = settings;
  model->ranking = std::move(ranking).value();
  return model;
}

std::vector<CandidatePrediction> predict_candidates(
    const ForecastModel& model, const std::vector<std::vector<NamedFeature>>& candidates,
    size_t top, std::optional<size_t> control) {
  const int bits = model.settings.features.hash_bits;
  std::vector<SparseVector> arms;
  for (const auto& named : candidates) arms.push_back(hash_features(named, bits));
  const std::vector<double> scores = model.ranking->scores(arms);
  const std::vector<double> best = best_probabilities(model.calibration, scores);
  const bool against_control = control && *control < candidates.size();
  const std::vector<double> lifts =
      against_control ? expected_lifts_against(model.calibration, scores, *control)
                      : expected_lifts(model.calibration, scores);
  std::vector<CandidatePrediction> out(candidates.size());
  for (size_t i = 0; i < candidates.size(); ++i) {
    CandidatePrediction& p = out[i];
    p.score = scores[i];
    p.p_best = best[i];
    p.lift = lifts[i];
    for (size_t j = 0; j < candidates.size(); ++j) {
      p.p_beats.push_back(i == j ? 0.5 : win_probability(model.calibration, scores[i], scores[j]));
    }
    for (double level : kIntervalLevels) {
      const double half = model.settings.interval_scale *
                          (!against_control ? model.calibration.half_width(level)
                           : i == *control  ? 0.0
                                            : model.calibration.control_half_width(level));
      p.intervals.push_back({level, {lifts[i] - half, lifts[i] + half}});
    }
  }
  if (candidates.empty()) return out;
  const std::vector<Contributions> parts = model.ranking->contributions(arms);
  for (size_t i = 0; i < candidates.size(); ++i) {
    std::set<uint32_t> known;
    for (const auto& [index, value] : parts[i]) {
      if (value != 0) known.insert(index);
    }
    std::set<uint32_t> counted;
    for (const NamedFeature& f : candidates[i]) {
      if (f.name.rfind("w:", 0) != 0 && f.name.rfind("b:", 0) != 0) continue;
      const uint32_t index = feature_index(f.name, bits);
      if (known.count(index) && counted.insert(index).second) ++out[i].known_words;
    }
  }
  if (top == 0) return out;
  // A feature's part against the set: its contribution to this candidate minus its average
  // contribution over the set (features shared by every candidate cancel out).
  std::map<uint32_t, double> average;
  for (const Contributions& c : parts) {
    for (const auto& [index, value] : c) average[index] += value / candidates.size();
  }
  for (size_t i = 0; i < candidates.size(); ++i) {
    std::map<uint32_t, double> own(parts[i].begin(), parts[i].end());
    std::map<uint32_t, std::string> names;
    for (const NamedFeature& f : candidates[i]) names.emplace(feature_index(f.name, bits), f.name);
    // Parts add up, so the entries a reader sees as one idea are summed into one.
    std::map<std::string, double> explained;
    for (const auto& [index, name] : names) {
      auto it = own.find(index);
      const double value = (it == own.end() ? 0.0 : it->second) - average[index];
      if (value != 0) explained[explained_feature(name)] += value;
    }
    std::vector<FeatureContribution> list;
    for (const auto& [name, value] : explained) {
      if (value != 0) {
        list.push_back({name, model_feature_label(name), value * model.calibration.temperature});
      }
    }
    std::sort(list.begin(), list.end(),
              [](const auto& a, const auto& b) { return std::abs(a.value) > std::abs(b.value); });
    if (list.size() > top) list.resize(top);
    out[i].contributions = std::move(list);
  }
  return out;
}

void express_for_lower_is_better(std::vector<CandidatePrediction>& predictions) {
  // A reciprocal lift at or below -100% would be an unbounded rise: interval ends are held
  // above -99% first (a rise of at most 99 times), which only the widest intervals reach.
  const auto metric_lift = [](double reciprocal_lift) {
    return 1 / (1 + std::max(reciprocal_lift, -0.99)) - 1;
  };
  for (CandidatePrediction& p : predictions) {
    p.lift = metric_lift(p.lift);
    for (auto& [level, range] : p.intervals) {
      range = {metric_lift(range.second), metric_lift(range.first)};
    }
  }
}

}  // namespace expgraph::insights
