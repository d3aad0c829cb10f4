// UpdateStreams: the primary's list of the update streams it is serving (docs/scale-out.md),
// with what each sent and what its replica last reported (its replies, POST
// /v1/replication/replies). Used by the replication routes: a stream registers itself for as
// long as it lasts, asks before each write whether its replica's reply is overdue (then it ends,
// giving its slot and worker back), and GET /v1/replication/replicas lists them.
// Why replies: a replica that stops reading (a stopped or hung process) cannot be told from a
// caught-up one on a quiet primary, since its kernel acknowledges the heartbeats either way; a
// reply is sent by the replica's own reading thread, so it stops when the reading stops.
// Thread-safe: one mutex guards the list and every stream's figures.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "ontology/status.h"

namespace expgraph::replication {

class UpdateStreams {
 public:
  using Clock = std::chrono::steady_clock;

  // `reply_timeout`: a stream whose replica announced replies and sent none for this long is
  // ended (0: never). A replica announcing a reply interval of more than half of it gets twice
  // its interval instead, so that a misconfigured pair does not cut every stream.
  explicit UpdateStreams(std::chrono::milliseconds reply_timeout);

  struct Opening {
    std::string peer;                             // "address:port" of the replica's connection
    uint64_t since = 0;                           // the sequence the replica asked to follow from
    bool replies = false;                         // the replica announced that it replies
    std::chrono::milliseconds reply_interval{0};  // how often it said it replies
  };

  // A stream's registration: listed from creation until destroyed. Used by the one thread that
  // writes the stream.
  class Registration {
   public:
    Registration(UpdateStreams& owner, std::string id) : owner_(owner), id_(std::move(id)) {}
    ~Registration();
    Registration(const Registration&) = delete;
    Registration& operator=(const Registration&) = delete;

    // The stream's id, sent to the replica in the Expgraph-Stream-Id header.
    const std::string& id() const { return id_; }
    // Records a write to the replica: `bytes`, and the last sequence of the batches in it
    // (0 for a heartbeat alone).
    void sent(uint64_t bytes, uint64_t batches, uint64_t last_sequence);
    // True when the stream must end now because its replica's reply is overdue. The first true
    // logs on stderr and counts the drop; later calls say true again.
    bool reply_overdue();

   private:
    UpdateStreams& owner_;
    const std::string id_;
  };

  // Registers a new stream with a fresh random id (api/util/hex.h); internal, and nothing
  // registered, when the OS's random source fails.
  Result<std::unique_ptr<Registration>> open(Opening opening);

  // A replica's reply on stream `id`: it has applied through `applied_sequence`. `replica` (may
  // be empty) names it. not_found for a stream that is not live (never was, or ended: the
  // replica's next stream gets a new id); invalid_argument for a position the stream cannot
  // have given it (below the position it started from, or beyond what it sent). Changes
  // nothing on error. Returns what the primary holds of the stream after the reply, as in
  // list(); `primary_sequence` is the primary's last sequence, for the lag.
  Result<nlohmann::json> reply(const std::string& id, uint64_t applied_sequence,
                               const std::string& replica, uint64_t primary_sequence);

  // Every live stream, oldest first: {stream_id, peer, replica, started_at, since,
  // sent_sequence, bytes_sent, batches_sent, replies, reply_count, reply_timeout_ms,
  // applied_sequence, last_reply_age_ms, lag_sequences, lag_ms}; applied_sequence and
  // last_reply_age_ms are null before the first reply. lag_sequences counts from
  // applied_sequence (or since) to `primary_sequence`, the primary's last sequence; lag_ms is
  // how long ago the oldest batch not reported applied was sent (0 when none).
  nlohmann::json list(uint64_t primary_sequence) const;

  // Streams ended because their replica's reply was overdue, since this object was created.
  uint64_t dropped_for_reply_timeout() const;
  size_t live() const;
  std::chrono::milliseconds reply_timeout() const { return reply_timeout_; }

 private:
  struct Stream {
    std::string id;
    uint64_t order = 0;  // when it was opened, among the streams of this process
    std::string peer;
    std::string replica;
    int64_t started_at_ms = 0;  // Unix epoch milliseconds
    Clock::time_point started;
    uint64_t since = 0;
    bool replies = false;
    std::chrono::milliseconds timeout{0};  // 0: never ended for want of replies
    uint64_t bytes_sent = 0;
    uint64_t batches_sent = 0;
    uint64_t sent_sequence = 0;  // the last sequence of the batches sent (since, before any)
    uint64_t applied_sequence = 0;  // as last reported
    uint64_t reply_count = 0;  // 0: no reply yet (applied_sequence is then not known)
    Clock::time_point last_reply;  // the stream's start before the first reply
    bool dropped = false;
    // Batch groups sent and not yet reported applied: their last sequence and when they were
    // sent, oldest first; the front's age is how long the replica has been behind.
    std::deque<std::pair<uint64_t, Clock::time_point>> unapplied;
  };

  void close(const std::string& id);
  nlohmann::json describe(const Stream& stream, uint64_t primary_sequence,
                          Clock::time_point now) const;

  const std::chrono::milliseconds reply_timeout_;
  mutable std::mutex mutex_;  // guards streams_ and dropped_
  std::map<std::string, std::unique_ptr<Stream>> streams_;
  uint64_t opened_ = 0;  // orders the listing
  uint64_t dropped_ = 0;
};

}  // namespace expgraph::replication
