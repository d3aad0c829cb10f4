// The planner: turns a bound query into a Plan (plan.h). Each MATCH pattern starts from its
// most selective anchor — an already-bound variable, then a (type, key) lookup, then an
// equality on an indexed property, then a label scan, then all nodes — and expands from there
// over the topology mirror; every WHERE conjunct and inline property map becomes a filter
// placed right after the step that binds its last variable. Used by the query engine after
// bind_query(), and by subquery.h for the clauses of EXISTS { } and COUNT { }. Stateless;
// thread-safe.
#pragma once

#include "graph/graph_store.h"
#include "ontology/status.h"
#include "query/cypher/ast.h"
#include "query/cypher/plan.h"

namespace expgraph::cypher {

// Plans a query that bind_query() accepted. The plan points into `query`, which must
// outlive it.
Result<Plan> plan_query(const Query& query, const GraphStore& graph);

// Plans the clauses of an EXISTS { } or COUNT { } subquery that bind_query() accepted, as a
// query's: its first row (schemas[0]) holds the subquery's outer variables, in the order of
// PatternExpr::outer_variables, and the outer variables it matches again as nodes are checked
// to be nodes, as after a WITH. The plan points into `subquery`, which must outlive it.
Result<Plan> plan_subquery(const PatternExpr& subquery, const GraphStore& graph);

}  // namespace expgraph::cypher
