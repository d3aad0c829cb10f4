// Starting a read replica on its data directory: when the directory holds no database, the
// primary's checkpoint (GET /v1/replication/checkpoint) is downloaded beside it, opened once to
// record the sequence it ends at as the applied sequence, and moved into place in one rename,
// so a replica killed during a bootstrap starts the bootstrap again. A replica that fell behind
// the primary's kept WAL downloads a fresh copy the same way while it keeps serving
// (download_fresh_copy), and the next start of the serving loop swaps it in
// (replica_directories.h). Used by expgraphd --replica-of. Not thread-safe: one call at a time
// per data directory.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "api/replication/replica_directories.h"
#include "ontology/status.h"

namespace expgraph::replication {

struct ReplicaStart {
  uint64_t applied_sequence = 0;  // the primary's sequence the data holds through
  std::string ontology_document;  // the primary's ontology (the replica runs it)
  bool bootstrapped = false;      // a checkpoint was downloaded now
  uint64_t checkpoint_bytes = 0;
  SwapOutcome swap;  // what an earlier re-bootstrap left and this start finished
};

// `api_key` (may be empty) is sent as the Bearer key; the checkpoint needs the admin role.
// A primary whose replication streams are all in use (503) is asked again after the wait its
// Retry-After names (at most 30 s; 2 s when it names none) for up to 5 minutes. Errors: the
// primary unreachable or refusing (its status and message), a data directory that holds
// something else than a replica's database (conflict: empty it, or start without --replica-of
// to open it as a primary).
Result<ReplicaStart> prepare_replica(const std::string& primary_url, const std::string& data_dir,
                                     const std::string& api_key);

struct FreshCopy {
  uint64_t applied_sequence = 0;
  uint64_t checkpoint_bytes = 0;
};

// Downloads the primary's checkpoint into DIR.rebootstrap while DIR stays open and served,
// records its applied sequence, and renames it to DIR.next (DIR.next-after-conflict when
// `replaces_conflicting_data`), where finish_swap finds it. A failure leaves DIR as it was;
// setting `cancel` ends the download early (an error). `asked_wait` is set to the wait the
// primary's answer asked for (its Retry-After, at most 30 s; 0 when none): a primary whose
// replication streams are all in use answers 503 (overloaded) with one.
Result<FreshCopy> download_fresh_copy(const std::string& primary_url, const std::string& data_dir,
                                      const std::string& api_key, bool replaces_conflicting_data,
                                      const std::atomic<bool>& cancel,
                                      std::chrono::milliseconds& asked_wait);

}  // namespace expgraph::replication
