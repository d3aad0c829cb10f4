#include "query/cypher/exec/all_nodes_scan.h"

#include <utility>
#include <vector>

namespace expgraph::cypher::exec {

Status AllNodesScanOp::push(Row& row) {
  // Copied out of the mirror so that no lock is held while downstream operators run.
  std::vector<std::pair<NodeId, SymbolId>> nodes =
      ctx_.access.graph().topology().read([](const TopologyMirror::Graph& graph) {
        std::vector<std::pair<NodeId, SymbolId>> alive;
        for (NodeId id = 0; id < boost::num_vertices(graph); ++id) {
          if (graph[id].type != 0) alive.emplace_back(id, graph[id].type);
        }
        return alive;
      });
  for (const auto& [id, type] : nodes) {
    if (stopped()) break;
    EXPGRAPH_RETURN_IF_ERROR(ctx_.tick());
    row[step_->node_slot] = ctx_.access.node_value(id, type);
    EXPGRAPH_RETURN_IF_ERROR(next_->push(row));
  }
  return Status();
}

}  // namespace expgraph::cypher::exec
