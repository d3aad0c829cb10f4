// WebhookDispatcher: delivers webhook events to their receivers without ever holding up a
// write. It follows the committed change log by sequence on its own reader thread (the write
// path does not know it exists), turns records into events (webhook_events.h), and queues one
// delivery per matching webhook in a bounded queue that worker threads drain: each delivery is a
// signed JSON POST (webhook_signature.h), retried with exponential backoff until the receiver
// answers 2xx or the webhook's attempts are spent. Each webhook receives its events one at a
// time, in log order. When the queue is full the reader pauses (the log keeps the events), so a
// slow or failing receiver costs memory bounded by the queue and never costs writers anything.
//
// What survives a restart: registrations, each webhook's mark of the last event it finished, and
// the reader's cursor (the oldest sequence not yet finished by every webhook), all in `meta`.
// After a crash, events in flight are sent again: delivery is at least once, and a receiver
// deduplicates by the `id` of the event (also the Expgraph-Delivery header).
//
// Thread-safe: one mutex (mutex_) guards the registrations, the queues and the cursor.
#pragma once

#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "api/webhooks/webhook_registration.h"
#include "graph/graph_store.h"

namespace expgraph::api {

class WebhookDispatcher {
 public:
  // Deliveries waiting or being retried, over all webhooks, before the reader pauses.
  static constexpr size_t kQueueCapacity = 4096;
  // Recent deliveries kept per webhook for GET .../deliveries (finished ones; pending ones are
  // listed too).
  static constexpr size_t kRecentDeliveries = 100;

  // Loads the registrations and the cursor from `graph`'s storage; `graph` must outlive the
  // dispatcher. No thread runs until start().
  static Result<std::unique_ptr<WebhookDispatcher>> open(GraphStore& graph);
  ~WebhookDispatcher();

  // Starts the reader and `workers` delivery threads; stop() (or the destructor) ends them,
  // giving requests in flight up to two seconds to be answered before cutting them off.
  void start(size_t workers = 4);
  void stop();

  // Registers a webhook (from webhook_from_request): it receives the events of changes
  // committed from now on. Returns it with its id.
  Result<Webhook> add(Webhook hook);
  // Removes a webhook and drops its queued deliveries; not_found when absent.
  Status remove(const std::string& id);
  // Every webhook, by id, with its queued count as "pending".
  nlohmann::json list() const;
  // One webhook's queued deliveries (oldest first) then its recent finished ones (newest
  // first); not_found when absent.
  Result<nlohmann::json> deliveries(const std::string& id) const;

 private:
  using Clock = std::chrono::steady_clock;
  struct Pending {
    DeliveryRecord record;
    uint64_t position = 0;  // event_position()
    std::string body;
    Clock::time_point due;
  };
  struct HookState {
    Webhook hook;
    std::deque<Pending> queue;
    std::deque<DeliveryRecord> recent;  // newest first
    bool busy = false;                  // a worker is sending its queue's front
  };
  struct Attempt {
    int status = 0;
    std::string error;
  };

  WebhookDispatcher(GraphStore& graph, uint64_t cursor) : graph_(graph), position_(cursor) {}

  void read_loop();
  void work_loop();
  // Reads log records after position_ into the queues while there is room; false when there
  // was nothing to read.
  bool read_some();
  // One POST of `pending` to `hook`; stop() cuts it off after its grace period.
  Attempt send(const Webhook& hook, const Pending& pending);
  // The oldest sequence some webhook has not finished, minus one (or position_): where a
  // restart resumes reading. Requires mutex_.
  uint64_t finished_cursor() const;
  // Writes the webhook (and the cursor) to `meta`. Requires mutex_.
  void persist(const Webhook& hook);
  void persist_cursor();

  GraphStore& graph_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, HookState> hooks_;
  uint64_t position_;            // the last sequence read into the queues
  // The cursor in `meta`; none until one is written (open() starts at the log's head then, which
  // a restart must not do once a webhook exists).
  std::optional<uint64_t> stored_cursor_;
  size_t pending_total_ = 0;
  bool stopping_ = false;
  std::set<httplib::Client*> in_flight_;  // cut off by stop()
  std::mutex stop_mutex_;                  // one stop() at a time joins the threads
  std::vector<std::thread> threads_;       // started and joined under stop_mutex_
};

}  // namespace expgraph::api
