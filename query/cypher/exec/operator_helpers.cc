#include "query/cypher/exec/operator_helpers.h"

namespace expgraph::cypher::exec {

uint64_t row_bytes(const Row& row) {
  uint64_t total = sizeof(Row);
  for (const Value& value : row) total += value_bytes(value);
  return total;
}

Status compute_sort_keys(Context& ctx, const PlanStep& step, Row& out, const Scope* parent) {
  const Schema& output = ctx.plan.schemas[step.output_schema];
  Scope scope{&output, &out, parent};
  for (size_t i = 0; i < step.sort_keys.size(); ++i) {
    auto key = ctx.evaluator.eval(*step.sort_keys[i], scope);
    if (!key.ok()) return key.status();
    out[output.width() + i] = std::move(key).value();
  }
  return Status();
}

}  // namespace expgraph::cypher::exec
