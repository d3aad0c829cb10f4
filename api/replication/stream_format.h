// The byte formats of replication over HTTP (docs/scale-out.md), written by the primary's
// replication routes and read by a replica: the update stream (write batches and heartbeats)
// and the checkpoint archive (a consistent copy of the database's files). Integers are
// big-endian. Readers take the bytes as they arrive, in chunks of any size.
// Thread-safety: the functions are pure; a reader is used by one thread.
#pragma once

#include <cstdint>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "ontology/status.h"
#include "storage/kv_store.h"

namespace expgraph::replication {

// Update stream frames:
//   'B' sequence(8) count(8) length(4) batch bytes   one write batch (ReplicatedBatch)
//   'H' latest(8)                                    heartbeat: the primary's last sequence
void append_batch_frame(std::string& out, const ReplicatedBatch& batch);
void append_heartbeat_frame(std::string& out, uint64_t latest_sequence);

// The largest batch frame a reader accepts (a batch is one logical write; the request body
// limit keeps them far below this).
inline constexpr uint32_t kMaxBatchBytes = 1u << 30;

class UpdateFrameReader {
 public:
  struct Callbacks {
    std::function<Status(ReplicatedBatch&&)> batch;
    std::function<void(uint64_t latest_sequence)> heartbeat;
  };
  explicit UpdateFrameReader(Callbacks callbacks) : callbacks_(std::move(callbacks)) {}
  // Feeds received bytes; calls back for each complete frame. An error (a malformed frame, or
  // the batch callback's) ends the stream.
  Status feed(std::string_view bytes);

 private:
  Callbacks callbacks_;
  std::string pending_;
};

// Checkpoint archive:
//   'F' name length(2) name size(8) file bytes      one file of the checkpoint (a plain name)
//   'E' sequence(8)                                 the end, with the checkpoint's sequence
void append_file_header(std::string& out, std::string_view name, uint64_t size);
void append_archive_end(std::string& out, uint64_t sequence);

// Writes an archive's files into a directory as the bytes arrive.
class ArchiveWriter {
 public:
  explicit ArchiveWriter(std::string directory) : directory_(std::move(directory)) {}
  Status feed(std::string_view bytes);
  // True once the end record arrived; its sequence.
  bool complete() const { return end_sequence_.has_value(); }
  uint64_t end_sequence() const { return end_sequence_.value_or(0); }
  uint64_t bytes_written() const { return bytes_written_; }

 private:
  Status parse_header();

  std::string directory_;
  std::string pending_;
  std::ofstream file_;
  std::string file_name_;
  uint64_t file_remaining_ = 0;
  bool in_file_ = false;
  uint64_t bytes_written_ = 0;
  std::optional<uint64_t> end_sequence_;
};

}  // namespace expgraph::replication
