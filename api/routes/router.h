// Router: registers route handlers on the HTTP server, each under a route label (the path
// pattern users read, e.g. "/v1/nodes/{type}/{key}") used by metrics and the request log.
// Handlers return a Status; a non-ok one becomes the JSON error body. Before a handler runs, the
// request's API key is checked against the role its label needs (api/auth/access_control.h),
// then a /v1 route takes a slot of --max-concurrent-requests unless it was registered exempt.
// The router also lists what it registered (routes()): the OpenAPI description is checked
// against that list (api/openapi/), so the served routes are the one source of truth.
// Thread-safe after setup.
#pragma once

#include <httplib.h>

#include <functional>
#include <string>
#include <vector>

#include "api/auth/api_keys.h"
#include "api/http/concurrency_limit.h"
#include "api/metrics.h"
#include "ontology/status.h"

namespace expgraph::api {

// A handler fills the response on success, or returns the error to send.
using Handler = std::function<Status(const httplib::Request&, httplib::Response&)>;

// One registered route: its method ("GET") and label ("/v1/nodes/{type}/{key}").
struct RouteInfo {
  std::string method;
  std::string path;
  bool operator==(const RouteInfo&) const = default;
};

// Whether a /v1 route's handler takes a slot of the Router's ConcurrencyLimit. kExempt is for
// routes that must get through a saturated server and are bounded another way: the replication
// routes (api/routes/replication_routes.cc), whose streams have their own cap and whose replies
// keep a healthy stream from being cut. Authentication applies either way.
enum class Concurrency { kLimited, kExempt };

class Router {
 public:
  // `keys` null: authentication off, every request runs as "anonymous". `limit`, when given,
  // caps the /v1 handlers running at once (429 beyond it); the operational routes (/healthz,
  // /readyz, /metrics) are never limited. Both must outlive the server.
  Router(httplib::Server& server, Metrics& metrics, const ApiKeyStore* keys = nullptr,
         ConcurrencyLimit* limit = nullptr)
      : server_(server), metrics_(metrics), keys_(keys), limit_(limit) {}

  // `pattern` is an ECMAScript regex over the decoded path; captures are path parameters.
  void get(const std::string& pattern, std::string label, Handler handler,
           Concurrency concurrency = Concurrency::kLimited);
  // A GET whose handler streams its response (sets a content provider): on HttpServer it is
  // always served by httplib, never by the plain GET path.
  void get_streamed(const std::string& pattern, std::string label, Handler handler,
                    Concurrency concurrency = Concurrency::kLimited);
  void put(const std::string& pattern, std::string label, Handler handler,
           Concurrency concurrency = Concurrency::kLimited);
  void post(const std::string& pattern, std::string label, Handler handler,
            Concurrency concurrency = Concurrency::kLimited);
  void del(const std::string& pattern, std::string label, Handler handler,
           Concurrency concurrency = Concurrency::kLimited);

  // Every route registered so far, in registration order.
  const std::vector<RouteInfo>& routes() const { return routes_; }

 private:
  void add_get(const std::string& pattern, std::string label, Handler handler, bool streamed,
               Concurrency concurrency);
  httplib::Server::Handler wrap(std::string label, Handler handler, Concurrency concurrency);

  httplib::Server& server_;
  Metrics& metrics_;
  const ApiKeyStore* keys_;
  ConcurrencyLimit* limit_;
  std::vector<RouteInfo> routes_;
};

}  // namespace expgraph::api
