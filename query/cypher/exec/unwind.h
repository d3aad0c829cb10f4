// UNWIND: binds each item of a list to a variable, one row per item (a non-list value is one
// row, null none). Built by PipelineBuilder for StepKind::kUnwind.
#pragma once

#include "query/cypher/exec/operator.h"

namespace expgraph::cypher::exec {

class UnwindOp : public Operator {
 public:
  using Operator::Operator;
  Status push(Row& row) override;
};

}  // namespace expgraph::cypher::exec
