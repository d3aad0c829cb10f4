#include "query/cypher/value.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "ontology/json_text.h"

namespace expgraph::cypher {

namespace {

void append_quoted(std::string& out, const std::string& text) {
  out += '\'';
  for (char c : text) {
    switch (c) {
      case '\'':
        out += "\\'";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out += c;
    }
  }
  out += '\'';
}

std::string node_text(const NodeRef& node) {
  return "(#" + std::to_string(node.id) + ":" + node.type + ")";
}

std::string relationship_text(const RelationshipRef& rel) {
  return "[#" + std::to_string(rel.src) + "-" + rel.type + "->#" + std::to_string(rel.dst) + "]";
}

void append_debug(std::string& out, const Value& value) {
  switch (value.type()) {
    case Value::Type::kNull:
      out += "null";
      return;
    case Value::Type::kBool:
      out += value.as_bool() ? "true" : "false";
      return;
    case Value::Type::kInt:
      out += std::to_string(value.as_int());
      return;
    case Value::Type::kFloat:
      out += format_float(value.as_float());
      return;
    case Value::Type::kString:
      append_quoted(out, value.as_string());
      return;
    case Value::Type::kList: {
      out += '[';
      bool first = true;
      for (const Value& item : value.as_list()) {
        if (!first) out += ", ";
        first = false;
        append_debug(out, item);
      }
      out += ']';
      return;
    }
    case Value::Type::kMap: {
      out += '{';
      bool first = true;
      for (const auto& [key, item] : value.as_map()) {
        if (!first) out += ", ";
        first = false;
        out += key;
        out += ": ";
        append_debug(out, item);
      }
      out += '}';
      return;
    }
    case Value::Type::kNode:
      out += node_text(value.as_node());
      return;
    case Value::Type::kRelationship:
      out += relationship_text(value.as_relationship());
      return;
    case Value::Type::kPath: {
      const PathValue& path = value.as_path();
      out += '<';
      for (size_t i = 0; i < path.nodes.size(); ++i) {
        if (i > 0 && i - 1 < path.relationships.size()) {
          out += relationship_text(path.relationships[i - 1]);
        }
        out += node_text(path.nodes[i]);
      }
      out += '>';
      return;
    }
    case Value::Type::kDate:
      out += "date('" + temporal_text(value) + "')";
      return;
    case Value::Type::kLocalDateTime:
      out += "localdatetime('" + temporal_text(value) + "')";
      return;
    case Value::Type::kDateTime:
      out += "datetime('" + temporal_text(value) + "')";
      return;
    case Value::Type::kDuration:
      out += "duration('" + temporal_text(value) + "')";
      return;
    case Value::Type::kLocalTime:
      out += "localtime('" + temporal_text(value) + "')";
      return;
    case Value::Type::kTime:
      out += "time('" + temporal_text(value) + "')";
      return;
  }
}

nlohmann::json float_json(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  return d;
}

nlohmann::json node_json(const NodeRef& node) { return {{"id", node.id}, {"type", node.type}}; }

nlohmann::json relationship_json(const RelationshipRef& rel) {
  return {{"src", rel.src}, {"dst", rel.dst}, {"type", rel.type}};
}

// `depth` counts the arrays and objects around `json`. The limit is the one request bodies and
// stored properties obey, so every stored value converts.
Result<Value> from_json_at(const nlohmann::json& json, int depth) {
  if ((json.is_array() || json.is_object()) && depth >= kMaxJsonDepth) {
    return Status::invalid_argument("JSON value nests deeper than " +
                                    std::to_string(kMaxJsonDepth) + " levels (the limit)");
  }
  switch (json.type()) {
    case nlohmann::json::value_t::null:
      return Value::null();
    case nlohmann::json::value_t::boolean:
      return Value::boolean(json.get<bool>());
    case nlohmann::json::value_t::number_integer:
      return Value::integer(json.get<int64_t>());
    case nlohmann::json::value_t::number_unsigned: {
      uint64_t u = json.get<uint64_t>();
      if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        return Status::invalid_argument("integer parameter " + std::to_string(u) +
                                        " does not fit in a signed 64-bit integer");
      }
      return Value::integer(static_cast<int64_t>(u));
    }
    case nlohmann::json::value_t::number_float:
      return Value::floating(json.get<double>());
    case nlohmann::json::value_t::string:
      return Value::string(json.get<std::string>());
    case nlohmann::json::value_t::array: {
      Value::List items;
      items.reserve(json.size());
      for (size_t i = 0; i < json.size(); ++i) {
        Result<Value> item = from_json_at(json[i], depth + 1);
        if (!item.ok()) return item;
        items.push_back(std::move(item).value());
      }
      return Value::list(std::move(items));
    }
    case nlohmann::json::value_t::object: {
      Value::Map entries;
      for (const auto& [key, item_json] : json.items()) {
        Result<Value> item = from_json_at(item_json, depth + 1);
        if (!item.ok()) return item;
        entries.emplace(key, std::move(item).value());
      }
      return Value::map(std::move(entries));
    }
    case nlohmann::json::value_t::binary:
    case nlohmann::json::value_t::discarded:
      break;
  }
  return Status::invalid_argument("unsupported JSON value in parameter");
}

}  // namespace

namespace {

// A list or map with its nesting depth beside it. Value::list and Value::map are the only places
// lists and maps are made, so every List and Map behind a Value is one of these (shared_ptr
// keeps the right deleter); nesting() reads the depth without walking the value, and a Value
// stays the size of its variant.
struct NestedList : Value::List {
  NestedList(Value::List items, int depth) : Value::List(std::move(items)), depth(depth) {}
  int depth;
};
struct NestedMap : Value::Map {
  NestedMap(Value::Map entries, int depth) : Value::Map(std::move(entries)), depth(depth) {}
  int depth;
};

}  // namespace

Value Value::list(List items) {
  int deepest = 0;
  for (const Value& item : items) deepest = std::max(deepest, item.nesting());
  return Value(Storage(std::shared_ptr<const List>(
      std::make_shared<const NestedList>(std::move(items), deepest + 1))));
}

Value Value::map(Map entries) {
  int deepest = 0;
  for (const auto& [key, value] : entries) deepest = std::max(deepest, value.nesting());
  return Value(Storage(std::shared_ptr<const Map>(
      std::make_shared<const NestedMap>(std::move(entries), deepest + 1))));
}

int Value::nesting() const {
  if (is_list()) return static_cast<const NestedList&>(as_list()).depth;
  if (is_map()) return static_cast<const NestedMap&>(as_map()).depth;
  return 0;
}

Value Value::node(uint64_t id, std::string type) {
  return Value(Storage(NodeRef{id, std::move(type)}));
}

Value Value::relationship(uint64_t src, uint64_t dst, std::string type) {
  return Value(Storage(RelationshipRef{src, dst, std::move(type)}));
}

Value Value::path(PathValue path) {
  return Value(Storage(std::make_shared<const PathValue>(std::move(path))));
}

bool operator==(const Value& a, const Value& b) {
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case Value::Type::kNull:
      return true;
    case Value::Type::kBool:
      return a.as_bool() == b.as_bool();
    case Value::Type::kInt:
      return a.as_int() == b.as_int();
    case Value::Type::kFloat: {
      // Structural identity: NaN is identical to NaN so that containers and tests behave.
      double x = a.as_float();
      double y = b.as_float();
      return x == y || (std::isnan(x) && std::isnan(y));
    }
    case Value::Type::kString:
      return a.as_string() == b.as_string();
    case Value::Type::kList:
      return a.as_list() == b.as_list();
    case Value::Type::kMap:
      return a.as_map() == b.as_map();
    case Value::Type::kNode:
      return a.as_node() == b.as_node();
    case Value::Type::kRelationship:
      return a.as_relationship() == b.as_relationship();
    case Value::Type::kPath:
      return a.as_path() == b.as_path();
    case Value::Type::kDate:
      return a.as_date() == b.as_date();
    case Value::Type::kLocalDateTime:
      return a.as_local_datetime() == b.as_local_datetime();
    case Value::Type::kDateTime:
      return a.as_datetime() == b.as_datetime();
    case Value::Type::kDuration:
      return a.as_duration() == b.as_duration();
    case Value::Type::kLocalTime:
      return a.as_local_time() == b.as_local_time();
    case Value::Type::kTime:
      return a.as_time() == b.as_time();
  }
  return false;
}

std::string temporal_text(const Value& value) {
  switch (value.type()) {
    case Value::Type::kDate:
      return format_date(value.as_date());
    case Value::Type::kLocalDateTime:
      return format_local_datetime(value.as_local_datetime());
    case Value::Type::kDateTime:
      return format_datetime(value.as_datetime());
    case Value::Type::kDuration:
      return format_duration(value.as_duration());
    case Value::Type::kLocalTime:
      return format_local_time(value.as_local_time());
    case Value::Type::kTime:
      return format_time(value.as_time());
    default:
      return "";
  }
}

std::string Value::debug_string() const {
  std::string out;
  append_debug(out, *this);
  return out;
}

namespace {

// A std::string keeps up to 15 bytes inline (libstdc++); longer ones take a heap block.
constexpr uint64_t kInlineStringBytes = 15;
// make_shared's control block beside a string, list, map or path.
constexpr uint64_t kSharedBlockBytes = 16;

uint64_t saturating_multiply(uint64_t a, uint64_t b) {
  uint64_t product;
  return __builtin_mul_overflow(a, b, &product) ? UINT64_MAX : product;
}

uint64_t string_heap_bytes(uint64_t length) { return length > kInlineStringBytes ? length + 1 : 0; }

}  // namespace

uint64_t string_bytes(uint64_t length) {
  return sizeof(Value) + kSharedBlockBytes + sizeof(std::string) + string_heap_bytes(length);
}

uint64_t list_bytes(uint64_t count) {
  uint64_t elements = saturating_multiply(count, sizeof(Value));
  uint64_t fixed = sizeof(Value) + kSharedBlockBytes + sizeof(Value::List);
  return elements > UINT64_MAX - fixed ? UINT64_MAX : elements + fixed;
}

uint64_t value_bytes(const Value& value) {
  switch (value.type()) {
    case Value::Type::kString:
      return string_bytes(value.as_string().size());
    case Value::Type::kList: {
      uint64_t total = list_bytes(value.as_list().size());
      for (const Value& item : value.as_list()) total += value_bytes(item) - sizeof(Value);
      return total;
    }
    case Value::Type::kMap: {
      // A std::map node: the pair plus about four pointers of tree links.
      uint64_t total = sizeof(Value) + kSharedBlockBytes + sizeof(Value::Map);
      for (const auto& [key, item] : value.as_map()) {
        total += sizeof(Value::Map::value_type) + 4 * sizeof(void*) +
                 string_heap_bytes(key.size()) + value_bytes(item) - sizeof(Value);
      }
      return total;
    }
    case Value::Type::kNode:
      return string_bytes(value.as_node().type.size());
    case Value::Type::kRelationship:
      return string_bytes(value.as_relationship().type.size());
    case Value::Type::kPath: {
      const PathValue& path = value.as_path();
      return sizeof(Value) + kSharedBlockBytes + sizeof(PathValue) +
             path.nodes.size() * sizeof(NodeRef) +
             path.relationships.size() * sizeof(RelationshipRef);
    }
    default:
      return sizeof(Value);
  }
}

std::string_view type_name(Value::Type type) {
  switch (type) {
    case Value::Type::kNull:
      return "NULL";
    case Value::Type::kBool:
      return "BOOLEAN";
    case Value::Type::kInt:
      return "INTEGER";
    case Value::Type::kFloat:
      return "FLOAT";
    case Value::Type::kString:
      return "STRING";
    case Value::Type::kList:
      return "LIST";
    case Value::Type::kMap:
      return "MAP";
    case Value::Type::kNode:
      return "NODE";
    case Value::Type::kRelationship:
      return "RELATIONSHIP";
    case Value::Type::kPath:
      return "PATH";
    case Value::Type::kDate:
      return "DATE";
    case Value::Type::kLocalDateTime:
      return "LOCAL DATETIME";
    case Value::Type::kDateTime:
      return "DATETIME";
    case Value::Type::kDuration:
      return "DURATION";
    case Value::Type::kLocalTime:
      return "LOCAL TIME";
    case Value::Type::kTime:
      return "TIME";
  }
  return "UNKNOWN";
}

std::string format_float(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  char buffer[64];
  double magnitude = std::fabs(value);
  // Same switch-over points as Java's Double.toString, which Cypher implementations follow.
  bool scientific = magnitude != 0 && (magnitude < 1e-3 || magnitude >= 1e7);
  auto [end, ec] =
      std::to_chars(buffer, buffer + sizeof(buffer), value,
                    scientific ? std::chars_format::scientific : std::chars_format::fixed);
  if (ec != std::errc()) return std::to_string(value);
  std::string text(buffer, end);
  if (!scientific) {
    if (text.find('.') == std::string::npos) text += ".0";
    return text;
  }
  // "1.5e-05" -> "1.5E-5", "1e+20" -> "1.0E20".
  size_t e = text.find('e');
  std::string mantissa = text.substr(0, e);
  if (mantissa.find('.') == std::string::npos) mantissa += ".0";
  std::string exponent = text.substr(e + 1);
  bool negative = !exponent.empty() && exponent[0] == '-';
  size_t digits = exponent.find_first_not_of("+-0");
  std::string exponent_digits = digits == std::string::npos ? "0" : exponent.substr(digits);
  return mantissa + "E" + (negative ? "-" : "") + exponent_digits;
}

nlohmann::json to_json(const Value& value, const EntityRenderer& render_entity) {
  switch (value.type()) {
    case Value::Type::kNull:
      return nullptr;
    case Value::Type::kBool:
      return value.as_bool();
    case Value::Type::kInt:
      return value.as_int();
    case Value::Type::kFloat:
      return float_json(value.as_float());
    case Value::Type::kString:
      return value.as_string();
    case Value::Type::kList: {
      nlohmann::json array = nlohmann::json::array();
      for (const Value& item : value.as_list()) array.push_back(to_json(item, render_entity));
      return array;
    }
    case Value::Type::kMap: {
      nlohmann::json object = nlohmann::json::object();
      for (const auto& [key, item] : value.as_map()) object[key] = to_json(item, render_entity);
      return object;
    }
    case Value::Type::kDate:
    case Value::Type::kLocalDateTime:
    case Value::Type::kDateTime:
    case Value::Type::kDuration:
    case Value::Type::kLocalTime:
    case Value::Type::kTime:
      return temporal_text(value);
    case Value::Type::kNode:
    case Value::Type::kRelationship:
    case Value::Type::kPath:
      break;
  }
  if (render_entity) return render_entity(value);
  if (value.is_node()) return node_json(value.as_node());
  if (value.is_relationship()) return relationship_json(value.as_relationship());
  const PathValue& path = value.as_path();
  nlohmann::json nodes = nlohmann::json::array();
  for (const NodeRef& node : path.nodes) nodes.push_back(node_json(node));
  nlohmann::json relationships = nlohmann::json::array();
  for (const RelationshipRef& rel : path.relationships) {
    relationships.push_back(relationship_json(rel));
  }
  return {{"nodes", std::move(nodes)}, {"relationships", std::move(relationships)}};
}

Result<Value> from_json(const nlohmann::json& json) { return from_json_at(json, 0); }

}  // namespace expgraph::cypher
