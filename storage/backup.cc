#include "storage/backup.h"

#include <chrono>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <optional>
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

// What a requested backup path may be: short enough for the file system and free of bytes no
// file name should hold (a NUL would cut the name short in the system calls).
constexpr size_t kMaxRequestedBytes = 1024;
constexpr size_t kMaxComponents = 16;
constexpr size_t kMaxComponentBytes = 255;  // NAME_MAX

Status check_requested(const std::string& requested) {
  if (requested.size() > kMaxRequestedBytes) {
    return Status::invalid_argument("backup path is over " + std::to_string(kMaxRequestedBytes) +
                                    " bytes");
  }
  for (char c : requested) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return Status::invalid_argument("backup path holds a control character (NUL, newline, ...)");
    }
  }
  size_t components = 0;
  for (const fs::path& component : fs::path(requested).relative_path()) {
    if (component.native().size() > kMaxComponentBytes) {
      return Status::invalid_argument("a backup path component is over " +
                                      std::to_string(kMaxComponentBytes) + " bytes");
    }
    if (++components > kMaxComponents) {
      return Status::invalid_argument("backup path has more than " +
                                      std::to_string(kMaxComponents) + " components");
    }
  }
  return Status();
}

// Failures to create a backup's directory that the requested path causes (a component that is
// a file, a name too long) are the client's; others (permissions, a full disk) are the server's.
Status directory_error(const std::string& path, const std::error_code& error) {
  std::string message = "cannot create " + path + ": " + error.message();
  if (error == std::errc::not_a_directory || error == std::errc::file_exists ||
      error == std::errc::filename_too_long || error == std::errc::invalid_argument) {
    return Status::invalid_argument(message);
  }
  return Status::internal(message);
}

// Backups are taken one at a time: the check that a name is free and the checkpoint that takes
// it must not interleave with another's (RocksDB's checkpoint also works in "<name>.tmp").
std::mutex backup_mutex;

// True when `path` (canonical) lies strictly inside `root` (canonical).
bool strictly_inside(const fs::path& path, const fs::path& root) {
  fs::path relative = path.lexically_relative(root);
  if (relative.empty() || relative == ".") return false;
  return *relative.begin() != "..";
}

// A backup is a directory holding a RocksDB CURRENT file (every checkpoint has one).
bool is_backup(const fs::path& directory) {
  std::error_code error;
  return fs::is_regular_file(directory / "CURRENT", error);
}

// The nearest folder strictly between `root` and `candidate` that is a backup, if any: a backup
// taken there would become part of that backup (copied in by a restore, counted in its size).
std::optional<fs::path> enclosing_backup(const fs::path& candidate, const fs::path& root) {
  for (fs::path folder = candidate.parent_path(); strictly_inside(folder, root);
       folder = folder.parent_path()) {
    if (is_backup(folder)) return folder;
  }
  return std::nullopt;
}

// A backup found under `directory` (itself included), if any. The walk stops at the first, and
// does not enter backups: their own folders need no look.
std::optional<fs::path> contained_backup(const fs::path& directory) {
  if (is_backup(directory)) return directory;
  std::error_code error;
  for (auto it = fs::recursive_directory_iterator(directory, error);
       !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    if (!it->is_directory(error) || it->is_symlink(error)) continue;
    if (is_backup(it->path())) return it->path();
  }
  return std::nullopt;
}

}  // namespace

Result<std::string> resolve_backup_path(const std::string& root, const std::string& requested) {
  EXPGRAPH_RETURN_IF_ERROR(check_requested(requested));
  std::error_code error;
  fs::path canonical_root = fs::weakly_canonical(fs::absolute(root, error), error);
  if (error) return Status::invalid_argument("bad backup root " + root + ": " + error.message());
  std::string name = requested;
  if (name.empty()) {
    // A name from the time; backups in the same second get "-2", "-3", ...
    std::string stamp = "backup-" + utc_timestamp("%Y%m%dT%H%M%SZ");
    name = stamp;
    for (int suffix = 2; fs::exists(canonical_root / name, error) ||
                         fs::exists(canonical_root / (name + ".tmp"), error);
         ++suffix) {
      name = stamp + "-" + std::to_string(suffix);
    }
  }
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
  // Backups never nest: one inside another's folder would be copied by the other's restore,
  // and deleting the outer one would delete it.
  if (auto outer = enclosing_backup(candidate, canonical_root)) {
    return Status::conflict("backup path " + candidate.string() + " is inside the backup " +
                            outer->string() + "; backups may not nest, choose a path outside it");
  }
  if (fs::exists(candidate, error)) {
    if (fs::is_directory(candidate, error)) {
      if (auto inner = contained_backup(candidate); inner && *inner != candidate) {
        return Status::conflict("backup path " + candidate.string() +
                                " already exists and holds the backup " + inner->string() +
                                "; backups may not nest, choose a path outside it");
      }
    }
    return Status::conflict("backup path " + candidate.string() + " already exists");
  }
  // RocksDB builds a checkpoint in "<path>.tmp" and removes whatever is there first: an earlier
  // backup named so would be deleted without a word.
  if (fs::exists(candidate.string() + ".tmp", error)) {
    return Status::conflict("backup path " + candidate.string() + ".tmp already exists, and " +
                            "taking " + candidate.string() + " would replace it");
  }
  return candidate.string();
}

Result<BackupInfo> create_backup(const KvStore& store, const std::string& root,
                                 const std::string& requested) {
  std::lock_guard lock(backup_mutex);
  std::error_code error;
  fs::create_directories(root, error);
  if (error) return Status::internal("cannot create " + root + ": " + error.message());
  auto path = resolve_backup_path(root, requested);
  if (!path.ok()) return path.status();
  fs::create_directories(fs::path(*path).parent_path(), error);
  if (error) return directory_error(*path, error);
  BackupInfo info;
  info.path = *path;
  info.created_at = utc_timestamp("%Y-%m-%dT%H:%M:%SZ");
  Status status = store.checkpoint(info.path, &info.sequence);
  if (!status.ok()) {
    // Another process may have taken the name meanwhile: RocksDB's "already exists".
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
