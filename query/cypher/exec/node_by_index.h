// NodeByIndex: the anchor for nodes of a label whose indexed property equals a value: scans
// that value's entries in the property index. Built by PipelineBuilder for
// StepKind::kNodeByIndex.
#pragma once

#include "query/cypher/exec/operator.h"

namespace expgraph::cypher::exec {

class NodeByIndexOp : public Operator {
 public:
  using Operator::Operator;
  Status push(Row& row) override;
};

}  // namespace expgraph::cypher::exec
