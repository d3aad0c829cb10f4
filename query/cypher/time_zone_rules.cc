#include "query/cypher/time_zone_rules.h"

#include <algorithm>
#include <string>

#include "query/cypher/temporal.h"

namespace expgraph::cypher {

namespace {

// A TZif offset is at most 25 hours either way (RFC 8536 allows -89999 to 93599 seconds).
constexpr int32_t kMaxOffset = 26 * 3600;

Status bad_tzif(std::string_view why) {
  return Status::invalid_argument("not a usable TZif file: " + std::string(why));
}

// Big-endian reads over the file's bytes, refusing to run past the end.
class ByteReader {
 public:
  explicit ByteReader(std::string_view bytes) : bytes_(bytes) {}
  size_t position() const { return at_; }
  bool has(size_t count) const { return at_ <= bytes_.size() && bytes_.size() - at_ >= count; }
  void skip(size_t count) { at_ += count; }
  std::string_view take(size_t count) {
    std::string_view out = bytes_.substr(at_, count);
    at_ += count;
    return out;
  }
  uint8_t u8() { return static_cast<uint8_t>(bytes_[at_++]); }
  int64_t be(size_t width) {
    uint64_t value = 0;
    for (size_t i = 0; i < width; ++i) value = (value << 8) | static_cast<uint8_t>(bytes_[at_ + i]);
    at_ += width;
    // Sign-extend from `width` bytes.
    const int shift = static_cast<int>(64 - 8 * width);
    return static_cast<int64_t>(value << shift) >> shift;
  }
  std::string_view rest() const { return bytes_.substr(at_); }

 private:
  std::string_view bytes_;
  size_t at_ = 0;
};

struct Header {
  char version = 0;
  uint32_t isutcnt = 0, isstdcnt = 0, leapcnt = 0, timecnt = 0, typecnt = 0, charcnt = 0;
  // The data block's length with `time_size`-byte times (4 in version 1, 8 after).
  size_t block_size(size_t time_size) const {
    return timecnt * time_size + timecnt + typecnt * 6 + charcnt + leapcnt * (time_size + 4) +
           isstdcnt + isutcnt;
  }
};

Result<Header> read_header(ByteReader& in) {
  if (!in.has(44)) return bad_tzif("truncated header");
  if (in.take(4) != "TZif") return bad_tzif("no TZif magic");
  Header header;
  header.version = static_cast<char>(in.u8());
  if (header.version != 0 && (header.version < '2' || header.version > '9')) {
    return bad_tzif("unknown version");
  }
  in.skip(15);
  uint32_t* counts[] = {&header.isutcnt, &header.isstdcnt, &header.leapcnt,
                        &header.timecnt, &header.typecnt,  &header.charcnt};
  for (uint32_t* count : counts) {
    const int64_t value = in.be(4) & 0xffffffff;
    // tzdata's largest files list a few hundred transitions; the cap keeps a corrupt count from
    // asking for gigabytes.
    if (value > 100000) return bad_tzif("implausible count");
    *count = static_cast<uint32_t>(value);
  }
  if (header.typecnt == 0) return bad_tzif("no local time types");
  return header;
}

// "hh[:mm[:ss]]" with an optional sign, as POSIX TZ strings write offsets and rule times; hours
// up to 167 (RFC 8536's extension). Advances `at`.
std::optional<int32_t> posix_hms(std::string_view text, size_t& at) {
  int sign = 1;
  if (at < text.size() && (text[at] == '+' || text[at] == '-')) sign = text[at++] == '-' ? -1 : 1;
  int32_t parts[3] = {0, 0, 0};
  for (int part = 0; part < 3; ++part) {
    if (part > 0) {
      if (at >= text.size() || text[at] != ':') break;
      ++at;
    }
    size_t digits = 0;
    int32_t value = 0;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9' && digits < 3) {
      value = value * 10 + (text[at++] - '0');
      ++digits;
    }
    if (digits == 0) return std::nullopt;
    parts[part] = value;
  }
  if (parts[0] > 167 || parts[1] > 59 || parts[2] > 59) return std::nullopt;
  return sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
}

// A zone abbreviation: letters ("CET") or anything but '>' in angle brackets ("<+0845>").
bool posix_name(std::string_view text, size_t& at) {
  if (at < text.size() && text[at] == '<') {
    size_t close = text.find('>', at);
    if (close == std::string_view::npos || close == at + 1) return false;
    at = close + 1;
    return true;
  }
  size_t start = at;
  while (at < text.size() &&
         ((text[at] >= 'A' && text[at] <= 'Z') || (text[at] >= 'a' && text[at] <= 'z'))) {
    ++at;
  }
  return at - start >= 3;
}

std::optional<PosixZoneRule::Date> posix_date(std::string_view text, size_t& at) {
  PosixZoneRule::Date date;
  auto number = [&](int& out) {
    size_t digits = 0;
    out = 0;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9' && digits < 3) {
      out = out * 10 + (text[at++] - '0');
      ++digits;
    }
    return digits > 0;
  };
  if (at < text.size() && text[at] == 'M') {
    ++at;
    date.kind = PosixZoneRule::Date::Kind::kMonthWeekDay;
    if (!number(date.month) || at >= text.size() || text[at++] != '.' || !number(date.week) ||
        at >= text.size() || text[at++] != '.' || !number(date.day)) {
      return std::nullopt;
    }
    if (date.month < 1 || date.month > 12 || date.week < 1 || date.week > 5 || date.day > 6) {
      return std::nullopt;
    }
  } else if (at < text.size() && text[at] == 'J') {
    ++at;
    date.kind = PosixZoneRule::Date::Kind::kJulianNoLeap;
    if (!number(date.day) || date.day < 1 || date.day > 365) return std::nullopt;
  } else {
    date.kind = PosixZoneRule::Date::Kind::kDayOfYear;
    if (!number(date.day) || date.day > 365) return std::nullopt;
  }
  if (at < text.size() && text[at] == '/') {
    ++at;
    auto time = posix_hms(text, at);
    if (!time) return std::nullopt;
    date.time_seconds = *time;
  }
  return date;
}

// The day (counted from 1970-01-01) a rule date falls on in `year`.
int64_t rule_day(const PosixZoneRule::Date& date, int64_t year) {
  const int64_t january_1 = days_from_civil({year, 1, 1});
  const bool leap = days_in_month(year, 2) == 29;
  switch (date.kind) {
    case PosixZoneRule::Date::Kind::kJulianNoLeap:
      return january_1 + date.day - 1 + (leap && date.day >= 60 ? 1 : 0);
    case PosixZoneRule::Date::Kind::kDayOfYear:
      return january_1 + date.day;
    case PosixZoneRule::Date::Kind::kMonthWeekDay:
      break;
  }
  const int64_t first = days_from_civil({year, date.month, 1});
  // 1970-01-01 was a Thursday: floor_mod(days + 4, 7) counts from Sunday 0.
  int64_t day = first + floor_mod(date.day - floor_mod(first + 4, 7), 7) + (date.week - 1) * 7;
  const int64_t last = first + days_in_month(year, date.month) - 1;
  while (day > last) day -= 7;  // week 5 is the month's last such day
  return day;
}

}  // namespace

Result<PosixZoneRule> parse_posix_zone_rule(std::string_view text) {
  auto invalid = [&] {
    return Status::invalid_argument("invalid POSIX TZ rule '" + std::string(text) + "'");
  };
  PosixZoneRule rule;
  size_t at = 0;
  if (!posix_name(text, at)) return invalid();
  auto std_offset = posix_hms(text, at);
  if (!std_offset) return invalid();
  rule.std_offset = -*std_offset;
  if (at == text.size()) return rule;
  if (!posix_name(text, at)) return invalid();
  rule.has_dst = true;
  rule.dst_offset = rule.std_offset + 3600;
  if (at < text.size() && text[at] != ',') {
    auto dst_offset = posix_hms(text, at);
    if (!dst_offset) return invalid();
    rule.dst_offset = -*dst_offset;
  }
  if (at == text.size()) {
    // No dates: POSIX leaves them to the implementation; the US rule is the usual choice.
    rule.dst_start = {PosixZoneRule::Date::Kind::kMonthWeekDay, 3, 2, 0, 7200};
    rule.dst_end = {PosixZoneRule::Date::Kind::kMonthWeekDay, 11, 1, 0, 7200};
    return rule;
  }
  if (text[at++] != ',') return invalid();
  auto start = posix_date(text, at);
  if (!start || at >= text.size() || text[at++] != ',') return invalid();
  auto end = posix_date(text, at);
  if (!end || at != text.size()) return invalid();
  rule.dst_start = *start;
  rule.dst_end = *end;
  return rule;
}

Result<TimeZoneRules> TimeZoneRules::from_tzif(std::string_view bytes) {
  ByteReader in(bytes);
  auto first = read_header(in);
  if (!first.ok()) return first.status();
  Header header = *first;
  size_t time_size = 4;
  if (header.version != 0) {
    // Version 2 and later repeat the data with 64-bit times after the version 1 block; only
    // that second copy covers instants beyond 2038.
    if (!in.has(header.block_size(4))) return bad_tzif("truncated data");
    in.skip(header.block_size(4));
    auto second = read_header(in);
    if (!second.ok()) return second.status();
    header = *second;
    time_size = 8;
  }
  if (header.leapcnt != 0) return bad_tzif("leap-second records");
  if (!in.has(header.block_size(time_size))) return bad_tzif("truncated data");
  std::vector<int64_t> times(header.timecnt);
  for (int64_t& time : times) time = in.be(time_size);
  std::vector<uint8_t> type_of(header.timecnt);
  for (uint8_t& type : type_of) type = in.u8();
  std::vector<int32_t> type_offsets(header.typecnt);
  for (int32_t& offset : type_offsets) {
    const int64_t utoff = in.be(4);
    in.skip(2);  // isdst, abbreviation index: the offset is all a Cypher value shows
    if (utoff <= -kMaxOffset || utoff >= kMaxOffset) return bad_tzif("implausible UTC offset");
    offset = static_cast<int32_t>(utoff);
  }
  in.skip(header.charcnt + header.isstdcnt + header.isutcnt);

  TimeZoneRules rules;
  // RFC 8536: before the first transition, local time is time type 0.
  rules.initial_offset_ = type_offsets[0];
  for (size_t i = 0; i < times.size(); ++i) {
    if (type_of[i] >= header.typecnt) return bad_tzif("transition to an unknown type");
    if (i > 0 && times[i] <= times[i - 1]) return bad_tzif("transitions out of order");
    rules.transitions_.push_back({times[i], type_offsets[type_of[i]]});
  }
  if (time_size == 8) {
    // The footer: "\n" POSIX-TZ "\n". An empty one means no rule beyond the list.
    std::string_view rest = in.rest();
    if (rest.size() >= 2 && rest.front() == '\n') {
      size_t end = rest.find('\n', 1);
      if (end != std::string_view::npos && end > 1) {
        auto footer = parse_posix_zone_rule(rest.substr(1, end - 1));
        if (!footer.ok()) return bad_tzif(footer.status().message());
        rules.footer_ = *footer;
      }
    }
  }
  return rules;
}

std::vector<TimeZoneRules::Transition> TimeZoneRules::footer_changes(int64_t first_year,
                                                                     int64_t last_year) const {
  const PosixZoneRule& rule = *footer_;
  std::vector<Transition> changes;
  if (!rule.has_dst) return changes;
  for (int64_t year = first_year; year <= last_year; ++year) {
    // The start is written in standard time, the end in daylight time.
    const int64_t start = rule_day(rule.dst_start, year) * kSecondsPerDay +
                          rule.dst_start.time_seconds - rule.std_offset;
    const int64_t end = rule_day(rule.dst_end, year) * kSecondsPerDay +
                        rule.dst_end.time_seconds - rule.dst_offset;
    changes.push_back({start, rule.dst_offset});
    changes.push_back({end, rule.std_offset});
  }
  // Stable: with daylight saving all year ("EST5EDT,0/0,J365/25") a year's end and the next
  // year's start fall on one instant, and the start, generated later, must win.
  std::stable_sort(changes.begin(), changes.end(),
                   [](const Transition& a, const Transition& b) { return a.at < b.at; });
  return changes;
}

int32_t TimeZoneRules::footer_offset_at(int64_t utc_seconds) const {
  if (!footer_->has_dst) return footer_->std_offset;
  const int64_t year = civil_from_days(floor_div(utc_seconds, kSecondsPerDay)).year;
  int32_t offset = footer_->std_offset;
  for (const Transition& t : footer_changes(year - 1, year + 1)) {
    if (t.at > utc_seconds) break;
    offset = t.offset_after;
  }
  return offset;
}

int32_t TimeZoneRules::offset_at(int64_t utc_seconds) const {
  if (transitions_.empty()) return footer_ ? footer_offset_at(utc_seconds) : initial_offset_;
  if (utc_seconds < transitions_.front().at) return initial_offset_;
  if (utc_seconds >= transitions_.back().at && footer_) return footer_offset_at(utc_seconds);
  auto after = std::upper_bound(transitions_.begin(), transitions_.end(), utc_seconds,
                                [](int64_t t, const Transition& x) { return t < x.at; });
  return std::prev(after)->offset_after;
}

int32_t TimeZoneRules::transitions_between(int64_t from, int64_t to,
                                           std::vector<Transition>& out) const {
  out.clear();
  auto first = std::upper_bound(transitions_.begin(), transitions_.end(), from,
                                [](int64_t t, const Transition& x) { return t < x.at; });
  for (auto it = first; it != transitions_.end() && it->at < to; ++it) out.push_back(*it);
  if (footer_ && footer_->has_dst) {
    // Past the list, the footer's yearly changes.
    const int64_t listed_until = transitions_.empty() ? INT64_MIN : transitions_.back().at;
    if (to > listed_until) {
      const int64_t begin = std::max(from, listed_until);
      const int64_t first_year = civil_from_days(floor_div(begin, kSecondsPerDay)).year - 1;
      const int64_t last_year = civil_from_days(floor_div(to, kSecondsPerDay)).year + 1;
      for (const Transition& t : footer_changes(first_year, last_year)) {
        if (t.at > begin && t.at > from && t.at < to) out.push_back(t);
      }
    }
  }
  return offset_at(from);
}

int32_t TimeZoneRules::offset_for_local(int64_t local_seconds,
                                        std::optional<int32_t> preferred) const {
  // Every offset is within a day of UTC, so the changes that matter lie within two days.
  const int64_t from = local_seconds - 2 * kSecondsPerDay;
  const int64_t to = local_seconds + 2 * kSecondsPerDay;
  std::vector<Transition> changes;
  const int32_t offset_at_from = transitions_between(from, to, changes);
  int32_t offset = offset_at_from;
  // The periods [start, end) of one offset each; the reading is valid in a period when the
  // instant it means under that offset lies inside it.
  std::vector<int32_t> valid;
  int64_t start = from;
  auto consider = [&](int64_t end, int32_t period_offset) {
    const int64_t instant = local_seconds - period_offset;
    if (instant >= start && instant < end &&
        std::find(valid.begin(), valid.end(), period_offset) == valid.end()) {
      valid.push_back(period_offset);
    }
  };
  for (const Transition& change : changes) {
    consider(change.at, offset);
    start = change.at;
    offset = change.offset_after;
  }
  consider(to, offset);
  if (valid.size() == 1) return valid.front();
  if (!valid.empty()) {
    if (preferred && std::find(valid.begin(), valid.end(), *preferred) != valid.end()) {
      return *preferred;
    }
    return valid.front();
  }
  // A gap: the offset before it, which reads the wall clock forward by the gap's length.
  int32_t before = offset_at_from;
  for (const Transition& change : changes) {
    if (change.offset_after > before && local_seconds >= change.at + before &&
        local_seconds < change.at + change.offset_after) {
      return before;
    }
    before = change.offset_after;
  }
  return offset_at(local_seconds - before);
}

}  // namespace expgraph::cypher
