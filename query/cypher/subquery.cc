#include "query/cypher/subquery.h"

#include <algorithm>
#include <string>

#include "query/cypher/pattern_matcher.h"
#include "query/cypher/plan.h"

namespace expgraph::cypher {

namespace {

class SubqueryRun {
 public:
  SubqueryRun(Evaluator& evaluator, int64_t stop_at) : evaluator_(evaluator), stop_at_(stop_at) {}

  // The rows of the chain from `clause` on for the row in `scope`; returns whether to go on.
  Result<bool> run(const PatternExpr& clause, const Scope& scope) {
    PatternMatcher matcher(evaluator_, clause, scope);
    bool matched = false;
    auto on_match = [&](const Scope& match) -> Result<bool> {
      matched = true;
      return rest(clause, match);
    };
    auto outcome = matcher.run(on_match);
    if (!outcome.ok()) return outcome.status();
    if (matched || !clause.optional) return rows_ < stop_at_;
    // OPTIONAL MATCH without a match: one row where the clause's own variables are null.
    Schema schema;
    for (const PatternPart& part : clause.patterns) {
      declare(clause, part.path_variable, schema);
      for (const NodePattern& node : part.nodes) declare(clause, node.variable, schema);
      for (const RelationshipPattern& rel : part.relationships) {
        declare(clause, rel.variable, schema);
      }
    }
    Row nulls(schema.width());
    return rest(clause, Scope{&schema, &nulls, &scope});
  }

  int64_t rows() const { return rows_; }

 private:
  // After `clause` gave the row in `scope`: the next clause, or the RETURN and one more row.
  Result<bool> rest(const PatternExpr& clause, const Scope& scope) {
    if (clause.next) return run(clause.next->as<PatternExpr>(), scope);
    for (const ExprPtr& item : clause.returns) {
      auto value = evaluator_.eval_nested(*item, scope);
      if (!value.ok()) return value.status();
    }
    ++rows_;
    return rows_ < stop_at_;
  }

  // A variable the clause binds itself (not one it reads from outside), for its null row.
  static void declare(const PatternExpr& clause, const std::string& name, Schema& schema) {
    if (name.empty()) return;
    const auto& outer = clause.outer_variables;
    if (std::find(outer.begin(), outer.end(), name) == outer.end()) schema.slot_of(name);
  }

  Evaluator& evaluator_;
  const int64_t stop_at_;
  int64_t rows_ = 0;
};

}  // namespace

Result<int64_t> count_subquery_rows(Evaluator& evaluator, const PatternExpr& subquery,
                                    const Scope& outer, int64_t stop_at) {
  SubqueryRun run(evaluator, stop_at);
  auto status = run.run(subquery, outer);
  if (!status.ok()) return status.status();
  return run.rows();
}

}  // namespace expgraph::cypher
