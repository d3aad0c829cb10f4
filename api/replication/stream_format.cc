#include "api/replication/stream_format.h"

#include "storage/key_codec.h"

namespace expgraph::replication {

namespace {

constexpr size_t kBatchHeaderBytes = 1 + 8 + 8 + 4;
constexpr size_t kHeartbeatBytes = 1 + 8;
constexpr size_t kMaxNameBytes = 255;

// A checkpoint holds RocksDB's files, all in one directory: a name with a separator, or "."
// and "..", would write outside the replica's directory.
bool plain_file_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameBytes || name == "." || name == "..") return false;
  for (char c : name) {
    if (c == '/' || c == '\\' || static_cast<unsigned char>(c) < 0x20) return false;
  }
  return true;
}

}  // namespace

void append_batch_frame(std::string& out, const ReplicatedBatch& batch) {
  out.push_back('B');
  keys::append_u64(out, batch.sequence);
  keys::append_u64(out, batch.count);
  keys::append_u32(out, static_cast<uint32_t>(batch.data.size()));
  out.append(batch.data);
}

void append_heartbeat_frame(std::string& out, uint64_t latest_sequence) {
  out.push_back('H');
  keys::append_u64(out, latest_sequence);
}

Status UpdateFrameReader::feed(std::string_view bytes) {
  pending_.append(bytes);
  size_t offset = 0;
  Status status;
  while (status.ok() && offset < pending_.size()) {
    std::string_view rest(pending_.data() + offset, pending_.size() - offset);
    if (rest[0] == 'H') {
      if (rest.size() < kHeartbeatBytes) break;
      callbacks_.heartbeat(keys::read_u64(rest, 1));
      offset += kHeartbeatBytes;
    } else if (rest[0] == 'B') {
      if (rest.size() < kBatchHeaderBytes) break;
      uint32_t length = keys::read_u32(rest, 17);
      if (length > kMaxBatchBytes) return Status::invalid_argument("update stream: oversized batch");
      if (rest.size() < kBatchHeaderBytes + length) break;
      ReplicatedBatch batch;
      batch.sequence = keys::read_u64(rest, 1);
      batch.count = keys::read_u64(rest, 9);
      batch.data.assign(rest.substr(kBatchHeaderBytes, length));
      offset += kBatchHeaderBytes + length;
      status = callbacks_.batch(std::move(batch));
    } else {
      return Status::invalid_argument("update stream: unknown frame kind");
    }
  }
  pending_.erase(0, offset);
  return status;
}

void append_file_header(std::string& out, std::string_view name, uint64_t size) {
  out.push_back('F');
  out.push_back(static_cast<char>((name.size() >> 8) & 0xff));
  out.push_back(static_cast<char>(name.size() & 0xff));
  out.append(name);
  keys::append_u64(out, size);
}

void append_archive_end(std::string& out, uint64_t sequence) {
  out.push_back('E');
  keys::append_u64(out, sequence);
}

Status ArchiveWriter::parse_header() {
  // Called with pending_ non-empty and no file open; leaves pending_ as it was when the header
  // is incomplete.
  if (pending_[0] == 'E') {
    if (pending_.size() < 9) return Status();
    end_sequence_ = keys::read_u64(pending_, 1);
    pending_.erase(0, 9);
    if (!pending_.empty()) return Status::invalid_argument("checkpoint archive: bytes after the end");
    return Status();
  }
  if (pending_[0] != 'F') return Status::invalid_argument("checkpoint archive: unknown record");
  if (pending_.size() < 3) return Status();
  size_t name_size = (static_cast<unsigned char>(pending_[1]) << 8) |
                     static_cast<unsigned char>(pending_[2]);
  if (pending_.size() < 3 + name_size + 8) return Status();
  file_name_ = pending_.substr(3, name_size);
  if (!plain_file_name(file_name_)) {
    return Status::invalid_argument("checkpoint archive: bad file name \"" + file_name_ + "\"");
  }
  file_remaining_ = keys::read_u64(pending_, 3 + name_size);
  pending_.erase(0, 3 + name_size + 8);
  file_.open(directory_ + "/" + file_name_, std::ios::binary | std::ios::trunc);
  if (!file_) return Status::internal("cannot create " + directory_ + "/" + file_name_);
  in_file_ = true;
  return Status();
}

Status ArchiveWriter::feed(std::string_view bytes) {
  if (complete() && !bytes.empty()) {
    return Status::invalid_argument("checkpoint archive: bytes after the end");
  }
  pending_.append(bytes);
  while (!pending_.empty()) {
    if (!in_file_) {
      size_t before = pending_.size();
      EXPGRAPH_RETURN_IF_ERROR(parse_header());
      if (!in_file_ && pending_.size() == before) break;  // header incomplete
      if (complete()) break;
    }
    if (in_file_) {
      size_t take = static_cast<size_t>(std::min<uint64_t>(file_remaining_, pending_.size()));
      file_.write(pending_.data(), static_cast<std::streamsize>(take));
      pending_.erase(0, take);
      file_remaining_ -= take;
      bytes_written_ += take;
      if (file_remaining_ == 0) {
        file_.close();
        if (!file_) return Status::internal("cannot write " + directory_ + "/" + file_name_);
        in_file_ = false;
      }
      if (file_remaining_ > 0) break;  // wait for more bytes
    }
  }
  return Status();
}

}  // namespace expgraph::replication
