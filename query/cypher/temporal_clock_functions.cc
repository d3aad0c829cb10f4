// The clock forms of the temporal constructors: X.statement(), X.transaction() and X.realtime()
// for X = date, localdatetime, datetime, localtime and time, each with an optional time zone
// (`datetime.transaction('Europe/Paris')`). Added to the function table by functions.cc.
//
// Neo4j names three clocks. The statement and transaction clocks are read once: a query sent to
// POST /v1/query is one statement in a transaction of its own, so both are the statement's
// clock (CallContext::statement_nanos, read as the query starts), the instant X() with no
// argument also reads, and every call in the query agrees. The realtime clock is read again at
// each call. The value is built by the constructor itself, X() or X({timezone: zone}), so the
// clock forms answer exactly as those do.
#include <string>
#include <string_view>
#include <vector>

#include "query/cypher/function_registry.h"

namespace expgraph::cypher {

namespace {

enum class Constructor { kDate, kLocalDateTime, kDateTime, kLocalTime, kTime };
enum class Clock { kStatement, kTransaction, kRealtime };

constexpr std::string_view constructor_name(Constructor constructor) {
  switch (constructor) {
    case Constructor::kDate:
      return "date";
    case Constructor::kLocalDateTime:
      return "localdatetime";
    case Constructor::kDateTime:
      return "datetime";
    case Constructor::kLocalTime:
      return "localtime";
    case Constructor::kTime:
      return "time";
  }
  return "date";
}

constexpr std::string_view clock_name(Clock clock) {
  switch (clock) {
    case Clock::kStatement:
      return "statement";
    case Clock::kTransaction:
      return "transaction";
    case Clock::kRealtime:
      return "realtime";
  }
  return "statement";
}

// X.clock([timezone]): now on `clock`, in UTC or in the zone given (a name such as
// 'Europe/Paris' or an offset such as '+01:00'); null for a null zone, as the TCK's Temporal4
// expects of every temporal constructor.
template <Constructor kConstructor, Clock kClock>
Result<Value> fn_now(Args args, const CallContext& context) {
  const std::string name =
      std::string(constructor_name(kConstructor)) + "." + std::string(clock_name(kClock));
  std::vector<Value> forwarded;
  if (!args.empty()) {
    const Value& zone = args[0];
    if (zone.is_null()) return Value::null();
    if (!zone.is_string()) return argument_type_error(name, zone, "a STRING (a time zone)");
    forwarded.push_back(Value::map(Value::Map{{"timezone", zone}}));
  }
  const int64_t now = kClock == Clock::kRealtime ? statement_clock_now() : context.statement_nanos;
  return call_function(constructor_name(kConstructor), forwarded, context.budget, context.loader,
                       now);
}

template <Constructor kConstructor>
void add_clocks(FunctionTable& table) {
  const std::string prefix = std::string(constructor_name(kConstructor)) + ".";
  table.insert({
      {prefix + "statement", {0, 1, fn_now<kConstructor, Clock::kStatement>}},
      {prefix + "transaction", {0, 1, fn_now<kConstructor, Clock::kTransaction>}},
      {prefix + "realtime", {0, 1, fn_now<kConstructor, Clock::kRealtime>}},
  });
}

}  // namespace

void add_temporal_clock_functions(FunctionTable& table) {
  add_clocks<Constructor::kDate>(table);
  add_clocks<Constructor::kLocalDateTime>(table);
  add_clocks<Constructor::kDateTime>(table);
  add_clocks<Constructor::kLocalTime>(table);
  add_clocks<Constructor::kTime>(table);
}

}  // namespace expgraph::cypher
