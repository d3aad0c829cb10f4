#include "query/similarity/vector_index.h"

#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/impl/DistanceComputer.h>
#include <faiss/impl/HNSW.h>
#include <faiss/impl/IDSelector.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <queue>
#include <string>
#include <unordered_map>

#include "query/similarity/dot_product.h"

namespace expgraph::similarity {

// Why not faiss::IndexIDMap2: in FAISS 1.7.3 IndexIDMap(2)::search rejects SearchParameters
// ("search params not supported for this index"), so it cannot take an IDSelector, and its
// remove_ids does not work over HNSW. The wrapper therefore keeps the id map itself: FAISS
// labels are "slots" (insertion order), and a slot is live while it holds its id's current
// vector. Replaced and removed vectors become tombstones that the selector hides; the index is
// rebuilt without them when they pile up. Invariants: slot_of[id] == s <=> live[s] &&
// slot_ids[s] == id; tombstones == count of !live; index->ntotal == slot_ids.size().
struct VectorIndex::State {
  IndexKind kind = IndexKind::kFlat;
  std::unique_ptr<faiss::Index> index;  // SimdFlatIP, or IndexHNSW over a SimdFlatIP storage
  std::vector<uint64_t> slot_ids;
  std::vector<uint8_t> live;
  std::unordered_map<uint64_t, int64_t> slot_of;
  size_t tombstones = 0;

  // The stored vectors, slot-major (FAISS keeps them contiguous in both kinds).
  const float* vectors() const {
    if (kind == IndexKind::kFlat) return static_cast<const faiss::IndexFlat&>(*index).get_xb();
    const auto& hnsw = static_cast<const faiss::IndexHNSW&>(*index);
    return static_cast<const faiss::IndexFlat*>(hnsw.storage)->get_xb();
  }
};

namespace {

using faiss_idx_t = faiss::Index::idx_t;

// Tombstones are tolerated below this count whatever the fraction: compacting a tiny index
// after every removal would be churn for nothing.
constexpr size_t kMinTombstonesToCompact = 16;
// efSearch stops widening here; past it the exact scan is both cheaper and certain.
constexpr size_t kMaxEfSearch = 16384;

// Scores stored vectors with dot_product (AVX2 when available) instead of the generic build's
// scalar fvec_inner_product: the HNSW graph spends nearly all of its build and search time here.
class DotProductComputer final : public faiss::FlatCodesDistanceComputer {
 public:
  explicit DotProductComputer(const faiss::IndexFlat& index)
      : faiss::FlatCodesDistanceComputer(index.codes.data(), index.code_size),
        vectors_(index.get_xb()),
        dimension_(static_cast<size_t>(index.d)) {}

  void set_query(const float* query) override { query_ = query; }
  float distance_to_code(const uint8_t* code) override {
    return dot_product(query_, reinterpret_cast<const float*>(code), dimension_);
  }
  float symmetric_dis(idx_t i, idx_t j) override {
    return dot_product(vectors_ + static_cast<size_t>(i) * dimension_,
                       vectors_ + static_cast<size_t>(j) * dimension_, dimension_);
  }

 private:
  const float* vectors_;
  size_t dimension_;
  const float* query_ = nullptr;
};

// An IndexFlatIP whose distance computer is DotProductComputer; the HNSW's storage.
class SimdFlatIP final : public faiss::IndexFlatIP {
 public:
  explicit SimdFlatIP(int dimension) : faiss::IndexFlatIP(dimension) {}
  faiss::FlatCodesDistanceComputer* get_FlatCodesDistanceComputer() const override {
    // FAISS's interface hands over ownership of a raw pointer; the caller deletes it.
    return std::make_unique<DotProductComputer>(*this).release();
  }
};

// Keeps the k best hits seen so far (ties: smaller id first).
class TopK {
 public:
  explicit TopK(size_t k) : k_(k), heap_(&better) {}
  void push(uint64_t id, float score) {
    const ScoredId hit{id, score};
    if (heap_.size() < k_) {
      heap_.push(hit);
    } else if (better(hit, heap_.top())) {
      heap_.pop();
      heap_.push(hit);
    }
  }
  // The hits, best first.
  std::vector<ScoredId> take() {
    std::vector<ScoredId> hits;
    hits.reserve(heap_.size());
    while (!heap_.empty()) {
      hits.push_back(heap_.top());
      heap_.pop();
    }
    std::reverse(hits.begin(), hits.end());
    return hits;
  }

 private:
  static bool better(const ScoredId& a, const ScoredId& b) {
    return a.score > b.score || (a.score == b.score && a.id < b.id);
  }
  size_t k_;
  // A min-heap on "better": its top is the worst of the k best so far.
  std::priority_queue<ScoredId, std::vector<ScoredId>, bool (*)(const ScoredId&, const ScoredId&)>
      heap_;
};

// Limits FAISS's OpenMP team on this thread for one call. omp_set_num_threads only changes the
// calling thread's setting, so concurrent searches on other threads are unaffected.
class OmpThreadLimit {
 public:
  explicit OmpThreadLimit(int threads) : previous_(omp_get_max_threads()), active_(threads > 0) {
    if (active_) omp_set_num_threads(threads);
  }
  ~OmpThreadLimit() {
    if (active_) omp_set_num_threads(previous_);
  }
  OmpThreadLimit(const OmpThreadLimit&) = delete;
  OmpThreadLimit& operator=(const OmpThreadLimit&) = delete;

 private:
  int previous_;
  bool active_;
};

// Accepts a FAISS slot when it is live, allowed (if an allow bitmap is given) and passes the
// caller's predicate (if any).
class SlotSelector final : public faiss::IDSelector {
 public:
  SlotSelector(const std::vector<uint8_t>& live, const std::vector<uint64_t>& slot_ids,
               const std::vector<bool>* allowed, const std::function<bool(uint64_t)>* predicate)
      : live_(live), slot_ids_(slot_ids), allowed_(allowed), predicate_(predicate) {}

  bool is_member(faiss_idx_t slot) const override {
    const auto s = static_cast<size_t>(slot);
    if (!live_[s]) return false;
    if (allowed_ != nullptr && !(*allowed_)[s]) return false;
    return predicate_ == nullptr || (*predicate_)(slot_ids_[s]);
  }

 private:
  const std::vector<uint8_t>& live_;
  const std::vector<uint64_t>& slot_ids_;
  const std::vector<bool>* allowed_;
  const std::function<bool(uint64_t)>* predicate_;
};

Status check_vector(std::span<const float> vector, int dimension, const char* what) {
  if (vector.size() != static_cast<size_t>(dimension)) {
    return Status::invalid_argument(std::string("vector index: ") + what + " has " +
                                    std::to_string(vector.size()) + " values, expected " +
                                    std::to_string(dimension));
  }
  for (float v : vector) {
    if (!std::isfinite(v)) {
      return Status::invalid_argument(std::string("vector index: ") + what +
                                      " has a non-finite value");
    }
  }
  return Status::ok_status();
}

// Appends `vector` scaled to unit L2 norm (zeros stay zeros).
void append_normalised(std::span<const float> vector, std::vector<float>& out) {
  double norm = 0.0;
  for (float v : vector) norm += static_cast<double>(v) * v;
  const double scale = norm > 0.0 ? 1.0 / std::sqrt(norm) : 0.0;
  for (float v : vector) out.push_back(static_cast<float>(v * scale));
}

std::vector<ScoredId> translate(const std::vector<float>& distances,
                                const std::vector<faiss_idx_t>& labels,
                                const std::vector<uint64_t>& slot_ids,
                                const std::vector<uint8_t>& live) {
  std::vector<ScoredId> hits;
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0) continue;  // FAISS pads with -1 when it found fewer than k
    const auto slot = static_cast<size_t>(labels[i]);
    if (!live[slot]) continue;  // never happens with a selector; kept as a hard guarantee
    hits.push_back(ScoredId{slot_ids[slot], distances[i]});
  }
  return hits;
}

}  // namespace

VectorIndex::VectorIndex(int dimension, VectorIndexOptions options)
    : dimension_(std::max(dimension, 1)), options_([&] {
        options.hnsw_m = std::clamp(options.hnsw_m, 4, 256);
        options.ef_construction = std::max(options.ef_construction, 8);
        options.ef_search = std::max(options.ef_search, 1);
        if (!(options.max_tombstone_fraction > 0.0 && options.max_tombstone_fraction <= 1.0)) {
          options.max_tombstone_fraction = 0.25;
        }
        options.search_threads = std::max(options.search_threads, 0);
        return options;
      }()) {
  state_ = build_state(choose_kind(0, IndexKind::kFlat), {}, {});
}

VectorIndex::~VectorIndex() = default;

IndexKind VectorIndex::choose_kind(size_t live, IndexKind current) const {
  if (options_.force != IndexKind::kAuto) return options_.force;
  if (live > options_.hnsw_threshold) return IndexKind::kHnsw;
  // Hysteresis: an index hovering around the threshold must not flip back and forth.
  if (current == IndexKind::kHnsw && live > options_.hnsw_threshold / 2) return IndexKind::kHnsw;
  return IndexKind::kFlat;
}

std::unique_ptr<VectorIndex::State> VectorIndex::build_state(
    IndexKind kind, std::vector<uint64_t> ids, const std::vector<float>& vectors) const {
  auto state = std::make_unique<State>();
  state->kind = kind;
  if (kind == IndexKind::kHnsw) {
    auto storage = std::make_unique<SimdFlatIP>(dimension_);
    auto hnsw = std::make_unique<faiss::IndexHNSW>(storage.get(), options_.hnsw_m);
    hnsw->own_fields = true;  // the HNSW now owns and deletes its storage
    storage.release();
    hnsw->hnsw.efConstruction = options_.ef_construction;
    hnsw->hnsw.efSearch = options_.ef_search;
    state->index = std::move(hnsw);
  } else {
    state->index = std::make_unique<SimdFlatIP>(dimension_);
  }
  // A bulk add: FAISS builds the HNSW graph with all OpenMP threads.
  if (!ids.empty()) state->index->add(static_cast<faiss_idx_t>(ids.size()), vectors.data());
  state->live.assign(ids.size(), 1);
  state->slot_of.reserve(ids.size());
  for (size_t slot = 0; slot < ids.size(); ++slot) {
    state->slot_of[ids[slot]] = static_cast<int64_t>(slot);
  }
  state->slot_ids = std::move(ids);
  return state;
}

std::unique_ptr<VectorIndex::State> VectorIndex::compacted(IndexKind kind) const {
  const State& current = *state_;  // safe to read unlocked: only writers change it, and we are one
  std::vector<uint64_t> ids;
  std::vector<float> vectors;
  ids.reserve(current.slot_of.size());
  vectors.reserve(current.slot_of.size() * static_cast<size_t>(dimension_));
  const float* stored = current.vectors();
  for (size_t slot = 0; slot < current.slot_ids.size(); ++slot) {
    if (!current.live[slot]) continue;
    ids.push_back(current.slot_ids[slot]);
    const float* row = stored + slot * static_cast<size_t>(dimension_);
    vectors.insert(vectors.end(), row, row + dimension_);
  }
  return build_state(kind, std::move(ids), vectors);
}

void VectorIndex::maintain() {
  const State& current = *state_;
  const IndexKind wanted = choose_kind(current.slot_of.size(), current.kind);
  const bool too_many_tombstones =
      current.tombstones >= kMinTombstonesToCompact &&
      static_cast<double>(current.tombstones) >
          options_.max_tombstone_fraction * static_cast<double>(current.slot_ids.size());
  if (wanted == current.kind && !too_many_tombstones) return;
  // Built while searches keep running on the old state; only the swap is exclusive.
  std::unique_ptr<State> fresh = compacted(wanted);
  std::unique_lock lock(mutex_);
  state_ = std::move(fresh);
}

Status VectorIndex::upsert(uint64_t id, std::span<const float> vector) {
  EXPGRAPH_RETURN_IF_ERROR(check_vector(vector, dimension_, "vector"));
  std::vector<float> normalised;
  normalised.reserve(vector.size());
  append_normalised(vector, normalised);
  try {
    std::lock_guard write(write_mutex_);
    {
      std::unique_lock lock(mutex_);
      State& state = *state_;
      // Reserve first so that nothing can fail between FAISS's add and the bookkeeping.
      state.slot_ids.reserve(state.slot_ids.size() + 1);
      state.live.reserve(state.live.size() + 1);
      state.slot_of.reserve(state.slot_of.size() + 1);
      state.index->add(1, normalised.data());
      const auto slot = static_cast<int64_t>(state.slot_ids.size());
      state.slot_ids.push_back(id);
      state.live.push_back(1);
      auto [it, inserted] = state.slot_of.try_emplace(id, slot);
      if (!inserted) {
        state.live[static_cast<size_t>(it->second)] = 0;
        ++state.tombstones;
        it->second = slot;
      }
    }
    // Crossing the HNSW threshold is handled here too: the flat index grows by one first, then
    // maintain() builds the HNSW from it while searches continue on the flat one.
    maintain();
  } catch (const std::exception& e) {
    return Status::internal(std::string("vector index: upsert failed: ") + e.what());
  }
  return Status::ok_status();
}

bool VectorIndex::remove(uint64_t id) {
  std::lock_guard write(write_mutex_);
  {
    std::unique_lock lock(mutex_);
    State& state = *state_;
    auto it = state.slot_of.find(id);
    if (it == state.slot_of.end()) return false;
    state.live[static_cast<size_t>(it->second)] = 0;
    ++state.tombstones;
    state.slot_of.erase(it);
  }
  try {
    maintain();
  } catch (const std::exception&) {
    // The removal itself is done; a failed compaction only leaves tombstones for the next try.
  }
  return true;
}

Status VectorIndex::rebuild(std::span<const uint64_t> ids, std::span<const float> vectors) {
  const size_t d = static_cast<size_t>(dimension_);
  if (vectors.size() != ids.size() * d) {
    return Status::invalid_argument("vector index: rebuild got " + std::to_string(vectors.size()) +
                                    " floats for " + std::to_string(ids.size()) +
                                    " ids of dimension " + std::to_string(d));
  }
  std::unordered_map<uint64_t, size_t> last;  // id -> row of its last occurrence
  last.reserve(ids.size());
  for (size_t row = 0; row < ids.size(); ++row) {
    EXPGRAPH_RETURN_IF_ERROR(check_vector(vectors.subspan(row * d, d), dimension_, "vector"));
    last[ids[row]] = row;
  }
  std::vector<uint64_t> kept_ids;
  std::vector<float> kept;
  kept_ids.reserve(last.size());
  kept.reserve(last.size() * d);
  for (size_t row = 0; row < ids.size(); ++row) {
    if (last[ids[row]] != row) continue;
    kept_ids.push_back(ids[row]);
    append_normalised(vectors.subspan(row * d, d), kept);
  }
  try {
    std::lock_guard write(write_mutex_);
    const IndexKind kind = choose_kind(kept_ids.size(), IndexKind::kFlat);
    std::unique_ptr<State> fresh = build_state(kind, std::move(kept_ids), kept);
    std::unique_lock lock(mutex_);
    state_ = std::move(fresh);
  } catch (const std::exception& e) {
    return Status::internal(std::string("vector index: rebuild failed: ") + e.what());
  }
  return Status::ok_status();
}

Result<std::vector<ScoredId>> VectorIndex::search(std::span<const float> query, size_t k,
                                                  const SearchFilter& filter, int ef_search) const {
  EXPGRAPH_RETURN_IF_ERROR(check_vector(query, dimension_, "query"));
  std::vector<float> q;
  q.reserve(query.size());
  append_normalised(query, q);
  try {
    std::shared_lock lock(mutex_);
    const State& state = *state_;
    k = std::min(k, state.slot_of.size());
    if (k == 0) return std::vector<ScoredId>{};
    OmpThreadLimit thread_limit(options_.search_threads);
    const auto d = static_cast<size_t>(dimension_);
    const int beam = ef_search > 0 ? ef_search : options_.ef_search;
    const std::function<bool(uint64_t)>* predicate = filter.predicate ? &filter.predicate : nullptr;

    std::vector<bool> allowed_bitmap;
    size_t candidates = state.slot_of.size();
    if (filter.allow_ids) {
      std::vector<int64_t> slots;
      slots.reserve(filter.allow_ids->size());
      for (uint64_t id : *filter.allow_ids) {
        auto it = state.slot_of.find(id);
        if (it != state.slot_of.end()) slots.push_back(it->second);
      }
      std::sort(slots.begin(), slots.end());
      slots.erase(std::unique(slots.begin(), slots.end()), slots.end());
      // A short allow-list is cheapest and exact to score directly; so is any allow-list when
      // the index is exact anyway (m dot products instead of a scan of all n).
      const double m = static_cast<double>(slots.size());
      const bool exact_is_cheaper = m * m <= options_.exact_filter_cost_ratio * beam *
                                                 static_cast<double>(state.slot_ids.size());
      if (state.kind == IndexKind::kFlat || slots.size() <= options_.exact_filter_max ||
          exact_is_cheaper) {
        const float* vectors = state.vectors();
        TopK top(k);
        for (int64_t slot : slots) {
          const uint64_t id = state.slot_ids[static_cast<size_t>(slot)];
          if (predicate != nullptr && !(*predicate)(id)) continue;
          top.push(id, dot_product(q.data(), vectors + static_cast<size_t>(slot) * d, d));
        }
        return top.take();
      }
      allowed_bitmap.assign(state.slot_ids.size(), false);
      for (int64_t slot : slots) allowed_bitmap[static_cast<size_t>(slot)] = true;
      candidates = slots.size();
    }

    const bool restricted = filter.allow_ids || predicate != nullptr || state.tombstones > 0;
    SlotSelector selector(state.live, state.slot_ids, filter.allow_ids ? &allowed_bitmap : nullptr,
                          predicate);
    if (state.kind == IndexKind::kHnsw) {
      // The graph walk only collects ids the selector accepts, so a selective filter needs a
      // wider beam: start from ef scaled by the inverse selectivity, widen until k are found.
      // FAISS 1.7.3 ignores SearchParametersHNSW::efSearch for the size of its beam (measured:
      // recall does not move with it) but uses max(efSearch, k): so the beam is widened by
      // asking for ef results and keeping the best k. That is per call, without touching the
      // shared index.
      const size_t total = state.slot_ids.size();
      size_t ef = std::max<size_t>(static_cast<size_t>(beam), k);
      if (candidates < total) {
        ef = std::min(kMaxEfSearch, ef * total / std::max<size_t>(candidates, 1));
      }
      std::vector<float> distances;
      std::vector<faiss_idx_t> labels;
      for (;;) {
        distances.assign(ef, 0.0f);
        labels.assign(ef, -1);
        faiss::SearchParametersHNSW params;
        params.efSearch = static_cast<int>(ef);
        params.sel = restricted ? &selector : nullptr;
        state.index->search(1, q.data(), static_cast<faiss_idx_t>(ef), distances.data(),
                            labels.data(), &params);
        std::vector<ScoredId> hits = translate(distances, labels, state.slot_ids, state.live);
        if (hits.size() >= k) {
          hits.resize(k);  // FAISS returns them best first
          return hits;
        }
        if (ef >= kMaxEfSearch || ef >= total) break;
        ef = std::min(kMaxEfSearch, ef * 4);
      }
      // Fewer than k found by the graph: an exact scan of the allowed slots settles it.
    }
    // Exact scan of every accepted slot: a single query is memory-bound, so one thread.
    const float* vectors = state.vectors();
    TopK top(k);
    for (size_t slot = 0; slot < state.slot_ids.size(); ++slot) {
      if (restricted && !selector.is_member(static_cast<faiss_idx_t>(slot))) continue;
      top.push(state.slot_ids[slot], dot_product(q.data(), vectors + slot * d, d));
    }
    return top.take();
  } catch (const std::exception& e) {
    return Status::internal(std::string("vector index: search failed: ") + e.what());
  }
}

size_t VectorIndex::size() const {
  std::shared_lock lock(mutex_);
  return state_->slot_of.size();
}

bool VectorIndex::contains(uint64_t id) const {
  std::shared_lock lock(mutex_);
  return state_->slot_of.count(id) > 0;
}

IndexKind VectorIndex::kind() const {
  std::shared_lock lock(mutex_);
  return state_->kind;
}

size_t VectorIndex::tombstone_count() const {
  std::shared_lock lock(mutex_);
  return state_->tombstones;
}

}  // namespace expgraph::similarity
