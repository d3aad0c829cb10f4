// Small pure helpers shared by the importers: stable hashes and slugs for keys, number parsing
// with row context, dates, rounding, and the Result properties of a comparison. Thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "ontology/status.h"
#include "query/analytics/result_stats.h"

namespace expgraph::import_internal {

// The significance level and power every importer analyses its tests at (two-sided tests).
constexpr double kAlpha = 0.05;
constexpr double kPower = 0.8;

// 64-bit FNV-1a of the bytes as 16 lower-case hex digits: stable across runs and platforms
// (std::hash is not), so keys derived from text survive a re-import.
std::string stable_hash_hex(std::string_view text);

// Lower-case ASCII letters and digits kept, every other run of bytes turned into one '_',
// without leading or trailing '_' ("2) $100 - $200" -> "2_100_200"); "x" if nothing is left.
std::string slug(std::string_view text);

// Whole-field parses: nullopt when the text is not entirely a number.
std::optional<int64_t> parse_int(std::string_view text);
std::optional<double> parse_double(std::string_view text);

// "YYYY-MM-DD" of a proleptic Gregorian date.
std::string format_date(int year, int month, int day);
// The first day of week `week` of `year` numbered as strftime's %U: weeks start on Sunday and
// days before the year's first Sunday are week 0 (whose first day is taken to be 1 January).
// nullopt when week is outside 0..53 or names a day past the end of the year.
std::optional<std::string> sunday_week_start(int year, int week);
// The %Y%U week (YYYYWW, weeks start on Sunday, week 0 before the year's first Sunday) of a
// text that starts with a YYYY-MM-DD date ("2014-06-03 10:00:00"); nullopt when it does not.
std::optional<int64_t> sunday_week_of(std::string_view text);
// Days since 1970-01-01 of a civil date, and back.
int64_t days_from_civil(int year, int month, int day);
std::string date_from_days(int64_t days);

// x rounded to 6 significant digits, so that stored statistics read cleanly and compare
// exactly across runs; non-finite values are returned unchanged.
double round_sig(double x);

// Sets `name` to round_sig(value) when value is finite; leaves it out otherwise (an undefined
// lift is absent, not null).
void set_finite(nlohmann::json& properties, const char* name, double value);

// The statistics of a treatment-vs-baseline comparison as Result properties: rate,
// baseline_rate, lift, ci_low, ci_high, confidence_level, p_value, significant, underpowered.
void add_comparison(nlohmann::json& properties, const analytics::Comparison& comparison,
                    double alpha);

// 0.0249 -> "2.49%"; `digits` decimals.
std::string percent(double fraction, int digits = 2);
// 0.184 -> "+18.4%", -0.05 -> "-5.0%".
std::string signed_percent(double fraction, int digits = 1);
// 17670 -> "17,670".
std::string with_thousands(int64_t value);
// p-values as people write them: "p < 0.001" or "p = 0.034".
std::string p_value_text(double p);
// The first `max_chars` bytes of text cut at a UTF-8 boundary, with "..." when cut.
std::string truncate_utf8(std::string_view text, size_t max_chars);

}  // namespace expgraph::import_internal
