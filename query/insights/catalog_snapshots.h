// CatalogSnapshots: the ExperimentCatalog (and its AssetTextIndex) the insight routes read,
// reloaded in a background thread when the graph's change-log sequence moves.
//
// A load brings the last snapshot up to date from the change log (catalog_loader.h's
// update_catalog: about a millisecond on the Upworthy archive), or reads every experiment's
// neighbourhood when it cannot (the first load, deletions, large imports: about 1.1 s on the
// archive, 52,000 nodes). Loading in the request, as before, made every insight request after
// any write wait for a whole load, one after another under one lock. Now:
// - a snapshot that covers the graph's last sequence is served at once;
// - a stale one is served at once while a whole load is under way, when that load started at
//   most `max_lag` after the snapshot's own load (under deletions or an import, requests do not
//   wait for whole loads one after another);
// - otherwise the request waits for a load that started after it arrived: an update, or a whole
//   load when none is under way. So a client that writes and then asks reads its own write
//   unless a whole load was already running; `max_lag` 0 makes every request wait so.
// While stale snapshots were served and writes continue, the loader loads again after a pause
// as long as the last load (shorter when max_lag needs it), so that it takes at most half a
// core.
// Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "graph/graph_store.h"
#include "query/insights/asset_text_index.h"
#include "query/insights/experiment_catalog.h"

namespace expgraph::insights {

struct CatalogSnapshot {
  std::shared_ptr<const ExperimentCatalog> catalog;
  std::shared_ptr<const AssetTextIndex> asset_text;  // of `catalog`
};

struct CatalogSnapshotOptions {
  // How far behind the graph a served snapshot may be while a newer one loads: the time from
  // the start of its load to the start of the load under way.
  std::chrono::milliseconds max_lag{0};
  // Called in the loading thread with each new catalog before requests see it (the forecast
  // model keeper's refresh, which decides whether to retrain).
  std::function<void(const std::shared_ptr<const ExperimentCatalog>&)> on_loaded;
  // For tests: called in the loading thread after each load, before it is published.
  std::function<void()> before_publish;
};

class CatalogSnapshots {
 public:
  // `graph` must outlive this.
  CatalogSnapshots(const GraphStore& graph, CatalogSnapshotOptions options);
  ~CatalogSnapshots();  // waits for a load under way
  CatalogSnapshots(const CatalogSnapshots&) = delete;
  CatalogSnapshots& operator=(const CatalogSnapshots&) = delete;

  // The snapshot to answer from (see above). Errors: the storage error of the load waited for.
  Result<CatalogSnapshot> current();
  // Loads run so far (started), for tests and benchmarks.
  uint64_t loads_started() const;
  // Of those finished, how many updated the last snapshot instead of reading the whole graph.
  uint64_t updates() const;

 private:
  using Clock = std::chrono::steady_clock;
  // Starts a load in the background; mutex_ held, none running.
  void start_load();
  void load_loop();
  // The snapshot after `previous` (none: the first), in the loading thread.
  Result<CatalogSnapshot> load_next(const CatalogSnapshot& previous);

  const GraphStore& graph_;
  const CatalogSnapshotOptions options_;
  mutable std::mutex mutex_;           // guards everything below
  std::condition_variable published_;  // a load ended (published or failed)
  CatalogSnapshot snapshot_;
  Clock::time_point snapshot_started_;  // when the load of snapshot_ started
  bool failed_ = false;                 // a load failed: when it started, and why
  Clock::time_point failed_started_;
  Status failure_;
  bool loading_ = false;
  Clock::time_point load_started_;  // of the load under way
  // The load under way reads the whole graph (an update until update_catalog declines;
  // between loads, whether the last one did).
  bool reading_whole_ = true;
  uint64_t started_loads_ = 0;
  uint64_t updates_ = 0;
  // A request found the snapshot stale since the loader last decided whether to load again.
  bool demand_ = false;
  bool stopping_ = false;
  std::thread loader_;  // started by start_load(), joined by the next start and the destructor
};

}  // namespace expgraph::insights
