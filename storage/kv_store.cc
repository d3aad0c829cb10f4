#include "storage/kv_store.h"

#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <array>

#include "storage/key_codec.h"

namespace expgraph {

namespace {

constexpr std::array<std::string_view, kColumnCount> kColumnNames = {
    "nodes", "keys", "out", "index", "log", "vectors", "meta", "history"};

// Column families of older layouts that open() drops: `in` held every edge a second time
// (dst, type, src); the topology mirror answers in-edge questions now.
constexpr std::array<std::string_view, 1> kDroppedColumnNames = {"in"};

Status from_rocksdb(const rocksdb::Status& status, std::string_view what) {
  if (status.ok()) return Status();
  return Status::internal(std::string(what) + ": " + status.ToString());
}

rocksdb::ColumnFamilyOptions column_options(Column column,
                                            const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::ColumnFamilyOptions options;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  // Point lookups dominate nodes and keys; bloom filters save a disk read on misses.
  if (column == Column::kNodes || column == Column::kKeys || column == Column::kMeta) {
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  }
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  options.compression = rocksdb::kLZ4Compression;
  return options;
}

}  // namespace

std::string_view column_name(Column column) { return kColumnNames[static_cast<int>(column)]; }

namespace internal {
// RocksDB keeps a pointer to the upper-bound Slice, which points into the key: both live here.
struct ScanBound {
  std::string key;
  rocksdb::Slice slice;
};
}  // namespace internal

struct KvWriteBatch::Pending {
  // Column handles are bound at commit time, so a batch can be built without the store. Keys
  // and values are appended to one buffer rather than held as strings of their own: a bulk
  // import puts several operations per item, and two allocations per operation showed up in
  // its profile. Large values given up by the caller are the exception: they are kept as they
  // came (no copy, and no doubling of the shared buffer) and freed one by one as
  // KvStore::write copies them into RocksDB's batch.
  static constexpr size_t kOwnedValueBytes = 64 * 1024;
  static constexpr size_t kInBuffer = static_cast<size_t>(-1);
  struct Operation {
    Column column;
    bool is_put;
    size_t key_offset, key_size, value_offset, value_size;
    size_t owned = kInBuffer;  // index in `owned_values`, or the value is in `data`
  };
  std::vector<Operation> operations;
  std::string data;
  std::vector<std::string> owned_values;
  size_t owned_bytes = 0;

  void add(Column column, bool is_put, std::string_view key, std::string_view value) {
    Operation operation{column,      is_put, data.size(), key.size(), data.size() + key.size(),
                        value.size()};
    data.append(key);
    data.append(value);
    operations.push_back(operation);
  }
  void add_owned(Column column, std::string_view key, std::string&& value) {
    Operation operation{column, true,         data.size(),        key.size(),
                        0,      value.size(), owned_values.size()};
    data.append(key);
    owned_bytes += value.size();
    owned_values.push_back(std::move(value));
    operations.push_back(operation);
  }
  rocksdb::Slice key(const Operation& operation) const {
    return rocksdb::Slice(data.data() + operation.key_offset, operation.key_size);
  }
  rocksdb::Slice value(const Operation& operation) const {
    if (operation.owned != kInBuffer) return rocksdb::Slice(owned_values[operation.owned]);
    return rocksdb::Slice(data.data() + operation.value_offset, operation.value_size);
  }
};

KvWriteBatch::KvWriteBatch() : pending_(std::make_unique<Pending>()) {}
KvWriteBatch::~KvWriteBatch() = default;
KvWriteBatch::KvWriteBatch(KvWriteBatch&&) noexcept = default;
KvWriteBatch& KvWriteBatch::operator=(KvWriteBatch&&) noexcept = default;

void KvWriteBatch::put(Column column, std::string_view key, std::string_view value) {
  pending_->add(column, true, key, value);
}

void KvWriteBatch::erase(Column column, std::string_view key) {
  pending_->add(column, false, key, std::string_view());
}

void KvWriteBatch::put_owned(Column column, std::string_view key, std::string&& value) {
  if (value.size() < Pending::kOwnedValueBytes) {
    pending_->add(column, true, key, value);
  } else {
    pending_->add_owned(column, key, std::move(value));
  }
}

size_t KvWriteBatch::operation_count() const { return pending_->operations.size(); }

size_t KvWriteBatch::byte_size() const { return pending_->data.size() + pending_->owned_bytes; }

KvIterator::KvIterator(std::unique_ptr<rocksdb::Iterator> iterator, std::string prefix,
                       std::unique_ptr<internal::ScanBound> upper_bound)
    : upper_bound_(std::move(upper_bound)),
      iterator_(std::move(iterator)),
      prefix_(std::move(prefix)) {}
KvIterator::~KvIterator() = default;
KvIterator::KvIterator(KvIterator&&) noexcept = default;

void KvIterator::seek(std::string_view start) {
  if (start < prefix_) start = prefix_;
  iterator_->Seek(rocksdb::Slice(start.data(), start.size()));
}

bool KvIterator::valid() const {
  if (!iterator_->Valid()) return false;
  rocksdb::Slice key = iterator_->key();
  return key.starts_with(rocksdb::Slice(prefix_));
}

void KvIterator::next() { iterator_->Next(); }

std::string_view KvIterator::key() const {
  rocksdb::Slice key = iterator_->key();
  return std::string_view(key.data(), key.size());
}

std::string_view KvIterator::value() const {
  rocksdb::Slice value = iterator_->value();
  return std::string_view(value.data(), value.size());
}

Status KvIterator::status() const { return from_rocksdb(iterator_->status(), "scan"); }

Result<std::unique_ptr<KvStore>> KvStore::open(const std::string& path,
                                               const KvStoreOptions& options) {
  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.IncreaseParallelism(2);
  db_options.max_open_files = 512;
  // Flushed WAL files are moved to archive/ and kept this long or this much, for the read
  // replicas' update stream (updates_since reads them).
  db_options.WAL_ttl_seconds = options.wal_ttl_seconds;
  db_options.WAL_size_limit_MB = options.wal_size_limit_mb;

  auto cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions());
  for (int i = 0; i < kColumnCount; ++i) {
    auto column = static_cast<Column>(i);
    descriptors.emplace_back(std::string(column_name(column)), column_options(column, cache));
  }
  // RocksDB opens a database only with all of its column families named, dropped ones included.
  std::vector<std::string> existing;
  if (rocksdb::DB::ListColumnFamilies(db_options, path, &existing).ok()) {
    for (std::string_view dropped : kDroppedColumnNames) {
      if (std::find(existing.begin(), existing.end(), dropped) != existing.end()) {
        descriptors.emplace_back(std::string(dropped), rocksdb::ColumnFamilyOptions());
      }
    }
  }

  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw_db = nullptr;
  rocksdb::Status status = rocksdb::DB::Open(db_options, path, descriptors, &handles, &raw_db);
  if (!status.ok()) {
    return Status::internal("cannot open database in " + path + ": " + status.ToString());
  }
  std::unique_ptr<KvStore> store(new KvStore());
  store->db_.reset(raw_db);
  store->path_ = path;
  store->options_ = options;
  // handles[0] is the default column family, which expgraph does not use; after ours come the
  // dropped ones, whose files RocksDB deletes once they are dropped.
  store->db_->DestroyColumnFamilyHandle(handles[0]);
  store->handles_.assign(handles.begin() + 1, handles.begin() + 1 + kColumnCount);
  rocksdb::Status dropped;
  for (size_t i = 1 + kColumnCount; i < handles.size(); ++i) {
    if (dropped.ok()) dropped = store->db_->DropColumnFamily(handles[i]);
    store->db_->DestroyColumnFamilyHandle(handles[i]);
  }
  if (!dropped.ok()) return from_rocksdb(dropped, "drop an old column family");
  return store;
}

KvStore::~KvStore() {
  for (auto* handle : handles_) db_->DestroyColumnFamilyHandle(handle);
  if (db_) db_->Close().PermitUncheckedError();
}

rocksdb::ColumnFamilyHandle* KvStore::handle(Column column) const {
  return handles_[static_cast<int>(column)];
}

Result<std::optional<std::string>> KvStore::get(Column column, std::string_view key) const {
  std::string value;
  rocksdb::Status status = db_->Get(rocksdb::ReadOptions(), handle(column),
                                    rocksdb::Slice(key.data(), key.size()), &value);
  if (status.IsNotFound()) return std::optional<std::string>();
  if (!status.ok()) return from_rocksdb(status, "read");
  return std::optional<std::string>(std::move(value));
}

Status KvStore::write(KvWriteBatch& batch) {
  if (options_.replica) {
    batch = KvWriteBatch();
    return Status(StatusCode::kConflict,
                  "this server is a read replica: writes go to the primary", {},
                  "read_only_replica");
  }
  KvWriteBatch::Pending& pending = *batch.pending_;
  // The operations go to RocksDB sorted by column family and key. A memtable insert starts its
  // skip-list search from where the previous insert into that memtable ended, so inserts in
  // key order cost a few comparisons each, while the random order of a graph write (an edge's
  // `in` key, its endpoints' ids) costs a full search with cache misses at every level: in the
  // profile of a bulk import, memtable inserts in batch order took 60% of the server's CPU.
  // The sort is stable, so operations on the same key keep their order (the last one wins),
  // and the batch is committed atomically either way.
  using Operation = KvWriteBatch::Pending::Operation;
  std::vector<const Operation*> ordered;
  ordered.reserve(pending.operations.size());
  for (const Operation& operation : pending.operations) ordered.push_back(&operation);
  std::stable_sort(ordered.begin(), ordered.end(),
                   [&pending](const Operation* a, const Operation* b) {
                     if (a->column != b->column) return a->column < b->column;
                     return pending.key(*a).compare(pending.key(*b)) < 0;
                   });
  // RocksDB's batch holds each operation's header, key and value: reserving spares regrowth.
  rocksdb::WriteBatch rocks_batch(pending.data.size() + pending.owned_bytes +
                                  24 * pending.operations.size() + 64);
  for (const Operation* operation_pointer : ordered) {
    const Operation& operation = *operation_pointer;
    rocksdb::Status status =
        operation.is_put ? rocks_batch.Put(handle(operation.column), pending.key(operation),
                                           pending.value(operation))
                         : rocks_batch.Delete(handle(operation.column), pending.key(operation));
    if (!status.ok()) return from_rocksdb(status, "batch");
    // A large value is in RocksDB's batch now: its own copy goes at once, so that the batch's
    // bytes are held about once while it is built, not twice.
    if (operation.owned != KvWriteBatch::Pending::kInBuffer) {
      std::string().swap(pending.owned_values[operation.owned]);
    }
  }
  // The rest goes before the write, which makes the memtable's copy.
  ordered = {};
  pending = KvWriteBatch::Pending();
  rocksdb::WriteOptions write_options;
  write_options.sync = options_.sync_writes;
  write_options.disableWAL = false;
  return from_rocksdb(db_->Write(write_options, &rocks_batch), "write");
}

KvIterator KvStore::scan(Column column, std::string_view prefix) const {
  rocksdb::ReadOptions read_options;
  std::unique_ptr<internal::ScanBound> upper_bound;
  std::string successor = keys::prefix_successor(prefix);
  if (!successor.empty()) {
    upper_bound = std::make_unique<internal::ScanBound>();
    upper_bound->key = std::move(successor);
    upper_bound->slice = rocksdb::Slice(upper_bound->key);
    read_options.iterate_upper_bound = &upper_bound->slice;
  }
  std::unique_ptr<rocksdb::Iterator> iterator(db_->NewIterator(read_options, handle(column)));
  KvIterator result(std::move(iterator), std::string(prefix), std::move(upper_bound));
  result.seek(prefix);
  return result;
}

Status KvStore::checkpoint(const std::string& directory, uint64_t* sequence) const {
  rocksdb::Checkpoint* raw = nullptr;
  EXPGRAPH_RETURN_IF_ERROR(
      from_rocksdb(rocksdb::Checkpoint::Create(db_.get(), &raw), "checkpoint"));
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  // log_size_for_flush 0: memtables are flushed first, so the copy needs no WAL replay.
  return from_rocksdb(checkpoint->CreateCheckpoint(directory, 0, sequence), "checkpoint");
}

Status KvStore::verify_checksums() const {
  return from_rocksdb(db_->VerifyChecksum(), "checksum verification");
}

Status KvStore::flush() {
  rocksdb::FlushOptions flush_options;
  return from_rocksdb(db_->Flush(flush_options, handles_), "flush");
}

}  // namespace expgraph
