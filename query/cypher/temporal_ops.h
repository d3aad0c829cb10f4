// openCypher operators on temporal Values (temporal.h): comparison, the ORDER BY order within a
// temporal type, arithmetic with durations and component access (`d.year`). value_ops.cc
// calls these for temporal operands so that operator meaning stays in one place per type.
// Pure functions; thread-safe.
#pragma once

#include <compare>
#include <optional>
#include <string_view>

#include "ontology/status.h"
#include "query/cypher/value.h"

namespace expgraph::cypher {

// Whether a or b is a temporal value (date, local date-time, date-time, local time, time,
// duration).
bool involves_temporal(const Value& a, const Value& b);

// `a <op> b` ordering when a temporal value is involved: values of one temporal type order by
// time (date-times by instant); a string beside a date, local date-time or date-time is read as
// one (so `e.started_at >= '2014-06-01'` keeps working on date properties). nullopt (null) for
// anything else, durations included: they have no order.
std::optional<std::partial_ordering> temporal_comparable_order(const Value& a, const Value& b);
// `a = b` when a temporal value is involved: same type and same time (date-times: same instant),
// or a string that reads as the same value. Never null (null operands are handled before).
bool temporal_equals(const Value& a, const Value& b);
// The ORDER BY order of two values of the same temporal type; date-times of the same instant
// order by offset, durations by months, days, seconds.
int temporal_order_compare(const Value& a, const Value& b);
size_t temporal_hash(const Value& value);

// + and -: date/date-time ± duration, duration + date/date-time, duration ± duration.
// nullopt when neither side is temporal.
std::optional<Result<Value>> temporal_add(const Value& a, const Value& b);
std::optional<Result<Value>> temporal_subtract(const Value& a, const Value& b);
// duration * number, number * duration, duration / number.
std::optional<Result<Value>> temporal_multiply(const Value& a, const Value& b);
std::optional<Result<Value>> temporal_divide(const Value& a, const Value& b);

// `value.key` on a temporal value: d.year, dt.hour, dt.timezone, dur.days, ... type_error
// naming the value's type for a component it does not have.
Result<Value> temporal_component(const Value& value, std::string_view key);

// The wall-clock reading of a date, local date-time or date-time (in its own offset); a local
// time or time reads as that time on 1970-01-01.
WallClock wall_clock(const Value& value);

}  // namespace expgraph::cypher
