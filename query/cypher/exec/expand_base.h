// What single-hop and var-length expansion share: which neighbours a hop may take (types,
// direction, self-loops), relationship uniqueness within a MATCH and the far node's fit.
// The base of ExpandOp (expand.h) and VarLengthExpandOp (var_length_expand.h).
#pragma once

#include <unordered_set>
#include <vector>

#include "query/cypher/exec/operator.h"

namespace expgraph::cypher::exec {

class ExpandBase : public Operator {
 public:
  ExpandBase(Context& context, const PlanStep* step);

 protected:
  std::vector<TopologyMirror::Neighbor> hops(NodeId from) const;
  RelationshipRef relationship(NodeId from, const TopologyMirror::Neighbor& hop) const;
  // Relationship uniqueness within one MATCH.
  bool used_elsewhere(const Row& row, const RelationshipRef& rel) const;
  // Whether the far node fits: its labels, and the bound node when expanding into one.
  bool far_end_matches(const Row& row, NodeId node) const;

  std::unordered_set<SymbolId> rel_types_;
};

}  // namespace expgraph::cypher::exec
