#include "api/http/http_json.h"

#include <charconv>
#include <cstdio>
#include <ctime>

#include "api/http/http_status.h"
#include "graph/records.h"
#include "ontology/json_text.h"
#include "ontology/ontology.h"

namespace expgraph::api {

void send_json(httplib::Response& response, int http_status, const nlohmann::json& body) {
  response.status = http_status;
  // Replace invalid UTF-8 rather than throw: stored data passed validation, but a response must
  // never take the server down.
  // What set_content does, with the text moved into the response instead of copied: a large
  // answer (a node with a 16 MiB property) is held once, not twice.
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  auto content_type = response.headers.equal_range("Content-Type");
  response.headers.erase(content_type.first, content_type.second);
  response.set_header("Content-Type", "application/json");
}

void send_error(httplib::Response& response, const Status& status) {
  nlohmann::json details = nlohmann::json::array();
  for (const std::string& detail : status.details()) details.push_back(detail);
  nlohmann::json error = {
      {"code", status.error_code()}, {"message", status.message()}, {"details", details}};
  if (!status.field().empty()) error["field"] = status.field();
  send_json(response, http_status(status.code()), {{"error", std::move(error)}});
}

Result<nlohmann::json> parse_json_object(const std::string& body) {
  if (body.empty()) return Status::invalid_argument("the request body is empty; expected JSON");
  if (!is_valid_utf8(body)) return Status::invalid_argument("the request body is not valid UTF-8");
  auto document = parse_json_text(body);
  if (!document.ok()) return Status(document.status()).prepend("the request body");
  if (!document->is_object()) {
    return Status::invalid_argument("the request body must be a JSON object");
  }
  return document;
}

Result<nlohmann::json> take_json_body(const httplib::Request& request) {
  auto document = parse_json_object(request.body);
  std::string().swap(const_cast<std::string&>(request.body));
  return document;
}

Status check_fields(const nlohmann::json& object, std::initializer_list<std::string_view> allowed,
                    std::string_view what) {
  for (const auto& [name, value] : object.items()) {
    bool known = false;
    for (std::string_view field : allowed) known = known || field == name;
    if (!known) {
      std::string list;
      for (std::string_view field : allowed) list += (list.empty() ? "" : ", ") + std::string(field);
      return Status::invalid_argument(std::string(what) + " has an unknown field \"" + name +
                                      "\" (expected: " + list + ")");
    }
  }
  return Status();
}

Result<std::string> string_field(const nlohmann::json& object, std::string_view name,
                                 std::string_view what) {
  auto it = object.find(name);
  if (it == object.end()) {
    return Status::invalid_argument(std::string(what) + " needs the field \"" + std::string(name) +
                                    "\"");
  }
  if (!it->is_string()) {
    return Status::invalid_argument(std::string(what) + " field \"" + std::string(name) +
                                    "\" must be a string");
  }
  return it->get<std::string>();
}

std::vector<std::string> list_parameter(const httplib::Request& request, const std::string& name) {
  std::vector<std::string> items;
  if (!request.has_param(name)) return items;
  std::string text = request.get_param_value(name);
  for (size_t begin = 0; begin <= text.size();) {
    size_t end = text.find(',', begin);
    if (end == std::string::npos) end = text.size();
    if (end > begin) items.push_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
  return items;
}

Result<int64_t> integer_parameter(const httplib::Request& request, const std::string& name,
                                  int64_t fallback, int64_t minimum, int64_t maximum) {
  if (!request.has_param(name)) return fallback;
  std::string text = request.get_param_value(name);
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < minimum ||
      value > maximum) {
    return Status::invalid_argument("parameter \"" + name + "\" must be an integer from " +
                                    std::to_string(minimum) + " to " + std::to_string(maximum));
  }
  return value;
}

Result<std::optional<int64_t>> datetime_parameter(const httplib::Request& request,
                                                  const std::string& name) {
  if (!request.has_param(name)) return std::optional<int64_t>();
  std::string text = request.get_param_value(name);
  PropertyDef datetime{name, PropertyType::kDateTime};
  PropertyDef date{name, PropertyType::kDate};
  if (validate_property_value(date, text).ok()) text += "T00:00:00Z";
  if (!validate_property_value(datetime, text).ok()) {
    return Status::invalid_argument(name + " must be a date (2024-01-31) or an RFC 3339 datetime");
  }
  std::tm parts{};
  std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%d", &parts.tm_year, &parts.tm_mon, &parts.tm_mday,
              &parts.tm_hour, &parts.tm_min, &parts.tm_sec);
  parts.tm_year -= 1900;
  parts.tm_mon -= 1;
  // Offsets other than Z are rare in these parameters; they are read as UTC (documented).
  return std::optional<int64_t>(static_cast<int64_t>(timegm(&parts)) * 1000);
}

}  // namespace expgraph::api
