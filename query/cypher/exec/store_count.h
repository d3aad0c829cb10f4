// StoreCount: answers `MATCH (n:Label) RETURN count(*)` and `MATCH ()-[r:TYPE]->() RETURN
// count(r)` from the counts the topology mirror keeps per label and per edge type, in place of
// a scan and an aggregation. Built by PipelineBuilder for StepKind::kStoreCount, which the
// planner chooses only when the counted rows would be exactly the label's nodes or the type's
// edges.
#pragma once

#include "query/cypher/exec/operator.h"

namespace expgraph::cypher::exec {

class StoreCountOp : public Operator {
 public:
  using Operator::Operator;
  // For each input row (there is one: the step starts the plan), one output row whose every
  // column is the count.
  Status push(Row& row) override;
};

}  // namespace expgraph::cypher::exec
