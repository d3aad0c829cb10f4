// VarLengthExpand: a variable-length relationship pattern (`*min..max`): walks the
// relationship-unique paths depth-first and binds the list of relationships for every end at
// depth min..max; notes when the default depth cut paths short. Built by PipelineBuilder for
// StepKind::kVarLengthExpand.
#pragma once

#include <vector>

#include "query/cypher/exec/expand_base.h"

namespace expgraph::cypher::exec {

class VarLengthExpandOp : public ExpandBase {
 public:
  using ExpandBase::ExpandBase;
  Status push(Row& row) override;

 private:
  // Depth-first over relationship-unique paths; emits every end at depth min..max.
  Status visit(Row& row, NodeId node);
  Result<bool> properties_match(const RelationshipRef& rel);

  std::vector<RelationshipRef> path_;
  const Value::Map* properties_ = nullptr;
};

}  // namespace expgraph::cypher::exec
