// The TZif reader and the zone database (query/cypher/time_zone_rules.h, time_zone_db.h) on the
// real files of Debian's tzdata package in /usr/share/zoneinfo. Expected offsets were taken from
// Python's zoneinfo module reading the same files.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

#include "query/cypher/temporal.h"
#include "query/cypher/time_zone_db.h"
#include "query/cypher/time_zone_rules.h"

namespace expgraph::cypher {
namespace {

constexpr const char* kZoneinfo = "/usr/share/zoneinfo";

std::string read_zone_file(const std::string& name) {
  std::ifstream file(std::string(kZoneinfo) + "/" + name, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

TimeZoneRules load(const std::string& name) {
  auto rules = TimeZoneRules::from_tzif(read_zone_file(name));
  EXPECT_TRUE(rules.ok()) << name << ": " << (rules.ok() ? "" : rules.status().message());
  return rules.ok() ? *rules : TimeZoneRules();
}

// Seconds since 1970-01-01T00:00 of a reading (a UTC instant or a local wall clock).
int64_t at(int64_t year, int month, int day, int hour = 0, int minute = 0) {
  return days_from_civil({year, month, day}) * 86400 + hour * 3600 + minute * 60;
}

TEST(PosixZoneRule, ReadsStandardAndDaylightOffsetsAndDates) {
  auto rule = parse_posix_zone_rule("CET-1CEST,M3.5.0,M10.5.0/3");
  ASSERT_TRUE(rule.ok());
  EXPECT_EQ(rule->std_offset, 3600);  // POSIX's "-1" is one hour east of UTC
  EXPECT_TRUE(rule->has_dst);
  EXPECT_EQ(rule->dst_offset, 7200);  // one hour ahead when not written
  EXPECT_EQ(rule->dst_start.month, 3);
  EXPECT_EQ(rule->dst_start.week, 5);
  EXPECT_EQ(rule->dst_start.time_seconds, 7200);  // 02:00 when not written
  EXPECT_EQ(rule->dst_end.month, 10);
  EXPECT_EQ(rule->dst_end.time_seconds, 3 * 3600);
}

TEST(PosixZoneRule, ReadsQuotedNamesMinutesAndNegativeDaylightSaving) {
  auto eucla = parse_posix_zone_rule("<+0845>-8:45");
  ASSERT_TRUE(eucla.ok());
  EXPECT_EQ(eucla->std_offset, 8 * 3600 + 45 * 60);
  EXPECT_FALSE(eucla->has_dst);
  // Ireland's standard time is summer time; winter is "daylight saving" of -1 hour.
  auto dublin = parse_posix_zone_rule("IST-1GMT0,M10.5.0,M3.5.0/1");
  ASSERT_TRUE(dublin.ok());
  EXPECT_EQ(dublin->std_offset, 3600);
  EXPECT_EQ(dublin->dst_offset, 0);
  auto greenland = parse_posix_zone_rule("<-02>2<-01>,M3.5.0/-1,M10.5.0/0");
  ASSERT_TRUE(greenland.ok());
  EXPECT_EQ(greenland->dst_start.time_seconds, -3600);
}

TEST(PosixZoneRule, RefusesWhatIsNotARule) {
  for (const char* text : {"", "CET", "C-1", "CET-1CEST,M13.5.0,M10.5.0", "CET-1CEST,M3.5.0",
                           "CET-1CEST,M3.5.0,M10.5.0/3x", "<+01-1"}) {
    EXPECT_FALSE(parse_posix_zone_rule(text).ok()) << text;
  }
}

TEST(TimeZoneRules, StockholmOffsetsFromTheTransitionList) {
  TimeZoneRules stockholm = load("Europe/Stockholm");
  EXPECT_GT(stockholm.transition_count(), 100u);
  ASSERT_TRUE(stockholm.footer().has_value());
  EXPECT_EQ(stockholm.offset_at(1437511200), 7200);  // 2015-07-21T20:40Z, summer
  EXPECT_EQ(stockholm.offset_at(1421798400), 3600);  // 2015-01-21, winter
  // Before standard time (1879 in Sweden): local mean time, +01:12:12 in Debian's tzdata.
  EXPECT_EQ(stockholm.offset_at(-4779302400), 4332);
  // The 2017 changes, to the second: 01:00Z on the last Sunday of March and of October.
  EXPECT_EQ(stockholm.offset_at(at(2017, 3, 26, 1) - 1), 3600);
  EXPECT_EQ(stockholm.offset_at(at(2017, 3, 26, 1)), 7200);
  EXPECT_EQ(stockholm.offset_at(at(2017, 10, 29, 1) - 1), 7200);
  EXPECT_EQ(stockholm.offset_at(at(2017, 10, 29, 1)), 3600);
}

TEST(TimeZoneRules, HistoricalOffsetChangeOfMoscow) {
  TimeZoneRules moscow = load("Europe/Moscow");
  EXPECT_EQ(moscow.offset_at(1262304000), 10800);  // 2010-01-01: +03 in winter
  EXPECT_EQ(moscow.offset_at(1325376000), 14400);  // 2012-01-01: +04 all year (2011-2014)
  EXPECT_EQ(moscow.offset_at(1420070400), 10800);  // 2015-01-01: +03 again
}

TEST(TimeZoneRules, FarFutureInstantsFollowTheFooterRule) {
  TimeZoneRules stockholm = load("Europe/Stockholm");
  EXPECT_EQ(stockholm.offset_at(4118083200), 7200);  // 2100-07-01
  EXPECT_EQ(stockholm.offset_at(4102444800), 3600);  // 2100-01-01
  EXPECT_EQ(stockholm.offset_at(4109878740), 3600);  // 2100-03-28T00:59Z
  EXPECT_EQ(stockholm.offset_at(4109878800), 7200);  // 2100-03-28T01:00Z: the last Sunday
  TimeZoneRules new_york = load("America/New_York");
  EXPECT_EQ(new_york.offset_at(7273756800), -14400);  // 2200-07-01
  EXPECT_EQ(new_york.offset_at(7286976000), -18000);  // 2200-12-01
  TimeZoneRules sydney = load("Australia/Sydney");    // southern summer: DST across the new year
  EXPECT_EQ(sydney.offset_at(10415001600), 39600);    // 2300-01-15
  EXPECT_EQ(sydney.offset_at(10430640000), 36000);    // 2300-07-15
  TimeZoneRules dublin = load("Europe/Dublin");       // negative daylight saving in the footer
  EXPECT_EQ(dublin.offset_at(10415001600), 0);
  EXPECT_EQ(dublin.offset_at(10430640000), 3600);
}

TEST(TimeZoneRules, AZoneWithoutDaylightSavingHasOneOffset) {
  TimeZoneRules eucla = load("Australia/Eucla");
  EXPECT_EQ(eucla.offset_at(1437436800), 31500);  // +08:45
  EXPECT_EQ(eucla.offset_for_local(at(2015, 7, 21, 21, 40)), 31500);
}

TEST(TimeZoneRules, LocalReadingInAGapTakesTheOffsetBeforeIt) {
  TimeZoneRules stockholm = load("Europe/Stockholm");
  // 2017-03-26 02:00 -> 03:00: 02:30 does not exist; the offset before (+01:00) reads it as
  // 01:30Z, which is 03:30+02:00.
  EXPECT_EQ(stockholm.offset_for_local(at(2017, 3, 26, 2, 30)), 3600);
  EXPECT_EQ(stockholm.offset_for_local(at(2017, 3, 26, 1, 59)), 3600);
  EXPECT_EQ(stockholm.offset_for_local(at(2017, 3, 26, 3, 0)), 7200);
  // Also far in the future, from the footer: 2150-03-29 is the last Sunday of March.
  EXPECT_EQ(stockholm.offset_for_local(at(2150, 3, 29, 2, 30)), 3600);
  EXPECT_EQ(stockholm.offset_for_local(at(2150, 3, 29, 3, 30)), 7200);
}

TEST(TimeZoneRules, LocalReadingInAnOverlapTakesTheEarlierOffsetOrThePreferredOne) {
  TimeZoneRules stockholm = load("Europe/Stockholm");
  // 2017-10-29 03:00 -> 02:00: 02:30 happens twice, first at +02:00.
  EXPECT_EQ(stockholm.offset_for_local(at(2017, 10, 29, 2, 30)), 7200);
  EXPECT_EQ(stockholm.offset_for_local(at(2017, 10, 29, 2, 30), 3600), 3600);
  EXPECT_EQ(stockholm.offset_for_local(at(2017, 10, 29, 2, 30), 7200), 7200);
  // A preference the zone does not have then is ignored.
  EXPECT_EQ(stockholm.offset_for_local(at(2017, 10, 29, 2, 30), 0), 7200);
  EXPECT_EQ(stockholm.offset_for_local(at(2017, 10, 29, 3, 0), 7200), 3600);
  TimeZoneRules new_york = load("America/New_York");
  EXPECT_EQ(new_york.offset_for_local(at(2250, 11, 3, 1, 30)), -14400);  // footer, first Sunday
}

TEST(TimeZoneRules, RefusesFilesThatAreNotUsableTzif) {
  EXPECT_FALSE(TimeZoneRules::from_tzif("").ok());
  EXPECT_FALSE(TimeZoneRules::from_tzif("TZif2 not really a zone file at all, is it?").ok());
  const std::string paris = read_zone_file("Europe/Paris");
  ASSERT_GT(paris.size(), 100u);
  EXPECT_FALSE(TimeZoneRules::from_tzif(paris.substr(0, 100)).ok());  // truncated
  EXPECT_FALSE(TimeZoneRules::from_tzif(read_zone_file("zone.tab")).ok());
  const std::string right = read_zone_file("right/Europe/Paris");
  if (!right.empty()) {
    EXPECT_FALSE(TimeZoneRules::from_tzif(right).ok());  // leap seconds
  }
}

TEST(TimeZoneNames, OnlySegmentsOfSafeCharacters) {
  for (const char* name : {"Europe/Stockholm", "America/Argentina/Buenos_Aires", "Etc/GMT+5",
                           "Etc/GMT-14", "UTC", "America/Port-au-Prince"}) {
    EXPECT_TRUE(is_valid_time_zone_name(name)) << name;
  }
  for (const char* name :
       {"", "../etc/passwd", "Europe/../../etc/passwd", "/etc/passwd", "Europe//Paris", "Europe/",
        "Europe/Paris/", "zone.tab", "Europe\\Paris", "Europe/Par is", "localtime", "posixrules",
        "Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}) {
    EXPECT_FALSE(is_valid_time_zone_name(name)) << name;
  }
}

TEST(TimeZoneDb, InternsEachZoneOnceAndRefusesUnknownNames) {
  TimeZoneDb db(kZoneinfo);
  auto stockholm = db.find("Europe/Stockholm");
  ASSERT_TRUE(stockholm.ok());
  EXPECT_NE(*stockholm, kNoTimeZone);
  EXPECT_EQ(db.name(*stockholm), "Europe/Stockholm");
  auto again = db.find("Europe/Stockholm");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *stockholm);
  auto london = db.find("Europe/London");
  ASSERT_TRUE(london.ok());
  EXPECT_NE(*london, *stockholm);
  EXPECT_EQ(db.rules(*london).offset_at(13046400), 3600);  // 1970-06-01: British Standard Time

  for (const char* name : {"Europe/Atlantis", "europe/stockholm", "../etc/passwd", "/etc/passwd",
                           "Europe", "zone1970.tab", "localtime"}) {
    auto found = db.find(name);
    ASSERT_FALSE(found.ok()) << name;
    EXPECT_EQ(found.status().code(), StatusCode::kInvalidArgument) << name;
    EXPECT_NE(found.status().message().find("unknown time zone"), std::string::npos);
  }
}

TEST(TimeZoneDb, AMissingZoneinfoDirectoryKnowsNoZone) {
  TimeZoneDb db("/nonexistent/zoneinfo");
  EXPECT_FALSE(db.find("Europe/Stockholm").ok());
}

}  // namespace
}  // namespace expgraph::cypher
