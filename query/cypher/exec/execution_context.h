// The shared state of one Cypher execution: the plan, the graph, the expression evaluator and
// the query's budget, plus what the operators tell each other (a satisfied LIMIT; the default
// depth reached is the evaluator's, so that subqueries report it too). Created by execute_plan
// and count_plan_rows (executor.cc), one per run of a plan (a subquery's runs have their own,
// borrowing the query's evaluator); every operator holds a reference.
#pragma once

#include "ontology/status.h"
#include "query/cypher/evaluator.h"
#include "query/cypher/graph_access.h"
#include "query/cypher/plan.h"
#include "query/query_budget.h"

namespace expgraph::cypher::exec {

// Shared state of one execution.
struct Context {
  Context(const Plan& plan, Evaluator& evaluator)
      : plan(plan), access(evaluator.graph()), evaluator(evaluator), budget(evaluator.budget()) {}

  // Called in every loop: the deadline.
  Status tick() { return budget.tick(); }
  // Whether an operator at `position` may stop producing: a LIMIT downstream is satisfied.
  bool stopped(int position) const { return stop_below > position; }

  const Plan& plan;
  GraphAccess& access;
  Evaluator& evaluator;
  QueryBudget& budget;
  int stop_below = -1;
};

}  // namespace expgraph::cypher::exec
