// POST /v1/query: runs an openCypher read query (or EXPLAIN) with parameters, a row limit, a
// time limit and a memory budget. Body: {"query": "...", "params": {...}, "timeout_ms": 5000,
// "limit": 10000, "memory_limit_mb": 256}.
#include "api/http/http_json.h"
#include "api/routes/routes.h"
#include "query/cypher/query_engine.h"
#include "query/query_limits.h"

namespace expgraph::api {

namespace {

Result<int64_t> limit_field(const nlohmann::json& body, const char* name, int64_t fallback) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return fallback;
  if (!it->is_number_integer()) {
    return Status::invalid_argument(std::string("\"") + name + "\" must be an integer");
  }
  if (it->is_number_unsigned() &&
      it->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return Status::invalid_argument(std::string("\"") + name + "\" is out of range");
  }
  return it->get<int64_t>();
}

Status run_query(GraphStore& graph, const httplib::Request& request, httplib::Response& response) {
  auto body = parse_json_object(request.body);
  if (!body.ok()) return body.status();
  EXPGRAPH_RETURN_IF_ERROR(check_fields(
      *body, {"query", "params", "timeout_ms", "limit", "memory_limit_mb"}, "the body"));
  auto text = string_field(*body, "query", "the body");
  if (!text.ok()) return text.status();

  cypher::Value::Map params;
  if (auto it = body->find("params"); it != body->end() && !it->is_null()) {
    if (!it->is_object()) return Status::invalid_argument("\"params\" must be an object");
    auto value = cypher::from_json(*it);
    if (!value.ok()) return value.status();
    params = value->as_map();
  }
  auto max_rows = limit_field(*body, "limit", QueryLimits::kDefaultRows);
  if (!max_rows.ok()) return max_rows.status();
  auto timeout_ms = limit_field(*body, "timeout_ms", QueryLimits::kDefaultTimeoutMs);
  if (!timeout_ms.ok()) return timeout_ms.status();
  auto memory_mb = limit_field(*body, "memory_limit_mb", QueryLimits::kDefaultMemoryMb);
  if (!memory_mb.ok()) return memory_mb.status();
  auto limits = QueryLimits::from_request(*max_rows, *timeout_ms, *memory_mb);
  if (!limits.ok()) return limits.status();

  auto result = cypher::run_query(graph, *text, params, *limits);
  if (!result.ok()) return result.status();
  send_json(response, 200, result->to_json());
  return Status();
}

}  // namespace

void add_query_routes(Router& router, GraphStore& graph) {
  router.post("/v1/query", "/v1/query", [&graph](const auto& request, auto& response) {
    return run_query(graph, request, response);
  });
}

}  // namespace expgraph::api
