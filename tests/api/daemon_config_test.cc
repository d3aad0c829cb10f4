// parse_daemon_args (api/daemon_config.h) for the property-column bound: the default, a value,
// 0 (no columns), and bad values refused with a clear message.
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

}  // namespace
}  // namespace expgraph::api
