// LabelScan: the anchor for every node of one label, read from the label's external keys.
// Built by PipelineBuilder for StepKind::kLabelScan.
#pragma once

#include "query/cypher/exec/operator.h"

namespace expgraph::cypher::exec {

class LabelScanOp : public Operator {
 public:
  using Operator::Operator;
  Status push(Row& row) override;
};

}  // namespace expgraph::cypher::exec
