// bench_vector_search: latency and recall of the similarity VectorIndex on clustered random
// unit vectors (seeded): HNSW and exact flat built in the same run, HNSW recall@k measured
// against exact results. Usage:
//   bench_vector_search --n 1000000 --dim 384 --queries 1000 --k 10 --mode hnsw|flat|both
//                       [--ef-search 64,128,256] [--m 32] [--ef-construction 80] [--seed 1]
//                       [--clusters 1000] [--noise 0.05] [--query-threads 1] [--filter 0.05]
// Targets (issue): 1M x 384 HNSW median < 2 ms with recall@10 >= 0.95; 100k exact median < 20 ms.
#include <faiss/IndexFlat.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "query/similarity/dot_product.h"
#include "query/similarity/vector_index.h"

namespace {

using expgraph::similarity::IndexKind;
using expgraph::similarity::ScoredId;
using expgraph::similarity::SearchFilter;
using expgraph::similarity::VectorIndex;
using expgraph::similarity::VectorIndexOptions;
using Clock = std::chrono::steady_clock;

struct Flags {
  size_t n = 100000;
  int dim = 384;
  size_t queries = 1000;
  size_t k = 10;
  std::string mode = "both";
  std::vector<int> ef_search = {128};  // --ef-search 64,128,256: one build, measured at each
  int m = 32;
  int ef_construction = 80;
  uint64_t seed = 1;
  size_t clusters = 0;    // 0: n / 1000, at least 10
  double noise = 0.05;    // per-component standard deviation around a cluster centre
  int query_threads = 1;  // OpenMP threads per query (0 = default)
  double filter = 0.0;    // when > 0, also measure search restricted to this fraction of ids
};

bool parse(int argc, char** argv, Flags& flags) {
  for (int i = 1; i < argc; ++i) {
    const std::string name = argv[i];
    if (i + 1 >= argc) {
      std::fprintf(stderr, "missing value for %s\n", name.c_str());
      return false;
    }
    const char* value = argv[++i];
    if (name == "--n")
      flags.n = std::strtoull(value, nullptr, 10);
    else if (name == "--dim")
      flags.dim = std::atoi(value);
    else if (name == "--queries")
      flags.queries = std::strtoull(value, nullptr, 10);
    else if (name == "--k")
      flags.k = std::strtoull(value, nullptr, 10);
    else if (name == "--mode")
      flags.mode = value;
    else if (name == "--ef-search") {
      flags.ef_search.clear();
      for (const char* p = value; *p != '\0';) {
        char* end = nullptr;
        flags.ef_search.push_back(static_cast<int>(std::strtol(p, &end, 10)));
        if (end == p || flags.ef_search.back() <= 0) return false;
        p = (*end == ',') ? end + 1 : end;
      }
    } else if (name == "--m")
      flags.m = std::atoi(value);
    else if (name == "--ef-construction")
      flags.ef_construction = std::atoi(value);
    else if (name == "--seed")
      flags.seed = std::strtoull(value, nullptr, 10);
    else if (name == "--clusters")
      flags.clusters = std::strtoull(value, nullptr, 10);
    else if (name == "--noise")
      flags.noise = std::atof(value);
    else if (name == "--query-threads")
      flags.query_threads = std::atoi(value);
    else if (name == "--filter")
      flags.filter = std::atof(value);
    else {
      std::fprintf(stderr, "unknown flag %s\n", name.c_str());
      return false;
    }
  }
  if (flags.mode != "hnsw" && flags.mode != "flat" && flags.mode != "both") {
    std::fprintf(stderr, "--mode must be hnsw, flat or both\n");
    return false;
  }
  return flags.n > 0 && flags.dim > 0 && flags.queries > 0 && flags.k > 0;
}

std::string proc_field(const char* path, const char* key) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) == 0) {
      const size_t colon = line.find(':');
      std::string value = colon == std::string::npos ? line : line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(" \t"));
      return value;
    }
  }
  return "?";
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void normalise(float* v, int dim) {
  double norm = 0;
  for (int i = 0; i < dim; ++i) norm += static_cast<double>(v[i]) * v[i];
  const double scale = norm > 0 ? 1.0 / std::sqrt(norm) : 0.0;
  for (int i = 0; i < dim; ++i) v[i] = static_cast<float>(v[i] * scale);
}

// Points scattered around random unit centres: closer to real embeddings than uniform noise,
// whose neighbours are all nearly equidistant.
class ClusteredGenerator {
 public:
  ClusteredGenerator(const Flags& flags, size_t clusters)
      : dim_(flags.dim), noise_(flags.noise), rng_(flags.seed), centres_(clusters * flags.dim) {
    std::normal_distribution<float> normal;
    for (float& x : centres_) x = normal(rng_);
    for (size_t c = 0; c < clusters; ++c) normalise(&centres_[c * dim_], dim_);
  }
  void next(float* out) {
    std::uniform_int_distribution<size_t> pick(0, centres_.size() / dim_ - 1);
    std::normal_distribution<float> normal(0.0f, static_cast<float>(noise_));
    const float* centre = &centres_[pick(rng_) * dim_];
    for (int i = 0; i < dim_; ++i) out[i] = centre[i] + normal(rng_);
    normalise(out, dim_);
  }

 private:
  int dim_;
  double noise_;
  std::mt19937_64 rng_;
  std::vector<float> centres_;
};

struct Latencies {
  double median_ms = 0, p99_ms = 0, mean_ms = 0;
};

Latencies summarise(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  Latencies l;
  l.median_ms = ms[ms.size() / 2];
  l.p99_ms = ms[std::min(ms.size() - 1, static_cast<size_t>(std::ceil(ms.size() * 0.99)) - 1)];
  double sum = 0;
  for (double x : ms) sum += x;
  l.mean_ms = sum / ms.size();
  return l;
}

// Runs every query alone (as a request would) and records its latency.
std::vector<std::vector<ScoredId>> run_queries(const VectorIndex& index,
                                               const std::vector<float>& queries, int dim, size_t k,
                                               const SearchFilter& filter, Latencies& latencies,
                                               int ef_search = 0) {
  const size_t count = queries.size() / dim;
  std::vector<std::vector<ScoredId>> results(count);
  std::vector<double> ms(count);
  for (size_t q = 0; q < count; ++q) {
    const auto start = Clock::now();
    auto hits = index.search(std::span<const float>(&queries[q * dim], dim), k, filter, ef_search);
    ms[q] = seconds_since(start) * 1000.0;
    if (!hits.ok()) {
      std::fprintf(stderr, "search failed: %s\n", hits.status().to_string().c_str());
      std::exit(1);
    }
    results[q] = std::move(hits).value();
  }
  latencies = summarise(std::move(ms));
  return results;
}

double recall(const std::vector<std::vector<ScoredId>>& got,
              const std::vector<std::vector<ScoredId>>& truth) {
  size_t found = 0, wanted = 0;
  for (size_t q = 0; q < truth.size(); ++q) {
    std::unordered_set<uint64_t> ids;
    for (const ScoredId& hit : got[q]) ids.insert(hit.id);
    for (const ScoredId& hit : truth[q]) found += ids.count(hit.id);
    wanted += truth[q].size();
  }
  return wanted == 0 ? 1.0 : static_cast<double>(found) / wanted;
}

// Exact answers in one batched FAISS call (BLAS, all threads): the ground truth when the flat
// index is not part of the run.
std::vector<std::vector<ScoredId>> ground_truth(const std::vector<float>& data,
                                                const std::vector<float>& queries, int dim,
                                                size_t k) {
  faiss::IndexFlatIP flat(dim);
  flat.add(static_cast<faiss::Index::idx_t>(data.size() / dim), data.data());
  const size_t count = queries.size() / dim;
  std::vector<float> distances(count * k);
  std::vector<faiss::Index::idx_t> labels(count * k);
  flat.search(static_cast<faiss::Index::idx_t>(count), queries.data(),
              static_cast<faiss::Index::idx_t>(k), distances.data(), labels.data());
  std::vector<std::vector<ScoredId>> truth(count);
  for (size_t q = 0; q < count; ++q) {
    for (size_t j = 0; j < k; ++j) {
      if (labels[q * k + j] >= 0) {
        truth[q].push_back(
            ScoredId{static_cast<uint64_t>(labels[q * k + j]), distances[q * k + j]});
      }
    }
  }
  return truth;
}

void print_latency(const char* what, const Latencies& l) {
  std::printf("  %-34s median %8.3f ms   p99 %8.3f ms   mean %8.3f ms\n", what, l.median_ms,
              l.p99_ms, l.mean_ms);
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  if (!parse(argc, argv, flags)) return 2;
  const size_t clusters = flags.clusters ? flags.clusters : std::max<size_t>(10, flags.n / 1000);
  const int dim = flags.dim;

  std::printf("machine: %u hardware threads, cpu \"%s\", memory %s, OpenMP max threads %d\n",
              std::thread::hardware_concurrency(),
              proc_field("/proc/cpuinfo", "model name").c_str(),
              proc_field("/proc/meminfo", "MemTotal").c_str(), omp_get_max_threads());
  std::printf("scoring: expgraph dot_product uses %s (FAISS itself: Debian generic build)\n",
              expgraph::similarity::dot_product_isa());
  std::printf("data: n=%zu dim=%d clusters=%zu noise=%.3f seed=%llu; queries=%zu k=%zu mode=%s\n",
              flags.n, dim, clusters, flags.noise, static_cast<unsigned long long>(flags.seed),
              flags.queries, flags.k, flags.mode.c_str());

  auto start = Clock::now();
  ClusteredGenerator generator(flags, clusters);
  std::vector<float> data(flags.n * dim);
  for (size_t i = 0; i < flags.n; ++i) generator.next(&data[i * dim]);
  std::vector<float> queries(flags.queries * dim);
  for (size_t q = 0; q < flags.queries; ++q) generator.next(&queries[q * dim]);
  std::vector<uint64_t> ids(flags.n);
  for (size_t i = 0; i < flags.n; ++i) ids[i] = i;
  std::printf("generated in %.1f s\n", seconds_since(start));

  // Queries run on one OpenMP thread unless told otherwise; builds use all of them.
  const int build_threads = omp_get_max_threads();
  SearchFilter no_filter;
  SearchFilter filter;
  std::vector<uint64_t> allowed;
  if (flags.filter > 0) {
    std::mt19937_64 rng(flags.seed + 1);
    std::bernoulli_distribution keep(flags.filter);
    for (size_t i = 0; i < flags.n; ++i) {
      if (keep(rng)) allowed.push_back(i);
    }
    filter.allow_ids = std::span<const uint64_t>(allowed);
  }

  std::vector<std::vector<ScoredId>> exact;
  std::vector<std::vector<ScoredId>> exact_filtered;
  Latencies flat_latency, flat_filtered_latency, hnsw_latency, hnsw_filtered_latency;
  int hnsw_chosen_ef = 0;
  double flat_build_s = 0, hnsw_build_s = 0, hnsw_recall = -1, hnsw_filtered_recall = -1;

  if (flags.mode != "hnsw") {
    VectorIndex flat(dim, {.force = IndexKind::kFlat, .search_threads = 0});
    start = Clock::now();
    if (!flat.rebuild(ids, data).ok()) return 1;
    flat_build_s = seconds_since(start);
    omp_set_num_threads(flags.query_threads > 0 ? flags.query_threads : build_threads);
    exact = run_queries(flat, queries, dim, flags.k, no_filter, flat_latency);
    if (flags.filter > 0) {
      exact_filtered = run_queries(flat, queries, dim, flags.k, filter, flat_filtered_latency);
    }
    omp_set_num_threads(build_threads);
    std::printf("flat: loaded in %.1f s\n", flat_build_s);
    print_latency("exact flat", flat_latency);
    if (flags.filter > 0) print_latency("exact flat, filtered", flat_filtered_latency);
  }

  if (flags.mode != "flat") {
    VectorIndex hnsw(dim, {.hnsw_m = flags.m,
                           .ef_construction = flags.ef_construction,
                           .ef_search = flags.ef_search.front(),
                           .force = IndexKind::kHnsw,
                           .search_threads = 0});
    start = Clock::now();
    if (!hnsw.rebuild(ids, data).ok()) return 1;
    hnsw_build_s = seconds_since(start);
    std::printf("hnsw: built in %.1f s (M=%d efConstruction=%d, %d threads)\n", hnsw_build_s,
                flags.m, flags.ef_construction, build_threads);
    std::fflush(stdout);
    if (exact.empty()) {
      start = Clock::now();
      exact = ground_truth(data, queries, dim, flags.k);
      std::printf("ground truth (batched exact) in %.1f s\n", seconds_since(start));
    }
    // The same queries on 1 OpenMP thread and on all: does a single query gain from OpenMP?
    omp_set_num_threads(build_threads);
    Latencies all_threads;
    run_queries(hnsw, queries, dim, flags.k, no_filter, all_threads);
    char label[80];
    std::snprintf(label, sizeof(label), "hnsw efSearch=%d, %d omp threads", flags.ef_search[0],
                  build_threads);
    print_latency(label, all_threads);
    omp_set_num_threads(flags.query_threads > 0 ? flags.query_threads : build_threads);
    // Every efSearch on the same graph; the summary reports the smallest that reaches 0.95.
    bool chosen = false;
    for (int ef : flags.ef_search) {
      Latencies latency;
      const auto results = run_queries(hnsw, queries, dim, flags.k, no_filter, latency, ef);
      const double r = recall(results, exact);
      std::snprintf(label, sizeof(label), "hnsw efSearch=%d, %d omp thread(s)", ef,
                    flags.query_threads);
      print_latency(label, latency);
      std::printf("  %-34s recall@%zu vs exact %.4f\n", "", flags.k, r);
      std::fflush(stdout);
      if (!chosen && (r >= 0.95 || ef == flags.ef_search.back())) {
        chosen = true;
        hnsw_chosen_ef = ef;
        hnsw_latency = latency;
        hnsw_recall = r;
      }
    }
    if (flags.filter > 0) {
      const auto filtered =
          run_queries(hnsw, queries, dim, flags.k, filter, hnsw_filtered_latency, hnsw_chosen_ef);
      std::snprintf(label, sizeof(label), "hnsw ef=%d, allow-list %.1f%% (%zu ids)", hnsw_chosen_ef,
                    flags.filter * 100, allowed.size());
      print_latency(label, hnsw_filtered_latency);
      if (!exact_filtered.empty()) {
        hnsw_filtered_recall = recall(filtered, exact_filtered);
        std::printf("  recall@%zu of filtered hnsw vs filtered exact: %.4f\n", flags.k,
                    hnsw_filtered_recall);
      }
    }
    omp_set_num_threads(build_threads);
  }

  std::printf("peak memory: %s\n", proc_field("/proc/self/status", "VmHWM").c_str());
  std::printf("summary:");
  if (flags.mode != "hnsw") {
    std::printf(" flat n=%zu median %.3f ms p99 %.3f ms (target < 20 ms at 100k: %s);", flags.n,
                flat_latency.median_ms, flat_latency.p99_ms,
                flat_latency.median_ms < 20.0 ? "met" : "missed");
  }
  if (flags.mode != "flat") {
    std::printf(
        " hnsw n=%zu build %.0f s efSearch %d median %.3f ms p99 %.3f ms recall@%zu %.4f (target "
        "median < 2 ms, recall >= 0.95: %s)",
        flags.n, hnsw_build_s, hnsw_chosen_ef, hnsw_latency.median_ms, hnsw_latency.p99_ms, flags.k,
        hnsw_recall, hnsw_latency.median_ms < 2.0 && hnsw_recall >= 0.95 ? "met" : "missed");
  }
  std::printf("\n");
  return 0;
}
