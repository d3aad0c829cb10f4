#include "graph/topology_mirror.h"

#include <mutex>

namespace expgraph {

TopologyMirror::TopologyMirror() = default;

void TopologyMirror::apply(const Changes& changes) {
  std::unique_lock lock(mutex_);
  for (const auto& [id, type] : changes.nodes_added) add_node_locked(id, type);
  for (const Edge& edge : changes.edges_added) add_edge_locked(edge.from, edge.type, edge.to);
  for (const Edge& edge : changes.edges_removed) remove_edge_locked(edge.from, edge.type, edge.to);
  for (NodeId id : changes.nodes_removed) remove_node_locked(id);
}

void TopologyMirror::add_node(NodeId id, SymbolId type) {
  std::unique_lock lock(mutex_);
  add_node_locked(id, type);
}

void TopologyMirror::add_node_locked(NodeId id, SymbolId type) {
  while (boost::num_vertices(graph_) <= id) boost::add_vertex(graph_);
  SymbolId& current = graph_[id].type;
  if (current == 0) {
    ++node_count_;
  } else {
    --nodes_by_type_[current];
  }
  ++nodes_by_type_[type];
  current = type;
}

void TopologyMirror::remove_node(NodeId id) {
  std::unique_lock lock(mutex_);
  remove_node_locked(id);
}

void TopologyMirror::remove_node_locked(NodeId id) {
  if (!alive(id)) return;
  uncount_edges_of(id);
  boost::clear_vertex(id, graph_);
  --nodes_by_type_[graph_[id].type];
  graph_[id].type = 0;
  --node_count_;
}

void TopologyMirror::uncount_edges_of(NodeId id) {
  for (auto [it, end] = boost::out_edges(id, graph_); it != end; ++it) {
    --edges_by_type_[graph_[*it].type];
  }
  for (auto [it, end] = boost::in_edges(id, graph_); it != end; ++it) {
    // A self-loop is among both the out- and the in-edges: count it off once.
    if (boost::source(*it, graph_) != id) --edges_by_type_[graph_[*it].type];
  }
}

void TopologyMirror::add_edge(NodeId from, SymbolId edge_type, NodeId to) {
  std::unique_lock lock(mutex_);
  add_edge_locked(from, edge_type, to);
}

void TopologyMirror::add_edge_locked(NodeId from, SymbolId edge_type, NodeId to) {
  if (!alive(from) || !alive(to)) return;
  boost::add_edge(from, to, EdgeData{edge_type}, graph_);
  ++edges_by_type_[edge_type];
}

void TopologyMirror::remove_edge(NodeId from, SymbolId edge_type, NodeId to) {
  std::unique_lock lock(mutex_);
  remove_edge_locked(from, edge_type, to);
}

void TopologyMirror::remove_edge_locked(NodeId from, SymbolId edge_type, NodeId to) {
  if (!alive(from) || !alive(to)) return;
  // remove_edge(u, v) would drop parallel edges of every type; only this type goes.
  // Counted first: Boost may call the removal predicate more than once per edge.
  size_t removed = 0;
  for (auto [it, end] = boost::out_edges(from, graph_); it != end; ++it) {
    removed += boost::target(*it, graph_) == to && graph_[*it].type == edge_type;
  }
  boost::remove_out_edge_if(
      from,
      [&](const Graph::edge_descriptor& edge) {
        return boost::target(edge, graph_) == to && graph_[edge].type == edge_type;
      },
      graph_);
  edges_by_type_[edge_type] -= removed;
}

bool TopologyMirror::has_node(NodeId id) const {
  std::shared_lock lock(mutex_);
  return alive(id);
}

std::optional<SymbolId> TopologyMirror::node_type(NodeId id) const {
  std::shared_lock lock(mutex_);
  if (!alive(id)) return std::nullopt;
  return graph_[id].type;
}

std::vector<TopologyMirror::Neighbor> TopologyMirror::neighbors(
    NodeId id, Direction direction, std::optional<SymbolId> edge_type) const {
  std::shared_lock lock(mutex_);
  std::vector<Neighbor> result;
  if (!alive(id)) return result;
  if (direction != Direction::kIn) {
    for (auto [it, end] = boost::out_edges(id, graph_); it != end; ++it) {
      SymbolId type = graph_[*it].type;
      if (!edge_type || *edge_type == type) {
        result.push_back(Neighbor{boost::target(*it, graph_), type, true});
      }
    }
  }
  if (direction != Direction::kOut) {
    for (auto [it, end] = boost::in_edges(id, graph_); it != end; ++it) {
      SymbolId type = graph_[*it].type;
      if (!edge_type || *edge_type == type) {
        result.push_back(Neighbor{boost::source(*it, graph_), type, false});
      }
    }
  }
  return result;
}

bool TopologyMirror::has_edge(NodeId from, SymbolId edge_type, NodeId to) const {
  std::shared_lock lock(mutex_);
  if (!alive(from) || !alive(to)) return false;
  if (boost::out_degree(from, graph_) <= boost::in_degree(to, graph_)) {
    for (auto [it, end] = boost::out_edges(from, graph_); it != end; ++it) {
      if (boost::target(*it, graph_) == to && graph_[*it].type == edge_type) return true;
    }
  } else {
    for (auto [it, end] = boost::in_edges(to, graph_); it != end; ++it) {
      if (boost::source(*it, graph_) == from && graph_[*it].type == edge_type) return true;
    }
  }
  return false;
}

size_t TopologyMirror::degree(NodeId id, Direction direction, SymbolId edge_type) const {
  std::shared_lock lock(mutex_);
  if (!alive(id)) return 0;
  size_t count = 0;
  if (direction != Direction::kIn) {
    for (auto [it, end] = boost::out_edges(id, graph_); it != end; ++it) {
      count += graph_[*it].type == edge_type;
    }
  }
  if (direction != Direction::kOut) {
    for (auto [it, end] = boost::in_edges(id, graph_); it != end; ++it) {
      count += graph_[*it].type == edge_type;
    }
  }
  return count;
}

size_t TopologyMirror::node_count() const {
  std::shared_lock lock(mutex_);
  return node_count_;
}

size_t TopologyMirror::edge_count() const {
  std::shared_lock lock(mutex_);
  return boost::num_edges(graph_);
}

size_t TopologyMirror::node_count(SymbolId type) const {
  std::shared_lock lock(mutex_);
  auto it = nodes_by_type_.find(type);
  return it == nodes_by_type_.end() ? 0 : it->second;
}

size_t TopologyMirror::edge_count(SymbolId edge_type) const {
  std::shared_lock lock(mutex_);
  auto it = edges_by_type_.find(edge_type);
  return it == edges_by_type_.end() ? 0 : it->second;
}

NodeId TopologyMirror::nodes_of_type(SymbolId type, NodeId from, size_t limit,
                                     std::vector<NodeId>& out) const {
  std::shared_lock lock(mutex_);
  const NodeId end = boost::num_vertices(graph_);
  NodeId id = from;
  for (size_t found = 0; id < end && found < limit; ++id) {
    SymbolId node_type = graph_[id].type;
    if (node_type != 0 && (type == 0 || node_type == type)) {
      out.push_back(id);
      ++found;
    }
  }
  return id;
}

}  // namespace expgraph
