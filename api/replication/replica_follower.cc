#include "api/replication/replica_follower.h"

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "api/replication/stream_format.h"

namespace expgraph::replication {

namespace {

constexpr auto kFirstBackoff = std::chrono::milliseconds(100);
constexpr auto kMaxBackoff = std::chrono::milliseconds(5000);
// The primary sends a heartbeat every second: this long without a byte means the connection
// is gone even if no error reached us (a cut cable, a stopped process behind a proxy).
constexpr int kReadTimeoutSeconds = 5;

}  // namespace

ReplicaFollower::ReplicaFollower(GraphStore& graph, ReplicaStatus& status,
                                 api::ApiKeyStore* keys, std::string api_key)
    : graph_(graph), status_(status), keys_(keys), api_key_(std::move(api_key)) {}

ReplicaFollower::~ReplicaFollower() { stop(); }

void ReplicaFollower::start() {
  stopping_ = false;
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
    if (stopping_.load()) break;
    if (status_.needs_restart()) break;
    if (!ended.ok()) {
      status_.set_error(ended.message());
      std::fprintf(stderr, "expgraphd: replication: %s (retrying in %lld ms)\n",
                   ended.message().c_str(), static_cast<long long>(backoff.count()));
    }
    // A stream that made progress restarts the backoff; a failing one backs off further.
    if (status_.applied_sequence() > applied_before || ended.ok()) backoff = kFirstBackoff;
    std::unique_lock lock(wake_mutex_);
    wake_.wait_for(lock, backoff, [this] { return stopping_.load(); });
    if (!ended.ok()) backoff = std::min(backoff * 2, kMaxBackoff);
  }
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
    status_.set_needs_restart(
        "the primary's ontology changed: restart this replica to load it (its data is kept)");
  }
  return Status();
}

Status ReplicaFollower::follow_once() {
  httplib::Client client(status_.primary_url());
  client.set_connection_timeout(2, 0);
  client.set_read_timeout(kReadTimeoutSeconds, 0);
  httplib::Headers headers;
  if (!api_key_.empty()) headers.emplace("Authorization", "Bearer " + api_key_);
  std::string path =
      "/v1/replication/updates?since=" + std::to_string(status_.applied_sequence());
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
        if (status_code == 200) {
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
        return stream_error.ok() && !status_.needs_restart();
      });
  if (!stream_error.ok()) return stream_error;
  if (status_code == 410) {
    status_.set_needs_restart(
        "the primary no longer keeps the writes after sequence " +
        std::to_string(status_.applied_sequence()) +
        " (raise its --wal-ttl-seconds / --wal-size-limit-mb): restart this replica on an empty "
        "--data directory to bootstrap again. " + error_body);
    std::fprintf(stderr, "expgraphd: replication: %s\n", error_body.c_str());
    return Status();
  }
  if (status_code == 409) {
    // The primary has fewer writes than this replica applied: it lost some (a power loss
    // without --sync-writes) or was restored from an older backup. This copy is not a prefix of
    // the primary any more.
    status_.set_needs_restart("the primary is behind this replica (" + error_body +
                              "): restart this replica on an empty --data directory");
    std::fprintf(stderr, "expgraphd: replication: %s\n", error_body.c_str());
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
