// NodeByKey: the anchor for a node given by its label and key (`{key: ...}`): finds the one
// node with that external key, or none. Built by PipelineBuilder for StepKind::kNodeByKey.
#pragma once

#include "query/cypher/exec/operator.h"

namespace expgraph::cypher::exec {

class NodeByKeyOp : public Operator {
 public:
  using Operator::Operator;
  Status push(Row& row) override;
};

}  // namespace expgraph::cypher::exec
