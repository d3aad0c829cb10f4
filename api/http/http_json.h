// The one place the HTTP layer turns values into responses: JSON bodies, the error body
// {"error": {"code", "message", "details"}} from a Status, and strict JSON request parsing.
// Stateless functions, thread-safe.
#pragma once

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ontology/status.h"

namespace expgraph::api {

void send_json(httplib::Response& response, int http_status, const nlohmann::json& body);
// Sends the error body with the HTTP status that the Status code maps to.
void send_error(httplib::Response& response, const Status& status);

// Parses a request body as a JSON object (with parse_json_text): 400 on malformed JSON, invalid
// UTF-8 or nesting deeper than kMaxJsonDepth.
Result<nlohmann::json> parse_json_object(const std::string& body);
// parse_json_object of the request's body, which is then released (also on error): a handler
// that has the document needs the text no more, and a large body would otherwise be held
// twice, as text and as document, until the answer is sent. httplib hands handlers the request
// as const&, but the object is its own per-request local, and nothing reads the body after the
// handler (the request logger reads the method, path and response).
Result<nlohmann::json> take_json_body(const httplib::Request& request);
// 400 unless every key of `object` is one of `allowed`.
Status check_fields(const nlohmann::json& object, std::initializer_list<std::string_view> allowed,
                    std::string_view what);
// A string field, 400 when missing (if required) or not a string.
Result<std::string> string_field(const nlohmann::json& object, std::string_view name,
                                 std::string_view what);

// A comma-separated query parameter ("A,B") as its non-empty items; empty when absent.
std::vector<std::string> list_parameter(const httplib::Request& request, const std::string& name);

// A query parameter as an integer within [minimum, maximum]; `fallback` when absent.
Result<int64_t> integer_parameter(const httplib::Request& request, const std::string& name,
                                  int64_t fallback, int64_t minimum, int64_t maximum);

// A date (2024-01-31, midnight UTC) or RFC 3339 datetime parameter as Unix epoch milliseconds;
// nullopt when absent. Offsets other than Z are read as UTC.
Result<std::optional<int64_t>> datetime_parameter(const httplib::Request& request,
                                                  const std::string& name);

}  // namespace expgraph::api
