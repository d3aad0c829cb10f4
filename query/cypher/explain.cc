#include "query/cypher/explain.h"

#include <functional>
#include <vector>

#include "query/cypher/planner.h"

namespace expgraph::cypher {

namespace {

// The EXISTS { } and COUNT { } expressions written in `clauses`, in source order; not those in
// their own clauses, which belong to them.
std::vector<const Expr*> subqueries_in(const std::vector<Clause>& clauses) {
  std::vector<const Expr*> found;
  std::function<void(const Expr&)> look = [&](const Expr& expr) {
    if (expr.is<PatternExpr>()) {
      PatternMode mode = expr.as<PatternExpr>().mode;
      if (mode == PatternMode::kExists || mode == PatternMode::kCount) found.push_back(&expr);
    }
    for_each_child(expr, look);
  };
  for (const Clause& clause : clauses) for_each_expression(clause, look);
  return found;
}

Result<nlohmann::json> explain_subqueries(const std::vector<Clause>& clauses,
                                          const GraphStore& graph) {
  nlohmann::json entries = nlohmann::json::array();
  for (const Expr* expr : subqueries_in(clauses)) {
    const auto& subquery = expr->as<PatternExpr>();
    auto plan = plan_subquery(subquery, graph);
    if (!plan.ok()) return plan.status();
    nlohmann::json entry = {{"subquery", to_string(*expr)},
                            {"outer_variables", subquery.outer_variables},
                            {"plan", plan_to_json(*plan)["plan"]}};
    auto nested = explain_subqueries(subquery.body, graph);
    if (!nested.ok()) return nested.status();
    if (!nested->empty()) entry["subqueries"] = std::move(nested).value();
    entries.push_back(std::move(entry));
  }
  return entries;
}

}  // namespace

Result<nlohmann::json> explain_query(const Query& query, const Plan& plan,
                                     const GraphStore& graph) {
  nlohmann::json answer = plan_to_json(plan);
  auto subqueries = explain_subqueries(query.clauses, graph);
  if (!subqueries.ok()) return subqueries.status();
  if (!subqueries->empty()) answer["subqueries"] = std::move(subqueries).value();
  return answer;
}

}  // namespace expgraph::cypher
