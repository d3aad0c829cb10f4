// What EXPLAIN answers: the query's plan (plan.h's plan_to_json) and, when the query holds
// EXISTS { } or COUNT { } subqueries, the plan each one's clauses get (planner.h's
// plan_subquery), so that an analyst sees how a subquery will match (its anchor, its
// expansions, where its filters sit) without running the query. The executor makes the same
// plans when a subquery first runs.
#pragma once

#include <nlohmann/json.hpp>

#include "graph/graph_store.h"
#include "ontology/status.h"
#include "query/cypher/ast.h"
#include "query/cypher/plan.h"

namespace expgraph::cypher {

// {"columns": [...], "plan": [...]} and, when there are subqueries, "subqueries": one entry per
// subquery in source order, {"subquery": its text, "outer_variables": the outer variables it
// reads, "plan": [...]} with its own "subqueries" when its clauses hold more. `plan` is
// plan_query's plan of `query`, which bind_query accepted. A subquery that cannot be planned
// answers its error, as running the query would.
Result<nlohmann::json> explain_query(const Query& query, const Plan& plan, const GraphStore& graph);

}  // namespace expgraph::cypher
