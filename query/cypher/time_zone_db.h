// Named time zones for the Cypher temporal values: checks an IANA zone name, loads its TZif file
// from the zoneinfo directory (Debian's tzdata package: /usr/share/zoneinfo) once, and interns it
// as a 16-bit id, which is all a DateTimeValue carries of its zone (a value stays small; the
// name and rules are looked up here). Used by temporal.cc and temporal_functions.cc.
// Thread-safe: zones are only ever added, under one shared_mutex; references stay valid for the
// database's life.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "ontology/status.h"
#include "query/cypher/time_zone_rules.h"

namespace expgraph::cypher {

// A zone's id in a TimeZoneDb; kNoTimeZone (0) is a value with a fixed UTC offset only.
using TimeZoneId = uint16_t;
inline constexpr TimeZoneId kNoTimeZone = 0;

// Whether `name` may name a zone file: segments of [A-Za-z0-9_+-] joined by single '/', no
// leading '/', no "." or "..", at most 64 characters. Anything else is refused before a file is
// opened, so a query cannot read outside the zoneinfo directory.
bool is_valid_time_zone_name(std::string_view name);

class TimeZoneDb {
 public:
  explicit TimeZoneDb(std::string zoneinfo_directory);
  TimeZoneDb(const TimeZoneDb&) = delete;
  TimeZoneDb& operator=(const TimeZoneDb&) = delete;

  // The database every Cypher value's zone id refers to, over /usr/share/zoneinfo. One per
  // process because values carry bare ids; built on first use.
  static TimeZoneDb& instance();

  // The id of the zone `name` ("Europe/Stockholm"; case matters, as in the IANA database and
  // java.time), reading its file on first use. invalid_argument naming the zone for a name that is
  // malformed or names no zone file (with tzdata missing, every name).
  Result<TimeZoneId> find(std::string_view name);

  // The name and rules of an id that find() returned.
  const std::string& name(TimeZoneId id) const;
  const TimeZoneRules& rules(TimeZoneId id) const;

 private:
  struct Zone {
    std::string name;
    TimeZoneRules rules;
  };
  const Zone& zone(TimeZoneId id) const;

  const std::string directory_;
  mutable std::shared_mutex mutex_;
  std::map<std::string, TimeZoneId, std::less<>> ids_;  // guarded by mutex_
  std::deque<Zone> zones_;  // guarded by mutex_; zones_[id - 1]; a deque keeps references stable
};

}  // namespace expgraph::cypher
