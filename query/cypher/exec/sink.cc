#include "query/cypher/exec/sink.h"

#include <string>

#include "query/cypher/exec/operator_helpers.h"

namespace expgraph::cypher::exec {

Status SinkOp::push(Row& row) {
  if (static_cast<int64_t>(rows.size()) >= ctx_.budget.limits().max_rows) {
    return Status::unprocessable("row_limit_exceeded",
                                 "the query returns more than " +
                                     std::to_string(ctx_.budget.limits().max_rows) +
                                     " rows; add LIMIT to the query or raise \"limit\" (at most " +
                                     std::to_string(QueryLimits::kMaxRows) + ")");
  }
  rows.emplace_back(row.begin(), row.begin() + static_cast<std::ptrdiff_t>(width_));
  return ctx_.budget.hold(0, row_bytes(rows.back()));
}

}  // namespace expgraph::cypher::exec
