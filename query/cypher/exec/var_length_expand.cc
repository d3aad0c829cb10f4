#include "query/cypher/exec/var_length_expand.h"

#include <algorithm>
#include <utility>

#include "query/cypher/value_ops.h"

namespace expgraph::cypher::exec {

Status VarLengthExpandOp::push(Row& row) {
  const Value& from = row[step_->from_slot];
  if (!from.is_node()) return Status();
  properties_ = nullptr;
  Value wanted;
  if (step_->rel_properties != nullptr) {
    auto map = eval(*step_->rel_properties, row);
    if (!map.ok()) return map.status();
    wanted = std::move(map).value();
    properties_ = &wanted.as_map();
  }
  path_.clear();
  return visit(row, from.as_node().id);
}

Status VarLengthExpandOp::visit(Row& row, NodeId node) {
  int depth = static_cast<int>(path_.size());
  if (depth >= step_->min_hops && far_end_matches(row, node)) {
    Value::List rels;
    rels.reserve(path_.size());
    for (const RelationshipRef& rel : path_) {
      rels.push_back(Value::relationship(rel.src, rel.dst, rel.type));
    }
    if (step_->backward) std::reverse(rels.begin(), rels.end());
    if (!step_->to_bound) row[step_->to_slot] = type_node(node);
    row[step_->rel_slot] = Value::list(std::move(rels));
    EXPGRAPH_RETURN_IF_ERROR(next_->push(row));
  }
  if (depth >= step_->max_hops) {
    // The user did not ask for this bound; say when it may have cut paths short.
    if (step_->default_max_hops && !ctx_.evaluator.default_depth_reached() &&
        !hops(node).empty()) {
      ctx_.evaluator.note_default_depth_reached();
    }
    return Status();
  }
  for (const auto& hop : hops(node)) {
    if (stopped()) break;
    EXPGRAPH_RETURN_IF_ERROR(ctx_.tick());
    RelationshipRef rel = relationship(node, hop);
    if (std::find(path_.begin(), path_.end(), rel) != path_.end()) continue;
    if (used_elsewhere(row, rel)) continue;
    if (properties_ != nullptr) {
      auto matches = properties_match(rel);
      if (!matches.ok()) return matches.status();
      if (!*matches) continue;
    }
    path_.push_back(rel);
    Status status = visit(row, hop.node);
    path_.pop_back();
    EXPGRAPH_RETURN_IF_ERROR(status);
  }
  return Status();
}

Result<bool> VarLengthExpandOp::properties_match(const RelationshipRef& rel) {
  Value value = Value::relationship(rel.src, rel.dst, rel.type);
  for (const auto& [key, expected] : *properties_) {
    auto actual = ctx_.access.property(value, key);
    if (!actual.ok()) return actual.status();
    if (!is_true(equals(*actual, expected))) return false;
  }
  return true;
}

}  // namespace expgraph::cypher::exec
