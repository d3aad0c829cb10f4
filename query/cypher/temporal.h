// The openCypher temporal values the engine carries: dates, local date-times, date-times with a
// fixed UTC offset, and durations; how they are read from ISO-8601 text, written back, compared,
// added to, truncated and taken apart. Used by value.cc (the Value alternatives), value_ops.cc
// (comparison and arithmetic), temporal_functions.cc (date(), duration.between(), ...) and
// graph_access.cc (ontology date/datetime properties). Pure functions on plain structs;
// thread-safe. Calendar arithmetic is proleptic Gregorian, times have nanosecond precision.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ontology/status.h"

namespace expgraph::cypher {

// A calendar date: days since 1970-01-01.
struct DateValue {
  int64_t days = 0;
  friend bool operator==(const DateValue&, const DateValue&) = default;
};

// A date and a wall-clock time without a time zone: seconds since 1970-01-01T00:00 on that
// clock, plus nanoseconds (0 to 999,999,999).
struct LocalDateTimeValue {
  int64_t seconds = 0;
  int32_t nanos = 0;
  friend bool operator==(const LocalDateTimeValue&, const LocalDateTimeValue&) = default;
};

// An instant with the UTC offset it is shown in: `seconds` since the epoch in UTC. With a named
// zone (`zone` not 0, an id of TimeZoneDb::instance()), the offset is always the zone's offset
// at that instant. The id keeps the value at 24 bytes (a name would be a string per value).
// Query equality and ordering are temporal_ops.h's; this == is structural.
struct DateTimeValue {
  int64_t seconds = 0;
  int32_t nanos = 0;
  int32_t offset_seconds = 0;
  uint16_t zone = 0;  // TimeZoneId; 0: a fixed offset
  friend bool operator==(const DateTimeValue&, const DateTimeValue&) = default;
};
static_assert(sizeof(DateTimeValue) <= 24, "a date-time stays a few words: the zone is an id");

// A time of day without a time zone: nanoseconds since midnight (0 to 86,399,999,999,999).
struct LocalTimeValue {
  int64_t nanos = 0;
  friend bool operator==(const LocalTimeValue&, const LocalTimeValue&) = default;
};

// A time of day with the UTC offset it was written in: `nanos` since midnight on its own clock.
// Two times are equal when they are the same time in the same offset; ordering is by the time in
// UTC (nanos - offset).
struct TimeValue {
  int64_t nanos = 0;
  int32_t offset_seconds = 0;
  friend bool operator==(const TimeValue&, const TimeValue&) = default;
};

// An amount of time in three independent units, as openCypher keeps it: months (a year is 12),
// days, and seconds with nanoseconds (0 to 999,999,999, so -0.5 s is -1 s + 500,000,000 ns).
// A month has no fixed number of days nor a day of seconds (daylight saving), so the units are
// not folded into each other.
struct DurationValue {
  int64_t months = 0;
  int64_t days = 0;
  int64_t seconds = 0;
  int32_t nanos = 0;
  friend bool operator==(const DurationValue&, const DurationValue&) = default;
};

// --- Units ----------------------------------------------------------------------------------
// The fixed ratios the temporal sources share, defined once so they cannot drift apart. A day
// is 86,400 seconds on a wall clock or in a duration's seconds; daylight saving is the zone
// rules' business (time_zone_rules.h), not these constants'.

inline constexpr int64_t kSecondsPerDay = 86400;
inline constexpr int64_t kNanosPerSecond = 1000000000;
inline constexpr int64_t kNanosPerDay = kSecondsPerDay * kNanosPerSecond;

// --- Calendar -------------------------------------------------------------------------------

struct CivilDate {
  int64_t year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
};

// Division and remainder rounded towards negative infinity, so that an instant before 1970
// falls on the right day: floor_div(-1, 86400) is -1, floor_mod(-1, 86400) is 86399.
int64_t floor_div(int64_t a, int64_t b);
int64_t floor_mod(int64_t a, int64_t b);

int64_t days_from_civil(const CivilDate& date);
CivilDate civil_from_days(int64_t days);
// ISO 8601 weeks run Monday to Sunday and belong to the year of their Thursday (the week-based
// year); week 1 is the one that holds January 4th.
int64_t iso_week_year(int64_t days);
// The Monday (counted from 1970-01-01) of week 1 of week-based `year`.
int64_t first_iso_monday(int64_t year);
bool is_valid_civil(int64_t year, int month, int day);
int days_in_month(int64_t year, int month);

// --- Text -----------------------------------------------------------------------------------
// Parsing fails with invalid_argument naming what was expected.

// "2014-06-01", "20140601", "2014-06", "2014".
Result<DateValue> parse_date(std::string_view text);
// "2014-06-01T10:30", "2014-06-01T10:30:15.25", also with a space for the T.
Result<LocalDateTimeValue> parse_local_datetime(std::string_view text);
// A local date-time followed by "Z", "+01:00", "+0100", "+01" or, with seconds, "+01:00:30";
// without an offset it is UTC. Then, when `named_zones`, optionally a zone name in brackets
// ("[Europe/Paris]"): the reading is in that zone (its offset at that wall time, gaps and
// overlaps resolved as TimeZoneRules::offset_for_local does), and an offset given with it must
// be one the zone has then. An unknown zone is invalid_argument; with `named_zones` false a
// bracket is unprocessable unsupported_construct (ontology datetime properties stay offsets).
Result<DateTimeValue> parse_datetime(std::string_view text, bool named_zones = false);
// "12:31", "12:31:14.645", "123114": a time of day.
Result<LocalTimeValue> parse_local_time(std::string_view text);
// A local time followed by an offset as in parse_datetime; without one it is UTC. A named zone
// ("12:00[Europe/Paris]", "12:00+01:00[Europe/Paris]") is read with the zone's offset at
// `zone_instant` (UTC seconds: the statement's clock), as a time keeps an offset only.
Result<TimeValue> parse_time(std::string_view text,
                             std::optional<int64_t> zone_instant = std::nullopt);

// --- Named zones (time_zone_db.h) -----------------------------------------------------------

// A date-time at instant (`seconds`, `nanos`) in zone `zone` (an id of TimeZoneDb::instance(),
// or 0 with `fixed_offset`): the offset is the zone's at that instant.
DateTimeValue datetime_at_instant(int64_t seconds, int32_t nanos, uint16_t zone,
                                  int32_t fixed_offset);
// A date-time from a wall-clock reading (seconds since 1970-01-01T00:00 on the zone's clock) in
// `zone` (or at `fixed_offset` when zone is 0): gaps move the reading forward, overlaps take
// `preferred` when the zone has it then, else the earlier offset.
DateTimeValue datetime_at_wall(int64_t wall_seconds, int32_t nanos, uint16_t zone,
                               int32_t fixed_offset,
                               std::optional<int32_t> preferred = std::nullopt);
// The zone's name ("Europe/Stockholm") of a date-time with a named zone, else its offset text.
std::string datetime_zone_text(const DateTimeValue& dt);
// "P1Y2M10DT2H30M15.5S", "P3W", "PT-1.5S": each number may be negative or have a fraction.
Result<DurationValue> parse_duration(std::string_view text);

// The text forms openCypher's TCK expects (Neo4j's, after java.time): a time leaves out zero
// seconds ("2014-06-01T10:30") and writes a fraction in groups of three digits
// ("10:30:15.250"); a year beyond 9999 or before 0 has a sign ("+10000-01-01", "-0001-01-01");
// an offset is "Z", "+01:00" or, with seconds, "+01:00:30". A duration's fraction has no
// trailing zeros ("PT15.5S").
std::string format_date(const DateValue& date);                  // 2014-06-01
std::string format_local_datetime(const LocalDateTimeValue& dt);  // 2014-06-01T10:30:15.250
// ...+01:00[Europe/London] with a named zone
std::string format_datetime(const DateTimeValue& dt);             // 2014-06-01T10:30Z, ...+01:00
std::string format_utc_offset(int32_t offset_seconds);            // Z, +01:00, -02:05:07
std::string format_local_time(const LocalTimeValue& time);        // 10:30, 10:30:15.250
std::string format_time(const TimeValue& time);                   // 10:30Z, 10:30:15+01:00
std::string format_duration(const DurationValue& duration);       // P1Y2M10DT2H30M15.5S

// --- Arithmetic -----------------------------------------------------------------------------

// Adds months (the day kept, or the month's last day), then days, then seconds. A date takes the
// whole days of the seconds part only. integer_overflow when the result is out of range. A
// date-time with a named zone adds months and days to its wall clock (keeping its offset through
// an overlap, moving forward through a gap) and seconds to its instant, as java.time's
// ZonedDateTime does: 2017-03-25T12:00+01:00[Europe/Stockholm] + P1D is 2017-03-26T12:00+02:00,
// + PT24H is 2017-03-26T13:00+02:00.
Result<DateValue> add_duration(const DateValue& date, const DurationValue& duration);
Result<LocalDateTimeValue> add_duration(const LocalDateTimeValue& dt,
                                        const DurationValue& duration);
Result<DateTimeValue> add_duration(const DateTimeValue& dt, const DurationValue& duration);

// A time of day moves by the duration's time part only (months and days leave it as it is),
// around the clock: 23:00 + PT2H is 01:00.
LocalTimeValue add_duration(const LocalTimeValue& time, const DurationValue& duration);
TimeValue add_duration(const TimeValue& time, const DurationValue& duration);

Result<DurationValue> add_durations(const DurationValue& a, const DurationValue& b);
Result<DurationValue> negate_duration(const DurationValue& duration);
// Each unit scaled; a fraction of a month becomes days (at 30.436875 days a month) and a
// fraction of a day seconds, as openCypher specifies. division_by_zero for / 0.
Result<DurationValue> scale_duration(const DurationValue& duration, double factor);

// Normalises seconds and nanoseconds so that nanos is in 0..999,999,999.
DurationValue make_duration(int64_t months, int64_t days, int64_t seconds, int64_t nanos);

// --- Between ---------------------------------------------------------------------------------
// The wall-clock reading of a temporal value, for duration.between and truncation: a date is at
// midnight, a date-time is read in its own offset.

struct WallClock {
  int64_t seconds = 0;  // since 1970-01-01T00:00 on the clock
  int32_t nanos = 0;
  bool has_time = true;
};

// duration.between(a, b): whole months, then days, then seconds, each with the sign of b - a.
DurationValue duration_between(const WallClock& a, const WallClock& b);
// duration.inMonths / inDays / inSeconds: the same difference in one unit only.
DurationValue duration_in_months(const WallClock& a, const WallClock& b);
DurationValue duration_in_days(const WallClock& a, const WallClock& b);
DurationValue duration_in_seconds(const WallClock& a, const WallClock& b);

// --- Truncation and components --------------------------------------------------------------

// The wall clock truncated to `unit`: millennium, century, decade, year, quarter, month, week
// (to Monday), day, hour, minute, second, millisecond, microsecond (case-insensitive).
// invalid_argument for another unit, or a unit below a day when `date_only`.
Result<WallClock> truncate_wall_clock(const WallClock& clock, std::string_view unit,
                                      bool date_only);

// A component of a date or wall clock: year, quarter, month, week, weekYear, day, ordinalDay,
// dayOfWeek, dayOfQuarter, hour, minute, second, millisecond, microsecond, nanosecond.
// nullopt for another name (or a time component of a date).
std::optional<int64_t> clock_component(const WallClock& clock, std::string_view name);
// A component of a duration: years, quarters, months, weeks, days, hours, minutes, seconds,
// milliseconds, microseconds, nanoseconds and the ...Of... remainders (monthsOfYear,
// minutesOfHour, secondsOfMinute, nanosecondsOfSecond, ...). nullopt for another name.
std::optional<int64_t> duration_component(const DurationValue& duration, std::string_view name);

}  // namespace expgraph::cypher
