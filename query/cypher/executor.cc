#include "query/cypher/executor.h"

#include <string>
#include <utility>

#include "query/cypher/binder.h"
#include "query/cypher/exec/execution_context.h"
#include "query/cypher/exec/pipeline_builder.h"
#include "query/cypher/exec/sink.h"

namespace expgraph::cypher {

Result<ExecutionResult> execute_plan(const Plan& plan, GraphAccess& access,
                                     const Value::Map& params, QueryBudget& budget) {
  exec::Context context(plan, access, params, budget);
  exec::PipelineBuilder builder(context);
  exec::SinkOp sink(context, plan.columns.size());
  auto head = builder.build(plan.steps, &sink);
  if (!head.ok()) return head.status();
  sink.position_ = builder.next_position();
  EXPGRAPH_RETURN_IF_ERROR(budget.check_deadline());

  Row start(plan.schemas[0].width());
  EXPGRAPH_RETURN_IF_ERROR((*head)->push(start));
  EXPGRAPH_RETURN_IF_ERROR((*head)->finish());
  ExecutionResult result;
  result.columns = plan.columns;
  result.rows = std::move(sink.rows);
  if (context.default_depth_reached) {
    result.warnings.push_back(
        "a variable-length pattern without an upper bound stopped at the default depth of " +
        std::to_string(kDefaultMaxVarLengthHops) +
        " hops with edges left to follow, so longer paths may be missing; give an upper bound "
        "(at most " +
        std::to_string(kMaxVarLengthHops) + ") to go deeper");
  }
  return result;
}

}  // namespace expgraph::cypher
