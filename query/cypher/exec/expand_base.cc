#include "query/cypher/exec/expand_base.h"

#include <optional>
#include <string>

namespace expgraph::cypher::exec {

ExpandBase::ExpandBase(Context& context, const PlanStep* step) : Operator(context, step) {
  for (SymbolId type : step->rel_types) rel_types_.insert(type);
}

std::vector<TopologyMirror::Neighbor> ExpandBase::hops(NodeId from) const {
  std::optional<SymbolId> only;
  if (rel_types_.size() == 1) only = *rel_types_.begin();
  std::vector<TopologyMirror::Neighbor> all =
      ctx_.access.graph().topology().neighbors(from, step_->direction, only);
  std::vector<TopologyMirror::Neighbor> kept;
  kept.reserve(all.size());
  for (const auto& hop : all) {
    if (rel_types_.size() > 1 && !rel_types_.contains(hop.edge_type)) continue;
    // Undirected: a self-loop is one relationship, listed both as out and in.
    if (step_->direction == expgraph::Direction::kBoth && !hop.outgoing && hop.node == from) {
      continue;
    }
    kept.push_back(hop);
  }
  return kept;
}

RelationshipRef ExpandBase::relationship(NodeId from, const TopologyMirror::Neighbor& hop) const {
  const std::string& type =
      ctx_.access.graph().symbols().name(SymbolKind::kEdgeType, hop.edge_type);
  return hop.outgoing ? RelationshipRef{from, hop.node, type}
                      : RelationshipRef{hop.node, from, type};
}

bool ExpandBase::used_elsewhere(const Row& row, const RelationshipRef& rel) const {
  for (const UniqueRelationship& other : step_->unique_against) {
    const Value& value = row[other.slot];
    if (value.is_relationship() && value.as_relationship() == rel) return true;
    if (value.is_list()) {
      for (const Value& item : value.as_list()) {
        if (item.is_relationship() && item.as_relationship() == rel) return true;
      }
    }
  }
  return false;
}

bool ExpandBase::far_end_matches(const Row& row, NodeId node) const {
  if (step_->to_bound) {
    const Value& bound = row[step_->to_slot];
    if (!bound.is_node() || bound.as_node().id != node) return false;
  }
  if (!step_->to_labels.empty()) {
    auto type = ctx_.access.graph().topology().node_type(node);
    for (SymbolId label : step_->to_labels) {
      if (!type || *type != label) return false;
    }
  }
  return true;
}

}  // namespace expgraph::cypher::exec
