#include "api/replication/replica_directories.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>

namespace expgraph::replication {

namespace {

namespace fs = std::filesystem;

fs::path with_suffix(const fs::path& data, const std::string& suffix) {
  fs::path path = data;
  path += suffix;
  return path;
}

// A rename is atomic against a crash of the process; syncing the parent folder makes it durable
// against a power loss as well.
void sync_folder(const fs::path& folder) {
  int descriptor = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY);
  if (descriptor < 0) return;
  (void)::fsync(descriptor);
  ::close(descriptor);
}

Status rename_durably(const fs::path& from, const fs::path& to) {
  std::error_code error;
  fs::rename(from, to, error);
  if (error) {
    return Status::internal("cannot rename " + from.string() + " to " + to.string() + ": " +
                            error.message());
  }
  sync_folder(to.parent_path());
  return Status();
}

// Moves the operator's entries (backups/, word-vectors/, ...) of the old data directory into the
// new one; the new one's entries win. Each entry is one rename, so a crash midway leaves the
// rest in the old directory, which the next finish_swap carries over before removing it.
Status carry_over(const fs::path& old_data, const fs::path& data) {
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(old_data, error)) {
    std::string name = entry.path().filename().string();
    if (is_database_entry(name) || fs::exists(data / name, error)) continue;
    EXPGRAPH_RETURN_IF_ERROR(rename_durably(entry.path(), data / name));
  }
  if (error) return Status::internal("cannot list " + old_data.string() + ": " + error.message());
  return Status();
}

bool starts_with(const std::string& text, const char* prefix) { return text.rfind(prefix, 0) == 0; }

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

ReplicaDirectories::ReplicaDirectories(const std::string& data_dir) {
  data = fs::absolute(data_dir).lexically_normal();
  if (data.filename().empty()) data = data.parent_path();
  downloading = with_suffix(data, ".rebootstrap");
  next = with_suffix(data, ".next");
  next_after_conflict = with_suffix(data, ".next-after-conflict");
  previous = with_suffix(data, ".previous");
}

fs::path ReplicaDirectories::conflict_keep() const {
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
  fs::path keep = with_suffix(data, ".conflict-" + std::to_string(seconds));
  for (int extra = 1; fs::exists(keep); ++extra) {
    keep = with_suffix(data, ".conflict-" + std::to_string(seconds) + "-" + std::to_string(extra));
  }
  return keep;
}

bool is_database_entry(const std::string& name) {
  for (const char* exact : {"CURRENT", "IDENTITY", "LOCK", "LOG", "archive"}) {
    if (name == exact) return true;
  }
  for (const char* prefix : {"MANIFEST-", "OPTIONS-", "LOG.old."}) {
    if (starts_with(name, prefix)) return true;
  }
  for (const std::string suffix : {".sst", ".log", ".blob", ".dbtmp"}) {
    if (ends_with(name, suffix)) return true;
  }
  return false;
}

Result<SwapOutcome> finish_swap(const std::string& data_dir) {
  ReplicaDirectories directories(data_dir);
  SwapOutcome outcome;
  std::error_code error;
  if (fs::exists(directories.downloading, error)) {
    fs::remove_all(directories.downloading, error);
    if (error) {
      return Status::internal("cannot remove " + directories.downloading.string() + ": " +
                              error.message());
    }
    outcome.removed_partial = directories.downloading.string();
  }
  // A previous swap that got as far as moving its copy in, but not as far as clearing the old
  // data: finish it first, so that DIR.previous is free for this one.
  const bool data_exists = fs::exists(directories.data, error);
  if (fs::exists(directories.previous, error) && data_exists) {
    EXPGRAPH_RETURN_IF_ERROR(carry_over(directories.previous, directories.data));
    fs::remove_all(directories.previous, error);
    if (error) {
      return Status::internal("cannot remove " + directories.previous.string() + ": " +
                              error.message());
    }
  }
  const bool conflict = fs::exists(directories.next_after_conflict, error);
  const fs::path pending = conflict ? directories.next_after_conflict : directories.next;
  if (conflict || fs::exists(directories.next, error)) {
    // Only one download is ever completed at a time; a stale plain copy beside a conflict one
    // cannot be newer than it.
    if (conflict) fs::remove_all(directories.next, error);
    fs::path old_data;
    if (fs::exists(directories.data, error)) {
      old_data = conflict ? directories.conflict_keep() : directories.previous;
      EXPGRAPH_RETURN_IF_ERROR(rename_durably(directories.data, old_data));
    }
    // From here until the next rename DIR is absent: a crash leaves the copy at DIR.next and the
    // old data beside it, and the next start moves the copy in.
    EXPGRAPH_RETURN_IF_ERROR(rename_durably(pending, directories.data));
    outcome.swapped = true;
    if (conflict && !old_data.empty()) {
      // Kept whole (its backups/ included): it holds writes the primary does not have.
      outcome.kept_old_data = old_data.string();
    }
  }
  if (fs::exists(directories.previous, error)) {
    if (!fs::exists(directories.data, error)) {
      // Never left so by finish_swap (the copy moves in before the old data is removed), but a
      // database beside an absent DIR is the one to use.
      EXPGRAPH_RETURN_IF_ERROR(rename_durably(directories.previous, directories.data));
    } else {
      EXPGRAPH_RETURN_IF_ERROR(carry_over(directories.previous, directories.data));
      fs::remove_all(directories.previous, error);
      if (error) {
        return Status::internal("cannot remove " + directories.previous.string() + ": " +
                                error.message());
      }
    }
  }
  return outcome;
}

}  // namespace expgraph::replication
