#include "api/http/plain_get_path.h"

#include <algorithm>
#include <exception>
#include <string_view>

#include "api/http/http_json.h"

namespace expgraph::api {

namespace {

// Headers that make a GET something httplib must handle: an interim response, a partial or
// compressed response, a protocol switch. (A body is already excluded by the head's framing.)
bool needs_httplib(const HeaderField& field) {
  for (std::string_view name : {"Expect", "Range", "Accept-Encoding", "Upgrade"}) {
    if (iequals(field.name, name)) return true;
  }
  return false;
}

// Whether `head` is a plain GET; anything else goes to httplib.
bool is_plain_get(const RequestHead& head) {
  if (head.method() != "GET" || head.framing() != BodyFraming::kNone ||
      head.target().front() != '/') {
    return false;
  }
  return std::none_of(head.fields().begin(), head.fields().end(), needs_httplib);
}

constexpr std::string_view kRegexOperators = "\\^$.|?*+()[]{}";

// The text of a pattern before its first regex operator: a path that does not start with it
// cannot match. Empty when the pattern has an alternation.
std::string literal_prefix(const std::string& pattern) {
  if (pattern.find('|') != std::string::npos) return "";
  size_t special = pattern.find_first_of(kRegexOperators);
  std::string prefix = pattern.substr(0, special);
  // A quantifier applies to the character before it, which is then not certain to be there.
  if (special != std::string::npos &&
      std::string_view("?*+{").find(pattern[special]) != std::string_view::npos) {
    if (!prefix.empty()) prefix.pop_back();
  }
  return prefix;
}

// The text after a pattern's last regex operator: a path that does not end with it cannot
// match. Empty when the pattern has an alternation or ends with an operator.
std::string literal_suffix(const std::string& pattern) {
  if (pattern.find('|') != std::string::npos) return "";
  size_t special = pattern.find_last_of(kRegexOperators);
  return special == std::string::npos ? pattern : pattern.substr(special + 1);
}

// How many '/' a matching path has, when the pattern decides it: every '/' is a literal outside
// groups and nothing else can match one (no '.', no escapes, no alternation, and each bracket
// class either excludes '/' explicitly, as [^/], or does not list it). -1 otherwise.
int slash_count(const std::string& pattern) {
  if (pattern.find_first_of(".\\|") != std::string::npos) return -1;
  int slashes = 0;
  int depth = 0;  // inside how many groups
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '[') {
      size_t close = pattern.find(']', i + 2);
      if (close == std::string::npos) return -1;
      std::string_view members(pattern.data() + i + 1, close - i - 1);
      bool negated = !members.empty() && members.front() == '^';
      if (negated != (members.find('/') != std::string_view::npos)) return -1;
      for (size_t dash = members.find('-', 1);
           !negated && dash != std::string_view::npos && dash + 1 < members.size();
           dash = members.find('-', dash + 1)) {
        if (members[dash - 1] <= '/' && members[dash + 1] >= '/') return -1;  // a range over '/'
      }
      i = close;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      --depth;
    } else if (c == '/') {
      if (depth > 0) return -1;  // a group may repeat or skip it
      ++slashes;
    }
  }
  return slashes;
}

const char* reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 206:
      return "Partial Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 413:
      return "Payload Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Entity";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 505:
      return "HTTP Version Not Supported";
    case 503:
      return "Service Unavailable";
    default:
      return "Internal Server Error";
  }
}

}  // namespace

void PlainGetPath::add_route(const std::string& pattern, httplib::Server::Handler handler,
                             bool streamed) {
  routes_.push_back(Route{std::regex(pattern), literal_prefix(pattern), literal_suffix(pattern),
                          slash_count(pattern), std::move(handler), streamed});
}

void PlainGetPath::set_hooks(PreRouting pre_routing, ErrorHandler error_handler, Logger logger) {
  pre_routing_ = std::move(pre_routing);
  error_handler_ = std::move(error_handler);
  logger_ = std::move(logger);
}

void PlainGetPath::set_keep_alive(time_t timeout_seconds, size_t max_count) {
  keep_alive_timeout_seconds_ = timeout_seconds;
  keep_alive_max_count_ = max_count;
}

std::optional<bool> PlainGetPath::try_serve(const RequestHead& head, ConnectionStream& stream,
                                            bool close_connection, bool& closed_by_request) const {
  if (!is_plain_get(head)) return std::nullopt;
  std::string_view target = head.target();
  size_t question = target.find('?');
  if (question != std::string_view::npos && target.find('?', question + 1) != target.npos) {
    return std::nullopt;  // httplib rejects a second '?'
  }
  httplib::Request request;
  head.fill(request);
  // Routes are tried in httplib's order; the first whose pattern matches serves the request.
  const Route* route = nullptr;
  const std::string_view path = request.path;
  const auto path_slashes = static_cast<int>(std::count(path.begin(), path.end(), '/'));
  for (const Route& candidate : routes_) {
    if (!path.starts_with(candidate.literal_prefix) || !path.ends_with(candidate.literal_suffix) ||
        (candidate.slashes >= 0 && candidate.slashes != path_slashes)) {
      continue;
    }
    if (std::regex_match(request.path, request.matches, candidate.pattern)) {
      route = &candidate;
      break;
    }
  }
  if (route == nullptr || route->streamed) return std::nullopt;
  stream.get_remote_ip_and_port(request.remote_addr, request.remote_port);
  stream.get_local_ip_and_port(request.local_addr, request.local_port);

  // When httplib keeps a connection open (its rules, kept as they are).
  std::string connection = request.get_header_value("Connection");
  if (connection == "close") closed_by_request = true;
  if (request.version == "HTTP/1.0" && connection != "Keep-Alive") closed_by_request = true;

  httplib::Response response;
  response.version = "HTTP/1.1";
  if (pre_routing_) pre_routing_(request, response);
  try {
    route->handler(request, response);
  } catch (const std::exception& error) {
    send_error(response, Status::internal(std::string("unexpected error: ") + error.what()));
  } catch (...) {
    send_error(response, Status::internal("unexpected error"));
  }
  return answer(stream, request, response, close_connection || connection == "close");
}

bool PlainGetPath::answer(ConnectionStream& stream, const httplib::Request& request,
                          httplib::Response& response, bool close_connection) const {
  if (response.status == -1) response.status = 200;
  if (response.status >= 400 && error_handler_) error_handler_(request, response);

  if (close_connection) {
    response.set_header("Connection", "close");
  } else {
    response.set_header("Keep-Alive", "timeout=" + std::to_string(keep_alive_timeout_seconds_) +
                                          ", max=" + std::to_string(keep_alive_max_count_));
  }
  if (!response.has_header("Content-Type") && !response.body.empty()) {
    response.set_header("Content-Type", "text/plain");
  }
  response.set_header("Content-Length", std::to_string(response.body.size()));

  std::string out;
  out.reserve(256 + response.body.size());
  out += "HTTP/1.1 ";
  out += std::to_string(response.status);
  out += ' ';
  out += reason_phrase(response.status);
  out += "\r\n";
  for (const auto& [name, value] : response.headers) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  out += "\r\n";
  out += response.body;
  bool written = stream.write(out.data(), out.size()) == static_cast<ssize_t>(out.size());
  if (logger_) logger_(request, response);
  return written;
}

}  // namespace expgraph::api
