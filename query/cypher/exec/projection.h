// Projection: WITH or RETURN without aggregates: evaluates the items into a row of the output
// schema, followed by the ORDER BY keys. Built by PipelineBuilder for StepKind::kProjection.
#pragma once

#include "query/cypher/exec/operator.h"

namespace expgraph::cypher::exec {

class ProjectionOp : public Operator {
 public:
  using Operator::Operator;
  Status push(Row& row) override;
};

}  // namespace expgraph::cypher::exec
