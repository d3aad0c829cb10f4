#include "query/insights/ranking_model.h"

#include <cblas.h>
#include <linear.h>
#include <xgboost/c_api.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <mutex>

namespace expgraph::insights {

namespace {

// ---- liblinear ----

// The difference a - b of two sorted sparse vectors.
SparseVector difference(const SparseVector& a, const SparseVector& b) {
  SparseVector out;
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (j == b.size() || (i < a.size() && a[i].first < b[j].first)) {
      out.push_back(a[i++]);
    } else if (i == a.size() || b[j].first < a[i].first) {
      out.push_back({b[j].first, -b[j].second});
      ++j;
    } else {
      const float value = a[i].second - b[j].second;
      if (value != 0) out.push_back({a[i].first, value});
      ++i;
      ++j;
    }
  }
  return out;
}

void silent(const char*) {}

// Weights from liblinear's w (feature i + 1 has w[i]), times `sign`.
std::map<uint32_t, double> weights_of(const model& trained, double sign) {
  std::map<uint32_t, double> weights;
  for (int i = 0; i < trained.nr_feature; ++i) {
    if (trained.w[i] != 0) weights[static_cast<uint32_t>(i + 1)] = sign * trained.w[i];
  }
  return weights;
}

// A linear model's weights by feature index.
using Weights = std::map<uint32_t, double>;

// Trains liblinear on the rows `x` points to (a row may be pointed to more than once: a repeated
// row weighs as much as its copies, without copying it). With `start` (solver L2R_LR only:
// liblinear 2.3 takes no initial solution for its other solvers here), the solver starts from
// those weights instead of zero: refitting on a few more tests than a model was fitted on then
// takes fewer Newton steps to the same optimum (liblinear stops on the gradient's norm relative
// to its norm at zero, so the tolerance is unchanged).
Result<Weights> run_liblinear(std::vector<feature_node*>& x, std::vector<double>& targets,
                              uint32_t max_index, int solver, double c, bool classification,
                              const Weights* start) {
  // liblinear's solvers do their vector arithmetic (over 2^18 weights) through BLAS. OpenBLAS's
  // default of a thread per core spun the other core in sched_yield for no gain: the same wall
  // time at 1.6 times the CPU (bench_forecast_training). One thread per caller, for the whole
  // process, as the sentence encoder also sets it (OpenBLAS has no per-call setting).
  openblas_set_num_threads(1);
  problem prob{};
  prob.l = static_cast<int>(x.size());
  prob.n = static_cast<int>(max_index);
  prob.y = targets.data();
  prob.x = x.data();
  prob.bias = -1;
  parameter param{};
  param.solver_type = solver;
  param.eps = classification ? 0.01 : 0.001;
  param.C = c;
  param.p = 0;
  std::vector<double> initial;
  if (start != nullptr && !start->empty() && solver == L2R_LR) {
    // For -1/+1 labels liblinear's classifier takes +1 as its first label, so its w has the
    // orientation of these weights; were it the other, the start would only be a worse one (the
    // sign of the solution is checked below either way).
    initial.assign(max_index, 0.0);
    for (const auto& [index, w] : *start) {
      if (index >= 1 && index <= max_index) initial[index - 1] = w;
    }
    param.init_sol = initial.data();
  }
  if (const char* error = check_parameter(&prob, &param)) return Status::internal(error);
  set_print_string_function(&silent);
  model* trained = ::train(&prob, &param);
  if (trained == nullptr) return Status::internal("liblinear did not train");
  // A classifier's w is for the first label liblinear saw; it must be for +1 (first arm wins).
  const double sign = classification && trained->label[0] != 1 ? -1.0 : 1.0;
  std::map<uint32_t, double> weights = weights_of(*trained, sign);
  free_and_destroy_model(&trained);
  return weights;
}

// A linear scorer: score = w . x. Trained as a pairwise logistic model or as a centred
// regression; both store their weights the same way, under their own format letter.
class LinearModel final : public RankingModel {
 public:
  // `logistic`: the pairwise logistic solution behind the weights (only in a model trained here,
  // not in a loaded one), from which a refit starts.
  LinearModel(Learner learner, Weights weights, Weights logistic = {})
      : learner_(learner), weights_(std::move(weights)), logistic_(std::move(logistic)) {}

  static Result<std::unique_ptr<RankingModel>> train(const std::vector<DatasetTest>& tests,
                                                     const std::vector<DatasetPair>& pairs,
                                                     const LearnerOptions& options,
                                                     const LinearModel* start) {
    auto weights =
        logistic_weights(tests, pairs, options.c, options.l1, options.weight_by_certainty,
                         options.copies, start != nullptr ? &start->logistic_ : nullptr);
    if (!weights.ok()) return weights.status();
    Weights logistic = *weights;
    return std::unique_ptr<RankingModel>(std::make_unique<LinearModel>(
        Learner::kLogistic, std::move(weights).value(), std::move(logistic)));
  }

  // The pairwise logistic model's weights.
  static Result<std::map<uint32_t, double>> logistic_weights(const std::vector<DatasetTest>& tests,
                                                             const std::vector<DatasetPair>& pairs,
                                                             double c, bool l1, bool weighted,
                                                             int copies_per_pair,
                                                             const Weights* start) {
    // One row per pair (its feature difference, labelled by which arm won) and how many times
    // liblinear sees it.
    std::vector<std::vector<feature_node>> rows;
    std::vector<double> labels;
    std::vector<int> copies;
    uint32_t max_index = 1;
    for (const DatasetPair& pair : pairs) {
      const DatasetTest& test = tests[pair.test];
      SparseVector d = difference(test.arms[pair.first].features, test.arms[pair.second].features);
      if (d.empty()) continue;
      std::vector<feature_node> row;
      for (const auto& [index, value] : d) {
        row.push_back({static_cast<int>(index), value});
        max_index = std::max(max_index, index);
      }
      row.push_back({-1, 0});
      rows.push_back(std::move(row));
      labels.push_back(pair.first_wins ? 1 : -1);
      copies.push_back(
          weighted ? std::max(1, static_cast<int>(std::lround(pair.certainty * copies_per_pair)))
                   : 1);
    }
    if (rows.empty())
      return Status::invalid_argument("no pairs with differing features to train on");
    if (std::count(labels.begin(), labels.end(), 1.0) == 0 ||
        std::count(labels.begin(), labels.end(), -1.0) == 0) {
      // One orientation only: flip every other pair (the model has no bias, so this changes
      // nothing but lets liblinear see two classes).
      for (size_t i = 0; i < rows.size(); i += 2) {
        for (feature_node& node : rows[i]) {
          if (node.index != -1) node.value = -node.value;
        }
        labels[i] = -labels[i];
      }
    }
    std::vector<feature_node*> x;
    std::vector<double> targets;
    for (size_t r = 0; r < rows.size(); ++r) {
      for (int copy = 0; copy < copies[r]; ++copy) {
        x.push_back(rows[r].data());
        targets.push_back(labels[r]);
      }
    }
    return run_liblinear(x, targets, max_index, l1 ? L1R_LR : L2R_LR, c, true, start);
  }

  static Result<std::unique_ptr<RankingModel>> train_centred(const std::vector<DatasetTest>& tests,
                                                             const std::vector<DatasetPair>& pairs,
                                                             const LearnerOptions& options) {
    auto weights = centred_weights(tests, pairs, options);
    if (!weights.ok()) return weights.status();
    return std::unique_ptr<RankingModel>(
        std::make_unique<LinearModel>(Learner::kCentredRegression, std::move(weights).value()));
  }

  static Result<std::unique_ptr<RankingModel>> train_blend(const std::vector<DatasetTest>& tests,
                                                           const std::vector<DatasetPair>& pairs,
                                                           const LearnerOptions& options,
                                                           const LinearModel* start) {
    auto logistic =
        logistic_weights(tests, pairs, options.pairwise_c, false, options.pairwise_weighted,
                         options.copies, start != nullptr ? &start->logistic_ : nullptr);
    if (!logistic.ok()) return logistic.status();
    auto centred = centred_weights(tests, pairs, options);
    if (!centred.ok()) return centred.status();
    const double logistic_spread = within_test_spread(tests, *logistic);
    const double centred_spread = within_test_spread(tests, *centred);
    std::map<uint32_t, double> weights;
    const double share = std::clamp(options.blend, 0.0, 1.0);
    if (logistic_spread > 0) {
      for (const auto& [index, w] : *logistic) weights[index] += share * w / logistic_spread;
    }
    if (centred_spread > 0) {
      for (const auto& [index, w] : *centred) weights[index] += (1 - share) * w / centred_spread;
    }
    return std::unique_ptr<RankingModel>(std::make_unique<LinearModel>(
        Learner::kBlend, std::move(weights), std::move(logistic).value()));
  }

  // The root mean square of the training arms' scores around their test's mean score: the
  // scale on which a model ranks arms within a test.
  static double within_test_spread(const std::vector<DatasetTest>& tests,
                                   const std::map<uint32_t, double>& weights) {
    // The weights as a dense array by feature index: a map look-up per feature value was most
    // of this (every training arm's every feature, twice per blend).
    std::vector<double> dense(weights.empty() ? 0 : weights.rbegin()->first + 1, 0.0);
    for (const auto& [index, w] : weights) dense[index] = w;
    double sum = 0, count = 0;
    std::vector<double> scores;
    for (const DatasetTest& t : tests) {
      scores.clear();
      for (const DatasetArm& a : t.arms) {
        double score = 0;
        for (const auto& [index, value] : a.features) {
          if (index < dense.size()) score += dense[index] * value;
        }
        scores.push_back(score);
      }
      double mean = 0;
      for (double x : scores) mean += x / static_cast<double>(scores.size());
      for (double x : scores) sum += (x - mean) * (x - mean);
      count += static_cast<double>(scores.size());
    }
    return count > 0 ? std::sqrt(sum / count) : 0;
  }

  // The centred regression's weights.
  static Result<std::map<uint32_t, double>> centred_weights(const std::vector<DatasetTest>& tests,
                                                            const std::vector<DatasetPair>& pairs,
                                                            const LearnerOptions& options) {
    // Tests with at least one informative pair (rates and features differ).
    std::vector<bool> usable(tests.size(), false);
    for (const DatasetPair& p : pairs) usable[p.test] = true;
    // Per arm: the realised lift against the test's mean rate and its sampling variance.
    struct Target {
      double lift = 0, variance = 0;
    };
    std::vector<std::vector<Target>> targets(tests.size());
    double sum_square = 0, sum_variance = 0, arms = 0;
    for (size_t t = 0; t < tests.size(); ++t) {
      if (!usable[t]) continue;
      double mean = 0;
      for (const DatasetArm& a : tests[t].arms) mean += a.rate;
      mean /= static_cast<double>(tests[t].arms.size());
      if (mean <= 0) {
        usable[t] = false;
        continue;
      }
      for (const DatasetArm& a : tests[t].arms) {
        Target target{a.rate / mean - 1, a.rate_variance / (mean * mean)};
        sum_square += target.lift * target.lift;
        sum_variance += target.variance;
        ++arms;
        targets[t].push_back(target);
      }
    }
    // Between-arm variance of true lifts by the method of moments (floored, so that the weights
    // stay finite when the sampling noise explains everything).
    const double mean_variance = arms > 0 ? sum_variance / arms : 0;
    const double tau2 =
        std::max(arms > 0 ? sum_square / arms - mean_variance : 0, 0.1 * mean_variance + 1e-12);
    std::vector<std::vector<feature_node>> rows;
    std::vector<double> values, weights;
    uint32_t max_index = 1;
    for (size_t t = 0; t < tests.size(); ++t) {
      if (!usable[t]) continue;
      const std::vector<DatasetArm>& test_arms = tests[t].arms;
      // The test's mean features, by index: every arm's values in arm order, sorted stably by
      // index and summed (each arm's features are sorted and distinct).
      std::vector<std::pair<uint32_t, double>> centre;
      for (const DatasetArm& a : test_arms) {
        for (const auto& [index, value] : a.features) {
          centre.push_back({index, value / test_arms.size()});
        }
      }
      std::stable_sort(centre.begin(), centre.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
      size_t distinct = 0;
      for (size_t k = 0; k < centre.size(); ++k) {
        if (distinct > 0 && centre[distinct - 1].first == centre[k].first) {
          centre[distinct - 1].second += centre[k].second;
        } else {
          centre[distinct++] = centre[k];
        }
      }
      centre.resize(distinct);
      for (size_t i = 0; i < test_arms.size(); ++i) {
        // The arm's features minus the mean: a merge of two sorted lists (the mean holds every
        // index the arm has).
        const SparseVector& own = test_arms[i].features;
        std::vector<feature_node> row;
        row.reserve(centre.size() + 1);
        size_t at = 0;
        for (const auto& [index, mean] : centre) {
          while (at < own.size() && own[at].first < index) ++at;
          const double mine = at < own.size() && own[at].first == index ? own[at].second : 0.0;
          const double value = mine - mean;
          if (std::abs(value) < 1e-12) continue;
          row.push_back({static_cast<int>(index), value});
          max_index = std::max(max_index, index);
        }
        row.push_back({-1, 0});
        rows.push_back(std::move(row));
        values.push_back(targets[t][i].lift);
        weights.push_back(options.weight_by_certainty ? 1 / (targets[t][i].variance + tau2) : 1);
      }
    }
    if (rows.empty()) return Status::invalid_argument("no tests with differing arms to train on");
    // Weighted least squares: scaling a row and its target by sqrt(weight) weights its squared
    // error (liblinear 2.3 has no instance weights). Weights are normalised to mean 1 so that C
    // keeps one meaning.
    double total = 0;
    for (double w : weights) total += w;
    for (size_t r = 0; r < rows.size(); ++r) {
      const double scale = std::sqrt(weights[r] * static_cast<double>(rows.size()) / total);
      for (feature_node& node : rows[r]) {
        if (node.index != -1) node.value *= scale;
      }
      values[r] *= scale;
    }
    std::vector<feature_node*> x;
    for (auto& row : rows) x.push_back(row.data());
    return run_liblinear(x, values, max_index, L2R_L2LOSS_SVR, options.c, false, nullptr);
  }

  std::string save() const override {
    std::string bytes = learner_ == Learner::kCentredRegression ? "R"
                        : learner_ == Learner::kBlend           ? "E"
                                                                : "L";
    for (const auto& [index, weight] : weights_) {
      bytes.append(reinterpret_cast<const char*>(&index), sizeof index);
      bytes.append(reinterpret_cast<const char*>(&weight), sizeof weight);
    }
    return bytes;
  }

  static Result<std::unique_ptr<RankingModel>> load(const std::string& bytes) {
    const Learner learner = bytes[0] == 'R'   ? Learner::kCentredRegression
                            : bytes[0] == 'E' ? Learner::kBlend
                                              : Learner::kLogistic;
    constexpr size_t kEntry = sizeof(uint32_t) + sizeof(double);
    if ((bytes.size() - 1) % kEntry != 0) return Status::invalid_argument("truncated model");
    std::map<uint32_t, double> weights;
    for (size_t at = 1; at < bytes.size(); at += kEntry) {
      uint32_t index;
      double weight;
      std::memcpy(&index, bytes.data() + at, sizeof index);
      std::memcpy(&weight, bytes.data() + at + sizeof index, sizeof weight);
      weights[index] = weight;
    }
    return std::unique_ptr<RankingModel>(
        std::make_unique<LinearModel>(learner, std::move(weights)));
  }

  Learner learner() const override { return learner_; }

  void drop_warm_start() override { Weights().swap(logistic_); }

  std::vector<double> scores(const std::vector<SparseVector>& arms) const override {
    std::vector<double> out;
    for (const Contributions& c : contributions(arms)) {
      double sum = 0;
      for (const auto& [index, value] : c) sum += value;
      out.push_back(sum);
    }
    return out;
  }

  std::vector<Contributions> contributions(const std::vector<SparseVector>& arms) const override {
    std::vector<Contributions> out;
    for (const SparseVector& arm : arms) {
      Contributions c;
      for (const auto& [index, value] : arm) {
        auto it = weights_.find(index);
        if (it != weights_.end()) c.push_back({index, it->second * value});
      }
      out.push_back(std::move(c));
    }
    return out;
  }

 private:
  Learner learner_;
  std::map<uint32_t, double> weights_;  // feature index -> weight
  Weights logistic_;                    // see the constructor
};

// ---- XGBoost ----

// The library's handles, freed on scope exit.
struct MatrixHandle {
  DMatrixHandle handle = nullptr;
  ~MatrixHandle() {
    if (handle != nullptr) XGDMatrixFree(handle);
  }
};

Status xgboost_error(const char* what) {
  return Status::internal(std::string(what) + ": " + XGBGetLastError());
}

// Hashed indexes are remapped to dense columns (those seen in training) so that pred_contribs
// returns one value per column the model knows, not 2^hash_bits.
class BoostedTreesModel final : public RankingModel {
 public:
  BoostedTreesModel(BoosterHandle booster, std::vector<uint32_t> columns)
      : booster_(booster), columns_(std::move(columns)) {
    for (size_t c = 0; c < columns_.size(); ++c) column_of_[columns_[c]] = static_cast<unsigned>(c);
  }
  ~BoostedTreesModel() override { XGBoosterFree(booster_); }

  static Result<std::unique_ptr<RankingModel>> train(const std::vector<DatasetTest>& tests,
                                                     const std::vector<DatasetPair>& pairs,
                                                     const LearnerOptions& options) {
    if (pairs.empty()) return Status::invalid_argument("no pairs to train on");
    std::map<uint32_t, size_t> counts;
    for (const DatasetTest& t : tests) {
      for (const DatasetArm& a : t.arms) {
        for (const auto& [index, value] : a.features) ++counts[index];
      }
    }
    std::vector<uint32_t> columns;
    for (const auto& [index, count] : counts) {
      if (count >= 2) columns.push_back(index);
    }
    // Per test: relevance = the arm's rank by rate; group weight = mean certainty of its pairs.
    std::vector<double> certainty(tests.size(), 0);
    std::vector<size_t> pair_count(tests.size(), 0);
    for (const DatasetPair& p : pairs) {
      certainty[p.test] += p.certainty;
      ++pair_count[p.test];
    }
    std::vector<SparseVector> rows;
    std::vector<float> labels, group_weights;
    std::vector<unsigned> groups;
    for (size_t t = 0; t < tests.size(); ++t) {
      if (pair_count[t] == 0) continue;
      for (const DatasetArm& a : tests[t].arms) {
        float rank = 0;
        for (const DatasetArm& b : tests[t].arms) rank += b.rate < a.rate ? 1.0f : 0.0f;
        rows.push_back(a.features);
        labels.push_back(rank);
      }
      groups.push_back(static_cast<unsigned>(tests[t].arms.size()));
      group_weights.push_back(
          options.weight_by_certainty ? static_cast<float>(certainty[t] / pair_count[t]) : 1.0f);
    }
    auto model = std::make_unique<BoostedTreesModel>(nullptr, std::move(columns));
    MatrixHandle matrix;
    EXPGRAPH_RETURN_IF_ERROR(model->matrix(rows, matrix));
    if (XGDMatrixSetFloatInfo(matrix.handle, "label", labels.data(), labels.size()) != 0 ||
        XGDMatrixSetUIntInfo(matrix.handle, "group", groups.data(), groups.size()) != 0 ||
        XGDMatrixSetFloatInfo(matrix.handle, "weight", group_weights.data(),
                              group_weights.size()) != 0) {
      return xgboost_error("XGDMatrixSetInfo");
    }
    if (XGBoosterCreate(&matrix.handle, 1, &model->booster_) != 0) {
      return xgboost_error("XGBoosterCreate");
    }
    const std::map<std::string, std::string> params = {
        {"objective", options.ndcg ? "rank:ndcg" : "rank:pairwise"},
        {"tree_method", "hist"},
        {"eta", std::to_string(options.eta)},
        {"max_depth", std::to_string(options.depth)},
        {"min_child_weight", std::to_string(options.min_child_weight)},
        {"subsample", std::to_string(options.subsample)},
        {"colsample_bytree", std::to_string(options.colsample)},
        {"nthread", std::to_string(options.threads)},
        {"seed", "1"},
        {"verbosity", "0"}};
    for (const auto& [key, value] : params) {
      if (XGBoosterSetParam(model->booster_, key.c_str(), value.c_str()) != 0) {
        return xgboost_error("XGBoosterSetParam");
      }
    }
    for (int round = 0; round < options.rounds; ++round) {
      if (XGBoosterUpdateOneIter(model->booster_, round, matrix.handle) != 0) {
        return xgboost_error("XGBoosterUpdateOneIter");
      }
    }
    return std::unique_ptr<RankingModel>(std::move(model));
  }

  std::string save() const override {
    std::lock_guard lock(mutex_);
    bst_ulong length = 0;
    const char* data = nullptr;
    std::string bytes = "X";
    const uint64_t count = columns_.size();
    bytes.append(reinterpret_cast<const char*>(&count), sizeof count);
    bytes.append(reinterpret_cast<const char*>(columns_.data()), count * sizeof(uint32_t));
    if (XGBoosterSaveModelToBuffer(booster_, R"({"format": "ubj"})", &length, &data) == 0) {
      bytes.append(data, length);
    }
    return bytes;
  }

  static Result<std::unique_ptr<RankingModel>> load(const std::string& bytes) {
    uint64_t count = 0;
    if (bytes.size() < 1 + sizeof count) return Status::invalid_argument("truncated model");
    std::memcpy(&count, bytes.data() + 1, sizeof count);
    const size_t header = 1 + sizeof count + count * sizeof(uint32_t);
    if (bytes.size() < header) return Status::invalid_argument("truncated model");
    std::vector<uint32_t> columns(count);
    std::memcpy(columns.data(), bytes.data() + 1 + sizeof count, count * sizeof(uint32_t));
    BoosterHandle booster = nullptr;
    if (XGBoosterCreate(nullptr, 0, &booster) != 0) return xgboost_error("XGBoosterCreate");
    auto model = std::make_unique<BoostedTreesModel>(booster, std::move(columns));
    if (XGBoosterLoadModelFromBuffer(booster, bytes.data() + header, bytes.size() - header) != 0) {
      return Status::invalid_argument(std::string("not a model: ") + XGBGetLastError());
    }
    return std::unique_ptr<RankingModel>(std::move(model));
  }

  Learner learner() const override { return Learner::kBoostedTrees; }

  std::vector<double> scores(const std::vector<SparseVector>& arms) const override {
    std::vector<float> raw = predict(arms, 1);
    return {raw.begin(), raw.end()};
  }

  std::vector<Contributions> contributions(const std::vector<SparseVector>& arms) const override {
    const std::vector<float> raw = predict(arms, 4);
    const size_t width = columns_.size() + 1;  // the last value of a row is the bias
    std::vector<Contributions> out(arms.size());
    for (size_t r = 0; r < arms.size() && (r + 1) * width <= raw.size(); ++r) {
      for (size_t c = 0; c + 1 < width; ++c) {
        const float value = raw[r * width + c];
        if (value != 0) out[r].push_back({columns_[c], value});
      }
    }
    return out;
  }

 private:
  Status matrix(const std::vector<SparseVector>& rows, MatrixHandle& out) const {
    std::vector<size_t> offsets = {0};
    std::vector<unsigned> indices;
    std::vector<float> values;
    for (const SparseVector& row : rows) {
      for (const auto& [index, value] : row) {
        auto it = column_of_.find(index);
        if (it == column_of_.end()) continue;
        indices.push_back(it->second);
        values.push_back(value);
      }
      offsets.push_back(indices.size());
    }
    if (XGDMatrixCreateFromCSREx(offsets.data(), indices.data(), values.data(), offsets.size(),
                                 values.size(), columns_.size(), &out.handle) != 0) {
      return xgboost_error("XGDMatrixCreateFromCSREx");
    }
    return Status();
  }

  // option_mask: 1 = margins, 4 = contributions.
  std::vector<float> predict(const std::vector<SparseVector>& arms, int option_mask) const {
    if (arms.empty()) return {};
    MatrixHandle m;
    if (!matrix(arms, m).ok()) return std::vector<float>(arms.size(), 0);
    std::lock_guard lock(mutex_);
    bst_ulong length = 0;
    const float* result = nullptr;
    if (XGBoosterPredict(booster_, m.handle, option_mask, 0, 0, &length, &result) != 0) {
      return std::vector<float>(arms.size(), 0);
    }
    return {result, result + length};
  }

  BoosterHandle booster_;
  std::vector<uint32_t> columns_;  // dense column -> feature index
  std::map<uint32_t, unsigned> column_of_;
  mutable std::mutex mutex_;  // guards booster_ (its prediction buffer is shared)
};

}  // namespace

Result<std::unique_ptr<RankingModel>> RankingModel::train(const std::vector<DatasetTest>& tests,
                                                          const std::vector<DatasetPair>& pairs,
                                                          const LearnerOptions& options,
                                                          const RankingModel* start) {
  if (options.learner == Learner::kBoostedTrees) {
    return BoostedTreesModel::train(tests, pairs, options);
  }
  const auto* linear_start = start != nullptr && start->learner() == options.learner
                                 ? dynamic_cast<const LinearModel*>(start)
                                 : nullptr;
  if (options.learner == Learner::kCentredRegression) {
    return LinearModel::train_centred(tests, pairs, options);
  }
  if (options.learner == Learner::kBlend) {
    return LinearModel::train_blend(tests, pairs, options, linear_start);
  }
  return LinearModel::train(tests, pairs, options, linear_start);
}

Result<std::unique_ptr<RankingModel>> RankingModel::load(const std::string& bytes) {
  if (bytes.empty()) return Status::invalid_argument("empty model");
  if (bytes[0] == 'L' || bytes[0] == 'R' || bytes[0] == 'E') return LinearModel::load(bytes);
  if (bytes[0] == 'X') return BoostedTreesModel::load(bytes);
  return Status::invalid_argument("unknown model format");
}

const char* learner_name(Learner learner) {
  switch (learner) {
    case Learner::kBoostedTrees:
      return "xgboost rank:pairwise";
    case Learner::kCentredRegression:
      return "liblinear centred regression";
    case Learner::kBlend:
      return "liblinear blend (pairwise logistic + centred regression)";
    case Learner::kLogistic:
      break;
  }
  return "liblinear logistic";
}

}  // namespace expgraph::insights
