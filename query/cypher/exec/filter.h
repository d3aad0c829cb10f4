// Filter: passes on the rows for which a WHERE predicate is true (null and false drop the
// row). Built by PipelineBuilder for StepKind::kFilter.
#pragma once

#include "query/cypher/exec/operator.h"

namespace expgraph::cypher::exec {

class FilterOp : public Operator {
 public:
  using Operator::Operator;
  Status push(Row& row) override;
};

}  // namespace expgraph::cypher::exec
