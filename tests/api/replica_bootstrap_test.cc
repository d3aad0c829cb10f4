// A replica's bootstrap against a busy primary (api/replication/replica_bootstrap.h): a 503
// for want of a replication stream slot (or a rate-limiting proxy's 429) says, in its
// Retry-After, how long to wait; the first bootstrap waits that long, and a download of a fresh
// copy reports it to its caller.
#include "api/replication/replica_bootstrap.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <vector>

#include "test_support/temp_dir.h"
#include "tests/api/fake_primary.h"

namespace expgraph::replication {
namespace {

using std::chrono::milliseconds;
using testing::FakePrimary;
using testing::kCheckpointPath;
using testing::TempDir;

const FakePrimary::Answer kRefused{403, "",
                                   FakePrimary::error_body("permission_denied", "no admin key")};

int64_t milliseconds_between(FakePrimary::Clock::time_point from,
                             FakePrimary::Clock::time_point to) {
  return std::chrono::duration_cast<milliseconds>(to - from).count();
}

// A first bootstrap against a primary that answers the checkpoint request `first`, then 403:
// how the start ended, and when each checkpoint request came.
struct FirstBootstrap {
  Status status;
  std::vector<FakePrimary::Clock::time_point> requests;
};

FirstBootstrap first_bootstrap_after(const FakePrimary::Answer& first) {
  FakePrimary primary;
  primary.script(kCheckpointPath, {first, kRefused});
  FirstBootstrap run;
  if (!primary.start()) {
    ADD_FAILURE() << "the fake primary did not start";
    return run;
  }
  TempDir directory;
  run.status = prepare_replica(primary.url(), directory.sub("data"), "").status();
  run.requests = primary.requests(kCheckpointPath);
  return run;
}

TEST(ReplicaBootstrapTest, TheFirstBootstrapWaitsTheRetryAfterABusyPrimaryNames) {
  const FirstBootstrap run = first_bootstrap_after(FakePrimary::busy("3"));
  ASSERT_FALSE(run.status.ok());
  EXPECT_NE(run.status.message().find("answered 403"), std::string::npos) << run.status.to_string();
  ASSERT_EQ(run.requests.size(), 2u);
  // Before, it asked again after 2 s whatever the primary said.
  EXPECT_GE(milliseconds_between(run.requests[0], run.requests[1]), 2900);
}

TEST(ReplicaBootstrapTest, TheFirstBootstrapWaitsOutA429AsItDoesA503) {
  const FirstBootstrap run =
      first_bootstrap_after({429, "1", FakePrimary::error_body("overloaded", "too many requests")});
  ASSERT_FALSE(run.status.ok());
  // Before, the 429 ended the start at once: one request, and its status in the error.
  EXPECT_NE(run.status.message().find("answered 403"), std::string::npos) << run.status.to_string();
  ASSERT_EQ(run.requests.size(), 2u);
  EXPECT_GE(milliseconds_between(run.requests[0], run.requests[1]), 900);
}

TEST(ReplicaBootstrapTest, TheFirstBootstrapWaitsTwoSecondsWhenTheBusyPrimaryNamesNoWait) {
  const FirstBootstrap run = first_bootstrap_after(FakePrimary::busy(""));
  EXPECT_FALSE(run.status.ok());
  ASSERT_EQ(run.requests.size(), 2u);
  EXPECT_GE(milliseconds_between(run.requests[0], run.requests[1]), 1900);
}

TEST(ReplicaBootstrapTest, AFreshCopysDownloadReportsTheWaitTheBusyPrimaryAskedFor) {
  FakePrimary primary;
  primary.script(kCheckpointPath, {FakePrimary::busy("7"), FakePrimary::busy("120"),
                                   FakePrimary::busy(""), FakePrimary::busy("soon"), kRefused});
  ASSERT_TRUE(primary.start());
  TempDir directory;
  const std::string data = directory.sub("data");
  std::atomic<bool> cancel{false};
  // 7 s as asked; 120 s capped at 30; none named and unreadable: 0, the caller's own backoff.
  for (milliseconds expected :
       {milliseconds(7000), milliseconds(30000), milliseconds(0), milliseconds(0)}) {
    milliseconds asked(-1);
    Result<FreshCopy> copy = download_fresh_copy(primary.url(), data, "", false, cancel, asked);
    EXPECT_EQ(copy.status().code(), StatusCode::kOverloaded) << copy.status().to_string();
    EXPECT_EQ(asked, expected);
  }
  // A refusal of another kind names no wait either.
  milliseconds asked(-1);
  EXPECT_EQ(download_fresh_copy(primary.url(), data, "", false, cancel, asked).status().code(),
            StatusCode::kInternal);
  EXPECT_EQ(asked, milliseconds(0));
  // Nothing is left beside the data by the failed downloads.
  EXPECT_FALSE(std::filesystem::exists(data + ".rebootstrap"));
  EXPECT_FALSE(std::filesystem::exists(data + ".next"));
}

}  // namespace
}  // namespace expgraph::replication
