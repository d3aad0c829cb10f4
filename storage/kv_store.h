// KvStore: expgraph's RocksDB database with its column families, the only place that talks to
// RocksDB. graph/ builds one WriteBatch per logical write and commits it with write(), so a
// node, its key map, adjacency, index entries and change-log record land together or not at all.
// Thread-safe: RocksDB handles concurrent reads and writes; the class adds no shared state.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ontology/status.h"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
class Iterator;
class WriteBatch;
}  // namespace rocksdb

namespace expgraph {

// Column families are opened by name, so the order here is not stored anywhere. There is no
// reverse-adjacency column: in-edges are read from the topology mirror (docs/storage.md); a
// database written before that change has an `in` column family, which open() drops.
enum class Column { kNodes, kKeys, kOut, kIndex, kLog, kVectors, kMeta, kHistory };
inline constexpr int kColumnCount = 8;
// The RocksDB column family name of a Column ("nodes", "keys", ...).
std::string_view column_name(Column column);

// A set of puts and deletes committed atomically by KvStore::write.
class KvWriteBatch {
 public:
  KvWriteBatch();
  ~KvWriteBatch();
  KvWriteBatch(KvWriteBatch&&) noexcept;
  KvWriteBatch& operator=(KvWriteBatch&&) noexcept;

  void put(Column column, std::string_view key, std::string_view value);
  // put() of a value the caller gives up: a large one is kept as it is, not copied, and freed
  // as soon as the write has copied it into RocksDB's batch.
  void put_owned(Column column, std::string_view key, std::string&& value);
  void erase(Column column, std::string_view key);
  size_t operation_count() const;
  size_t byte_size() const;

 private:
  friend class KvStore;
  struct Pending;
  std::unique_ptr<Pending> pending_;
};

// Iterates the keys of one column family that start with a prefix, in key order.
namespace internal {
struct ScanBound;
}

class KvIterator {
 public:
  ~KvIterator();
  KvIterator(KvIterator&&) noexcept;

  // Positions at the first key >= max(prefix, start).
  void seek(std::string_view start);
  bool valid() const;
  void next();
  std::string_view key() const;
  std::string_view value() const;
  // Non-ok when the scan stopped on an I/O error rather than at the end.
  Status status() const;

 private:
  friend class KvStore;
  KvIterator(std::unique_ptr<rocksdb::Iterator> iterator, std::string prefix,
             std::unique_ptr<internal::ScanBound> upper_bound);
  std::unique_ptr<internal::ScanBound> upper_bound_;  // must outlive the iterator using it
  std::unique_ptr<rocksdb::Iterator> iterator_;
  std::string prefix_;
};

struct KvStoreOptions {
  // fsync the WAL on every write. Off by default: the WAL is still written before a write is
  // acknowledged, which survives a killed process (kill -9); fsync also survives power loss.
  bool sync_writes = false;
  size_t block_cache_bytes = size_t{256} << 20;
  // How long and how much WAL is kept after its memtables are flushed, so that read replicas
  // can read the write stream from it (updates_since); a replica further behind must bootstrap
  // again. RocksDB's WAL_ttl_seconds and WAL_size_limit_MB (0 and 0: nothing kept).
  uint64_t wal_ttl_seconds = 3600;
  uint64_t wal_size_limit_mb = 512;
  // A read replica's store: write() refuses (conflict, reason read_only_replica); only
  // apply_replicated() changes it, so it stays a prefix of the primary's.
  bool replica = false;
};

// One write batch of the primary's stream: its RocksDB representation and the sequence number
// of its first operation (each operation takes one sequence number).
struct ReplicatedBatch {
  uint64_t sequence = 0;
  uint64_t count = 0;  // operations in the batch
  std::string data;    // rocksdb::WriteBatch::Data()
  uint64_t last_sequence() const { return sequence + count - 1; }
};

// One operation of a replicated batch, decoded.
struct KvOperation {
  Column column = Column::kMeta;
  bool is_put = true;
  std::string key;
  std::string value;  // empty for a delete
};

class KvStore;

// Follows the write stream (the WAL, through DB::GetUpdatesSince) from a position, one call at a
// time, keeping RocksDB's log iterator between calls so that a follower that is caught up costs
// a read of the new records, not a new scan of the current log file. Not thread-safe: one
// follower uses it; the store must outlive it.
class UpdateCursor {
 public:
  ~UpdateCursor();
  // The batches committed after position(), oldest first, until about `max_bytes` of them (at
  // least one when there is any); empty when there is none yet. Errors: not_found with reason
  // "updates_gone" when the kept WAL no longer reaches back to position() + 1;
  // invalid_argument when the position falls inside a batch.
  Result<std::vector<ReplicatedBatch>> next(size_t max_bytes);
  // The last sequence returned (or the start position).
  uint64_t position() const { return position_; }

 private:
  friend class KvStore;
  UpdateCursor(const KvStore& store, uint64_t position);
  Status reopen();

  const KvStore& store_;
  uint64_t position_;
  struct Log;
  std::unique_ptr<Log> log_;
};

class KvStore {
 public:
  // Opens (creating if needed) the database in `path` with all column families.
  static Result<std::unique_ptr<KvStore>> open(const std::string& path,
                                               const KvStoreOptions& options = {});
  ~KvStore();
  KvStore(const KvStore&) = delete;
  KvStore& operator=(const KvStore&) = delete;

  Result<std::optional<std::string>> get(Column column, std::string_view key) const;
  // Commits every operation of the batch atomically, WAL first. Consumes the batch: its
  // buffer is released once RocksDB holds a copy, so do not reuse it after the call.
  Status write(KvWriteBatch& batch);
  // A scan over the keys that start with `prefix` (all keys when empty).
  KvIterator scan(Column column, std::string_view prefix) const;
  // Writes a consistent on-disk copy of the database into `directory` (must not exist).
  // `sequence`, when given, receives the RocksDB sequence number the copy contains up to.
  Status checkpoint(const std::string& directory, uint64_t* sequence = nullptr) const;
  // Reads every SST file and checks its block checksums (used to verify a restored copy).
  Status verify_checksums() const;
  // Flushes memtables to SST files (used before a clean shutdown).
  Status flush();

  // Replication (storage/kv_store_replication.cc, docs/scale-out.md).
  // The sequence number of the last operation committed.
  uint64_t latest_sequence() const;
  // A reader of the write stream positioned after sequence `after`. Errors: conflict with
  // reason "replica_ahead" when `after` is beyond latest_sequence().
  Result<std::unique_ptr<UpdateCursor>> read_updates(uint64_t after) const;
  // The operations of a replicated batch, in order. invalid_argument when `data` is not a
  // batch of puts and deletes on this store's column families.
  Result<std::vector<KvOperation>> decode_batch(std::string_view data) const;
  // Commits a replicated batch and the replica's applied sequence (`meta`
  // "replication/applied_sequence" = batch.last_sequence()) in one atomic write.
  Status apply_replicated(const ReplicatedBatch& batch);
  // Records the applied sequence alone (at bootstrap: the checkpoint's latest_sequence()).
  Status set_applied_sequence(uint64_t sequence);
  // The primary sequence this replica has applied through; nullopt when it is no replica.
  Result<std::optional<uint64_t>> applied_sequence() const;

  const std::string& path() const { return path_; }

 private:
  friend class UpdateCursor;
  KvStore() = default;
  rocksdb::ColumnFamilyHandle* handle(Column column) const;

  std::string path_;
  KvStoreOptions options_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;  // owned by db_, released in ~KvStore
  std::unique_ptr<rocksdb::DB> db_;
};

}  // namespace expgraph
