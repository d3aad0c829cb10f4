// The executor: runs a Plan as a push-based pipeline of operators (scans, expansions over the
// topology mirror, filters, optional match, unwind, projection, aggregation, distinct, sort,
// skip, limit). Guards: the deadline is checked in every loop (query_timeout), the result
// may not exceed the row limit (row_limit_exceeded), and buffering operators (sort,
// aggregation, distinct) may hold at most a bounded number of rows (intermediate_limit_exceeded).
// One execution per call; thread-safe as long as each call has its own GraphAccess.
#pragma once

#include <string>
#include <vector>

#include "ontology/status.h"
#include "query/cypher/evaluator.h"
#include "query/cypher/graph_access.h"
#include "query/cypher/plan.h"
#include "query/query_limits.h"

namespace expgraph::cypher {

struct ExecutionResult {
  std::vector<std::string> columns;
  std::vector<Row> rows;  // each exactly columns.size() values
  // Said when the answer may be incomplete without being an error: a var-length pattern
  // without an upper bound stopped at the default depth with edges left to follow.
  std::vector<std::string> warnings;
};

// Rows buffered by sort / aggregation / distinct: ten times the row limit, at least this.
inline constexpr int64_t kMinBufferedRows = 100000;

// Runs `plan` (the query it points into must be alive) with `params`, within `limits`
// (max_rows) and `deadline`. `timeout_ms` is only used in the timeout message.
Result<ExecutionResult> execute_plan(const Plan& plan, GraphAccess& access,
                                     const Value::Map& params, const QueryLimits& limits,
                                     const Deadline& deadline);

}  // namespace expgraph::cypher
