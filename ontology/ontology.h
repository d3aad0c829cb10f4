// The ontology: node types, edge types, property types, constraints and lifecycles.
// Loaded from JSON (ontology/marketing.json by default), validated at load, and consulted by
// graph/ before any write reaches storage. Immutable after load, so thread-safe to share.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ontology/status.h"

namespace expgraph {

enum class PropertyType {
  kString,      // short string, exact-match semantics
  kText,        // free text (embedded and searched)
  kInt,         // 64-bit signed integer
  kFloat,       // double; integers are accepted and widened
  kBool,
  kDate,        // "YYYY-MM-DD"
  kDateTime,    // RFC 3339 "YYYY-MM-DDTHH:MM:SS[.fff](Z|+HH:MM)"
  kEnum,        // one of PropertyDef::enum_values
  kStringList,  // "string[]"
  kJson,        // any JSON value
};

// "string", "text", ..., "string[]", "json"; nullopt for an unknown name.
std::optional<PropertyType> parse_property_type(std::string_view name);
std::string_view property_type_name(PropertyType type);
// All property type names, comma separated, in declaration order (for error messages).
std::string property_type_names();

// In an edge type's domain or range, matches every node type.
inline constexpr std::string_view kAnyNodeType = "*";

struct PropertyDef {
  std::string name;
  PropertyType type = PropertyType::kString;
  bool required = false;
  bool indexed = false;  // graph/ keeps an equality index for it (storage column family `index`)
                         // (the loader rejects indexed text and json properties)
  std::vector<std::string> enum_values;  // only for kEnum
  std::string description;
};

// Allowed state changes of one property (the "status" of a Hypothesis or Experiment).
struct Lifecycle {
  std::string property;                             // e.g. "status"
  std::vector<std::string> initial;                 // states a new node may start in
  std::map<std::string, std::set<std::string>> transitions;  // from -> allowed next states
};

struct NodeType {
  std::string name;
  std::string description;
  std::vector<PropertyDef> properties;
  std::optional<Lifecycle> lifecycle;
  // Properties whose text similarity search embeds (e.g. Learning.text); may be empty.
  std::vector<std::string> text_properties;

  const PropertyDef* property(std::string_view property_name) const;
};

enum class Cardinality { kOne, kMany };

struct EdgeType {
  std::string name;
  std::string description;
  std::vector<std::string> domain;  // source node types; {"*"} means any type
  std::vector<std::string> range;   // target node types; {"*"} means any type
  Cardinality per_source = Cardinality::kMany;  // edges of this type one source may have
  Cardinality per_target = Cardinality::kMany;  // edges of this type one target may have
  std::vector<PropertyDef> properties;

  bool allows_source(std::string_view node_type) const;
  bool allows_target(std::string_view node_type) const;
  const PropertyDef* property(std::string_view property_name) const;
};

class Ontology {
 public:
  // Parses and validates an ontology document. Every problem found is listed in the
  // Status details (unknown property type, edge domain naming no type, duplicate names, ...).
  // On failure: invalid_argument, message "invalid ontology: <first problem> ...", each detail
  // prefixed with its place, e.g. `node_types[3] "Experiment".properties[2] "status": ...`.
  // Unknown keys are errors too (they are usually typos such as "requried").
  static Result<Ontology> from_json(const nlohmann::json& document);
  // Reads and parses a file: not_found when it does not exist; invalid_argument when it cannot
  // be read, is not JSON (with the parser's line and column) or is not a valid ontology.
  static Result<Ontology> load_file(const std::string& path);

  const std::string& name() const { return name_; }
  int version() const { return version_; }
  const std::string& description() const { return description_; }
  const std::vector<NodeType>& node_types() const { return node_types_; }
  const std::vector<EdgeType>& edge_types() const { return edge_types_; }
  const NodeType* node_type(std::string_view name) const;
  const EdgeType* edge_type(std::string_view name) const;

  // Checks a full property map for a node of `type` (types, enums, required, unknown names).
  // `previous` is the stored properties when the node exists (for lifecycle transitions).
  // A JSON null value means "absent" (a required property set to null is missing). Lifecycle:
  // a node without a stored state may take an `initial` one; a node with one may keep it or move
  // along `transitions`, and may not drop it. Violations: ontology_violation, one
  // detail each; `properties` that is neither an object nor null: invalid_argument.
  Status validate_node(const NodeType& type, const nlohmann::json& properties,
                       const nlohmann::json* previous) const;
  // Checks an edge's properties against its type (endpoint types are checked separately).
  // Same rules and codes as validate_node, without lifecycles.
  Status validate_edge_properties(const EdgeType& type, const nlohmann::json& properties) const;

  // The document this ontology was loaded from, normalised (what clients are shown as the schema in force).
  nlohmann::json to_json() const;

 private:
  std::string name_;
  int version_ = 1;
  std::string description_;
  std::vector<NodeType> node_types_;
  std::vector<EdgeType> edge_types_;
  std::map<std::string, size_t, std::less<>> node_index_;
  std::map<std::string, size_t, std::less<>> edge_index_;
};

// Checks one value against a property definition; the message names the property.
// ("property \"lift\": expected float, got string \"high\""). null is accepted unless required.
// int takes JSON integers only (2.0 is rejected); float takes any finite number; date is
// "YYYY-MM-DD" on a real calendar day; datetime is RFC 3339 with a mandatory offset.
Status validate_property_value(const PropertyDef& def, const nlohmann::json& value);

}  // namespace expgraph
