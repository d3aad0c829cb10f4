#include "api/replication/replica_status.h"

namespace expgraph::replication {

ReplicaStatus::ReplicaStatus(std::string primary_url, uint64_t applied_sequence,
                             int64_t max_lag_ms)
    : primary_url_(std::move(primary_url)),
      max_lag_ms_(max_lag_ms),
      applied_(applied_sequence),
      caught_up_at_ms_(0) {}

int64_t ReplicaStatus::now_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start_)
      .count();
}

uint64_t ReplicaStatus::lag_sequences() const {
  uint64_t applied = applied_.load(), primary = primary_.load();
  return primary > applied ? primary - applied : 0;
}

int64_t ReplicaStatus::lag_ms() const {
  // caught_up_at_ms_ is renewed by every heartbeat that finds the replica caught up (one a
  // second from a live primary): a primary that went silent on an open connection (stopped,
  // hung, a stalled network path) shows as lag once a heartbeat is overdue, not only when the
  // read timeout ends the connection seconds later.
  int64_t since_caught_up = now_ms() - caught_up_at_ms_.load();
  if (connected_.load() && lag_sequences() == 0 && since_caught_up <= kHeartbeatGraceMs) return 0;
  return since_caught_up;
}

bool ReplicaStatus::ready() const {
  return !needs_restart_.load() && !rebootstrapping_.load() && lag_ms() <= max_lag_ms_;
}

std::string ReplicaStatus::not_ready_reason() const {
  if (needs_restart_.load() || rebootstrapping_.load()) {
    std::lock_guard lock(error_mutex_);
    return reason_;
  }
  int64_t lag = lag_ms();
  if (lag > max_lag_ms_) {
    return "behind the primary by " + std::to_string(lag) + " ms (more than --replica-max-lag-ms " +
           std::to_string(max_lag_ms_) + ")" + (connected() ? "" : ", not connected to it");
  }
  return "";
}

void ReplicaStatus::begin_rebootstrap(std::string why) {
  {
    std::lock_guard lock(error_mutex_);
    reason_ = why;
    last_error_ = why;
  }
  rebootstrapping_.store(true);
}

void ReplicaStatus::reopened(uint64_t applied_sequence) {
  applied_.store(applied_sequence);
  rebootstrapping_.store(false);
  needs_restart_.store(false);
  std::lock_guard lock(error_mutex_);
  reason_.clear();
}

void ReplicaStatus::note_caught_up() {
  if (applied_.load() >= primary_.load()) caught_up_at_ms_.store(now_ms());
}

void ReplicaStatus::batch_applied(uint64_t last_sequence) {
  applied_.store(last_sequence);
  applied_batches_.fetch_add(1);
  note_caught_up();
}

void ReplicaStatus::heard_primary(uint64_t primary_sequence) {
  primary_.store(primary_sequence);
  note_caught_up();
}

void ReplicaStatus::set_connected(bool connected) { connected_.store(connected); }

void ReplicaStatus::set_error(std::string error) {
  std::lock_guard lock(error_mutex_);
  last_error_ = std::move(error);
}

void ReplicaStatus::set_needs_restart(std::string why) {
  {
    std::lock_guard lock(error_mutex_);
    reason_ = why;
    last_error_ = std::move(why);
  }
  needs_restart_.store(true);
}

nlohmann::json ReplicaStatus::to_json() const {
  std::string error;
  {
    std::lock_guard lock(error_mutex_);
    error = last_error_;
  }
  return {{"role", "replica"},
          {"primary", primary_url_},
          {"applied_sequence", applied_sequence()},
          {"primary_sequence", primary_sequence()},
          {"lag_sequences", lag_sequences()},
          {"lag_ms", lag_ms()},
          {"max_lag_ms", max_lag_ms_},
          {"connected", connected()},
          {"applied_batches", applied_batches()},
          {"bootstraps", bootstraps()},
          {"rebootstrapping", rebootstrapping()},
          {"needs_restart", needs_restart()},
          {"reason", not_ready_reason()},
          {"last_error", error}};
}

}  // namespace expgraph::replication
