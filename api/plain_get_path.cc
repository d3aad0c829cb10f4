#include "api/plain_get_path.h"

#include <algorithm>
#include <exception>
#include <string_view>

#include "api/http_json.h"

namespace expgraph::api {

namespace {

// httplib's own limits on a request target and a header line; longer ones go to httplib,
// which answers them.
constexpr size_t kMaxTargetBytes = 8192;
constexpr size_t kMaxHeaderLineBytes = 8192;

struct Head {
  std::string_view version;
  std::string_view target;
  std::vector<std::pair<std::string_view, std::string_view>> headers;
  size_t size = 0;  // bytes of the head, blank line included
};

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    char y = b[i] >= 'A' && b[i] <= 'Z' ? static_cast<char>(b[i] - 'A' + 'a') : b[i];
    if (x != y) return false;
  }
  return true;
}

// A header name character (an RFC 9110 token character).
bool token_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool visible_text(std::string_view text) {
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && c != '\t') || byte == 0x7f) return false;
  }
  return true;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Headers that make a GET something httplib must handle: a body, an interim response, a
// partial or compressed response, a protocol switch.
bool needs_httplib(std::string_view name, std::string_view value) {
  if (iequals(name, "Content-Length")) return value != "0";
  return iequals(name, "Transfer-Encoding") || iequals(name, "Expect") || iequals(name, "Range") ||
         iequals(name, "Accept-Encoding") || iequals(name, "Upgrade");
}

// The head at the start of `input` when it is a plain GET; nullopt for anything else,
// malformed heads included (httplib then answers them as it always has).
std::optional<Head> parse_plain_get(std::string_view input) {
  size_t end = input.find("\r\n\r\n");
  if (end == std::string_view::npos) return std::nullopt;
  Head head;
  head.size = end + 4;
  std::string_view lines = input.substr(0, end + 2);  // every line ends with CRLF

  size_t line_end = lines.find("\r\n");
  std::string_view request_line = lines.substr(0, line_end);
  lines.remove_prefix(line_end + 2);
  if (request_line.substr(0, 4) != "GET ") return std::nullopt;
  request_line.remove_prefix(4);
  size_t space = request_line.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  head.target = request_line.substr(0, space);
  head.version = request_line.substr(space + 1);
  if (head.version != "HTTP/1.1" && head.version != "HTTP/1.0") return std::nullopt;
  if (head.target.empty() || head.target.front() != '/' || head.target.size() > kMaxTargetBytes ||
      !visible_text(head.target) || head.target.find_first_of(" \t") != std::string_view::npos) {
    return std::nullopt;
  }

  while (!lines.empty()) {
    line_end = lines.find("\r\n");
    std::string_view line = lines.substr(0, line_end);
    lines.remove_prefix(line_end + 2);
    size_t colon = line.find(':');
    if (colon == 0 || colon == std::string_view::npos || line.size() > kMaxHeaderLineBytes) {
      return std::nullopt;
    }
    std::string_view name = line.substr(0, colon);
    for (char c : name) {
      if (!token_char(c)) return std::nullopt;
    }
    std::string_view value = trim(line.substr(colon + 1));
    if (!visible_text(value) || needs_httplib(name, value)) return std::nullopt;
    head.headers.emplace_back(name, value);
  }
  return head;
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
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
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

std::optional<bool> PlainGetPath::try_serve(ConnectionStream& stream, bool close_connection,
                                            bool& closed_by_request) const {
  std::optional<Head> head = parse_plain_get(stream.buffered_input());
  if (!head) return std::nullopt;

  httplib::Request request;
  std::string_view target = head->target;
  size_t question = target.find('?');
  if (question != std::string_view::npos && target.find('?', question + 1) != target.npos) {
    return std::nullopt;  // httplib rejects a second '?'
  }
  request.path = httplib::detail::decode_url(std::string(target.substr(0, question)), false);
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

  request.method = "GET";
  request.version = std::string(head->version);
  request.target = std::string(target);
  if (question != std::string_view::npos && question + 1 < target.size()) {
    httplib::detail::parse_query_text(std::string(target.substr(question + 1)), request.params);
  }
  for (const auto& [name, value] : head->headers) {
    request.headers.emplace(std::string(name), std::string(value));
  }
  stream.get_remote_ip_and_port(request.remote_addr, request.remote_port);
  stream.get_local_ip_and_port(request.local_addr, request.local_port);
  stream.consume(head->size);

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
  if (response.status == -1) response.status = 200;
  if (response.status >= 400 && error_handler_) error_handler_(request, response);

  if (close_connection || connection == "close") {
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
