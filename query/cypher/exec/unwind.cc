#include "query/cypher/exec/unwind.h"

namespace expgraph::cypher::exec {

Status UnwindOp::push(Row& row) {
  auto list = eval(*step_->value, row);
  if (!list.ok()) return list.status();
  if (list->is_null()) return Status();
  if (!list->is_list()) {
    row[step_->to_slot] = *list;
    return next_->push(row);
  }
  Value keep = *list;  // the row slot may be overwritten by downstream operators
  for (const Value& item : keep.as_list()) {
    if (stopped()) break;
    EXPGRAPH_RETURN_IF_ERROR(ctx_.tick());
    row[step_->to_slot] = item;
    EXPGRAPH_RETURN_IF_ERROR(next_->push(row));
  }
  return Status();
}

}  // namespace expgraph::cypher::exec
