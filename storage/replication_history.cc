#include "storage/replication_history.h"

#include <cstdio>
#include <exception>
#include <random>
#include <string>

#include "storage/key_codec.h"

namespace expgraph {

namespace {

// 16 bytes per epoch: id, first sequence (big-endian).
constexpr std::string_view kHistoryKey = "replication/history";
constexpr size_t kEpochBytes = 16;

Status diverged(std::string message) {
  return Status(StatusCode::kConflict, std::move(message), {}, "history_diverged");
}

std::string hex(uint64_t value) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
  return text;
}

}  // namespace

Result<std::vector<HistoryEpoch>> read_replication_history(const KvStore& store) {
  auto value = store.get(Column::kMeta, kHistoryKey);
  if (!value.ok()) return value.status();
  std::vector<HistoryEpoch> history;
  if (!value->has_value()) return history;
  const std::string& bytes = **value;
  if (bytes.size() % kEpochBytes != 0) return Status::internal("corrupt replication/history");
  for (size_t offset = 0; offset < bytes.size(); offset += kEpochBytes) {
    history.push_back(
        HistoryEpoch{keys::read_u64(bytes, offset), keys::read_u64(bytes, offset + 8)});
  }
  return history;
}

Result<HistoryEpoch> begin_history_epoch(KvStore& store) {
  auto history = read_replication_history(store);
  if (!history.ok()) return history.status();
  // A replica's data opened as a primary's (without --promote) numbers its sequences on its own,
  // not as the primary it copied did: the old primary's epochs no longer describe it.
  auto applied = store.applied_sequence();
  if (!applied.ok()) return applied.status();
  if (applied->has_value()) history->clear();
  // Epoch ids need only differ between the epochs of a history (they are not secrets), so the
  // standard random device is enough; it throws when the OS source fails, which must reach the
  // start as an error, not as an uncaught exception.
  HistoryEpoch epoch;
  try {
    std::random_device random;
    while (epoch.id == 0) epoch.id = (uint64_t{random()} << 32) ^ random();
  } catch (const std::exception& error) {
    return Status::internal(std::string("cannot draw a replication epoch id: ") + error.what());
  }
  // The batch below takes the next sequence: the epoch's writes start with it.
  epoch.first_sequence = store.latest_sequence() + 1;
  history->push_back(epoch);
  size_t first = history->size() > kMaxHistoryEpochs ? history->size() - kMaxHistoryEpochs : 0;
  std::string bytes;
  for (size_t i = first; i < history->size(); ++i) {
    keys::append_u64(bytes, (*history)[i].id);
    keys::append_u64(bytes, (*history)[i].first_sequence);
  }
  KvWriteBatch batch;
  batch.put(Column::kMeta, kHistoryKey, bytes);
  EXPGRAPH_RETURN_IF_ERROR(store.write(batch));
  return epoch;
}

void forget_replication_history(KvWriteBatch& batch) { batch.erase(Column::kMeta, kHistoryKey); }

Status check_replica_history(const std::vector<HistoryEpoch>& history, uint64_t epoch,
                             uint64_t applied) {
  for (size_t i = 0; i < history.size(); ++i) {
    if (history[i].id != epoch) continue;
    // The primary's writes from the next epoch's first sequence on are not the ones the replica
    // applied under `epoch` (the primary restarted on data that ended before them).
    if (i + 1 < history.size() && history[i + 1].first_sequence <= applied) {
      return diverged("the replica applied writes through sequence " + std::to_string(applied) +
                      " of epoch " + hex(epoch) +
                      ", but this primary's history left that epoch at sequence " +
                      std::to_string(history[i + 1].first_sequence - 1) +
                      " (restored from an older backup, or it lost writes): the replica holds "
                      "writes this primary does not have");
    }
    return Status();
  }
  return diverged("the replica's epoch " + hex(epoch) +
                  " is not in this primary's history: it follows another database (or one "
                  "restored from a backup older than that epoch, or a promoted replica)");
}

}  // namespace expgraph
