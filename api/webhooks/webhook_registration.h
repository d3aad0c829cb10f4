// A webhook registration and how it is kept: what an admin registered (url, events, secret,
// retry policy), where its deliveries stand, and its form in RocksDB's `meta` column family
// ("webhook/hook/<id>" -> JSON; the dispatcher's log cursor under "webhook/cursor"). Like API
// keys, registrations are not graph data: they bypass the ontology, the change log and exports.
// Used by WebhookDispatcher. Plain values and pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ontology/status.h"

namespace expgraph::api {

inline constexpr std::string_view kWebhookKeyPrefix = "webhook/hook/";
inline constexpr std::string_view kWebhookCursorKey = "webhook/cursor";

// What happened to one event sent to one webhook.
struct DeliveryRecord {
  std::string event_id;  // "<sequence>.<event>", the same for every webhook
  std::string event;
  uint64_t sequence = 0;
  std::string state;     // "pending", "delivered" or "failed" (attempts exhausted)
  int attempts = 0;
  int last_status = 0;   // the receiver's HTTP status of the last attempt; 0 when none came
  std::string error;     // why the last attempt failed, empty when it did not
  int64_t last_attempt_ms = 0;

  nlohmann::json to_json() const;
  static DeliveryRecord from_json(const nlohmann::json& json);
};

struct Webhook {
  std::string id;  // "wh_" and 16 hex digits
  std::string url;
  std::vector<std::string> events;
  std::string secret;  // kept to sign; never answered
  int64_t created_at_ms = 0;
  // Only changes committed after this sequence are delivered (the log's head at registration).
  uint64_t after_sequence = 0;
  int max_attempts = 8;
  int64_t retry_base_ms = 1000;  // the wait before attempt n+1 is retry_base_ms * 2^(n-1)
  // event_position() of the last event finished (delivered or given up): a restart does not
  // send it again.
  uint64_t finished_through = 0;
  uint64_t delivered = 0;
  uint64_t failed = 0;
  std::optional<DeliveryRecord> last_delivery;

  // The stored form (with the secret).
  nlohmann::json to_stored_json() const;
  static Result<Webhook> from_stored_json(const nlohmann::json& json);
  // The public form (without the secret).
  nlohmann::json to_public_json() const;
};

// Checks a POST /v1/admin/webhooks body {url, events, secret, max_attempts?, retry_base_ms?}
// and returns the registration it asks for (id, creation time and after_sequence unset).
// invalid_argument naming the field otherwise.
Result<Webhook> webhook_from_request(const nlohmann::json& body);

// A URL split for the HTTP client: "http://host:port" and the path with its query ("/" when
// none). invalid_argument when it is not an absolute http or https URL with a host, an optional
// port from 1 to 65535, and a path free of spaces and control characters.
struct SplitUrl {
  std::string origin;
  std::string path;
};
Result<SplitUrl> split_webhook_url(const std::string& url);

}  // namespace expgraph::api
