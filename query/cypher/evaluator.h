// Expression evaluation over one row: variables come from the row's slots (through a chain of
// scopes), properties from GraphAccess, operators from expression_ops.h, functions from
// functions.h, and aggregate calls from precomputed results. The values it builds are charged
// to the query's budget. Used by every executor operator.
// Not thread-safe (it shares the query's GraphAccess and QueryBudget).
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "ontology/status.h"
#include "query/cypher/ast.h"
#include "query/cypher/graph_access.h"
#include "query/cypher/plan.h"
#include "query/cypher/value.h"
#include "query/query_budget.h"

namespace expgraph::cypher {

using Row = std::vector<Value>;

// The variables visible to an expression: a schema and a row, then (for ORDER BY after a
// projection) the enclosing scope of the row before projection.
struct Scope {
  const Schema* schema = nullptr;
  const Row* row = nullptr;
  const Scope* parent = nullptr;
};

// The value of the variable `name` in the nearest scope of the chain that has it; null when none.
const Value* find_variable(const Scope& scope, const std::string& name);

class Evaluator {
 public:
  Evaluator(GraphAccess& graph, const Value::Map& params, QueryBudget& budget)
      : graph_(graph), params_(params), budget_(budget), statement_nanos_(statement_clock_now()) {}

  // The value of `expr` in `scope`. Aggregate calls read `aggregates` (set by the
  // aggregation operator); elsewhere they are an error. The values built on the way count
  // against the budget until the next evaluation starts (query_memory_limit).
  Result<Value> eval(const Expr& expr, const Scope& scope);
  // A WHERE predicate: true only when the value is boolean true.
  Result<bool> predicate(const Expr& expr, const Scope& scope);

  // A part of the expression being evaluated (a pattern's WHERE, a comprehension's
  // projection), in a scope that adds local variables: what it builds counts with the rest.
  Result<Value> eval_nested(const Expr& expr, const Scope& scope) {
    return evaluate(expr, scope);
  }

  using AggregateResults = std::unordered_map<const Expr*, Value>;
  void set_aggregates(const AggregateResults* aggregates) { aggregates_ = aggregates; }
  GraphAccess& graph() { return graph_; }
  QueryBudget& budget() { return budget_; }

  // While an EXISTS { } or COUNT { } subquery runs (subquery.h), the evaluations of its clauses
  // are parts of the expression that holds it: what they build counts with that expression (the
  // budget is not reset at each, so a list built around subqueries stays charged), and that
  // expression's aggregates are not theirs. enter_subquery() returns the aggregates that
  // leave_subquery() restores.
  const AggregateResults* enter_subquery();
  void leave_subquery(const AggregateResults* aggregates);
  // The plans of the subqueries this execution has run, by expression: subquery.h plans each
  // once and runs it for every row.
  std::unordered_map<const Expr*, std::unique_ptr<Plan>>& subquery_plans() {
    return subquery_plans_;
  }
  // A variable-length pattern without an upper bound stopped at the default depth with edges
  // left to follow, somewhere in this execution: in a MATCH, a pattern inside an expression or
  // a subquery's clauses (they share the evaluator). The query's answer warns of it.
  void note_default_depth_reached() { default_depth_reached_ = true; }
  bool default_depth_reached() const { return default_depth_reached_; }

 private:
  Result<Value> evaluate(const Expr& expr, const Scope& scope);
  Result<Value> eval_function(const Expr& expr, const Scope& scope);
  // [x IN list WHERE ... | ...], any/all/none/single(...), reduce(...).
  Result<Value> eval_list_comprehension(const Expr& expr, const Scope& scope);
  Result<Value> eval_quantifier(const Expr& expr, const Scope& scope);
  Result<Value> eval_reduce(const Expr& expr, const Scope& scope);
  // A pattern predicate or pattern comprehension (pattern_matcher.h), or an EXISTS { } or
  // COUNT { } subquery (subquery.h).
  Result<Value> eval_pattern(const Expr& expr, const Scope& scope);

  GraphAccess& graph_;
  const Value::Map& params_;
  QueryBudget& budget_;
  // The statement's clock, read once as the query starts: date(), datetime(), timestamp().
  const int64_t statement_nanos_;
  const AggregateResults* aggregates_ = nullptr;
  int subquery_depth_ = 0;  // subqueries running inside the current evaluation
  std::unordered_map<const Expr*, std::unique_ptr<Plan>> subquery_plans_;
  bool default_depth_reached_ = false;
};

}  // namespace expgraph::cypher
