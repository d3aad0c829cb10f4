#include "api/convert/graph_json.h"

#include <cmath>
#include <utility>

#include "api/http/http_json.h"

namespace expgraph::api {

Result<nlohmann::json> properties_from_json(const nlohmann::json& body, const std::string& what) {
  auto it = body.find("properties");
  if (it == body.end() || it->is_null()) return nlohmann::json::object();
  if (!it->is_object()) {
    return Status::invalid_argument(what + ": \"properties\" must be a JSON object");
  }
  return *it;
}

Result<nlohmann::json> properties_from_json(nlohmann::json&& body, const std::string& what) {
  auto it = body.find("properties");
  if (it == body.end() || !it->is_object()) return properties_from_json(std::as_const(body), what);
  return std::move(*it);
}

Result<std::optional<std::vector<float>>> embedding_from_json(const nlohmann::json& body,
                                                              const std::string& what) {
  auto it = body.find("embedding");
  if (it == body.end() || it->is_null()) return std::optional<std::vector<float>>();
  std::vector<float> embedding;
  if (it->is_array()) {
    for (const auto& value : *it) {
      if (!value.is_number() || !std::isfinite(value.get<double>())) {
        embedding.clear();
        break;
      }
      embedding.push_back(value.get<float>());
    }
  }
  if (!it->is_array() || embedding.size() != it->size()) {
    return Status::invalid_argument(what + ": \"embedding\" must be an array of finite numbers");
  }
  return std::optional<std::vector<float>>(std::move(embedding));
}

namespace {

// Both overloads: `movable` is `item` when its properties may be moved out, else null.
Result<NodeWrite> node_write(const nlohmann::json& item, nlohmann::json* movable,
                             const std::string& what) {
  if (!item.is_object()) return Status::invalid_argument(what + " must be a JSON object");
  EXPGRAPH_RETURN_IF_ERROR(check_fields(item, {"type", "key", "properties", "embedding"}, what));
  auto type = string_field(item, "type", what);
  if (!type.ok()) return type.status();
  auto key = string_field(item, "key", what);
  if (!key.ok()) return key.status();
  Status key_status = validate_external_key(*key);
  if (!key_status.ok()) return key_status.prepend(what);
  // Moving the properties out leaves the other members, the embedding's included, in place.
  auto properties = movable != nullptr ? properties_from_json(std::move(*movable), what)
                                       : properties_from_json(item, what);
  if (!properties.ok()) return properties.status();
  auto embedding = embedding_from_json(item, what);
  if (!embedding.ok()) return embedding.status();
  NodeWrite node;
  node.type = std::move(type).value();
  node.key = std::move(key).value();
  node.properties = std::move(properties).value();
  node.embedding = std::move(embedding).value();
  return node;
}

Result<EdgeWrite> edge_write(const nlohmann::json& item, nlohmann::json* movable,
                             const std::string& what) {
  if (!item.is_object()) return Status::invalid_argument(what + " must be a JSON object");
  EXPGRAPH_RETURN_IF_ERROR(check_fields(item, {"type", "from", "to", "properties"}, what));
  auto type = string_field(item, "type", what);
  if (!type.ok()) return type.status();
  EdgeWrite edge;
  edge.type = std::move(type).value();
  for (auto [field, ref] : {std::pair{"from", &edge.from}, std::pair{"to", &edge.to}}) {
    auto text = string_field(item, field, what);
    if (!text.ok()) return text.status();
    auto parsed = parse_node_ref(*text);
    if (!parsed.ok()) return Status(parsed.status()).prepend(what);
    *ref = std::move(parsed).value();
  }
  auto properties = movable != nullptr ? properties_from_json(std::move(*movable), what)
                                       : properties_from_json(item, what);
  if (!properties.ok()) return properties.status();
  edge.properties = std::move(properties).value();
  return edge;
}

}  // namespace

Result<NodeWrite> node_write_from_json(const nlohmann::json& item, const std::string& what) {
  return node_write(item, nullptr, what);
}

Result<NodeWrite> node_write_from_json(nlohmann::json&& item, const std::string& what) {
  return node_write(item, &item, what);
}

Result<EdgeWrite> edge_write_from_json(const nlohmann::json& item, const std::string& what) {
  return edge_write(item, nullptr, what);
}

Result<EdgeWrite> edge_write_from_json(nlohmann::json&& item, const std::string& what) {
  return edge_write(item, &item, what);
}

nlohmann::json outcome_counts(const std::vector<WriteOutcome>& outcomes) {
  nlohmann::json counts{{"created", 0}, {"updated", 0}, {"unchanged", 0}};
  for (WriteOutcome outcome : outcomes) {
    // "kept" (and "deleted") appear only when some write had that outcome.
    const std::string name(write_outcome_name(outcome));
    counts[name] = counts.value(name, 0) + 1;
  }
  return counts;
}

}  // namespace expgraph::api
