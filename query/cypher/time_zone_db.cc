#include "query/cypher/time_zone_db.h"

#include <fstream>
#include <iterator>
#include <mutex>

namespace expgraph::cypher {

namespace {

constexpr size_t kMaxNameLength = 64;
// The largest TZif file in tzdata is a few kilobytes; anything far larger is not one.
constexpr std::streamsize kMaxFileBytes = 1 << 20;

bool is_name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '+' || c == '-';
}

Status unknown_zone(std::string_view name) {
  return Status::invalid_argument("unknown time zone '" + std::string(name) + "'");
}

}  // namespace

bool is_valid_time_zone_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameLength) return false;
  bool segment_start = true;
  for (char c : name) {
    if (c == '/') {
      if (segment_start) return false;  // a leading '/' or "//"
      segment_start = true;
    } else if (is_name_char(c)) {
      segment_start = false;
    } else {
      return false;  // '.', '\\', spaces, ...: no "..", no hidden files
    }
  }
  // zoneinfo's "localtime" and "posixrules" are configuration (a copy of another zone), not zones.
  return !segment_start && name != "localtime" && name != "posixrules";
}

TimeZoneDb::TimeZoneDb(std::string zoneinfo_directory)
    : directory_(std::move(zoneinfo_directory)) {}

TimeZoneDb& TimeZoneDb::instance() {
  static TimeZoneDb db("/usr/share/zoneinfo");
  return db;
}

Result<TimeZoneId> TimeZoneDb::find(std::string_view name) {
  {
    std::shared_lock lock(mutex_);
    if (auto it = ids_.find(name); it != ids_.end()) return it->second;
  }
  if (!is_valid_time_zone_name(name)) return unknown_zone(name);
  // Read outside the lock: a slow disk holds up no other query. Two threads loading the same zone
  // both read it; the first to take the lock interns it.
  std::ifstream file(directory_ + "/" + std::string(name), std::ios::binary);
  if (!file) return unknown_zone(name);
  std::string bytes;
  bytes.resize(static_cast<size_t>(kMaxFileBytes));
  file.read(bytes.data(), kMaxFileBytes);
  if (file.bad() || file.gcount() <= 0 || file.gcount() >= kMaxFileBytes) return unknown_zone(name);
  bytes.resize(static_cast<size_t>(file.gcount()));
  auto rules = TimeZoneRules::from_tzif(bytes);
  if (!rules.ok()) return unknown_zone(name);  // a directory, zone.tab, tzdata.zi, a right/ zone

  std::unique_lock lock(mutex_);
  if (auto it = ids_.find(name); it != ids_.end()) return it->second;
  // tzdata has about 600 names; the id space only runs out if that grows a hundredfold.
  if (zones_.size() >= 0xffff) return Status::internal("too many time zones loaded");
  zones_.push_back(Zone{std::string(name), std::move(*rules)});
  const auto id = static_cast<TimeZoneId>(zones_.size());
  ids_.emplace(std::string(name), id);
  return id;
}

const TimeZoneDb::Zone& TimeZoneDb::zone(TimeZoneId id) const {
  std::shared_lock lock(mutex_);
  return zones_.at(id - 1);
}

const std::string& TimeZoneDb::name(TimeZoneId id) const { return zone(id).name; }

const TimeZoneRules& TimeZoneDb::rules(TimeZoneId id) const { return zone(id).rules; }

}  // namespace expgraph::cypher
