// The directories beside a read replica's --data DIR while it bootstraps again, and the swap
// that moves a fresh copy into place. Each step is one rename, ordered so that a kill -9 at any
// instant leaves either the old database or the new one whole at DIR (or whole beside it, to be
// moved in at the next start), never a mix:
//   DIR.rebootstrap            a checkpoint being downloaded (partial: removed at start)
//   DIR.next                   a complete copy, its applied sequence recorded, waiting for the swap
//   DIR.next-after-conflict    the same, replacing data the primary lacks (409): the old data is
//                              kept as DIR.conflict-UNIXTIME instead of removed
//   DIR.previous               the old database during the swap (removed once the new one is in)
// Used by expgraphd (main.cc), the bootstrap (replica_bootstrap.cc) and the follower
// (replica_follower.cc). Not thread-safe: the swap runs while nothing has the database open.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "ontology/status.h"

namespace expgraph::replication {

struct ReplicaDirectories {
  // The paths for --data `data_dir` (made absolute); internal when that fails (the working
  // directory unreadable).
  static Result<ReplicaDirectories> of(const std::string& data_dir);

  std::filesystem::path data;
  std::filesystem::path downloading;          // DIR.rebootstrap
  std::filesystem::path next;                 // DIR.next
  std::filesystem::path next_after_conflict;  // DIR.next-after-conflict
  std::filesystem::path previous;             // DIR.previous
  // Where data the primary lacks is kept: DIR.conflict-UNIXTIME (-N added when taken).
  Result<std::filesystem::path> conflict_keep() const;
  // The side directories above (not DIR.conflict-*) that exist now: what a re-bootstrap left
  // for finish_swap. An error, not "absent", when one cannot be checked.
  Result<std::vector<std::filesystem::path>> pending() const;
};

// What finish_swap did, for the log.
struct SwapOutcome {
  bool swapped = false;         // a fresh copy is now at DIR
  std::string kept_old_data;    // set when the old data was kept (a 409 re-bootstrap)
  std::string removed_partial;  // set when a partial download was removed
};

// Moves a complete fresh copy (DIR.next or DIR.next-after-conflict) into DIR, and finishes or
// undoes whatever an interrupted swap left. Idempotent: with nothing pending it does nothing.
// Entries of the old DIR that are not RocksDB's (backups/, word-vectors/, ...) move into the new
// one; after a conflict they are copied instead, so that DIR.conflict-UNIXTIME stays whole.
// Call it only while no store is open on DIR (at start, and between closing and reopening), and
// only on a replica's DIR: it replaces DIR's database.
Result<SwapOutcome> finish_swap(const std::string& data_dir);

// ok when no re-bootstrap left anything beside DIR (pending() is empty); otherwise a conflict
// naming what is there and what to do. expgraphd --promote checks it first: a copy left pending
// would replace the promoted data at a later --replica-of start, and while the swap is
// unfinished the replica's whole data may be DIR.previous rather than DIR.
Status check_nothing_pending(const std::string& data_dir);

// Marks the complete copy downloaded into DIR.rebootstrap ready for finish_swap, in one rename to
// DIR.next (DIR.next-after-conflict when `replaces_conflicting_data`). An error naming the step
// when a stale copy there cannot be removed or the rename fails; DIR.rebootstrap is then kept.
Status finish_download(const ReplicaDirectories& directories, bool replaces_conflicting_data);

// Whether `directory` holds a RocksDB database (its CURRENT file); an error when that cannot be
// checked.
Result<bool> holds_database(const std::filesystem::path& directory);

// Whether `directory` is absent or an empty folder (a first bootstrap may then take its place;
// a file or a folder with entries is not). An error, never "absent" or "empty", when it cannot be
// checked or listed: a replica must not bootstrap over a directory it cannot read.
Result<bool> empty_or_absent(const std::filesystem::path& directory);

// Whether `name` is one of RocksDB's own files or folders in a database directory (the rest of a
// data directory is the operator's and survives a re-bootstrap).
bool is_database_entry(const std::string& name);

}  // namespace expgraph::replication
