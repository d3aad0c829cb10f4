// The route groups of the HTTP API, each registered by one function in its own file.
#pragma once

#include <atomic>
#include <chrono>

#include "api/auth/api_keys.h"
#include "api/metrics.h"
#include "api/routes/router.h"
#include "graph/graph_store.h"
#include "query/similarity/similarity_index.h"

namespace expgraph::replication {
class CheckpointDownloads;
class ReplicaStatus;
class UpdateStreams;
}

namespace expgraph::api {

class WebhookDispatcher;

// Path pieces shared by the route patterns.
inline constexpr const char* kTypePattern = "([A-Za-z_][A-Za-z0-9_]*)";
inline constexpr const char* kKeyPattern = "([^/]+)";

// The node of a route matched by "/v1/nodes/" kTypePattern "/" kKeyPattern ...: its key checked
// as writes check it (400 invalid_argument otherwise), before the route looks up the type or the
// node (api/routes/path_node.cc). Every route with a node in its path reads it through this.
Result<NodeRef> path_node(const httplib::Request& request);

// PUT/GET/DELETE /v1/nodes/{type}/{key}, GET /v1/nodes/{type}, GET .../edges
void add_node_routes(Router& router, GraphStore& graph);
// POST/DELETE /v1/edges
void add_edge_routes(Router& router, GraphStore& graph);
// POST /v1/batch
void add_batch_routes(Router& router, GraphStore& graph);
// POST /v1/import (JSON Lines)
void add_import_routes(Router& router, GraphStore& graph);
// GET /v1/export (JSON Lines, streamed)
void add_export_routes(Router& router, GraphStore& graph);
// GET /v1/nodes/{type}/{key}/neighborhood, GET /v1/paths
void add_traversal_routes(Router& router, GraphStore& graph);
// POST /v1/query (openCypher read queries and EXPLAIN)
void add_query_routes(Router& router, GraphStore& graph);
// POST /v1/search (similarity search); `similarity` may be null (search disabled); a filter's
// channel, segment and metric must name nodes of `graph`
void add_search_routes(Router& router, const GraphStore& graph,
                       similarity::SimilarityIndex* similarity);
// POST /v1/recommendations/similar-tests, GET /v1/patterns, POST /v1/forecast,
// GET /v1/stats/program; `similarity` may be null (text signals then use exact matches only)
// `forecast_embedder`: the word vectors of the learned forecast's features; `max_lag`: how far
// behind the graph an answer may be while a newer snapshot loads (ServerOptions).
void add_insight_routes(Router& router, GraphStore& graph, similarity::SimilarityIndex* similarity,
                        const similarity::Embedder* forecast_embedder = nullptr,
                        std::chrono::milliseconds max_lag = std::chrono::milliseconds(0));
// GET /v1/nodes/{type}/{key}/history, GET /v1/audit (the change log, read-only)
void add_audit_routes(Router& router, GraphStore& graph);
// GET /v1/changes (the change feed, JSON Lines, long polling); a wait ends when `stopping` is
// set (it must outlive the server)
void add_change_routes(Router& router, GraphStore& graph, const std::atomic<bool>& stopping);
// POST/GET /v1/admin/keys, DELETE /v1/admin/keys/{name}
void add_admin_routes(Router& router, ApiKeyStore& keys);
// GET /v1/auth/me (the request's key name and role); `checks_keys`: whether the server
// authenticates requests (false: every request is "anonymous" with the admin role)
void add_auth_routes(Router& router, bool checks_keys);
// POST/GET /v1/admin/webhooks, GET /v1/admin/webhooks/{id}/deliveries,
// DELETE /v1/admin/webhooks/{id}
void add_webhook_routes(Router& router, WebhookDispatcher& webhooks);
// POST /v1/admin/backup: checkpoints into `backup_dir` (requested paths must stay inside it)
void add_backup_routes(Router& router, GraphStore& graph, const std::string& backup_dir);
// /healthz, /readyz, /metrics, /v1/ontology; `replica` (null on a primary) adds the replica's
// progress to /readyz, which answers 503 while it is too far behind
void add_system_routes(Router& router, GraphStore& graph, Metrics& metrics,
                       const replication::ReplicaStatus* replica = nullptr);
// GET /v1/replication/checkpoint and /v1/replication/updates (the primary's side of read
// replicas); each stream holds a slot of `streams` until it ends (503 when none is free), each
// update stream is listed in `registry` (ended when its replica's reply is overdue) and each
// checkpoint download in `downloads`; POST /v1/replication/replies (a replica's progress) and
// GET /v1/replication/replicas (the live streams and downloads); on a replica (`replica` not
// null) all answer 421 with the primary's address
void add_replication_routes(Router& router, GraphStore& graph, const std::atomic<bool>& stopping,
                            ConcurrencyLimit& streams, replication::UpdateStreams& registry,
                            replication::CheckpointDownloads& downloads,
                            const replication::ReplicaStatus* replica);
// GET /v1/openapi.json (the OpenAPI description), GET /v1/docs (the API page) and its script
void add_openapi_routes(Router& router);

}  // namespace expgraph::api
