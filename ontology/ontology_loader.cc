// Ontology::from_json and Ontology::load_file: parse an ontology document and check it.
// The loader never stops at the first problem: it records every one, each prefixed with where it
// is in the document (`node_types[3] "Experiment".properties[2] "status"`), so that a person
// editing the file can fix them all in one pass.
#include <cerrno>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <utility>

#include "ontology/message_text.h"
#include "ontology/ontology.h"

namespace expgraph {
namespace {

using json = nlohmann::json;
using internal::in_quotes;
using internal::join;
using internal::json_kind;

constexpr std::string_view kCardinalityOne = "one";
constexpr std::string_view kCardinalityMany = "many";

// Type, property and edge names end up as Cypher labels and property keys, so they must be
// plain identifiers.
bool is_identifier(std::string_view name) {
  if (name.empty()) return false;
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (!alpha(name[0])) return false;
  for (char c : name) {
    if (!alpha(c) && !(c >= '0' && c <= '9')) return false;
  }
  return true;
}

bool contains(const std::vector<std::string>& items, std::string_view item) {
  for (const std::string& candidate : items) {
    if (candidate == item) return true;
  }
  return false;
}

// Collects problems while walking one document. Not thread-safe; one per from_json call.
class Loader {
 public:
  std::vector<std::string>& problems() { return problems_; }

  void report(const std::string& where, const std::string& what) {
    problems_.push_back(where.empty() ? what : where + ": " + what);
  }

  // Reports keys of `object` that are not in `allowed` (catches typos like "requried").
  void check_keys(const json& object, std::initializer_list<std::string_view> allowed,
                  const std::string& where) {
    for (const auto& item : object.items()) {
      bool known = false;
      std::string expected;
      for (std::string_view key : allowed) {
        if (key == item.key()) known = true;
        if (!expected.empty()) expected += ", ";
        expected += key;
      }
      if (!known) {
        report(where, "unknown key " + in_quotes(item.key()) + " (expected " + expected + ")");
      }
    }
  }

  // An optional string member; empty when absent. Reports a non-string.
  std::string optional_string(const json& object, const char* key, const std::string& where) {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return {};
    if (!it->is_string()) {
      report(where, in_quotes(key) + " must be a string, got " + std::string(json_kind(*it)));
      return {};
    }
    return it->get<std::string>();
  }

  bool optional_bool(const json& object, const char* key, const std::string& where) {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return false;
    if (!it->is_boolean()) {
      report(where, in_quotes(key) + " must be true or false, got " + std::string(json_kind(*it)));
      return false;
    }
    return it->get<bool>();
  }

  // A required identifier-like "name" member; empty when missing or invalid (already reported).
  std::string required_name(const json& object, const std::string& where) {
    auto it = object.find("name");
    if (it == object.end() || it->is_null()) {
      report(where, "missing \"name\"");
      return {};
    }
    if (!it->is_string()) {
      report(where, "\"name\" must be a string, got " + std::string(json_kind(*it)));
      return {};
    }
    std::string name = it->get<std::string>();
    if (!is_identifier(name)) {
      report(where, "invalid name " + in_quotes(name) +
                        " (use letters, digits and _, not starting with a digit)");
      return {};
    }
    return name;
  }

  // `where` plus the element's name when it has a string one: `node_types[3] "Experiment"`.
  static std::string element_place(const std::string& list_place, size_t index,
                                   const json& element) {
    std::string place = list_place + "[" + std::to_string(index) + "]";
    if (element.is_object()) {
      auto it = element.find("name");
      if (it != element.end() && it->is_string()) place += " " + in_quotes(it->get<std::string>());
    }
    return place;
  }

  // Property names that were declared but rejected; later references to them (lifecycle,
  // text_properties) stay quiet so that one mistake is reported once.
  std::set<std::string>& broken_properties() { return broken_properties_; }

  std::vector<PropertyDef> parse_properties(const json& owner, const std::string& where) {
    broken_properties_.clear();
    std::vector<PropertyDef> properties;
    auto it = owner.find("properties");
    if (it == owner.end() || it->is_null()) return properties;
    if (!it->is_array()) {
      report(where, "\"properties\" must be a list, got " + std::string(json_kind(*it)));
      return properties;
    }
    std::map<std::string, std::string> first_place;  // property name -> where first defined
    for (size_t i = 0; i < it->size(); ++i) {
      const json& element = (*it)[i];
      std::string place = element_place(where + ".properties", i, element);
      if (!element.is_object()) {
        report(place, "a property must be an object, got " + std::string(json_kind(element)));
        continue;
      }
      std::optional<PropertyDef> def = parse_property(element, place);
      if (!def) {
        auto name_it = element.find("name");
        if (name_it != element.end() && name_it->is_string()) {
          broken_properties_.insert(name_it->get<std::string>());
        }
        continue;
      }
      auto [existing, inserted] = first_place.emplace(def->name, place);
      if (!inserted) {
        report(place, "duplicate property name " + in_quotes(def->name) + " (first defined at " +
                          existing->second + ")");
        continue;
      }
      properties.push_back(std::move(*def));
    }
    return properties;
  }

  std::optional<PropertyDef> parse_property(const json& element, const std::string& place) {
    check_keys(element, {"name", "type", "required", "indexed", "values", "description"}, place);
    PropertyDef def;
    def.name = required_name(element, place);
    def.description = optional_string(element, "description", place);
    def.required = optional_bool(element, "required", place);
    def.indexed = optional_bool(element, "indexed", place);
    bool valid = !def.name.empty();

    auto type_it = element.find("type");
    if (type_it == element.end() || type_it->is_null()) {
      report(place, "missing \"type\" (expected one of " + property_type_names() + ")");
      return std::nullopt;
    }
    if (!type_it->is_string()) {
      report(place, "\"type\" must be a string, got " + std::string(json_kind(*type_it)));
      return std::nullopt;
    }
    std::string type_name = type_it->get<std::string>();
    std::optional<PropertyType> type = parse_property_type(type_name);
    if (!type) {
      report(place, "unknown property type " + in_quotes(type_name) + " (expected one of " +
                        property_type_names() + ")");
      return std::nullopt;
    }
    def.type = *type;

    // Equality indexes on free text or arbitrary JSON would be large and never hit exactly.
    if (def.indexed && (def.type == PropertyType::kText || def.type == PropertyType::kJson)) {
      report(place, "a " + type_name + " property cannot be indexed");
      valid = false;
    }

    auto values_it = element.find("values");
    bool has_values = values_it != element.end() && !values_it->is_null();
    if (def.type == PropertyType::kEnum) {
      if (!has_values || !values_it->is_array() || values_it->empty()) {
        report(place, "an enum property needs a non-empty \"values\" list of strings");
        valid = false;
      } else {
        for (size_t i = 0; i < values_it->size(); ++i) {
          const json& value = (*values_it)[i];
          if (!value.is_string() || value.get_ref<const std::string&>().empty()) {
            report(place, "values[" + std::to_string(i) + "] must be a non-empty string, got " +
                              std::string(json_kind(value)));
            valid = false;
            continue;
          }
          const std::string& text = value.get_ref<const std::string&>();
          if (contains(def.enum_values, text)) {
            report(place, "duplicate enum value " + in_quotes(text));
            valid = false;
            continue;
          }
          def.enum_values.push_back(text);
        }
      }
    } else if (has_values) {
      report(place, "\"values\" is only allowed for enum properties (type is " + type_name + ")");
      valid = false;
    }
    if (!valid) return std::nullopt;
    return def;
  }

  std::optional<Lifecycle> parse_lifecycle(const json& value, const NodeType& type,
                                           const std::string& where) {
    std::string place = where + ".lifecycle";
    if (!value.is_object()) {
      report(place, "must be an object, got " + std::string(json_kind(value)));
      return std::nullopt;
    }
    check_keys(value, {"property", "initial", "transitions"}, place);
    Lifecycle lifecycle;
    lifecycle.property = optional_string(value, "property", place);
    if (lifecycle.property.empty()) {
      report(place, "missing \"property\" (the enum property whose changes it governs)");
      return std::nullopt;
    }
    const PropertyDef* def = type.property(lifecycle.property);
    if (def == nullptr && broken_properties_.count(lifecycle.property) > 0) return std::nullopt;
    if (def == nullptr) {
      report(place,
             "property " + in_quotes(lifecycle.property) + " is not a property of " + type.name);
      return std::nullopt;
    }
    if (def->type != PropertyType::kEnum) {
      report(place, "property " + in_quotes(lifecycle.property) + " must be an enum, it is " +
                        std::string(property_type_name(def->type)));
      return std::nullopt;
    }
    bool valid = true;
    auto check_state = [&](const json& state,
                           const std::string& role) -> std::optional<std::string> {
      if (!state.is_string()) {
        report(place, role + " must be a string, got " + std::string(json_kind(state)));
        valid = false;
        return std::nullopt;
      }
      std::string text = state.get<std::string>();
      if (!contains(def->enum_values, text)) {
        report(place, role + " " + in_quotes(text) + " is not a value of " +
                          in_quotes(lifecycle.property) + " (values: " + join(def->enum_values) +
                          ")");
        valid = false;
        return std::nullopt;
      }
      return text;
    };

    auto initial_it = value.find("initial");
    if (initial_it == value.end() || !initial_it->is_array() || initial_it->empty()) {
      report(place, "\"initial\" must be a non-empty list of states a new node may start in");
      valid = false;
    } else {
      for (const json& state : *initial_it) {
        std::optional<std::string> text = check_state(state, "initial state");
        if (text && !contains(lifecycle.initial, *text)) lifecycle.initial.push_back(*text);
      }
    }

    auto transitions_it = value.find("transitions");
    if (transitions_it == value.end() || transitions_it->is_null()) {
      // No transitions: every state is final. Legal, if odd; nothing to check.
    } else if (!transitions_it->is_object()) {
      report(place,
             "\"transitions\" must be an object mapping a state to the list of next "
             "states, got " +
                 std::string(json_kind(*transitions_it)));
      valid = false;
    } else {
      for (const auto& item : transitions_it->items()) {
        std::optional<std::string> from = check_state(json(item.key()), "transition source");
        if (!item.value().is_array()) {
          report(place, "transitions." + item.key() + " must be a list of states, got " +
                            std::string(json_kind(item.value())));
          valid = false;
          continue;
        }
        std::set<std::string> next_states;
        for (const json& state : item.value()) {
          std::optional<std::string> to =
              check_state(state, "transition target (from " + item.key() + ")");
          if (to) next_states.insert(*to);
        }
        if (from) lifecycle.transitions[*from] = std::move(next_states);
      }
    }
    if (!valid) return std::nullopt;
    return lifecycle;
  }

  std::vector<std::string> parse_text_properties(const json& value, const NodeType& type,
                                                 const std::string& where) {
    std::string place = where + ".text_properties";
    std::vector<std::string> names;
    if (!value.is_array()) {
      report(place, "must be a list of property names, got " + std::string(json_kind(value)));
      return names;
    }
    for (const json& item : value) {
      if (!item.is_string()) {
        report(place, "entries must be property names, got " + std::string(json_kind(item)));
        continue;
      }
      std::string name = item.get<std::string>();
      const PropertyDef* def = type.property(name);
      if (def == nullptr && broken_properties_.count(name) > 0) continue;
      if (def == nullptr) {
        report(place, in_quotes(name) + " is not a property of " + type.name);
        continue;
      }
      if (def->type != PropertyType::kText && def->type != PropertyType::kString) {
        report(place, in_quotes(name) +
                          " must be a text or string property to be embedded, it is " +
                          std::string(property_type_name(def->type)));
        continue;
      }
      if (contains(names, name)) {
        report(place, "duplicate entry " + in_quotes(name));
        continue;
      }
      names.push_back(std::move(name));
    }
    return names;
  }

  std::optional<NodeType> parse_node_type(const json& element, const std::string& place) {
    if (!element.is_object()) {
      report(place, "a node type must be an object, got " + std::string(json_kind(element)));
      return std::nullopt;
    }
    check_keys(element, {"name", "description", "properties", "lifecycle", "text_properties"},
               place);
    NodeType type;
    type.name = required_name(element, place);
    type.description = optional_string(element, "description", place);
    type.properties = parse_properties(element, place);
    auto lifecycle_it = element.find("lifecycle");
    if (lifecycle_it != element.end() && !lifecycle_it->is_null()) {
      type.lifecycle = parse_lifecycle(*lifecycle_it, type, place);
    }
    auto text_it = element.find("text_properties");
    if (text_it != element.end() && !text_it->is_null()) {
      type.text_properties = parse_text_properties(*text_it, type, place);
    }
    if (type.name.empty()) return std::nullopt;
    return type;
  }

  // "domain"/"range": a node type name, "*", or a list of them.
  std::vector<std::string> parse_endpoints(const json& element, const char* key,
                                           const std::map<std::string, size_t, std::less<>>& nodes,
                                           const std::string& place) {
    std::vector<std::string> names;
    auto it = element.find(key);
    if (it == element.end() || it->is_null()) {
      report(place, "missing " + in_quotes(key) + " (a node type name, \"*\" or a list of names)");
      return names;
    }
    json list = it->is_string() ? json::array({*it}) : *it;
    if (!list.is_array() || list.empty()) {
      report(place,
             in_quotes(key) + " must be a node type name, \"*\" or a non-empty list of names");
      return names;
    }
    for (const json& item : list) {
      if (!item.is_string()) {
        report(place,
               std::string(key) + " entries must be strings, got " + std::string(json_kind(item)));
        continue;
      }
      std::string name = item.get<std::string>();
      if (name != kAnyNodeType && nodes.find(name) == nodes.end()) {
        report(place, std::string(key) + " names no node type " + in_quotes(name));
        continue;
      }
      if (contains(names, name)) {
        report(place, std::string(key) + " lists " + in_quotes(name) + " twice");
        continue;
      }
      names.push_back(std::move(name));
    }
    if (names.size() > 1 && contains(names, kAnyNodeType)) {
      report(place, std::string(key) + ": \"*\" already means any node type; list it alone");
    }
    return names;
  }

  Cardinality parse_cardinality_word(const json& cardinality, const char* key,
                                     const std::string& place) {
    auto it = cardinality.find(key);
    if (it == cardinality.end() || it->is_null()) return Cardinality::kMany;
    if (it->is_string() && *it == kCardinalityOne) return Cardinality::kOne;
    if (it->is_string() && *it == kCardinalityMany) return Cardinality::kMany;
    report(place, "cardinality." + std::string(key) + ": unknown cardinality " + it->dump() +
                      " (expected \"one\" or \"many\")");
    return Cardinality::kMany;
  }

  std::optional<EdgeType> parse_edge_type(const json& element,
                                          const std::map<std::string, size_t, std::less<>>& nodes,
                                          const std::string& place) {
    if (!element.is_object()) {
      report(place, "an edge type must be an object, got " + std::string(json_kind(element)));
      return std::nullopt;
    }
    check_keys(element, {"name", "description", "domain", "range", "cardinality", "properties"},
               place);
    EdgeType type;
    type.name = required_name(element, place);
    type.description = optional_string(element, "description", place);
    type.domain = parse_endpoints(element, "domain", nodes, place);
    type.range = parse_endpoints(element, "range", nodes, place);
    auto cardinality_it = element.find("cardinality");
    if (cardinality_it != element.end() && !cardinality_it->is_null()) {
      if (!cardinality_it->is_object()) {
        report(place,
               "\"cardinality\" must be an object like {\"per_source\": \"one\", "
               "\"per_target\": \"many\"}, got " +
                   std::string(json_kind(*cardinality_it)));
      } else {
        check_keys(*cardinality_it, {"per_source", "per_target"}, place + ".cardinality");
        type.per_source = parse_cardinality_word(*cardinality_it, "per_source", place);
        type.per_target = parse_cardinality_word(*cardinality_it, "per_target", place);
      }
    }
    type.properties = parse_properties(element, place);
    if (type.name.empty()) return std::nullopt;
    return type;
  }

 private:
  std::vector<std::string> problems_;
  std::set<std::string> broken_properties_;
};

}  // namespace

Result<Ontology> Ontology::from_json(const nlohmann::json& document) {
  // nlohmann throws on misuse; every access below is type-checked first, and this guard keeps
  // the no-exceptions promise if one was missed.
  try {
    if (!document.is_object()) {
      return Status::invalid_argument(
          "invalid ontology",
          {"the ontology document must be a JSON object, got " + std::string(json_kind(document))});
    }
    Loader loader;
    Ontology ontology;
    loader.check_keys(document, {"name", "version", "description", "node_types", "edge_types"}, "");

    auto name_it = document.find("name");
    if (name_it == document.end() || !name_it->is_string() ||
        name_it->get_ref<const std::string&>().empty()) {
      loader.report("", "\"name\" must be a non-empty string");
    } else {
      ontology.name_ = name_it->get<std::string>();
    }
    auto version_it = document.find("version");
    if (version_it != document.end() && !version_it->is_null()) {
      if (!version_it->is_number_integer() || version_it->get<int64_t>() < 1 ||
          version_it->get<int64_t>() > std::numeric_limits<int>::max()) {
        loader.report("", "\"version\" must be a positive integer, got " + version_it->dump());
      } else {
        ontology.version_ = version_it->get<int>();
      }
    }
    ontology.description_ = loader.optional_string(document, "description", "");

    auto nodes_it = document.find("node_types");
    if (nodes_it == document.end() || !nodes_it->is_array()) {
      loader.report("", "\"node_types\" must be a list of node types");
    } else {
      std::map<std::string, std::string> first_place;
      for (size_t i = 0; i < nodes_it->size(); ++i) {
        const json& element = (*nodes_it)[i];
        std::string place = Loader::element_place("node_types", i, element);
        std::optional<NodeType> type = loader.parse_node_type(element, place);
        if (!type) continue;
        auto [existing, inserted] = first_place.emplace(type->name, place);
        if (!inserted) {
          loader.report(place, "duplicate node type name " + in_quotes(type->name) +
                                   " (first defined at " + existing->second + ")");
          continue;
        }
        ontology.node_index_.emplace(type->name, ontology.node_types_.size());
        ontology.node_types_.push_back(std::move(*type));
      }
    }

    auto edges_it = document.find("edge_types");
    if (edges_it != document.end() && !edges_it->is_null()) {
      if (!edges_it->is_array()) {
        loader.report("", "\"edge_types\" must be a list of edge types");
      } else {
        std::map<std::string, std::string> first_place;
        for (size_t i = 0; i < edges_it->size(); ++i) {
          const json& element = (*edges_it)[i];
          std::string place = Loader::element_place("edge_types", i, element);
          std::optional<EdgeType> type =
              loader.parse_edge_type(element, ontology.node_index_, place);
          if (!type) continue;
          auto [existing, inserted] = first_place.emplace(type->name, place);
          if (!inserted) {
            loader.report(place, "duplicate edge type name " + in_quotes(type->name) +
                                     " (first defined at " + existing->second + ")");
            continue;
          }
          ontology.edge_index_.emplace(type->name, ontology.edge_types_.size());
          ontology.edge_types_.push_back(std::move(*type));
        }
      }
    }

    std::vector<std::string>& problems = loader.problems();
    if (!problems.empty()) {
      std::string message = "invalid ontology: " + problems.front();
      if (problems.size() > 1) {
        message += " (and " + std::to_string(problems.size() - 1) + " more problems)";
      }
      return Status::invalid_argument(std::move(message), std::move(problems));
    }
    return ontology;
  } catch (const std::exception& error) {
    return Status::internal(std::string("ontology loader failed: ") + error.what());
  }
}

Result<Ontology> Ontology::load_file(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code error;
  fs::file_status file_status = fs::status(path, error);
  if (!fs::exists(file_status)) {
    return Status::not_found("ontology file not found: " + path);
  }
  if (!fs::is_regular_file(file_status)) {
    return Status::invalid_argument("ontology file is not a regular file: " + path);
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status::invalid_argument("cannot open ontology file " + path + ": " +
                                    std::strerror(errno));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    return Status::invalid_argument("cannot read ontology file " + path + ": " +
                                    std::strerror(errno));
  }
  json document;
  try {
    document = json::parse(text.str());
  } catch (const json::parse_error& parse_error) {
    // what() carries the byte position and the reason ("syntax error while parsing ...").
    return Status::invalid_argument("ontology file " + path +
                                    " is not valid JSON: " + parse_error.what());
  }
  Result<Ontology> ontology = from_json(document);
  if (!ontology.ok()) {
    Status status = ontology.status();
    return status.prepend(path);
  }
  return ontology;
}

}  // namespace expgraph
