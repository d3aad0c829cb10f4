#include "query/cypher/subquery.h"

#include <memory>
#include <string>
#include <utility>

#include "query/cypher/executor.h"
#include "query/cypher/planner.h"

namespace expgraph::cypher {

Result<int64_t> count_subquery_rows(Evaluator& evaluator, const Expr& subquery, const Scope& outer,
                                    int64_t stop_at) {
  const auto& pattern = subquery.as<PatternExpr>();
  auto& plans = evaluator.subquery_plans();
  auto planned = plans.find(&subquery);
  if (planned == plans.end()) {
    auto plan = plan_subquery(pattern, evaluator.graph().graph());
    if (!plan.ok()) return plan.status();
    planned = plans.emplace(&subquery, std::make_unique<Plan>(std::move(plan).value())).first;
  }
  const Plan& plan = *planned->second;
  // The plan's first slots are the outer variables, in order (plan_subquery).
  Row start(plan.schemas[0].width());
  for (size_t i = 0; i < pattern.outer_variables.size(); ++i) {
    const Value* value = find_variable(outer, pattern.outer_variables[i]);
    if (value == nullptr) {
      return Status::internal("subquery variable '" + pattern.outer_variables[i] +
                              "' is not in scope");
    }
    start[i] = *value;
  }
  const Evaluator::AggregateResults* aggregates = evaluator.enter_subquery();
  auto rows = count_plan_rows(plan, evaluator, std::move(start), stop_at);
  evaluator.leave_subquery(aggregates);
  return rows;
}

}  // namespace expgraph::cypher
