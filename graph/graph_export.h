// GraphExporter: the whole graph (or the nodes of some types, or those changed since a time) as
// JSON Lines in the import format, or one node or edge type as a CSV table (export_table.h),
// produced one line at a time so that memory stays constant however large the graph. Used by
// the export routes. Reads a consistent RocksDB view per column
// family scan; not thread-safe (one exporter per request).
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "graph/export_table.h"
#include "graph/graph_store.h"

namespace expgraph {

struct ExportOptions {
  std::set<std::string> types;  // node types to export; empty: all
  int64_t since_ms = 0;         // only nodes updated at or after this time (0: all)
  // When set: this table as CSV, its header first, instead of import lines (`types` does not
  // apply; `since` does, as for import lines).
  std::optional<ExportTable> csv_table;
  // Slots of the endpoint cache (rounded up to a power of two); 0: one per node, up to 1M.
  // Tests set it small to make ids share slots.
  size_t endpoint_cache_slots = 0;
};

class GraphExporter {
 public:
  // Fails on an unknown type name.
  static Result<std::unique_ptr<GraphExporter>> create(const GraphStore& graph,
                                                       ExportOptions options);

  // Appends the next line (with its '\n') to `out`; false when the export is complete.
  // Nodes come first, then edges: an edge is exported when both its ends are of exported
  // types and at least one of them was exported (so `since` gives the edges of changed nodes).
  Result<bool> next_line(std::string& out);

 private:
  // What an edge line needs of an endpoint: its "Type/key" and whether it was exported.
  struct Endpoint {
    NodeId id = 0;  // 0: empty slot
    std::string ref;
    bool selected = false;
  };

  GraphExporter(const GraphStore& graph, ExportOptions options);
  bool node_selected(const NodeRecord& node) const;
  // The endpoint `id`, from the cache or storage. The edge scan is in source order, so a
  // source repeats for all its edges, but targets come in random order: a direct-mapped cache
  // of decoded endpoints, one slot per node up to a bound, spares the record read and decode
  // of each target (they were most of an export's CPU) while keeping the memory bounded.
  Result<const Endpoint*> endpoint(NodeId id);

  // The CSV rows of a node table (`node`) or of the current edge of an edge table.
  void append_node_row(std::string& out, const NodeRecord& node) const;
  Status append_edge_row(std::string& out, const std::string& to_ref);

  const GraphStore& graph_;
  ExportOptions options_;
  std::set<SymbolId> type_ids_;            // exported node type symbols; empty: all
  std::optional<SymbolId> table_type_id_;  // csv_table's node or edge type symbol, once written
  bool header_written_ = false;
  bool finished_ = false;  // set when no scan is needed after the header
  std::optional<KvIterator> iterator_;
  bool in_edges_phase_ = false;
  std::string from_ref_;                  // the current edge's source reference (reused buffer)
  std::vector<Endpoint> endpoint_cache_;  // a power of two of slots, allocated on the edge phase
};

}  // namespace expgraph
