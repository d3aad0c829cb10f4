// KvStore's side of replication: the primary's write stream read from its WAL
// (DB::GetUpdatesSince), and a replica's atomic apply of each batch with its applied sequence.
#include <rocksdb/db.h>
#include <rocksdb/transaction_log.h>
#include <rocksdb/write_batch.h>

#include "storage/key_codec.h"
#include "storage/kv_store.h"
#include "storage/replica_promotion.h"
#include "storage/replication_history.h"

namespace expgraph {

namespace {

// Where a replica keeps the last primary sequence it applied, written in the same batch as the
// data it covers: after a crash the replica resumes exactly after it.
constexpr std::string_view kAppliedSequenceKey = "replication/applied_sequence";

Status gone(std::string message) {
  return Status(StatusCode::kNotFound, std::move(message), {}, "updates_gone");
}

// Collects a batch's operations; anything but a put or delete on a known column family (a merge,
// a range delete, a foreign column) is refused, as expgraph never writes one.
class OperationCollector : public rocksdb::WriteBatch::Handler {
 public:
  explicit OperationCollector(const std::vector<uint32_t>& column_ids) : column_ids_(column_ids) {}

  rocksdb::Status PutCF(uint32_t column_id, const rocksdb::Slice& key,
                        const rocksdb::Slice& value) override {
    return add(column_id, true, key, value);
  }
  rocksdb::Status DeleteCF(uint32_t column_id, const rocksdb::Slice& key) override {
    return add(column_id, false, key, rocksdb::Slice());
  }

  std::vector<KvOperation> operations;

 private:
  rocksdb::Status add(uint32_t column_id, bool is_put, const rocksdb::Slice& key,
                      const rocksdb::Slice& value) {
    for (size_t i = 0; i < column_ids_.size(); ++i) {
      if (column_ids_[i] != column_id) continue;
      operations.push_back(
          KvOperation{static_cast<Column>(i), is_put, key.ToString(), value.ToString()});
      return rocksdb::Status::OK();
    }
    return rocksdb::Status::InvalidArgument("unknown column family id " +
                                            std::to_string(column_id));
  }

  const std::vector<uint32_t>& column_ids_;
};

}  // namespace

uint64_t KvStore::latest_sequence() const { return db_->GetLatestSequenceNumber(); }

Result<std::unique_ptr<UpdateCursor>> KvStore::read_updates(uint64_t after) const {
  uint64_t latest = latest_sequence();
  if (after > latest) {
    return Status(StatusCode::kConflict,
                  "sequence " + std::to_string(after) + " is beyond this server's last (" +
                      std::to_string(latest) + "): the replica is ahead of the primary",
                  {}, "replica_ahead");
  }
  return std::unique_ptr<UpdateCursor>(new UpdateCursor(*this, after));
}

struct UpdateCursor::Log {
  std::unique_ptr<rocksdb::TransactionLogIterator> iterator;
  // Whether the iterator ever stood on a batch. One that did not has no log file open, and
  // RocksDB's Next() on it is undefined (an assertion in Debian's build aborts the process).
  bool positioned = false;
};

UpdateCursor::UpdateCursor(const KvStore& store, uint64_t position)
    : store_(store), position_(position), log_(std::make_unique<Log>()) {}
UpdateCursor::~UpdateCursor() = default;

Status UpdateCursor::reopen() {
  log_->iterator.reset();
  log_->positioned = false;
  rocksdb::Status opened = store_.db_->GetUpdatesSince(position_ + 1, &log_->iterator);
  if (opened.ok()) {
    if (log_->iterator->Valid()) {
      log_->positioned = true;
      return Status();
    }
    rocksdb::Status status = log_->iterator->status();
    log_->iterator.reset();
    // next() asks only when the database is past position_: a new iterator that stands on
    // nothing means the WAL files that held position_ + 1 were deleted (none are kept).
    if (status.ok() || status.IsNotFound() || status.IsCorruption()) {
      return gone("the write-ahead log no longer holds sequence " + std::to_string(position_ + 1) +
                  (status.ok() ? std::string() : ": " + status.ToString()));
    }
    return Status::internal("read the write-ahead log: " + status.ToString());
  }
  log_->iterator.reset();
  if (opened.IsNotFound()) {
    return gone("the write-ahead log no longer reaches back to sequence " +
                std::to_string(position_ + 1) + ": " + opened.ToString());
  }
  return Status::internal("read the write-ahead log: " + opened.ToString());
}

Result<std::vector<ReplicatedBatch>> UpdateCursor::next(size_t max_bytes) {
  std::vector<ReplicatedBatch> batches;
  if (position_ >= store_.latest_sequence()) return batches;
  rocksdb::TransactionLogIterator* iterator = log_->iterator.get();
  if (iterator != nullptr && !iterator->Valid()) {
    // At the end of what it read: within its last log file it reads on from there; once the
    // database has moved to a newer file it asks for a new iterator (TryAgain).
    if (log_->positioned) iterator->Next();
    if (!iterator->Valid()) iterator = nullptr;
  }
  if (iterator == nullptr) {
    EXPGRAPH_RETURN_IF_ERROR(reopen());
    iterator = log_->iterator.get();
  }
  size_t bytes = 0;
  for (; iterator->Valid() && (batches.empty() || bytes < max_bytes); iterator->Next()) {
    rocksdb::BatchResult result = iterator->GetBatch();
    uint64_t count = result.writeBatchPtr->Count();
    if (count == 0) continue;
    uint64_t expected = position_ + 1;
    uint64_t last = result.sequence + count - 1;
    if (last < expected) continue;  // wholly before the position
    if (result.sequence > expected) {
      // The oldest kept WAL file starts after what the follower needs.
      return gone("the write-ahead log kept starts at sequence " +
                  std::to_string(result.sequence) + ", the replica needs " +
                  std::to_string(expected));
    }
    if (result.sequence < expected) {
      return Status::invalid_argument("sequence " + std::to_string(position_) +
                                      " is inside a write batch, not at its end");
    }
    ReplicatedBatch batch;
    batch.sequence = result.sequence;
    batch.count = count;
    batch.data = result.writeBatchPtr->Data();
    bytes += batch.data.size();
    position_ = last;
    batches.push_back(std::move(batch));
  }
  rocksdb::Status status = iterator->status();
  // An iterator at the end of the log is invalid with OK or TryAgain; a failure before anything
  // was read is an error.
  if (batches.empty() && !status.ok() && !status.IsTryAgain()) {
    log_->iterator.reset();
    if (status.IsNotFound() || status.IsCorruption()) {
      return gone("the write-ahead log cannot be read from sequence " +
                  std::to_string(position_ + 1) + ": " + status.ToString());
    }
    return Status::internal("read the write-ahead log: " + status.ToString());
  }
  return batches;
}

Result<std::vector<KvOperation>> KvStore::decode_batch(std::string_view data) const {
  // A batch's header is 12 bytes (sequence and count); RocksDB asserts on less.
  if (data.size() < 12) return Status::invalid_argument("a write batch of under 12 bytes");
  rocksdb::WriteBatch batch{std::string(data)};
  std::vector<uint32_t> column_ids;
  for (auto* handle : handles_) column_ids.push_back(handle->GetID());
  OperationCollector collector(column_ids);
  rocksdb::Status status = batch.Iterate(&collector);
  if (!status.ok()) return Status::invalid_argument("bad write batch: " + status.ToString());
  if (collector.operations.size() != batch.Count()) {
    return Status::invalid_argument("write batch count does not match its operations");
  }
  return std::move(collector.operations);
}

Status KvStore::apply_replicated(const ReplicatedBatch& replicated) {
  rocksdb::WriteBatch batch{replicated.data};
  std::string applied;
  keys::append_u64(applied, replicated.last_sequence());
  rocksdb::Status status = batch.Put(handle(Column::kMeta), kAppliedSequenceKey, applied);
  if (!status.ok()) return Status::internal("replicated batch: " + status.ToString());
  rocksdb::WriteOptions write_options;
  write_options.sync = options_.sync_writes;
  status = db_->Write(write_options, &batch);
  if (!status.ok()) return Status::internal("apply a replicated batch: " + status.ToString());
  return Status();
}

Status KvStore::set_applied_sequence(uint64_t sequence) {
  rocksdb::WriteBatch batch;
  std::string applied;
  keys::append_u64(applied, sequence);
  rocksdb::Status status = batch.Put(handle(Column::kMeta), kAppliedSequenceKey, applied);
  rocksdb::WriteOptions write_options;
  write_options.sync = true;
  if (status.ok()) status = db_->Write(write_options, &batch);
  if (!status.ok()) return Status::internal("record the applied sequence: " + status.ToString());
  return Status();
}

Result<std::optional<uint64_t>> KvStore::applied_sequence() const {
  auto value = get(Column::kMeta, kAppliedSequenceKey);
  if (!value.ok()) return value.status();
  if (!value->has_value()) return std::optional<uint64_t>();
  if ((*value)->size() != 8) return Status::internal("corrupt replication/applied_sequence");
  return std::optional<uint64_t>(keys::read_u64(**value, 0));
}

Result<uint64_t> promote_replica_data(KvStore& store) {
  auto applied = store.applied_sequence();
  if (!applied.ok()) return applied.status();
  if (!applied->has_value()) {
    return Status::conflict(store.path() + " holds no read replica's data (nothing to promote)");
  }
  KvWriteBatch batch;
  batch.erase(Column::kMeta, kAppliedSequenceKey);
  // Its sequences are its own, not the old primary's: the next start begins a new history.
  forget_replication_history(batch);
  EXPGRAPH_RETURN_IF_ERROR(store.write(batch));
  EXPGRAPH_RETURN_IF_ERROR(store.flush());  // durable before the operator acts on it
  return **applied;
}

}  // namespace expgraph
