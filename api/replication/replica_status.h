// ReplicaStatus: what a read replica knows of its progress, written by its ReplicaFollower and
// read by /readyz, /metrics and the 421 answers of write routes. Thread-safe: atomics, and a
// mutex for the last error's text.
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
  // How stale the replica may be: 0 while it is caught up with what the primary last said,
  // otherwise the time since it last was (it then shows the primary's state of at least that
  // moment). Grows while the primary cannot be reached.
  int64_t lag_ms() const;
  bool connected() const { return connected_.load(); }
  uint64_t applied_batches() const { return applied_batches_.load(); }
  // Ready: caught up within max_lag_ms, and the stream not lost for good (410).
  bool ready() const;
  // {role, primary, applied_sequence, primary_sequence, lag_sequences, lag_ms, connected,
  //  applied_batches, last_error, needs_restart}
  nlohmann::json to_json() const;

  // Called by the follower.
  void batch_applied(uint64_t last_sequence);
  void heard_primary(uint64_t primary_sequence);
  void set_connected(bool connected);
  void set_error(std::string error);
  void set_needs_restart(std::string why);
  bool needs_restart() const { return needs_restart_.load(); }

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
  std::atomic<uint64_t> applied_batches_{0};
  mutable std::mutex error_mutex_;  // guards last_error_
  std::string last_error_;
};

}  // namespace expgraph::replication
