#include "api/server.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "api/auth/access_control.h"
#include "api/http/http_json.h"
#include "api/replication/checkpoint_downloads.h"
#include "api/replication/replica_status.h"
#include "api/replication/update_streams.h"
#include "api/replication/write_redirect.h"
#include "api/routes/router.h"
#include "api/routes/routes.h"
#include "api/routes/web_routes.h"
#include "graph/property_columns.h"

namespace expgraph::api {

namespace {

// Set by the pre-routing handler and read by the logger, which run on the same worker thread.
thread_local std::chrono::steady_clock::time_point request_start;

// Bodies reach httplib already read, checked and decoded (HttpServer answers those over the
// limit), so its only 413 is its own compiled-in limit on application/x-www-form-urlencoded
// bodies (8 KiB), far below ours: `curl -d` sends that type by default, so say what to do
// instead of blaming --max-body-bytes.
Status body_too_large(const httplib::Request& request, size_t max_body_bytes) {
  if (request.get_header_value("Content-Type").rfind("application/x-www-form-urlencoded", 0) == 0) {
    return Status::too_large("form-encoded request bodies are limited to " +
                             std::to_string(CPPHTTPLIB_FORM_URL_ENCODED_PAYLOAD_MAX_LENGTH) +
                             " bytes; send the JSON body with Content-Type: application/json");
  }
  return Status::too_large("the request body is over the limit of " +
                           std::to_string(max_body_bytes) + " bytes");
}

}  // namespace

ApiServer::ApiServer(GraphStore& graph, ServerOptions options,
                     similarity::SimilarityIndex* similarity, ApiKeyStore* keys)
    : graph_(graph),
      similarity_(similarity),
      keys_(keys),
      options_(std::move(options)),
      concurrency_(static_cast<size_t>(options_.max_concurrent_requests)),
      replication_streams_(static_cast<size_t>(options_.max_replication_streams > 0
                                                   ? options_.max_replication_streams
                                                   : std::max(1, options_.threads / 8))) {
  configure();
}

ApiServer::~ApiServer() { stop(); }

void ApiServer::configure() {
  // Without TCP_NODELAY a small response waits for the peer's delayed ACK (~40 ms).
  server_.set_tcp_nodelay(true);
  HttpServer::Limits limits;
  limits.max_body_bytes = options_.max_body_bytes;
  limits.max_body_memory =
      options_.max_body_memory != 0 ? options_.max_body_memory : 4 * options_.max_body_bytes;
  limits.read_timeout = std::chrono::seconds(options_.read_timeout_seconds);
  server_.set_limits(limits);
  server_.set_write_timeout(30, 0);
  // Connections are rotated after a few hundred requests, as web servers do, to spread
  // long-lived clients over restarts and load balancers.
  server_.set_keep_alive_max_count(500);
  // Idle connections hold no thread (they wait in HttpServer's epoll set), so clients may keep
  // them for a while.
  server_.set_keep_alive_timeout(5);
  // httplib's own pool only hands accepted sockets to HttpServer; its workers serve requests.
  server_.new_task_queue = [] { return new httplib::ThreadPool(2); };
  if (!options_.tls_cert_file.empty()) {
    server_.enable_tls(options_.tls_cert_file, options_.tls_key_file);  // bind() reports failure
  }
  if (options_.auth && keys_ != nullptr) {
    // The key is checked from the head, before a body is read: a client without a valid key
    // for the route cannot make the server read, decompress or hold a body. A path no route
    // takes still needs a valid key (fail closed).
    server_.set_head_check(
        [keys = keys_](const httplib::Request& request, httplib::Response& response) {
          Access access = route_access(request.method, request.path).value_or(Access::kReader);
          Result<Principal> principal = authorize(request, access, keys);
          if (principal.ok()) return true;
          refuse_access(principal.status(), response);
          return false;
        });
  }

  auto note_request_start = [](const httplib::Request&, httplib::Response&) {
    request_start = std::chrono::steady_clock::now();
  };
  server_.set_pre_routing_handler([note_request_start, replica = options_.replica](
                                       const httplib::Request& request,
                                       httplib::Response& response) {
    note_request_start(request, response);
    // A read replica sends writes to its primary (api/replication/write_redirect.h).
    if (replica != nullptr && replication::changes_data(request.method, request.path)) {
      (void)replication::misdirected(*replica, response);
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // Failures httplib produces itself (no route, body over the limit, bad request line)
  // still get the JSON error body.
  httplib::Server::HandlerWithResponse json_errors([this](const httplib::Request& request,
                                                          httplib::Response& response) {
    if (!response.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    switch (response.status) {
      case 404:
        send_error(response,
                   Status::not_found("no route for " + request.method + " " + request.path));
        break;
      case 413:
        send_error(response, body_too_large(request, options_.max_body_bytes));
        break;
      case 400:
        send_error(response, Status::invalid_argument("malformed HTTP request"));
        break;
      default:
        send_error(
            response,
            Status(response.status >= 500 ? StatusCode::kInternal : StatusCode::kInvalidArgument,
                   "request failed with HTTP status " + std::to_string(response.status)));
        break;
    }
    return httplib::Server::HandlerResponse::Handled;
  });
  server_.set_error_handler(json_errors);
  server_.set_exception_handler(
      [](const httplib::Request&, httplib::Response& response, std::exception_ptr error) {
        std::string what = "unknown exception";
        try {
          if (error) std::rethrow_exception(error);
        } catch (const std::exception& exception) {
          what = exception.what();
        } catch (...) {
        }
        send_error(response, Status::internal("unexpected error: " + what));
      });
  httplib::Logger log_request;
  if (options_.log_requests) {
    log_request = [](const httplib::Request& request, const httplib::Response& response) {
      std::chrono::duration<double, std::milli> elapsed =
          std::chrono::steady_clock::now() - request_start;
      std::fprintf(stderr, "%s %s %s %d %zu %.3fms\n", request.remote_addr.c_str(),
                   request.method.c_str(), request.path.c_str(), response.status,
                   response.body.size(), elapsed.count());
    };
    server_.set_logger(log_request);
  }
  // Plain GETs skip httplib's parser and writer, but not these hooks.
  server_.plain_get_path().set_hooks(note_request_start, json_errors, log_request);

  metrics_.add_gauge("expgraph_nodes", "Nodes in the graph.",
                     [this] { return static_cast<double>(graph_.node_count()); });
  metrics_.add_gauge("expgraph_edges", "Edges in the graph.",
                     [this] { return static_cast<double>(graph_.edge_count()); });
  metrics_.add_gauge(
      "expgraph_column_cache_bytes",
      "Estimated bytes of the property-column tables of Cypher label scans (--column-cache-mb).",
      [this] { return static_cast<double>(graph_.columns().memory_bytes()); });
  metrics_.add_gauge(
      "expgraph_column_cache_refused_types",
      "Node types whose table did not fit in --column-cache-mb (their scans read storage).",
      [this] { return static_cast<double>(graph_.columns().refused_types()); });

  metrics_.add_gauge(
      "expgraph_replication_streams",
      "Replication streams (update streams and checkpoint downloads) being served, each holding a "
      "worker; at most --max-replication-streams.",
      [this] { return static_cast<double>(replication_streams_.in_flight()); });
  update_streams_ = std::make_unique<replication::UpdateStreams>(
      std::chrono::seconds(options_.replication_reply_timeout_seconds));
  metrics_.add_gauge("expgraph_replication_update_streams",
                     "Update streams being served (GET /v1/replication/replicas lists them).",
                     [this] { return static_cast<double>(update_streams_->live()); });
  metrics_.add_counter(
      "expgraph_replication_streams_dropped_total", "reason=\"reply_timeout\"",
      "Update streams this primary ended before their end: reply_timeout, the replica promised "
      "replies and sent none for --replication-reply-timeout.",
      [this] { return static_cast<double>(update_streams_->dropped_for_reply_timeout()); });
  checkpoint_downloads_ = std::make_unique<replication::CheckpointDownloads>();
  metrics_.add_gauge(
      "expgraph_replication_checkpoint_downloads",
      "Checkpoint downloads being served (GET /v1/replication/replicas lists them).",
      [this] { return static_cast<double>(checkpoint_downloads_->live()); });

  if (const replication::ReplicaStatus* replica = options_.replica) {
    metrics_.add_gauge("expgraph_replica_applied_sequence",
                       "The primary's sequence this replica has applied through.",
                       [replica] { return static_cast<double>(replica->applied_sequence()); });
    metrics_.add_gauge("expgraph_replica_lag_sequences",
                       "Sequence numbers (write operations) the primary has and this replica "
                       "has not applied yet.",
                       [replica] { return static_cast<double>(replica->lag_sequences()); });
    metrics_.add_gauge("expgraph_replica_lag_milliseconds",
                       "How stale this replica may be: time since it was last caught up.",
                       [replica] { return static_cast<double>(replica->lag_ms()); });
    metrics_.add_gauge("expgraph_replica_bootstraps",
                       "Checkpoints this replica process downloaded from the primary: its first "
                       "bootstrap and each bootstrap again after a 410 (or a 409 with "
                       "--replica-rebootstrap-on-conflict).",
                       [replica] { return static_cast<double>(replica->bootstraps()); });
    metrics_.add_gauge("expgraph_replica_rebootstrapping",
                       "1 while this replica fetches a fresh checkpoint or is about to reopen its data "
                       "(serving its old data meanwhile).",
                       [replica] { return replica->rebootstrapping() ? 1.0 : 0.0; });
    metrics_.add_gauge("expgraph_replica_applied_batches",
                       "Write batches applied since this replica started.",
                       [replica] { return static_cast<double>(replica->applied_batches()); });
  }

  const bool checks_keys = options_.auth && keys_ != nullptr;
  Router router(server_, metrics_, checks_keys ? keys_ : nullptr, &concurrency_);
  add_system_routes(router, graph_, metrics_, options_.replica);
  add_auth_routes(router, checks_keys);
  add_node_routes(router, graph_);
  add_edge_routes(router, graph_);
  add_batch_routes(router, graph_);
  add_traversal_routes(router, graph_);
  add_import_routes(router, graph_);
  add_export_routes(router, graph_);
  add_query_routes(router, graph_);
  add_search_routes(router, graph_, similarity_);
  add_insight_routes(router, graph_, similarity_, options_.forecast_embedder,
                     std::chrono::milliseconds(options_.insights_max_lag_ms));
  add_audit_routes(router, graph_);
  add_change_routes(router, graph_, stopping_);
  add_replication_routes(router, graph_, stopping_, replication_streams_, *update_streams_,
                         *checkpoint_downloads_, options_.replica);
  if (keys_ != nullptr) add_admin_routes(router, *keys_);
  auto webhooks = WebhookDispatcher::open(graph_);
  if (webhooks.ok()) {
    webhooks_ = std::move(webhooks).value();
    add_webhook_routes(router, *webhooks_);
  } else {
    webhooks_error_ = webhooks.status();
    webhooks_error_.prepend("webhooks");
  }
  add_backup_routes(
      router, graph_,
      options_.backup_dir.empty() ? graph_.storage().path() + "/backups" : options_.backup_dir);
  add_openapi_routes(router);
  // Loaded first: it sets web_ui_missing_, which the routes take.
  std::shared_ptr<const StaticAssets> web_ui = load_web_ui();
  add_web_routes(router, std::move(web_ui), web_ui_missing_);
  routes_ = router.routes();
}

std::shared_ptr<const StaticAssets> ApiServer::load_web_ui() {
  if (options_.web_dir.empty()) {
    web_ui_missing_ = "the web UI is off (expgraphd --web-dir \"\")";
    return nullptr;
  }
  auto assets = StaticAssets::load(options_.web_dir);
  if (!assets.ok()) {
    web_ui_missing_ = assets.status().message() +
                      ": build it with tools/build (needs npm) or point --web-dir at a build";
    return nullptr;
  }
  return std::make_shared<const StaticAssets>(std::move(assets).value());
}

Status ApiServer::bind() {
  if (!webhooks_error_.ok()) return webhooks_error_;
  if (!server_.is_valid()) {
    return Status::invalid_argument("cannot load the TLS certificate " + options_.tls_cert_file +
                                    " or key " + options_.tls_key_file +
                                    " (both PEM, the key unencrypted)");
  }
  if (options_.port == 0) {
    port_ = server_.bind_to_any_port(options_.bind);
    if (port_ < 0) return Status::internal("cannot bind to " + options_.bind);
  } else {
    if (!server_.bind_to_port(options_.bind, options_.port)) {
      return Status::internal("cannot bind to " + options_.bind + ":" +
                              std::to_string(options_.port) + " (in use?)");
    }
    port_ = options_.port;
  }
  server_.raise_listen_backlog();
  return Status();
}

Status ApiServer::serve() {
  server_.start_workers(static_cast<size_t>(options_.threads));
  // Only the primary delivers: a read replica holds the same registrations (they replicate)
  // and would send every event a second time, and its store refuses the delivery marks.
  const bool delivers_webhooks = webhooks_ && options_.replica == nullptr;
  if (delivers_webhooks) webhooks_->start();
  bool listened = server_.listen_after_bind();
  if (delivers_webhooks) webhooks_->stop();
  server_.stop_workers();
  if (!listened) return Status::internal("the HTTP server stopped with an error");
  return Status();
}

void ApiServer::stop() {
  stopping_ = true;
  if (webhooks_) webhooks_->stop();
  server_.stop();
}

}  // namespace expgraph::api
