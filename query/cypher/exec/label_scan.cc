#include "query/cypher/exec/label_scan.h"

#include <vector>

namespace expgraph::cypher::exec {

namespace {
// Ids copied out of the mirror per lock: large enough that locking is noise, small enough
// that a LIMIT downstream stops the scan early.
constexpr size_t kChunk = 4096;
}  // namespace

// Reads the node ids of the label from the topology mirror (in id order) rather than the
// `keys` column family: the scan needs no key, and properties are loaded only by the
// operators that read them.
Status LabelScanOp::push(Row& row) {
  const TopologyMirror& mirror = ctx_.access.graph().topology();
  std::vector<NodeId> ids;
  ids.reserve(kChunk);
  const NodeId end = mirror.id_end();
  for (NodeId next = 0; next < end && !stopped();) {
    ids.clear();
    next = mirror.nodes_of_type(step_->label_id, next, kChunk, ids);
    for (NodeId id : ids) {
      if (stopped()) break;
      EXPGRAPH_RETURN_IF_ERROR(ctx_.tick());
      row[step_->node_slot] = ctx_.access.node_value(id, step_->label_id);
      EXPGRAPH_RETURN_IF_ERROR(next_->push(row));
    }
  }
  return Status();
}

}  // namespace expgraph::cypher::exec
