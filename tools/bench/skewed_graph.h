// A deterministic generator of large directed graphs with skewed (power-law-like) degrees, for
// the traversal benchmarks in tools/bench: the same seed gives the same edges on every machine,
// so expgraph and the peer database are loaded with identical data. Header-only because each
// tools/bench/*.cc is its own executable. Not thread-safe (plain data plus a generator).
//
// Model: both ends of an edge are drawn from one skewed distribution over node ranks,
// rank = floor(N * u^skew) with u uniform in [0,1), so P(rank <= r) = (r/N)^(1/skew) and the
// expected degree of rank r falls like r^(1/skew - 1) (skew = 1: uniform, Erdos-Renyi-like;
// skew = 2: degree ~ r^-1/2, the top node has ~M/sqrt(N) edges each way). Out- and in-degree
// are correlated (hubs are hubs both ways), as in citation or link graphs. Ranks are scattered
// over node ids by a multiplicative permutation so hubs are not neighbours in id space.
// Self-loops are skipped and duplicate (src, dst, type) triples removed (expgraph stores an
// edge once per identity, so the peer must not see duplicates either).
//
// Tuning (out-direction 2-hop, the benchmark's question): the expected 2-hop size from a
// random node is about d + d * E[d_out^2]/E[d_out] with d = M/N = 10, so it grows fast with
// the skew. Measured with bench_traversal at 1M nodes / 10M edges (mean / median reached):
// skew 1.8: 249 / 141, 2.0: 447 / 159, 2.05: 543 / 174, 2.2: 905 / ~200. kDefaultSkew = 2.05
// gives the "about 500 nodes reached" on average; the median is lower because a few
// starts reach hubs with thousands of edges (the skew the benchmark is meant to have).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "graph/records.h"
#include "graph/topology_mirror.h"

namespace expgraph::bench {

inline constexpr double kDefaultSkew = 2.05;
inline constexpr uint64_t kDefaultSeed = 20240501;
// Edge type names of tools/bench/bench-ontology.json; each edge gets one uniformly at random.
inline constexpr const char* kEdgeTypeNames[] = {"LINKS", "CITES", "FOLLOWS"};
inline constexpr int kEdgeTypeCount = 3;
inline constexpr const char* kNodeTypeName = "Item";

struct SkewedGraphOptions {
  uint32_t nodes = 1000000;
  uint64_t edges = 10000000;
  double skew = kDefaultSkew;
  uint64_t seed = kDefaultSeed;
};

// The generator's command-line flags (--nodes --edges --skew --seed), as the benchmark
// programs read them into a name -> value map; absent flags keep the defaults.
inline SkewedGraphOptions skewed_graph_options(const std::map<std::string, std::string>& flags) {
  SkewedGraphOptions options;
  if (auto it = flags.find("--nodes"); it != flags.end()) {
    options.nodes = static_cast<uint32_t>(std::strtoul(it->second.c_str(), nullptr, 10));
  }
  if (auto it = flags.find("--edges"); it != flags.end()) {
    options.edges = std::strtoull(it->second.c_str(), nullptr, 10);
  }
  if (auto it = flags.find("--skew"); it != flags.end()) {
    options.skew = std::strtod(it->second.c_str(), nullptr);
  }
  if (auto it = flags.find("--seed"); it != flags.end()) {
    options.seed = std::strtoull(it->second.c_str(), nullptr, 10);
  }
  return options;
}

// One edge between generated node numbers 0..nodes-1; `type` indexes kEdgeTypeNames.
struct GeneratedEdge {
  uint32_t src = 0;
  uint32_t dst = 0;
  uint8_t type = 0;
  auto operator<=>(const GeneratedEdge&) const = default;
};

// The external key of generated node `n` in expgraph ("n42"); PostgreSQL uses the number itself.
inline std::string skewed_node_key(uint32_t n) {
  std::string key = "n";
  key += std::to_string(n);
  return key;
}

class SkewedGraph {
 public:
  // Generates the graph; the edges come back sorted by (src, dst, type), without duplicates.
  static SkewedGraph generate(const SkewedGraphOptions& options) {
    SkewedGraph graph;
    graph.options_ = options;
    std::mt19937_64 random(options.seed);  // mt19937_64's output sequence is fixed by the standard
    const uint64_t node_count = options.nodes;
    // Any multiplier coprime with N is a permutation of 0..N-1.
    uint64_t multiplier = 2654435761u % node_count;
    while (node_count > 1 && std::gcd(multiplier, node_count) != 1) ++multiplier;
    auto draw_node = [&]() -> uint32_t {
      // 53 random bits -> u in [0,1); avoids implementation-defined std distributions.
      double u = static_cast<double>(random() >> 11) * 0x1.0p-53;
      auto rank =
          static_cast<uint64_t>(static_cast<double>(node_count) * std::pow(u, options.skew));
      rank = std::min(rank, node_count - 1);
      return static_cast<uint32_t>((rank * multiplier + 7) % node_count);
    };
    std::vector<GeneratedEdge>& edges = graph.edges_;
    edges.reserve(options.edges);
    // Draw, drop duplicates, top up; hub-to-hub pairs repeat, so a few rounds are needed.
    while (edges.size() < options.edges && node_count > 1) {
      while (edges.size() < options.edges) {
        uint32_t src = draw_node();
        uint32_t dst = draw_node();
        if (src == dst) continue;
        edges.push_back({src, dst, static_cast<uint8_t>(random() % kEdgeTypeCount)});
      }
      std::sort(edges.begin(), edges.end());
      edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
    }
    return graph;
  }

  const SkewedGraphOptions& options() const { return options_; }
  uint32_t node_count() const { return options_.nodes; }
  const std::vector<GeneratedEdge>& edges() const { return edges_; }

  // Writes "src,dst,type" lines (type as its name) for PostgreSQL's COPY ... (FORMAT csv).
  bool write_csv(const std::string& path) const {
    std::FILE* file = std::fopen(path.c_str(), "w");
    if (file == nullptr) return false;
    for (const GeneratedEdge& edge : edges_) {
      std::fprintf(file, "%u,%u,%s\n", edge.src, edge.dst, kEdgeTypeNames[edge.type]);
    }
    return std::fclose(file) == 0;
  }

  // Loads the graph straight into a mirror: node n gets id n + 1 (0 is never a node id).
  void load_into(TopologyMirror& mirror, SymbolId node_type,
                 const SymbolId (&edge_types)[kEdgeTypeCount]) const {
    for (uint32_t n = 0; n < options_.nodes; ++n) mirror.add_node(n + 1, node_type);
    for (const GeneratedEdge& edge : edges_) {
      mirror.add_edge(edge.src + 1, edge_types[edge.type], edge.dst + 1);
    }
  }

  // Calls `sink(request)` with WriteRequests of at most `batch` items: every node first, then
  // the edges, so each edge's ends exist when it is written. Stops when sink returns false.
  // Node n gets the properties `node_properties(n)` (a JSON object; none by default).
  template <typename Sink>
  bool for_each_write_request(size_t batch, Sink&& sink) const {
    return for_each_write_request(batch, sink,
                                  [](uint32_t) { return nlohmann::json::object(); });
  }
  template <typename Sink, typename NodeProperties>
  bool for_each_write_request(size_t batch, Sink&& sink, NodeProperties&& node_properties) const {
    WriteRequest request;
    request.actor = "bench-loader";
    for (uint32_t n = 0; n < options_.nodes; ++n) {
      request.nodes.push_back(
          NodeWrite{kNodeTypeName, skewed_node_key(n), node_properties(n)});
      if (request.nodes.size() == batch) {
        if (!sink(request)) return false;
        request.nodes.clear();
      }
    }
    if (!request.nodes.empty()) {
      if (!sink(request)) return false;
      request.nodes.clear();
    }
    for (const GeneratedEdge& edge : edges_) {
      request.edges.push_back(
          EdgeWrite{kEdgeTypeNames[edge.type], NodeRef{kNodeTypeName, skewed_node_key(edge.src)},
                    NodeRef{kNodeTypeName, skewed_node_key(edge.dst)}, nlohmann::json::object()});
      if (request.edges.size() == batch) {
        if (!sink(request)) return false;
        request.edges.clear();
      }
    }
    return request.edges.empty() || sink(request);
  }

 private:
  SkewedGraphOptions options_;
  std::vector<GeneratedEdge> edges_;
};

}  // namespace expgraph::bench
