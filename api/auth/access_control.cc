#include "api/auth/access_control.h"

#include <algorithm>

#include "api/http/http_json.h"
#include "api/http/request_head.h"

namespace expgraph::api {

namespace {

constexpr std::string_view kAnonymous = "anonymous";
constexpr std::string_view kBearer = "Bearer";

thread_local Principal request_principal{std::string(kAnonymous), Role::kAdmin};

// The request line's method and path, for error messages.
std::string route_of(const httplib::Request& request) {
  return request.method + " " + request.path;
}

}  // namespace

std::string_view access_name(Access access) {
  switch (access) {
    case Access::kOpen:
      return "open";
    case Access::kReader:
      return "reader";
    case Access::kWriter:
      return "writer";
    case Access::kAdmin:
      return "admin";
  }
  return "admin";
}

const std::vector<std::pair<std::string_view, Access>>& access_table() {
  static const std::vector<std::pair<std::string_view, Access>> kTable = {
      // Probes for load balancers and orchestrators: no key.
      {"GET /healthz", Access::kOpen},
      {"GET /readyz", Access::kOpen},
      // The web UI's page and bundle: static files, no data; the page asks for a key itself.
      {"GET /", Access::kOpen},
      {"GET /assets/{file}", Access::kOpen},
      // The API page and its script hold no data; the page asks for a key to read the
      // description.
      {"GET /v1/docs", Access::kOpen},
      {"GET /v1/docs/redoc.standalone.js", Access::kOpen},
      // Reads, including read-only queries and search sent with POST.
      {"GET /metrics", Access::kReader},
      {"GET /v1/ontology", Access::kReader},
      {"GET /v1/openapi.json", Access::kReader},
      // The caller's own key name and role: any valid key may ask.
      {"GET /v1/auth/me", Access::kReader},
      {"GET /v1/nodes/{type}", Access::kReader},
      {"GET /v1/nodes/{type}/{key}", Access::kReader},
      {"GET /v1/nodes/{type}/{key}/edges", Access::kReader},
      {"GET /v1/nodes/{type}/{key}/neighborhood", Access::kReader},
      {"GET /v1/nodes/{type}/{key}/history", Access::kReader},
      {"GET /v1/paths", Access::kReader},
      {"GET /v1/export", Access::kReader},
      {"GET /v1/export/csv", Access::kReader},
      {"GET /v1/export/csv/{kind}/{type}.csv", Access::kReader},
      {"GET /v1/audit", Access::kReader},
      {"GET /v1/changes", Access::kReader},
      {"POST /v1/query", Access::kReader},
      {"POST /v1/search", Access::kReader},
      // Insights only read the graph, although recommendations and forecasts are POSTs.
      {"POST /v1/recommendations/similar-tests", Access::kReader},
      {"GET /v1/patterns", Access::kReader},
      {"POST /v1/forecast", Access::kReader},
      {"GET /v1/models/forecast", Access::kReader},
      {"GET /v1/stats/program", Access::kReader},
      // Writes.
      {"PUT /v1/nodes/{type}/{key}", Access::kWriter},
      {"DELETE /v1/nodes/{type}/{key}", Access::kWriter},
      {"POST /v1/edges", Access::kWriter},
      {"DELETE /v1/edges", Access::kWriter},
      {"POST /v1/batch", Access::kWriter},
      {"POST /v1/import", Access::kWriter},
      // Administration.
      {"POST /v1/admin/keys", Access::kAdmin},
      {"GET /v1/admin/keys", Access::kAdmin},
      {"DELETE /v1/admin/keys/{name}", Access::kAdmin},
      {"POST /v1/admin/backup", Access::kAdmin},
      {"POST /v1/admin/webhooks", Access::kAdmin},
      {"GET /v1/admin/webhooks", Access::kAdmin},
      {"GET /v1/admin/webhooks/{id}/deliveries", Access::kAdmin},
      {"DELETE /v1/admin/webhooks/{id}", Access::kAdmin},
      // Read replicas' bootstrap and update stream: all the data, API key hashes included.
      {"GET /v1/replication/checkpoint", Access::kAdmin},
      {"GET /v1/replication/updates", Access::kAdmin},
      // A replica's replies on its stream, and the list of replicas (their addresses).
      {"POST /v1/replication/replies", Access::kAdmin},
      {"GET /v1/replication/replicas", Access::kAdmin},
  };
  return kTable;
}

Access required_access(std::string_view label) {
  const auto& table = access_table();
  auto found = std::find_if(table.begin(), table.end(),
                            [label](const auto& entry) { return entry.first == label; });
  return found == table.end() ? Access::kAdmin : found->second;
}

std::optional<Access> route_access(std::string_view method, std::string_view path) {
  for (const auto& [label, access] : access_table()) {
    std::string_view route = label;
    size_t space = route.find(' ');
    if (route.substr(0, space) != method) continue;
    route.remove_prefix(space + 1);
    // Segment by segment: a "{name}" segment matches any non-empty one.
    std::string_view rest = path;
    bool matches = true;
    while (matches && !route.empty() && !rest.empty()) {
      size_t route_end = route.find('/', 1);
      size_t rest_end = rest.find('/', 1);
      std::string_view segment = route.substr(0, route_end);
      std::string_view given = rest.substr(0, rest_end);
      matches = segment.starts_with("/{") ? given.size() > 1 : segment == given;
      route.remove_prefix(std::min(route_end, route.size()));
      rest.remove_prefix(std::min(rest_end, rest.size()));
    }
    if (matches && route.empty() && rest.empty()) return access;
  }
  return std::nullopt;
}

Result<Principal> authorize(const httplib::Request& request, Access access,
                            const ApiKeyStore* keys) {
  if (keys == nullptr || access == Access::kOpen) {
    return Principal{std::string(kAnonymous), Role::kAdmin};
  }
  const std::string& header = request.get_header_value("Authorization");
  if (header.empty()) {
    return Status(StatusCode::kUnauthenticated,
                  route_of(request) + " needs an API key: send Authorization: Bearer <key>");
  }
  // The scheme is case-insensitive and followed by one or more spaces (RFC 9110 section 11).
  size_t key_start = header.find_first_not_of(' ', kBearer.size());
  if (!iequals(std::string_view(header).substr(0, kBearer.size()), kBearer) ||
      key_start == kBearer.size() || key_start == std::string::npos) {
    return Status(StatusCode::kUnauthenticated,
                  "the Authorization header must be \"Bearer <key>\"");
  }
  std::optional<Principal> principal = keys->authenticate(header.substr(key_start));
  if (!principal) {
    return Status(StatusCode::kUnauthenticated, "the API key is not valid (unknown or revoked)");
  }
  if (static_cast<int>(principal->role) < static_cast<int>(access)) {
    return Status(StatusCode::kPermissionDenied, route_of(request) + " needs the " +
                                                     std::string(access_name(access)) +
                                                     " role; key \"" + principal->name + "\" is " +
                                                     std::string(role_name(principal->role)));
  }
  return *principal;
}

void refuse_access(const Status& status, httplib::Response& response) {
  if (status.code() == StatusCode::kUnauthenticated) {
    response.set_header("WWW-Authenticate", "Bearer realm=\"expgraph\"");
  }
  send_error(response, status);
}

const Principal& current_principal() { return request_principal; }

const std::string& current_actor() { return request_principal.name; }

ActorScope::ActorScope(Principal principal) : previous_(std::move(request_principal)) {
  request_principal = std::move(principal);
}

ActorScope::~ActorScope() { request_principal = std::move(previous_); }

}  // namespace expgraph::api
