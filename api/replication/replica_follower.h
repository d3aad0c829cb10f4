// ReplicaFollower: a read replica's thread that follows the primary's update stream
// (GET /v1/replication/updates?since=APPLIED) and applies each batch in order through
// GraphStore::apply_replicated, which commits it with the applied sequence, so that a replica
// killed at any instant resumes after the last batch it applied, never applying one twice. A
// lost connection or an unreachable primary is retried with backoff (100 ms doubling to 5 s); a
// 410 (the primary's kept WAL no longer reaches back) or a 409 (the primary is behind this
// replica) stops following and makes the replica not ready until it is restarted on an empty
// directory. Thread-safe: start() and stop() from the
// thread that owns it.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "api/auth/api_keys.h"
#include "api/replication/replica_status.h"
#include "graph/graph_store.h"

namespace expgraph::replication {

class ReplicaFollower {
 public:
  // `keys` (may be null) is reloaded when the primary's API keys change. All must outlive it.
  ReplicaFollower(GraphStore& graph, ReplicaStatus& status, api::ApiKeyStore* keys,
                  std::string api_key);
  ~ReplicaFollower();  // stops

  void start();
  // Ends the stream and waits for the thread (a batch being applied is finished first).
  void stop();

 private:
  void run();
  // One connection: streams and applies until it ends; the error that ended it.
  Status follow_once();
  Status apply(ReplicatedBatch&& batch);

  GraphStore& graph_;
  ReplicaStatus& status_;
  api::ApiKeyStore* keys_;
  const std::string api_key_;
  std::atomic<bool> stopping_{false};
  std::mutex wake_mutex_;  // with wake_, interrupts the backoff sleep at stop()
  std::condition_variable wake_;
  std::thread thread_;
};

}  // namespace expgraph::replication
