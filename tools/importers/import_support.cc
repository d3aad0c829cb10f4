#include "tools/importers/import_support.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <system_error>

namespace expgraph::import_internal {

std::string stable_hash_hex(std::string_view text) {
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  char buffer[17];
  std::snprintf(buffer, sizeof(buffer), "%016llx", static_cast<unsigned long long>(hash));
  return buffer;
}

std::string slug(std::string_view text) {
  std::string out;
  bool pending_separator = false;
  for (char raw : text) {
    char c = raw;
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      if (pending_separator && !out.empty()) out.push_back('_');
      pending_separator = false;
      out.push_back(c);
    } else {
      pending_separator = true;
    }
  }
  return out.empty() ? "x" : out;
}

std::optional<int64_t> parse_int(std::string_view text) {
  int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc() || ptr != end) return std::nullopt;
  return value;
}

std::optional<double> parse_double(std::string_view text) {
  double value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc() || ptr != end || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

std::string format_date(int year, int month, int day) {
  char buffer[16];
  std::snprintf(buffer, sizeof(buffer), "%04d-%02d-%02d", year, month, day);
  return buffer;
}

// Howard Hinnant's civil-date algorithms (public domain descriptions of the Gregorian calendar).
int64_t days_from_civil(int year, int month, int day) {
  const int64_t y = static_cast<int64_t>(year) - (month <= 2 ? 1 : 0);
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

std::string date_from_days(int64_t days) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t doe = days - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const int year = static_cast<int>(yoe + era * 400 + (month <= 2 ? 1 : 0));
  return format_date(year, month, day);
}

std::optional<std::string> sunday_week_start(int year, int week) {
  if (week < 0 || week > 53) return std::nullopt;
  const int64_t january_first = days_from_civil(year, 1, 1);
  if (week == 0) return date_from_days(january_first);
  // 1970-01-01 was a Thursday: weekday 0 = Sunday is (days + 4) mod 7.
  const int64_t weekday = ((january_first + 4) % 7 + 7) % 7;
  const int64_t first_sunday = january_first + (7 - weekday) % 7;
  const int64_t start = first_sunday + 7 * (week - 1);
  if (start >= days_from_civil(year + 1, 1, 1)) return std::nullopt;
  return date_from_days(start);
}

std::optional<int64_t> sunday_week_of(std::string_view text) {
  if (text.size() < 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  std::optional<int64_t> year = parse_int(text.substr(0, 4));
  std::optional<int64_t> month = parse_int(text.substr(5, 2));
  std::optional<int64_t> day = parse_int(text.substr(8, 2));
  if (!year || !month || !day || *month < 1 || *month > 12 || *day < 1 || *day > 31) {
    return std::nullopt;
  }
  const int y = static_cast<int>(*year);
  const int64_t days = days_from_civil(y, static_cast<int>(*month), static_cast<int>(*day));
  if (date_from_days(days) != text.substr(0, 10)) return std::nullopt;  // 31 February
  const int64_t day_of_year = days - days_from_civil(y, 1, 1);
  const int64_t weekday = ((days + 4) % 7 + 7) % 7;  // 0 = Sunday (1970-01-01 was a Thursday)
  return *year * 100 + (day_of_year + 7 - weekday) / 7;
}

double round_sig(double x) {
  if (!std::isfinite(x) || x == 0) return x;
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.6g", x);
  return std::strtod(buffer, nullptr);
}

void set_finite(nlohmann::json& properties, const char* name, double value) {
  if (std::isfinite(value)) properties[name] = round_sig(value);
}

void add_comparison(nlohmann::json& properties, const analytics::Comparison& comparison,
                    double alpha) {
  set_finite(properties, "rate", comparison.treatment_value);
  set_finite(properties, "baseline_rate", comparison.control_value);
  if (comparison.lift_defined) {
    set_finite(properties, "lift", comparison.lift);
    set_finite(properties, "ci_low", comparison.ci_low);
    set_finite(properties, "ci_high", comparison.ci_high);
  }
  properties["confidence_level"] = round_sig(1 - alpha);
  set_finite(properties, "p_value", comparison.p_value);
  properties["significant"] = comparison.significant;
  properties["underpowered"] = comparison.underpowered;
}

std::string percent(double fraction, int digits) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.*f%%", digits, 100 * fraction);
  return buffer;
}

std::string signed_percent(double fraction, int digits) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%+.*f%%", digits, 100 * fraction);
  return buffer;
}

std::string with_thousands(int64_t value) {
  std::string digits = std::to_string(value < 0 ? -value : value);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return value < 0 ? "-" + out : out;
}

std::string p_value_text(double p) {
  if (!std::isfinite(p)) return "p undefined";
  if (p < 0.001) return "p < 0.001";
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "p = %.3f", p);
  return buffer;
}

std::string truncate_utf8(std::string_view text, size_t max_chars) {
  if (text.size() <= max_chars) return std::string(text);
  size_t cut = max_chars;
  // Back up over continuation bytes (10xxxxxx) so a multi-byte character is not split.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "...";
}

}  // namespace expgraph::import_internal
