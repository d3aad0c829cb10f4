// bench_traversal: in-process speed of k-hop traversals over the topology mirror (issue 3).
// Builds a TopologyMirror straight from a generated skewed graph (no RocksDB), reports the
// mirror's resident memory, then times count_k_hop and k_hop_neighborhood from random start
// nodes. Usage: bench_traversal [--nodes 1000000] [--edges 10000000] [--queries 10000]
//               [--hops 2] [--direction out|in|both] [--skew 2.05] [--seed N] [--cold-cache 1]
#include "query/traversal.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "tools/bench/skewed_graph.h"

namespace {

using Clock = std::chrono::steady_clock;
using namespace expgraph;

struct Flags {
  bench::SkewedGraphOptions graph;
  size_t queries = 10000;
  int hops = 2;
  Direction direction = Direction::kOut;
  // Evict the caches before each query, as the kernel's network stack and the load generator
  // do between two HTTP requests: the server's traversals mostly start cold.
  bool cold_cache = false;
};

[[noreturn]] void usage_error(const std::string& message) {
  std::fprintf(stderr,
               "bench_traversal: %s\nusage: bench_traversal [--nodes N] [--edges M] [--queries Q]"
               " [--hops H] [--direction out|in|both] [--skew S] [--seed N] [--cold-cache 0|1]\n",
               message.c_str());
  std::exit(2);
}

Flags parse_flags(int argc, char** argv) {
  Flags flags;
  for (int i = 1; i < argc; ++i) {
    std::string name = argv[i];
    if (i + 1 >= argc) usage_error(name + " needs a value");
    std::string value = argv[++i];
    char* end = nullptr;
    if (name == "--nodes") {
      flags.graph.nodes = static_cast<uint32_t>(std::strtoul(value.c_str(), &end, 10));
    } else if (name == "--edges") {
      flags.graph.edges = std::strtoull(value.c_str(), &end, 10);
    } else if (name == "--queries") {
      flags.queries = std::strtoull(value.c_str(), &end, 10);
    } else if (name == "--hops") {
      flags.hops = static_cast<int>(std::strtol(value.c_str(), &end, 10));
    } else if (name == "--skew") {
      flags.graph.skew = std::strtod(value.c_str(), &end);
    } else if (name == "--seed") {
      flags.graph.seed = std::strtoull(value.c_str(), &end, 10);
    } else if (name == "--cold-cache") {
      flags.cold_cache = std::strtol(value.c_str(), &end, 10) != 0;
    } else if (name == "--direction") {
      auto direction = parse_direction(value);
      if (!direction) usage_error("--direction must be out, in or both");
      flags.direction = *direction;
      continue;
    } else {
      usage_error("unknown flag " + name);
    }
    if (end == nullptr || *end != '\0' || value.empty()) usage_error("bad value for " + name);
  }
  if (flags.graph.nodes < 2 || flags.queries == 0 || flags.hops < 1) usage_error("bad sizes");
  return flags;
}

// A line of /proc/self/status or /proc/meminfo in KiB ("VmRSS:", "MemTotal:"), 0 if absent.
long kib_field(const char* file, const char* field) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field, 0) == 0)
      return std::strtol(line.c_str() + std::strlen(field), nullptr, 10);
  }
  return 0;
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

struct Timings {
  std::vector<double> micros;
  std::vector<double> reached;
};

double percentile(std::vector<double> values, double fraction) {
  size_t index = std::min(values.size() - 1, static_cast<size_t>(fraction * values.size()));
  std::nth_element(values.begin(), values.begin() + static_cast<long>(index), values.end());
  return values[index];
}

// The mean matters too: a server's throughput is set by the mean cost, not the median.
void report(const char* name, const Timings& timings) {
  double reached_sum = 0;
  for (double reached : timings.reached) reached_sum += reached;
  double micros_sum = 0;
  for (double micros : timings.micros) micros_sum += micros;
  std::printf(
      "%-20s median %8.2f us   mean %8.2f us   p90 %8.2f us   p99 %8.2f us   reached: mean %.1f,"
      " median %.0f\n",
      name, percentile(timings.micros, 0.5),
      micros_sum / static_cast<double>(timings.micros.size()), percentile(timings.micros, 0.9),
      percentile(timings.micros, 0.99), reached_sum / static_cast<double>(timings.reached.size()),
      percentile(timings.reached, 0.5));
}

// Writes to every line of a buffer larger than the last-level cache share of a core.
void evict_caches() {
  static std::vector<char> buffer(32 << 20);
  for (size_t i = 0; i < buffer.size(); i += 64) ++buffer[i];
}

// Times `query(start)` (which returns the number of nodes reached) from each start node.
template <typename Query>
Timings time_queries(const std::vector<NodeId>& starts, bool cold_cache, Query&& query) {
  Timings timings;
  timings.micros.reserve(starts.size());
  timings.reached.reserve(starts.size());
  for (NodeId start : starts) {
    if (cold_cache) evict_caches();
    auto begin = Clock::now();
    size_t reached = query(start);
    timings.micros.push_back(
        std::chrono::duration<double, std::micro>(Clock::now() - begin).count());
    timings.reached.push_back(static_cast<double>(reached));
  }
  return timings;
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags = parse_flags(argc, argv);
  std::printf("machine: %u cores, %.1f GiB memory\n", std::thread::hardware_concurrency(),
              static_cast<double>(kib_field("/proc/meminfo", "MemTotal:")) / 1048576.0);
  std::printf(
      "graph: %u nodes, %llu edges requested, skew %.2f, seed %llu; %d hops, direction %s\n",
      flags.graph.nodes, static_cast<unsigned long long>(flags.graph.edges), flags.graph.skew,
      static_cast<unsigned long long>(flags.graph.seed), flags.hops,
      flags.direction == Direction::kOut  ? "out"
      : flags.direction == Direction::kIn ? "in"
                                          : "both");

  auto begin = Clock::now();
  bench::SkewedGraph graph = bench::SkewedGraph::generate(flags.graph);
  std::printf("generated %zu distinct edges in %.1f s\n", graph.edges().size(),
              seconds_since(begin));

  long rss_before = kib_field("/proc/self/status", "VmRSS:");
  TopologyMirror mirror;
  begin = Clock::now();
  const SymbolId edge_types[bench::kEdgeTypeCount] = {1, 2, 3};
  graph.load_into(mirror, /*node_type=*/1, edge_types);
  double build_seconds = seconds_since(begin);
  long rss_after = kib_field("/proc/self/status", "VmRSS:");
  std::printf(
      "mirror: %zu nodes, %zu edges built in %.1f s; RSS %.1f -> %.1f MiB, growth %.1f MiB"
      " (%.1f bytes/edge)\n",
      mirror.node_count(), mirror.edge_count(), build_seconds, rss_before / 1024.0,
      rss_after / 1024.0, (rss_after - rss_before) / 1024.0,
      (rss_after - rss_before) * 1024.0 / static_cast<double>(mirror.edge_count()));

  std::mt19937_64 random(flags.graph.seed + 1);
  std::vector<NodeId> starts(flags.queries);
  for (NodeId& start : starts) start = 1 + random() % flags.graph.nodes;
  TraversalFilter filter;
  filter.direction = flags.direction;

  // One untimed pass warms the caches and the per-thread visit marks.
  for (size_t i = 0; i < std::min<size_t>(starts.size(), 1000); ++i) {
    count_k_hop(mirror, starts[i], flags.hops, filter);
  }
  if (flags.cold_cache) std::printf("caches evicted before each query\n");
  report("count_k_hop", time_queries(starts, flags.cold_cache, [&](NodeId start) {
           return count_k_hop(mirror, start, flags.hops, filter);
         }));
  report("k_hop_neighborhood", time_queries(starts, flags.cold_cache, [&](NodeId start) {
           // The start is in the list; subtract it to report the same figure as count_k_hop.
           return k_hop_neighborhood(mirror, start, flags.hops, filter, flags.graph.nodes)
                      .nodes.size() -
                  1;
         }));
  return 0;
}
