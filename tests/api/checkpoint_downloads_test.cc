// CheckpointDownloads (api/replication/checkpoint_downloads.h): the primary's list of the
// checkpoint downloads in progress, each listed while its registration lives, oldest first,
// with the progress it last reported.
#include "api/replication/checkpoint_downloads.h"

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace expgraph::replication {
namespace {

// Opens a download, failing the test when that fails (only the OS's random source can make it).
std::unique_ptr<CheckpointDownloads::Registration> opened_download(
    CheckpointDownloads& downloads, CheckpointDownloads::Opening opening) {
  auto registration = downloads.open(std::move(opening));
  EXPECT_TRUE(registration.ok()) << registration.status().to_string();
  return registration.ok() ? std::move(registration).value() : nullptr;
}

TEST(CheckpointDownloadsTest, ADownloadIsListedWhileItsRegistrationLives) {
  CheckpointDownloads downloads;
  EXPECT_EQ(downloads.list(), nlohmann::json::array());
  auto first = opened_download(downloads, {"127.0.0.1:50010", 42, 5, 9000});
  auto second = opened_download(downloads, {"127.0.0.1:50011", 43, 6, 12000});
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  nlohmann::json listed = downloads.list();
  ASSERT_EQ(listed.size(), 2u) << listed.dump();
  const nlohmann::json& oldest = listed[0];
  EXPECT_EQ(oldest["download_id"], first->id());
  EXPECT_EQ(oldest["peer"], "127.0.0.1:50010");
  EXPECT_EQ(oldest["checkpoint_sequence"], 42);
  EXPECT_EQ(oldest["files"], 5);
  EXPECT_EQ(oldest["total_bytes"], 9000);
  EXPECT_EQ(oldest["bytes_sent"], 0);
  EXPECT_EQ(oldest["files_sent"], 0);
  // The update streams' format (graph/records.h format_timestamp): "2024-05-01T10:00:00.123Z".
  const std::string started_at = oldest["started_at"];
  EXPECT_EQ(started_at.size(), 24u) << started_at;
  EXPECT_EQ(started_at.back(), 'Z') << started_at;
  EXPECT_EQ(listed[1]["download_id"], second->id());
  EXPECT_EQ(downloads.live(), 2u);

  first.reset();
  listed = downloads.list();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["download_id"], second->id());
  second.reset();
  EXPECT_EQ(downloads.list(), nlohmann::json::array());
  EXPECT_EQ(downloads.live(), 0u);
}

TEST(CheckpointDownloadsTest, ProgressIsTheLastTotalsReported) {
  CheckpointDownloads downloads;
  auto download = opened_download(downloads, {"127.0.0.1:50012", 7, 3, 1000});
  ASSERT_NE(download, nullptr);
  download->progress(400, 1);
  EXPECT_EQ(downloads.list()[0]["bytes_sent"], 400);
  EXPECT_EQ(downloads.list()[0]["files_sent"], 1);
  download->progress(1000, 3);
  const nlohmann::json listed = downloads.list()[0];
  EXPECT_EQ(listed["bytes_sent"], 1000);
  EXPECT_EQ(listed["files_sent"], 3);
  // What it was opened with stays as it was.
  EXPECT_EQ(listed["total_bytes"], 1000);
  EXPECT_EQ(listed["files"], 3);
  EXPECT_EQ(listed["checkpoint_sequence"], 7);
}

TEST(CheckpointDownloadsTest, DownloadIdsAre16RandomHexDigitsAndNeverRepeat) {
  CheckpointDownloads downloads;
  std::vector<std::unique_ptr<CheckpointDownloads::Registration>> open;
  std::set<std::string> ids;
  for (int i = 0; i < 200; ++i) {
    open.push_back(opened_download(downloads, {"127.0.0.1:1", 0, 0, 0}));
    ASSERT_NE(open.back(), nullptr);
    const std::string& id = open.back()->id();
    EXPECT_EQ(id.size(), 16u);
    EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 200u);
  // Listed in the order they were opened, whatever their ids.
  const nlohmann::json listed = downloads.list();
  ASSERT_EQ(listed.size(), 200u);
  for (size_t i = 0; i < open.size(); ++i) EXPECT_EQ(listed[i]["download_id"], open[i]->id());
}

TEST(CheckpointDownloadsTest, DownloadsOpenReportAndEndFromManyThreadsAtOnce) {
  CheckpointDownloads downloads;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&downloads] {
      for (int i = 0; i < 100; ++i) {
        auto download = downloads.open({"127.0.0.1:2", 1, 2, 100});
        ASSERT_TRUE(download.ok());
        (*download)->progress(50, 1);
        EXPECT_FALSE(downloads.list().empty());
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(downloads.live(), 0u);
}

}  // namespace
}  // namespace expgraph::replication
