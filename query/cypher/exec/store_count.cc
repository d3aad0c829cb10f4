#include "query/cypher/exec/store_count.h"

namespace expgraph::cypher::exec {

Status StoreCountOp::push(Row&) {
  EXPGRAPH_RETURN_IF_ERROR(ctx_.tick());
  const TopologyMirror& mirror = ctx_.access.graph().topology();
  size_t count = 0;
  if (step_->count_edges) {
    count = step_->rel_types.empty() ? mirror.edge_count() : mirror.edge_count(step_->rel_types[0]);
  } else {
    count = step_->label_id == 0 ? mirror.node_count() : mirror.node_count(step_->label_id);
  }
  const Schema& output = ctx_.plan.schemas[step_->output_schema];
  Row out(output.width());
  for (size_t i = 0; i < step_->items.size(); ++i) {
    out[i] = Value::integer(static_cast<int64_t>(count));
  }
  return next_->push(out);
}

}  // namespace expgraph::cypher::exec
