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
size_t trainable_tests(const ExperimentCatalog& catalog) {
  size_t count = 0;
  for (const ExperimentFacts& e : catalog.experiments) {
    if (!e.is_past() || e.started_at.empty()) continue;
    size_t measured = 0;
    for (const ArmFacts& a : e.arms) measured += a.rate() && a.users && *a.users > 0 ? 1 : 0;
    count += measured >= 2 ? 1 : 0;
  }
  return count;
}

}  // namespace

ForecastModelKeeper::ForecastModelKeeper(GraphStore& graph, KeeperOptions options)
    : graph_(graph), options_(std::move(options)) {}

ForecastModelKeeper::~ForecastModelKeeper() { wait(); }

Status ForecastModelKeeper::load() {
  auto description = get_derived_state(graph_, kDescriptionName);
  if (!description.ok()) return description.status();
  auto ranking = get_derived_state(graph_, kRankingName);
  if (!ranking.ok()) return ranking.status();
  if (!description->has_value() || !ranking->has_value()) return Status();
  auto model = decode_forecast_model(**description, **ranking);
  if (!model.ok()) return Status();
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
  const size_t available = trainable_tests(*catalog);
  if (model && available < model->experiments + options_.retrain_after) return false;
  if (!model && !last_error().empty() && available < options_.settings.min_tests) return false;
  if (trainer_.joinable()) trainer_.join();
  training_.store(true);
  trainer_ = std::thread([this, catalog = std::move(catalog)] { train(catalog); });
  return true;
}

void ForecastModelKeeper::wait() {
  std::lock_guard trainer_lock(trainer_mutex_);
  if (trainer_.joinable()) trainer_.join();
}

void ForecastModelKeeper::train(std::shared_ptr<const ExperimentCatalog> catalog) {
  auto trained = train_forecast_model(*catalog, cutoff_for(*catalog), options_.settings);
  std::string error;
  if (trained.ok()) {
    const ForecastModel& m = **trained;
    const Status stored = put_derived_state(
        graph_,
        {{kDescriptionName, model_description(m).dump()}, {kRankingName, m.ranking->save()}});
    if (!stored.ok()) error = "the model was trained but not stored: " + stored.to_string();
  } else {
    error = trained.status().to_string();
  }
  {
    std::lock_guard lock(mutex_);
    if (trained.ok()) {
      model_ = std::move(trained).value();
      as_of_models_.clear();
    }
    last_error_ = error;
  }
  training_.store(false);
}

Result<std::shared_ptr<const ForecastModel>> ForecastModelKeeper::model_as_of(
    const ExperimentCatalog& catalog, const std::string& as_of) {
  std::shared_ptr<const ForecastModel> model = current();
  if (as_of.empty() || (model && model->cutoff <= as_of)) return model;
  {
    std::lock_guard lock(mutex_);
    if (auto it = as_of_models_.find(as_of); it != as_of_models_.end()) return it->second;
  }
  auto trained = train_forecast_model(catalog, as_of, options_.settings);
  if (!trained.ok()) return trained.status();
  std::shared_ptr<const ForecastModel> past = std::move(trained).value();
  std::lock_guard lock(mutex_);
  if (as_of_models_.size() >= options_.as_of_cache) as_of_models_.erase(as_of_models_.begin());
  as_of_models_[as_of] = past;
  return past;
}

}  // namespace expgraph::insights
