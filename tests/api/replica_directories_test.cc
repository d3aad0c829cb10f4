// finish_swap from every state a kill -9 can leave during a replica's re-bootstrap
// (api/replication/replica_directories.h): DIR ends up holding the old database or the new one
// whole, never a mix; the operator's entries (backups/, word-vectors/) follow the new one; data
// the primary lacks (a 409 re-bootstrap) is kept whole, never removed. A side directory that
// cannot be checked is an error, not an absence; --promote's check names what is pending.
// The steps of a download (replica_bootstrap.cc) that touch these directories: a complete copy
// renamed to DIR.next, a first bootstrap's check of DIR; a file system error in either is an
// error naming it, never an empty or absent DIR nor a silently skipped step.
// Databases are stood in for by folders whose CURRENT file names them.
#include "api/replication/replica_directories.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
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

bool set_immutable(const fs::path& path, bool immutable) {
  int descriptor = ::open(path.c_str(), O_RDONLY | O_DIRECTORY);
  if (descriptor < 0) return false;
  int flags = 0;
  bool done = ::ioctl(descriptor, FS_IOC_GETFLAGS, &flags) == 0;
  if (done) {
    flags = immutable ? (flags | FS_IMMUTABLE_FL) : (flags & ~FS_IMMUTABLE_FL);
    done = ::ioctl(descriptor, FS_IOC_SETFLAGS, &flags) == 0;
  }
  ::close(descriptor);
  return done;
}

// While it lives, nothing in `folder` can be added, removed or renamed. A user the kernel checks
// loses the write permission; root writes regardless, so for root the folder is made immutable
// instead (frozen() is false on a file system without that flag).
class FrozenFolder {
 public:
  explicit FrozenFolder(fs::path folder) : folder_(std::move(folder)) {
    if (::geteuid() != 0) {
      std::error_code error;
      fs::permissions(folder_, fs::perms::owner_read | fs::perms::owner_exec, error);
      frozen_ = !error;
    } else {
      frozen_ = set_immutable(folder_, true);
    }
  }
  ~FrozenFolder() {
    if (!frozen_) return;
    std::error_code ignored;  // the TempDir's removal reports nothing either
    if (::geteuid() != 0) {
      fs::permissions(folder_, fs::perms::owner_all, ignored);
    } else {
      set_immutable(folder_, false);
    }
  }
  FrozenFolder(const FrozenFolder&) = delete;
  FrozenFolder& operator=(const FrozenFolder&) = delete;
  bool frozen() const { return frozen_; }

 private:
  fs::path folder_;
  bool frozen_ = false;
};

// While it lives, `folder` cannot be listed, though it can still be checked (stat). A user the
// kernel checks gets mode 000 on it; root reads any mode, so for root no file descriptor is left
// to open it with (RLIMIT_NOFILE 0): the listing fails just the same, with EMFILE.
class UnlistableFolder {
 public:
  explicit UnlistableFolder(fs::path folder) : folder_(std::move(folder)) {
    if (::geteuid() != 0) {
      std::error_code error;
      fs::permissions(folder_, fs::perms::none, error);
      unlistable_ = !error;
    } else if (::getrlimit(RLIMIT_NOFILE, &saved_) == 0) {
      rlimit none = saved_;
      none.rlim_cur = 0;
      unlistable_ = ::setrlimit(RLIMIT_NOFILE, &none) == 0;
    }
  }
  ~UnlistableFolder() {
    if (!unlistable_) return;
    std::error_code ignored;
    if (::geteuid() != 0) {
      fs::permissions(folder_, fs::perms::owner_all, ignored);
    } else {
      ::setrlimit(RLIMIT_NOFILE, &saved_);
    }
  }
  UnlistableFolder(const UnlistableFolder&) = delete;
  UnlistableFolder& operator=(const UnlistableFolder&) = delete;
  bool unlistable() const { return unlistable_; }

 private:
  fs::path folder_;
  rlimit saved_{};
  bool unlistable_ = false;
};

bool mentions(const Status& status, const std::string& text) {
  return status.message().find(text) != std::string::npos;
}

class ReplicaDirectoriesTest : public ::testing::Test {
 protected:
  ReplicaDirectoriesTest() : dirs_(ReplicaDirectories::of(temp_.sub("data")).value()) {}

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

// The default --word-vectors is ./data/word-vectors/glove-100d.bin: without its copy in the new
// DIR, a replica with --embedder glove could not open the data it swapped in.
TEST_F(ReplicaDirectoriesTest, AConflictSwapCopiesTheOperatorsEntriesIntoTheNewData) {
  make_old(dirs_.data);
  fs::create_symlink("word-vectors/glove.bin", dirs_.data / "vectors-link");
  make_database(dirs_.next_after_conflict, "new");
  SwapOutcome outcome = finish();
  ASSERT_FALSE(outcome.kept_old_data.empty());
  expect_new_with_operator_entries();
  EXPECT_TRUE(fs::is_symlink(dirs_.data / "vectors-link"));  // copied as a link
  EXPECT_EQ(read_text(dirs_.data / "vectors-link"), "vectors");
  EXPECT_FALSE(fs::exists(dirs_.data / "word-vectors.copying"));
  // Copied, not moved: the kept data is still whole.
  fs::path kept = outcome.kept_old_data;
  EXPECT_EQ(read_text(kept / "word-vectors" / "glove.bin"), "vectors");
  EXPECT_EQ(read_text(kept / "backups" / "b1" / "CURRENT"), "backup");
  EXPECT_EQ(read_text(kept / "CURRENT"), "old");
}

TEST_F(ReplicaDirectoriesTest, KilledWhileCopyingTheOperatorsEntriesForAConflictSwap) {
  make_old(dirs_.data);
  make_database(dirs_.next_after_conflict, "new");
  // backups/ was copied; word-vectors/ was being copied (under its temporary name).
  fs::copy(dirs_.data / "backups", dirs_.next_after_conflict / "backups",
           fs::copy_options::recursive);
  write_file(dirs_.next_after_conflict / "word-vectors.copying" / "glove.bin", "vec");
  SwapOutcome outcome = finish();
  EXPECT_TRUE(outcome.swapped);
  expect_new_with_operator_entries();
  EXPECT_FALSE(fs::exists(dirs_.data / "word-vectors.copying"));
  EXPECT_EQ(read_text(fs::path(outcome.kept_old_data) / "word-vectors" / "glove.bin"), "vectors");
}

// A symbolic link to itself: checking it fails (ELOOP), which must not read as "absent".
TEST_F(ReplicaDirectoriesTest, ASideDirectoryThatCannotBeCheckedIsAnErrorNamingIt) {
  make_old(dirs_.data);
  fs::create_symlink(dirs_.next, dirs_.next);
  auto outcome = finish_swap(dirs_.data.string());
  ASSERT_FALSE(outcome.ok());
  EXPECT_NE(outcome.status().message().find(dirs_.next.string()), std::string::npos)
      << outcome.status().to_string();
  EXPECT_EQ(read_text(dirs_.data / "CURRENT"), "old");  // nothing changed
  Status promotable = check_nothing_pending(dirs_.data.string());
  EXPECT_FALSE(promotable.ok());
  EXPECT_NE(promotable.message().find(dirs_.next.string()), std::string::npos)
      << promotable.to_string();
}

TEST_F(ReplicaDirectoriesTest, PromotionWaitsForWhatARebootstrapLeft) {
  make_old(dirs_.data);
  EXPECT_TRUE(check_nothing_pending(dirs_.data.string()).ok());
  for (const fs::path& side :
       {dirs_.downloading, dirs_.next, dirs_.next_after_conflict, dirs_.previous}) {
    make_database(side, "side");
    Status status = check_nothing_pending(dirs_.data.string());
    EXPECT_EQ(status.code(), StatusCode::kConflict) << side;
    EXPECT_NE(status.message().find(side.string()), std::string::npos) << status.to_string();
    EXPECT_NE(status.message().find("remove them"), std::string::npos) << status.to_string();
    fs::remove_all(side);
  }
  // DIR absent, its data in DIR.previous (a swap stopped between its renames): removing the side
  // directories would lose it, so only finishing the swap is offered.
  fs::rename(dirs_.data, dirs_.previous);
  make_database(dirs_.next, "new");
  Status status = check_nothing_pending(dirs_.data.string());
  EXPECT_EQ(status.code(), StatusCode::kConflict);
  EXPECT_EQ(status.message().find("remove them"), std::string::npos) << status.to_string();
  EXPECT_NE(status.message().find("--replica-of"), std::string::npos) << status.to_string();
  // Not a pending re-bootstrap: data kept after a conflict.
  finish();
  fs::create_directories(dirs_.data.string() + ".conflict-1700000000");
  EXPECT_TRUE(check_nothing_pending(dirs_.data.string()).ok());
}

TEST_F(ReplicaDirectoriesTest, AFinishedDownloadWaitsAsNextOrNextAfterConflict) {
  make_database(dirs_.downloading, "new");
  make_database(dirs_.next, "stale");  // replaced, not mixed in
  Status finished = finish_download(dirs_, false);
  ASSERT_TRUE(finished.ok()) << finished.to_string();
  EXPECT_EQ(read_text(dirs_.next / "CURRENT"), "new");
  EXPECT_FALSE(fs::exists(dirs_.next / "MANIFEST-stale"));
  EXPECT_FALSE(fs::exists(dirs_.downloading));
  make_database(dirs_.downloading, "newer");
  finished = finish_download(dirs_, true);
  ASSERT_TRUE(finished.ok()) << finished.to_string();
  EXPECT_EQ(read_text(dirs_.next_after_conflict / "CURRENT"), "newer");
  EXPECT_FALSE(fs::exists(dirs_.downloading));
}

// The follower logs the error and tries again; the complete copy stays where it was.
TEST_F(ReplicaDirectoriesTest, AFinishedDownloadThatCannotBeRenamedIsAnErrorAndStays) {
  make_old(dirs_.data);
  make_database(dirs_.downloading, "new");
  Status finished;
  {
    FrozenFolder frozen(dirs_.data.parent_path());
    if (!frozen.frozen()) GTEST_SKIP() << "cannot make the folder immutable on this file system";
    finished = finish_download(dirs_, false);
  }
  EXPECT_FALSE(finished.ok());
  EXPECT_TRUE(mentions(finished, "cannot rename " + dirs_.downloading.string()))
      << finished.to_string();
  EXPECT_EQ(read_text(dirs_.downloading / "CURRENT"), "new");
  EXPECT_FALSE(fs::exists(dirs_.next));
  EXPECT_EQ(read_text(dirs_.data / "CURRENT"), "old");
}

// A stale DIR.next that cannot be removed is the error to report: the rename after it fails too,
// but its message ("cannot rename ...: Directory not empty") hides the cause and the folder to fix.
TEST_F(ReplicaDirectoriesTest, AStaleCopyThatCannotBeRemovedIsNamedAsTheCause) {
  make_database(dirs_.downloading, "new");
  make_database(dirs_.next, "stale");
  Status finished;
  {
    FrozenFolder frozen(dirs_.next);
    if (!frozen.frozen()) GTEST_SKIP() << "cannot make the folder immutable on this file system";
    finished = finish_download(dirs_, false);
  }
  EXPECT_FALSE(finished.ok());
  EXPECT_TRUE(mentions(finished, "cannot remove " + dirs_.next.string())) << finished.to_string();
  EXPECT_EQ(read_text(dirs_.downloading / "CURRENT"), "new");
  EXPECT_EQ(read_text(dirs_.next / "CURRENT"), "stale");
}

// A first bootstrap renames its copy into an absent or empty DIR, and moves its files in beside
// the operator's entries otherwise.
TEST_F(ReplicaDirectoriesTest, EmptyOrAbsentTellsAFreeDataDirectory) {
  EXPECT_TRUE(empty_or_absent(dirs_.data).value());
  fs::create_directories(dirs_.data);
  EXPECT_TRUE(empty_or_absent(dirs_.data).value());
  write_file(dirs_.data / "word-vectors" / "glove.bin", "vectors");
  EXPECT_FALSE(empty_or_absent(dirs_.data).value());
  write_file(dirs_.next, "a file");
  EXPECT_FALSE(empty_or_absent(dirs_.next).value());
}

// A symbolic link to itself: checking it fails (ELOOP), which must not read as "absent" (the
// bootstrap would remove the link and put its copy in its place).
TEST_F(ReplicaDirectoriesTest, ADataDirectoryThatCannotBeCheckedIsNotAbsent) {
  fs::create_symlink(dirs_.data, dirs_.data);
  auto empty = empty_or_absent(dirs_.data);
  ASSERT_FALSE(empty.ok());
  EXPECT_TRUE(mentions(empty.status(), dirs_.data.string())) << empty.status().to_string();
  EXPECT_TRUE(fs::is_symlink(dirs_.data));
}

// A folder that cannot be listed is neither empty nor known to hold only the operator's entries:
// the first bootstrap stops with an error naming it instead of putting its copy there.
TEST_F(ReplicaDirectoriesTest, ADataDirectoryThatCannotBeListedIsAnError) {
  for (bool with_entries : {false, true}) {
    if (with_entries) write_file(dirs_.data / "word-vectors" / "glove.bin", "vectors");
    fs::create_directories(dirs_.data);
    std::optional<Result<bool>> empty;
    {
      UnlistableFolder unlistable(dirs_.data);
      ASSERT_TRUE(unlistable.unlistable());
      empty = empty_or_absent(dirs_.data);
    }
    ASSERT_FALSE(empty->ok()) << "with entries: " << with_entries;
    EXPECT_TRUE(mentions(empty->status(), "cannot list " + dirs_.data.string()))
        << empty->status().to_string();
  }
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
