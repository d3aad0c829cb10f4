// bench_skewed_jsonl: writes a generated skewed graph (tools/bench/skewed_graph.h) as a JSON
// Lines file in the import format of POST /v1/import, for tools/bench/import_export.sh: every
// node first ({"node": {"type": "Item", "key": "n42", "properties": {"name": "item 42"}}}),
// then every edge, so each edge's ends exist when the import reaches it.
// Usage: bench_skewed_jsonl --out FILE [--nodes N] [--edges M] [--skew S] [--seed N]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include "tools/bench/skewed_graph.h"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace expgraph;
  std::map<std::string, std::string> flags;
  for (int i = 1; i + 1 < argc; i += 2) flags[argv[i]] = argv[i + 1];
  if (argc % 2 == 0 || !flags.contains("--out")) {
    std::fprintf(stderr,
                 "usage: bench_skewed_jsonl --out FILE [--nodes N] [--edges M] [--skew S] "
                 "[--seed N]\n");
    return 2;
  }
  bench::SkewedGraphOptions options = bench::skewed_graph_options(flags);
  if (options.nodes < 2) {
    std::fprintf(stderr, "bench_skewed_jsonl: --nodes must be >= 2\n");
    return 2;
  }

  auto begin = Clock::now();
  bench::SkewedGraph graph = bench::SkewedGraph::generate(options);
  std::FILE* file = std::fopen(flags["--out"].c_str(), "w");
  if (file == nullptr) {
    std::fprintf(stderr, "bench_skewed_jsonl: cannot write %s\n", flags["--out"].c_str());
    return 1;
  }
  // Written with printf rather than nlohmann::json: the keys and names need no escaping.
  for (uint32_t n = 0; n < options.nodes; ++n) {
    std::fprintf(file,
                 "{\"node\":{\"type\":\"%s\",\"key\":\"n%u\",\"properties\":{\"name\":\"item "
                 "%u\"}}}\n",
                 bench::kNodeTypeName, n, n);
  }
  for (const bench::GeneratedEdge& edge : graph.edges()) {
    std::fprintf(file,
                 "{\"edge\":{\"type\":\"%s\",\"from\":\"%s/n%u\",\"to\":\"%s/n%u\","
                 "\"properties\":{}}}\n",
                 bench::kEdgeTypeNames[edge.type], bench::kNodeTypeName, edge.src,
                 bench::kNodeTypeName, edge.dst);
  }
  if (std::fclose(file) != 0) {
    std::fprintf(stderr, "bench_skewed_jsonl: cannot write %s\n", flags["--out"].c_str());
    return 1;
  }
  std::printf("wrote %u nodes and %zu distinct edges (skew %.2f, seed %llu) to %s in %.1f s\n",
              options.nodes, graph.edges().size(), options.skew,
              static_cast<unsigned long long>(options.seed), flags["--out"].c_str(),
              seconds_since(begin));
  return 0;
}
