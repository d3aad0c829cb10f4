// Node routes: create or replace, read, delete, list, and a node's edges.
#include "api/auth/access_control.h"
#include "api/convert/graph_json.h"
#include "api/http/http_json.h"
#include "api/routes/routes.h"

namespace expgraph::api {

namespace {

constexpr int64_t kDefaultPageSize = 100;
constexpr int64_t kMaxPageSize = 10000;

Status put_node(GraphStore& graph, const httplib::Request& request, httplib::Response& response) {
  auto ref = path_node(request);
  if (!ref.ok()) return ref.status();
  auto body = take_json_body(request);
  if (!body.ok()) return body.status();
  EXPGRAPH_RETURN_IF_ERROR(check_fields(*body, {"properties", "embedding"}, "the body"));
  auto embedding = embedding_from_json(*body, "the body");
  if (!embedding.ok()) return embedding.status();
  // Moved out of the parsed body, which is not needed after it: a large value is not copied.
  auto properties = properties_from_json(std::move(*body), "the body");
  if (!properties.ok()) return properties.status();

  WriteRequest write;
  write.actor = current_actor();
  NodeWrite written;
  written.type = ref->type;
  written.key = ref->key;
  written.properties = std::move(properties).value();
  written.embedding = std::move(embedding).value();
  write.nodes.push_back(std::move(written));
  // The write moves the properties out of the request, and the answer out of the record the
  // write committed: a large value is neither copied nor read back.
  auto summary = graph.write(std::move(write));
  if (!summary.ok()) return summary.status();
  WriteOutcome outcome = summary->nodes[0];
  nlohmann::json result = std::move(summary->node_records[0]).to_json();
  result["outcome"] = write_outcome_name(outcome);
  send_json(response, outcome == WriteOutcome::kCreated ? 201 : 200, result);
  return Status();
}

Status delete_node(GraphStore& graph, const httplib::Request& request,
                   httplib::Response& response) {
  auto ref = path_node(request);
  if (!ref.ok()) return ref.status();
  if (graph.ontology().node_type(ref->type) == nullptr) {
    return Status::not_found("unknown node type \"" + ref->type + "\"");
  }
  WriteRequest write;
  write.actor = current_actor();
  write.node_deletes.push_back(*ref);
  auto summary = graph.write(write);
  if (!summary.ok()) return summary.status();
  send_json(response, 200, {{"deleted", ref->to_string()}, {"edges_deleted", summary->edges_deleted}});
  return Status();
}

Status list_edges(GraphStore& graph, const httplib::Request& request,
                  httplib::Response& response) {
  auto ref = path_node(request);
  if (!ref.ok()) return ref.status();
  Direction direction = Direction::kBoth;
  if (request.has_param("direction")) {
    auto parsed = parse_direction(request.get_param_value("direction"));
    if (!parsed) return Status::invalid_argument("direction must be out, in or both");
    direction = *parsed;
  }
  std::optional<std::string> type;
  if (request.has_param("type")) type = request.get_param_value("type");
  auto limit = integer_parameter(request, "limit", 1000, 1, 100000);
  if (!limit.ok()) return limit.status();
  auto edges = graph.edges_of(*ref, direction, type, static_cast<size_t>(*limit));
  if (!edges.ok()) return edges.status();
  nlohmann::json list = nlohmann::json::array();
  for (const EdgeRecord& edge : *edges) list.push_back(edge.to_json());
  send_json(response, 200, {{"edges", std::move(list)}});
  return Status();
}

Status list_nodes(GraphStore& graph, const httplib::Request& request,
                  httplib::Response& response) {
  std::vector<PropertyFilter> filters;
  auto range = request.params.equal_range("where");
  for (auto it = range.first; it != range.second; ++it) {
    size_t colon = it->second.find(':');
    if (colon == std::string::npos || colon == 0) {
      return Status::invalid_argument("where must be of the form property:value, got \"" +
                                      it->second + "\"");
    }
    filters.push_back(PropertyFilter{it->second.substr(0, colon), it->second.substr(colon + 1)});
  }
  auto limit = integer_parameter(request, "limit", kDefaultPageSize, 1, kMaxPageSize);
  if (!limit.ok()) return limit.status();
  std::string cursor = request.has_param("cursor") ? request.get_param_value("cursor") : "";
  auto page = graph.list_nodes(request.matches[1].str(), filters, static_cast<size_t>(*limit),
                               cursor);
  if (!page.ok()) return page.status();
  nlohmann::json nodes = nlohmann::json::array();
  for (const NodeRecord& node : page->nodes) nodes.push_back(node.to_json());
  send_json(response, 200,
            {{"nodes", std::move(nodes)},
             {"next_cursor",
              page->next_cursor.empty() ? nlohmann::json() : nlohmann::json(page->next_cursor)}});
  return Status();
}

}  // namespace

void add_node_routes(Router& router, GraphStore& graph) {
  const std::string node_path = std::string("/v1/nodes/") + kTypePattern + "/" + kKeyPattern;
  router.put(node_path, "/v1/nodes/{type}/{key}",
             [&graph](const auto& request, auto& response) {
               return put_node(graph, request, response);
             });
  router.get(node_path, "/v1/nodes/{type}/{key}",
             [&graph](const httplib::Request& request, httplib::Response& response) -> Status {
               auto ref = path_node(request);
               if (!ref.ok()) return ref.status();
               auto node = graph.get_node(*ref);
               if (!node.ok()) return node.status();
               send_json(response, 200, node->to_json());
               return Status();
             });
  router.del(node_path, "/v1/nodes/{type}/{key}",
             [&graph](const auto& request, auto& response) {
               return delete_node(graph, request, response);
             });
  router.get(node_path + "/edges", "/v1/nodes/{type}/{key}/edges",
             [&graph](const auto& request, auto& response) {
               return list_edges(graph, request, response);
             });
  router.get(std::string("/v1/nodes/") + kTypePattern, "/v1/nodes/{type}",
             [&graph](const auto& request, auto& response) {
               return list_nodes(graph, request, response);
             });
}

}  // namespace expgraph::api
