// DISTINCT: passes on the first row of each distinct value of the leading columns, holding
// the values seen against the budget. Built by PipelineBuilder for StepKind::kDistinct.
#pragma once

#include <unordered_set>

#include "query/cypher/exec/operator.h"
#include "query/cypher/value_ops.h"

namespace expgraph::cypher::exec {

class DistinctOp : public Operator {
 public:
  using Operator::Operator;
  Status push(Row& row) override;

 private:
  std::unordered_set<Value, ValueHash, ValueEquivalent> seen_;
};

}  // namespace expgraph::cypher::exec
