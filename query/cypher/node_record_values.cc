#include "query/cypher/node_record_values.h"

#include <limits>
#include <utility>
#include <vector>

#include "graph/value_codec.h"
#include "ontology/json_text.h"

namespace expgraph::cypher {

namespace {

// Builds Values from the record's property events with a stack of open lists and maps.
class ValueBuilder : public NodeRecordVisitor {
 public:
  void node_type(std::string_view type) override { values.type = type; }
  void node_key(std::string_view key) override { values.key = key; }

  bool null() override { return add(Value::null()); }
  bool boolean(bool value) override { return add(Value::boolean(value)); }
  bool number_integer(number_integer_t value) override { return add(Value::integer(value)); }
  bool number_unsigned(number_unsigned_t value) override {
    if (value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      error = Status::invalid_argument("integer parameter " + std::to_string(value) +
                                       " does not fit in a signed 64-bit integer");
      return false;
    }
    return add(Value::integer(static_cast<int64_t>(value)));
  }
  bool number_float(number_float_t value, const string_t&) override {
    return add(Value::floating(value));
  }
  bool string(string_t& value) override { return add(Value::string(std::move(value))); }
  bool binary(binary_t&) override {
    error = Status::invalid_argument("a stored property holds binary data");
    return false;
  }
  bool start_object(std::size_t) override { return open(true); }
  bool key(string_t& name) override {
    open_.back().key = std::move(name);
    return true;
  }
  bool end_object() override { return close(); }
  bool start_array(std::size_t size) override {
    if (!open(false)) return false;
    open_.back().list.reserve(size);
    return true;
  }
  bool end_array() override { return close(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

  NodeRecordValues values;
  Status error;

 private:
  struct Container {
    bool is_map = true;
    Value::Map map;
    Value::List list;
    std::string key;  // the map entry being read
  };

  bool open(bool is_map) {
    // As from_json: the property map is depth 0, and nesting stops at kMaxJsonDepth.
    if (open_.size() >= static_cast<size_t>(kMaxJsonDepth)) {
      error = Status::invalid_argument("JSON value nests deeper than " +
                                       std::to_string(kMaxJsonDepth) + " levels (the limit)");
      return false;
    }
    open_.emplace_back();
    open_.back().is_map = is_map;
    return true;
  }
  bool add(Value value) {
    if (open_.empty()) return false;  // a property value outside the property map
    Container& container = open_.back();
    if (container.is_map) {
      container.map.insert_or_assign(std::move(container.key), std::move(value));
    } else {
      container.list.push_back(std::move(value));
    }
    return true;
  }
  bool close() {
    Container container = std::move(open_.back());
    open_.pop_back();
    if (open_.empty()) {
      if (!container.is_map) return false;
      values.properties = std::move(container.map);
      return true;
    }
    return add(container.is_map ? Value::map(std::move(container.map))
                                : Value::list(std::move(container.list)));
  }

  std::vector<Container> open_;
};

}  // namespace

Result<NodeRecordValues> read_node_record(NodeId id, std::string_view bytes) {
  ValueBuilder builder;
  Status status = visit_node_record(id, bytes, builder);
  if (!builder.error.ok()) return builder.error;
  if (!status.ok()) return status;
  return std::move(builder.values);
}

}  // namespace expgraph::cypher
