// VectorIndex: the nearest-neighbour index behind similarity search. Cosine similarity as the
// inner product of L2-normalised float vectors, over FAISS: an exact scan of an IndexFlatIP
// while small, an inner-product HNSW graph (faiss::IndexHNSW) once it outgrows
// `hnsw_threshold`; both score with the SIMD dot_product. Derived state: the similarity service
// rebuilds it from the stored vectors at start and upserts after each commit.
//
// Thread-safety: thread-safe. Any number of concurrent search() calls; writers (upsert, remove,
// rebuild) are serialised among themselves and block searches only while they swap or append,
// not while they build a replacement index (a conversion to HNSW or a compaction).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

#include "ontology/status.h"
#include "query/similarity/scored_id.h"
#include "query/similarity/writer_priority_mutex.h"

namespace expgraph::similarity {

enum class IndexKind { kAuto, kFlat, kHnsw };

struct VectorIndexOptions {
  // kAuto: exact below this many vectors, HNSW above (and back to exact under half of it).
  size_t hnsw_threshold = 50000;
  int hnsw_m = 32;
  int ef_construction = 80;
  // 128, not 64: at 1M x 384 (clustered) ef 64 gave recall@10 0.90, 128 gave 0.967 at a
  // median of 0.99 ms, 256 gave 0.990 at 1.6 ms (bench_vector_search, one thread per query).
  int ef_search = 128;
  IndexKind force = IndexKind::kAuto;
  // Allow-lists up to this many ids are scored exactly instead of walking the HNSW graph...
  size_t exact_filter_max = 10000;
  // ...and so are larger ones while m^2 <= ratio * ef_search * n (m allowed of n). The exact
  // path costs m dot products; the filtered walk widens its beam to ef_search * n / m and costs
  // roughly `ratio` dot products per beam slot (an estimate from one 1M x 384 run with 5%
  // allowed; worth re-measuring with bench_vector_search --filter). 0 disables.
  double exact_filter_cost_ratio = 75.0;
  // Removed and replaced vectors stay in FAISS as tombstones (HNSW cannot delete); the index is
  // rebuilt without them once they are this fraction of all stored vectors.
  double max_tombstone_fraction = 0.25;
  // OpenMP threads one search may use; 1 because a single query gains nothing from FAISS's
  // per-query parallelism and concurrency comes from concurrent requests. 0 = OpenMP default.
  int search_threads = 1;
};

// Restricts a search. Both parts, when present, must hold for an id to be returned.
struct SearchFilter {
  // Only these ids (borrowed for the duration of the call; duplicates and unknown ids are fine).
  std::optional<std::span<const uint64_t>> allow_ids = std::nullopt;
  // Only ids for which this returns true. May be called from a FAISS worker thread.
  std::function<bool(uint64_t)> predicate = nullptr;
};

class VectorIndex {
 public:
  // An empty index of `dimension`-sized vectors. Invalid options are clamped to sane values.
  explicit VectorIndex(int dimension, VectorIndexOptions options = {});
  ~VectorIndex();
  VectorIndex(const VectorIndex&) = delete;
  VectorIndex& operator=(const VectorIndex&) = delete;

  // Inserts or replaces the vector of `id`. The vector is L2-normalised on the way in (a zero
  // vector is kept as zeros: similarity 0 to everything). invalid_argument on a wrong size or a
  // non-finite value.
  Status upsert(uint64_t id, std::span<const float> vector);
  // Removes `id`; returns whether it was present. A removed id is never returned by search().
  bool remove(uint64_t id);
  // Replaces the whole content with `ids[i]` -> `vectors[i * dimension ...]` (row-major; a
  // repeated id keeps its last vector). One bulk FAISS build: the way to load at start.
  Status rebuild(std::span<const uint64_t> ids, std::span<const float> vectors);

  // The min(k, matching ids) ids most similar to `query` (normalised here), best first, with
  // their cosine similarity. With a filter, still returns k hits whenever k ids match, however
  // far they are. Exact in flat mode; approximate (recall ~0.95+) in HNSW mode.
  // `ef_search` > 0 overrides the option for this call (a wider beam: higher recall, slower).
  Result<std::vector<ScoredId>> search(std::span<const float> query, size_t k,
                                       const SearchFilter& filter = {}, int ef_search = 0) const;

  // The number of live (searchable) ids.
  size_t size() const;
  bool contains(uint64_t id) const;
  int dimension() const { return dimension_; }
  // The structure currently serving searches: kFlat or kHnsw.
  IndexKind kind() const;
  // Tombstoned FAISS entries awaiting compaction (for tests and metrics).
  size_t tombstone_count() const;

 private:
  struct State;

  IndexKind choose_kind(size_t live, IndexKind current) const;
  // Builds a fresh state of `kind` from row-major normalised vectors.
  std::unique_ptr<State> build_state(IndexKind kind, std::vector<uint64_t> ids,
                                     const std::vector<float>& vectors) const;
  // A fresh state holding only the live vectors of the current one. Caller holds write_mutex_.
  std::unique_ptr<State> compacted(IndexKind kind) const;
  // Compacts or converts when tombstones or size call for it. Caller holds write_mutex_.
  void maintain();

  const int dimension_;
  const VectorIndexOptions options_;
  std::mutex write_mutex_;             // serialises writers, held for a whole write
  mutable WriterPriorityMutex mutex_;  // guards state_: shared for search, unique to mutate/swap
  std::unique_ptr<State> state_;
};

}  // namespace expgraph::similarity
