// The audit trail, read-only: GET /v1/nodes/{type}/{key}/history (a node's versions, oldest
// first) and GET /v1/audit (every change, filtered and paged). No route writes the trail.
#include "api/http/http_json.h"
#include "api/routes/routes.h"
#include "graph/change_log.h"

namespace expgraph::api {

namespace {

constexpr int64_t kDefaultPageSize = 100;
constexpr int64_t kMaxPageSize = 1000;

// A cursor is the last sequence of the previous page, as decimal text.
Result<uint64_t> cursor_parameter(const httplib::Request& request) {
  if (!request.has_param("cursor")) return uint64_t{0};
  auto cursor = integer_parameter(request, "cursor", 0, 0, INT64_MAX);
  if (!cursor.ok()) return Status::invalid_argument("cursor is not one this server returned");
  return static_cast<uint64_t>(*cursor);
}

nlohmann::json page_json(const std::vector<ChangeRecord>& changes, uint64_t next_cursor,
                         const char* field) {
  nlohmann::json list = nlohmann::json::array();
  for (const ChangeRecord& change : changes) list.push_back(change.to_json());
  nlohmann::json body{{field, std::move(list)}};
  body["next_cursor"] =
      next_cursor == 0 ? nlohmann::json() : nlohmann::json(std::to_string(next_cursor));
  return body;
}

Status history(GraphStore& graph, const httplib::Request& request, httplib::Response& response) {
  auto path_ref = path_node(request);
  if (!path_ref.ok()) return path_ref.status();
  const NodeRef& ref = *path_ref;
  auto limit = integer_parameter(request, "limit", kDefaultPageSize, 1, kMaxPageSize);
  if (!limit.ok()) return limit.status();
  auto cursor = cursor_parameter(request);
  if (!cursor.ok()) return cursor.status();
  // One more than asked tells whether another page follows.
  auto versions = node_history(graph, ref, static_cast<size_t>(*limit) + 1, *cursor);
  if (!versions.ok()) return versions.status();
  if (versions->empty() && *cursor == 0) {
    return Status::not_found("node " + ref.to_string() + " has no history");
  }
  uint64_t next = 0;
  if (versions->size() > static_cast<size_t>(*limit)) {
    versions->pop_back();
    next = versions->back().sequence;
  }
  nlohmann::json body = page_json(*versions, next, "versions");
  body["node"] = ref.to_string();
  send_json(response, 200, body);
  return Status();
}

Status audit(GraphStore& graph, const httplib::Request& request, httplib::Response& response) {
  ChangeFilter filter;
  filter.actor = request.get_param_value("actor");
  filter.type = request.get_param_value("type");
  auto since = datetime_parameter(request, "since");
  if (!since.ok()) return since.status();
  filter.since_ms = since->value_or(0);
  auto limit = integer_parameter(request, "limit", kDefaultPageSize, 1, kMaxPageSize);
  if (!limit.ok()) return limit.status();
  auto cursor = cursor_parameter(request);
  if (!cursor.ok()) return cursor.status();
  auto page = list_changes(graph, filter, static_cast<size_t>(*limit), *cursor);
  if (!page.ok()) return page.status();
  send_json(response, 200, page_json(page->changes, page->next_cursor, "changes"));
  return Status();
}

}  // namespace

void add_audit_routes(Router& router, GraphStore& graph) {
  router.get(std::string("/v1/nodes/") + kTypePattern + "/" + kKeyPattern + "/history",
             "/v1/nodes/{type}/{key}/history", [&graph](const auto& request, auto& response) {
               return history(graph, request, response);
             });
  router.get("/v1/audit", "/v1/audit", [&graph](const auto& request, auto& response) {
    return audit(graph, request, response);
  });
}

}  // namespace expgraph::api
