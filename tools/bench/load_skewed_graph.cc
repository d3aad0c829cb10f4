// bench_load_skewed_graph: writes a generated skewed graph (tools/bench/skewed_graph.h) into an
// expgraph data directory through GraphStore in large WriteRequests, and optionally the same
// edges as CSV for the peer database. Used by tools/bench/traversal_vs_postgres.sh.
// Usage: bench_load_skewed_graph --data DIR --ontology tools/bench/bench-ontology.json
//        [--nodes N] [--edges M] [--skew S] [--seed N] [--batch 100000] [--csv FILE]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include "graph/graph_store.h"
#include "ontology/ontology.h"
#include "tools/bench/skewed_graph.h"

namespace {

using Clock = std::chrono::steady_clock;
using namespace expgraph;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> flags = {{"--batch", "100000"}};
  for (int i = 1; i + 1 < argc; i += 2) flags[argv[i]] = argv[i + 1];
  if (argc % 2 == 0 || !flags.contains("--data") || !flags.contains("--ontology")) {
    std::fprintf(stderr,
                 "usage: bench_load_skewed_graph --data DIR --ontology FILE [--nodes N] "
                 "[--edges M] [--skew S] [--seed N] [--batch B] [--csv FILE]\n");
    return 2;
  }
  bench::SkewedGraphOptions options = bench::skewed_graph_options(flags);
  size_t batch = std::strtoull(flags["--batch"].c_str(), nullptr, 10);
  if (options.nodes < 2 || batch == 0) {
    std::fprintf(stderr, "bench_load_skewed_graph: --nodes must be >= 2 and --batch > 0\n");
    return 2;
  }

  auto begin = Clock::now();
  bench::SkewedGraph graph = bench::SkewedGraph::generate(options);
  std::printf("generated %u nodes, %zu distinct edges (skew %.2f, seed %llu) in %.1f s\n",
              options.nodes, graph.edges().size(), options.skew,
              static_cast<unsigned long long>(options.seed), seconds_since(begin));
  if (flags.contains("--csv")) {
    begin = Clock::now();
    if (!graph.write_csv(flags["--csv"])) {
      std::fprintf(stderr, "bench_load_skewed_graph: cannot write %s\n", flags["--csv"].c_str());
      return 1;
    }
    std::printf("wrote %s in %.1f s\n", flags["--csv"].c_str(), seconds_since(begin));
  }

  auto ontology = Ontology::load_file(flags["--ontology"]);
  if (!ontology.ok()) {
    std::fprintf(stderr, "bench_load_skewed_graph: ontology: %s\n",
                 ontology.status().message().c_str());
    return 1;
  }
  GraphStoreOptions store_options;
  store_options.max_request_items = std::max(store_options.max_request_items, batch);
  auto store = GraphStore::open(
      flags["--data"], std::make_shared<const Ontology>(std::move(*ontology)), store_options);
  if (!store.ok()) {
    std::fprintf(stderr, "bench_load_skewed_graph: %s\n", store.status().message().c_str());
    return 1;
  }

  begin = Clock::now();
  size_t written = 0;
  const size_t total = options.nodes + graph.edges().size();
  size_t next_report = 0;
  bool ok = graph.for_each_write_request(batch, [&](const WriteRequest& request) {
    auto summary = (*store)->write(request);
    if (!summary.ok()) {
      std::fprintf(stderr, "bench_load_skewed_graph: write failed: %s\n",
                   summary.status().message().c_str());
      return false;
    }
    written += request.nodes.size() + request.edges.size();
    if (written >= next_report || written == total) {
      double elapsed = seconds_since(begin);
      std::printf("  %zu / %zu items (%.0f%%) in %.0f s, %.0f items/s\n", written, total,
                  100.0 * static_cast<double>(written) / static_cast<double>(total), elapsed,
                  static_cast<double>(written) / elapsed);
      std::fflush(stdout);
      next_report = written + total / 20;
    }
    return true;
  });
  if (!ok) return 1;
  std::printf("loaded %zu nodes and %zu edges in %.1f s (%.0f items/s)\n", (*store)->node_count(),
              (*store)->edge_count(), seconds_since(begin),
              static_cast<double>(written) / seconds_since(begin));
  return 0;
}
