#include "query/cypher/exec/relationship_ends.h"

namespace expgraph::cypher::exec {

Status RelationshipEndsOp::push(Row& row) {
  const Value& bound = row[step_->rel_slot];
  // Null (and, after the planner's check, nothing else) means no match.
  if (!bound.is_relationship()) return Status();
  RelationshipRef rel = bound.as_relationship();
  // The pattern node sits before the relationship: its start when the pattern points away
  // from it (kOut), its end when the pattern points at it (kIn).
  std::vector<uint64_t> ends;
  if (step_->direction != expgraph::Direction::kIn) ends.push_back(rel.src);
  if (step_->direction != expgraph::Direction::kOut && !(ends.size() == 1 && rel.dst == rel.src)) {
    ends.push_back(rel.dst);
  }
  for (uint64_t end : ends) {
    if (stopped()) break;
    Value node = type_node(end);
    if (!node.is_node()) continue;
    row[step_->node_slot] = std::move(node);
    EXPGRAPH_RETURN_IF_ERROR(next_->push(row));
  }
  return Status();
}

}  // namespace expgraph::cypher::exec
