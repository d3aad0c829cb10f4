// The built-in Cypher functions that need no graph traversal (size, coalesce, toInteger, round,
// ...), with openCypher null behaviour, plus the list of aggregate function names. Used by the
// executor when it evaluates a FunctionCallExpr that is not an aggregate. Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "ontology/status.h"
#include "query/cypher/value.h"
#include "query/query_budget.h"

namespace expgraph::cypher {

// Reads the properties of a node or relationship. The executor implements it over the graph
// store so that keys(n) and properties(n) work; without one, those calls on entities fail.
class PropertyLoader {
 public:
  virtual ~PropertyLoader() = default;
  // The stored properties of `entity` (a node or relationship value).
  virtual Result<Value::Map> load_properties(const Value& entity) const = 0;
  // The node with this id (null when it is gone): startNode() and endNode() use it.
  virtual Value node_by_id(uint64_t id) const = 0;
};

// `text` with A-Z lowered: function names are case-insensitive.
std::string lower_ascii(std::string_view text);
// count, sum, avg, min, max, collect, stdev, stdevp, percentileCont, percentileDisc
// (case-insensitive).
bool is_aggregate_function(std::string_view name);
// How many arguments an aggregate takes: 2 for percentileCont/Disc (value, percentile), else 1.
size_t aggregate_argument_count(std::string_view name);
// Ok when call_function() implements `name` and takes `arg_count` arguments; unknown_function
// or invalid_arguments otherwise. The binder checks each call with it before a query runs.
Status check_scalar_call(std::string_view name, size_t arg_count);

// Calls the scalar function `name` (case-insensitive). Null arguments give null, as openCypher
// specifies, except for coalesce. Failures: unknown_function for a name it does not know,
// invalid_arguments for a wrong argument count, type_error for a wrong argument type, and
// integer_overflow where a result cannot be represented. A function that builds a string or a
// list charges `budget` before it allocates (query_memory_limit) and checks its deadline while
// it loops (query_timeout).
//   id(node) labels(node) type(rel) keys(map|node|rel) properties(map|node|rel)
//   nodes(path) relationships(path) size(list|string) length(path|list|string) coalesce(...)
//   toString toInteger toFloat toBoolean abs round(x[, digits]) ceil floor sign sqrt
//   toLower toUpper trim ltrim rtrim substring left right replace split reverse
//   head last tail range(start, end[, step]) exists(x) startNode endNode isEmpty nullIf
//   e pi exp log log10 sin cos tan asin acos atan atan2 cot degrees radians haversin isNaN
//   rand timestamp toStringOrNull toIntegerOrNull toFloatOrNull toBooleanOrNull
//   toStringList toIntegerList toFloatList toBooleanList char_length character_length
//   btrim and the temporal functions of temporal_functions.cc (date, datetime, duration, ...)
//   and temporal_clock_functions.cc (date.statement, datetime.transaction, time.realtime, ...)
// String functions count Unicode code points; toLower/toUpper map each letter to its other
// case by Unicode's simple one-to-one mapping (unicode_case.h).
// `statement_nanos` is the statement's clock (statement_clock_now() when the statement began):
// date(), localdatetime(), datetime(), timestamp() and the X.statement() and X.transaction()
// forms read it, so every call in one statement gives the same instant, as openCypher specifies;
// without it they read the system clock at each call. X.realtime() always reads the system
// clock.
Result<Value> call_function(std::string_view name, std::span<const Value> args, QueryBudget& budget,
                            const PropertyLoader* loader = nullptr,
                            std::optional<int64_t> statement_nanos = std::nullopt);
// Now, in nanoseconds since the Unix epoch (UTC): what a statement's clock is set to.
int64_t statement_clock_now();

}  // namespace expgraph::cypher
