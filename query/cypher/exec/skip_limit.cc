#include "query/cypher/exec/skip_limit.h"

#include <algorithm>

namespace expgraph::cypher::exec {

Status SkipOp::push(Row& row) {
  if (remaining_ > 0) {
    --remaining_;
    return Status();
  }
  return next_->push(row);
}

Status LimitOp::push(Row& row) {
  if (remaining_ <= 0) {
    ctx_.stop_below = std::max(ctx_.stop_below, position_);
    return Status();
  }
  --remaining_;
  EXPGRAPH_RETURN_IF_ERROR(next_->push(row));
  // Everything upstream may stop producing now.
  if (remaining_ == 0) ctx_.stop_below = std::max(ctx_.stop_below, position_);
  return Status();
}

}  // namespace expgraph::cypher::exec
