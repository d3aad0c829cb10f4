#include "query/cypher/exec/build_path.h"

#include <utility>

namespace expgraph::cypher::exec {

Status BuildPathOp::push(Row& row) {
  const Value& first = row[step_->path_nodes[0]];
  if (!first.is_node()) {
    row[step_->path_slot] = Value::null();
    return next_->push(row);
  }
  PathValue path;
  path.nodes.push_back(first.as_node());
  auto walk = [&](const Value& rel_value) {
    const RelationshipRef& rel = rel_value.as_relationship();
    uint64_t current = path.nodes.back().id;
    uint64_t next = rel.src == current ? rel.dst : rel.src;
    Value node = type_node(next);
    path.relationships.push_back(rel);
    path.nodes.push_back(node.is_node() ? node.as_node() : NodeRef{next, ""});
  };
  for (const UniqueRelationship& rel : step_->path_relationships) {
    const Value& value = row[rel.slot];
    if (value.is_relationship()) {
      walk(value);
    } else if (value.is_list()) {
      for (const Value& item : value.as_list()) walk(item);
    } else {
      row[step_->path_slot] = Value::null();
      return next_->push(row);
    }
  }
  row[step_->path_slot] = Value::path(std::move(path));
  return next_->push(row);
}

}  // namespace expgraph::cypher::exec
