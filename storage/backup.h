// Online backups and offline restores of the RocksDB database. A backup is a RocksDB
// checkpoint: a consistent, directly openable copy taken while writes go on (SST files are
// hard-linked when the backup is on the same file system, so it costs little space or time).
// Used by the server's backup request and the `expgraph restore` command. Thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "ontology/status.h"
#include "storage/kv_store.h"

namespace expgraph {

struct BackupInfo {
  std::string path;         // absolute directory of the backup
  uint64_t size_bytes = 0;  // total size of its files
  uint64_t sequence = 0;    // the RocksDB sequence number it contains up to
  std::string created_at;   // RFC 3339, UTC
};

// Where a backup named `requested` goes inside `root`: `requested` may be empty (a name from
// the time is chosen, "backup-YYYYMMDDTHHMMSSZ", with "-2", "-3", ... when taken), relative to
// `root`, or absolute, but must stay strictly inside `root` (invalid_argument otherwise, e.g.
// "../x" or a symlink leading out), must be a usable name (invalid_argument for a control
// character such as NUL, over 1024 bytes, over 16 components or a component over 255 bytes)
// and must not exist (conflict). Backups never nest: a path inside an existing backup (a folder
// with a RocksDB CURRENT file) is a conflict naming it, and so is an existing folder holding one.
Result<std::string> resolve_backup_path(const std::string& root, const std::string& requested);

// Checkpoints `store` into resolve_backup_path(root, requested), creating `root` if needed.
// Backups are taken one at a time (concurrent calls wait), so unnamed ones never collide.
Result<BackupInfo> create_backup(const KvStore& store, const std::string& root,
                                 const std::string& requested);

struct RestoreReport {
  uint64_t files = 0;
  uint64_t bytes = 0;
  uint64_t nodes = 0;  // records in the restored `nodes` column family
};

// Copies the backup in `backup_dir` into `data_dir` (which must be absent or an empty
// directory: conflict otherwise), then opens the copy and verifies every checksum. On a failed
// verification the copy is removed again. The server must not be running on `data_dir`.
Result<RestoreReport> restore_backup(const std::string& backup_dir, const std::string& data_dir);

}  // namespace expgraph
