// Promotion of a read replica's data to a primary's: removes the record of the primary sequence
// it applied through (`meta` "replication/applied_sequence") and the old primary's replication
// history (storage/replication_history.h), so that the directory is no longer
// taken as a replica's (expgraphd --replica-of refuses it) once it has taken writes of its own.
// Used by `expgraphd --promote` (api/main.cc, docs/scale-out.md). Not thread-safe: run it on a
// store nothing else has open.
#pragma once

#include <cstdint>

#include "storage/kv_store.h"

namespace expgraph {

// The applied sequence the data held (the old primary's writes it holds, through that sequence).
// conflict when the store holds no replica's data.
Result<uint64_t> promote_replica_data(KvStore& store);

}  // namespace expgraph
