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

// fs::exists(path, error) answers false on an error as well: here an error is not an absence.
Result<bool> present(const fs::path& path) {
  std::error_code error;
  bool found = fs::exists(path, error);
  if (error) return Status::internal("cannot check " + path.string() + ": " + error.message());
  return found;
}

Status remove_tree(const fs::path& path) {
  std::error_code error;
  fs::remove_all(path, error);
  if (error) return Status::internal("cannot remove " + path.string() + ": " + error.message());
  return Status();
}

// The names of the operator's entries (backups/, word-vectors/, ...) in the data directory `from`
// that `to` lacks.
Result<std::vector<std::string>> entries_to_bring(const fs::path& from, const fs::path& to) {
  std::vector<std::string> names;
  std::error_code error;
  fs::directory_iterator entry(from, error);
  for (; !error && entry != fs::directory_iterator(); entry.increment(error)) {
    std::string name = entry->path().filename().string();
    if (is_database_entry(name)) continue;
    auto taken = present(to / name);
    if (!taken.ok()) return taken.status();
    if (!*taken) names.push_back(std::move(name));
  }
  if (error) return Status::internal("cannot list " + from.string() + ": " + error.message());
  return names;
}

// Moves the operator's entries of the old data directory into the new one; the new one's
// entries win. Each entry is one rename, so a crash midway leaves the rest in the old directory,
// which the next finish_swap carries over before removing it.
Status carry_over(const fs::path& old_data, const fs::path& data) {
  auto names = entries_to_bring(old_data, data);
  if (!names.ok()) return names.status();
  for (const std::string& name : *names) {
    EXPGRAPH_RETURN_IF_ERROR(rename_durably(old_data / name, data / name));
  }
  return Status();
}

// Copies the operator's entries of `from` into `to`, leaving `from` whole; `to`'s entries win.
// Each is copied under a temporary name and renamed, so a crash midway leaves no half copy under
// the real name, and the next call copies what is missing again.
Status copy_over(const fs::path& from, const fs::path& to) {
  auto names = entries_to_bring(from, to);
  if (!names.ok()) return names.status();
  for (const std::string& name : *names) {
    const fs::path partial = to / (name + ".copying");
    EXPGRAPH_RETURN_IF_ERROR(remove_tree(partial));  // left by a crash during the copy
    std::error_code error;
    // A symbolic link is copied as a link (word-vectors/ may point at a shared file).
    fs::copy(from / name, partial, fs::copy_options::recursive | fs::copy_options::copy_symlinks,
             error);
    if (error) {
      return Status::internal("cannot copy " + (from / name).string() + " to " + partial.string() +
                              ": " + error.message());
    }
    EXPGRAPH_RETURN_IF_ERROR(rename_durably(partial, to / name));
  }
  return Status();
}

// Ends a swap whose old database went to DIR.previous: its operator's entries move into DIR and
// it is removed. With DIR absent (a swap stopped between its two renames) it goes back to DIR
// instead, and a copy still pending is swapped in afresh.
Status clear_previous(const ReplicaDirectories& directories) {
  auto previous = present(directories.previous);
  if (!previous.ok()) return previous.status();
  if (!*previous) return Status();
  auto data = present(directories.data);
  if (!data.ok()) return data.status();
  if (!*data) return rename_durably(directories.previous, directories.data);
  EXPGRAPH_RETURN_IF_ERROR(carry_over(directories.previous, directories.data));
  return remove_tree(directories.previous);
}

bool starts_with(const std::string& text, const char* prefix) { return text.rfind(prefix, 0) == 0; }

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

Result<ReplicaDirectories> ReplicaDirectories::of(const std::string& data_dir) {
  std::error_code error;
  fs::path data = fs::absolute(data_dir, error).lexically_normal();
  if (error) {
    return Status::internal("cannot resolve the data directory " + data_dir + ": " +
                            error.message());
  }
  if (data.filename().empty()) data = data.parent_path();
  ReplicaDirectories directories;
  directories.data = data;
  directories.downloading = with_suffix(data, ".rebootstrap");
  directories.next = with_suffix(data, ".next");
  directories.next_after_conflict = with_suffix(data, ".next-after-conflict");
  directories.previous = with_suffix(data, ".previous");
  return directories;
}

Result<fs::path> ReplicaDirectories::conflict_keep() const {
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
  fs::path keep = with_suffix(data, ".conflict-" + std::to_string(seconds));
  for (int extra = 1;; ++extra) {
    auto taken = present(keep);
    if (!taken.ok()) return taken.status();
    if (!*taken) return keep;
    keep = with_suffix(data, ".conflict-" + std::to_string(seconds) + "-" + std::to_string(extra));
  }
}

Result<std::vector<fs::path>> ReplicaDirectories::pending() const {
  std::vector<fs::path> sides;
  for (const fs::path* side : {&downloading, &next, &next_after_conflict, &previous}) {
    auto found = present(*side);
    if (!found.ok()) return found.status();
    if (*found) sides.push_back(*side);
  }
  return sides;
}

Status finish_download(const ReplicaDirectories& directories, bool replaces_conflicting_data) {
  const fs::path& target =
      replaces_conflicting_data ? directories.next_after_conflict : directories.next;
  // A completed copy never swapped in (not possible: defensive). Checked on its own: a stale copy
  // left half-removed would only make the rename fail with "not empty", hiding the cause.
  EXPGRAPH_RETURN_IF_ERROR(remove_tree(target));
  std::error_code error;
  fs::rename(directories.downloading, target, error);
  if (error) {
    return Status::internal("cannot rename " + directories.downloading.string() + " to " +
                            target.string() + ": " + error.message());
  }
  return Status();
}

Result<bool> holds_database(const fs::path& directory) { return present(directory / "CURRENT"); }

Result<bool> empty_or_absent(const fs::path& directory) {
  auto found = present(directory);
  if (!found.ok()) return found.status();
  if (!*found) return true;
  std::error_code error;
  bool folder = fs::is_directory(directory, error);
  if (error) return Status::internal("cannot check " + directory.string() + ": " + error.message());
  if (!folder) return false;
  // is_empty answers false on an error: a folder that cannot be listed is neither empty nor not.
  bool empty = fs::is_empty(directory, error);
  if (error) return Status::internal("cannot list " + directory.string() + ": " + error.message());
  return empty;
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
  auto located = ReplicaDirectories::of(data_dir);
  if (!located.ok()) return located.status();
  const ReplicaDirectories& directories = *located;
  SwapOutcome outcome;
  auto downloading = present(directories.downloading);
  if (!downloading.ok()) return downloading.status();
  if (*downloading) {
    EXPGRAPH_RETURN_IF_ERROR(remove_tree(directories.downloading));
    outcome.removed_partial = directories.downloading.string();
  }
  // A previous swap that got as far as moving its copy in, but not as far as clearing the old
  // data: finish it first, so that DIR.previous is free for this one.
  EXPGRAPH_RETURN_IF_ERROR(clear_previous(directories));
  auto conflict = present(directories.next_after_conflict);
  if (!conflict.ok()) return conflict.status();
  auto plain = present(directories.next);
  if (!plain.ok()) return plain.status();
  const fs::path& pending = *conflict ? directories.next_after_conflict : directories.next;
  if (*conflict || *plain) {
    // Only one download is ever completed at a time; a stale plain copy beside a conflict one
    // cannot be newer than it.
    if (*conflict) EXPGRAPH_RETURN_IF_ERROR(remove_tree(directories.next));
    auto data_exists = present(directories.data);
    if (!data_exists.ok()) return data_exists.status();
    fs::path old_data = directories.previous;
    if (*data_exists && *conflict) {
      // The old data is kept whole (its backups/ included): it holds writes the primary does not
      // have. So the operator's entries are copied, not moved, and before the renames: a crash
      // leaves them in the pending copy (a half-copied one under a temporary name), which the
      // next start completes, never in a directory it no longer looks at.
      EXPGRAPH_RETURN_IF_ERROR(copy_over(directories.data, pending));
      auto keep = directories.conflict_keep();
      if (!keep.ok()) return keep.status();
      old_data = *keep;
      outcome.kept_old_data = old_data.string();
    }
    if (*data_exists) EXPGRAPH_RETURN_IF_ERROR(rename_durably(directories.data, old_data));
    // From here until the next rename DIR is absent: a crash leaves the copy at DIR.next and the
    // old data beside it, and the next start moves the copy in.
    EXPGRAPH_RETURN_IF_ERROR(rename_durably(pending, directories.data));
    outcome.swapped = true;
  }
  EXPGRAPH_RETURN_IF_ERROR(clear_previous(directories));
  return outcome;
}

Status check_nothing_pending(const std::string& data_dir) {
  auto located = ReplicaDirectories::of(data_dir);
  if (!located.ok()) return located.status();
  auto pending = located->pending();
  if (!pending.ok()) return pending.status();
  if (pending->empty()) return Status();
  std::string message;
  for (const fs::path& side : *pending) {
    if (!message.empty()) message += ", ";
    message += side.string();
  }
  auto database = holds_database(located->data);
  if (!database.ok()) return database.status();
  message +=
      " beside the data directory: a re-bootstrap of this replica did not finish; finish it by "
      "starting the replica once as before (with --replica-of: it moves the complete copy in, or "
      "removes a partial one), stop it and promote again";
  // Without a database at DIR, the replica's data is beside it: removing them would lose it.
  if (*database) message += ", or remove them to promote the data at " + located->data.string();
  return Status::conflict(std::move(message));
}

}  // namespace expgraph::replication
