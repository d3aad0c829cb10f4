#include "query/traversal.h"

#include <algorithm>
#include <unordered_map>

#include "query/visit_set.h"

namespace expgraph {

namespace {

using Graph = TopologyMirror::Graph;

bool type_allowed(const TraversalFilter& filter, SymbolId type) {
  return filter.edge_types.empty() || filter.edge_types.contains(type);
}

// Calls visit(neighbor, edge) for each edge of `node` that the filter allows.
template <typename Visit>
void for_each_edge(const Graph& graph, NodeId node, const TraversalFilter& filter, Visit&& visit) {
  if (filter.direction != Direction::kIn) {
    for (auto [it, end] = boost::out_edges(node, graph); it != end; ++it) {
      SymbolId type = graph[*it].type;
      if (!type_allowed(filter, type)) continue;
      NodeId target = boost::target(*it, graph);
      if (!visit(target, TraversedEdge{node, type, target})) return;
    }
  }
  if (filter.direction != Direction::kOut) {
    for (auto [it, end] = boost::in_edges(node, graph); it != end; ++it) {
      SymbolId type = graph[*it].type;
      if (!type_allowed(filter, type)) continue;
      NodeId source = boost::source(*it, graph);
      if (!visit(source, TraversedEdge{source, type, node})) return;
    }
  }
}

// Calls visit(neighbor) for each edge of `node` that the filter allows. Unlike for_each_edge it
// reads an edge's type only when the filter names types: the type lives in the edge list node,
// one more cache miss per edge, which dominates a counting BFS over a large graph.
template <typename Visit>
void for_each_neighbor(const Graph& graph, NodeId node, const TraversalFilter& filter,
                       Visit&& visit) {
  const bool any_type = filter.edge_types.empty();
  if (filter.direction != Direction::kIn) {
    for (auto [it, end] = boost::out_edges(node, graph); it != end; ++it) {
      if (any_type || filter.edge_types.contains(graph[*it].type)) visit(boost::target(*it, graph));
    }
  }
  if (filter.direction != Direction::kOut) {
    for (auto [it, end] = boost::in_edges(node, graph); it != end; ++it) {
      if (any_type || filter.edge_types.contains(graph[*it].type)) visit(boost::source(*it, graph));
    }
  }
}

// Expanding a frontier scattered over a large graph is a chain of cache misses: each node's
// vertex record, then the edge array it points to. Asking for them a few nodes ahead lets the
// misses overlap with the work on the current node.
constexpr size_t kVertexPrefetchDistance = 8;
constexpr size_t kEdgePrefetchDistance = 4;

// The out-edge list is the vertex record's first member: taking its address reads nothing.
void prefetch_vertex(const Graph& graph, NodeId node) {
  __builtin_prefetch(&graph.out_edge_list(node));
}

// Reads the vertex record (prefetched earlier) to find the edge arrays.
void prefetch_edge_arrays(const Graph& graph, NodeId node, Direction direction) {
  if (direction != Direction::kIn) __builtin_prefetch(graph.out_edge_list(node).data());
  if (direction != Direction::kOut) __builtin_prefetch(in_edge_list(graph, node).data());
}

// Calls expand(nodes[i]) for i in [begin, end) until it returns false, prefetching ahead.
// `nodes` may grow during the calls (a BFS appends what it reaches), so it is indexed afresh.
template <typename Expand>
void expand_prefetched(const Graph& graph, const std::vector<NodeId>& nodes, size_t begin,
                       size_t end, Direction direction, Expand&& expand) {
  for (size_t i = begin; i < std::min(end, begin + kVertexPrefetchDistance); ++i) {
    prefetch_vertex(graph, nodes[i]);
  }
  for (size_t i = begin; i < end; ++i) {
    if (i + kVertexPrefetchDistance < end)
      prefetch_vertex(graph, nodes[i + kVertexPrefetchDistance]);
    if (i + kEdgePrefetchDistance < end) {
      prefetch_edge_arrays(graph, nodes[i + kEdgePrefetchDistance], direction);
    }
    if (!expand(nodes[i])) return;
  }
}

bool valid_node(const Graph& graph, NodeId id) {
  return id < boost::num_vertices(graph) && graph[id].type != 0;
}

}  // namespace

Neighborhood k_hop_neighborhood(const TopologyMirror& mirror, NodeId start, int hops,
                                const TraversalFilter& filter, size_t node_limit) {
  return mirror.read([&](const Graph& graph) {
    Neighborhood result;
    if (!valid_node(graph, start) || node_limit == 0) return result;
    VisitSet& marks = VisitSet::for_this_thread();
    marks.start(boost::num_vertices(graph));
    marks.mark(start);
    result.nodes.push_back(start);
    result.depth.push_back(0);
    size_t frontier_begin = 0;
    for (int depth = 1; depth <= hops && !result.truncated; ++depth) {
      size_t frontier_end = result.nodes.size();
      expand_prefetched(graph, result.nodes, frontier_begin, frontier_end, filter.direction,
                        [&](NodeId node) {
                          for_each_edge(graph, node, filter, [&](NodeId next, TraversedEdge edge) {
                            if (marks.mark(next)) {
                              if (result.nodes.size() == node_limit) {
                                result.truncated = true;
                                return false;
                              }
                              result.nodes.push_back(next);
                              result.depth.push_back(depth);
                            }
                            result.edges.push_back(edge);
                            return true;
                          });
                          return !result.truncated;
                        });
      frontier_begin = frontier_end;
    }
    // Keep only edges whose both ends are returned (a truncated BFS may have walked others).
    if (result.truncated) {
      std::vector<NodeId> sorted = result.nodes;
      std::sort(sorted.begin(), sorted.end());
      auto kept = [&](NodeId id) { return std::binary_search(sorted.begin(), sorted.end(), id); };
      std::erase_if(result.edges,
                    [&](const TraversedEdge& edge) { return !kept(edge.from) || !kept(edge.to); });
    }
    std::sort(result.edges.begin(), result.edges.end());
    result.edges.erase(std::unique(result.edges.begin(), result.edges.end()), result.edges.end());
    return result;
  });
}

size_t count_k_hop(const TopologyMirror& mirror, NodeId start, int hops,
                   const TraversalFilter& filter) {
  return mirror.read([&](const Graph& graph) -> size_t {
    if (!valid_node(graph, start)) return 0;
    VisitSet& marks = VisitSet::for_this_thread();
    marks.start(boost::num_vertices(graph));
    marks.mark(start);
    thread_local std::vector<NodeId> frontier, next_frontier;
    frontier.assign(1, start);
    size_t reached = 0;
    for (int depth = 1; depth <= hops && !frontier.empty(); ++depth) {
      next_frontier.clear();
      expand_prefetched(graph, frontier, 0, frontier.size(), filter.direction, [&](NodeId node) {
        for_each_neighbor(graph, node, filter, [&](NodeId next) {
          if (marks.mark(next)) next_frontier.push_back(next);
        });
        return true;
      });
      reached += next_frontier.size();
      frontier.swap(next_frontier);
    }
    return reached;
  });
}

std::optional<std::vector<TraversedEdge>> shortest_path(const TopologyMirror& mirror, NodeId from,
                                                        NodeId to, int max_hops,
                                                        const TraversalFilter& filter) {
  return mirror.read([&](const Graph& graph) -> std::optional<std::vector<TraversedEdge>> {
    if (!valid_node(graph, from) || !valid_node(graph, to)) return std::nullopt;
    if (from == to) return std::vector<TraversedEdge>();
    // Two BFS trees grown one level at a time from the smaller frontier; each node remembers
    // the edge it was reached by, so the path is read back from the meeting node.
    TraversalFilter backward = filter;
    if (filter.direction == Direction::kOut) backward.direction = Direction::kIn;
    if (filter.direction == Direction::kIn) backward.direction = Direction::kOut;
    std::unordered_map<NodeId, TraversedEdge> parent_forward{{from, {}}};
    std::unordered_map<NodeId, TraversedEdge> parent_backward{{to, {}}};
    std::vector<NodeId> frontier_forward{from}, frontier_backward{to};
    int depth_forward = 0, depth_backward = 0;
    std::optional<NodeId> meeting;
    while (!meeting && depth_forward + depth_backward < max_hops && !frontier_forward.empty() &&
           !frontier_backward.empty()) {
      bool grow_forward = frontier_forward.size() <= frontier_backward.size();
      auto& frontier = grow_forward ? frontier_forward : frontier_backward;
      auto& parents = grow_forward ? parent_forward : parent_backward;
      auto& others = grow_forward ? parent_backward : parent_forward;
      const TraversalFilter& step_filter = grow_forward ? filter : backward;
      std::vector<NodeId> next;
      for (NodeId node : frontier) {
        for_each_edge(graph, node, step_filter, [&](NodeId neighbor, TraversedEdge edge) {
          if (parents.contains(neighbor)) return true;
          parents.emplace(neighbor, edge);
          next.push_back(neighbor);
          if (others.contains(neighbor)) {
            meeting = neighbor;
            return false;
          }
          return true;
        });
        if (meeting) break;
      }
      frontier.swap(next);
      (grow_forward ? depth_forward : depth_backward) += 1;
    }
    if (!meeting) return std::nullopt;
    std::vector<TraversedEdge> path;
    for (NodeId node = *meeting; node != from;) {
      const TraversedEdge& edge = parent_forward.at(node);
      path.push_back(edge);
      node = edge.from == node ? edge.to : edge.from;
    }
    std::reverse(path.begin(), path.end());
    for (NodeId node = *meeting; node != to;) {
      const TraversedEdge& edge = parent_backward.at(node);
      path.push_back(edge);
      node = edge.from == node ? edge.to : edge.from;
    }
    return path;
  });
}

}  // namespace expgraph
