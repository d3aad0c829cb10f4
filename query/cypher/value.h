// Value: the runtime value of a Cypher expression (null, bool, integer, float, string, list, map,
// node / relationship reference, path, date, local date-time, date-time, duration, local time,
// time). Used by the parser for literals and by the executor for
// every row. Immutable and cheap to copy: scalars are inline, strings/lists/maps/paths are
// shared (a query copies its values often: a copied 100 MB string took 0.3 s).
// Thread-safe to share between threads once built (no mutation after construction).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "ontology/status.h"
#include "query/cypher/temporal.h"

namespace expgraph::cypher {

class Value;

// A node as the query engine sees it: the storage id plus its ontology type (its only label).
// Properties are not carried: the executor loads them from the graph on demand.
struct NodeRef {
  uint64_t id = 0;
  std::string type;
  friend bool operator==(const NodeRef&, const NodeRef&) = default;
};

// A relationship is identified by (src, type, dst): storage keeps at most one edge per triple.
struct RelationshipRef {
  uint64_t src = 0;
  uint64_t dst = 0;
  std::string type;
  friend bool operator==(const RelationshipRef&, const RelationshipRef&) = default;
};

// An alternating walk: nodes.size() == relationships.size() + 1 for a well-formed path.
struct PathValue {
  std::vector<NodeRef> nodes;
  std::vector<RelationshipRef> relationships;
  friend bool operator==(const PathValue&, const PathValue&) = default;
};

class Value {
 public:
  // Declaration order is the variant index order; do not reorder without updating value.cc.
  enum class Type {
    kNull,
    kBool,
    kInt,
    kFloat,
    kString,
    kList,
    kMap,
    kNode,
    kRelationship,
    kPath,
    kDate,
    kLocalDateTime,
    kDateTime,
    kDuration,
    kLocalTime,
    kTime,
  };
  using List = std::vector<Value>;
  // Keys sorted: keys(), JSON output and map ordering are deterministic.
  using Map = std::map<std::string, Value, std::less<>>;

  Value() = default;  // null
  static Value null() { return Value(); }
  static Value boolean(bool b) { return Value(Storage(b)); }
  static Value integer(int64_t i) { return Value(Storage(i)); }
  static Value floating(double d) { return Value(Storage(d)); }
  static Value string(std::string s) {
    return Value(Storage(std::make_shared<const std::string>(std::move(s))));
  }
  // A string value sharing `s` (not null): no copy, for strings kept elsewhere (the property
  // columns).
  static Value shared_string(std::shared_ptr<const std::string> s) {
    return Value(Storage(std::move(s)));
  }
  static Value list(List items);
  static Value map(Map entries);
  static Value node(uint64_t id, std::string type);
  static Value relationship(uint64_t src, uint64_t dst, std::string type);
  static Value path(PathValue path);
  static Value date(DateValue date) { return Value(Storage(date)); }
  static Value local_datetime(LocalDateTimeValue dt) { return Value(Storage(dt)); }
  static Value datetime(DateTimeValue dt) { return Value(Storage(dt)); }
  static Value duration(DurationValue duration) { return Value(Storage(duration)); }
  static Value local_time(LocalTimeValue time) { return Value(Storage(time)); }
  static Value time(TimeValue time) { return Value(Storage(time)); }

  Type type() const { return static_cast<Type>(storage_.index()); }
  bool is_null() const { return type() == Type::kNull; }
  bool is_bool() const { return type() == Type::kBool; }
  bool is_int() const { return type() == Type::kInt; }
  bool is_float() const { return type() == Type::kFloat; }
  bool is_number() const { return is_int() || is_float(); }
  bool is_string() const { return type() == Type::kString; }
  bool is_list() const { return type() == Type::kList; }
  bool is_map() const { return type() == Type::kMap; }
  bool is_node() const { return type() == Type::kNode; }
  bool is_relationship() const { return type() == Type::kRelationship; }
  bool is_path() const { return type() == Type::kPath; }
  bool is_date() const { return type() == Type::kDate; }
  bool is_local_datetime() const { return type() == Type::kLocalDateTime; }
  bool is_datetime() const { return type() == Type::kDateTime; }
  bool is_duration() const { return type() == Type::kDuration; }
  bool is_local_time() const { return type() == Type::kLocalTime; }
  bool is_time() const { return type() == Type::kTime; }
  // A local time or a time: a time of day without a date.
  bool is_time_of_day() const { return is_local_time() || is_time(); }
  // A date, local date-time or date-time (an instant on a calendar, unlike a duration).
  bool is_temporal_instant() const { return is_date() || is_local_datetime() || is_datetime(); }

  // Accessors require the matching type (checked by std::get: a mismatch is a bug).
  bool as_bool() const { return std::get<bool>(storage_); }
  int64_t as_int() const { return std::get<int64_t>(storage_); }
  double as_float() const { return std::get<double>(storage_); }
  // The numeric value as a double, for an int or a float.
  double as_number() const { return is_int() ? static_cast<double>(as_int()) : as_float(); }
  const std::string& as_string() const {
    return *std::get<std::shared_ptr<const std::string>>(storage_);
  }
  const List& as_list() const { return *std::get<std::shared_ptr<const List>>(storage_); }
  const Map& as_map() const { return *std::get<std::shared_ptr<const Map>>(storage_); }
  const NodeRef& as_node() const { return std::get<NodeRef>(storage_); }
  const RelationshipRef& as_relationship() const { return std::get<RelationshipRef>(storage_); }
  const PathValue& as_path() const { return *std::get<std::shared_ptr<const PathValue>>(storage_); }
  const DateValue& as_date() const { return std::get<DateValue>(storage_); }
  const LocalDateTimeValue& as_local_datetime() const {
    return std::get<LocalDateTimeValue>(storage_);
  }
  const DateTimeValue& as_datetime() const { return std::get<DateTimeValue>(storage_); }
  const DurationValue& as_duration() const { return std::get<DurationValue>(storage_); }
  const LocalTimeValue& as_local_time() const { return std::get<LocalTimeValue>(storage_); }
  const TimeValue& as_time() const { return std::get<TimeValue>(storage_); }

  // How many lists and maps nest in this value: 0 for a scalar, 1 for [1, 2], 2 for [[1]].
  // Read in constant time (each list and map records its own when it is built), so the
  // evaluator can hold values to the one nesting limit (ontology/json_text.h) at every step.
  int nesting() const;

  // Structural identity for tests and containers: same type and same contents (1 != 1.0,
  // null == null). Query semantics live in value_ops.h (equals, equivalent, order_compare).
  friend bool operator==(const Value& a, const Value& b);

  // A Cypher-literal-like rendering for debugging and tests: 1, 1.5, 'it\'s', [1, null],
  // {a: 1}, (#12:Experiment), [#1-TESTS->#2], <(#1)-[TESTS]->(#2)>.
  std::string debug_string() const;

 private:
  using Storage =
      std::variant<std::monostate, bool, int64_t, double, std::shared_ptr<const std::string>,
                   std::shared_ptr<const List>, std::shared_ptr<const Map>, NodeRef,
                   RelationshipRef, std::shared_ptr<const PathValue>, DateValue,
                   LocalDateTimeValue, DateTimeValue, DurationValue, LocalTimeValue, TimeValue>;
  explicit Value(Storage storage) : storage_(std::move(storage)) {}
  Storage storage_;
};

// "NULL", "BOOLEAN", "INTEGER", "FLOAT", "STRING", "LIST", "MAP", "NODE", "RELATIONSHIP", "PATH",
// "DATE", "LOCAL DATETIME", "DATETIME", "DURATION", "LOCAL TIME", "TIME": the names used in
// type-error messages.
std::string_view type_name(Value::Type type);

// Cypher-style text of a float, as toString() gives it: 1.0, 0.5, 1.0E20, NaN, Infinity.
std::string format_float(double value);

// Estimates of the memory values take, in bytes, for the query memory budget (QueryBudget):
// what a new string of `length` bytes and a new list of `count` elements take (the elements are
// shared, not copied), and what `value` takes with everything it reaches (a part shared by
// several values is counted in each, as rendering the answer would repeat it).
uint64_t string_bytes(uint64_t length);
uint64_t list_bytes(uint64_t count);
uint64_t value_bytes(const Value& value);

// Renders a node, relationship or path for a query's JSON answer; the executor supplies one that
// loads properties from the graph. Called only for those three types.
using EntityRenderer = std::function<nlohmann::json(const Value&)>;

// Converts a value to JSON for responses. Without a renderer, a node is {"id": 12, "type":
// "Experiment"}, a relationship {"src": 1, "dst": 2, "type": "TESTS"} and a path
// {"nodes": [...], "relationships": [...]}. NaN and infinities, which JSON cannot carry, become
// the strings "NaN", "Infinity" and "-Infinity"; temporal values their ISO-8601 text.
nlohmann::json to_json(const Value& value, const EntityRenderer& render_entity = {});

// The ISO-8601 text of a temporal value (what toString() and JSON give); "" for other types.
std::string temporal_text(const Value& value);

// Converts a JSON query parameter to a value: objects become maps, arrays lists; integers that
// do not fit in int64 and nesting deeper than 256 are rejected with invalid_argument.
Result<Value> from_json(const nlohmann::json& json);

}  // namespace expgraph::cypher
