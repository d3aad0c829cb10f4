// Operational routes: liveness, readiness, Prometheus metrics and the ontology in force.
#include "api/http/http_json.h"
#include "api/replication/replica_status.h"
#include "api/routes/routes.h"

namespace expgraph::api {

void add_system_routes(Router& router, GraphStore& graph, Metrics& metrics,
                       const replication::ReplicaStatus* replica) {
  router.get("/healthz", "/healthz", [](const httplib::Request&, httplib::Response& response) {
    send_json(response, 200, {{"status", "ok"}});
    return Status();
  });
  // The server only starts listening once the graph is open and the mirror rebuilt.
  // A replica is ready while it is caught up within its --replica-max-lag-ms.
  router.get("/readyz", "/readyz",
             [&graph, replica](const httplib::Request&, httplib::Response& response) {
               nlohmann::json body = {{"status", "ready"},
                                      {"nodes", graph.node_count()},
                                      {"edges", graph.edge_count()}};
               int code = 200;
               if (replica != nullptr) {
                 // The verdict first, the details after: needs_restart and rebootstrapping turn
                 // off only when the data is opened again, so the details then show the flag
                 // the reason names (read the other way round, a reason "stopped following"
                 // could come with needs_restart false: a flaky replication test showed it).
                 const bool ready = replica->ready();
                 const std::string reason = replica->not_ready_reason();
                 body["replication"] = replica->to_json();
                 if (!ready) {
                   body["status"] = "not_ready";
                   body["reason"] = reason;
                   code = 503;
                 }
               }
               send_json(response, code, body);
               return Status();
             });
  router.get("/metrics", "/metrics",
             [&metrics](const httplib::Request&, httplib::Response& response) {
               response.set_content(metrics.render(), "text/plain; version=0.0.4");
               return Status();
             });
  router.get("/v1/ontology", "/v1/ontology",
             [&graph](const httplib::Request&, httplib::Response& response) {
               send_json(response, 200, graph.ontology().to_json());
               return Status();
             });
}

}  // namespace expgraph::api
