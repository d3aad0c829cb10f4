// TopologyMirror: an in-memory copy of the graph's shape (which node has which type, which
// edges join which nodes) as a Boost.Graph adjacency list, so traversals never touch RocksDB.
// Derived state: rebuilt from storage at open and updated after each committed WriteBatch.
// Thread-safe: readers share `mutex_`, GraphStore applies committed writes under it exclusively.
#pragma once

#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <unordered_map>
#include <utility>
#include <vector>

#include <boost/graph/adjacency_list.hpp>

#include "graph/records.h"
#include "storage/key_codec.h"

namespace expgraph {

class TopologyMirror {
 public:
  struct VertexData {
    SymbolId type = 0;  // 0: no node (never used or deleted)
  };
  struct EdgeData {
    SymbolId type = 0;
  };
  // Vertex descriptors are node ids: ids are dense (allocated from one counter), so a vector
  // indexed by id costs one VertexData per id ever allocated, deleted or not.
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, VertexData,
                                      EdgeData>;

  struct Neighbor {
    NodeId node = 0;
    SymbolId edge_type = 0;
    bool outgoing = true;
  };

  // One write's changes to the shape, applied by apply() under one exclusive lock, so that a
  // reader sees all of them or none (a node with every edge written with it, never some).
  struct Edge {
    NodeId from = 0;
    SymbolId type = 0;
    NodeId to = 0;
  };
  struct Changes {
    std::vector<std::pair<NodeId, SymbolId>> nodes_added;  // (id, type)
    std::vector<Edge> edges_added;
    std::vector<Edge> edges_removed;
    std::vector<NodeId> nodes_removed;  // with the edges they still have
  };

  TopologyMirror();

  // Applies `changes` in the order nodes added, edges added, edges removed, nodes removed, as
  // one step for readers.
  void apply(const Changes& changes);
  void add_node(NodeId id, SymbolId type);
  // Removes a node and every edge incident to it.
  void remove_node(NodeId id);
  void add_edge(NodeId from, SymbolId edge_type, NodeId to);
  void remove_edge(NodeId from, SymbolId edge_type, NodeId to);

  bool has_node(NodeId id) const;
  // The node's type symbol, or nullopt when there is no such node.
  std::optional<SymbolId> node_type(NodeId id) const;
  // The node's edges in a direction, optionally only of one type.
  std::vector<Neighbor> neighbors(NodeId id, Direction direction,
                                  std::optional<SymbolId> edge_type = std::nullopt) const;
  // True when the edge from -edge_type-> to exists. Scans the shorter of from's out-edges and
  // to's in-edges, so checking an edge at a hub costs the other end's degree.
  bool has_edge(NodeId from, SymbolId edge_type, NodeId to) const;
  // How many edges of `edge_type` leave (kOut) or enter (kIn) a node.
  size_t degree(NodeId id, Direction direction, SymbolId edge_type) const;
  size_t node_count() const;
  size_t edge_count() const;
  // How many live nodes have this type, and how many edges this edge type, kept up to date by
  // every add and remove (so a count(*) costs a hash lookup, not a scan). Rebuilt with the
  // mirror at open, hence always equal to what a scan of the mirror finds.
  size_t node_count(SymbolId type) const;
  size_t edge_count(SymbolId edge_type) const;
  // Appends to `out` the ids of up to `limit` live nodes of `type` (any type when 0) with id
  // >= `from`, in id order; returns the id to continue from. Nothing appended: no more nodes.
  // Callers copy ids out in chunks so that no lock is held while they read the nodes' records
  // (PropertyColumns builds a type's columns so).
  NodeId nodes_of_type(SymbolId type, NodeId from, size_t limit, std::vector<NodeId>& out) const;

  // Runs `reader(graph)` under the shared lock, for traversal algorithms that need the
  // Boost graph itself. The graph must not escape the call.
  template <typename Reader>
  auto read(Reader&& reader) const {
    std::shared_lock lock(mutex_);
    return reader(graph_);
  }

 private:
  bool alive(NodeId id) const { return id < boost::num_vertices(graph_) && graph_[id].type != 0; }
  // The changes, with `mutex_` held exclusively by the caller.
  void add_node_locked(NodeId id, SymbolId type);
  void remove_node_locked(NodeId id);
  void add_edge_locked(NodeId from, SymbolId edge_type, NodeId to);
  void remove_edge_locked(NodeId from, SymbolId edge_type, NodeId to);
  // Takes the edges incident to `id` off the per-type edge counts (before clear_vertex).
  void uncount_edges_of(NodeId id);

  mutable std::shared_mutex mutex_;
  Graph graph_;
  size_t node_count_ = 0;
  std::unordered_map<SymbolId, size_t> nodes_by_type_;  // live nodes per node type
  std::unordered_map<SymbolId, size_t> edges_by_type_;  // edges per edge type
};

}  // namespace expgraph
