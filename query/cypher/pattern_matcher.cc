#include "query/cypher/pattern_matcher.h"

#include <algorithm>
#include <string>

#include "query/cypher/binder.h"
#include "query/cypher/plan.h"
#include "query/cypher/value_ops.h"

namespace expgraph::cypher {

PatternMatcher::PatternMatcher(Evaluator& evaluator, const PatternExpr& pattern, const Scope& outer)
    : evaluator_(evaluator), graph_(evaluator.graph()), pattern_(pattern), outer_(outer) {
  int anonymous = 0;
  auto slot_for = [&](const std::string& name) {
    // Anonymous elements get names no query can write (a leading space).
    return schema_.slot_of(name.empty() ? " _" + std::to_string(anonymous++) : name);
  };
  for (const PatternPart& part : pattern.patterns) {
    std::vector<int> nodes;
    for (const NodePattern& node : part.nodes) nodes.push_back(slot_for(node.variable));
    std::vector<int> rels;
    for (const RelationshipPattern& rel : part.relationships) rels.push_back(slot_for(rel.variable));
    node_slots_.push_back(std::move(nodes));
    rel_slots_.push_back(std::move(rels));
    path_slots_.push_back(part.path_variable.empty() ? -1 : slot_for(part.path_variable));
  }
  row_.resize(schema_.width());
}

Result<PatternMatcher::Outcome> PatternMatcher::run(const OnMatch& on_match) {
  for (const std::string& name : pattern_.outer_variables) {
    const Value* value = find_variable(outer_, name);
    if (value == nullptr) {
      return Status::internal("pattern variable '" + name + "' is not in scope");
    }
    if (value->is_null()) return Outcome::kNullEndpoint;
    if (!value->is_node() && !value->is_relationship()) {
      return type_error("'" + name + "' is used in a pattern but holds a " +
                        std::string(type_name(value->type())) + ", not a NODE or RELATIONSHIP");
    }
    row_[schema_.find(name)] = *value;
  }
  // A node variable of the pattern must hold a node and a relationship variable a relationship.
  for (size_t p = 0; p < pattern_.patterns.size(); ++p) {
    for (int slot : node_slots_[p]) {
      if (!row_[slot].is_null() && !row_[slot].is_node()) {
        return type_error("'" + schema_.names[slot] + "' is used as a node but holds a " +
                          std::string(type_name(row_[slot].type())));
      }
    }
    for (int slot : rel_slots_[p]) {
      if (!row_[slot].is_null() && !row_[slot].is_relationship()) {
        return type_error("'" + schema_.names[slot] + "' is used as a relationship but holds a " +
                          std::string(type_name(row_[slot].type())));
      }
    }
  }
  on_match_ = &on_match;
  auto status = match_part(0);
  if (!status.ok()) return status.status();
  return Outcome::kMatched;
}

Result<bool> PatternMatcher::match_part(size_t part) {
  if (part == pattern_.patterns.size()) {
    Scope current = scope();
    if (pattern_.where) {
      auto keep = evaluator_.eval_nested(*pattern_.where, current);
      if (!keep.ok()) return keep.status();
      if (!keep->is_null() && !keep->is_bool()) {
        return type_error("a predicate must be a BOOLEAN, got " +
                          std::string(type_name(keep->type())));
      }
      if (!is_true(*keep)) return true;
    }
    return (*on_match_)(current);
  }
  const PatternPart& pattern = pattern_.patterns[part];
  const std::vector<int>& nodes = node_slots_[part];
  // Start from the first node already bound (by the row or an earlier part), else scan.
  size_t anchor = 0;
  bool anchored = false;
  for (size_t i = 0; i < nodes.size() && !anchored; ++i) {
    if (row_[nodes[i]].is_node()) {
      anchor = i;
      anchored = true;
    }
  }
  std::vector<Step> steps;
  for (size_t i = anchor; i < pattern.relationships.size(); ++i) steps.push_back({i, true});
  for (size_t i = anchor; i > 0; --i) steps.push_back({i - 1, false});
  if (anchored) {
    auto fits = node_fits(pattern.nodes[anchor], row_[nodes[anchor]].as_node().id);
    if (!fits.ok() || !*fits) return fits;
    return walk(part, steps, 0);
  }
  std::vector<std::pair<NodeId, SymbolId>> candidates =
      graph_.graph().topology().read([](const TopologyMirror::Graph& graph) {
        std::vector<std::pair<NodeId, SymbolId>> alive;
        for (NodeId id = 0; id < boost::num_vertices(graph); ++id) {
          if (graph[id].type != 0) alive.emplace_back(id, graph[id].type);
        }
        return alive;
      });
  for (const auto& [id, type] : candidates) {
    EXPGRAPH_RETURN_IF_ERROR(evaluator_.budget().tick());
    auto fits = node_fits(pattern.nodes[0], id);
    if (!fits.ok()) return fits;
    if (!*fits) continue;
    row_[nodes[0]] = graph_.node_value(id, type);
    auto more = walk(part, steps, 0);
    row_[nodes[0]] = Value::null();
    if (!more.ok() || !*more) return more;
  }
  return true;
}

Result<bool> PatternMatcher::walk(size_t part, const std::vector<Step>& steps, size_t index) {
  if (index == steps.size()) {
    set_path(part);
    auto more = match_part(part + 1);
    if (path_slots_[part] >= 0) row_[path_slots_[part]] = Value::null();
    return more;
  }
  const Step& step = steps[index];
  const RelationshipPattern& rel = pattern_.patterns[part].relationships[step.rel];
  size_t from_index = step.forward ? step.rel : step.rel + 1;
  NodeId from = row_[node_slots_[part][from_index]].as_node().id;
  if (rel.length) {
    std::vector<RelationshipRef> path;
    return var_length(part, steps, index, from, 0, path);
  }
  int rel_slot = rel_slots_[part][step.rel];
  bool rel_bound = !row_[rel_slot].is_null();
  for (const auto& hop : hops(from, rel, step.forward)) {
    EXPGRAPH_RETURN_IF_ERROR(evaluator_.budget().tick());
    RelationshipRef ref = relationship(from, hop);
    if (used(ref)) continue;
    if (rel_bound && !(row_[rel_slot].as_relationship() == ref)) continue;
    if (!rel_bound) row_[rel_slot] = Value::relationship(ref.src, ref.dst, ref.type);
    auto fits = relationship_fits(rel, ref);
    Result<bool> more = true;
    if (!fits.ok()) {
      more = fits.status();
    } else if (*fits) {
      used_.push_back(ref);
      more = arrive(part, steps, index, hop.node);
      used_.pop_back();
    }
    if (!rel_bound) row_[rel_slot] = Value::null();
    if (!more.ok() || !*more) return more;
  }
  return true;
}

Result<bool> PatternMatcher::var_length(size_t part, const std::vector<Step>& steps, size_t index,
                                        NodeId node, int depth,
                                        std::vector<RelationshipRef>& hops_so_far) {
  const Step& step = steps[index];
  const RelationshipPattern& rel = pattern_.patterns[part].relationships[step.rel];
  int64_t min = rel.length->min_hops();
  int64_t max = rel.length->max.value_or(kDefaultMaxVarLengthHops);
  int rel_slot = rel_slots_[part][step.rel];
  if (depth >= min && depth <= max) {
    Value::List list;
    for (const RelationshipRef& ref : hops_so_far) {
      list.push_back(Value::relationship(ref.src, ref.dst, ref.type));
    }
    if (!step.forward) std::reverse(list.begin(), list.end());
    row_[rel_slot] = Value::list(std::move(list));
    auto more = arrive(part, steps, index, node);
    row_[rel_slot] = Value::null();
    if (!more.ok() || !*more) return more;
  }
  if (depth >= max) {
    // The user did not ask for this bound; the query's answer says when it may have cut paths.
    if (!rel.length->max && !evaluator_.default_depth_reached() &&
        !hops(node, rel, step.forward).empty()) {
      evaluator_.note_default_depth_reached();
    }
    return true;
  }
  for (const auto& hop : hops(node, rel, step.forward)) {
    EXPGRAPH_RETURN_IF_ERROR(evaluator_.budget().tick());
    RelationshipRef ref = relationship(node, hop);
    if (used(ref)) continue;
    auto fits = relationship_fits(rel, ref);
    if (!fits.ok()) return fits;
    if (!*fits) continue;
    used_.push_back(ref);
    hops_so_far.push_back(ref);
    auto more = var_length(part, steps, index, hop.node, depth + 1, hops_so_far);
    hops_so_far.pop_back();
    used_.pop_back();
    if (!more.ok() || !*more) return more;
  }
  return true;
}

Result<bool> PatternMatcher::arrive(size_t part, const std::vector<Step>& steps, size_t index,
                                    NodeId node) {
  const Step& step = steps[index];
  size_t to_index = step.forward ? step.rel + 1 : step.rel;
  int to_slot = node_slots_[part][to_index];
  if (row_[to_slot].is_node()) {
    if (row_[to_slot].as_node().id != node) return true;
    auto fits = node_fits(pattern_.patterns[part].nodes[to_index], node);
    if (!fits.ok() || !*fits) return fits;
    return walk(part, steps, index + 1);
  }
  auto type = graph_.graph().topology().node_type(node);
  if (!type) return true;
  row_[to_slot] = graph_.node_value(node, *type);
  auto fits = node_fits(pattern_.patterns[part].nodes[to_index], node);
  Result<bool> more = true;
  if (!fits.ok()) {
    more = fits.status();
  } else if (*fits) {
    more = walk(part, steps, index + 1);
  }
  row_[to_slot] = Value::null();
  return more;
}

Result<bool> PatternMatcher::node_fits(const NodePattern& node, NodeId id) {
  if (!node.labels.empty()) {
    auto type = graph_.graph().topology().node_type(id);
    if (!type) return false;
    const std::string& name = graph_.graph().symbols().name(SymbolKind::kNodeType, *type);
    for (const std::string& label : node.labels) {
      if (label != name) return false;
    }
  }
  if (!node.properties) return true;
  auto wanted = evaluator_.eval_nested(*node.properties, scope());
  if (!wanted.ok()) return wanted.status();
  auto type = graph_.graph().topology().node_type(id);
  if (!type) return false;
  Value entity = graph_.node_value(id, *type);
  for (const auto& [key, expected] : wanted->as_map()) {
    auto actual = graph_.property(entity, key);
    if (!actual.ok()) return actual.status();
    if (!is_true(equals(*actual, expected))) return false;
  }
  return true;
}

Result<bool> PatternMatcher::relationship_fits(const RelationshipPattern& rel,
                                               const RelationshipRef& ref) {
  if (!rel.properties) return true;
  auto wanted = evaluator_.eval_nested(*rel.properties, scope());
  if (!wanted.ok()) return wanted.status();
  Value entity = Value::relationship(ref.src, ref.dst, ref.type);
  for (const auto& [key, expected] : wanted->as_map()) {
    auto actual = graph_.property(entity, key);
    if (!actual.ok()) return actual.status();
    if (!is_true(equals(*actual, expected))) return false;
  }
  return true;
}

std::vector<TopologyMirror::Neighbor> PatternMatcher::hops(NodeId from,
                                                           const RelationshipPattern& rel,
                                                           bool forward) const {
  expgraph::Direction direction = graph_direction(rel.direction, forward);
  std::vector<SymbolId> types;
  for (const std::string& name : rel.types) {
    auto type = graph_.graph().symbols().find(SymbolKind::kEdgeType, name);
    if (type) types.push_back(*type);
  }
  if (!rel.types.empty() && types.empty()) return {};
  std::optional<SymbolId> only;
  if (types.size() == 1) only = types[0];
  std::vector<TopologyMirror::Neighbor> all =
      graph_.graph().topology().neighbors(from, direction, only);
  std::vector<TopologyMirror::Neighbor> kept;
  kept.reserve(all.size());
  for (const auto& hop : all) {
    if (types.size() > 1 && std::find(types.begin(), types.end(), hop.edge_type) == types.end()) {
      continue;
    }
    // Undirected: a self-loop is one relationship, listed both as out and in.
    if (direction == expgraph::Direction::kBoth && !hop.outgoing && hop.node == from) continue;
    kept.push_back(hop);
  }
  return kept;
}

RelationshipRef PatternMatcher::relationship(NodeId from,
                                             const TopologyMirror::Neighbor& hop) const {
  const std::string& type = graph_.graph().symbols().name(SymbolKind::kEdgeType, hop.edge_type);
  return hop.outgoing ? RelationshipRef{from, hop.node, type}
                      : RelationshipRef{hop.node, from, type};
}

bool PatternMatcher::used(const RelationshipRef& rel) const {
  return std::find(used_.begin(), used_.end(), rel) != used_.end();
}

void PatternMatcher::set_path(size_t part) {
  if (path_slots_[part] < 0) return;
  PathValue path;
  const Value& first = row_[node_slots_[part][0]];
  path.nodes.push_back(first.as_node());
  auto walk_one = [&](const RelationshipRef& rel) {
    uint64_t current = path.nodes.back().id;
    uint64_t next = rel.src == current ? rel.dst : rel.src;
    auto type = graph_.graph().topology().node_type(next);
    path.relationships.push_back(rel);
    path.nodes.push_back(type ? graph_.node_value(next, *type).as_node() : NodeRef{next, ""});
  };
  for (int slot : rel_slots_[part]) {
    const Value& value = row_[slot];
    if (value.is_relationship()) {
      walk_one(value.as_relationship());
    } else if (value.is_list()) {
      for (const Value& item : value.as_list()) walk_one(item.as_relationship());
    }
  }
  row_[path_slots_[part]] = Value::path(std::move(path));
}

}  // namespace expgraph::cypher
