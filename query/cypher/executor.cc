#include "query/cypher/executor.h"

#include <string>
#include <utility>

#include "query/cypher/binder.h"
#include "query/cypher/exec/counting_sink.h"
#include "query/cypher/exec/execution_context.h"
#include "query/cypher/exec/pipeline_builder.h"
#include "query/cypher/exec/sink.h"

namespace expgraph::cypher {

namespace {

// Links the plan's operators into `sink` and pushes `start` through them. A query reads the
// clock before it starts; a subquery, run once per outer row, counts as a step of its loop.
Status run_pipeline(exec::Context& context, exec::Operator& sink, Row& start, bool subquery) {
  exec::PipelineBuilder builder(context);
  auto head = builder.build(context.plan.steps, &sink);
  if (!head.ok()) return head.status();
  sink.position_ = builder.next_position();
  EXPGRAPH_RETURN_IF_ERROR(subquery ? context.tick() : context.budget.check_deadline());
  EXPGRAPH_RETURN_IF_ERROR((*head)->push(start));
  return (*head)->finish();
}

}  // namespace

Result<ExecutionResult> execute_plan(const Plan& plan, GraphAccess& access,
                                     const Value::Map& params, QueryBudget& budget) {
  Evaluator evaluator(access, params, budget);
  exec::Context context(plan, evaluator);
  exec::SinkOp sink(context, plan.columns.size());
  Row start(plan.schemas[0].width());
  EXPGRAPH_RETURN_IF_ERROR(run_pipeline(context, sink, start, false));
  ExecutionResult result;
  result.columns = plan.columns;
  result.rows = std::move(sink.rows);
  if (evaluator.default_depth_reached()) {
    result.warnings.push_back(
        "a variable-length pattern without an upper bound stopped at the default depth of " +
        std::to_string(kDefaultMaxVarLengthHops) +
        " hops with edges left to follow, so longer paths may be missing; give an upper bound "
        "(at most " +
        std::to_string(kMaxVarLengthHops) + ") to go deeper");
  }
  return result;
}

Result<int64_t> count_plan_rows(const Plan& plan, Evaluator& evaluator, Row start,
                                int64_t stop_at) {
  exec::Context context(plan, evaluator);
  exec::CountingSinkOp sink(context, stop_at);
  EXPGRAPH_RETURN_IF_ERROR(run_pipeline(context, sink, start, true));
  return sink.rows;
}

}  // namespace expgraph::cypher
