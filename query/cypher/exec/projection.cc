#include "query/cypher/exec/projection.h"

#include <utility>

#include "query/cypher/exec/operator_helpers.h"

namespace expgraph::cypher::exec {

Status ProjectionOp::push(Row& row) {
  const Schema& output = ctx_.plan.schemas[step_->output_schema];
  Row out(output.width() + step_->sort_keys.size());
  for (size_t i = 0; i < step_->items.size(); ++i) {
    auto value = eval(*step_->items[i], row);
    if (!value.ok()) return value.status();
    out[i] = std::move(value).value();
  }
  Scope input = scope(row);
  EXPGRAPH_RETURN_IF_ERROR(compute_sort_keys(ctx_, *step_, out, &input));
  return next_->push(out);
}

}  // namespace expgraph::cypher::exec
