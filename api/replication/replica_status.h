// ReplicaStatus: what a read replica knows of its progress, written by its ReplicaFollower and
// read by /readyz, /metrics and the 421 answers of write routes. It lives as long as the
// process, across the reopenings of a re-bootstrap (its counters count them). Thread-safe:
// atomics, and a mutex for the texts.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

namespace expgraph::replication {

class ReplicaStatus {
 public:
  ReplicaStatus(std::string primary_url, uint64_t applied_sequence, int64_t max_lag_ms);

  const std::string& primary_url() const { return primary_url_; }
  uint64_t applied_sequence() const { return applied_.load(); }
  // The primary's last sequence, as last heard (0 before the first contact).
  uint64_t primary_sequence() const { return primary_.load(); }
  // Sequence numbers (RocksDB operations) the primary has committed and this replica has not
  // applied, as far as it knows.
  uint64_t lag_sequences() const;
  // How stale the replica may be: 0 while it is caught up with what the primary said within
  // the last kHeartbeatGraceMs, otherwise the time since it last was caught up with what the
  // primary said (it then shows the primary's state of at least that moment). Grows while the
  // primary cannot be reached or stays silent on an open connection.
  int64_t lag_ms() const;
  // The primary sends a heartbeat every second; this long without one that finds the replica
  // caught up counts as lag.
  static constexpr int64_t kHeartbeatGraceMs = 2000;
  bool connected() const { return connected_.load(); }
  uint64_t applied_batches() const { return applied_batches_.load(); }
  // Ready: caught up within max_lag_ms, not bootstrapping again, not stopped (needs_restart).
  bool ready() const;
  // Why it is not ready ("" when it is): for /readyz.
  std::string not_ready_reason() const;
  // Checkpoints downloaded by this process: the first bootstrap and each re-bootstrap.
  uint64_t bootstraps() const { return bootstraps_.load(); }
  bool rebootstrapping() const { return rebootstrapping_.load(); }
  // {role, primary, applied_sequence, primary_sequence, lag_sequences, lag_ms, connected,
  //  applied_batches, bootstraps, rebootstrapping, last_error, needs_restart, reason}
  nlohmann::json to_json() const;

  // Called by the follower.
  void batch_applied(uint64_t last_sequence);
  void heard_primary(uint64_t primary_sequence);
  void set_connected(bool connected);
  void set_error(std::string error);
  void set_needs_restart(std::string why);
  bool needs_restart() const { return needs_restart_.load(); }
  // The data is about to be replaced by a fresh checkpoint (the primary answered 410, or 409
  // with --replica-rebootstrap-on-conflict) or reopened (a new ontology): reads keep being
  // served from the old data until then, reported not ready for `why`.
  void begin_rebootstrap(std::string why);
  // A checkpoint was downloaded (at start or while bootstrapping again).
  void bootstrapped() { bootstraps_.fetch_add(1); }
  // The data was reopened (after a swap or to load a new ontology) at `applied_sequence`.
  void reopened(uint64_t applied_sequence);

 private:
  int64_t now_ms() const;
  void note_caught_up();

  const std::string primary_url_;
  const int64_t max_lag_ms_;
  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::atomic<uint64_t> applied_;
  std::atomic<uint64_t> primary_{0};
  std::atomic<int64_t> caught_up_at_ms_;  // since start_
  std::atomic<bool> connected_{false};
  std::atomic<bool> needs_restart_{false};
  std::atomic<bool> rebootstrapping_{false};
  std::atomic<uint64_t> bootstraps_{0};
  std::atomic<uint64_t> applied_batches_{0};
  mutable std::mutex error_mutex_;  // guards last_error_ and reason_
  std::string last_error_;
  std::string reason_;  // why it bootstraps again or needs a restart
};

}  // namespace expgraph::replication
