#include "query/cypher/exec/expand.h"

namespace expgraph::cypher::exec {

Status ExpandOp::push(Row& row) {
  const Value& from = row[step_->from_slot];
  if (!from.is_node()) return Status();  // null from an OPTIONAL MATCH: no expansion
  NodeId from_id = from.as_node().id;
  for (const auto& hop : hops(from_id)) {
    if (stopped()) break;
    EXPGRAPH_RETURN_IF_ERROR(ctx_.tick());
    if (!far_end_matches(row, hop.node)) continue;
    RelationshipRef rel = relationship(from_id, hop);
    if (used_elsewhere(row, rel)) continue;
    if (step_->rel_bound) {
      const Value& bound = row[step_->rel_slot];
      if (!bound.is_relationship() || !(bound.as_relationship() == rel)) continue;
    }
    if (!step_->to_bound) row[step_->to_slot] = type_node(hop.node);
    if (!step_->rel_bound) row[step_->rel_slot] = Value::relationship(rel.src, rel.dst, rel.type);
    EXPGRAPH_RETURN_IF_ERROR(next_->push(row));
  }
  return Status();
}

}  // namespace expgraph::cypher::exec
