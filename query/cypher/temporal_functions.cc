// The temporal functions: the constructors date(), localdatetime(), datetime(), localtime(),
// time() and duration()
// (from nothing for now, from ISO-8601 strings, from maps and from other temporal values),
// X.truncate(unit, value) and duration.between / inMonths / inDays / inSeconds.
#include <cctype>
#include <optional>
#include <string>

#include "query/cypher/function_registry.h"
#include "query/cypher/temporal_ops.h"
#include "query/cypher/time_zone_db.h"
#include "query/cypher/value_ops.h"

namespace expgraph::cypher {

namespace {

Status invalid_arguments(std::string message) {
  return Status::unprocessable("invalid_arguments", std::move(message));
}

// Parse failures are the caller's bad argument: 422 invalid_arguments with the parser's words.
template <typename T>
Result<T> parsed(Result<T> result) {
  if (result.ok() || result.status().code() != StatusCode::kInvalidArgument) return result;
  return invalid_arguments(result.status().message());
}

// The statement's clock: one instant for every call of the statement.
WallClock now_utc(const CallContext& context) {
  const int64_t nanos = context.statement_nanos;
  return WallClock{nanos / kNanosPerSecond, static_cast<int32_t>(nanos % kNanosPerSecond), true};
}

// The map's keys, each known; `allowed` lists them for the error message.
Status check_keys(std::string_view function, const Value::Map& map,
                  std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : map) {
    bool known = false;
    for (std::string_view name : allowed) known = known || key == name;
    if (!known) {
      std::string list;
      for (std::string_view name : allowed) list += (list.empty() ? "" : ", ") + std::string(name);
      return invalid_arguments(std::string(function) + "() does not take '" + key +
                               "' in its map; it takes " + list);
    }
  }
  return Status();
}

// An integer entry of a constructor map, or `fallback` when absent.
Result<int64_t> int_entry(std::string_view function, const Value::Map& map, std::string_view key,
                          int64_t fallback) {
  auto it = map.find(key);
  if (it == map.end() || it->second.is_null()) return fallback;
  if (!it->second.is_int()) {
    return type_error(std::string(function) + "() expects an INTEGER for '" + std::string(key) +
                      "' but got " + std::string(type_name(it->second.type())));
  }
  return it->second.as_int();
}

// The day (counted from 1970-01-01) that a map names by {year, quarter[, dayOfQuarter]},
// {year, week[, dayOfWeek]} (an ISO week of the week-based year) or {year, ordinalDay}, as
// openCypher's constructors take them; nullopt when the map uses none of these keys.
Result<std::optional<int64_t>> day_from_calendar_keys(std::string_view function,
                                                      const Value::Map& map) {
  const int by_quarter = map.contains("quarter") || map.contains("dayOfQuarter");
  const int by_week = map.contains("week") || map.contains("dayOfWeek");
  const int by_ordinal = map.contains("ordinalDay");
  if (by_quarter + by_week + by_ordinal == 0) return std::optional<int64_t>();
  const std::string name(function);
  if (by_quarter + by_week + by_ordinal > 1 || map.contains("month") || map.contains("day") ||
      !map.contains("year")) {
    return invalid_arguments(name +
                             "() takes year with quarter and dayOfQuarter, with week and "
                             "dayOfWeek, or with ordinalDay, without month or day");
  }
  auto year = int_entry(function, map, "year", 0);
  if (!year.ok()) return year.status();
  if (!is_valid_civil(*year, 1, 1)) {
    return invalid_arguments(name + "(): no year " + std::to_string(*year));
  }
  // [first, end): the days the unit spans, then the day's number within it (from 1).
  int64_t first = 0, end = 0;
  Result<int64_t> number = int64_t{0};
  if (by_quarter) {
    auto quarter = int_entry(function, map, "quarter", 1);
    if (!quarter.ok()) return quarter.status();
    if (*quarter < 1 || *quarter > 4) {
      return invalid_arguments(name + "(): no quarter " + std::to_string(*quarter));
    }
    const int month = static_cast<int>(*quarter - 1) * 3 + 1;
    first = days_from_civil({*year, month, 1});
    end = *quarter == 4 ? days_from_civil({*year + 1, 1, 1})
                        : days_from_civil({*year, month + 3, 1});
    number = int_entry(function, map, "dayOfQuarter", 1);
  } else if (by_week) {
    auto week = int_entry(function, map, "week", 1);
    if (!week.ok()) return week.status();
    const int64_t weeks = (first_iso_monday(*year + 1) - first_iso_monday(*year)) / 7;
    if (*week < 1 || *week > weeks) {
      return invalid_arguments(name + "(): " + std::to_string(*year) + " has no week " +
                               std::to_string(*week));
    }
    first = first_iso_monday(*year) + (*week - 1) * 7;
    end = first + 7;
    number = int_entry(function, map, "dayOfWeek", 1);
  } else {
    first = days_from_civil({*year, 1, 1});
    end = days_from_civil({*year + 1, 1, 1});
    number = int_entry(function, map, "ordinalDay", 1);
  }
  if (!number.ok()) return number.status();
  if (*number < 1 || *number > end - first) {
    return invalid_arguments(name + "(): no such day " + std::to_string(*number) + " in the " +
                             (by_quarter ? "quarter" : by_week ? "week" : "year"));
  }
  return std::optional<int64_t>(first + *number - 1);
}

// The nanoseconds of the second a constructor map gives over a base's `base_nanos` (0 to
// 999,999,999). Given together, millisecond, microsecond and nanosecond add up
// ({millisecond: 123, microsecond: 456, nanosecond: 789} is .123456789). Over a base, the
// finest key given replaces the base's digits from its own precision down, and a value below
// 1000 keeps the coarser digits: .645 with {nanosecond: 2} is .645000002, as the TCK's
// truncations with a map have it.
Result<int64_t> sub_second_from_map(std::string_view function, const Value::Map& map,
                                    int64_t base_nanos) {
  auto milli = int_entry(function, map, "millisecond", 0);
  auto micro = int_entry(function, map, "microsecond", 0);
  auto nano = int_entry(function, map, "nanosecond", 0);
  for (const auto* part : {&milli, &micro, &nano}) {
    if (!part->ok()) return part->status();
  }
  if (*milli < 0 || *milli > 999 || *micro < 0 || *micro > 999999 || *nano < 0 ||
      *nano > 999999999) {
    return invalid_arguments(std::string(function) + "(): a time component is out of range");
  }
  const bool has_milli = map.contains("millisecond");
  const bool has_micro = map.contains("microsecond");
  const bool has_nano = map.contains("nanosecond");
  int64_t nanos = base_nanos;
  if (has_milli) {
    nanos = *milli * 1000000 + *micro * 1000 + *nano;
  } else if (has_micro) {
    nanos = (*micro < 1000 ? nanos - nanos % 1000000 : 0) + *micro * 1000 + *nano;
  } else if (has_nano) {
    nanos = (*nano < 1000 ? nanos - nanos % 1000 : 0) + *nano;
  }
  if (nanos > 999999999) {
    return invalid_arguments(std::string(function) +
                             "(): sub-second components add up to more than a second");
  }
  return nanos;
}

// The time of day (nanoseconds since midnight) a map's hour, minute, second and sub-second keys
// give over a base's time of day `base_nanos` (0 without a base): each key given replaces the
// base's.
Result<int64_t> time_of_day_from_map(std::string_view function, const Value::Map& map,
                                     int64_t base_nanos) {
  const int64_t base_of_day = base_nanos / kNanosPerSecond;
  auto hour = int_entry(function, map, "hour", base_of_day / 3600);
  auto minute = int_entry(function, map, "minute", base_of_day / 60 % 60);
  auto second = int_entry(function, map, "second", base_of_day % 60);
  for (const auto* part : {&hour, &minute, &second}) {
    if (!part->ok()) return part->status();
  }
  if (*hour < 0 || *hour > 23 || *minute < 0 || *minute > 59 || *second < 0 || *second > 59) {
    return invalid_arguments(std::string(function) + "(): a time component is out of range");
  }
  auto sub_second = sub_second_from_map(function, map, base_nanos % kNanosPerSecond);
  if (!sub_second.ok()) return sub_second.status();
  return (*hour * 3600 + *minute * 60 + *second) * kNanosPerSecond + *sub_second;
}

// The wall clock a map describes: a base temporal under `base_key` (date, datetime, ...),
// year/month/day, or the calendar keys of day_from_calendar_keys, then
// hour/minute/second/millisecond/microsecond/nanosecond.
Result<WallClock> clock_from_map(std::string_view function, const Value::Map& map,
                                 std::string_view base_key, bool with_time) {
  WallClock base{0, 0, with_time};
  CivilDate civil;
  bool has_base = false;
  if (auto it = map.find(base_key); it != map.end() && !it->second.is_null()) {
    if (!it->second.is_temporal_instant()) {
      return type_error(std::string(function) + "() expects a temporal value for '" +
                        std::string(base_key) + "'");
    }
    base = wall_clock(it->second);
    civil = civil_from_days(floor_div(base.seconds, kSecondsPerDay));
    // {date: x} selects x's date only: the time comes from the map's keys (or is midnight),
    // as openCypher's TCK (Temporal3) has it; {datetime: x} takes x's time too.
    if (base_key == "date") base = WallClock{days_from_civil(civil) * kSecondsPerDay, 0, with_time};
    has_base = true;
  } else if (map.find("year") == map.end()) {
    return invalid_arguments(std::string(function) + "() needs at least 'year' in its map");
  }
  auto calendar_day = day_from_calendar_keys(function, map);
  if (!calendar_day.ok()) return calendar_day.status();
  if (*calendar_day && has_base) {
    return invalid_arguments(std::string(function) +
                             "(): quarter, week and ordinalDay take a year, not '" +
                             std::string(base_key) + "'");
  }
  int64_t days = calendar_day->value_or(0);
  if (!*calendar_day) {
    auto year = int_entry(function, map, "year", civil.year);
    auto month = int_entry(function, map, "month", has_base ? civil.month : 1);
    auto day = int_entry(function, map, "day", has_base ? civil.day : 1);
    for (const auto* part : {&year, &month, &day}) {
      if (!part->ok()) return part->status();
    }
    if (*month < 1 || *month > 12 || *day < 1 ||
        !is_valid_civil(*year, static_cast<int>(*month), static_cast<int>(*day))) {
      return invalid_arguments(std::string(function) + "(): no such date " + std::to_string(*year) +
                               "-" + std::to_string(*month) + "-" + std::to_string(*day));
    }
    days = days_from_civil({*year, static_cast<int>(*month), static_cast<int>(*day)});
  }
  int64_t of_day = 0;
  int64_t nanos = 0;
  if (with_time) {
    int64_t base_of_day = has_base ? floor_mod(base.seconds, kSecondsPerDay) : 0;
    auto time = time_of_day_from_map(function, map,
                                     base_of_day * kNanosPerSecond + (has_base ? base.nanos : 0));
    if (!time.ok()) return time.status();
    of_day = *time / kNanosPerSecond;
    nanos = *time % kNanosPerSecond;
  }
  return WallClock{days * kSecondsPerDay + of_day, static_cast<int32_t>(nanos), with_time};
}

// A `timezone` given to a constructor: a UTC offset ('+01:00', 'Z') or a named zone
// ('Europe/Stockholm').
struct ZoneSpec {
  int32_t offset = 0;  // a fixed offset, when zone is kNoTimeZone
  TimeZoneId zone = kNoTimeZone;
};

Result<ZoneSpec> zone_from(const Value& timezone) {
  if (!timezone.is_string()) {
    return type_error("timezone must be a STRING such as '+01:00' or 'Europe/Stockholm'");
  }
  const std::string& text = timezone.as_string();
  if (text.empty() || text[0] == '+' || text[0] == '-' || text == "Z" || text == "z") {
    auto probe = parse_datetime("1970-01-01T00:00" + text);
    if (!probe.ok()) return invalid_arguments("invalid timezone '" + text + "'");
    return ZoneSpec{probe->offset_seconds, kNoTimeZone};
  }
  auto zone = TimeZoneDb::instance().find(text);
  if (!zone.ok()) return invalid_arguments(zone.status().message());
  return ZoneSpec{0, *zone};
}

// The zone of a date-time (its named zone, or its offset).
ZoneSpec zone_of(const DateTimeValue& dt) { return ZoneSpec{dt.offset_seconds, dt.zone}; }

// A time of day with the offset (and, for datetime(), the named zone) it is read in.
struct ZonedTimeOfDay {
  int64_t nanos = 0;
  int32_t offset = 0;
  TimeZoneId zone = kNoTimeZone;
};

// The time of day a map describes for localtime(), time() and datetime({..., time: t}): a base
// temporal with a time under `time` (its offset or zone too, when it has one), then
// hour/minute/second/millisecond/microsecond/nanosecond; then, with `with_timezone`, `timezone`,
// which moves a base with an offset to the new zone (around the clock) and gives one without an
// offset that zone. A named zone's offset is the one it has at that time on `day` (days since
// 1970-01-01) when the time is for a date-time, else at `zone_instant` (the statement's clock,
// UTC seconds): a time keeps an offset only.
Result<ZonedTimeOfDay> time_from_map(std::string_view function, const Value::Map& map,
                                     bool with_timezone, std::optional<int64_t> day,
                                     int64_t zone_instant) {
  int64_t base_nanos = 0;
  ZoneSpec source;
  bool base_has_offset = false;
  if (auto it = map.find("time"); it != map.end() && !it->second.is_null()) {
    const Value& base = it->second;
    if (!(base.is_time_of_day() || base.is_local_datetime() || base.is_datetime())) {
      return type_error(std::string(function) + "() expects a value with a time for 'time'");
    }
    WallClock clock = wall_clock(base);
    base_nanos = floor_mod(clock.seconds, kSecondsPerDay) * kNanosPerSecond + clock.nanos;
    if (base.is_time()) source.offset = base.as_time().offset_seconds;
    if (base.is_datetime()) source = zone_of(base.as_datetime());
    base_has_offset = base.is_time() || base.is_datetime();
  } else if (!map.contains("hour")) {
    return invalid_arguments(std::string(function) + "() needs at least 'hour' in its map");
  }
  auto time = time_of_day_from_map(function, map, base_nanos);
  if (!time.ok()) return time.status();
  int64_t nanos = *time;
  // A zone's offset for this time of day, read on `day` or at the statement's instant.
  auto offset_in = [&](const ZoneSpec& zone, int64_t nanos_of_day) {
    if (zone.zone == kNoTimeZone) return zone.offset;
    const TimeZoneRules& rules = TimeZoneDb::instance().rules(zone.zone);
    if (!day) return rules.offset_at(zone_instant);
    return rules.offset_for_local(*day * kSecondsPerDay + nanos_of_day / kNanosPerSecond);
  };
  // A base's own offset, unless its zone is read again on another day.
  ZonedTimeOfDay out{nanos, source.offset, source.zone};
  if (day && source.zone != kNoTimeZone) out.offset = offset_in(source, nanos);
  if (!with_timezone) return ZonedTimeOfDay{nanos, 0, kNoTimeZone};
  if (auto it = map.find("timezone"); it != map.end() && !it->second.is_null()) {
    auto target = zone_from(it->second);
    if (!target.ok()) return target.status();
    int32_t target_offset = 0;
    if (base_has_offset) {
      // The same instant in the new zone; the time of day goes around the clock.
      target_offset = target->offset;
      if (target->zone != kNoTimeZone) {
        const TimeZoneRules& rules = TimeZoneDb::instance().rules(target->zone);
        target_offset = day ? rules.offset_at(*day * kSecondsPerDay + nanos / kNanosPerSecond -
                                              out.offset)
                            : rules.offset_at(zone_instant);
      }
      nanos = floor_mod(nanos + (static_cast<int64_t>(target_offset) - out.offset) *
                                    kNanosPerSecond,
                        kNanosPerDay);
    } else {
      target_offset = offset_in(*target, nanos);
    }
    out = ZonedTimeOfDay{nanos, target_offset, target->zone};
  }
  return out;
}

// The time of day of a value with a time, and its offset (0 for one without).
TimeValue time_of(const Value& value) {
  WallClock clock = wall_clock(value);
  int32_t offset = value.is_time()       ? value.as_time().offset_seconds
                   : value.is_datetime() ? value.as_datetime().offset_seconds
                                         : 0;
  return TimeValue{floor_mod(clock.seconds, kSecondsPerDay) * kNanosPerSecond + clock.nanos,
                   offset};
}

// A date from the map's date keys ({date: x} or year, month, day, ...) joined with a time of day
// from its time keys ({time: y} overridden by hour, minute, ...; for datetime() also timezone,
// as time_from_map reads it): localdatetime({date: d, time: t}), datetime({year: 1984, month:
// 10, day: 11, time: t, timezone: '+05:00'}). The offset is 0 without one.
Result<DateTimeValue> date_and_time_from_map(std::string_view function, const Value::Map& map,
                                             bool with_timezone, int64_t zone_instant) {
  auto date = clock_from_map(function, map, "date", false);
  if (!date.ok()) return date.status();
  auto time = time_from_map(function, map, with_timezone,
                            floor_div(date->seconds, kSecondsPerDay), zone_instant);
  if (!time.ok()) return time.status();
  int64_t wall = date->seconds + time->nanos / kNanosPerSecond;
  return datetime_at_wall(wall, static_cast<int32_t>(time->nanos % kNanosPerSecond), time->zone,
                          time->offset, time->offset);
}

Status epoch_out_of_range() {
  return Status::unprocessable("integer_overflow",
                               "datetime(): epochSeconds/epochMillis is out of range");
}

// --- Constructors ------------------------------------------------------------------------------

// X({timezone: z}) alone: the statement's clock read in z, as a date-time (each constructor takes
// the parts it keeps: date({timezone: 'Asia/Tokyo'}) is today in Tokyo). nullopt for another map.
Result<std::optional<DateTimeValue>> now_in_zone(const Value::Map& map,
                                                 const CallContext& context) {
  if (map.size() != 1 || !map.contains("timezone")) return std::optional<DateTimeValue>();
  auto zone = zone_from(map.begin()->second);
  if (!zone.ok()) return zone.status();
  WallClock now = now_utc(context);
  return std::optional<DateTimeValue>(
      datetime_at_instant(now.seconds, now.nanos, zone->zone, zone->offset));
}

Result<Value> fn_local_time(Args args, const CallContext& context) {
  if (args.empty()) {
    WallClock now = now_utc(context);
    return Value::local_time(
        LocalTimeValue{floor_mod(now.seconds, kSecondsPerDay) * kNanosPerSecond + now.nanos});
  }
  const Value& arg = args[0];
  if (arg.is_null()) return Value::null();
  if (arg.is_string()) {
    auto time = parsed(parse_local_time(arg.as_string()));
    if (!time.ok()) return time.status();
    return Value::local_time(*time);
  }
  if (arg.is_time_of_day() || arg.is_local_datetime() || arg.is_datetime()) {
    return Value::local_time(LocalTimeValue{time_of(arg).nanos});
  }
  if (arg.is_map()) {
    auto now = now_in_zone(arg.as_map(), context);
    if (!now.ok()) return now.status();
    if (*now) return Value::local_time(LocalTimeValue{time_of(Value::datetime(**now)).nanos});
    EXPGRAPH_RETURN_IF_ERROR(check_keys(
        "localtime", arg.as_map(),
        {"hour", "minute", "second", "millisecond", "microsecond", "nanosecond", "time"}));
    auto time = time_from_map("localtime", arg.as_map(), false, std::nullopt, 0);
    if (!time.ok()) return time.status();
    return Value::local_time(LocalTimeValue{time->nanos});
  }
  return argument_type_error("localtime", arg, "a STRING, MAP or temporal value with a time");
}

Result<Value> fn_time(Args args, const CallContext& context) {
  if (args.empty()) {
    WallClock now = now_utc(context);
    return Value::time(
        TimeValue{floor_mod(now.seconds, kSecondsPerDay) * kNanosPerSecond + now.nanos, 0});
  }
  const Value& arg = args[0];
  if (arg.is_null()) return Value::null();
  const int64_t now_seconds = now_utc(context).seconds;
  if (arg.is_string()) {
    // A named zone ("12:00[Europe/Paris]") gives its offset now: a time keeps no zone.
    auto time = parsed(parse_time(arg.as_string(), now_seconds));
    if (!time.ok()) return time.status();
    return Value::time(*time);
  }
  // A local time or local date-time is read as UTC, as datetime() reads a local date-time.
  if (arg.is_time_of_day() || arg.is_local_datetime() || arg.is_datetime()) {
    return Value::time(time_of(arg));
  }
  if (arg.is_map()) {
    EXPGRAPH_RETURN_IF_ERROR(check_keys("time", arg.as_map(),
                                        {"hour", "minute", "second", "millisecond", "microsecond",
                                         "nanosecond", "time", "timezone"}));
    const Value::Map& map = arg.as_map();
    auto now = now_in_zone(map, context);
    if (!now.ok()) return now.status();
    if (*now) return Value::time(time_of(Value::datetime(**now)));
    auto time = time_from_map("time", map, true, std::nullopt, now_seconds);
    if (!time.ok()) return time.status();
    return Value::time(TimeValue{time->nanos, time->offset});
  }
  return argument_type_error("time", arg, "a STRING, MAP or temporal value with a time");
}

Result<Value> fn_date(Args args, const CallContext& context) {
  if (args.empty()) return Value::date(DateValue{now_utc(context).seconds / kSecondsPerDay});
  const Value& arg = args[0];
  if (arg.is_null()) return Value::null();
  if (arg.is_string()) {
    auto date = parsed(parse_date(arg.as_string()));
    if (!date.ok()) return date.status();
    return Value::date(*date);
  }
  if (arg.is_temporal_instant()) {
    WallClock clock = wall_clock(arg);
    return Value::date(DateValue{floor_div(clock.seconds, kSecondsPerDay)});
  }
  if (arg.is_map()) {
    auto now = now_in_zone(arg.as_map(), context);
    if (!now.ok()) return now.status();
    if (*now) {
      const WallClock clock = wall_clock(Value::datetime(**now));
      return Value::date(DateValue{floor_div(clock.seconds, kSecondsPerDay)});
    }
    EXPGRAPH_RETURN_IF_ERROR(check_keys("date", arg.as_map(),
                                        {"year", "month", "day", "quarter", "dayOfQuarter", "week",
                                         "dayOfWeek", "ordinalDay", "date"}));
    auto clock = clock_from_map("date", arg.as_map(), "date", false);
    if (!clock.ok()) return clock.status();
    return Value::date(DateValue{clock->seconds / kSecondsPerDay});
  }
  return argument_type_error("date", arg, "a STRING, MAP or temporal value");
}

Result<Value> fn_local_datetime(Args args, const CallContext& context) {
  if (args.empty()) {
    WallClock now = now_utc(context);
    return Value::local_datetime(LocalDateTimeValue{now.seconds, now.nanos});
  }
  const Value& arg = args[0];
  if (arg.is_null()) return Value::null();
  if (arg.is_string()) {
    auto dt = parsed(parse_local_datetime(arg.as_string()));
    if (!dt.ok()) return dt.status();
    return Value::local_datetime(*dt);
  }
  if (arg.is_temporal_instant()) {
    WallClock clock = wall_clock(arg);
    return Value::local_datetime(LocalDateTimeValue{clock.seconds, clock.nanos});
  }
  if (arg.is_map()) {
    auto now = now_in_zone(arg.as_map(), context);
    if (!now.ok()) return now.status();
    if (*now) {
      const WallClock clock = wall_clock(Value::datetime(**now));
      return Value::local_datetime(LocalDateTimeValue{clock.seconds, clock.nanos});
    }
    EXPGRAPH_RETURN_IF_ERROR(
        check_keys("localdatetime", arg.as_map(),
                   {"year", "month", "day", "quarter", "dayOfQuarter", "week", "dayOfWeek",
                    "ordinalDay", "hour", "minute", "second", "millisecond", "microsecond",
                    "nanosecond", "datetime", "date", "time"}));
    if (arg.as_map().contains("time")) {
      auto joined = date_and_time_from_map("localdatetime", arg.as_map(), false, 0);
      if (!joined.ok()) return joined.status();
      return Value::local_datetime(LocalDateTimeValue{joined->seconds, joined->nanos});
    }
    const char* base = arg.as_map().contains("datetime") ? "datetime" : "date";
    auto clock = clock_from_map("localdatetime", arg.as_map(), base, true);
    if (!clock.ok()) return clock.status();
    return Value::local_datetime(LocalDateTimeValue{clock->seconds, clock->nanos});
  }
  return argument_type_error("localdatetime", arg, "a STRING, MAP or temporal value");
}

Result<Value> fn_datetime(Args args, const CallContext& context) {
  if (args.empty()) {
    WallClock now = now_utc(context);
    return Value::datetime(DateTimeValue{now.seconds, now.nanos, 0});
  }
  const Value& arg = args[0];
  if (arg.is_null()) return Value::null();
  if (arg.is_string()) {
    auto dt = parsed(parse_datetime(arg.as_string(), /*named_zones=*/true));
    if (!dt.ok()) return dt.status();
    return Value::datetime(*dt);
  }
  if (arg.is_datetime()) return arg;
  if (arg.is_temporal_instant()) {
    WallClock clock = wall_clock(arg);  // a date or local date-time is read as UTC
    return Value::datetime(DateTimeValue{clock.seconds, clock.nanos, 0});
  }
  if (!arg.is_map()) return argument_type_error("datetime", arg, "a STRING, MAP or temporal value");
  const Value::Map& map = arg.as_map();
  EXPGRAPH_RETURN_IF_ERROR(check_keys(
      "datetime", map,
      {"year",       "month",    "day",    "quarter", "dayOfQuarter", "week",        "dayOfWeek",
       "ordinalDay", "hour",     "minute", "second",  "millisecond",  "microsecond", "nanosecond",
       "timezone",   "datetime", "date",   "time",    "epochSeconds", "epochMillis"}));
  if (map.contains("time") && !map.contains("datetime")) {
    auto joined = date_and_time_from_map("datetime", map, true, now_utc(context).seconds);
    if (!joined.ok()) return joined.status();
    return Value::datetime(*joined);
  }
  if (map.contains("epochSeconds") || map.contains("epochMillis")) {
    auto seconds = int_entry("datetime", map, "epochSeconds", 0);
    auto millis = int_entry("datetime", map, "epochMillis", 0);
    auto nanos = int_entry("datetime", map, "nanosecond", 0);
    for (const auto* part : {&seconds, &millis, &nanos}) {
      if (!part->ok()) return part->status();
    }
    // Bounded before adding up (the keys may be any INTEGER), then held to the years every
    // temporal value keeps to (999,999 either side of year 0), as arithmetic on them is.
    constexpr __int128 kLimit =
        static_cast<__int128>(1000000) * 366 * kSecondsPerDay * kNanosPerSecond;
    const __int128 total_nanos = static_cast<__int128>(*seconds) * kNanosPerSecond +
                                 static_cast<__int128>(*millis) * 1000000 + *nanos;
    if (total_nanos > kLimit || total_nanos < -kLimit) return epoch_out_of_range();
    DurationValue total =
        make_duration(0, 0, static_cast<int64_t>(total_nanos / kNanosPerSecond),
                      static_cast<int64_t>(total_nanos % kNanosPerSecond));
    if (!is_valid_civil(civil_from_days(floor_div(total.seconds, kSecondsPerDay)).year, 1, 1)) {
      return epoch_out_of_range();
    }
    ZoneSpec zone;
    if (auto it = map.find("timezone"); it != map.end() && !it->second.is_null()) {
      auto given = zone_from(it->second);
      if (!given.ok()) return given.status();
      zone = *given;
    }
    return Value::datetime(datetime_at_instant(total.seconds, total.nanos, zone.zone, zone.offset));
  }
  auto now = now_in_zone(map, context);
  if (!now.ok()) return now.status();
  if (*now) return Value::datetime(**now);
  const char* base = map.contains("datetime") ? "datetime" : "date";
  // Only a date-time selected whole brings its zone; {date: x} takes x's date alone. With a
  // timezone, such a base is first moved to that zone keeping its instant (as Neo4j does:
  // {datetime: 12:00+01:00, timezone: '+05:00'} is 16:00+05:00), then the keys set the wall clock.
  ZoneSpec zone;
  std::optional<int32_t> preferred;
  const Value::Map* source = &map;
  Value::Map moved;
  const auto base_it = map.find("datetime");
  const bool zoned_base = base_it != map.end() && base_it->second.is_datetime();
  if (zoned_base) {
    zone = zone_of(base_it->second.as_datetime());
    preferred = zone.offset;
  }
  if (auto it = map.find("timezone"); it != map.end() && !it->second.is_null()) {
    auto target = zone_from(it->second);
    if (!target.ok()) return target.status();
    zone = *target;
    if (zoned_base) {
      const DateTimeValue& dt = base_it->second.as_datetime();
      DateTimeValue there = datetime_at_instant(dt.seconds, dt.nanos, zone.zone, zone.offset);
      moved = map;
      moved["datetime"] = Value::datetime(there);
      source = &moved;
      preferred = there.offset_seconds;
    } else {
      preferred.reset();
    }
  }
  auto clock = clock_from_map("datetime", *source, base, true);
  if (!clock.ok()) return clock.status();
  return Value::datetime(
      datetime_at_wall(clock->seconds, clock->nanos, zone.zone, zone.offset, preferred));
}

Result<Value> fn_duration(Args args, const CallContext&) {
  const Value& arg = args[0];
  if (arg.is_null()) return Value::null();
  if (arg.is_duration()) return arg;
  if (arg.is_string()) {
    auto duration = parsed(parse_duration(arg.as_string()));
    if (!duration.ok()) return duration.status();
    return Value::duration(*duration);
  }
  if (!arg.is_map()) return argument_type_error("duration", arg, "a STRING or MAP");
  const Value::Map& map = arg.as_map();
  EXPGRAPH_RETURN_IF_ERROR(check_keys("duration", map,
                                      {"years", "quarters", "months", "weeks", "days", "hours",
                                       "minutes", "seconds", "milliseconds", "microseconds",
                                       "nanoseconds"}));
  // Summed as months, days and seconds; fractions cascade to the smaller units.
  DurationValue total;
  struct Unit {
    const char* key;
    double months, days, seconds;
  };
  static constexpr Unit kUnits[] = {
      {"years", 12, 0, 0},     {"quarters", 3, 0, 0},   {"months", 1, 0, 0},
      {"weeks", 0, 7, 0},      {"days", 0, 1, 0},       {"hours", 0, 0, 3600},
      {"minutes", 0, 0, 60},   {"seconds", 0, 0, 1},    {"milliseconds", 0, 0, 1e-3},
      {"microseconds", 0, 0, 1e-6}, {"nanoseconds", 0, 0, 1e-9},
  };
  for (const Unit& unit : kUnits) {
    auto it = map.find(unit.key);
    if (it == map.end() || it->second.is_null()) continue;
    if (!it->second.is_number()) {
      return type_error(std::string("duration() expects a number for '") + unit.key + "'");
    }
    DurationValue part;
    if (it->second.is_int()) {
      // Integers stay exact (a float would round large second counts).
      // A product past int64 is an error, not a wrapped value ({years: 2^63 - 1} was P-1Y).
      int64_t n = it->second.as_int();
      const auto times = [n](double factor, int64_t& out) {
        return !__builtin_mul_overflow(n, static_cast<int64_t>(factor), &out);
      };
      if ((unit.months != 0 && !times(unit.months, part.months)) ||
          (unit.days != 0 && !times(unit.days, part.days)) ||
          (unit.seconds >= 1 && !times(unit.seconds, part.seconds))) {
        return Status::unprocessable("integer_overflow", std::string("duration(): '") + unit.key +
                                                             "' is out of range");
      }
      if (unit.seconds > 0 && unit.seconds < 1) {
        int64_t per_second = static_cast<int64_t>(1 / unit.seconds + 0.5);
        part =
            make_duration(0, 0, n / per_second, (n % per_second) * (kNanosPerSecond / per_second));
      }
    } else {
      auto scaled = scale_duration(
          DurationValue{static_cast<int64_t>(unit.months), static_cast<int64_t>(unit.days),
                        static_cast<int64_t>(unit.seconds),
                        static_cast<int32_t>(unit.seconds < 1 ? unit.seconds * 1e9 : 0)},
          it->second.as_float());
      if (!scaled.ok()) return scaled.status();
      part = *scaled;
    }
    auto sum = add_durations(total, part);
    if (!sum.ok()) return sum.status();
    total = *sum;
  }
  return Value::duration(total);
}

// --- Truncation ----------------------------------------------------------------------------------

enum class Target { kDate, kLocalDateTime, kDateTime, kLocalTime, kTime };

Result<Value> truncate_only(std::string_view function, Target target, Args args);

// X.truncate(unit, value[, map]): the value truncated to the unit, then the map's components
// set as the constructor sets them over a base (date.truncate('month', d, {day: 5}) is
// date({date: <truncated>, day: 5})).
Result<Value> truncate(std::string_view function, Target target, Args args,
                       const CallContext& context) {
  auto truncated = truncate_only(function, target, args);
  if (!truncated.ok() || args.size() < 3 || args[2].is_null() || truncated->is_null()) {
    return truncated;
  }
  if (!args[2].is_map()) return argument_type_error(function, args[2], "a MAP of components");
  if (args[2].as_map().empty()) return truncated;
  Value::Map map = args[2].as_map();
  const char* base = target == Target::kDate                                   ? "date"
                     : target == Target::kLocalTime || target == Target::kTime ? "time"
                                                                               : "datetime";
  if (map.contains(base)) {
    return invalid_arguments(std::string(function) + "(): the map may not set '" + base + "'");
  }
  // A timezone in the map gives the truncated time of day that offset (it keeps its wall time,
  // as datetime() does over a base), where time({time: t, timezone}) would move t.
  Value base_value = *truncated;
  if (target == Target::kTime && map.contains("timezone")) {
    base_value = Value::local_time(LocalTimeValue{truncated->as_time().nanos});
  }
  if (target == Target::kDateTime && map.contains("timezone")) {
    // datetime() over a date-time base would keep its instant; truncation keeps the wall clock.
    const WallClock clock = wall_clock(*truncated);
    base_value = Value::local_datetime(LocalDateTimeValue{clock.seconds, clock.nanos});
  }
  map.emplace(base, base_value);
  const Value rebuilt[] = {Value::map(std::move(map))};
  switch (target) {
    case Target::kDate:
      return fn_date(rebuilt, context);
    case Target::kLocalDateTime:
      return fn_local_datetime(rebuilt, context);
    case Target::kDateTime:
      return fn_datetime(rebuilt, context);
    case Target::kLocalTime:
      return fn_local_time(rebuilt, context);
    case Target::kTime:
      return fn_time(rebuilt, context);
  }
  return truncated;
}

Result<Value> truncate_only(std::string_view function, Target target, Args args) {
  if (args[0].is_null() || args[1].is_null()) return Value::null();
  if (!args[0].is_string()) return argument_type_error(function, args[0], "a unit STRING");
  const bool to_time = target == Target::kLocalTime || target == Target::kTime;
  if (to_time) {
    if (!(args[1].is_time_of_day() || args[1].is_local_datetime() || args[1].is_datetime())) {
      return argument_type_error(function, args[1],
                                 "a LOCAL TIME, TIME, LOCAL DATETIME or DATETIME");
    }
    std::string unit = args[0].as_string();
    for (char& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (std::string_view calendar :
         {"millennium", "century", "decade", "year", "weekyear", "quarter", "month", "week"}) {
      if (unit == calendar) {
        return invalid_arguments(std::string(function) +
                                 "(): a time of day cannot be truncated to '" +
                                 args[0].as_string() + "'");
      }
    }
  } else if (!args[1].is_temporal_instant()) {
    return argument_type_error(function, args[1], "a DATE, LOCAL DATETIME or DATETIME");
  }
  auto clock = truncate_wall_clock(wall_clock(args[1]), args[0].as_string(),
                                   target == Target::kDate);
  if (!clock.ok()) return invalid_arguments(clock.status().message());
  switch (target) {
    case Target::kDate:
      return Value::date(DateValue{clock->seconds / kSecondsPerDay -
                                   (clock->seconds % kSecondsPerDay < 0 ? 1 : 0)});
    case Target::kLocalDateTime:
      return Value::local_datetime(LocalDateTimeValue{clock->seconds, clock->nanos});
    case Target::kDateTime: {
      if (!args[1].is_datetime()) {
        return Value::datetime(DateTimeValue{clock->seconds, clock->nanos, 0});
      }
      // In a named zone the truncated reading takes the zone's offset then (midnight may fall
      // in a gap and move forward, as java.time's truncatedTo does).
      const DateTimeValue& dt = args[1].as_datetime();
      return Value::datetime(
          datetime_at_wall(clock->seconds, clock->nanos, dt.zone, dt.offset_seconds,
                           dt.offset_seconds));
    }
    case Target::kLocalTime:
    case Target::kTime: {
      int64_t nanos = floor_mod(clock->seconds, kSecondsPerDay) * kNanosPerSecond + clock->nanos;
      if (target == Target::kLocalTime) return Value::local_time(LocalTimeValue{nanos});
      return Value::time(TimeValue{nanos, time_of(args[1]).offset_seconds});
    }
  }
  return Value::null();
}

Result<Value> fn_date_truncate(Args args, const CallContext& context) {
  return truncate("date.truncate", Target::kDate, args, context);
}
Result<Value> fn_local_datetime_truncate(Args args, const CallContext& context) {
  return truncate("localdatetime.truncate", Target::kLocalDateTime, args, context);
}
Result<Value> fn_datetime_truncate(Args args, const CallContext& context) {
  return truncate("datetime.truncate", Target::kDateTime, args, context);
}
Result<Value> fn_local_time_truncate(Args args, const CallContext& context) {
  return truncate("localtime.truncate", Target::kLocalTime, args, context);
}
Result<Value> fn_time_truncate(Args args, const CallContext& context) {
  return truncate("time.truncate", Target::kTime, args, context);
}

// --- Differences ----------------------------------------------------------------------------------

using Difference = DurationValue (*)(const WallClock&, const WallClock&);

bool has_named_zone(const Value& v) {
  return v.is_datetime() && v.as_datetime().zone != kNoTimeZone;
}

// A local value (date, local date-time, local time) beside a date-time with a named zone, read
// as a reading of that zone's clock (a local time on the date-time's date), as Neo4j does: from
// datetime('2017-10-29T00:00+02:00[Europe/Stockholm]') to localtime('04:00') is PT5H, the clock
// having been set back an hour between.
Value in_zone_of(const Value& local, const DateTimeValue& zoned) {
  WallClock clock = wall_clock(local);
  if (local.is_time_of_day()) {
    const int64_t day = floor_div(zoned.seconds + zoned.offset_seconds, kSecondsPerDay);
    clock.seconds += day * kSecondsPerDay;
  }
  return Value::datetime(datetime_at_wall(clock.seconds, clock.nanos, zoned.zone, 0));
}

// The difference of two date-times when one has a named zone, as java.time's until() takes it:
// months and days counted on the first one's zone clock (the second read on that clock), each
// added to the first in its zone, and the rest as the time between the instants. A day across a
// daylight-saving change is one day, not 23 or 25 hours.
Result<DurationValue> zoned_difference(const DateTimeValue& a, const DateTimeValue& b,
                                       Difference compute) {
  const TimeZoneRules* rules =
      a.zone == kNoTimeZone ? nullptr : &TimeZoneDb::instance().rules(a.zone);
  auto on_a_clock = [&](const DateTimeValue& x) {
    const int32_t offset = rules ? rules->offset_at(x.seconds) : a.offset_seconds;
    return WallClock{x.seconds + offset, x.nanos, true};
  };
  auto instant = [](const DateTimeValue& x) { return WallClock{x.seconds, x.nanos, true}; };
  const WallClock to = on_a_clock(b);
  if (compute == duration_in_seconds) return duration_in_seconds(instant(a), instant(b));
  if (compute == duration_in_months) return duration_in_months(on_a_clock(a), to);
  if (compute == duration_in_days) return duration_in_days(on_a_clock(a), to);
  const int64_t months = duration_in_months(on_a_clock(a), to).months;
  auto middle = add_duration(a, DurationValue{months, 0, 0, 0});
  if (!middle.ok()) return middle.status();
  const int64_t days = duration_in_days(on_a_clock(*middle), to).days;
  auto last = add_duration(*middle, DurationValue{0, days, 0, 0});
  if (!last.ok()) return last.status();
  DurationValue rest = duration_in_seconds(instant(*last), instant(b));
  return make_duration(months, days, rest.seconds, rest.nanos);
}

Result<Value> difference(std::string_view function, Args args, Difference compute) {
  if (args[0].is_null() || args[1].is_null()) return Value::null();
  for (const Value& arg : args) {
    if (!arg.is_temporal_instant() && !arg.is_time_of_day()) {
      return argument_type_error(function, arg,
                                 "a DATE, LOCAL DATETIME, DATETIME, LOCAL TIME or TIME");
    }
  }
  if (has_named_zone(args[0]) || has_named_zone(args[1])) {
    const Value& zoned = has_named_zone(args[0]) ? args[0] : args[1];
    auto as_datetime = [&](const Value& v) -> std::optional<DateTimeValue> {
      if (v.is_datetime()) return v.as_datetime();
      if (v.is_time()) return std::nullopt;  // a time with an offset has no date to read it on
      return in_zone_of(v, zoned.as_datetime()).as_datetime();
    };
    auto a = as_datetime(args[0]);
    auto b = as_datetime(args[1]);
    if (a && b) {
      auto duration = zoned_difference(*a, *b, compute);
      if (!duration.ok()) return duration.status();
      return Value::duration(*duration);
    }
  }
  WallClock from = wall_clock(args[0]);
  WallClock to = wall_clock(args[1]);
  // Two values with offsets (date-times, times) are compared as instants, both read in the first
  // one's offset.
  auto has_offset = [](const Value& v) { return v.is_datetime() || v.is_time(); };
  if (has_offset(args[0]) && has_offset(args[1])) {
    to.seconds += time_of(args[0]).offset_seconds - time_of(args[1]).offset_seconds;
  }
  // With a time of day on either side only the times of day count (a date's is midnight), as the
  // TCK's Temporal10 has it: duration.between(date('1984-10-11'), localtime('16:30')) is PT16H30M.
  if (args[0].is_time_of_day() || args[1].is_time_of_day()) {
    from = WallClock{floor_mod(from.seconds, kSecondsPerDay), from.nanos, true};
    to = WallClock{floor_mod(to.seconds, kSecondsPerDay), to.nanos, true};
  }
  return Value::duration(compute(from, to));
}

Result<Value> fn_between(Args args, const CallContext&) {
  return difference("duration.between", args, duration_between);
}
Result<Value> fn_in_months(Args args, const CallContext&) {
  return difference("duration.inMonths", args, duration_in_months);
}
Result<Value> fn_in_days(Args args, const CallContext&) {
  return difference("duration.inDays", args, duration_in_days);
}
Result<Value> fn_in_seconds(Args args, const CallContext&) {
  return difference("duration.inSeconds", args, duration_in_seconds);
}

}  // namespace

void add_temporal_functions(FunctionTable& table) {
  table.insert({
      {"date", {0, 1, fn_date}},
      {"localdatetime", {0, 1, fn_local_datetime}},
      {"datetime", {0, 1, fn_datetime}},
      {"duration", {1, 1, fn_duration}},
      {"date.truncate", {2, 3, fn_date_truncate}},
      {"localdatetime.truncate", {2, 3, fn_local_datetime_truncate}},
      {"datetime.truncate", {2, 3, fn_datetime_truncate}},
      {"localtime", {0, 1, fn_local_time}},
      {"time", {0, 1, fn_time}},
      {"localtime.truncate", {2, 3, fn_local_time_truncate}},
      {"time.truncate", {2, 3, fn_time_truncate}},
      {"duration.between", {2, 2, fn_between}},
      {"duration.inmonths", {2, 2, fn_in_months}},
      {"duration.indays", {2, 2, fn_in_days}},
      {"duration.inseconds", {2, 2, fn_in_seconds}},
  });
}

}  // namespace expgraph::cypher
