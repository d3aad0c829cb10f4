// Traversals over the topology mirror: k-hop neighbourhoods and shortest paths. They read
// only the in-memory mirror; callers fetch properties from storage for what they return.
// Used by the traversal routes and the Cypher executor. Thread-safe (shared lock on the mirror).
#pragma once

#include <optional>
#include <set>
#include <vector>

#include "graph/graph_store.h"

namespace expgraph {

struct TraversalFilter {
  Direction direction = Direction::kBoth;
  std::set<SymbolId> edge_types;  // empty: every edge type
};

struct TraversedEdge {
  NodeId from = 0;
  SymbolId type = 0;
  NodeId to = 0;
  auto operator<=>(const TraversedEdge&) const = default;
};

struct Neighborhood {
  std::vector<NodeId> nodes;     // in BFS order, the start first
  std::vector<int> depth;        // parallel to nodes
  std::vector<TraversedEdge> edges;  // edges between returned nodes that the BFS walked
  bool truncated = false;        // stopped at the node limit
};

// Nodes within `hops` edges of `start` (BFS), at most `node_limit` of them.
Neighborhood k_hop_neighborhood(const TopologyMirror& mirror, NodeId start, int hops,
                                const TraversalFilter& filter, size_t node_limit);

// How many distinct nodes lie within `hops` of `start`, the start excluded; for benchmarks
// and planners that need the size without the list.
size_t count_k_hop(const TopologyMirror& mirror, NodeId start, int hops,
                   const TraversalFilter& filter);

// A shortest path from `from` to `to` of at most `max_hops` edges (bidirectional BFS):
// the edges in order, or nullopt when there is none.
std::optional<std::vector<TraversedEdge>> shortest_path(const TopologyMirror& mirror, NodeId from,
                                                        NodeId to, int max_hops,
                                                        const TraversalFilter& filter);

}  // namespace expgraph
