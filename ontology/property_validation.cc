// Value checks against the ontology: one property value (validate_property_value), a node's
// whole property map with its lifecycle (Ontology::validate_node) and an edge's properties.
// graph/ calls these before any write reaches storage, so a rejected write changes nothing.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "ontology/json_text.h"
#include "ontology/message_text.h"
#include "ontology/ontology.h"

namespace expgraph {
namespace {

using json = nlohmann::json;
using internal::describe_json;
using internal::in_quotes;
using internal::join;

// Reads exactly `count` ASCII digits at `pos`.
bool read_digits(std::string_view text, size_t pos, size_t count, int* out) {
  if (pos + count > text.size()) return false;
  int value = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    value = value * 10 + (text[i] - '0');
  }
  *out = value;
  return true;
}

bool is_leap_year(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap_year(year) ? 29 : kDays[month - 1];
}

// "YYYY-MM-DD" naming a real calendar day (2024-02-29 yes, 2023-02-29 no).
bool is_valid_date(std::string_view text) {
  int year = 0, month = 0, day = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  if (!read_digits(text, 0, 4, &year) || !read_digits(text, 5, 2, &month) ||
      !read_digits(text, 8, 2, &day)) {
    return false;
  }
  return month >= 1 && month <= 12 && day >= 1 && day <= days_in_month(year, month);
}

// RFC 3339 date-time: "YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)". Second 60 is allowed
// because RFC 3339 allows leap seconds; lower-case t and z are allowed as the RFC says.
bool is_valid_datetime(std::string_view text) {
  if (text.size() < 20 || !is_valid_date(text.substr(0, 10))) return false;
  if (text[10] != 'T' && text[10] != 't') return false;
  int hour = 0, minute = 0, second = 0;
  if (!read_digits(text, 11, 2, &hour) || text[13] != ':' || !read_digits(text, 14, 2, &minute) ||
      text[16] != ':' || !read_digits(text, 17, 2, &second)) {
    return false;
  }
  if (hour > 23 || minute > 59 || second > 60) return false;
  size_t pos = 19;
  if (text[pos] == '.') {
    size_t digits_start = ++pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    if (pos == digits_start) return false;
  }
  if (pos >= text.size()) return false;
  if (text[pos] == 'Z' || text[pos] == 'z') return pos + 1 == text.size();
  if (text[pos] != '+' && text[pos] != '-') return false;
  int offset_hour = 0, offset_minute = 0;
  if (pos + 6 != text.size() || !read_digits(text, pos + 1, 2, &offset_hour) ||
      text[pos + 3] != ':' || !read_digits(text, pos + 4, 2, &offset_minute)) {
    return false;
  }
  return offset_hour <= 23 && offset_minute <= 59;
}

std::string expected_got(const PropertyDef& def, std::string_view expected, const json& value) {
  return "property " + in_quotes(def.name) + ": expected " + std::string(expected) + ", got " +
         describe_json(value);
}

// The value of `name` in a property map, or nullptr when absent or null (null means absent).
const json* present_value(const json& properties, const std::string& name) {
  if (!properties.is_object()) return nullptr;
  auto it = properties.find(name);
  if (it == properties.end() || it->is_null()) return nullptr;
  return &*it;
}

std::vector<std::string> property_names(const std::vector<PropertyDef>& properties) {
  std::vector<std::string> names;
  names.reserve(properties.size());
  for (const PropertyDef& def : properties) names.push_back(def.name);
  return names;
}

// Unknown names, missing required ones and bad values, appended to `problems`.
void check_property_map(std::string_view owner, const std::vector<PropertyDef>& defs,
                        const json& properties, std::vector<std::string>* problems) {
  if (properties.is_object()) {
    for (const auto& item : properties.items()) {
      const PropertyDef* def = nullptr;
      for (const PropertyDef& candidate : defs) {
        if (candidate.name == item.key()) def = &candidate;
      }
      if (def == nullptr) {
        std::string known = defs.empty() ? "none" : join(property_names(defs));
        problems->push_back("unknown property " + in_quotes(item.key()) + " for " +
                            std::string(owner) + " (known: " + known + ")");
        continue;
      }
      if (item.value().is_null()) continue;  // absent; the required check below reports it
      Status status = validate_property_value(*def, item.value());
      if (!status.ok()) problems->push_back(status.message());
    }
  }
  for (const PropertyDef& def : defs) {
    if (def.required && present_value(properties, def.name) == nullptr) {
      problems->push_back("missing required property " + in_quotes(def.name) + " for " +
                          std::string(owner));
    }
  }
}

// The lifecycle state in a property map: a valid enum value, or nullopt.
std::optional<std::string> lifecycle_state(const PropertyDef& def, const json* properties) {
  if (properties == nullptr) return std::nullopt;
  const json* value = present_value(*properties, def.name);
  if (value == nullptr || !value->is_string()) return std::nullopt;
  const std::string& state = value->get_ref<const std::string&>();
  for (const std::string& allowed : def.enum_values) {
    if (allowed == state) return state;
  }
  return std::nullopt;
}

void check_lifecycle(const NodeType& type, const json& properties, const json* previous,
                     std::vector<std::string>* problems) {
  const Lifecycle& lifecycle = *type.lifecycle;
  const PropertyDef* def = type.property(lifecycle.property);
  if (def == nullptr) return;  // the loader guarantees it exists; be safe for hand-built types
  const json* raw_next = present_value(properties, def->name);
  std::optional<std::string> next = lifecycle_state(*def, &properties);
  if (raw_next != nullptr && !next) return;  // an invalid value, already reported
  std::optional<std::string> before = lifecycle_state(*def, previous);

  if (!before) {
    // A new node, or an existing one that never had a state: it must start somewhere legal.
    if (next && std::find(lifecycle.initial.begin(), lifecycle.initial.end(), *next) ==
                    lifecycle.initial.end()) {
      problems->push_back("illegal initial " + def->name + " for " + type.name + ": " + *next +
                          " (a new " + type.name + " may start in: " + join(lifecycle.initial) +
                          ")");
    }
    return;
  }
  if (!next) {
    // Dropping the state would let a later write restart the lifecycle anywhere.
    problems->push_back("cannot remove " + def->name + " of " + type.name + " (it is " + *before +
                        "); set it to an allowed next state instead");
    return;
  }
  if (*next == *before) return;  // re-asserting the current state is always fine
  auto it = lifecycle.transitions.find(*before);
  if (it != lifecycle.transitions.end() && it->second.count(*next) > 0) return;
  std::string allowed = "none";
  if (it != lifecycle.transitions.end() && !it->second.empty()) {
    allowed = join(std::vector<std::string>(it->second.begin(), it->second.end()));
  }
  problems->push_back("illegal " + def->name + " transition for " + type.name + ": " + *before +
                      " -> " + *next + " (allowed from " + *before + ": " + allowed + ")");
}

Status violations(std::string_view owner, std::vector<std::string> problems) {
  if (problems.empty()) return Status::ok_status();
  std::string message = problems.size() == 1
                            ? problems.front()
                            : std::to_string(problems.size()) + " ontology violations for " +
                                  std::string(owner) + ": " + problems.front() + " (and " +
                                  std::to_string(problems.size() - 1) + " more)";
  return Status::ontology_violation(std::move(message), std::move(problems));
}

// A map that Cypher and the change log can read back: an object no deeper than the JSON limit
// (checked here too for values that were not parsed from a request, such as an importer's).
Status check_is_map(std::string_view owner, const json& properties) {
  if (!properties.is_null() && !properties.is_object()) {
    return Status::invalid_argument("properties of " + std::string(owner) +
                                    " must be a JSON object, got " + describe_json(properties));
  }
  Status depth = check_json_depth(properties);
  if (!depth.ok()) depth.prepend("properties of " + std::string(owner));
  return depth;
}

}  // namespace

Status validate_property_value(const PropertyDef& def, const json& value) {
  if (value.is_null()) {
    if (!def.required) return Status::ok_status();
    return Status::ontology_violation("property " + in_quotes(def.name) +
                                      ": is required, got null");
  }
  bool valid = false;
  std::string expected(property_type_name(def.type));
  switch (def.type) {
    case PropertyType::kString:
    case PropertyType::kText:
      valid = value.is_string();
      break;
    case PropertyType::kInt:
      // Only JSON integers: 2.0 is rejected too, since a float there usually means a unit mixup.
      valid = value.is_number_integer() &&
              (!value.is_number_unsigned() ||
               value.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()));
      if (value.is_number_unsigned() && !valid) expected = "int (64-bit signed)";
      break;
    case PropertyType::kFloat:
      valid = value.is_number() && (!value.is_number_float() || std::isfinite(value.get<double>()));
      if (value.is_number_float() && !valid) expected = "float (finite)";
      break;
    case PropertyType::kBool:
      valid = value.is_boolean();
      break;
    case PropertyType::kDate:
      expected = "date \"YYYY-MM-DD\" (a real calendar day)";
      valid = value.is_string() && is_valid_date(value.get_ref<const std::string&>());
      break;
    case PropertyType::kDateTime:
      expected = "datetime (RFC 3339, e.g. \"2024-05-01T10:00:00Z\")";
      valid = value.is_string() && is_valid_datetime(value.get_ref<const std::string&>());
      break;
    case PropertyType::kEnum:
      expected = "one of " + join(def.enum_values);
      if (value.is_string()) {
        for (const std::string& allowed : def.enum_values) {
          if (allowed == value.get_ref<const std::string&>()) valid = true;
        }
      }
      break;
    case PropertyType::kStringList:
      if (value.is_array()) {
        valid = true;
        for (size_t i = 0; i < value.size(); ++i) {
          if (!value[i].is_string()) {
            return Status::ontology_violation("property " + in_quotes(def.name) +
                                              ": expected string[], but element " +
                                              std::to_string(i) + " is " + describe_json(value[i]));
          }
        }
      }
      break;
    case PropertyType::kJson:
      // Bounded well below the 256 levels of a request body, so that whatever a route accepts
      // an export line (the value inside its node or edge, inside the line) carries and an
      // import takes back.
      if (nests_deeper_than(value, kMaxPropertyDepth)) {
        return Status::ontology_violation(
            "property " + in_quotes(def.name) + ": JSON nests deeper than " +
            std::to_string(kMaxPropertyDepth) + " levels (the limit for a property value)");
      }
      valid = true;
      break;
  }
  if (valid) return Status::ok_status();
  return Status::ontology_violation(expected_got(def, expected, value));
}

Status Ontology::validate_node(const NodeType& type, const nlohmann::json& properties,
                               const nlohmann::json* previous) const {
  EXPGRAPH_RETURN_IF_ERROR(check_is_map(type.name, properties));
  std::vector<std::string> problems;
  check_property_map(type.name, type.properties, properties, &problems);
  if (type.lifecycle) check_lifecycle(type, properties, previous, &problems);
  return violations(type.name, std::move(problems));
}

Status Ontology::validate_edge_properties(const EdgeType& type,
                                          const nlohmann::json& properties) const {
  EXPGRAPH_RETURN_IF_ERROR(check_is_map(type.name, properties));
  std::vector<std::string> problems;
  check_property_map(type.name, type.properties, properties, &problems);
  return violations(type.name, std::move(problems));
}

}  // namespace expgraph
