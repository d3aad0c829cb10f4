// ReplicaFollower (api/replication/replica_follower.h) against a scripted primary: a replica
// told to bootstrap again (410) whose primary has every replication stream in use (503) asks
// for the checkpoint again after the primary's Retry-After, not after its own 100 ms backoff.
#include "api/replication/replica_follower.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "test_support/temp_dir.h"
#include "tests/api/fake_primary.h"
#include "tests/api/in_process_server.h"

namespace expgraph::replication {
namespace {

using std::chrono::milliseconds;
using testing::FakePrimary;
using testing::kCheckpointPath;
using testing::kUpdatesPath;
using testing::TempDir;

TEST(ReplicaFollowerTest, BootstrappingAgainWaitsTheRetryAfterABusyPrimaryNames) {
  FakePrimary primary;
  primary.script(kUpdatesPath,
                 {{410, "", FakePrimary::error_body("updates_gone", "the WAL no longer reaches")}});
  primary.script(kCheckpointPath, {FakePrimary::busy("2")});
  ASSERT_TRUE(primary.start());
  TempDir directory;
  auto graph = testing::open_marketing_graph(directory.sub("data"));
  ASSERT_TRUE(graph.ok()) << graph.status().to_string();
  ReplicaStatus status(primary.url(), 0, 5000);
  std::atomic<bool> reopen_requested{false};
  FollowerOptions options;
  options.data_dir = directory.sub("data");
  options.request_reopen = [&reopen_requested] { reopen_requested = true; };
  ReplicaFollower follower(**graph, status, nullptr, options);
  follower.start();
  const auto deadline = FakePrimary::Clock::now() + std::chrono::seconds(15);
  while (primary.requests(kCheckpointPath).size() < 2 && FakePrimary::Clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(20));
  }
  follower.stop();

  EXPECT_EQ(primary.requests(kUpdatesPath).size(), 1u);
  EXPECT_TRUE(status.rebootstrapping());
  EXPECT_FALSE(reopen_requested);
  const auto requests = primary.requests(kCheckpointPath);
  ASSERT_GE(requests.size(), 2u);
  // Before, the second request came after the follower's first backoff, 100 ms.
  EXPECT_GE(std::chrono::duration_cast<milliseconds>(requests[1] - requests[0]).count(), 1900);
}

}  // namespace
}  // namespace expgraph::replication
