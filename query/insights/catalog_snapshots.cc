#include "query/insights/catalog_snapshots.h"

#include <algorithm>
#include <exception>
#include <string>
#include <utility>

#include "query/insights/catalog_loader.h"

namespace expgraph::insights {

CatalogSnapshots::CatalogSnapshots(const GraphStore& graph, CatalogSnapshotOptions options)
    : graph_(graph), options_(std::move(options)) {}

CatalogSnapshots::~CatalogSnapshots() {
  std::thread loader;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    loader = std::move(loader_);
  }
  published_.notify_all();  // ends the loader's pause between loads
  if (loader.joinable()) loader.join();
}

uint64_t CatalogSnapshots::loads_started() const {
  std::lock_guard lock(mutex_);
  return started_loads_;
}

uint64_t CatalogSnapshots::updates() const {
  std::lock_guard lock(mutex_);
  return updates_;
}

Result<CatalogSnapshot> CatalogSnapshots::current() {
  std::unique_lock lock(mutex_);
  const Clock::time_point arrived = Clock::now();
  for (;;) {
    const bool have = snapshot_.catalog != nullptr;
    if (have && snapshot_.catalog->sequence == graph_.last_sequence()) return snapshot_;
    // Stale (or none): whoever asks while the graph moves keeps the loader going.
    demand_ = true;
    // A load that started after this request arrived saw every write made before it.
    if (have && snapshot_started_ >= arrived) return snapshot_;
    if (failed_ && failed_started_ >= arrived) return failure_;
    if (!loading_) {
      start_load();
    } else if (have && reading_whole_ && load_started_ < arrived &&
               Clock::now() - snapshot_started_ <= options_.max_lag) {
      // A whole load (a second or more) began before this request, which would wait for it
      // and the next: the snapshot in hand is recent enough meanwhile. An update (a few
      // milliseconds) is waited for, and so is a load this request started.
      return snapshot_;
    }
    published_.wait(lock);
  }
}

void CatalogSnapshots::start_load() {
  // The previous loader has finished its work (loading_ is false): joining returns at once.
  if (loader_.joinable()) loader_.join();
  loading_ = true;
  load_started_ = Clock::now();
  ++started_loads_;
  reading_whole_ = snapshot_.catalog == nullptr;  // an update, until it turns out otherwise
  loader_ = std::thread([this] { load_loop(); });
}

Result<CatalogSnapshot> CatalogSnapshots::load_next(const CatalogSnapshot& previous) {
  CatalogSnapshot next;
  if (previous.catalog) {
    auto updated = update_catalog(graph_, *previous.catalog);
    if (!updated.ok()) return updated.status();
    if (*updated) {
      next.catalog = std::make_shared<const ExperimentCatalog>(std::move((*updated)->catalog));
      const std::vector<size_t>& assets_read = (*updated)->assets_read;
      next.asset_text = assets_read.empty()
                            ? previous.asset_text  // the same assets at the same indexes
                            : std::make_shared<const AssetTextIndex>(
                                  *next.catalog, *previous.asset_text, assets_read);
      std::lock_guard lock(mutex_);
      ++updates_;
      return next;
    }
  }
  {
    std::lock_guard lock(mutex_);
    reading_whole_ = true;
  }
  published_.notify_all();  // requests that may now be answered from the snapshot in hand
  auto loaded = load_catalog(graph_);
  if (!loaded.ok()) return loaded.status();
  next.catalog = std::make_shared<const ExperimentCatalog>(std::move(loaded).value());
  next.asset_text = std::make_shared<const AssetTextIndex>(*next.catalog);
  return next;
}

void CatalogSnapshots::load_loop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    const Clock::time_point started = load_started_;
    CatalogSnapshot previous = snapshot_;
    lock.unlock();
    CatalogSnapshot next;
    Status failure;
    // An exception here (out of memory) would end the process from this thread: it fails the
    // load instead, and the requests waiting for it get the error, as in their own thread.
    try {
      auto loaded = load_next(previous);
      if (loaded.ok()) {
        next = std::move(loaded).value();
        if (options_.on_loaded) options_.on_loaded(next.catalog);
        if (options_.before_publish) options_.before_publish();
      } else {
        failure = loaded.status();
      }
    } catch (const std::exception& e) {
      next = {};
      failure = Status::internal(std::string("loading the experiment catalog: ") + e.what());
    }
    lock.lock();
    const bool ok = next.catalog != nullptr;
    if (ok) {
      snapshot_ = std::move(next);
      snapshot_started_ = started;
    } else {
      failed_ = true;
      failure_ = std::move(failure);
      failed_started_ = started;
    }
    published_.notify_all();
    // Load again (after a pause) only while the graph moves and requests keep finding it stale.
    // Decided with the publication, under one lock: a request in between would take this load
    // for one still under way.
    const bool again =
        !stopping_ && ok && demand_ && snapshot_.catalog->sequence != graph_.last_sequence();
    demand_ = false;
    if (!again) loading_ = false;
    // The replaced snapshot is freed here unless a request still reads it: outside the lock,
    // so that requests do not wait for it.
    lock.unlock();
    previous = {};
    if (!again) return;
    lock.lock();
    // A pause as long as the load, so that loading back to back under a stream of writes takes
    // at most half a core, when the lag allows it: a snapshot is then served until the next
    // one is published, at most pause + 2 loads after its load began.
    const auto took = Clock::now() - started;
    const auto pause = std::max(Clock::duration::zero(),
                                std::min<Clock::duration>(took, options_.max_lag - 2 * took));
    published_.wait_for(lock, pause, [this] { return stopping_; });
    if (stopping_) {
      loading_ = false;
      return;
    }
    load_started_ = Clock::now();
    ++started_loads_;
    reading_whole_ = false;  // an update, until it turns out otherwise
  }
}

}  // namespace expgraph::insights
