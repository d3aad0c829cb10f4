#include "query/cypher/exec/node_by_index.h"

#include <nlohmann/json.hpp>
#include <string>

namespace expgraph::cypher::exec {

namespace {

// The JSON form an indexed property stores for a Cypher value, or null when no stored value
// of that type can equal it.
nlohmann::json index_json(PropertyType type, const Value& value) {
  switch (type) {
    case PropertyType::kInt:
      if (value.is_int()) return value.as_int();
      if (value.is_float() &&
          value.as_float() == static_cast<double>(static_cast<int64_t>(value.as_float()))) {
        return static_cast<int64_t>(value.as_float());
      }
      return nullptr;
    case PropertyType::kFloat:
      if (value.is_number()) return value.as_number();
      return nullptr;
    case PropertyType::kBool:
      if (value.is_bool()) return value.as_bool();
      return nullptr;
    default:
      if (value.is_string()) return value.as_string();
      return nullptr;
  }
}

}  // namespace

Status NodeByIndexOp::push(Row& row) {
  auto value = eval(*step_->value, row);
  if (!value.ok()) return value.status();
  nlohmann::json stored = index_json(step_->property_type, *value);
  auto encoded = keys::encode_index_value(stored);
  if (!encoded) return Status();
  std::string prefix = keys::index_prefix(step_->label_id, step_->property_id, *encoded);
  GraphStore& graph = ctx_.access.graph();
  KvIterator it = graph.storage().scan(Column::kIndex, prefix);
  for (; it.valid() && !stopped(); it.next()) {
    EXPGRAPH_RETURN_IF_ERROR(ctx_.tick());
    NodeId id = keys::index_key_node(it.key());
    if (!graph.topology().has_node(id)) continue;
    row[step_->node_slot] = ctx_.access.node_value(id, step_->label_id);
    EXPGRAPH_RETURN_IF_ERROR(next_->push(row));
  }
  return it.status();
}

}  // namespace expgraph::cypher::exec
