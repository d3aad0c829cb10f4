// finish_swap from every state a kill -9 can leave during a replica's re-bootstrap
// (api/replication/replica_directories.h): DIR ends up holding the old database or the new one
// whole, never a mix; the operator's entries (backups/) follow the new one; data the primary
// lacks (a 409 re-bootstrap) is kept, never removed. Databases are stood in for by folders
// whose CURRENT file names them.
#include "api/replication/replica_directories.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "test_support/temp_dir.h"

namespace expgraph::replication {
namespace {

namespace fs = std::filesystem;

void write_file(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

std::string read_text(const fs::path& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// A database folder named `label`, with an SST and a WAL file of its own.
void make_database(const fs::path& directory, const std::string& label) {
  write_file(directory / "CURRENT", label);
  write_file(directory / "000012.sst", label + " table");
  write_file(directory / "000013.log", label + " wal");
  write_file(directory / ("MANIFEST-" + label), label);
}

class ReplicaDirectoriesTest : public ::testing::Test {
 protected:
  ReplicaDirectoriesTest() : dirs_(temp_.sub("data")) {}

  // The old database with the operator's folders inside.
  void make_old(const fs::path& where) {
    make_database(where, "old");
    write_file(where / "backups" / "b1" / "CURRENT", "backup");
    write_file(where / "word-vectors" / "glove.bin", "vectors");
  }
  void expect_new_with_operator_entries() {
    EXPECT_EQ(read_text(dirs_.data / "CURRENT"), "new");
    EXPECT_EQ(read_text(dirs_.data / "000012.sst"), "new table");
    EXPECT_FALSE(fs::exists(dirs_.data / "MANIFEST-old"));  // nothing of the old database
    EXPECT_EQ(read_text(dirs_.data / "backups" / "b1" / "CURRENT"), "backup");
    EXPECT_EQ(read_text(dirs_.data / "word-vectors" / "glove.bin"), "vectors");
    expect_no_side_directories();
  }
  void expect_no_side_directories() {
    EXPECT_FALSE(fs::exists(dirs_.downloading));
    EXPECT_FALSE(fs::exists(dirs_.next));
    EXPECT_FALSE(fs::exists(dirs_.next_after_conflict));
    EXPECT_FALSE(fs::exists(dirs_.previous));
  }
  SwapOutcome finish() {
    auto outcome = finish_swap(dirs_.data.string());
    EXPECT_TRUE(outcome.ok()) << outcome.status().to_string();
    return outcome.ok() ? *outcome : SwapOutcome();
  }

  testing::TempDir temp_;
  ReplicaDirectories dirs_;
};

TEST_F(ReplicaDirectoriesTest, NothingPendingChangesNothing) {
  make_old(dirs_.data);
  SwapOutcome outcome = finish();
  EXPECT_FALSE(outcome.swapped);
  EXPECT_EQ(read_text(dirs_.data / "CURRENT"), "old");
  EXPECT_TRUE(fs::exists(dirs_.data / "backups" / "b1"));
}

TEST_F(ReplicaDirectoriesTest, AnUnfinishedDownloadIsRemovedAndTheOldDataKept) {
  make_old(dirs_.data);
  write_file(dirs_.downloading / "000012.sst", "half");  // killed mid-download: no CURRENT
  SwapOutcome outcome = finish();
  EXPECT_FALSE(outcome.swapped);
  EXPECT_EQ(outcome.removed_partial, dirs_.downloading.string());
  EXPECT_EQ(read_text(dirs_.data / "CURRENT"), "old");
  expect_no_side_directories();
}

TEST_F(ReplicaDirectoriesTest, ACompleteCopyIsSwappedInWithTheOperatorsEntries) {
  make_old(dirs_.data);
  make_database(dirs_.next, "new");
  SwapOutcome outcome = finish();
  EXPECT_TRUE(outcome.swapped);
  EXPECT_TRUE(outcome.kept_old_data.empty());
  expect_new_with_operator_entries();
  // Idempotent: a second call finds nothing to do.
  EXPECT_FALSE(finish().swapped);
  expect_new_with_operator_entries();
}

TEST_F(ReplicaDirectoriesTest, KilledAfterMovingTheOldDataAside) {
  make_old(dirs_.previous);
  make_database(dirs_.next, "new");  // DIR itself absent
  EXPECT_TRUE(finish().swapped);
  expect_new_with_operator_entries();
}

TEST_F(ReplicaDirectoriesTest, KilledAfterMovingTheCopyIn) {
  make_old(dirs_.previous);
  make_database(dirs_.data, "new");
  EXPECT_FALSE(finish().swapped);
  expect_new_with_operator_entries();
}

TEST_F(ReplicaDirectoriesTest, KilledHalfWayThroughCarryingEntriesOver) {
  make_old(dirs_.previous);
  make_database(dirs_.data, "new");
  fs::rename(dirs_.previous / "backups", dirs_.data / "backups");  // one moved, one not
  finish();
  expect_new_with_operator_entries();
}

TEST_F(ReplicaDirectoriesTest, AConflictSwapKeepsTheOldDataWhole) {
  make_old(dirs_.data);
  make_database(dirs_.next_after_conflict, "new");
  SwapOutcome outcome = finish();
  EXPECT_TRUE(outcome.swapped);
  ASSERT_FALSE(outcome.kept_old_data.empty());
  fs::path kept = outcome.kept_old_data;
  EXPECT_EQ(kept.parent_path(), dirs_.data.parent_path());
  EXPECT_EQ(kept.filename().string().rfind("data.conflict-", 0), 0u) << kept;
  // The old database, whole, with its backups: it holds writes the primary lacks.
  EXPECT_EQ(read_text(kept / "CURRENT"), "old");
  EXPECT_EQ(read_text(kept / "MANIFEST-old"), "old");
  EXPECT_EQ(read_text(kept / "backups" / "b1" / "CURRENT"), "backup");
  EXPECT_EQ(read_text(dirs_.data / "CURRENT"), "new");
  expect_no_side_directories();
}

TEST(ReplicaDirectoryNamesTest, RocksDbEntriesAreTold) {
  for (const char* name : {"CURRENT", "IDENTITY", "LOCK", "LOG", "LOG.old.1733", "MANIFEST-000005",
                           "OPTIONS-000007", "000012.sst", "000013.log", "archive"}) {
    EXPECT_TRUE(is_database_entry(name)) << name;
  }
  for (const char* name : {"backups", "word-vectors", "notes.txt", "replication-checkpoints"}) {
    EXPECT_FALSE(is_database_entry(name)) << name;
  }
}

}  // namespace
}  // namespace expgraph::replication
