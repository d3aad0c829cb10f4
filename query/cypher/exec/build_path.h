// BuildPath: binds a named path (`p = (a)-[...]->(b)`) from the nodes and relationships its
// pattern bound, or null when the pattern matched nothing (OPTIONAL MATCH). Built by
// PipelineBuilder for StepKind::kBuildPath.
#pragma once

#include "query/cypher/exec/operator.h"

namespace expgraph::cypher::exec {

class BuildPathOp : public Operator {
 public:
  using Operator::Operator;
  Status push(Row& row) override;
};

}  // namespace expgraph::cypher::exec
