#include "query/cypher/exec/distinct.h"

#include <utility>

namespace expgraph::cypher::exec {

Status DistinctOp::push(Row& row) {
  Value::List key(row.begin(), row.begin() + step_->distinct_width);
  Value distinct = Value::list(std::move(key));
  uint64_t bytes = value_bytes(distinct);
  if (!seen_.insert(std::move(distinct)).second) return Status();
  EXPGRAPH_RETURN_IF_ERROR(ctx_.budget.hold(1, bytes));
  return next_->push(row);
}

}  // namespace expgraph::cypher::exec
