#include "storage/backup.h"

#include <chrono>
#include <ctime>
#include <filesystem>
#include <system_error>

namespace expgraph {

namespace fs = std::filesystem;

namespace {

std::string utc_timestamp(const char* format) {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm parts{};
  gmtime_r(&now, &parts);
  char text[32];
  std::strftime(text, sizeof(text), format, &parts);
  return text;
}

// Sums the sizes of the regular files under `directory`.
Result<uint64_t> directory_size(const fs::path& directory, uint64_t* files = nullptr) {
  std::error_code error;
  uint64_t total = 0;
  for (auto it = fs::recursive_directory_iterator(directory, error);
       !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    if (!it->is_regular_file(error)) continue;
    total += it->file_size(error);
    if (files != nullptr) ++*files;
  }
  if (error) return Status::internal("cannot read " + directory.string() + ": " + error.message());
  return total;
}

// True when `path` (canonical) lies strictly inside `root` (canonical).
bool strictly_inside(const fs::path& path, const fs::path& root) {
  fs::path relative = path.lexically_relative(root);
  if (relative.empty() || relative == ".") return false;
  return *relative.begin() != "..";
}

}  // namespace

Result<std::string> resolve_backup_path(const std::string& root, const std::string& requested) {
  std::error_code error;
  fs::path canonical_root = fs::weakly_canonical(fs::absolute(root, error), error);
  if (error) return Status::invalid_argument("bad backup root " + root + ": " + error.message());
  std::string name = requested;
  if (name.empty()) name = "backup-" + utc_timestamp("%Y%m%dT%H%M%SZ");
  fs::path candidate = fs::path(name).is_absolute() ? fs::path(name) : canonical_root / name;
  // weakly_canonical resolves "..", "." and every symlink of the part that exists, so a link
  // pointing out of the root is caught as well.
  candidate = fs::weakly_canonical(candidate, error);
  if (error) return Status::invalid_argument("bad backup path " + name + ": " + error.message());
  if (!strictly_inside(candidate, canonical_root)) {
    return Status::invalid_argument("backup path " + name + " is outside the backup directory " +
                                    canonical_root.string() +
                                    " (start expgraphd with --backup-dir to allow another one)");
  }
  if (fs::exists(candidate, error)) {
    return Status::conflict("backup path " + candidate.string() + " already exists");
  }
  return candidate.string();
}

Result<BackupInfo> create_backup(const KvStore& store, const std::string& root,
                                 const std::string& requested) {
  std::error_code error;
  fs::create_directories(root, error);
  if (error) return Status::internal("cannot create " + root + ": " + error.message());
  auto path = resolve_backup_path(root, requested);
  if (!path.ok()) return path.status();
  fs::create_directories(fs::path(*path).parent_path(), error);
  if (error) return Status::internal("cannot create " + *path + ": " + error.message());
  BackupInfo info;
  info.path = *path;
  info.created_at = utc_timestamp("%Y-%m-%dT%H:%M:%SZ");
  Status status = store.checkpoint(info.path, &info.sequence);
  if (!status.ok()) {
    // Two requests racing for the same name: the loser sees RocksDB's "already exists".
    if (fs::exists(info.path))
      return Status::conflict("backup path " + info.path + " already exists");
    return status;
  }
  auto size = directory_size(info.path);
  if (!size.ok()) return size.status();
  info.size_bytes = *size;
  return info;
}

Result<RestoreReport> restore_backup(const std::string& backup_dir, const std::string& data_dir) {
  std::error_code error;
  if (!fs::is_regular_file(fs::path(backup_dir) / "CURRENT", error)) {
    return Status::invalid_argument(backup_dir + " is not a backup (no RocksDB CURRENT file)");
  }
  if (fs::exists(data_dir, error)) {
    if (!fs::is_directory(data_dir, error)) {
      return Status::conflict(data_dir + " exists and is not a directory");
    }
    if (!fs::is_empty(data_dir, error)) {
      return Status::conflict(data_dir + " is not empty; restore only into an empty directory");
    }
  }
  fs::create_directories(data_dir, error);
  if (error) return Status::internal("cannot create " + data_dir + ": " + error.message());
  // Copied, not linked: the restored database must not share files with the backup.
  fs::copy(backup_dir, data_dir, fs::copy_options::recursive, error);
  auto undo = [&](Status status) {
    std::error_code ignored;
    for (const auto& entry : fs::directory_iterator(data_dir, ignored))
      fs::remove_all(entry, ignored);
    return status;
  };
  if (error) return undo(Status::internal("copying " + backup_dir + ": " + error.message()));
  RestoreReport report;
  auto bytes = directory_size(data_dir, &report.files);
  if (!bytes.ok()) return undo(bytes.status());
  report.bytes = *bytes;
  {
    auto store = KvStore::open(data_dir);
    if (!store.ok()) {
      Status status = store.status();
      return undo(status.prepend("the restored copy does not open"));
    }
    Status verified = (*store)->verify_checksums();
    if (!verified.ok()) return undo(verified);
    KvIterator nodes = (*store)->scan(Column::kNodes, "");
    for (; nodes.valid(); nodes.next()) ++report.nodes;
    if (!nodes.status().ok()) return undo(nodes.status());
  }
  return report;
}

}  // namespace expgraph
