// parse_daemon_args (api/daemon_config.h) for the property-column bound, the replication
// replies' settings and the insights' snapshot lag: the defaults, a value, 0 where it means off,
// and bad values refused with a clear message.
#include <gtest/gtest.h>

#include "api/daemon_config.h"

namespace expgraph::api {
namespace {

TEST(DaemonConfig, ColumnCacheMegabytes) {
  auto defaults = parse_daemon_args({});
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->column_cache_mb, 512u);

  auto set = parse_daemon_args({"--column-cache-mb", "64"});
  ASSERT_TRUE(set.ok()) << set.status().to_string();
  EXPECT_EQ(set->column_cache_mb, 64u);

  auto off = parse_daemon_args({"--column-cache-mb", "0"});
  ASSERT_TRUE(off.ok());
  EXPECT_EQ(off->column_cache_mb, 0u);

  auto negative = parse_daemon_args({"--column-cache-mb", "-1"});
  ASSERT_FALSE(negative.ok());
  EXPECT_NE(negative.status().message().find("--column-cache-mb"), std::string::npos);
  EXPECT_FALSE(parse_daemon_args({"--column-cache-mb", "lots"}).ok());
}

TEST(DaemonConfig, ReplicationReplies) {
  auto defaults = parse_daemon_args({});
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->server.replication_reply_timeout_seconds, 30);
  EXPECT_EQ(defaults->replication_reply_interval_seconds, 5);
  EXPECT_EQ(defaults->replica_name, "");

  auto set = parse_daemon_args({"--replication-reply-timeout", "0", "--replication-reply-interval",
                                "2", "--replica-name", "replica-1"});
  ASSERT_TRUE(set.ok()) << set.status().to_string();
  EXPECT_EQ(set->server.replication_reply_timeout_seconds, 0);  // off
  EXPECT_EQ(set->replication_reply_interval_seconds, 2);
  EXPECT_EQ(set->replica_name, "replica-1");

  auto no_interval = parse_daemon_args({"--replication-reply-interval", "0"});
  ASSERT_FALSE(no_interval.ok());
  EXPECT_NE(no_interval.status().message().find("--replication-reply-interval"), std::string::npos);
  EXPECT_FALSE(parse_daemon_args({"--replication-reply-timeout", "-1"}).ok());
  EXPECT_FALSE(parse_daemon_args({"--replication-reply-timeout", "soon"}).ok());
  EXPECT_FALSE(parse_daemon_args({"--replica-name", ""}).ok());
}

TEST(DaemonConfig, InsightsMaxLag) {
  auto defaults = parse_daemon_args({});
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->server.insights_max_lag_ms, 5000);
  auto strict = parse_daemon_args({"--insights-max-lag-ms", "0"});
  ASSERT_TRUE(strict.ok()) << strict.status().to_string();
  EXPECT_EQ(strict->server.insights_max_lag_ms, 0);  // every answer waits for prior writes
  auto negative = parse_daemon_args({"--insights-max-lag-ms", "-1"});
  ASSERT_FALSE(negative.ok());
  EXPECT_NE(negative.status().message().find("--insights-max-lag-ms"), std::string::npos);
  EXPECT_FALSE(parse_daemon_args({"--insights-max-lag-ms", "soon"}).ok());
}

}  // namespace
}  // namespace expgraph::api
