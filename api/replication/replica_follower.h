// ReplicaFollower: a read replica's thread that follows the primary's update stream
// (GET /v1/replication/updates?since=APPLIED) and applies each batch in order through
// GraphStore::apply_replicated, which commits it with the applied sequence, so that a replica
// killed at any instant resumes after the last batch it applied, never applying one twice. A
// lost connection or an unreachable primary is retried with backoff (100 ms doubling to 5 s;
// after a 503 at least the primary's Retry-After, at most 30 s, api/replication/retry_after.h).
// While it follows, the same thread reports its applied position to the primary every
// reply_interval (POST /v1/replication/replies, naming the stream by its Expgraph-Stream-Id):
// a replica that stops reading stops replying, and the primary ends its stream
// (--replication-reply-timeout) instead of holding a worker for it.
// A 410 (the primary's kept WAL no longer reaches back) makes it bootstrap again: it downloads a
// fresh checkpoint beside the data (download_fresh_copy) while the server keeps answering reads
// from the old data, reported not ready, then asks expgraphd to reopen, which swaps the copy in
// and rebuilds every derived state as at start. A 409 (the primary is behind this replica: the
// replica holds writes the primary lacks) does the same only with
// --replica-rebootstrap-on-conflict, keeping the old data aside; otherwise it stops following,
// keeps the data and reports not ready. A batch that changes the ontology also asks for a
// reopen (the ontology is loaded at open). Thread-safe: start() and stop() from the thread that
// owns it.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "api/auth/api_keys.h"
#include "api/replication/replica_status.h"
#include "graph/graph_store.h"

namespace expgraph::replication {

struct FollowerOptions {
  std::string api_key;   // the primary's admin key (may be empty)
  std::string data_dir;  // where a fresh copy is downloaded beside (DIR.next)
  bool rebootstrap_on_conflict = false;
  // Called once, from the follower's thread, when the data must be reopened: a fresh copy waits
  // at DIR.next, or the ontology changed. It should stop the server; the follower then ends.
  std::function<void()> request_reopen;
  // How often the replica reports its applied position on its stream; how it names itself.
  std::chrono::milliseconds reply_interval{5000};
  std::string replica_name;
};

class ReplicaFollower {
 public:
  // `keys` (may be null) is reloaded when the primary's API keys change. All must outlive it.
  ReplicaFollower(GraphStore& graph, ReplicaStatus& status, api::ApiKeyStore* keys,
                  FollowerOptions options);
  ~ReplicaFollower();  // stops

  void start();
  // Ends the stream and waits for the thread (a batch being applied is finished first).
  void stop();

 private:
  void run();
  // One connection: streams and applies until it ends; the error that ended it.
  Status follow_once();
  Status apply(ReplicatedBatch&& batch);
  // Reports the applied position on stream `stream_id` through `client`; false when the
  // primary no longer knows the stream (it ended it: reconnect).
  bool send_reply(httplib::Client& client, const httplib::Headers& headers,
                  const std::string& stream_id, bool& failure_logged);
  // Downloads a fresh copy, retrying with backoff (at least a 503's Retry-After); true once it
  // waits at DIR.next.
  bool bootstrap_again();
  // Sleeps for `delay` unless stop() comes first; false when stopping.
  bool pause(std::chrono::milliseconds delay);

  // What follow_once found that ends following this data.
  enum class Next { kFollow, kBootstrapAgain, kBootstrapAgainDiscarding, kReopen, kStop };

  GraphStore& graph_;
  ReplicaStatus& status_;
  api::ApiKeyStore* keys_;
  const FollowerOptions options_;
  Next next_ = Next::kFollow;  // only the follower's thread reads and writes it
  // The Retry-After of the primary's last 503 (0: none): the follower waits at least this
  // long before asking again. Only the follower's thread uses it.
  std::chrono::milliseconds retry_after_{0};
  std::atomic<bool> stopping_{false};
  std::mutex wake_mutex_;  // with wake_, interrupts the backoff sleep at stop()
  std::condition_variable wake_;
  std::thread thread_;
};

}  // namespace expgraph::replication
