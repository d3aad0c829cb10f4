// The replication history: which lineage of writes a database's sequence numbers belong to, so
// that a primary can tell a replica that follows it from one whose writes it never had. Each
// start of a primary begins an epoch (a random id and the first sequence it numbers); the list
// is kept in `meta` and replicates with the data, so a replica holds its primary's list up to
// what it applied. A primary restored from an older backup, one that lost its unsynced tail (a
// power loss), or another database altogether numbers new writes with sequences a replica may
// already have passed: the replica's last epoch is then unknown to the primary, or was ended by
// a later epoch before the replica's position (docs/scale-out.md, "A primary that is not this
// replica's"). Used by expgraphd (api/main.cc: an epoch per primary start; the replication
// routes: the check), the follower (its last epoch) and promotion (which starts a new list).
// Not thread-safe to begin an epoch concurrently with writes: call it before serving.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "storage/kv_store.h"

namespace expgraph {

struct HistoryEpoch {
  uint64_t id = 0;              // random, never 0
  uint64_t first_sequence = 0;  // the sequence of the write that recorded the epoch
};

// The epochs recorded in the store, oldest first (empty for data of an older expgraphd).
Result<std::vector<HistoryEpoch>> read_replication_history(const KvStore& store);

// Records a new epoch (a primary's start, before it serves). Keeps the last kMaxHistoryEpochs.
Result<HistoryEpoch> begin_history_epoch(KvStore& store);
inline constexpr size_t kMaxHistoryEpochs = 4096;

// Adds to `batch` the removal of the history: promotion, whose data counts sequences of its
// own, so that no replica of the old primary takes the promoted data for its lineage.
void forget_replication_history(KvWriteBatch& batch);

// Whether a replica whose last epoch is `epoch` and which applied through `applied` follows
// this history: ok, or conflict with reason "history_diverged" saying why not.
Status check_replica_history(const std::vector<HistoryEpoch>& history, uint64_t epoch,
                             uint64_t applied);

}  // namespace expgraph
