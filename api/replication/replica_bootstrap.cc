#include "api/replication/replica_bootstrap.h"

#include <httplib.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>
#include <vector>

#include "api/replication/retry_after.h"
#include "api/replication/stream_format.h"
#include "graph/graph_store.h"
#include "storage/kv_store.h"

namespace expgraph::replication {

namespace {

namespace fs = std::filesystem;

// What a download_checkpoint call learnt besides its status.
struct CheckpointDownload {
  uint64_t bytes = 0;  // the archive's size, once complete
  // The wait the primary's answer asked for (its Retry-After, capped; 0 when none): a 503 for
  // want of a stream slot carries one.
  std::chrono::milliseconds retry_after{0};
};

Status download_checkpoint(const std::string& primary_url, const std::string& api_key,
                           const fs::path& directory, CheckpointDownload& download,
                           const std::atomic<bool>* cancel = nullptr) {
  httplib::Client client(primary_url);
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(60, 0);
  httplib::Headers headers;
  if (!api_key.empty()) headers.emplace("Authorization", "Bearer " + api_key);
  ArchiveWriter writer(directory.string());
  int status_code = 0;
  std::string error_body;
  Status written;
  auto result = client.Get(
      "/v1/replication/checkpoint", headers,
      [&](const httplib::Response& response) {
        status_code = response.status;
        download.retry_after = retry_after(response);
        return true;
      },
      [&](const char* data, size_t size) {
        if (cancel != nullptr && cancel->load()) {
          written = Status::internal("the download was cancelled (shutting down)");
          return false;
        }
        if (status_code != 200) {
          if (error_body.size() < 65536) error_body.append(data, size);
          return true;
        }
        written = writer.feed(std::string_view(data, size));
        return written.ok();
      });
  if (!written.ok()) return written.prepend("checkpoint from " + primary_url);
  if (!result) {
    return Status::internal("cannot fetch the checkpoint from " + primary_url + ": " +
                            httplib::to_string(result.error()));
  }
  if (status_code == 503 || status_code == 429) {
    // A transient refusal, told apart so that the first bootstrap waits instead of failing:
    // 503 when all the primary's replication streams are in use (--max-replication-streams),
    // 429 from a proxy's rate limit in front of it (or an older primary, whose checkpoint
    // route counted against --max-concurrent-requests).
    return Status::overloaded("the primary " + primary_url + " answered " +
                              std::to_string(status_code) +
                              " to the checkpoint request: " + error_body);
  }
  if (status_code != 200) {
    return Status::internal("the primary " + primary_url + " answered " +
                            std::to_string(status_code) + " to the checkpoint request: " +
                            error_body);
  }
  if (!writer.complete()) return Status::internal("the checkpoint archive ended early");
  download.bytes = writer.bytes_written();
  return Status();
}

// Records the checkpoint's last sequence as the applied one: the first open of the copy, before
// any other write, sees exactly the primary's sequence the files hold through.
Result<uint64_t> mark_applied(const fs::path& directory) {
  auto store = KvStore::open(directory.string());
  if (!store.ok()) return Status(store.status()).prepend("the downloaded checkpoint");
  uint64_t sequence = (*store)->latest_sequence();
  EXPGRAPH_RETURN_IF_ERROR((*store)->set_applied_sequence(sequence));
  return sequence;
}

// An empty `directory` for a download. What a killed attempt left there must be gone first: its
// files would otherwise mix with the new checkpoint's.
Status recreate_directory(const fs::path& directory) {
  std::error_code error;
  fs::remove_all(directory, error);
  if (error) {
    return Status::internal("cannot remove " + directory.string() +
                            " (left by an earlier attempt): " + error.message());
  }
  fs::create_directories(directory, error);
  if (error) {
    return Status::internal("cannot create " + directory.string() + ": " + error.message());
  }
  return Status();
}

// The primary's sequence a replica's data holds through; conflict when `store` (at `data`) is not
// a replica's: a primary's, or a promoted replica's.
Result<uint64_t> replica_applied_sequence(KvStore& store, const fs::path& data) {
  auto applied = store.applied_sequence();
  if (!applied.ok()) return applied.status();
  if (!applied->has_value()) {
    return Status::conflict(data.string() +
                            " holds a database that is not a replica's: empty it to bootstrap "
                            "from the primary, or start without --replica-of");
  }
  return **applied;
}

// A swap replaces DIR's database, so DIR must be a replica's before one is finished: a replica
// killed between a download and its reopen, then promoted and written to as a primary, keeps
// those writes (refused, untouched) instead of losing them to the copy left pending.
Status check_before_swap(const ReplicaDirectories& directories) {
  auto pending = directories.pending();
  if (!pending.ok()) return pending.status();
  if (pending->empty()) return Status();
  auto database = holds_database(directories.data);
  if (!database.ok()) return database.status();
  if (!*database) return Status();
  // Opened plainly (not as a replica) only to read; nothing is written.
  auto store = KvStore::open(directories.data.string());
  if (!store.ok()) return store.status();
  auto applied = replica_applied_sequence(**store, directories.data);
  if (applied.ok()) return Status();
  std::string message = applied.status().message();
  message += " (nothing was changed: what a re-bootstrap left beside it, ";
  message += pending->front().string();
  message += " and the like, was not swapped in; remove that too when emptying it)";
  return Status(applied.status().code(), std::move(message));
}

// Moves a downloaded checkpoint's files from `staging` into `data`, which holds the operator's
// entries and no database, CURRENT last: until CURRENT is in place `data` holds no database, so
// a kill half-way means a fresh bootstrap at the next start (RocksDB ignores and removes the
// files of the abandoned attempt that the new checkpoint does not reuse).
Status move_checkpoint_beside_entries(const fs::path& staging, const fs::path& data) {
  std::error_code error;
  std::vector<fs::path> entries;
  for (fs::directory_iterator it(staging, error), end; !error && it != end; it.increment(error)) {
    if (it->path().filename() != "CURRENT") entries.push_back(it->path());
  }
  if (error) return Status::internal("cannot list " + staging.string() + ": " + error.message());
  entries.push_back(staging / "CURRENT");
  for (const fs::path& entry : entries) {
    const fs::path target = data / entry.filename();
    fs::rename(entry, target, error);  // replaces a file a killed attempt left
    if (error) {
      return Status::internal("cannot move " + entry.string() + " into " + data.string() + ": " +
                              error.message());
    }
  }
  // Every file is in `data` now: the start goes on (failing it would only make the next start
  // succeed), and a staging folder left behind is named for the operator to remove.
  fs::remove_all(staging, error);
  if (error) {
    std::fprintf(stderr, "expgraphd: the checkpoint is in %s, but %s cannot be removed (%s): "
                 "remove it by hand\n", data.string().c_str(), staging.string().c_str(),
                 error.message().c_str());
  }
  return Status();
}

// The first bootstrap's download into `staging`. A primary whose replication streams are all in
// use answers 503 at once (a rate-limiting proxy in front of it, 429); the replica asks again
// after the wait its Retry-After names (kBusyRetry when it names none) for up to kBusyPatience
// (a stream ends within its max_seconds, 300 by default, or when its reader goes away), saying
// so on stderr, rather than failing its start over a refusal that passes. Any other failure
// ends the start at once, as before: an unreachable primary or a wrong key is a configuration
// error.
Status first_download(const std::string& primary_url, const std::string& api_key,
                      const fs::path& staging, uint64_t& bytes) {
  constexpr auto kBusyRetry = std::chrono::milliseconds(2000);
  constexpr auto kBusyPatience = std::chrono::minutes(5);
  const auto give_up = std::chrono::steady_clock::now() + kBusyPatience;
  for (;;) {
    EXPGRAPH_RETURN_IF_ERROR(recreate_directory(staging));  // a bootstrap killed half-way
    CheckpointDownload download;
    Status downloaded = download_checkpoint(primary_url, api_key, staging, download);
    bytes = download.bytes;
    const std::chrono::milliseconds wait =
        download.retry_after.count() > 0 ? download.retry_after : kBusyRetry;
    if (downloaded.code() != StatusCode::kOverloaded ||
        std::chrono::steady_clock::now() + wait > give_up) {
      return downloaded;
    }
    std::fprintf(stderr,
                 "expgraphd: %s is busy (every replication stream in use, or rate-limited); "
                 "asking again in %lld s\n",
                 primary_url.c_str(),
                 static_cast<long long>(std::chrono::ceil<std::chrono::seconds>(wait).count()));
    std::this_thread::sleep_for(wait);
  }
}

}  // namespace

Result<FreshCopy> download_fresh_copy(const std::string& primary_url, const std::string& data_dir,
                                      const std::string& api_key, bool replaces_conflicting_data,
                                      const std::atomic<bool>& cancel,
                                      std::chrono::milliseconds& asked_wait) {
  asked_wait = std::chrono::milliseconds(0);
  auto located = ReplicaDirectories::of(data_dir);
  if (!located.ok()) return located.status();
  const ReplicaDirectories& directories = *located;
  EXPGRAPH_RETURN_IF_ERROR(recreate_directory(directories.downloading));
  FreshCopy copy;
  CheckpointDownload download;
  Status downloaded =
      download_checkpoint(primary_url, api_key, directories.downloading, download, &cancel);
  asked_wait = download.retry_after;
  copy.checkpoint_bytes = download.bytes;
  Result<uint64_t> applied =
      downloaded.ok() ? mark_applied(directories.downloading) : Result<uint64_t>(downloaded);
  if (!applied.ok()) {
    // Best effort: the download's error is the one to report, and what stays is removed by the
    // next attempt (or by finish_swap at the next start).
    std::error_code ignored;
    fs::remove_all(directories.downloading, ignored);
    return applied.status();
  }
  copy.applied_sequence = *applied;
  // Complete: from here a restart swaps it in rather than downloading again.
  EXPGRAPH_RETURN_IF_ERROR(finish_download(directories, replaces_conflicting_data));
  return copy;
}

Result<ReplicaStart> prepare_replica(const std::string& primary_url, const std::string& data_dir,
                                     const std::string& api_key) {
  ReplicaStart start;
  auto directories = ReplicaDirectories::of(data_dir);
  if (!directories.ok()) return directories.status();
  EXPGRAPH_RETURN_IF_ERROR(check_before_swap(*directories));
  // A re-bootstrap interrupted by a crash, or waiting for this start: finish it first.
  auto swapped = finish_swap(data_dir);
  if (!swapped.ok()) return swapped.status();
  start.swap = std::move(swapped).value();
  const fs::path& data = directories->data;
  auto has_database = holds_database(data);
  if (!has_database.ok()) return has_database.status();
  // No database yet: DIR is absent, empty, or holds only the operator's entries (the default
  // --data ./data with word-vectors/ fetched into it).
  if (!*has_database) {
    fs::path staging = data;
    staging += ".bootstrap";
    EXPGRAPH_RETURN_IF_ERROR(first_download(primary_url, api_key, staging,
                                            start.checkpoint_bytes));
    auto applied = mark_applied(staging);
    if (!applied.ok()) return applied.status();
    auto empty = empty_or_absent(data);
    if (!empty.ok()) return empty.status();
    if (*empty) {
      std::error_code error;
      fs::remove(data, error);  // empty: rename() cannot replace a directory otherwise
      if (error) {
        return Status::internal("cannot remove the empty " + data.string() + ": " +
                                error.message());
      }
      fs::rename(staging, data, error);
      if (error) return Status::internal("cannot move the checkpoint into " + data.string() + ": " +
                                         error.message());
    } else {
      EXPGRAPH_RETURN_IF_ERROR(move_checkpoint_beside_entries(staging, data));
    }
    start.bootstrapped = true;
  }
  // Opened plainly (not as a replica) only to read; nothing is written.
  auto store = KvStore::open(data.string());
  if (!store.ok()) return store.status();
  auto applied = replica_applied_sequence(**store, data);
  if (!applied.ok()) return applied.status();
  start.applied_sequence = *applied;
  auto ontology = GraphStore::stored_ontology(**store);
  if (!ontology.ok()) return ontology.status();
  if (!ontology->has_value()) return Status::internal("the replica's data holds no ontology");
  start.ontology_document = std::move(**ontology);
  return start;
}

}  // namespace expgraph::replication
