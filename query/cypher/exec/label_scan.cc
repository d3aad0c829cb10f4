#include "query/cypher/exec/label_scan.h"

namespace expgraph::cypher::exec {

Status LabelScanOp::push(Row& row) {
  GraphStore& graph = ctx_.access.graph();
  KvIterator it = graph.storage().scan(Column::kKeys, keys::external_key_prefix(step_->label_id));
  for (; it.valid() && !stopped(); it.next()) {
    EXPGRAPH_RETURN_IF_ERROR(ctx_.tick());
    row[step_->node_slot] = ctx_.access.node_value(keys::read_u64(it.value(), 0), step_->label_id);
    EXPGRAPH_RETURN_IF_ERROR(next_->push(row));
  }
  return it.status();
}

}  // namespace expgraph::cypher::exec
