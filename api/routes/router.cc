#include "api/routes/router.h"

#include <chrono>

#include "api/auth/access_control.h"
#include "api/http/http_json.h"
#include "api/http/http_server.h"

namespace expgraph::api {

void Router::get(const std::string& pattern, std::string label, Handler handler,
                 Concurrency concurrency) {
  add_get(pattern, std::move(label), std::move(handler), /*streamed=*/false, concurrency);
}
void Router::get_streamed(const std::string& pattern, std::string label, Handler handler,
                          Concurrency concurrency) {
  add_get(pattern, std::move(label), std::move(handler), /*streamed=*/true, concurrency);
}
void Router::add_get(const std::string& pattern, std::string label, Handler handler, bool streamed,
                     Concurrency concurrency) {
  httplib::Server::Handler wrapped = wrap("GET " + label, std::move(handler), concurrency);
  // HttpServer serves plain GETs itself; every GET route is registered there too, in the same
  // order, so that both paths pick the same route for a path.
  if (auto* plain = dynamic_cast<HttpServer*>(&server_)) {
    plain->plain_get_path().add_route(pattern, wrapped, streamed);
  }
  server_.Get(pattern, std::move(wrapped));
}
void Router::put(const std::string& pattern, std::string label, Handler handler,
                 Concurrency concurrency) {
  server_.Put(pattern, wrap("PUT " + label, std::move(handler), concurrency));
}
void Router::post(const std::string& pattern, std::string label, Handler handler,
                  Concurrency concurrency) {
  server_.Post(pattern, wrap("POST " + label, std::move(handler), concurrency));
}
void Router::del(const std::string& pattern, std::string label, Handler handler,
                 Concurrency concurrency) {
  server_.Delete(pattern, wrap("DELETE " + label, std::move(handler), concurrency));
}

httplib::Server::Handler Router::wrap(std::string label, Handler handler, Concurrency concurrency) {
  size_t space = label.find(' ');
  routes_.push_back(RouteInfo{label.substr(0, space), label.substr(space + 1)});
  // The Router is a setup helper that may go away; handlers keep only the Metrics.
  Access access = required_access(label);
  ConcurrencyLimit* limit =
      label.find(" /v1/") != std::string::npos && concurrency == Concurrency::kLimited ? limit_
                                                                                       : nullptr;
  return
      [&metrics = metrics_.route(label), keys = keys_, access, limit, handler = std::move(handler)](
          const httplib::Request& request, httplib::Response& response) {
        auto start = std::chrono::steady_clock::now();
        Result<Principal> principal = authorize(request, access, keys);
        Status status = principal.status();
        if (principal.ok()) {
          ActorScope actor(*principal);
          ConcurrencyLimit::Slot slot =
              limit != nullptr ? limit->try_acquire() : ConcurrencyLimit::Slot(nullptr);
          try {
            if (limit != nullptr && !slot.acquired()) {
              response.set_header("Retry-After", "1");
              status = Status::overloaded("too many concurrent requests (the limit is " +
                                          std::to_string(limit->limit()) + "); retry shortly");
            } else {
              status = handler(request, response);
            }
          } catch (const std::exception& error) {
            // A bug, not the client's fault; the server keeps serving.
            status = Status::internal(std::string("unexpected error: ") + error.what());
          }
        }
        if (!principal.ok()) {
          refuse_access(status, response);
        } else if (!status.ok()) {
          send_error(response, status);
        }
        std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
        metrics.record(response.status, elapsed.count());
      };
}

}  // namespace expgraph::api
