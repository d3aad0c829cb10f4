// Starting a read replica on its data directory: when the directory holds no database, the
// primary's checkpoint (GET /v1/replication/checkpoint) is downloaded beside it, opened once to
// record the sequence it ends at as the applied sequence, and moved into place in one rename,
// so a replica killed during a bootstrap starts the bootstrap again. Used by expgraphd
// --replica-of. Not thread-safe (runs once, before serving).
#pragma once

#include <cstdint>
#include <string>

#include "ontology/status.h"

namespace expgraph::replication {

struct ReplicaStart {
  uint64_t applied_sequence = 0;  // the primary's sequence the data holds through
  std::string ontology_document;  // the primary's ontology (the replica runs it)
  bool bootstrapped = false;      // a checkpoint was downloaded now
  uint64_t checkpoint_bytes = 0;
};

// `api_key` (may be empty) is sent as the Bearer key; the checkpoint needs the admin role.
// Errors: the primary unreachable or refusing (its status and message), a data directory that
// holds something else than a replica's database (conflict: empty it, or start without
// --replica-of to open it as a primary).
Result<ReplicaStart> prepare_replica(const std::string& primary_url, const std::string& data_dir,
                                     const std::string& api_key);

}  // namespace expgraph::replication
