// The rules of one named time zone (an IANA zone such as Europe/Stockholm), read from a TZif file
// (RFC 8536): the UTC offset in force at an instant, and the instant a local wall-clock reading
// means, with daylight-saving gaps and overlaps resolved as java.time (and so Neo4j) resolves
// them. Built by time_zone_db.cc from the files of Debian's tzdata package; used through it by
// the Cypher temporal code. Immutable once built; thread-safe to share.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "ontology/status.h"

namespace expgraph::cypher {

// A zone's rule for the years after its last listed transition, from the TZif footer (a POSIX TZ
// string such as "CET-1CEST,M3.5.0,M10.5.0/3"): a standard offset and, optionally, a daylight
// offset between two yearly dates.
struct PosixZoneRule {
  // A yearly date: the d-th day of week (0 Sunday) of week w (1-4, 5 = last) of month m
  // ("Mm.w.d"), day n of 1-365 never counting February 29 ("Jn"), or day n of 0-365 ("n"),
  // with the local time of day (seconds, may be negative or beyond 24h) the change happens at.
  struct Date {
    enum class Kind { kMonthWeekDay, kJulianNoLeap, kDayOfYear } kind = Kind::kMonthWeekDay;
    int month = 0;
    int week = 0;
    int day = 0;
    int32_t time_seconds = 7200;  // 02:00, POSIX's default
  };
  int32_t std_offset = 0;  // seconds east of UTC (POSIX writes the sign the other way)
  bool has_dst = false;
  int32_t dst_offset = 0;
  Date dst_start;  // in standard local time
  Date dst_end;    // in daylight local time
};

// Parses a POSIX TZ string; invalid_argument when it is not one.
Result<PosixZoneRule> parse_posix_zone_rule(std::string_view text);

class TimeZoneRules {
 public:
  // Reads a TZif file's bytes: version 1 files from their 32-bit data, later versions from the
  // 64-bit data and the footer. invalid_argument for anything else (a truncated file, a file with
  // leap-second records, which the "right/" zones have and a civil clock does not count).
  static Result<TimeZoneRules> from_tzif(std::string_view bytes);

  // The offset (seconds east of UTC) in force at `utc_seconds` since the epoch.
  int32_t offset_at(int64_t utc_seconds) const;

  // The offset a wall-clock reading (`local_seconds` since 1970-01-01T00:00 on the zone's clock)
  // takes, as java.time's ZonedDateTime.ofLocal: the one offset valid then; in an overlap (the
  // clock set back) `preferred` when it is one of the two, else the earlier of the two (the
  // offset before the change); in a gap (the clock set forward) the offset before the gap, so
  // that the reading moves forward by the gap's length (02:30 in a 02:00-03:00 gap is 03:30).
  int32_t offset_for_local(int64_t local_seconds,
                           std::optional<int32_t> preferred = std::nullopt) const;

  // The transitions listed in the file (for tests and diagnostics).
  size_t transition_count() const { return transitions_.size(); }
  const std::optional<PosixZoneRule>& footer() const { return footer_; }

 private:
  struct Transition {
    int64_t at = 0;  // UTC seconds
    int32_t offset_after = 0;
  };
  // The transitions (with the offset each one sets) in [from, to), and the offset in force at
  // `from`, whether they come from the file's list or from the footer's rule.
  int32_t transitions_between(int64_t from, int64_t to, std::vector<Transition>& out) const;
  int32_t footer_offset_at(int64_t utc_seconds) const;
  // The footer rule's changes in the years first_year to last_year, in time order.
  std::vector<Transition> footer_changes(int64_t first_year, int64_t last_year) const;

  int32_t initial_offset_ = 0;           // before the first transition
  std::vector<Transition> transitions_;  // ascending
  std::optional<PosixZoneRule> footer_;
};

}  // namespace expgraph::cypher
