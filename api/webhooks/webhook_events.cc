#include "api/webhooks/webhook_events.h"

#include <algorithm>

#include "graph/records.h"

namespace expgraph::api {

namespace {

using nlohmann::json;

// The property `name` of a node state ({..., "properties": {...}}), null when absent.
const json& property(const json& state, const char* name) {
  static const json kNull;
  if (!state.is_object()) return kNull;
  auto properties = state.find("properties");
  if (properties == state.end() || !properties->is_object()) return kNull;
  auto value = properties->find(name);
  return value == properties->end() ? kNull : *value;
}

}  // namespace

const std::vector<std::string>& webhook_event_names() {
  static const std::vector<std::string> kNames = {"experiment.concluded", "experiment.decision",
                                                  "learning.created", "result.significant"};
  return kNames;
}

bool is_webhook_event(std::string_view name) {
  const auto& names = webhook_event_names();
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::vector<WebhookEvent> webhook_events_of(const ChangeRecord& record) {
  std::vector<WebhookEvent> events;
  if (record.op != "put_node" || !record.after.is_object()) return events;
  auto node = record.subject.find("node");
  if (node == record.subject.end() || !node->is_string()) return events;
  const std::string& subject = node->get_ref<const std::string&>();
  const std::string type = subject.substr(0, subject.find('/'));
  const json& before = record.before;
  const json& after = record.after;

  std::vector<std::string> raised;
  if (type == "Experiment") {
    if (property(after, "status") == "concluded" && property(before, "status") != "concluded") {
      raised.push_back("experiment.concluded");
    }
    const json& decision = property(after, "decision");
    if (!decision.is_null() && decision != property(before, "decision")) {
      raised.push_back("experiment.decision");
    }
  } else if (type == "Learning" && before.is_null()) {
    raised.push_back("learning.created");
  } else if (type == "Result") {
    if (property(after, "significant") == true && property(before, "significant") != true) {
      raised.push_back("result.significant");
    }
  }

  const auto& names = webhook_event_names();
  for (const std::string& name : raised) {
    WebhookEvent event;
    event.name = name;
    event.sequence = record.sequence;
    event.ordinal =
        static_cast<uint32_t>(std::find(names.begin(), names.end(), name) - names.begin());
    json previous = before.is_object() && before.contains("properties") ? before["properties"]
                                                                        : json(nullptr);
    event.payload = {{"id", std::to_string(record.sequence) + "." + name},
                     {"event", name},
                     {"sequence", record.sequence},
                     {"occurred_at", format_timestamp(record.at_ms)},
                     {"actor", record.actor},
                     {"subject", subject},
                     {"node", after},
                     {"previous", std::move(previous)}};
    events.push_back(std::move(event));
  }
  return events;
}

}  // namespace expgraph::api
