#include "query/cypher/temporal_ops.h"

#include <functional>
#include <string>

#include "query/cypher/time_zone_db.h"
#include "query/cypher/value_ops.h"

namespace expgraph::cypher {

namespace {

bool is_temporal(const Value& v) {
  return v.is_temporal_instant() || v.is_time_of_day() || v.is_duration();
}

// A value on a time line of its own type: an instant or a time of day (not a duration).
bool is_point(const Value& v) { return v.is_temporal_instant() || v.is_time_of_day(); }

// The string read as the temporal type of `like`, when it reads as one.
std::optional<Value> coerce_string(const Value& like, const Value& text) {
  if (!text.is_string()) return std::nullopt;
  const std::string& s = text.as_string();
  if (like.is_date()) {
    auto date = parse_date(s);
    if (date.ok()) return Value::date(*date);
  } else if (like.is_local_datetime()) {
    auto dt = parse_local_datetime(s);
    if (dt.ok()) return Value::local_datetime(*dt);
  } else if (like.is_datetime()) {
    auto dt = parse_datetime(s);
    if (dt.ok()) return Value::datetime(*dt);
  } else if (like.is_local_time()) {
    auto time = parse_local_time(s);
    if (time.ok()) return Value::local_time(*time);
  } else if (like.is_time()) {
    auto time = parse_time(s);
    if (time.ok()) return Value::time(*time);
  }
  return std::nullopt;
}

// Nanoseconds on the value's time line: days for dates, the wall clock for local date-times,
// the UTC instant for date-times, the time of day for local times and its UTC reading for times.
__int128 time_line(const Value& v) {
  if (v.is_date()) return v.as_date().days;
  if (v.is_local_time()) return v.as_local_time().nanos;
  if (v.is_time()) {
    return v.as_time().nanos - static_cast<__int128>(v.as_time().offset_seconds) * kNanosPerSecond;
  }
  if (v.is_local_datetime()) {
    return static_cast<__int128>(v.as_local_datetime().seconds) * kNanosPerSecond +
           v.as_local_datetime().nanos;
  }
  return static_cast<__int128>(v.as_datetime().seconds) * kNanosPerSecond +
         v.as_datetime().nanos;
}

// Both sides as one temporal instant type, reading a string side as the other's type.
std::optional<std::pair<Value, Value>> aligned(const Value& a, const Value& b) {
  if (is_point(a) && a.type() == b.type()) return std::pair{a, b};
  if (is_point(a)) {
    if (auto other = coerce_string(a, b)) return std::pair{a, *other};
  }
  if (is_point(b)) {
    if (auto other = coerce_string(b, a)) return std::pair{*other, b};
  }
  return std::nullopt;
}

template <typename T>
int three(const T& x, const T& y) {
  return x < y ? -1 : (y < x ? 1 : 0);
}

Status component_error(const Value& value, std::string_view key) {
  return type_error(std::string(type_name(value.type())) + " has no component '" +
                    std::string(key) + "'");
}

}  // namespace

bool involves_temporal(const Value& a, const Value& b) { return is_temporal(a) || is_temporal(b); }

std::optional<std::partial_ordering> temporal_comparable_order(const Value& a, const Value& b) {
  auto pair = aligned(a, b);
  if (!pair) return std::nullopt;
  return time_line(pair->first) <=> time_line(pair->second);
}

bool temporal_equals(const Value& a, const Value& b) {
  if (a.is_duration() && b.is_duration()) return a.as_duration() == b.as_duration();
  auto pair = aligned(a, b);
  return pair && time_line(pair->first) == time_line(pair->second);
}

int temporal_order_compare(const Value& a, const Value& b) {
  if (a.is_duration()) {
    const DurationValue& x = a.as_duration();
    const DurationValue& y = b.as_duration();
    if (int c = three(x.months, y.months); c != 0) return c;
    if (int c = three(x.days, y.days); c != 0) return c;
    if (int c = three(x.seconds, y.seconds); c != 0) return c;
    return three(x.nanos, y.nanos);
  }
  if (int c = three(time_line(a), time_line(b)); c != 0) return c;
  if (a.is_datetime()) {
    // The same instant: by offset, then a fixed offset before a named zone, then by zone name
    // (not by id, which depends on the order zones were first used in).
    const DateTimeValue& x = a.as_datetime();
    const DateTimeValue& y = b.as_datetime();
    if (int c = three(x.offset_seconds, y.offset_seconds); c != 0) return c;
    if (x.zone == y.zone) return 0;
    if (x.zone == kNoTimeZone || y.zone == kNoTimeZone) return x.zone == kNoTimeZone ? -1 : 1;
    return three(TimeZoneDb::instance().name(x.zone), TimeZoneDb::instance().name(y.zone));
  }
  if (a.is_time()) return three(a.as_time().offset_seconds, b.as_time().offset_seconds);
  return 0;
}

size_t temporal_hash(const Value& value) {
  if (value.is_duration()) {
    const DurationValue& d = value.as_duration();
    return std::hash<int64_t>{}(d.months) ^ (std::hash<int64_t>{}(d.days) << 1) ^
           (std::hash<int64_t>{}(d.seconds) << 2) ^ (std::hash<int32_t>{}(d.nanos) << 3);
  }
  __int128 t = time_line(value);
  return std::hash<int64_t>{}(static_cast<int64_t>(t)) ^
         std::hash<int64_t>{}(static_cast<int64_t>(t >> 64));
}

namespace {

Result<Value> shift(const Value& instant, const DurationValue& duration) {
  if (instant.is_local_time())
    return Value::local_time(add_duration(instant.as_local_time(), duration));
  if (instant.is_time()) return Value::time(add_duration(instant.as_time(), duration));
  if (instant.is_date()) {
    auto moved = add_duration(instant.as_date(), duration);
    if (!moved.ok()) return moved.status();
    return Value::date(*moved);
  }
  if (instant.is_local_datetime()) {
    auto moved = add_duration(instant.as_local_datetime(), duration);
    if (!moved.ok()) return moved.status();
    return Value::local_datetime(*moved);
  }
  auto moved = add_duration(instant.as_datetime(), duration);
  if (!moved.ok()) return moved.status();
  return Value::datetime(*moved);
}

Status operands_error(std::string_view verb, const Value& a, const Value& b) {
  return type_error("cannot " + std::string(verb) + " " + std::string(type_name(a.type())) +
                    " and " + std::string(type_name(b.type())));
}

}  // namespace

std::optional<Result<Value>> temporal_add(const Value& a, const Value& b) {
  if (!involves_temporal(a, b)) return std::nullopt;
  // Joined with a string as its ISO-8601 text, as numbers are.
  if (a.is_string()) return Result<Value>(Value::string(a.as_string() + temporal_text(b)));
  if (b.is_string()) return Result<Value>(Value::string(temporal_text(a) + b.as_string()));
  if (a.is_duration() && b.is_duration()) {
    auto sum = add_durations(a.as_duration(), b.as_duration());
    if (!sum.ok()) return Result<Value>(sum.status());
    return Result<Value>(Value::duration(*sum));
  }
  if (is_point(a) && b.is_duration()) return shift(a, b.as_duration());
  if (a.is_duration() && is_point(b)) return shift(b, a.as_duration());
  return Result<Value>(operands_error("add", a, b));
}

std::optional<Result<Value>> temporal_subtract(const Value& a, const Value& b) {
  if (!involves_temporal(a, b)) return std::nullopt;
  if (b.is_duration() && (a.is_duration() || is_point(a))) {
    auto negated = negate_duration(b.as_duration());
    if (!negated.ok()) return Result<Value>(negated.status());
    if (a.is_duration()) {
      auto sum = add_durations(a.as_duration(), *negated);
      if (!sum.ok()) return Result<Value>(sum.status());
      return Result<Value>(Value::duration(*sum));
    }
    return shift(a, *negated);
  }
  if (is_point(a) && is_point(b)) {
    return Result<Value>(type_error(
        "cannot subtract " + std::string(type_name(b.type())) + " from " +
        std::string(type_name(a.type())) + ": use duration.between(a, b)"));
  }
  return Result<Value>(operands_error("subtract", a, b));
}

std::optional<Result<Value>> temporal_multiply(const Value& a, const Value& b) {
  if (!involves_temporal(a, b)) return std::nullopt;
  const Value& duration = a.is_duration() ? a : b;
  const Value& factor = a.is_duration() ? b : a;
  if (!duration.is_duration() || !factor.is_number()) {
    return Result<Value>(operands_error("multiply", a, b));
  }
  auto scaled = scale_duration(duration.as_duration(), factor.as_number());
  if (!scaled.ok()) return Result<Value>(scaled.status());
  return Result<Value>(Value::duration(*scaled));
}

std::optional<Result<Value>> temporal_divide(const Value& a, const Value& b) {
  if (!involves_temporal(a, b)) return std::nullopt;
  if (!a.is_duration() || !b.is_number()) return Result<Value>(operands_error("divide", a, b));
  if (b.as_number() == 0) {
    return Result<Value>(
        Status::unprocessable("division_by_zero", "a duration divided by zero"));
  }
  auto scaled = scale_duration(a.as_duration(), 1.0 / b.as_number());
  if (!scaled.ok()) return Result<Value>(scaled.status());
  return Result<Value>(Value::duration(*scaled));
}

WallClock wall_clock(const Value& value) {
  if (value.is_date()) return WallClock{value.as_date().days * kSecondsPerDay, 0, false};
  if (value.is_time_of_day()) {
    int64_t nanos = value.is_local_time() ? value.as_local_time().nanos : value.as_time().nanos;
    return WallClock{nanos / kNanosPerSecond, static_cast<int32_t>(nanos % kNanosPerSecond), true};
  }
  if (value.is_local_datetime()) {
    return WallClock{value.as_local_datetime().seconds, value.as_local_datetime().nanos, true};
  }
  const DateTimeValue& dt = value.as_datetime();
  return WallClock{dt.seconds + dt.offset_seconds, dt.nanos, true};
}

Result<Value> temporal_component(const Value& value, std::string_view key) {
  if (value.is_duration()) {
    auto component = duration_component(value.as_duration(), key);
    if (!component) return component_error(value, key);
    return Value::integer(*component);
  }
  if (value.is_time()) {
    const TimeValue& time = value.as_time();
    if (key == "timezone" || key == "offset")
      return Value::string(format_utc_offset(time.offset_seconds));
    if (key == "offsetMinutes") return Value::integer(time.offset_seconds / 60);
    if (key == "offsetSeconds") return Value::integer(time.offset_seconds);
  }
  if (value.is_time_of_day()) {
    // A time of day has no date: only the time components.
    static constexpr std::string_view kTimeKeys[] = {"hour",        "minute",      "second",
                                                     "millisecond", "microsecond", "nanosecond"};
    bool known = false;
    for (std::string_view name : kTimeKeys) known = known || key == name;
    if (!known) return component_error(value, key);
  }
  if (value.is_datetime()) {
    const DateTimeValue& dt = value.as_datetime();
    // A named zone's offset is the one it has at this instant (kept in the value).
    if (key == "timezone") return Value::string(datetime_zone_text(dt));
    if (key == "offset") return Value::string(format_utc_offset(dt.offset_seconds));
    if (key == "offsetMinutes") return Value::integer(dt.offset_seconds / 60);
    if (key == "offsetSeconds") return Value::integer(dt.offset_seconds);
    if (key == "epochSeconds") return Value::integer(dt.seconds);
    if (key == "epochMillis") return Value::integer(dt.seconds * 1000 + dt.nanos / 1000000);
  }
  auto component = clock_component(wall_clock(value), key);
  if (!component) return component_error(value, key);
  return Value::integer(*component);
}

}  // namespace expgraph::cypher
