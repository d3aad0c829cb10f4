// RelationshipEnds: the anchor for a pattern whose only bound element is a relationship
// (`MATCH (a)-[r]->(b)` after `WITH r`): binds the pattern node before the relationship to the
// relationship's start (-->), end (<--) or, undirected, each end in turn, so the Expand that
// follows checks the relationship instead of scanning every node. Built by PipelineBuilder for
// StepKind::kRelationshipEnds.
#pragma once

#include "query/cypher/exec/operator.h"

namespace expgraph::cypher::exec {

class RelationshipEndsOp : public Operator {
 public:
  using Operator::Operator;
  Status push(Row& row) override;
};

}  // namespace expgraph::cypher::exec
