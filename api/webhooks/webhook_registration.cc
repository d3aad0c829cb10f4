#include "api/webhooks/webhook_registration.h"

#include <algorithm>
#include <charconv>
#include <string_view>

#include "api/webhooks/webhook_events.h"
#include "graph/records.h"

namespace expgraph::api {

namespace {

using nlohmann::json;

constexpr size_t kMinimumSecretLength = 16;
constexpr size_t kMaximumSecretLength = 256;
constexpr size_t kMaximumUrlLength = 2048;
constexpr int kMaximumAttempts = 20;
constexpr int64_t kMinimumRetryBaseMs = 10;
constexpr int64_t kMaximumRetryBaseMs = 3600 * 1000;

// A URL's host and port as the HTTP client reads them: a name or IPv4 address, or an IPv6
// address in brackets, then optionally ":" and a port from 1 to 65535. The client converts the
// port with std::stoi, which throws on one that overflows an int: stored unchecked, such a URL
// took the server down at its first delivery, and again at every start.
Status check_authority(const std::string& authority, const std::string& url) {
  std::string_view host = authority;
  std::string_view port;
  if (host.starts_with('[')) {
    size_t close = host.find(']');
    if (close == std::string_view::npos) {
      return Status::invalid_argument("url \"" + url + "\" has an IPv6 address without its ']'");
    }
    port = host.substr(close + 1);
    host = host.substr(1, close - 1);
    if (!port.empty() && !port.starts_with(':')) {
      return Status::invalid_argument("url \"" + url + "\" has text after its IPv6 address");
    }
    if (host.empty() || host.find_first_not_of("0123456789abcdefABCDEF:.") != std::string::npos) {
      return Status::invalid_argument("url \"" + url + "\" has an invalid IPv6 address");
    }
  } else {
    size_t colon = host.find(':');
    if (colon != std::string_view::npos) {
      port = host.substr(colon);
      host = host.substr(0, colon);
    }
    const bool valid_name = !host.empty() && std::all_of(host.begin(), host.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '.' || c == '-' || c == '_';
    });
    if (!valid_name) {
      return Status::invalid_argument("url \"" + url +
                                      "\" needs a host name or address (letters, digits, . - _)");
    }
  }
  if (port.empty()) return Status();
  port.remove_prefix(1);  // the ':'
  int value = 0;
  auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || port.size() > 5 || error != std::errc() || end != port.data() + port.size() ||
      value < 1 || value > 65535) {
    return Status::invalid_argument("url \"" + url + "\" needs a port from 1 to 65535");
  }
  return Status();
}

}  // namespace

json DeliveryRecord::to_json() const {
  json out = {{"event_id", event_id},       {"event", event},
              {"sequence", sequence},       {"state", state},
              {"attempts", attempts},       {"last_status", last_status},
              {"error", error}};
  out["last_attempt_at"] = last_attempt_ms > 0 ? json(format_timestamp(last_attempt_ms)) : json();
  out["last_attempt_ms"] = last_attempt_ms;
  return out;
}

DeliveryRecord DeliveryRecord::from_json(const json& in) {
  DeliveryRecord record;
  record.event_id = in.value("event_id", "");
  record.event = in.value("event", "");
  record.sequence = in.value("sequence", uint64_t{0});
  record.state = in.value("state", "");
  record.attempts = in.value("attempts", 0);
  record.last_status = in.value("last_status", 0);
  record.error = in.value("error", "");
  record.last_attempt_ms = in.value("last_attempt_ms", int64_t{0});
  return record;
}

json Webhook::to_stored_json() const {
  json out = to_public_json();
  out["secret"] = secret;
  out["created_at_ms"] = created_at_ms;
  out["finished_through"] = finished_through;
  return out;
}

Result<Webhook> Webhook::from_stored_json(const json& in) {
  if (!in.is_object() || !in["id"].is_string() || !in["url"].is_string() ||
      !in["secret"].is_string() || !in["events"].is_array()) {
    return Status::internal("a stored webhook is corrupt");
  }
  Webhook hook;
  hook.id = in["id"].get<std::string>();
  hook.url = in["url"].get<std::string>();
  hook.secret = in["secret"].get<std::string>();
  for (const json& event : in["events"]) {
    if (event.is_string()) hook.events.push_back(event.get<std::string>());
  }
  hook.created_at_ms = in.value("created_at_ms", int64_t{0});
  hook.after_sequence = in.value("after_sequence", uint64_t{0});
  hook.max_attempts = in.value("max_attempts", 8);
  hook.retry_base_ms = in.value("retry_base_ms", int64_t{1000});
  hook.finished_through = in.value("finished_through", uint64_t{0});
  hook.delivered = in.value("delivered", uint64_t{0});
  hook.failed = in.value("failed", uint64_t{0});
  if (in.contains("last_delivery") && in["last_delivery"].is_object()) {
    hook.last_delivery = DeliveryRecord::from_json(in["last_delivery"]);
  }
  return hook;
}

json Webhook::to_public_json() const {
  json out = {{"id", id},
              {"url", url},
              {"events", events},
              {"created_at", format_timestamp(created_at_ms)},
              {"after_sequence", after_sequence},
              {"max_attempts", max_attempts},
              {"retry_base_ms", retry_base_ms},
              {"delivered", delivered},
              {"failed", failed}};
  out["last_delivery"] = last_delivery ? last_delivery->to_json() : json();
  return out;
}

Result<SplitUrl> split_webhook_url(const std::string& url) {
  if (url.size() > kMaximumUrlLength) {
    return Status::invalid_argument("url is longer than 2048 characters");
  }
  size_t scheme_end = url.find("://");
  std::string scheme = scheme_end == std::string::npos ? "" : url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") {
    return Status::invalid_argument("url must be an absolute http:// or https:// URL, got \"" +
                                    url + "\"");
  }
  size_t path_start = url.find_first_of("/?#", scheme_end + 3);
  std::string authority = url.substr(scheme_end + 3, path_start == std::string::npos
                                                         ? std::string::npos
                                                         : path_start - scheme_end - 3);
  if (authority.empty() || authority.find('@') != std::string::npos ||
      authority.find_first_of(" \t\r\n") != std::string::npos) {
    return Status::invalid_argument("url \"" + url +
                                    "\" needs a host (and no user information)");
  }
  EXPGRAPH_RETURN_IF_ERROR(check_authority(authority, url));
  SplitUrl split;
  split.origin = scheme + "://" + authority;
  split.path = path_start == std::string::npos ? "/" : url.substr(path_start);
  if (split.path.find('#') != std::string::npos) split.path.erase(split.path.find('#'));
  if (split.path.empty() || split.path[0] == '?') split.path.insert(0, "/");
  // The path goes into the request line as it is: a space, a control character or a line
  // break would end that line early and put the rest of the URL into the request's headers.
  for (char c : split.path) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return Status::invalid_argument("url \"" + url +
                                      "\" holds a space or a control character in its path; "
                                      "percent-encode it");
    }
  }
  return split;
}

Result<Webhook> webhook_from_request(const json& body) {
  Webhook hook;
  if (!body.contains("url") || !body["url"].is_string()) {
    return Status::invalid_argument("the body needs \"url\", a string");
  }
  hook.url = body["url"].get<std::string>();
  auto split = split_webhook_url(hook.url);
  if (!split.ok()) return split.status();

  if (!body.contains("events") || !body["events"].is_array() || body["events"].empty()) {
    return Status::invalid_argument(
        "the body needs \"events\", a non-empty array of event names");
  }
  for (const json& event : body["events"]) {
    if (!event.is_string() || !is_webhook_event(event.get<std::string>())) {
      std::string names;
      for (const std::string& name : webhook_event_names()) names += (names.empty() ? "" : ", ") + name;
      return Status::invalid_argument("unknown event " + event.dump() + " in events; known: " +
                                      names);
    }
    std::string name = event.get<std::string>();
    if (std::find(hook.events.begin(), hook.events.end(), name) == hook.events.end()) {
      hook.events.push_back(std::move(name));
    }
  }

  if (!body.contains("secret") || !body["secret"].is_string()) {
    return Status::invalid_argument("the body needs \"secret\", a string");
  }
  hook.secret = body["secret"].get<std::string>();
  if (hook.secret.size() < kMinimumSecretLength || hook.secret.size() > kMaximumSecretLength) {
    return Status::invalid_argument("secret must have 16 to 256 characters");
  }

  if (body.contains("max_attempts")) {
    const json& value = body["max_attempts"];
    if (!value.is_number_integer() || value.get<int64_t>() < 1 ||
        value.get<int64_t>() > kMaximumAttempts) {
      return Status::invalid_argument("max_attempts must be an integer from 1 to 20");
    }
    hook.max_attempts = value.get<int>();
  }
  if (body.contains("retry_base_ms")) {
    const json& value = body["retry_base_ms"];
    if (!value.is_number_integer() || value.get<int64_t>() < kMinimumRetryBaseMs ||
        value.get<int64_t>() > kMaximumRetryBaseMs) {
      return Status::invalid_argument("retry_base_ms must be an integer from 10 to 3600000");
    }
    hook.retry_base_ms = value.get<int64_t>();
  }
  return hook;
}

}  // namespace expgraph::api
