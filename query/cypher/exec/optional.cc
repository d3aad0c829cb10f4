#include "query/cypher/exec/optional.h"

#include <utility>

namespace expgraph::cypher::exec {

Status OptionalExitOp::push(Row& row) {
  found_ = true;
  return target_->push(row);
}

OptionalOp::OptionalOp(Context& context, const PlanStep* step, Operator* inner,
                       OptionalExitOp* exit, std::vector<int> inner_slots)
    : Operator(context, step), inner_(inner), exit_(exit), inner_slots_(std::move(inner_slots)) {}

Status OptionalOp::push(Row& row) {
  Row input = row;
  exit_->found_ = false;
  exit_->target_ = next_;
  EXPGRAPH_RETURN_IF_ERROR(inner_->push(row));
  if (exit_->found_) return Status();
  for (int slot : inner_slots_) input[slot] = Value::null();
  return next_->push(input);
}

}  // namespace expgraph::cypher::exec
