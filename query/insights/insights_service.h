// InsightsService: what the insight routes call. Answers from a catalog snapshot of the graph
// (CatalogSnapshots: updated in the background from the change log when the graph's sequence
// moves; a request may be answered from the previous one while a whole reload runs), asks the
// SimilarityIndex for text similarity (exact text matching when there is none), keeps the
// learned forecast model (trained in the background by a ForecastModelKeeper) and renders the
// answers as JSON. A forecast finds each
// candidate's near-identical past assets in an AssetTextIndex built with each snapshot, not in
// the SimilarityIndex (see asset_text_index.h).
// Thread-safe: snapshots are shared read-only.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "graph/graph_store.h"
#include "query/insights/asset_text_index.h"
#include "query/insights/catalog_snapshots.h"
#include "query/insights/experiment_catalog.h"
#include "query/insights/forecast_model_keeper.h"
#include "query/insights/forecaster.h"
#include "query/insights/pattern_miner.h"
#include "query/insights/program_metrics.h"
#include "query/insights/similar_tests.h"
#include "query/similarity/similarity_index.h"

namespace expgraph::insights {

struct CandidateVariant {
  std::string name;
  std::string text;  // the asset text (headline, subject line, ...)
};

// The text signal of a draft: experiment index -> the best similarity of a hit of it at or
// above the search's default floor, and the closest similarity seen.
struct TextScores {
  std::unordered_map<size_t, double> scores;
  std::optional<double> closest_similarity;
  bool searched = false;  // false without a similarity index or a hypothesis
};

class InsightsService {
 public:
  // `similarity` may be null; both must outlive the service. The graph also keeps the stored
  // forecast model.
  // The forecast model uses the similarity index's embedder for its vector features when it
  // is the glove embedder and `model_options` names none (see docs/insights.md).
  // `max_snapshot_lag`: CatalogSnapshotOptions::max_lag (0: every answer reflects every write
  // made before its request).
  InsightsService(GraphStore& graph, const similarity::SimilarityIndex* similarity,
                  KeeperOptions model_options = {},
                  std::chrono::milliseconds max_snapshot_lag = std::chrono::milliseconds(0));

  // Loads the stored forecast model, or starts training one in the background when there is
  // none. Errors: storage errors.
  Status start();

  // {"recommendations": [{experiment, score, signals, matched, result, learnings}]}
  Result<nlohmann::json> similar_tests(const DraftTest& draft);
  // {"patterns": [{feature, summary, scope, tests, derived_tests, pooled_lift, ci_low, ci_high,
  //   i2, tau2, win_rate, evidence, reuses, experiments, experiments_omitted}], "context",
  //   "requested_context", "fallback", "status", "message"}: at most `limit` patterns, each
  //   listing its `experiments_limit` most precise tests; from a broader context when the one
  //   asked for has too few tests (mine_patterns_nearest).
  Result<nlohmann::json> patterns(const PatternFilter& filter, size_t limit,
                                  size_t experiments_limit = 10);
  // {"prior": estimate, "candidates": [{name, forecast, p_best, p_beats, expected_lift,
  //  contributions, closest_tests}], "best_candidates", "similar_tests", "model", "method"}
  Result<nlohmann::json> forecast(const DraftTest& draft,
                                  const std::vector<CandidateVariant>& candidates,
                                  const ForecastOptions& options);
  Result<nlohmann::json> program(const ProgramFilter& filter);
  // {"model": description or null, "training", "last_error", "retrain_after"}; first brings the
  // snapshot up to date, which starts a background retrain when enough new tests concluded.
  nlohmann::json forecast_model();
  ForecastModelKeeper& model_keeper() { return keeper_; }

  // The snapshot to answer from (CatalogSnapshots::current; each new one lets the model keeper
  // start a background retrain if one is due).
  Result<CatalogSnapshot> snapshot() { return snapshots_.current(); }

 private:
  // `k`: the text hits asked of the SimilarityIndex (each costs node and context reads).
  Result<TextScores> text_scores(
      const ExperimentCatalog& catalog, const DraftTest& draft, size_t k = 200,
      similarity::SearchMode mode = similarity::SearchMode::kHybrid) const;
  GraphStore& graph_;
  const similarity::SimilarityIndex* similarity_;
  ForecastModelKeeper keeper_;
  CatalogSnapshots snapshots_;  // after keeper_: its loader refreshes the keeper
};

}  // namespace expgraph::insights
