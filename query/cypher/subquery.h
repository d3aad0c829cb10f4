// Runs an EXISTS { } or COUNT { } subquery for one row of the enclosing query. Its clauses are
// a query's (MATCH, OPTIONAL MATCH, UNWIND, WITH, RETURN), planned by the planner
// (plan_subquery) once per execution and run by the executor's operators (count_plan_rows) from
// a first row that holds the outer variables they read. Used by the Evaluator; not thread-safe
// (it runs on the query's Evaluator and budget).
#pragma once

#include <cstdint>

#include "ontology/status.h"
#include "query/cypher/ast.h"
#include "query/cypher/evaluator.h"

namespace expgraph::cypher {

// The number of rows that `subquery` (a PatternExpr of mode kExists or kCount) gives for the
// row in `outer`, counting no further than `stop_at` (1 is enough for EXISTS). The rows are
// those of its last clause, as a query's would be: a MATCH from a null outer variable matches
// nothing, an OPTIONAL MATCH that matches nothing passes one row on, a WITH that aggregates
// gives one row per group. Errors of its expressions, type_error for an outer variable matched
// as a node or relationship that holds something else, and the budget's query_timeout and
// query_memory_limit.
Result<int64_t> count_subquery_rows(Evaluator& evaluator, const Expr& subquery, const Scope& outer,
                                    int64_t stop_at);

}  // namespace expgraph::cypher
