// The events webhooks subscribe to, derived from committed change-log records: which records
// raise which events, and the JSON each delivery carries. Used by WebhookDispatcher. Pure
// functions, thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "graph/change_record.h"

namespace expgraph::api {

// One event raised by one change-log record.
struct WebhookEvent {
  std::string name;     // one of webhook_event_names()
  uint64_t sequence = 0;
  // Orders the events of one record (the index of `name` in webhook_event_names()), so that
  // (sequence, ordinal) is a total order over every event ever raised.
  uint32_t ordinal = 0;
  nlohmann::json payload;  // without the webhook id, which the dispatcher adds
};

// experiment.concluded, experiment.decision, learning.created, result.significant.
const std::vector<std::string>& webhook_event_names();
bool is_webhook_event(std::string_view name);

// The events a committed record raises, in ordinal order (often none):
//   experiment.concluded  an Experiment's status became "concluded" (or it was created so)
//   experiment.decision   an Experiment's decision was set or changed
//   learning.created      a Learning was created
//   result.significant    a Result's `significant` became true (or it was created so)
// Payload: {id, event, sequence, occurred_at, actor, subject, node, previous}, where `node` is
// the node's state after the change and `previous` its properties before (null when created).
std::vector<WebhookEvent> webhook_events_of(const ChangeRecord& record);

// (sequence, ordinal) as one number that grows with both: the dispatcher's per-webhook mark of
// what it has finished.
inline uint64_t event_position(uint64_t sequence, uint32_t ordinal) {
  return sequence * 8 + ordinal;
}

}  // namespace expgraph::api
