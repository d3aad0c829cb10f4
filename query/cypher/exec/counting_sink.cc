#include "query/cypher/exec/counting_sink.h"

#include <algorithm>

namespace expgraph::cypher::exec {

Status CountingSinkOp::push(Row&) {
  if (rows >= stop_at_) return Status();
  // Everything upstream may stop producing once the count is reached, as after a LIMIT.
  if (++rows >= stop_at_) ctx_.stop_below = std::max(ctx_.stop_below, position_);
  return Status();
}

}  // namespace expgraph::cypher::exec
