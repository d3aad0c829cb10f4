// TopologyMirror: an in-memory copy of the graph's shape (which node has which type, which
// edges join which nodes) as a Boost.Graph adjacency list, so traversals never touch RocksDB.
// Derived state: rebuilt from storage at open and updated after each committed WriteBatch.
// Thread-safe: readers share `mutex_`, GraphStore applies committed writes under it exclusively.
#pragma once

#include <cstdint>
#include <optional>
#include <shared_mutex>
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

  TopologyMirror();

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

  // Runs `reader(graph)` under the shared lock, for traversal algorithms that need the
  // Boost graph itself. The graph must not escape the call.
  template <typename Reader>
  auto read(Reader&& reader) const {
    std::shared_lock lock(mutex_);
    return reader(graph_);
  }

 private:
  bool alive(NodeId id) const { return id < boost::num_vertices(graph_) && graph_[id].type != 0; }

  mutable std::shared_mutex mutex_;
  Graph graph_;
  size_t node_count_ = 0;
};

}  // namespace expgraph
