// POST /v1/batch: many nodes and edges written all or nothing.
#include "api/auth/access_control.h"
#include "api/convert/graph_json.h"
#include "api/http/http_json.h"
#include "api/routes/routes.h"

namespace expgraph::api {

namespace {

Status post_batch(GraphStore& graph, const httplib::Request& request, httplib::Response& response) {
  auto body = take_json_body(request);
  if (!body.ok()) return body.status();
  EXPGRAPH_RETURN_IF_ERROR(check_fields(*body, {"nodes", "edges"}, "the batch"));
  WriteRequest write;
  write.actor = current_actor();
  for (const char* field : {"nodes", "edges"}) {
    auto list = body->find(field);
    if (list == body->end()) continue;
    if (!list->is_array()) {
      return Status::invalid_argument(std::string("\"") + field + "\" must be an array");
    }
    for (size_t i = 0; i < list->size(); ++i) {
      std::string what = std::string(field) + "[" + std::to_string(i) + "]";
      if (std::string_view(field) == "nodes") {
        // Moved out of the parsed body, which is not needed after: no item is copied.
        auto node = node_write_from_json(std::move((*list)[i]), what);
        if (!node.ok()) return node.status();
        write.nodes.push_back(std::move(node).value());
      } else {
        auto edge = edge_write_from_json(std::move((*list)[i]), what);
        if (!edge.ok()) return edge.status();
        write.edges.push_back(std::move(edge).value());
      }
    }
  }
  auto summary = graph.write(std::move(write));
  if (!summary.ok()) return summary.status();
  send_json(response, 200,
            {{"nodes", outcome_counts(summary->nodes)},
             {"edges", outcome_counts(summary->edges)},
             {"sequence", summary->last_sequence}});
  return Status();
}

}  // namespace

void add_batch_routes(Router& router, GraphStore& graph) {
  router.post("/v1/batch", "/v1/batch", [&graph](const auto& request, auto& response) {
    return post_batch(graph, request, response);
  });
}

}  // namespace expgraph::api
