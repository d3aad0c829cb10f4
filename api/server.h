// ApiServer: expgraph's HTTP/1.1 server (HttpServer over cpp-httplib) over an open GraphStore.
// Sets the limits (body size and memory, read timeout, threads), TLS, TCP_NODELAY, the key
// check before bodies are read, JSON errors for every failure, one log line per request, and
// the routes. Thread-safe: stop() may be called from any thread.
#pragma once

#include <httplib.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "api/auth/api_keys.h"
#include "api/http/concurrency_limit.h"
#include "api/http/http_server.h"
#include "api/http/static_assets.h"
#include "api/metrics.h"
#include "api/routes/router.h"
#include "api/webhooks/webhook_dispatcher.h"
#include "graph/graph_store.h"

namespace expgraph::similarity {
class Embedder;
class SimilarityIndex;
}
namespace expgraph::replication {
class CheckpointDownloads;
class ReplicaStatus;
class UpdateStreams;
}

namespace expgraph::api {

struct ServerOptions {
  std::string bind = "127.0.0.1";
  int port = 8080;  // 0: any free port (see ApiServer::port)
  // Each request body, as received (without chunk framing) and decompressed: 413 beyond.
  size_t max_body_bytes = size_t{16} << 20;
  // All request bodies held at once (being received or handled): 429 beyond. 0: four times
  // max_body_bytes.
  size_t max_body_memory = 0;
  // A request's head and body must arrive within this many seconds of its first byte: 408.
  int read_timeout_seconds = 60;
  // Workers serving requests: requests beyond this many at once wait for one; idle
  // kept-alive connections hold none.
  int threads = 64;
  // /v1 requests handled at once; the rest get 429 at once (workers left over still answer
  // health checks and 429s). Only effective below `threads`.
  int max_concurrent_requests = 48;
  // Replication streams (a replica's update stream or checkpoint download) served at once, each
  // holding a worker until it ends; 503 with Retry-After beyond. 0: an eighth of `threads`, at
  // least 1. Keep `max_concurrent_requests` plus this below `threads`.
  int max_replication_streams = 0;
  // An update stream whose replica promised replies (a replica of this version) and sent none
  // for this long is ended, freeing its slot and worker (docs/scale-out.md). 0: never.
  int replication_reply_timeout_seconds = 30;
  bool log_requests = true;
  // Require an API key (api/auth/access_control.h) on every route but the health probes.
  bool auth = true;
  // Where POST /v1/admin/backup writes; requested backup paths must stay inside it. Empty:
  // `backups` inside the data directory.
  std::string backup_dir;
  // HTTPS when both are set (PEM files); plain HTTP otherwise.
  std::string tls_cert_file;
  std::string tls_key_file;
  // The web UI's bundle (index.html and assets/), served at / and /assets/; empty: no UI.
  std::string web_dir;
  // Set on a read replica (expgraphd --replica-of): writes answer 421 with the primary's
  // address, /readyz and /metrics report its progress. Must outlive the server.
  const replication::ReplicaStatus* replica = nullptr;
  // The word vectors (a glove embedder) the learned forecast reads as features when the search
  // index has another embedder; null: the index's own when it is glove, else none. Must outlive
  // the server.
  const similarity::Embedder* forecast_embedder = nullptr;
  // How far behind the graph an insight answer may be while a newer catalog snapshot loads in
  // the background (query/insights/catalog_snapshots.h). 0: every answer waits for a snapshot
  // that covers every write made before its request.
  int insights_max_lag_ms = 5000;
};

class ApiServer {
 public:
  // `similarity`, when given, serves POST /v1/search and must outlive the server; without it
  // that route answers 422 search_disabled. `keys`, when given, serves the key admin routes and,
  // with options.auth, checks every request's key; it must outlive the server.
  ApiServer(GraphStore& graph, ServerOptions options,
            similarity::SimilarityIndex* similarity = nullptr, ApiKeyStore* keys = nullptr);
  ~ApiServer();

  // Binds the listening socket; after this, port() is the real port. Also reports a TLS
  // certificate or key that could not be loaded, and stored webhooks that could not be read.
  Status bind();
  int port() const { return port_; }
  // Why the web UI is not served (empty when it is): for the start-up message.
  const std::string& web_ui_missing() const { return web_ui_missing_; }
  // Serves until stop() is called, delivering webhooks meanwhile. bind() must have succeeded.
  Status serve();
  void stop();

  // Every route the server registered (method and label), for the OpenAPI coverage test.
  const std::vector<RouteInfo>& routes() const { return routes_; }

 private:
  void configure();
  // The UI's files from options_.web_dir, or null with web_ui_missing_ saying why.
  std::shared_ptr<const StaticAssets> load_web_ui();

  GraphStore& graph_;
  similarity::SimilarityIndex* similarity_;
  ApiKeyStore* keys_;
  ServerOptions options_;
  Metrics metrics_;
  ConcurrencyLimit concurrency_;
  ConcurrencyLimit replication_streams_;
  // The update streams being served, with their replicas' replies (created in configure()).
  std::unique_ptr<replication::UpdateStreams> update_streams_;
  // The checkpoint downloads being served (created in configure()).
  std::unique_ptr<replication::CheckpointDownloads> checkpoint_downloads_;
  HttpServer server_;
  int port_ = 0;
  std::string web_ui_missing_;
  std::vector<RouteInfo> routes_;
  // Webhook deliveries (api/webhooks/); null, with the reason in webhooks_error_, when the
  // stored registrations cannot be read.
  std::unique_ptr<WebhookDispatcher> webhooks_;
  Status webhooks_error_;
  std::atomic<bool> stopping_{false};  // ends the change feed's long polls at stop()
};

}  // namespace expgraph::api
