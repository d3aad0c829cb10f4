// Runs an EXISTS { } or COUNT { } subquery for one row of the enclosing query: its MATCH and
// OPTIONAL MATCH clauses in order, each once per row of the clause before (PatternMatcher does
// the matching), then the items of its RETURN. Used by the Evaluator; not thread-safe (it runs
// on the query's Evaluator and budget).
#pragma once

#include <cstdint>

#include "ontology/status.h"
#include "query/cypher/ast.h"
#include "query/cypher/evaluator.h"

namespace expgraph::cypher {

// The number of rows `subquery` (the first clause of the chain, PatternExpr::next) gives for the
// row in `outer`, counting no further than `stop_at` (1 is enough for EXISTS). A clause whose
// bound node or relationship is null matches nothing, as a MATCH does; an OPTIONAL MATCH that
// matches nothing passes one row on with its new variables null. Errors of the WHERE and RETURN
// expressions, type_error for a bound variable that holds neither a node nor a relationship,
// and the budget's query_timeout.
Result<int64_t> count_subquery_rows(Evaluator& evaluator, const PatternExpr& subquery,
                                    const Scope& outer, int64_t stop_at);

}  // namespace expgraph::cypher
