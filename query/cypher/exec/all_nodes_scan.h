// AllNodesScan: the anchor for a node pattern without a label: every live node of the
// topology mirror. Built by PipelineBuilder for StepKind::kAllNodesScan.
#pragma once

#include "query/cypher/exec/operator.h"

namespace expgraph::cypher::exec {

class AllNodesScanOp : public Operator {
 public:
  using Operator::Operator;
  Status push(Row& row) override;
};

}  // namespace expgraph::cypher::exec
