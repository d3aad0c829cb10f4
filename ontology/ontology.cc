// Ontology lookups, property type names and the normalised JSON form (GET /v1/ontology).
// Loading and load-time validation live in ontology_loader.cc; value checks in
// property_validation.cc.
#include "ontology/ontology.h"

#include <algorithm>
#include <array>
#include <utility>

namespace expgraph {
namespace {

using json = nlohmann::json;

// The one table of property type names; parse and print both read it, so they cannot disagree.
constexpr std::array<std::pair<PropertyType, std::string_view>, 10> kPropertyTypeNames = {{
    {PropertyType::kString, "string"},
    {PropertyType::kText, "text"},
    {PropertyType::kInt, "int"},
    {PropertyType::kFloat, "float"},
    {PropertyType::kBool, "bool"},
    {PropertyType::kDate, "date"},
    {PropertyType::kDateTime, "datetime"},
    {PropertyType::kEnum, "enum"},
    {PropertyType::kStringList, "string[]"},
    {PropertyType::kJson, "json"},
}};

const PropertyDef* find_property(const std::vector<PropertyDef>& properties,
                                 std::string_view property_name) {
  for (const PropertyDef& def : properties) {
    if (def.name == property_name) return &def;
  }
  return nullptr;
}

bool allows(const std::vector<std::string>& node_types, std::string_view node_type) {
  for (const std::string& allowed : node_types) {
    if (allowed == kAnyNodeType || allowed == node_type) return true;
  }
  return false;
}

json properties_to_json(const std::vector<PropertyDef>& properties) {
  json out = json::array();
  for (const PropertyDef& def : properties) {
    json property = {{"name", def.name},
                     {"type", property_type_name(def.type)},
                     {"required", def.required},
                     {"indexed", def.indexed}};
    if (def.type == PropertyType::kEnum) property["values"] = def.enum_values;
    if (!def.description.empty()) property["description"] = def.description;
    out.push_back(std::move(property));
  }
  return out;
}

std::string_view cardinality_name(Cardinality cardinality) {
  return cardinality == Cardinality::kOne ? "one" : "many";
}

}  // namespace

std::optional<PropertyType> parse_property_type(std::string_view name) {
  for (const auto& [type, type_name] : kPropertyTypeNames) {
    if (type_name == name) return type;
  }
  return std::nullopt;
}

std::string_view property_type_name(PropertyType type) {
  for (const auto& [candidate, type_name] : kPropertyTypeNames) {
    if (candidate == type) return type_name;
  }
  return "unknown";
}

std::string property_type_names() {
  std::string names;
  for (const auto& entry : kPropertyTypeNames) {
    if (!names.empty()) names += ", ";
    names += entry.second;
  }
  return names;
}

const PropertyDef* NodeType::property(std::string_view property_name) const {
  return find_property(properties, property_name);
}

bool EdgeType::allows_source(std::string_view node_type) const { return allows(domain, node_type); }

bool EdgeType::allows_target(std::string_view node_type) const { return allows(range, node_type); }

const PropertyDef* EdgeType::property(std::string_view property_name) const {
  return find_property(properties, property_name);
}

const NodeType* Ontology::node_type(std::string_view type_name) const {
  auto it = node_index_.find(type_name);
  return it == node_index_.end() ? nullptr : &node_types_[it->second];
}

const EdgeType* Ontology::edge_type(std::string_view type_name) const {
  auto it = edge_index_.find(type_name);
  return it == edge_index_.end() ? nullptr : &edge_types_[it->second];
}

json Ontology::to_json() const {
  json document = {{"name", name_}, {"version", version_}};
  if (!description_.empty()) document["description"] = description_;

  json node_types = json::array();
  for (const NodeType& type : node_types_) {
    json node = {{"name", type.name}};
    if (!type.description.empty()) node["description"] = type.description;
    node["properties"] = properties_to_json(type.properties);
    if (type.lifecycle) {
      json transitions = json::object();
      for (const auto& [from, to] : type.lifecycle->transitions) transitions[from] = json(to);
      node["lifecycle"] = {{"property", type.lifecycle->property},
                           {"initial", type.lifecycle->initial},
                           {"transitions", std::move(transitions)}};
    }
    node["text_properties"] = type.text_properties;
    node_types.push_back(std::move(node));
  }
  document["node_types"] = std::move(node_types);

  json edge_types = json::array();
  for (const EdgeType& type : edge_types_) {
    json edge = {{"name", type.name}};
    if (!type.description.empty()) edge["description"] = type.description;
    // Always lists, even when the document said "domain": "Experiment": one shape per field.
    edge["domain"] = type.domain;
    edge["range"] = type.range;
    edge["cardinality"] = {{"per_source", cardinality_name(type.per_source)},
                           {"per_target", cardinality_name(type.per_target)}};
    edge["properties"] = properties_to_json(type.properties);
    edge_types.push_back(std::move(edge));
  }
  document["edge_types"] = std::move(edge_types);
  return document;
}

}  // namespace expgraph
