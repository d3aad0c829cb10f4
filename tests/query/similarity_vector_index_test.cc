// Tests of the FAISS-backed vector index: exact top-k against brute force, replace and remove
// semantics in flat and HNSW mode (including the automatic switch), and filtered search that
// still returns k hits when k allowed ids exist.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <random>
#include <set>
#include <thread>

#include "query/similarity/vector_index.h"

namespace expgraph::similarity {
namespace {

constexpr int kDim = 24;

std::vector<float> random_unit(std::mt19937_64& rng, int dim = kDim) {
  std::normal_distribution<float> normal;
  std::vector<float> v(static_cast<size_t>(dim));
  double norm = 0;
  for (float& x : v) {
    x = normal(rng);
    norm += static_cast<double>(x) * x;
  }
  for (float& x : v) x = static_cast<float>(x / std::sqrt(norm));
  return v;
}

float dot(const std::vector<float>& a, const std::vector<float>& b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += static_cast<double>(a[i]) * b[i];
  return static_cast<float>(s);
}

// The reference: every live id scored, best first (ties by id).
std::vector<ScoredId> brute_force(const std::map<uint64_t, std::vector<float>>& truth,
                                  const std::vector<float>& query, size_t k) {
  std::vector<ScoredId> all;
  for (const auto& [id, v] : truth) all.push_back(ScoredId{id, dot(v, query)});
  std::sort(all.begin(), all.end(), [](const ScoredId& a, const ScoredId& b) {
    return a.score > b.score || (a.score == b.score && a.id < b.id);
  });
  all.resize(std::min(k, all.size()));
  return all;
}

std::vector<ScoredId> must_search(const VectorIndex& index, const std::vector<float>& query,
                                  size_t k, const SearchFilter& filter = {}, int ef_search = 0) {
  Result<std::vector<ScoredId>> hits = index.search(query, k, filter, ef_search);
  EXPECT_TRUE(hits.ok()) << hits.status().to_string();
  return hits.ok() ? hits.value() : std::vector<ScoredId>{};
}

// Same ids in the same order, scores equal up to float rounding.
void expect_same_hits(const std::vector<ScoredId>& got, const std::vector<ScoredId>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].id, want[i].id) << "rank " << i;
    EXPECT_NEAR(got[i].score, want[i].score, 1e-5) << "rank " << i;
  }
}

std::set<uint64_t> ids_of(const std::vector<ScoredId>& hits) {
  std::set<uint64_t> ids;
  for (const ScoredId& hit : hits) ids.insert(hit.id);
  return ids;
}

double recall(const std::vector<ScoredId>& got, const std::vector<ScoredId>& want) {
  const std::set<uint64_t> got_ids = ids_of(got);
  size_t found = 0;
  for (const ScoredId& hit : want) found += got_ids.count(hit.id);
  return want.empty() ? 1.0 : static_cast<double>(found) / want.size();
}

class VectorIndexFixture : public ::testing::Test {
 protected:
  void fill(VectorIndex& index, size_t n, uint64_t first_id = 1) {
    for (size_t i = 0; i < n; ++i) {
      const uint64_t id = first_id + i;
      truth_[id] = random_unit(rng_);
      ASSERT_TRUE(index.upsert(id, truth_[id]).ok());
    }
  }
  std::mt19937_64 rng_{42};
  std::map<uint64_t, std::vector<float>> truth_;
};

TEST_F(VectorIndexFixture, FlatTopKIsExact) {
  VectorIndex index(kDim, {.force = IndexKind::kFlat});
  fill(index, 600);
  EXPECT_EQ(index.size(), 600u);
  EXPECT_EQ(index.kind(), IndexKind::kFlat);
  for (int q = 0; q < 20; ++q) {
    const std::vector<float> query = random_unit(rng_);
    expect_same_hits(must_search(index, query, 10), brute_force(truth_, query, 10));
  }
  // k larger than the index returns everything once.
  EXPECT_EQ(ids_of(must_search(index, random_unit(rng_), 10000)).size(), 600u);
}

TEST_F(VectorIndexFixture, QueriesAndVectorsAreNormalised) {
  VectorIndex index(kDim);
  std::vector<float> v = random_unit(rng_);
  std::vector<float> scaled = v;
  for (float& x : scaled) x *= 7.5f;
  ASSERT_TRUE(index.upsert(5, scaled).ok());
  const std::vector<ScoredId> hits = must_search(index, v, 1);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_NEAR(hits[0].score, 1.0, 1e-5);
  // A zero vector is accepted and scores 0 against anything.
  ASSERT_TRUE(index.upsert(6, std::vector<float>(kDim, 0.0f)).ok());
  EXPECT_EQ(must_search(index, std::vector<float>(kDim, 0.0f), 5).size(), 2u);
}

TEST_F(VectorIndexFixture, RejectsBadVectors) {
  VectorIndex index(kDim);
  EXPECT_EQ(index.upsert(1, std::vector<float>(kDim + 1, 0.1f)).code(),
            StatusCode::kInvalidArgument);
  std::vector<float> nan(kDim, 0.1f);
  nan[3] = std::nanf("");
  EXPECT_EQ(index.upsert(1, nan).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(index.search(std::vector<float>(3, 1.0f), 5).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(index.size(), 0u);
  EXPECT_TRUE(must_search(index, random_unit(rng_), 5).empty());
}

// Runs the replace/remove contract on an index of the given kind.
void check_upsert_and_remove(VectorIndex& index, std::mt19937_64& rng,
                             std::map<uint64_t, std::vector<float>>& truth) {
  // Replace: id 7 moves to a new vector; its old one must not find it any more.
  const std::vector<float> old_vector = truth.at(7);
  const std::vector<float> new_vector = random_unit(rng);
  const size_t size_before = index.size();
  ASSERT_TRUE(index.upsert(7, new_vector).ok());
  truth[7] = new_vector;
  EXPECT_EQ(index.size(), size_before);
  std::vector<ScoredId> hits = must_search(index, new_vector, 1);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].id, 7u);
  EXPECT_NEAR(hits[0].score, 1.0, 1e-5);
  hits = must_search(index, old_vector, 1);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_LT(hits[0].score, 0.999);

  // Remove a third of the ids; none may come back, and k hits still come back.
  std::set<uint64_t> removed;
  for (const auto& [id, v] : truth) {
    if (id % 3 == 0) removed.insert(id);
  }
  for (uint64_t id : removed) {
    EXPECT_TRUE(index.remove(id));
    truth.erase(id);
  }
  EXPECT_FALSE(index.remove(*removed.begin()));
  EXPECT_EQ(index.size(), truth.size());
  for (uint64_t id : removed) EXPECT_FALSE(index.contains(id));
  for (int q = 0; q < 30; ++q) {
    hits = must_search(index, random_unit(rng), 20);
    ASSERT_EQ(hits.size(), 20u);
    for (const ScoredId& hit : hits) ASSERT_EQ(removed.count(hit.id), 0u) << hit.id;
  }
  // Searching for a removed vector itself must not return it either.
  const std::vector<ScoredId> all = must_search(index, random_unit(rng), index.size() + 10);
  EXPECT_EQ(all.size(), truth.size());
  for (const ScoredId& hit : all) ASSERT_EQ(removed.count(hit.id), 0u);
}

TEST_F(VectorIndexFixture, FlatUpsertReplacesAndRemovedIdsNeverReturn) {
  VectorIndex index(kDim, {.force = IndexKind::kFlat});
  fill(index, 300);
  check_upsert_and_remove(index, rng_, truth_);
  // 100 removals > 25% of the slots: compaction ran.
  EXPECT_LT(index.tombstone_count(), 100u);
}

TEST_F(VectorIndexFixture, HnswUpsertReplacesAndRemovedIdsNeverReturn) {
  VectorIndex index(kDim, {.force = IndexKind::kHnsw, .max_tombstone_fraction = 0.9});
  fill(index, 600);
  EXPECT_EQ(index.kind(), IndexKind::kHnsw);
  check_upsert_and_remove(index, rng_, truth_);
  EXPECT_GT(index.tombstone_count(), 100u);  // kept as tombstones, filtered by the selector
  double total = 0;
  for (int q = 0; q < 50; ++q) {
    const std::vector<float> query = random_unit(rng_);
    total += recall(must_search(index, query, 10), brute_force(truth_, query, 10));
  }
  EXPECT_GT(total / 50, 0.9);
  // A per-call beam as wide as the index makes the graph walk (nearly) exact.
  total = 0;
  for (int q = 0; q < 50; ++q) {
    const std::vector<float> query = random_unit(rng_);
    total += recall(must_search(index, query, 10, {}, 1000), brute_force(truth_, query, 10));
  }
  EXPECT_GT(total / 50, 0.99);
}

TEST_F(VectorIndexFixture, SwitchesToHnswWhenCrossingTheThresholdAndBack) {
  VectorIndex index(kDim, {.hnsw_threshold = 200});
  fill(index, 200);
  EXPECT_EQ(index.kind(), IndexKind::kFlat);
  fill(index, 1, 201);
  EXPECT_EQ(index.kind(), IndexKind::kHnsw);
  EXPECT_EQ(index.size(), 201u);
  fill(index, 300, 202);
  check_upsert_and_remove(index, rng_, truth_);
  EXPECT_EQ(index.kind(), IndexKind::kHnsw);  // 334 live > 200
  double total = 0;
  for (int q = 0; q < 50; ++q) {
    const std::vector<float> query = random_unit(rng_);
    total += recall(must_search(index, query, 10), brute_force(truth_, query, 10));
  }
  EXPECT_GT(total / 50, 0.9);
  // Below half the threshold it goes back to exact.
  std::vector<uint64_t> ids;
  for (const auto& [id, v] : truth_) ids.push_back(id);
  for (size_t i = 0; i + 99 < ids.size(); ++i) {
    index.remove(ids[i]);
    truth_.erase(ids[i]);
  }
  EXPECT_EQ(index.size(), 99u);
  EXPECT_EQ(index.kind(), IndexKind::kFlat);
  const std::vector<float> query = random_unit(rng_);
  expect_same_hits(must_search(index, query, 5), brute_force(truth_, query, 5));
}

// The k allowed ids are the k farthest from the query: a post-filter on the top-k would starve.
void check_filter_returns_farthest(VectorIndex& index,
                                   const std::map<uint64_t, std::vector<float>>& truth,
                                   const std::vector<float>& query, size_t k) {
  std::vector<ScoredId> ranked = brute_force(truth, query, truth.size());
  std::vector<uint64_t> farthest;
  for (size_t i = ranked.size() - k; i < ranked.size(); ++i) farthest.push_back(ranked[i].id);
  std::vector<uint64_t> allow = farthest;
  allow.push_back(999999);       // unknown ids are ignored
  allow.push_back(farthest[0]);  // so are duplicates
  SearchFilter filter;
  filter.allow_ids = std::span<const uint64_t>(allow);
  const std::vector<ScoredId> hits = must_search(index, query, k, filter);
  ASSERT_EQ(hits.size(), k);
  EXPECT_EQ(ids_of(hits), std::set<uint64_t>(farthest.begin(), farthest.end()));
  EXPECT_EQ(hits.back().id, ranked.back().id);

  // The same through a predicate.
  const std::set<uint64_t> wanted(farthest.begin(), farthest.end());
  SearchFilter by_predicate;
  by_predicate.predicate = [&wanted](uint64_t id) { return wanted.count(id) > 0; };
  EXPECT_EQ(ids_of(must_search(index, query, k, by_predicate)), wanted);
  // More allowed than k: exactly k, and the best of them.
  EXPECT_EQ(must_search(index, query, 3, filter).size(), 3u);
}

TEST_F(VectorIndexFixture, FilteredSearchDoesNotStarveFlat) {
  VectorIndex index(kDim, {.force = IndexKind::kFlat});
  fill(index, 500);
  check_filter_returns_farthest(index, truth_, random_unit(rng_), 10);
}

TEST_F(VectorIndexFixture, FilteredSearchDoesNotStarveHnsw) {
  // Both exact thresholds at 0 force allow-lists through the HNSW graph walk with a selector.
  VectorIndex index(kDim, {.ef_search = 16,
                           .force = IndexKind::kHnsw,
                           .exact_filter_max = 0,
                           .exact_filter_cost_ratio = 0});
  fill(index, 2000);
  check_filter_returns_farthest(index, truth_, random_unit(rng_), 10);
  // And with the short-list exact path.
  VectorIndex exact_path(kDim, {.ef_search = 16, .force = IndexKind::kHnsw});
  for (const auto& [id, v] : truth_) ASSERT_TRUE(exact_path.upsert(id, v).ok());
  check_filter_returns_farthest(exact_path, truth_, random_unit(rng_), 10);
  // A predicate that matches fewer than k returns all of them.
  SearchFilter few;
  few.predicate = [](uint64_t id) { return id % 500 == 0; };
  EXPECT_EQ(ids_of(must_search(index, random_unit(rng_), 10, few)),
            (std::set<uint64_t>{500, 1000, 1500, 2000}));
}

TEST_F(VectorIndexFixture, RebuildLoadsABatchLastDuplicateWins) {
  VectorIndex index(kDim, {.hnsw_threshold = 100});
  fill(index, 5, 1000);  // replaced wholesale by the rebuild
  std::vector<uint64_t> ids;
  std::vector<float> flat;
  std::map<uint64_t, std::vector<float>> truth;
  for (uint64_t id = 1; id <= 300; ++id) {
    std::vector<float> v = random_unit(rng_);
    ids.push_back(id);
    flat.insert(flat.end(), v.begin(), v.end());
    truth[id] = v;
  }
  const std::vector<float> last = random_unit(rng_);
  ids.push_back(42);
  flat.insert(flat.end(), last.begin(), last.end());
  truth[42] = last;
  ASSERT_TRUE(index.rebuild(ids, flat).ok());
  EXPECT_EQ(index.size(), 300u);
  EXPECT_EQ(index.kind(), IndexKind::kHnsw);
  EXPECT_FALSE(index.contains(1000));
  const std::vector<ScoredId> hits = must_search(index, last, 1);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].id, 42u);
  EXPECT_EQ(index.rebuild(ids, std::span<const float>(flat).first(10)).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(index.size(), 300u);  // a failed rebuild changes nothing
}

TEST_F(VectorIndexFixture, ConcurrentSearchesDuringWrites) {
  VectorIndex index(kDim, {.hnsw_threshold = 300});
  fill(index, 250);
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&, t] {
      std::mt19937_64 rng(1000 + t);
      while (!stop) {
        const Result<std::vector<ScoredId>> hits = index.search(random_unit(rng), 5);
        if (!hits.ok() || hits->size() != 5) ++failures;
      }
    });
  }
  std::mt19937_64 rng(7);
  for (uint64_t id = 1; id <= 400; ++id) {  // crosses the threshold under load
    ASSERT_TRUE(index.upsert(id, random_unit(rng)).ok());
    if (id % 5 == 0) index.remove(id - 1);
  }
  stop = true;
  for (std::thread& reader : readers) reader.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(index.kind(), IndexKind::kHnsw);
}

}  // namespace
}  // namespace expgraph::similarity
