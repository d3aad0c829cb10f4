// Edge routes: create or update an edge, delete it.
#include "api/auth/access_control.h"
#include "api/convert/graph_json.h"
#include "api/http/http_json.h"
#include "api/routes/routes.h"

namespace expgraph::api {

namespace {

Result<EdgeWrite> edge_from_body(const httplib::Request& request) {
  auto body = take_json_body(request);
  if (!body.ok()) return body.status();
  return edge_write_from_json(std::move(*body), "the edge");
}

}  // namespace

void add_edge_routes(Router& router, GraphStore& graph) {
  router.post("/v1/edges", "/v1/edges",
              [&graph](const httplib::Request& request, httplib::Response& response) -> Status {
                auto edge = edge_from_body(request);
                if (!edge.ok()) return edge.status();
                WriteRequest write;
                write.actor = current_actor();
                write.edges.push_back(*edge);
                auto summary = graph.write(write);
                if (!summary.ok()) return summary.status();
                WriteOutcome outcome = summary->edges[0];
                EdgeRecord record{edge->type, edge->from, edge->to, 0, 0, edge->properties};
                send_json(response, outcome == WriteOutcome::kCreated ? 201 : 200,
                          {{"edge", record.to_json()}, {"outcome", write_outcome_name(outcome)}});
                return Status();
              });
  router.del("/v1/edges", "/v1/edges",
             [&graph](const httplib::Request& request, httplib::Response& response) -> Status {
               auto edge = edge_from_body(request);
               if (!edge.ok()) return edge.status();
               WriteRequest write;
               write.actor = current_actor();
               write.edge_deletes.push_back(*edge);
               auto summary = graph.write(write);
               if (!summary.ok()) return summary.status();
               send_json(response, 200, {{"deleted", true}});
               return Status();
             });
}

}  // namespace expgraph::api
