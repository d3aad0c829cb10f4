#include "api/webhooks/webhook_dispatcher.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "api/util/hex.h"
#include "api/webhooks/webhook_events.h"
#include "api/webhooks/webhook_signature.h"
#include "graph/change_log.h"
#include "graph/records.h"

namespace expgraph::api {

namespace {

using nlohmann::json;

// How often the reader looks for new log records when it has caught up: the delay a receiver
// sees at most beyond its own latency, at the cost of one counter read under the store's lock.
constexpr auto kPollInterval = std::chrono::milliseconds(20);
// Records read per scan of the log.
constexpr size_t kReadBatch = 256;
// Timeouts of one delivery: a receiver that hangs holds one worker for at most about these.
constexpr time_t kConnectTimeoutSeconds = 2;
constexpr time_t kReadTimeoutSeconds = 5;
// How long a clean stop waits for deliveries already sent to be answered before it cuts them
// off: a receiver that took the event usually answers at once, and a delivery cut after the
// receiver took it is sent again after the restart.
constexpr auto kStopGrace = std::chrono::seconds(2);
// The longest wait between two attempts, whatever the backoff says.
constexpr int64_t kMaxBackoffMs = 10 * 60 * 1000;

// "wh_" and 16 hex digits (8 random bytes).
Result<std::string> random_id() {
  auto random = random_hex(8);
  if (!random.ok()) return Status(random.status()).prepend("naming a webhook");
  return "wh_" + *random;
}

int64_t backoff_ms(const Webhook& hook, int attempts_made) {
  int64_t wait = hook.retry_base_ms;
  for (int i = 1; i < attempts_made && wait < kMaxBackoffMs; ++i) wait *= 2;
  return std::min(wait, kMaxBackoffMs);
}

}  // namespace

Result<std::unique_ptr<WebhookDispatcher>> WebhookDispatcher::open(GraphStore& graph) {
  KvStore& store = graph.storage();
  // Without a stored cursor (no webhook was ever registered) reading starts at the head: events
  // are for webhooks registered from now on.
  uint64_t cursor = graph.last_sequence();
  auto stored = store.get(Column::kMeta, kWebhookCursorKey);
  if (!stored.ok()) return stored.status();
  if (stored->has_value()) {
    const std::string& text = **stored;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), cursor);
    if (error != std::errc() || end != text.data() + text.size()) {
      return Status::internal("the stored webhook cursor is corrupt");
    }
  }
  std::unique_ptr<WebhookDispatcher> dispatcher(new WebhookDispatcher(graph, cursor));
  if (stored->has_value()) dispatcher->stored_cursor_ = cursor;
  KvIterator it = store.scan(Column::kMeta, kWebhookKeyPrefix);
  for (; it.valid(); it.next()) {
    auto hook = Webhook::from_stored_json(json::parse(it.value(), nullptr, false));
    if (!hook.ok()) return hook.status();
    std::string id = hook->id;
    dispatcher->hooks_[id].hook = std::move(hook).value();
  }
  EXPGRAPH_RETURN_IF_ERROR(it.status());
  return dispatcher;
}

WebhookDispatcher::~WebhookDispatcher() { stop(); }

void WebhookDispatcher::start(size_t workers) {
  std::lock_guard stop_lock(stop_mutex_);
  {
    std::lock_guard lock(mutex_);
    if (!threads_.empty() || stopping_) return;
  }
  threads_.emplace_back([this] { read_loop(); });
  for (size_t i = 0; i < workers; ++i) threads_.emplace_back([this] { work_loop(); });
}

void WebhookDispatcher::stop() {
  std::lock_guard stop_lock(stop_mutex_);
  {
    std::unique_lock lock(mutex_);
    stopping_ = true;
    changed_.notify_all();
    changed_.wait_for(lock, kStopGrace, [this] { return in_flight_.empty(); });
    for (httplib::Client* client : in_flight_) client->stop();
  }
  changed_.notify_all();
  for (std::thread& thread : threads_) thread.join();
  threads_.clear();
  std::lock_guard lock(mutex_);
  persist_cursor();
}

Result<Webhook> WebhookDispatcher::add(Webhook hook) {
  auto id = random_id();
  if (!id.ok()) return id.status();
  hook.id = *id;
  hook.created_at_ms = now_epoch_ms();
  std::lock_guard lock(mutex_);
  // Everything committed so far is before the registration; the reader may still have such
  // records ahead of it and skips them for this webhook.
  hook.after_sequence = std::max(graph_.last_sequence(), position_);
  hook.finished_through = event_position(hook.after_sequence + 1, 0) - 1;
  persist(hook);
  HookState& state = hooks_[hook.id];
  state.hook = hook;
  persist_cursor();
  return hook;
}

Status WebhookDispatcher::remove(const std::string& id) {
  std::lock_guard lock(mutex_);
  auto found = hooks_.find(id);
  if (found == hooks_.end()) return Status::not_found("no webhook \"" + id + "\"");
  KvWriteBatch batch;
  batch.erase(Column::kMeta, std::string(kWebhookKeyPrefix) + id);
  EXPGRAPH_RETURN_IF_ERROR(graph_.storage().write(batch));
  pending_total_ -= found->second.queue.size();
  hooks_.erase(found);
  changed_.notify_all();
  return Status();
}

json WebhookDispatcher::list() const {
  std::lock_guard lock(mutex_);
  json hooks = json::array();
  for (const auto& [id, state] : hooks_) {
    json hook = state.hook.to_public_json();
    hook["pending"] = state.queue.size();
    hooks.push_back(std::move(hook));
  }
  return hooks;
}

Result<json> WebhookDispatcher::deliveries(const std::string& id) const {
  std::lock_guard lock(mutex_);
  auto found = hooks_.find(id);
  if (found == hooks_.end()) return Status::not_found("no webhook \"" + id + "\"");
  json out = json::array();
  for (const Pending& pending : found->second.queue) out.push_back(pending.record.to_json());
  for (const DeliveryRecord& record : found->second.recent) out.push_back(record.to_json());
  return out;
}

void WebhookDispatcher::read_loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    bool read = read_some();
    lock.lock();
    if (!read) changed_.wait_for(lock, kPollInterval, [this] { return stopping_; });
  }
}

bool WebhookDispatcher::read_some() {
  uint64_t position;
  {
    std::lock_guard lock(mutex_);
    if (hooks_.empty()) {
      // Nobody listens: nothing to queue, and no cursor to keep.
      position_ = std::max(position_, graph_.last_sequence());
      return false;
    }
    if (pending_total_ >= kQueueCapacity) return false;
    position = position_;
  }
  if (graph_.last_sequence() <= position) return false;
  auto page = list_changes(graph_, ChangeFilter{}, kReadBatch, position);
  if (!page.ok()) {
    std::fprintf(stderr, "expgraphd: webhooks: reading the change log: %s\n",
                 page.status().message().c_str());
    return false;
  }
  std::lock_guard lock(mutex_);
  if (position_ != position) return true;  // not expected: only this thread moves it
  bool queued = false;
  for (const ChangeRecord& record : page->changes) {
    if (pending_total_ >= kQueueCapacity) break;
    for (const WebhookEvent& event : webhook_events_of(record)) {
      const uint64_t event_at = event_position(event.sequence, event.ordinal);
      for (auto& [id, state] : hooks_) {
        const Webhook& hook = state.hook;
        if (event.sequence <= hook.after_sequence || event_at <= hook.finished_through) continue;
        if (std::find(hook.events.begin(), hook.events.end(), event.name) == hook.events.end()) {
          continue;
        }
        Pending pending;
        pending.record.event_id = event.payload["id"].get<std::string>();
        pending.record.event = event.name;
        pending.record.sequence = event.sequence;
        pending.record.state = "pending";
        pending.position = event_at;
        json payload = event.payload;
        payload["webhook"] = id;
        pending.body = payload.dump(-1, ' ', false, json::error_handler_t::replace);
        pending.due = Clock::now();
        state.queue.push_back(std::move(pending));
        ++pending_total_;
        queued = true;
      }
    }
    position_ = record.sequence;
  }
  if (queued) changed_.notify_all();
  if (!queued) persist_cursor();  // nothing outstanding may let the cursor move on
  return true;
}

void WebhookDispatcher::work_loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    // The webhook whose front delivery is due first, among those no worker is sending.
    HookState* chosen = nullptr;
    Clock::time_point earliest = Clock::time_point::max();
    for (auto& [id, state] : hooks_) {
      if (state.busy || state.queue.empty()) continue;
      if (state.queue.front().due < earliest) {
        earliest = state.queue.front().due;
        chosen = &state;
      }
    }
    if (chosen == nullptr || earliest > Clock::now()) {
      auto wake = chosen == nullptr ? Clock::now() + std::chrono::seconds(1) : earliest;
      changed_.wait_until(lock, wake);
      continue;
    }
    chosen->busy = true;
    const std::string id = chosen->hook.id;
    const Webhook hook = chosen->hook;
    const Pending pending = chosen->queue.front();
    lock.unlock();
    Attempt attempt = send(hook, pending);
    lock.lock();

    auto found = hooks_.find(id);
    if (found == hooks_.end()) continue;  // removed meanwhile
    HookState& state = found->second;
    state.busy = false;
    if (state.queue.empty() || state.queue.front().position != pending.position) continue;
    Pending& front = state.queue.front();
    front.record.attempts += 1;
    front.record.last_status = attempt.status;
    front.record.error = attempt.error;
    front.record.last_attempt_ms = now_epoch_ms();
    const bool delivered = attempt.status >= 200 && attempt.status < 300;
    if (!delivered && front.record.attempts < state.hook.max_attempts && !stopping_) {
      front.due = Clock::now() + std::chrono::milliseconds(
                                     backoff_ms(state.hook, front.record.attempts));
      changed_.notify_all();
      continue;
    }
    if (!delivered && stopping_ && front.record.attempts < state.hook.max_attempts) {
      continue;  // cut off by stop(): sent again after the restart
    }
    front.record.state = delivered ? "delivered" : "failed";
    (delivered ? state.hook.delivered : state.hook.failed) += 1;
    state.hook.finished_through = front.position;
    state.hook.last_delivery = front.record;
    state.recent.push_front(front.record);
    if (state.recent.size() > kRecentDeliveries) state.recent.pop_back();
    state.queue.pop_front();
    --pending_total_;
    persist(state.hook);
    persist_cursor();
    changed_.notify_all();
  }
}

WebhookDispatcher::Attempt WebhookDispatcher::send(const Webhook& hook, const Pending& pending) {
  Attempt attempt;
  auto url = split_webhook_url(hook.url);
  if (!url.ok()) {
    attempt.error = url.status().message();
    return attempt;
  }
  httplib::Client client(url->origin);
  client.set_connection_timeout(kConnectTimeoutSeconds, 0);
  client.set_read_timeout(kReadTimeoutSeconds, 0);
  client.set_write_timeout(kReadTimeoutSeconds, 0);
  client.set_follow_location(false);
  {
    std::lock_guard lock(mutex_);
    if (stopping_) {
      attempt.error = "the server is stopping";
      return attempt;
    }
    in_flight_.insert(&client);
  }
  const int64_t now_seconds = now_epoch_ms() / 1000;
  httplib::Headers headers = {
      {"User-Agent", "expgraph-webhooks/1"},
      {"Expgraph-Event", pending.record.event},
      {"Expgraph-Delivery", pending.record.event_id},
      {"Expgraph-Webhook", hook.id},
      {"Expgraph-Signature", webhook_signature(hook.secret, now_seconds, pending.body)}};
  auto result = client.Post(url->path, headers, pending.body, "application/json");
  {
    std::lock_guard lock(mutex_);
    in_flight_.erase(&client);
  }
  changed_.notify_all();  // stop() may be waiting for the last answer
  if (!result) {
    attempt.error = "no answer: " + httplib::to_string(result.error());
  } else {
    attempt.status = result->status;
    if (result->status < 200 || result->status >= 300) {
      attempt.error = "the receiver answered " + std::to_string(result->status);
    }
  }
  return attempt;
}

uint64_t WebhookDispatcher::finished_cursor() const {
  uint64_t cursor = position_;
  for (const auto& [id, state] : hooks_) {
    if (!state.queue.empty()) cursor = std::min(cursor, state.queue.front().record.sequence - 1);
  }
  return cursor;
}

void WebhookDispatcher::persist(const Webhook& hook) {
  KvWriteBatch batch;
  batch.put(Column::kMeta, std::string(kWebhookKeyPrefix) + hook.id, hook.to_stored_json().dump());
  Status written = graph_.storage().write(batch);
  if (!written.ok()) {
    std::fprintf(stderr, "expgraphd: webhooks: storing %s: %s\n", hook.id.c_str(),
                 written.message().c_str());
  }
}

void WebhookDispatcher::persist_cursor() {
  if (hooks_.empty()) return;
  uint64_t cursor = finished_cursor();
  if (cursor == stored_cursor_) return;
  KvWriteBatch batch;
  batch.put(Column::kMeta, std::string(kWebhookCursorKey), std::to_string(cursor));
  Status written = graph_.storage().write(batch);
  if (written.ok()) {
    stored_cursor_ = cursor;
  } else {
    std::fprintf(stderr, "expgraphd: webhooks: storing the cursor: %s\n",
                 written.message().c_str());
  }
}

}  // namespace expgraph::api
