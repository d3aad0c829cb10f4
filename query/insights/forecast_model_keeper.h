// ForecastModelKeeper: the forecast model the server answers with. Loads the stored model at
// start (so a restart does not retrain), retrains in a background thread when none is stored or
// when enough new concluded tests have arrived, stores each new model with its metadata in the
// graph's derived state, and swaps it in when done. Requests never wait for training: they use
// the model in use (or none yet). A forecast as of a date before the model's cut-off gets the
// newest kept model whose cut-off is not after that date (the models replaced by retrains and
// those trained for earlier as_of requests are kept, a few); when none is kept, one cut off at
// that date is trained in the background and the request answers without a model, saying so.
// Used by InsightsService. Thread-safe: the model pointers are guarded by mutex_, models are
// immutable, and at most one background training runs at a time.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "graph/graph_store.h"
#include "query/insights/experiment_catalog.h"
#include "query/insights/learned_forecaster.h"
#include "query/similarity/embedder.h"

namespace expgraph::insights {

struct KeeperOptions {
  ModelSettings settings;
  size_t retrain_after = 50;  // newly concluded tests that trigger a background retrain
  size_t kept_models = 4;     // earlier models kept for forecasts as of past dates
  // The embedder whose vectors of the text are features when settings.features.embedding is
  // on (it must outlive the keeper); without one the models train without them. A stored
  // model made with another embedder (or with none, when one is given now) is retrained.
  const similarity::Embedder* embedder = nullptr;
};

class ForecastModelKeeper {
 public:
  // `graph` must outlive the keeper.
  ForecastModelKeeper(GraphStore& graph, KeeperOptions options = {});
  ~ForecastModelKeeper();  // waits for a running training
  ForecastModelKeeper(const ForecastModelKeeper&) = delete;
  ForecastModelKeeper& operator=(const ForecastModelKeeper&) = delete;

  // Loads the stored model, if any. Errors: storage errors (a model that no longer decodes is
  // ignored and retrained).
  Status load();
  // The model in use; null before the first one is trained or loaded.
  std::shared_ptr<const ForecastModel> current() const;
  // Starts a background training on `catalog` when none is running and there is no model or
  // `retrain_after` more trainable tests (catalog->trainable_experiments) than the model has.
  // True when one started.
  bool refresh(std::shared_ptr<const ExperimentCatalog> catalog);
  bool training() const { return training_.load(); }
  // Blocks until the running training (if any) has ended.
  void wait();
  // Why the last training failed ("" after a success), e.g. too few tests.
  std::string last_error() const;
  // The model to answer a forecast as of `as_of` ("" = now): the model in use when its cut-off
  // is not after `as_of`, else the newest kept model whose cut-off is not after it. When there
  // is none for a past `as_of`, a model cut off at `as_of` starts training in the background on
  // `catalog` (when no other training runs) and is kept; the answer then has no model and says
  // why. A cut-off whose training failed (too few tests) is not retried. Never blocks.
  struct AsOfModel {
    std::shared_ptr<const ForecastModel> model;
    std::string reason;  // without a model: why ("" when none was ever trained or loaded)
  };
  AsOfModel model_as_of(std::shared_ptr<const ExperimentCatalog> catalog, const std::string& as_of);
  // The cut-offs of the kept earlier models, oldest first.
  std::vector<std::string> kept_cutoffs() const;

  // The cut-off a model trained on `catalog` now gets: the day after the latest start of a
  // concluded test, so that every one of them is before it.
  static std::string cutoff_for(const ExperimentCatalog& catalog);

 private:
  // Trains in the background; `as_current`: the model in use (stored), else a kept model.
  // Called with trainer_mutex_ held and no training running.
  void start(std::shared_ptr<const ExperimentCatalog> catalog, std::string cutoff, bool as_current);
  void train(std::shared_ptr<const ExperimentCatalog> catalog, const std::string& cutoff,
             bool as_current);
  void keep(std::shared_ptr<const ForecastModel> model);  // with mutex_ held

  GraphStore& graph_;
  const KeeperOptions options_;
  mutable std::mutex mutex_;  // guards model_, kept_, last_error_
  std::shared_ptr<const ForecastModel> model_;
  std::map<std::string, std::shared_ptr<const ForecastModel>> kept_;  // by cut-off
  std::map<std::string, std::string> failed_cutoffs_;  // as_of trainings that failed, why
  std::string last_error_;
  std::atomic<bool> training_{false};
  std::thread trainer_;       // started and joined by refresh() / wait() / the destructor only
  std::mutex trainer_mutex_;  // serialises refresh() and wait() around trainer_
};

}  // namespace expgraph::insights
