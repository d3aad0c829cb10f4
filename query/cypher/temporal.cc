#include "query/cypher/temporal.h"

#include <cmath>
#include <cstdio>

#include "query/cypher/time_zone_db.h"

namespace expgraph::cypher {

namespace {

// Years outside this range are refused, which keeps every computation in seconds or nanoseconds
// (as 128-bit integers) far from overflow.
constexpr int64_t kMaxYear = 999999;
// openCypher's average month, for fractions of a month: 365.2425 / 12 days.
constexpr long double kDaysPerMonth = 30.436875L;

Status invalid(std::string_view what, std::string_view text) {
  return Status::invalid_argument("invalid " + std::string(what) + " '" + std::string(text) + "'");
}

// A left-to-right reader over ISO-8601 text.
class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}
  bool done() const { return at_ >= text_.size(); }
  char peek() const { return done() ? '\0' : text_[at_]; }
  bool accept(char c) {
    if (peek() != c) return false;
    ++at_;
    return true;
  }
  // Exactly `count` digits.
  std::optional<int64_t> digits(size_t count) {
    if (at_ + count > text_.size()) return std::nullopt;
    int64_t value = 0;
    for (size_t i = 0; i < count; ++i) {
      char c = text_[at_ + i];
      if (c < '0' || c > '9') return std::nullopt;
      value = value * 10 + (c - '0');
    }
    at_ += count;
    return value;
  }
  size_t digits_ahead() const {
    size_t n = 0;
    while (at_ + n < text_.size() && text_[at_ + n] >= '0' && text_[at_ + n] <= '9') ++n;
    return n;
  }
  // A fraction after '.' or ',' as nanoseconds (at most nine digits are kept).
  std::optional<int32_t> fraction() {
    if (!accept('.') && !accept(',')) return 0;
    size_t count = digits_ahead();
    if (count == 0) return std::nullopt;
    int64_t nanos = 0;
    for (size_t i = 0; i < 9; ++i) {
      nanos = nanos * 10 + (i < count ? text_[at_ + i] - '0' : 0);
    }
    at_ += count;
    return static_cast<int32_t>(nanos);
  }

 private:
  std::string_view text_;
  size_t at_ = 0;
};

std::optional<DateValue> read_date(Reader& in) {
  auto year = in.digits(4);
  if (!year) return std::nullopt;
  int64_t month = 1;
  int64_t day = 1;
  if (in.accept('-')) {
    auto m = in.digits(2);
    if (!m) return std::nullopt;
    month = *m;
    if (in.accept('-')) {
      auto d = in.digits(2);
      if (!d) return std::nullopt;
      day = *d;
    }
  } else if (in.digits_ahead() >= 4) {
    auto m = in.digits(2);
    auto d = in.digits(2);
    month = *m;
    day = *d;
  }
  if (!is_valid_civil(*year, static_cast<int>(month), static_cast<int>(day))) return std::nullopt;
  return DateValue{days_from_civil({*year, static_cast<int>(month), static_cast<int>(day)})};
}

// HH[:MM[:SS[.fff]]] or HHMM[SS]: seconds of the day and nanoseconds.
std::optional<std::pair<int64_t, int32_t>> read_time(Reader& in) {
  auto hour = in.digits(2);
  if (!hour) return std::nullopt;
  int64_t minute = 0;
  int64_t second = 0;
  int32_t nanos = 0;
  bool colon = in.accept(':');
  if (colon || in.digits_ahead() >= 2) {
    auto m = in.digits(2);
    if (!m) return std::nullopt;
    minute = *m;
    if ((colon && in.accept(':')) || (!colon && in.digits_ahead() >= 2)) {
      auto s = in.digits(2);
      if (!s) return std::nullopt;
      second = *s;
      auto f = in.fraction();
      if (!f) return std::nullopt;
      nanos = *f;
    }
  }
  if (*hour > 23 || minute > 59 || second > 59) return std::nullopt;
  return std::pair{*hour * 3600 + minute * 60 + second, nanos};
}

std::optional<LocalDateTimeValue> read_local_datetime(Reader& in) {
  auto date = read_date(in);
  if (!date) return std::nullopt;
  LocalDateTimeValue out{date->days * kSecondsPerDay, 0};
  if (in.accept('T') || in.accept(' ')) {
    auto time = read_time(in);
    if (!time) return std::nullopt;
    out.seconds += time->first;
    out.nanos = time->second;
  }
  return out;
}

std::string two(int64_t value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%02lld", static_cast<long long>(value));
  return text;
}

std::string year_text(int64_t year) {
  char text[32];
  if (year >= 0 && year <= 9999) {
    std::snprintf(text, sizeof(text), "%04lld", static_cast<long long>(year));
  } else {
    std::snprintf(text, sizeof(text), "%+05lld", static_cast<long long>(year));
  }
  return text;
}

// A duration's fraction of a second: ".25" for 250,000,000 ns; "" for none.
std::string fraction_text(int32_t nanos) {
  if (nanos == 0) return "";
  char text[32];
  std::snprintf(text, sizeof(text), ".%09d", nanos);
  std::string out = text;
  while (out.back() == '0') out.pop_back();
  return out;
}

// A time of day as openCypher's TCK (and Neo4j, after java.time) writes it: "12:31" when the
// seconds and their fraction are zero, else "12:31:05", and a fraction in whole groups of three
// digits: ".250", ".000250", ".000000250".
std::string time_of_day_text(int64_t of_day, int32_t nanos) {
  int hours = static_cast<int>(of_day / 3600);
  int minutes = static_cast<int>(of_day / 60 % 60);
  int seconds = static_cast<int>(of_day % 60);
  char text[32];
  if (seconds == 0 && nanos == 0) {
    std::snprintf(text, sizeof(text), "%02d:%02d", hours, minutes);
  } else if (nanos == 0) {
    std::snprintf(text, sizeof(text), "%02d:%02d:%02d", hours, minutes, seconds);
  } else if (nanos % 1000000 == 0) {
    std::snprintf(text, sizeof(text), "%02d:%02d:%02d.%03d", hours, minutes, seconds,
                  nanos / 1000000);
  } else if (nanos % 1000 == 0) {
    std::snprintf(text, sizeof(text), "%02d:%02d:%02d.%06d", hours, minutes, seconds, nanos / 1000);
  } else {
    std::snprintf(text, sizeof(text), "%02d:%02d:%02d.%09d", hours, minutes, seconds, nanos);
  }
  return text;
}

std::string wall_text(int64_t seconds, int32_t nanos) {
  int64_t days = floor_div(seconds, kSecondsPerDay);
  int64_t of_day = seconds - days * kSecondsPerDay;
  return format_date(DateValue{days}) + "T" + time_of_day_text(of_day, nanos);
}

bool year_in_range(int64_t days) {
  int64_t year = civil_from_days(days).year;
  return year >= -kMaxYear && year <= kMaxYear;
}

// Adds months to a day number, keeping the day of the month or the month's last day.
std::optional<int64_t> add_months(int64_t days, int64_t months) {
  if (months == 0) return days;
  CivilDate civil = civil_from_days(days);
  __int128 index = static_cast<__int128>(civil.year) * 12 + (civil.month - 1) + months;
  if (index > static_cast<__int128>(kMaxYear) * 12 || index < -static_cast<__int128>(kMaxYear) * 12) {
    return std::nullopt;
  }
  int64_t year = static_cast<int64_t>(index >= 0 ? index / 12 : (index - 11) / 12);
  int month = static_cast<int>(index - static_cast<__int128>(year) * 12) + 1;
  int day = std::min(civil.day, days_in_month(year, month));
  return days_from_civil({year, month, day});
}

Status out_of_range() {
  return Status::unprocessable("integer_overflow", "the temporal value is out of range");
}

// (seconds, nanos) + duration's days and seconds, on a wall clock.
Result<std::pair<int64_t, int32_t>> add_to_clock(int64_t seconds, int32_t nanos,
                                                 const DurationValue& duration) {
  int64_t days = floor_div(seconds, kSecondsPerDay);
  int64_t of_day = seconds - days * kSecondsPerDay;
  auto moved = add_months(days, duration.months);
  if (!moved) return out_of_range();
  __int128 total = (static_cast<__int128>(*moved) + duration.days) * kSecondsPerDay + of_day +
                   duration.seconds;
  int64_t total_nanos = static_cast<int64_t>(nanos) + duration.nanos;
  total += total_nanos / kNanosPerSecond;
  total_nanos %= kNanosPerSecond;
  constexpr __int128 kLimit = static_cast<__int128>(kMaxYear + 1) * 366 * kSecondsPerDay;
  if (total > kLimit || total < -kLimit) return out_of_range();
  int64_t out = static_cast<int64_t>(total);
  if (!year_in_range(floor_div(out, kSecondsPerDay))) return out_of_range();
  return std::pair{out, static_cast<int32_t>(total_nanos)};
}

__int128 clock_nanos(const WallClock& clock) {
  return static_cast<__int128>(clock.seconds) * kNanosPerSecond + clock.nanos;
}

DurationValue duration_from_nanos(int64_t months, int64_t days, __int128 nanos) {
  int64_t seconds = static_cast<int64_t>(nanos / kNanosPerSecond);
  int64_t rest = static_cast<int64_t>(nanos % kNanosPerSecond);
  return make_duration(months, days, seconds, rest);
}

// Whole months from a to b (toward zero), as a calendar counts them.
int64_t months_between(const WallClock& a, const WallClock& b) {
  int64_t a_days = floor_div(a.seconds, kSecondsPerDay);
  int64_t b_days = floor_div(b.seconds, kSecondsPerDay);
  CivilDate ca = civil_from_days(a_days);
  CivilDate cb = civil_from_days(b_days);
  int64_t months = (cb.year * 12 + cb.month) - (ca.year * 12 + ca.month);
  // The rest of the reading (day of the month, then time of day) decides a partial month.
  __int128 a_rest = static_cast<__int128>(ca.day) * kSecondsPerDay * kNanosPerSecond +
                    clock_nanos(a) - static_cast<__int128>(a_days) * kSecondsPerDay * kNanosPerSecond;
  __int128 b_rest = static_cast<__int128>(cb.day) * kSecondsPerDay * kNanosPerSecond +
                    clock_nanos(b) - static_cast<__int128>(b_days) * kSecondsPerDay * kNanosPerSecond;
  if (months > 0 && b_rest < a_rest) --months;
  if (months < 0 && b_rest > a_rest) ++months;
  return months;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}


// A duration given in fractional units (a parsed "P1.5M", a scaled duration): whole units are
// kept exact and each fraction cascades to the next smaller unit (a month as its average length
// in days, as openCypher does). Seconds are floored so that the nanoseconds are non-negative.
struct SplitDuration {
  long double months, days, seconds;
  int64_t nanos;
  bool within(long double limit_months, long double limit_days, long double limit_seconds) const {
    return std::fabs(months) <= limit_months && std::fabs(days) <= limit_days &&
           std::fabs(seconds) <= limit_seconds;
  }
};

SplitDuration split_fractions(long double months, long double days, long double seconds) {
  long double whole_months = std::trunc(months);
  days += (months - whole_months) * kDaysPerMonth;
  long double whole_days = std::trunc(days);
  seconds += (days - whole_days) * kSecondsPerDay;
  long double whole_seconds = std::floor(seconds);
  return {whole_months, whole_days, whole_seconds,
          static_cast<int64_t>(std::llround((seconds - whole_seconds) * 1e9L))};
}

}  // namespace

// --- Calendar (the days-from-civil algorithms of H. Hinnant, public domain) -----------------

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

int64_t floor_mod(int64_t a, int64_t b) { return a - floor_div(a, b) * b; }

// 1970-01-01 was a Thursday: floor_mod(days + 3, 7) counts from Monday 0 to Sunday 6.
int64_t iso_week_year(int64_t days) {
  return civil_from_days(days - floor_mod(days + 3, 7) + 3).year;
}

int64_t first_iso_monday(int64_t year) {
  const int64_t january_4 = days_from_civil({year, 1, 4});
  return january_4 - floor_mod(january_4 + 3, 7);
}

int64_t days_from_civil(const CivilDate& date) {
  int64_t y = date.year - (date.month <= 2 ? 1 : 0);
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (date.month + (date.month > 2 ? -3 : 9)) + 2) / 5 + date.day - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilDate civil_from_days(int64_t days) {
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return CivilDate{y + (month <= 2 ? 1 : 0), month, day};
}

int days_in_month(int64_t year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

bool is_valid_civil(int64_t year, int month, int day) {
  return year >= -kMaxYear && year <= kMaxYear && month >= 1 && month <= 12 && day >= 1 &&
         day <= days_in_month(year, month);
}

// --- Text -----------------------------------------------------------------------------------

Result<DateValue> parse_date(std::string_view text) {
  Reader in(text);
  auto date = read_date(in);
  if (!date || !in.done()) return invalid("date (expected YYYY-MM-DD)", text);
  return *date;
}

Result<LocalDateTimeValue> parse_local_datetime(std::string_view text) {
  Reader in(text);
  auto dt = read_local_datetime(in);
  if (!dt || !in.done()) return invalid("local date-time (expected YYYY-MM-DDTHH:MM:SS)", text);
  return *dt;
}

namespace {

// "Z", "+01", "+01:00", "+0100", "+01:00:30", "+010030" (or nothing: UTC) up to the end of `in`.
std::optional<int32_t> read_offset(Reader& in) {
  if (in.accept('Z') || in.accept('z') || in.done()) return 0;
  int sign = in.accept('+') ? 1 : (in.accept('-') ? -1 : 0);
  auto hours = sign == 0 ? std::nullopt : in.digits(2);
  if (!hours) return std::nullopt;
  // Minutes, then seconds (+02:05:59, +020559), each with the colon or without it.
  int64_t parts[2] = {0, 0};
  for (int64_t& part : parts) {
    if (!in.accept(':') && in.digits_ahead() < 2) break;
    auto digits = in.digits(2);
    if (!digits) return std::nullopt;
    part = *digits;
  }
  if (*hours > 18 || parts[0] > 59 || parts[1] > 59) return std::nullopt;
  return static_cast<int32_t>(sign * (*hours * 3600 + parts[0] * 60 + parts[1]));
}

Status refuse_named_zone(std::string_view text) {
  return Status::unprocessable("unsupported_construct",
                               "named time zones are not supported here: write a UTC offset such "
                               "as +01:00 ('" +
                                   std::string(text) + "')");
}

// Splits "...[Zone/Name]" into the text before the bracket and the zone name; nullopt when the
// text has a '[' that does not close the text.
struct ZoneSuffix {
  std::string_view head;
  std::string_view zone;  // empty without a bracket
};
std::optional<ZoneSuffix> split_zone_suffix(std::string_view text) {
  const size_t open = text.find('[');
  if (open == std::string_view::npos) return ZoneSuffix{text, {}};
  if (text.back() != ']' || open + 2 > text.size() - 1) return std::nullopt;
  return ZoneSuffix{text.substr(0, open), text.substr(open + 1, text.size() - open - 2)};
}

}  // namespace

Result<DateTimeValue> parse_datetime(std::string_view text, bool named_zones) {
  auto parts = split_zone_suffix(text);
  if (!parts) {
    return invalid("date-time (expected YYYY-MM-DDTHH:MM:SS[Z|+HH:MM][[Zone/Name]])", text);
  }
  if (!parts->zone.empty() && !named_zones) return refuse_named_zone(text);
  Reader in(parts->head);
  auto local = read_local_datetime(in);
  if (!local) return invalid("date-time (expected YYYY-MM-DDTHH:MM:SS[Z|+HH:MM])", text);
  const bool offset_written = !in.done();
  auto offset = read_offset(in);
  if (!offset) return invalid("UTC offset in date-time", text);
  if (!in.done()) return invalid("date-time (expected YYYY-MM-DDTHH:MM:SS[Z|+HH:MM])", text);
  if (parts->zone.empty()) return DateTimeValue{local->seconds - *offset, local->nanos, *offset};
  auto zone = TimeZoneDb::instance().find(parts->zone);
  if (!zone.ok()) return zone.status();
  if (offset_written) {
    // The offset must be one the zone has at that reading (either one in an overlap).
    const TimeZoneRules& rules = TimeZoneDb::instance().rules(*zone);
    if (rules.offset_at(local->seconds - *offset) != *offset) {
      return Status::invalid_argument("the offset " + format_utc_offset(*offset) + " is not " +
                                      std::string(parts->zone) + "'s at that time ('" +
                                      std::string(text) + "')");
    }
    return datetime_at_instant(local->seconds - *offset, local->nanos, *zone, 0);
  }
  return datetime_at_wall(local->seconds, local->nanos, *zone, 0);
}

DateTimeValue datetime_at_instant(int64_t seconds, int32_t nanos, uint16_t zone,
                                  int32_t fixed_offset) {
  const int32_t offset =
      zone == kNoTimeZone ? fixed_offset : TimeZoneDb::instance().rules(zone).offset_at(seconds);
  return DateTimeValue{seconds, nanos, offset, zone};
}

DateTimeValue datetime_at_wall(int64_t wall_seconds, int32_t nanos, uint16_t zone,
                               int32_t fixed_offset, std::optional<int32_t> preferred) {
  if (zone == kNoTimeZone) {
    return DateTimeValue{wall_seconds - fixed_offset, nanos, fixed_offset, kNoTimeZone};
  }
  const TimeZoneRules& rules = TimeZoneDb::instance().rules(zone);
  const int64_t instant = wall_seconds - rules.offset_for_local(wall_seconds, preferred);
  // In a gap the instant's own offset is the later one: the reading shows moved forward.
  return DateTimeValue{instant, nanos, rules.offset_at(instant), zone};
}

std::string datetime_zone_text(const DateTimeValue& dt) {
  if (dt.zone == kNoTimeZone) return format_utc_offset(dt.offset_seconds);
  return TimeZoneDb::instance().name(dt.zone);
}

Result<LocalTimeValue> parse_local_time(std::string_view text) {
  Reader in(text);
  auto time = read_time(in);
  if (!time || !in.done()) return invalid("local time (expected HH:MM:SS)", text);
  return LocalTimeValue{time->first * kNanosPerSecond + time->second};
}

Result<TimeValue> parse_time(std::string_view text, std::optional<int64_t> zone_instant) {
  auto parts = split_zone_suffix(text);
  if (!parts) return invalid("time (expected HH:MM:SS[Z|+HH:MM])", text);
  if (!parts->zone.empty() && !zone_instant) return refuse_named_zone(text);
  Reader in(parts->head);
  auto time = read_time(in);
  if (!time) return invalid("time (expected HH:MM:SS[Z|+HH:MM])", text);
  const bool offset_written = !in.done();
  auto offset = read_offset(in);
  if (!offset || !in.done()) return invalid("time (expected HH:MM:SS[Z|+HH:MM])", text);
  const int64_t nanos = time->first * kNanosPerSecond + time->second;
  if (parts->zone.empty()) return TimeValue{nanos, *offset};
  auto zone = TimeZoneDb::instance().find(parts->zone);
  if (!zone.ok()) return zone.status();
  const int32_t zone_offset = TimeZoneDb::instance().rules(*zone).offset_at(*zone_instant);
  if (offset_written && *offset != zone_offset) {
    return Status::invalid_argument("the offset " + format_utc_offset(*offset) + " is not " +
                                    std::string(parts->zone) + "'s now ('" + std::string(text) +
                                    "')");
  }
  return TimeValue{nanos, zone_offset};
}

Result<DurationValue> parse_duration(std::string_view text) {
  Reader in(text);
  if (!in.accept('P') && !in.accept('p')) return invalid("duration (expected P...)", text);
  long double months = 0;
  long double days = 0;
  long double seconds = 0;
  bool time = false;
  bool any = false;
  std::string_view rest = text.substr(1);
  size_t at = 0;
  while (at < rest.size()) {
    if (rest[at] == 'T' || rest[at] == 't') {
      if (time) return invalid("duration", text);
      time = true;
      ++at;
      continue;
    }
    size_t start = at;
    if (rest[at] == '-' || rest[at] == '+') ++at;
    while (at < rest.size() && ((rest[at] >= '0' && rest[at] <= '9') || rest[at] == '.' ||
                                rest[at] == ',')) {
      ++at;
    }
    if (at == start || at >= rest.size()) return invalid("duration", text);
    std::string number(rest.substr(start, at - start));
    for (char& c : number) c = c == ',' ? '.' : c;
    char* end = nullptr;
    long double value = std::strtold(number.c_str(), &end);
    if (end != number.c_str() + number.size()) return invalid("duration", text);
    char unit = static_cast<char>(std::toupper(static_cast<unsigned char>(rest[at++])));
    any = true;
    if (!time && unit == 'Y') {
      months += value * 12;
    } else if (!time && unit == 'M') {
      months += value;
    } else if (!time && unit == 'W') {
      days += value * 7;
    } else if (!time && unit == 'D') {
      days += value;
    } else if (time && unit == 'H') {
      seconds += value * 3600;
    } else if (time && unit == 'M') {
      seconds += value * 60;
    } else if (time && unit == 'S') {
      seconds += value;
    } else {
      return invalid("duration", text);
    }
  }
  if (!any) return invalid("duration", text);
  SplitDuration split = split_fractions(months, days, seconds);
  if (!split.within(1e15L, 1e15L, 1e17L)) return invalid("duration (out of range)", text);
  return make_duration(static_cast<int64_t>(split.months), static_cast<int64_t>(split.days),
                       static_cast<int64_t>(split.seconds), split.nanos);
}

std::string format_date(const DateValue& date) {
  CivilDate civil = civil_from_days(date.days);
  return year_text(civil.year) + "-" + two(civil.month) + "-" + two(civil.day);
}

std::string format_local_datetime(const LocalDateTimeValue& dt) {
  return wall_text(dt.seconds, dt.nanos);
}

std::string format_utc_offset(int32_t offset_seconds) {
  if (offset_seconds == 0) return "Z";
  int32_t offset = offset_seconds < 0 ? -offset_seconds : offset_seconds;
  char text[32];
  if (offset % 60 == 0) {
    std::snprintf(text, sizeof(text), "%c%02d:%02d", offset_seconds < 0 ? '-' : '+', offset / 3600,
                  offset / 60 % 60);
  } else {
    std::snprintf(text, sizeof(text), "%c%02d:%02d:%02d", offset_seconds < 0 ? '-' : '+',
                  offset / 3600, offset / 60 % 60, offset % 60);
  }
  return text;
}

std::string format_local_time(const LocalTimeValue& time) {
  return time_of_day_text(time.nanos / kNanosPerSecond,
                          static_cast<int32_t>(time.nanos % kNanosPerSecond));
}

std::string format_time(const TimeValue& time) {
  return format_local_time(LocalTimeValue{time.nanos}) + format_utc_offset(time.offset_seconds);
}

std::string format_datetime(const DateTimeValue& dt) {
  std::string text =
      wall_text(dt.seconds + dt.offset_seconds, dt.nanos) + format_utc_offset(dt.offset_seconds);
  if (dt.zone != kNoTimeZone) text += "[" + TimeZoneDb::instance().name(dt.zone) + "]";
  return text;
}

std::string format_duration(const DurationValue& duration) {
  std::string out = "P";
  int64_t years = duration.months / 12;
  int64_t months = duration.months % 12;
  if (years != 0) out += std::to_string(years) + "Y";
  if (months != 0) out += std::to_string(months) + "M";
  if (duration.days != 0) out += std::to_string(duration.days) + "D";
  __int128 nanos = static_cast<__int128>(duration.seconds) * kNanosPerSecond + duration.nanos;
  if (nanos != 0) {
    out += "T";
    bool negative = nanos < 0;
    __int128 magnitude = negative ? -nanos : nanos;
    int64_t hours = static_cast<int64_t>(magnitude / (3600LL * kNanosPerSecond));
    int64_t minutes = static_cast<int64_t>(magnitude / (60LL * kNanosPerSecond) % 60);
    int64_t seconds = static_cast<int64_t>(magnitude / kNanosPerSecond % 60);
    int32_t fraction = static_cast<int32_t>(magnitude % kNanosPerSecond);
    std::string sign = negative ? "-" : "";
    if (hours != 0) out += sign + std::to_string(hours) + "H";
    if (minutes != 0) out += sign + std::to_string(minutes) + "M";
    if (seconds != 0 || fraction != 0) {
      out += sign + std::to_string(seconds) + fraction_text(fraction) + "S";
    }
  }
  return out == "P" ? "PT0S" : out;
}

// --- Arithmetic -----------------------------------------------------------------------------

DurationValue make_duration(int64_t months, int64_t days, int64_t seconds, int64_t nanos) {
  seconds += floor_div(nanos, kNanosPerSecond);
  return DurationValue{months, days, seconds, static_cast<int32_t>(floor_mod(nanos, kNanosPerSecond))};
}

Result<DateValue> add_duration(const DateValue& date, const DurationValue& duration) {
  auto moved = add_months(date.days, duration.months);
  if (!moved) return out_of_range();
  // Only whole days of the time part move a date.
  __int128 nanos = static_cast<__int128>(duration.seconds) * kNanosPerSecond + duration.nanos;
  __int128 days = static_cast<__int128>(*moved) + duration.days +
                  nanos / (static_cast<__int128>(kSecondsPerDay) * kNanosPerSecond);
  if (days > static_cast<__int128>(kMaxYear) * 366 || days < -static_cast<__int128>(kMaxYear) * 366 ||
      !year_in_range(static_cast<int64_t>(days))) {
    return out_of_range();
  }
  return DateValue{static_cast<int64_t>(days)};
}

Result<LocalDateTimeValue> add_duration(const LocalDateTimeValue& dt,
                                        const DurationValue& duration) {
  auto moved = add_to_clock(dt.seconds, dt.nanos, duration);
  if (!moved.ok()) return moved.status();
  return LocalDateTimeValue{moved->first, moved->second};
}

Result<DateTimeValue> add_duration(const DateTimeValue& dt, const DurationValue& duration) {
  if (dt.zone == kNoTimeZone) {
    // Months and days move the wall clock of the value's own offset.
    auto moved = add_to_clock(dt.seconds + dt.offset_seconds, dt.nanos, duration);
    if (!moved.ok()) return moved.status();
    return DateTimeValue{moved->first - dt.offset_seconds, moved->second, dt.offset_seconds};
  }
  // Months and days on the zone's wall clock, resolved again in the zone (a day is 23 or 25
  // hours across a change); then the time part on the instant (PT24H is always 24 hours).
  auto by_date = add_to_clock(dt.seconds + dt.offset_seconds, dt.nanos,
                              DurationValue{duration.months, duration.days, 0, 0});
  if (!by_date.ok()) return by_date.status();
  DateTimeValue moved = datetime_at_wall(by_date->first, by_date->second, dt.zone, 0,
                                         dt.offset_seconds);
  auto by_time = add_to_clock(moved.seconds, moved.nanos,
                              DurationValue{0, 0, duration.seconds, duration.nanos});
  if (!by_time.ok()) return by_time.status();
  return datetime_at_instant(by_time->first, by_time->second, dt.zone, 0);
}

LocalTimeValue add_duration(const LocalTimeValue& time, const DurationValue& duration) {
  __int128 nanos =
      static_cast<__int128>(time.nanos) +
      (static_cast<__int128>(duration.seconds) * kNanosPerSecond + duration.nanos) % kNanosPerDay;
  nanos = ((nanos % kNanosPerDay) + kNanosPerDay) % kNanosPerDay;
  return LocalTimeValue{static_cast<int64_t>(nanos)};
}

TimeValue add_duration(const TimeValue& time, const DurationValue& duration) {
  return TimeValue{add_duration(LocalTimeValue{time.nanos}, duration).nanos, time.offset_seconds};
}

Result<DurationValue> add_durations(const DurationValue& a, const DurationValue& b) {
  int64_t months, days, seconds;
  if (__builtin_add_overflow(a.months, b.months, &months) ||
      __builtin_add_overflow(a.days, b.days, &days) ||
      __builtin_add_overflow(a.seconds, b.seconds, &seconds)) {
    return Status::unprocessable("integer_overflow", "duration overflow");
  }
  return make_duration(months, days, seconds, static_cast<int64_t>(a.nanos) + b.nanos);
}

Result<DurationValue> negate_duration(const DurationValue& duration) {
  if (duration.months == INT64_MIN || duration.days == INT64_MIN || duration.seconds == INT64_MIN) {
    return Status::unprocessable("integer_overflow", "duration overflow");
  }
  return make_duration(-duration.months, -duration.days, -duration.seconds, -duration.nanos);
}

Result<DurationValue> scale_duration(const DurationValue& duration, double factor) {
  if (!std::isfinite(factor)) return Status::unprocessable("integer_overflow", "duration overflow");
  long double months = static_cast<long double>(duration.months) * factor;
  long double days = static_cast<long double>(duration.days) * factor;
  long double seconds =
      (static_cast<long double>(duration.seconds) + duration.nanos / 1e9L) * factor;
  SplitDuration split = split_fractions(months, days, seconds);
  if (!split.within(9e18L, 9e18L, 9e18L)) {
    return Status::unprocessable("integer_overflow", "duration overflow");
  }
  return make_duration(static_cast<int64_t>(split.months), static_cast<int64_t>(split.days),
                       static_cast<int64_t>(split.seconds), split.nanos);
}

// --- Between ---------------------------------------------------------------------------------

DurationValue duration_between(const WallClock& a, const WallClock& b) {
  int64_t months = months_between(a, b);
  int64_t a_days = floor_div(a.seconds, kSecondsPerDay);
  int64_t of_day = a.seconds - a_days * kSecondsPerDay;
  int64_t middle_days = add_months(a_days, months).value_or(a_days);
  WallClock middle{middle_days * kSecondsPerDay + of_day, a.nanos, a.has_time};
  __int128 rest = clock_nanos(b) - clock_nanos(middle);
  __int128 day_nanos = static_cast<__int128>(kSecondsPerDay) * kNanosPerSecond;
  int64_t days = static_cast<int64_t>(rest / day_nanos);
  return duration_from_nanos(months, days, rest % day_nanos);
}

DurationValue duration_in_months(const WallClock& a, const WallClock& b) {
  return DurationValue{months_between(a, b), 0, 0, 0};
}

DurationValue duration_in_days(const WallClock& a, const WallClock& b) {
  __int128 rest = clock_nanos(b) - clock_nanos(a);
  __int128 day_nanos = static_cast<__int128>(kSecondsPerDay) * kNanosPerSecond;
  return DurationValue{0, static_cast<int64_t>(rest / day_nanos), 0, 0};
}

DurationValue duration_in_seconds(const WallClock& a, const WallClock& b) {
  return duration_from_nanos(0, 0, clock_nanos(b) - clock_nanos(a));
}

// --- Truncation and components --------------------------------------------------------------

Result<WallClock> truncate_wall_clock(const WallClock& clock, std::string_view unit,
                                      bool date_only) {
  std::string name = lower(unit);
  int64_t days = floor_div(clock.seconds, kSecondsPerDay);
  int64_t of_day = clock.seconds - days * kSecondsPerDay;
  CivilDate civil = civil_from_days(days);
  auto at_date = [&](int64_t year, int month, int day) {
    return WallClock{days_from_civil({year, month, day}) * kSecondsPerDay, 0, clock.has_time};
  };
  if (name == "millennium") return at_date(floor_div(civil.year, 1000) * 1000, 1, 1);
  if (name == "century") return at_date(floor_div(civil.year, 100) * 100, 1, 1);
  if (name == "decade") return at_date(floor_div(civil.year, 10) * 10, 1, 1);
  if (name == "year") return at_date(civil.year, 1, 1);
  if (name == "quarter") return at_date(civil.year, (civil.month - 1) / 3 * 3 + 1, 1);
  if (name == "month") return at_date(civil.year, civil.month, 1);
  if (name == "week") {
    int64_t monday = days - floor_mod(days + 3, 7);
    return WallClock{monday * kSecondsPerDay, 0, clock.has_time};
  }
  if (name == "weekyear") {
    return WallClock{first_iso_monday(iso_week_year(days)) * kSecondsPerDay, 0, clock.has_time};
  }
  if (name == "day") return WallClock{days * kSecondsPerDay, 0, clock.has_time};
  if (!date_only) {
    int64_t base = days * kSecondsPerDay;
    if (name == "hour") return WallClock{base + of_day / 3600 * 3600, 0, true};
    if (name == "minute") return WallClock{base + of_day / 60 * 60, 0, true};
    if (name == "second") return WallClock{clock.seconds, 0, true};
    if (name == "millisecond") return WallClock{clock.seconds, clock.nanos / 1000000 * 1000000, true};
    if (name == "microsecond") return WallClock{clock.seconds, clock.nanos / 1000 * 1000, true};
  }
  return Status::invalid_argument(
      "cannot truncate to '" + std::string(unit) + "': the units are millennium, century, "
      "decade, year, weekYear, quarter, month, week, day" +
      (date_only ? std::string(" for a date") : ", hour, minute, second, millisecond, microsecond"));
}

std::optional<int64_t> clock_component(const WallClock& clock, std::string_view name) {
  std::string key = lower(name);
  int64_t days = floor_div(clock.seconds, kSecondsPerDay);
  int64_t of_day = clock.seconds - days * kSecondsPerDay;
  CivilDate civil = civil_from_days(days);
  int64_t day_of_week = floor_mod(days + 3, 7) + 1;  // 1970-01-01 was a Thursday (4)
  if (key == "year") return civil.year;
  if (key == "quarter") return (civil.month - 1) / 3 + 1;
  if (key == "month") return civil.month;
  if (key == "day") return civil.day;
  if (key == "ordinalday") return days - days_from_civil({civil.year, 1, 1}) + 1;
  if (key == "dayofweek" || key == "weekday") return day_of_week;
  if (key == "dayofquarter") {
    return days - days_from_civil({civil.year, (civil.month - 1) / 3 * 3 + 1, 1}) + 1;
  }
  if (key == "week" || key == "weekyear") {
    int64_t week_year = iso_week_year(days);
    if (key == "weekyear") return week_year;
    return (days - first_iso_monday(week_year)) / 7 + 1;
  }
  if (!clock.has_time) return std::nullopt;
  if (key == "hour") return of_day / 3600;
  if (key == "minute") return of_day / 60 % 60;
  if (key == "second") return of_day % 60;
  if (key == "millisecond") return clock.nanos / 1000000;
  if (key == "microsecond") return clock.nanos / 1000;
  if (key == "nanosecond") return clock.nanos;
  return std::nullopt;
}

std::optional<int64_t> duration_component(const DurationValue& duration, std::string_view name) {
  std::string key = lower(name);
  __int128 nanos = static_cast<__int128>(duration.seconds) * kNanosPerSecond + duration.nanos;
  // As openCypher (and Neo4j) split a duration's time: whole seconds rounded down and a
  // fraction of 0 to 999,999,999 ns, so PT-0.9S is -1 second and 100,000,000 ns.
  __int128 whole = nanos / kNanosPerSecond;
  if (nanos % kNanosPerSecond < 0) --whole;
  int64_t seconds = static_cast<int64_t>(whole);
  int64_t nanos_of_second = static_cast<int64_t>(nanos - whole * kNanosPerSecond);
  if (key == "years") return duration.months / 12;
  if (key == "quarters") return duration.months / 3;
  if (key == "months") return duration.months;
  if (key == "monthsofyear") return duration.months % 12;
  if (key == "monthsofquarter") return duration.months % 3;
  if (key == "quartersofyear") return duration.months / 3 % 4;
  if (key == "weeks") return duration.days / 7;
  if (key == "days") return duration.days;
  if (key == "daysofweek") return duration.days % 7;
  if (key == "hours") return seconds / 3600;
  if (key == "minutes") return seconds / 60;
  if (key == "seconds") return seconds;
  if (key == "minutesofhour") return seconds / 60 % 60;
  if (key == "secondsofminute") return seconds % 60;
  if (key == "milliseconds") return static_cast<int64_t>(nanos / 1000000);
  if (key == "microseconds") return static_cast<int64_t>(nanos / 1000);
  if (key == "nanoseconds") return static_cast<int64_t>(nanos);
  if (key == "millisecondsofsecond") return nanos_of_second / 1000000;
  if (key == "microsecondsofsecond") return nanos_of_second / 1000;
  if (key == "nanosecondsofsecond") return nanos_of_second;
  return std::nullopt;
}

}  // namespace expgraph::cypher
