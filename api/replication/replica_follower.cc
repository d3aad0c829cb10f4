#include "api/replication/replica_follower.h"

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "api/replication/replica_bootstrap.h"
#include "api/replication/retry_after.h"
#include "api/replication/stream_format.h"
#include "storage/replication_history.h"

namespace expgraph::replication {

namespace {

constexpr auto kFirstBackoff = std::chrono::milliseconds(100);
constexpr auto kMaxBackoff = std::chrono::milliseconds(5000);
// The primary sends a heartbeat every second: this long without a byte means the connection
// is gone even if no error reached us (a cut cable, a stopped process behind a proxy).
constexpr int kReadTimeoutSeconds = 5;
// A reply waits this long for the primary: it is sent from the reading thread, which reads no
// stream meanwhile.
constexpr int kReplyTimeoutSeconds = 2;

}  // namespace

ReplicaFollower::ReplicaFollower(GraphStore& graph, ReplicaStatus& status, api::ApiKeyStore* keys,
                                 FollowerOptions options)
    : graph_(graph), status_(status), keys_(keys), options_(std::move(options)) {}

ReplicaFollower::~ReplicaFollower() { stop(); }

void ReplicaFollower::start() {
  stopping_ = false;
  next_ = Next::kFollow;
  thread_ = std::thread([this] { run(); });
}

void ReplicaFollower::stop() {
  {
    std::lock_guard lock(wake_mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ReplicaFollower::run() {
  auto backoff = kFirstBackoff;
  while (!stopping_.load()) {
    uint64_t applied_before = status_.applied_sequence();
    Status ended = follow_once();
    status_.set_connected(false);
    if (stopping_.load() || next_ == Next::kStop) break;
    if (next_ != Next::kFollow && !options_.request_reopen) {
      status_.set_needs_restart(status_.not_ready_reason() + " (restart this replica)");
      break;
    }
    if (next_ == Next::kReopen) {
      options_.request_reopen();
      return;
    }
    if (next_ == Next::kBootstrapAgain || next_ == Next::kBootstrapAgainDiscarding) {
      if (bootstrap_again()) options_.request_reopen();
      return;
    }
    if (!ended.ok()) {
      status_.set_error(ended.message());
      std::fprintf(stderr, "expgraphd: replication: %s (retrying in %lld ms)\n",
                   ended.message().c_str(),
                   static_cast<long long>(std::max(backoff, retry_after_).count()));
    }
    // A stream that made progress restarts the backoff; a failing one backs off further.
    if (status_.applied_sequence() > applied_before || ended.ok()) backoff = kFirstBackoff;
    // A primary that answered 503 said when to ask again (every stream slot is taken).
    if (!pause(std::max(backoff, retry_after_))) break;
    if (!ended.ok()) backoff = std::min(backoff * 2, kMaxBackoff);
  }
}

bool ReplicaFollower::pause(std::chrono::milliseconds delay) {
  std::unique_lock lock(wake_mutex_);
  wake_.wait_for(lock, delay, [this] { return stopping_.load(); });
  return !stopping_.load();
}

bool ReplicaFollower::bootstrap_again() {
  const bool discarding = next_ == Next::kBootstrapAgainDiscarding;
  auto backoff = kFirstBackoff;
  while (!stopping_.load()) {
    auto started = std::chrono::steady_clock::now();
    std::chrono::milliseconds asked{0};
    auto copy = download_fresh_copy(status_.primary_url(), options_.data_dir, options_.api_key,
                                    discarding, stopping_, asked);
    if (copy.ok()) {
      status_.bootstrapped();
      std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
      std::fprintf(stderr,
                   "expgraphd: replication: fresh checkpoint from %s downloaded in %.1f s: "
                   "%llu bytes, sequence %llu; reopening on it\n",
                   status_.primary_url().c_str(), took.count(),
                   static_cast<unsigned long long>(copy->checkpoint_bytes),
                   static_cast<unsigned long long>(copy->applied_sequence));
      return true;
    }
    if (stopping_.load()) return false;
    // A primary whose stream slots are all taken (503) said when to ask again, as it does to
    // the stream requests in run().
    const std::chrono::milliseconds wait = std::max(backoff, asked);
    status_.set_error("fetching a fresh checkpoint: " + copy.status().message());
    std::fprintf(stderr,
                 "expgraphd: replication: fetching a fresh checkpoint: %s (retrying in "
                 "%lld ms)\n",
                 copy.status().message().c_str(), static_cast<long long>(wait.count()));
    if (!pause(wait)) return false;
    backoff = std::min(backoff * 2, kMaxBackoff);
  }
  return false;
}

Status ReplicaFollower::apply(ReplicatedBatch&& batch) {
  uint64_t expected = status_.applied_sequence() + 1;
  if (batch.sequence != expected) {
    // Never apply out of order: reconnect from the applied sequence.
    return Status::internal("the stream sent sequence " + std::to_string(batch.sequence) +
                            ", expected " + std::to_string(expected));
  }
  auto applied = graph_.apply_replicated(batch);
  if (!applied.ok()) return applied.status();
  status_.batch_applied(batch.last_sequence());
  if (applied->keys_changed && keys_ != nullptr) {
    Status reloaded = keys_->reload();
    if (!reloaded.ok()) status_.set_error("reloading API keys: " + reloaded.message());
  }
  if (applied->ontology_changed) {
    // The ontology is loaded when the data is opened: reopen (the data is kept).
    status_.begin_rebootstrap("reopening: the primary's ontology changed");
    std::fprintf(stderr,
                 "expgraphd: replication: the primary's ontology changed at sequence "
                 "%llu: reopening the data to load it\n",
                 static_cast<unsigned long long>(batch.last_sequence()));
    next_ = Next::kReopen;
  }
  return Status();
}

bool ReplicaFollower::send_reply(httplib::Client& client, const httplib::Headers& headers,
                                 const std::string& stream_id, bool& failure_logged) {
  nlohmann::json body{{"stream_id", stream_id}, {"applied_sequence", status_.applied_sequence()}};
  if (!options_.replica_name.empty()) body["replica"] = options_.replica_name;
  auto answer = client.Post("/v1/replication/replies", headers, body.dump(), "application/json");
  if (answer && answer->status == 200) return true;
  // The primary ended the stream (or restarted): the stream's end follows; reconnect now.
  if (answer && answer->status == 404) return false;
  // A primary that is busy or briefly unreachable is told at the next interval; a reply that
  // keeps failing ends the stream at the primary's reply timeout, and the replica reconnects.
  if (!failure_logged) {
    failure_logged = true;
    const std::string why =
        answer ? "HTTP " + std::to_string(answer->status) + " " + answer->body.substr(0, 300)
               : httplib::to_string(answer.error());
    std::fprintf(stderr, "expgraphd: replication: a reply on stream %s failed: %s\n",
                 stream_id.c_str(), why.c_str());
  }
  return true;
}

Status ReplicaFollower::follow_once() {
  retry_after_ = std::chrono::milliseconds(0);
  httplib::Client client(status_.primary_url());
  client.set_connection_timeout(2, 0);
  client.set_read_timeout(kReadTimeoutSeconds, 0);
  httplib::Headers headers;
  if (!options_.api_key.empty()) {
    headers.emplace("Authorization", "Bearer " + options_.api_key);
  }
  std::string path =
      "/v1/replication/updates?since=" + std::to_string(status_.applied_sequence());
  // The last epoch this replica's data holds: the primary checks that the position counts its
  // own writes (a restored, rewound or foreign primary answers 409, history_diverged).
  auto history = read_replication_history(graph_.storage());
  if (!history.ok()) return history.status();
  if (!history->empty()) {
    char epoch[17];
    std::snprintf(epoch, sizeof epoch, "%016llx",
                  static_cast<unsigned long long>(history->back().id));
    path += std::string("&epoch=") + epoch;
  }
  // The primary ends the stream of a replica that promised replies and sent none for its
  // --replication-reply-timeout; one of an older version ignores the parameter.
  path += "&reply_interval_ms=" + std::to_string(options_.reply_interval.count());
  httplib::Client replies(status_.primary_url());
  replies.set_connection_timeout(kReplyTimeoutSeconds, 0);
  replies.set_read_timeout(kReplyTimeoutSeconds, 0);
  replies.set_write_timeout(kReplyTimeoutSeconds, 0);
  std::string stream_id;  // from the primary's Expgraph-Stream-Id (none: an older primary)
  auto next_reply = std::chrono::steady_clock::now();
  bool reply_failure_logged = false;
  bool stream_unknown = false;
  int status_code = 0;
  std::string error_body;
  Status stream_error;
  UpdateFrameReader reader(UpdateFrameReader::Callbacks{
      [this](ReplicatedBatch&& batch) { return apply(std::move(batch)); },
      [this](uint64_t latest) { status_.heard_primary(latest); }});
  auto result = client.Get(
      path, headers,
      [&](const httplib::Response& response) {
        status_code = response.status;
        retry_after_ = retry_after(response);
        if (status_code == 200) {
          stream_id = response.get_header_value("Expgraph-Stream-Id");
          status_.set_connected(true);
          if (response.has_header("Expgraph-Latest-Sequence")) {
            status_.heard_primary(std::strtoull(
                response.get_header_value("Expgraph-Latest-Sequence").c_str(), nullptr, 10));
          }
        }
        return true;
      },
      [&](const char* data, size_t size) {
        if (stopping_.load()) return false;
        if (status_code != 200) {
          if (error_body.size() < 65536) error_body.append(data, size);
          return true;
        }
        stream_error = reader.feed(std::string_view(data, size));
        if (!stream_error.ok() || next_ != Next::kFollow) return false;
        // Replies go from this thread, after what arrived is applied: they stop when reading
        // stops, which is what the primary needs to know (the kernel acknowledges its bytes
        // either way). The primary sends at least a heartbeat a second, so this runs as often.
        if (!stream_id.empty() && std::chrono::steady_clock::now() >= next_reply) {
          next_reply = std::chrono::steady_clock::now() + options_.reply_interval;
          if (!send_reply(replies, headers, stream_id, reply_failure_logged)) {
            stream_unknown = true;
            return false;
          }
        }
        return true;
      });
  if (stream_unknown) {
    return Status::internal("the primary no longer knows update stream " + stream_id +
                            " (it ended it, e.g. after a reply came too late)");
  }
  if (!stream_error.ok()) return stream_error;
  if (status_code == 410) {
    std::string why = "the primary no longer keeps the writes after sequence " +
                      std::to_string(status_.applied_sequence()) +
                      " (its --wal-ttl-seconds / --wal-size-limit-mb): fetching a fresh "
                      "checkpoint; reads are served from the old data meanwhile";
    std::fprintf(stderr, "expgraphd: replication: %s. %s\n", why.c_str(), error_body.c_str());
    status_.begin_rebootstrap("bootstrapping again: " + why);
    next_ = Next::kBootstrapAgain;
    return Status();
  }
  if (status_code == 409) {
    // The primary has fewer writes than this replica applied (replica_ahead), or its writes
    // from some sequence on are not the ones this replica applied (history_diverged): it lost
    // some (a power loss without --sync-writes), was restored from an older backup, or it is
    // another database. This copy holds writes the primary does not have, which a fresh
    // checkpoint would drop.
    uint64_t applied = status_.applied_sequence();
    const bool diverged = error_body.find("history_diverged") != std::string::npos;
    const std::string what =
        diverged ? "the primary's history is not this replica's (applied through sequence " +
                       std::to_string(applied) + ")"
                 : "the primary is behind this replica (applied through sequence " +
                       std::to_string(applied) + ")";
    if (options_.rebootstrap_on_conflict) {
      std::string why = what +
                        ": --replica-rebootstrap-on-conflict: fetching a fresh checkpoint; "
                        "the current data will be kept aside as " +
                        options_.data_dir + ".conflict-*, not deleted";
      std::fprintf(stderr,
                   "expgraphd: replication: WARNING: %s. This replica holds writes the primary "
                   "does not have; they will not be served after the swap. %s\n",
                   why.c_str(), error_body.c_str());
      status_.begin_rebootstrap("bootstrapping again: " + why);
      next_ = Next::kBootstrapAgainDiscarding;
      return Status();
    }
    status_.set_needs_restart(
        what +
        ": it lost writes, was restored from an older backup or is another database. Stopped "
        "following; this replica keeps its "
        "data, which holds writes the primary lacks. Promote it, or restart it with "
        "--replica-rebootstrap-on-conflict (or on an empty --data) to copy the primary again. " +
        error_body);
    std::fprintf(stderr, "expgraphd: replication: %s\n", status_.not_ready_reason().c_str());
    next_ = Next::kStop;
    return Status();
  }
  if (status_code != 0 && status_code != 200) {
    return Status::internal("the primary answered " + std::to_string(status_code) + ": " +
                            error_body);
  }
  if (!result && !stopping_.load()) {
    return Status::internal("the stream from " + status_.primary_url() +
                            " ended: " + httplib::to_string(result.error()));
  }
  return Status();
}

}  // namespace expgraph::replication
