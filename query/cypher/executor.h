// The executor: runs a Plan as a push-based pipeline of operators (scans, expansions over the
// topology mirror, filters, optional match, unwind, projection, aggregation, distinct, sort,
// skip, limit). Guards, all kept by the query's QueryBudget: the deadline is checked in every
// loop (query_timeout), the result may not exceed the row limit (row_limit_exceeded), and the
// rows that buffering operators (sort, aggregation, distinct, collect, the result) hold count
// against the held-row bound (intermediate_limit_exceeded) and the memory budget
// (query_memory_limit). ORDER BY followed by LIMIT keeps only the rows it may return.
// One execution per call; thread-safe as long as each call has its own GraphAccess. The operators
// live in query/cypher/exec/, one per file; exec/pipeline_builder.h links them from the plan.
// EXISTS { } and COUNT { } subqueries run their own plans through the same operators
// (count_plan_rows, called by subquery.h).
#pragma once

#include <string>
#include <vector>

#include "ontology/status.h"
#include "query/cypher/evaluator.h"
#include "query/cypher/graph_access.h"
#include "query/cypher/plan.h"
#include "query/query_budget.h"

namespace expgraph::cypher {

struct ExecutionResult {
  std::vector<std::string> columns;
  std::vector<Row> rows;  // each exactly columns.size() values
  // Said when the answer may be incomplete without being an error: a var-length pattern
  // without an upper bound stopped at the default depth with edges left to follow.
  std::vector<std::string> warnings;
};

// Runs `plan` (the query it points into must be alive) with `params`, within `budget` (its
// limits, deadline and memory).
Result<ExecutionResult> execute_plan(const Plan& plan, GraphAccess& access,
                                     const Value::Map& params, QueryBudget& budget);

// The number of rows `plan` (a subquery's, planner.h's plan_subquery) gives when its first row
// is `start` (schemas[0]'s width), counting no further than `stop_at`: its operators stop
// producing once that many rows are counted. Runs on `evaluator`, the enclosing query's, so the
// parameters, the statement's clock and the budget are the query's.
Result<int64_t> count_plan_rows(const Plan& plan, Evaluator& evaluator, Row start, int64_t stop_at);

}  // namespace expgraph::cypher
