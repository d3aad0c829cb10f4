// Expand: one relationship hop from a bound node over the topology mirror, binding the
// relationship and the far node (or checking a far node already bound). Built by
// PipelineBuilder for StepKind::kExpand.
#pragma once

#include "query/cypher/exec/expand_base.h"

namespace expgraph::cypher::exec {

class ExpandOp : public ExpandBase {
 public:
  using ExpandBase::ExpandBase;
  Status push(Row& row) override;
};

}  // namespace expgraph::cypher::exec
