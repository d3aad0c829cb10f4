#include "api/replication/update_streams.h"

#include <algorithm>
#include <cstdio>
#include <vector>

#include "api/util/hex.h"
#include "graph/records.h"

namespace expgraph::replication {

namespace {

// Batch groups remembered per stream for its lag in time; beyond this the newest entry is
// extended (the lag is then measured from an earlier send: an overestimate, never an
// underestimate).
constexpr size_t kMaxUnappliedGroups = 4096;

int64_t milliseconds_between(UpdateStreams::Clock::time_point from,
                             UpdateStreams::Clock::time_point to) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count();
}

// 64 random bits as 16 hex digits, from the OS's random source: not guessable from another
// stream's id (mt19937_64's output reveals its state), so a reply names the stream it was given.
constexpr size_t kStreamIdBytes = 8;

}  // namespace

UpdateStreams::UpdateStreams(std::chrono::milliseconds reply_timeout)
    : reply_timeout_(reply_timeout) {}

UpdateStreams::Registration::~Registration() { owner_.close(id_); }

Result<std::unique_ptr<UpdateStreams::Registration>> UpdateStreams::open(Opening opening) {
  auto stream = std::make_unique<Stream>();
  stream->peer = std::move(opening.peer);
  stream->started_at_ms = now_epoch_ms();
  stream->started = Clock::now();
  stream->last_reply = stream->started;
  stream->since = opening.since;
  stream->sent_sequence = opening.since;
  stream->replies = opening.replies;
  if (opening.replies && reply_timeout_.count() > 0) {
    stream->timeout = std::max(reply_timeout_, 2 * opening.reply_interval);
  }
  // Drawn outside the lock (a system call); a clash with a live stream's id, one in 2^64 per
  // stream, draws again.
  for (;;) {
    auto id = api::random_hex(kStreamIdBytes);
    if (!id.ok()) return Status(id.status()).prepend("naming an update stream");
    std::lock_guard lock(mutex_);
    if (streams_.contains(*id)) continue;
    stream->id = *id;
    stream->order = opened_++;
    streams_.emplace(*id, std::move(stream));
    return std::make_unique<Registration>(*this, std::move(id).value());
  }
}

void UpdateStreams::close(const std::string& id) {
  std::lock_guard lock(mutex_);
  streams_.erase(id);
}

void UpdateStreams::Registration::sent(uint64_t bytes, uint64_t batches, uint64_t last_sequence) {
  std::lock_guard lock(owner_.mutex_);
  auto found = owner_.streams_.find(id_);
  if (found == owner_.streams_.end()) return;
  Stream& stream = *found->second;
  stream.bytes_sent += bytes;
  stream.batches_sent += batches;
  if (batches == 0 || last_sequence <= stream.sent_sequence) return;
  stream.sent_sequence = last_sequence;
  if (stream.unapplied.size() < kMaxUnappliedGroups) {
    stream.unapplied.emplace_back(last_sequence, Clock::now());
  } else {
    stream.unapplied.back().first = last_sequence;
  }
}

bool UpdateStreams::Registration::reply_overdue() {
  std::lock_guard lock(owner_.mutex_);
  auto found = owner_.streams_.find(id_);
  if (found == owner_.streams_.end()) return false;
  Stream& stream = *found->second;
  if (stream.dropped) return true;
  if (stream.timeout.count() == 0) return false;
  const auto now = Clock::now();
  const int64_t silent_ms = milliseconds_between(stream.last_reply, now);
  if (silent_ms < stream.timeout.count()) return false;
  stream.dropped = true;
  ++owner_.dropped_;
  const std::string progress =
      stream.reply_count > 0
          ? "its last reply had applied through sequence " + std::to_string(stream.applied_sequence)
          : "it never replied (it asked from sequence " + std::to_string(stream.since) + ")";
  std::fprintf(stderr,
               "expgraphd: replication: ending update stream %s of %s%s%s: no reply for %.1f s "
               "(reply timeout %.1f s, --replication-reply-timeout); %s, sent through %llu; "
               "its slot is free\n",
               stream.id.c_str(), stream.peer.c_str(), stream.replica.empty() ? "" : " replica ",
               stream.replica.c_str(), static_cast<double>(silent_ms) / 1000.0,
               static_cast<double>(stream.timeout.count()) / 1000.0, progress.c_str(),
               static_cast<unsigned long long>(stream.sent_sequence));
  return true;
}

Result<nlohmann::json> UpdateStreams::reply(const std::string& id, uint64_t applied_sequence,
                                            const std::string& replica, uint64_t primary_sequence) {
  std::lock_guard lock(mutex_);
  auto found = streams_.find(id);
  if (found == streams_.end() || found->second->dropped) {
    return Status(StatusCode::kNotFound,
                  "no live update stream \"" + id.substr(0, 40) +
                      "\" on this primary (it ended, or was never opened here): replies name "
                      "the Expgraph-Stream-Id of the replica's current stream",
                  {}, "unknown_stream");
  }
  Stream& stream = *found->second;
  if (applied_sequence < stream.since || applied_sequence > stream.sent_sequence) {
    return Status::invalid_argument(
        "applied_sequence " + std::to_string(applied_sequence) + " is not a position stream " + id +
        " can have given its replica: it started after sequence " + std::to_string(stream.since) +
        " and has sent through " + std::to_string(stream.sent_sequence));
  }
  const auto now = Clock::now();
  stream.applied_sequence = applied_sequence;
  stream.last_reply = now;
  ++stream.reply_count;
  if (!replica.empty()) stream.replica = replica;
  while (!stream.unapplied.empty() && stream.unapplied.front().first <= applied_sequence) {
    stream.unapplied.pop_front();
  }
  return describe(stream, primary_sequence, now);
}

nlohmann::json UpdateStreams::describe(const Stream& stream, uint64_t primary_sequence,
                                       Clock::time_point now) const {
  nlohmann::json out{
      {"stream_id", stream.id},
      {"peer", stream.peer},
      {"replica",
       stream.replica.empty() ? nlohmann::json(nullptr) : nlohmann::json(stream.replica)},
      {"started_at", format_timestamp(stream.started_at_ms)},
      {"since", stream.since},
      {"sent_sequence", stream.sent_sequence},
      {"bytes_sent", stream.bytes_sent},
      {"batches_sent", stream.batches_sent},
      {"replies", stream.replies},
      {"reply_count", stream.reply_count},
      {"reply_timeout_ms", stream.timeout.count()},
  };
  // What the replica is known to hold: its last reply, or the position it asked for.
  const bool replied = stream.reply_count > 0;
  const uint64_t applied = replied ? stream.applied_sequence : stream.since;
  out["applied_sequence"] = replied ? nlohmann::json(applied) : nlohmann::json(nullptr);
  out["last_reply_age_ms"] = replied
                                 ? nlohmann::json(milliseconds_between(stream.last_reply, now))
                                 : nlohmann::json(nullptr);
  out["lag_sequences"] = primary_sequence > applied ? primary_sequence - applied : 0;
  out["lag_ms"] =
      stream.unapplied.empty()
          ? 0
          : std::max<int64_t>(0, milliseconds_between(stream.unapplied.front().second, now));
  return out;
}

nlohmann::json UpdateStreams::list(uint64_t primary_sequence) const {
  std::lock_guard lock(mutex_);
  std::vector<const Stream*> live;
  for (const auto& [id, stream] : streams_) {
    if (!stream->dropped) live.push_back(stream.get());
  }
  std::sort(live.begin(), live.end(),
            [](const Stream* a, const Stream* b) { return a->order < b->order; });
  const auto now = Clock::now();
  nlohmann::json out = nlohmann::json::array();
  for (const Stream* stream : live) out.push_back(describe(*stream, primary_sequence, now));
  return out;
}

uint64_t UpdateStreams::dropped_for_reply_timeout() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

size_t UpdateStreams::live() const {
  std::lock_guard lock(mutex_);
  return streams_.size();
}

}  // namespace expgraph::replication
