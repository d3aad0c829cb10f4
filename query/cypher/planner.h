// The planner: turns a bound query into a Plan (plan.h). Each MATCH pattern starts from its
// most selective anchor — an already-bound variable, then a (type, key) lookup, then an
// equality on an indexed property, then a label scan, then all nodes — and expands from there
// over the topology mirror; every WHERE conjunct and inline property map becomes a filter
// placed right after the step that binds its last variable. Used by the query engine after
// bind_query(). Stateless; thread-safe.
#pragma once

#include "graph/graph_store.h"
#include "ontology/status.h"
#include "query/cypher/ast.h"
#include "query/cypher/plan.h"

namespace expgraph::cypher {

// Plans a query that bind_query() accepted. The plan points into `query`, which must
// outlive it.
Result<Plan> plan_query(const Query& query, const GraphStore& graph);

}  // namespace expgraph::cypher
