#include "query/insights/forecast_model_keeper.h"

#include "graph/derived_state.h"
#include "query/insights/forecast_model_codec.h"
#include "query/insights/pair_dataset.h"
#include "query/insights/similar_tests.h"

namespace expgraph::insights {

namespace {

constexpr char kDescriptionName[] = "forecast_model/description";
constexpr char kRankingName[] = "forecast_model/ranking";

// Trainable tests: concluded, dated, with >= 2 measured arms (what collect_tests keeps), counted
// without building features.
// The options with the embedder resolved into the feature options: the embedding features
// are on only when asked for and an embedder is there, and then name it.
KeeperOptions with_embedder(KeeperOptions options) {
  FeatureOptions& f = options.settings.features;
  f.embedding = f.embedding && options.embedder != nullptr;
  f.embedder = f.embedding ? options.embedder : nullptr;
  f.embedder_id = f.embedding ? options.embedder->id() : "";
  return options;
}

}  // namespace

ForecastModelKeeper::ForecastModelKeeper(GraphStore& graph, KeeperOptions options)
    : graph_(graph), options_(with_embedder(std::move(options))) {}

ForecastModelKeeper::~ForecastModelKeeper() { wait(); }

Status ForecastModelKeeper::load() {
  auto description = get_derived_state(graph_, kDescriptionName);
  if (!description.ok()) return description.status();
  auto ranking = get_derived_state(graph_, kRankingName);
  if (!ranking.ok()) return ranking.status();
  if (!description->has_value() || !ranking->has_value()) return Status();
  auto model = decode_forecast_model(**description, **ranking);
  if (!model.ok()) return Status();
  // A model whose features differ from the server's (another embedder, or features added
  // since it was stored) is retrained.
  const FeatureOptions& wanted = options_.settings.features;
  FeatureOptions& stored = (*model)->settings.features;
  if (!same_features(stored, wanted)) return Status();
  stored.embedder = wanted.embedder;
  std::lock_guard lock(mutex_);
  model_ = std::move(model).value();
  return Status();
}

std::shared_ptr<const ForecastModel> ForecastModelKeeper::current() const {
  std::lock_guard lock(mutex_);
  return model_;
}

std::string ForecastModelKeeper::last_error() const {
  std::lock_guard lock(mutex_);
  return last_error_;
}

std::string ForecastModelKeeper::cutoff_for(const ExperimentCatalog& catalog) {
  std::string latest;
  for (const ExperimentFacts& e : catalog.experiments) {
    if (e.is_past() && e.started_at > latest) latest = e.started_at.substr(0, 10);
  }
  return latest.empty() ? "" : add_days(latest, 1);
}

bool ForecastModelKeeper::refresh(std::shared_ptr<const ExperimentCatalog> catalog) {
  std::lock_guard trainer_lock(trainer_mutex_);
  if (training_.load()) return false;
  const std::shared_ptr<const ForecastModel> model = current();
  const size_t available = catalog->trainable_experiments;
  if (model && available < model->experiments + options_.retrain_after) return false;
  if (!model && !last_error().empty() && available < options_.settings.min_tests) return false;
  const std::string cutoff = cutoff_for(*catalog);
  start(std::move(catalog), cutoff, true);
  return true;
}

void ForecastModelKeeper::start(std::shared_ptr<const ExperimentCatalog> catalog,
                                std::string cutoff, bool as_current) {
  if (trainer_.joinable()) trainer_.join();
  training_.store(true);
  trainer_ = std::thread([this, catalog = std::move(catalog), cutoff = std::move(cutoff),
                          as_current] { train(catalog, cutoff, as_current); });
}

void ForecastModelKeeper::wait() {
  std::lock_guard trainer_lock(trainer_mutex_);
  if (trainer_.joinable()) trainer_.join();
}

void ForecastModelKeeper::keep(std::shared_ptr<const ForecastModel> model) {
  if (!model || options_.kept_models == 0) return;
  kept_[model->cutoff] = std::move(model);
  while (kept_.size() > options_.kept_models) kept_.erase(kept_.begin());
}

void ForecastModelKeeper::train(std::shared_ptr<const ExperimentCatalog> catalog,
                                const std::string& cutoff, bool as_current) {
  // A model for an earlier as_of sees only the results known by then; the current one sees
  // every concluded test.
  auto trained = train_forecast_model(*catalog, cutoff, options_.settings, !as_current);
  std::string error;
  if (trained.ok() && as_current) {
    const ForecastModel& m = **trained;
    const Status stored = put_derived_state(
        graph_,
        {{kDescriptionName, model_description(m).dump()}, {kRankingName, m.ranking->save()}});
    if (!stored.ok()) error = "the model was trained but not stored: " + stored.to_string();
  } else if (!trained.ok()) {
    error = trained.status().to_string();
  }
  {
    std::lock_guard lock(mutex_);
    if (trained.ok() && as_current) {
      keep(std::move(model_));  // it still answers forecasts as of dates before the new cut-off
      model_ = std::move(trained).value();
    } else if (trained.ok()) {
      keep(std::move(trained).value());
    }
    if (as_current) {
      last_error_ = error;
    } else if (!error.empty() && failed_cutoffs_.size() < 64) {
      failed_cutoffs_[cutoff] = error;
    }
  }
  training_.store(false);
}

ForecastModelKeeper::AsOfModel ForecastModelKeeper::model_as_of(
    std::shared_ptr<const ExperimentCatalog> catalog, const std::string& as_of) {
  {
    std::lock_guard lock(mutex_);
    if (as_of.empty()) return {model_, last_error_};
    if (model_ && model_->cutoff <= as_of) return {model_, ""};
    // The newest kept cut-off not after as_of.
    auto it = kept_.upper_bound(as_of);
    if (it != kept_.begin()) return {std::prev(it)->second, ""};
    if (auto failed = failed_cutoffs_.find(as_of); failed != failed_cutoffs_.end()) {
      return {nullptr, failed->second};
    }
  }
  std::lock_guard trainer_lock(trainer_mutex_);
  if (!training_.load() && catalog) {
    start(std::move(catalog), as_of, false);
    return {nullptr, "no kept model has a cut-off on or before " + as_of + ": one cut off at " +
                         as_of + " is training in the background; ask again in a few seconds"};
  }
  return {nullptr, "no kept model has a cut-off on or before " + as_of +
                       " and another model is training; ask again in a few seconds"};
}

std::vector<std::string> ForecastModelKeeper::kept_cutoffs() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [cutoff, model] : kept_) out.push_back(cutoff);
  return out;
}

}  // namespace expgraph::insights
