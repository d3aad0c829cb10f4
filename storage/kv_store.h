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

  const std::string& path() const { return path_; }

 private:
  KvStore() = default;
  rocksdb::ColumnFamilyHandle* handle(Column column) const;

  std::string path_;
  KvStoreOptions options_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;  // owned by db_, released in ~KvStore
  std::unique_ptr<rocksdb::DB> db_;
};

}  // namespace expgraph
