// PlainGetPath: serves the most common request, a GET without a body, without httplib's
// request parser and response writer. On a small traversal request those took about a quarter
// of the server's CPU (a line reader that reads a byte per virtual call, a stringstream and
// printf per response, case-insensitive header maps built and searched several times).
// Anything out of the ordinary goes to httplib: another method, a body, Expect, Range,
// Accept-Encoding (httplib compresses), Upgrade, a path no GET route matches, or a route that
// streams its response (malformed heads never get here: RequestHead refuses them first). The
// handlers are the same ones httplib routes to, tried in the same order, so a request gets the
// same answer either way (tests/integration/plain_get_path_test.cc compares the two byte for
// byte). It also writes the answers HttpServer gives itself (refuse()).
// Used by HttpServer. Thread-safety: add routes and hooks before serving; try_serve may then
// run on many threads at once.
#pragma once

#include <httplib.h>

#include <functional>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "api/http/connection_stream.h"
#include "api/http/request_head.h"

namespace expgraph::api {

class PlainGetPath {
 public:
  // Hooks httplib would run around a handler: its pre-routing handler, its error handler
  // (for statuses from 400 up) and its logger. Each may be empty.
  using PreRouting = std::function<void(const httplib::Request&, httplib::Response&)>;
  using ErrorHandler = httplib::Server::HandlerWithResponse;
  using Logger = std::function<void(const httplib::Request&, const httplib::Response&)>;

  // Registers a GET route in httplib's order. A `streamed` route (one whose handler sets a
  // content provider) is left to httplib, but still takes its place in the order. Every GET
  // route must be added (Router does it), or a path could reach another handler than it would
  // through httplib.
  void add_route(const std::string& pattern, httplib::Server::Handler handler, bool streamed);
  void set_hooks(PreRouting pre_routing, ErrorHandler error_handler, Logger logger);
  void set_keep_alive(time_t timeout_seconds, size_t max_count);

  // Serves the request `head` (already read from `stream`) if it is a plain GET of a route
  // here, and returns whether the response was written; nullopt when the request must go to
  // httplib. `close_connection` answers with "Connection: close"; `closed_by_request` is set
  // when the client asked for that.
  std::optional<bool> try_serve(const RequestHead& head, ConnectionStream& stream,
                                bool close_connection, bool& closed_by_request) const;
  // Writes `response` to `request` as httplib would, running the error handler (from 400 up)
  // and the logger: for plain GETs and for the answers HttpServer gives itself.
  bool answer(ConnectionStream& stream, const httplib::Request& request,
              httplib::Response& response, bool close_connection) const;
  // Answers a request HttpServer refuses before any handler: the pre-routing hook, then
  // answer() with "Connection: close".
  bool refuse(ConnectionStream& stream, const httplib::Request& request,
              httplib::Response& response) const {
    if (pre_routing_) pre_routing_(request, response);
    return answer(stream, request, response, /*close_connection=*/true);
  }

 private:
  struct Route {
    std::regex pattern;
    // Checks that spare most regex runs: a matching path starts and ends with these and, when
    // slashes >= 0, has that many '/'.
    std::string literal_prefix;
    std::string literal_suffix;
    int slashes = -1;
    httplib::Server::Handler handler;
    bool streamed = false;
  };

  std::vector<Route> routes_;
  PreRouting pre_routing_;
  ErrorHandler error_handler_;
  Logger logger_;
  time_t keep_alive_timeout_seconds_ = 5;
  size_t keep_alive_max_count_ = 5;
};

}  // namespace expgraph::api
