#include "api/http/http_server.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <string_view>

#include "api/http/connection_stream.h"
#include "api/http/http_json.h"
#include "api/http/request_head.h"

namespace expgraph::api {

namespace {

using Clock = std::chrono::steady_clock;

// Idle workers and the reaper wake at least this often, to notice a stop or a deadline.
constexpr auto kWakeInterval = std::chrono::milliseconds(250);
// After refusing a request, what the client still sends is read and dropped for this long
// before the connection closes, so that the answer is not lost to a TCP reset.
constexpr auto kDrainTime = std::chrono::seconds(2);

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

int64_t to_ns(std::chrono::nanoseconds duration) { return duration.count(); }

enum ConnectionState : int { kIdle, kBusy, kClosed };

// httplib compresses an answer in the first of br and gzip that Accept-Encoding names (br
// first), and its brotli encoder runs at quality 11, the slowest: a 7 kB search answer took
// about 80 ms longer than with gzip on the loaded test machine, where gzip (level 6) cost no
// more than sending it uncompressed (docs/http-server.md, "Compressed answers"). So httplib is
// not offered br: a client that accepts gzip gets gzip, one that accepts only br gets the
// answer uncompressed. (Request bodies sent in br are still read.)
void offer_no_brotli(httplib::Request& request) {
  auto [first, last] = request.headers.equal_range("Accept-Encoding");
  for (auto it = first; it != last; ++it) {
    std::string kept;
    std::string_view codings = it->second;
    while (!codings.empty()) {
      const size_t comma = codings.find(',');
      std::string_view coding = codings.substr(0, comma);
      codings = comma == std::string_view::npos ? std::string_view() : codings.substr(comma + 1);
      const size_t start = coding.find_first_not_of(" \t");
      if (start == std::string_view::npos) continue;
      coding = coding.substr(start, coding.find_last_not_of(" \t") + 1 - start);
      const std::string_view name = coding.substr(0, coding.find_first_of("; \t"));
      if (iequals(name, "br")) continue;
      if (!kept.empty()) kept += ", ";
      kept += coding;
    }
    it->second = kept.empty() ? "identity" : kept;
  }
}

// The Status whose JSON error body a transport refusal carries (its HTTP status is set apart).
StatusCode status_code_for(int http_status) {
  switch (http_status) {
    case 413:
    case 414:
    case 431:
      return StatusCode::kTooLarge;
    case 429:
      return StatusCode::kOverloaded;
    case 500:
      return StatusCode::kInternal;
    default:
      return StatusCode::kInvalidArgument;
  }
}

}  // namespace

struct HttpServer::Connection {
  Connection(uint64_t id, int sock, const httplib::Server& server, const Limits& limits,
             std::chrono::seconds write_timeout, size_t max_requests, SSL* ssl, BodyBudget* budget)
      : id(id),
        sock(sock),
        stream(sock, server, limits.read_timeout, write_timeout, ssl),
        reader(limits.max_body_bytes, budget),
        remaining_requests(max_requests) {}

  const uint64_t id;  // the epoll key: unlike the fd number it is never reused
  const int sock;
  ConnectionStream stream;
  RequestReader reader;
  size_t remaining_requests;  // keep-alive limit; touched only by the worker serving it
  // kIdle: waiting in the epoll set; kBusy: a worker serves it; kClosed: gone. A worker and
  // the reaper both claim an idle connection by compare-and-swap, so only one acts.
  std::atomic<int> state{kIdle};
  std::atomic<int64_t> idle_since_ns{0};
  // When the request being read (or a TLS handshake) must be complete; 0: none under way.
  std::atomic<int64_t> deadline_ns{0};
  // When draining before close ends; 0: not draining.
  std::atomic<int64_t> drain_until_ns{0};
};

HttpServer::HttpServer()
    : budget_(std::make_unique<BodyBudget>(limits_.max_body_memory)),
      epoll_fd_(epoll_create1(EPOLL_CLOEXEC)) {
  // Debian's httplib sets SO_REUSEPORT on the listening socket, so a second server started on
  // a port in use binds too and the kernel splits new connections between the two: a stray or
  // second expgraphd would silently answer half the requests from other data. SO_REUSEADDR
  // alone still allows binding again at once after a restart (connections in TIME_WAIT), and
  // makes a port in use an error at start-up.
  set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
}

HttpServer::~HttpServer() {
  stop_workers();
  if (epoll_fd_ >= 0) close(epoll_fd_);
  if (tls_ != nullptr) SSL_CTX_free(tls_);
}

bool HttpServer::enable_tls(const std::string& cert_file, const std::string& key_file) {
  SSL_CTX* context = SSL_CTX_new(TLS_server_method());
  tls_valid_ = context != nullptr;
  if (tls_valid_) {
    SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION);
    SSL_CTX_set_options(context, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
    // Partial writes resume where they stopped; idle connections give back their buffers.
    SSL_CTX_set_mode(context, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                                  SSL_MODE_RELEASE_BUFFERS);
    tls_valid_ = SSL_CTX_use_certificate_chain_file(context, cert_file.c_str()) == 1 &&
                 SSL_CTX_use_PrivateKey_file(context, key_file.c_str(), SSL_FILETYPE_PEM) == 1 &&
                 SSL_CTX_check_private_key(context) == 1;
  }
  if (!tls_valid_) {
    SSL_CTX_free(context);
    return false;
  }
  tls_ = context;
  return true;
}

void HttpServer::set_limits(const Limits& limits) {
  limits_ = limits;
  budget_ = std::make_unique<BodyBudget>(limits.max_body_memory);
}

void HttpServer::raise_listen_backlog() {
  // On Linux, listen() again on a listening socket only changes its backlog.
  if (svr_sock_ != INVALID_SOCKET) ::listen(svr_sock_, SOMAXCONN);
}

void HttpServer::start_workers(size_t count) {
  stopping_ = false;
  plain_get_.set_keep_alive(keep_alive_timeout_sec_, keep_alive_max_count_);
  for (size_t i = 0; i < count; ++i) workers_.emplace_back([this] { work(); });
}

void HttpServer::stop_workers() {
  stopping_ = true;
  for (std::thread& worker : workers_) worker.join();
  workers_.clear();
  std::unordered_map<uint64_t, std::shared_ptr<Connection>> remaining;
  {
    std::lock_guard lock(connections_mutex_);
    remaining.swap(connections_);
  }
  for (auto& [id, connection] : remaining) {
    shutdown(connection->sock, SHUT_RDWR);
    close(connection->sock);
  }
}

bool HttpServer::process_and_close_socket(socket_t sock) {
  SSL* ssl = nullptr;
  if (!stopping_ && epoll_fd_ >= 0 && tls_ != nullptr) {
    ssl = SSL_new(tls_);
    if (ssl != nullptr && SSL_set_fd(ssl, sock) == 1) {
      SSL_set_accept_state(ssl);
    } else {
      SSL_free(ssl);
      ssl = nullptr;
    }
  }
  // Every read and write waits in epoll or poll, never in the socket.
  int flags = fcntl(sock, F_GETFL, 0);
  if (stopping_ || epoll_fd_ < 0 || (tls_ != nullptr && ssl == nullptr) ||
      fcntl(sock, F_SETFL, flags | O_NONBLOCK) != 0) {
    SSL_free(ssl);
    close(sock);
    return false;
  }
  std::shared_ptr<Connection> connection;
  {
    std::lock_guard lock(connections_mutex_);
    connection = std::make_shared<Connection>(next_connection_id_++, sock, *this, limits_,
                                              std::chrono::seconds(write_timeout_sec_),
                                              keep_alive_max_count_, ssl, budget_.get());
    connection->idle_since_ns = now_ns();
    // A TLS handshake must be done within the read timeout, as a request must.
    if (ssl != nullptr) connection->deadline_ns = now_ns() + to_ns(limits_.read_timeout);
    connections_.emplace(connection->id, connection);
  }
  epoll_event event{};
  event.events = EPOLLIN | EPOLLONESHOT;
  event.data.u64 = connection->id;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, sock, &event) != 0) {
    close_connection(connection);
    return false;
  }
  return true;
}

void HttpServer::work() {
  // Named so that top -H, perf and gdb tell the request workers from RocksDB's threads.
  pthread_setname_np(pthread_self(), "http-worker");
  auto wait_ms = static_cast<int>(kWakeInterval.count());
  while (!stopping_) {
    epoll_event event{};
    // One event per call, so a connection never waits behind another one's request.
    int ready = epoll_wait(epoll_fd_, &event, 1, wait_ms);
    if (ready == 1) {
      std::shared_ptr<Connection> connection;
      {
        std::lock_guard lock(connections_mutex_);
        auto found = connections_.find(event.data.u64);
        if (found != connections_.end()) connection = found->second;
      }
      if (connection) serve(connection);
    }
    close_idle_connections();
  }
}

void HttpServer::serve(const std::shared_ptr<Connection>& connection) {
  int expected = kIdle;
  if (!connection->state.compare_exchange_strong(expected, kBusy)) return;  // being closed
  ConnectionStream& stream = connection->stream;
  if (connection->drain_until_ns != 0) {
    if (stream.drain_before_close()) {
      rearm(connection);
    } else {
      close_connection(connection);
    }
    return;
  }
  // Until the socket has nothing more: a body larger than the input buffer is read in turns.
  while (true) {
    ConnectionStream::Readiness readiness = stream.read_available();
    if (readiness == ConnectionStream::Readiness::kClosed) {
      close_connection(connection);
      return;
    }
    Next next = serve_buffered(*connection);
    if (next == Next::kClose) {
      close_connection(connection);
      return;
    }
    if (next == Next::kDrain) {
      connection->drain_until_ns = now_ns() + to_ns(kDrainTime);
      if (stream.drain_before_close()) {
        rearm(connection);
      } else {
        close_connection(connection);
      }
      return;
    }
    if (readiness == ConnectionStream::Readiness::kNothing) break;
  }
  rearm(connection);
}

HttpServer::Next HttpServer::serve_buffered(Connection& connection) {
  ConnectionStream& stream = connection.stream;
  RequestReader& reader = connection.reader;
  while (true) {
    stream.consume(reader.feed(stream.buffered_input()));
    if (reader.started()) {
      if (connection.deadline_ns == 0) {
        connection.deadline_ns = now_ns() + to_ns(limits_.read_timeout);
      }
    } else if (stream.handshake_done()) {
      connection.deadline_ns = 0;  // between requests: the keep-alive timeout applies
    }
    switch (reader.state()) {
      case RequestReader::State::kHead:
      case RequestReader::State::kBody:
        return Next::kRead;  // the rest has not arrived
      case RequestReader::State::kFailed:
        refuse(connection, reader.error());
        return Next::kDrain;
      case RequestReader::State::kHeadParsed: {
        if (reader.head().framing() != BodyFraming::kNone && head_check_) {
          httplib::Request request;
          reader.head().fill(request);
          stream.get_remote_ip_and_port(request.remote_addr, request.remote_port);
          httplib::Response response;
          if (!head_check_(request, response)) {
            refuse(connection, response);
            return Next::kDrain;
          }
        }
        reader.start_body();
        if (reader.state() == RequestReader::State::kBody && reader.head().expects_continue() &&
            !stream.has_buffered_input()) {
          constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
          stream.write(kContinue.data(), kContinue.size());
          if (!stream.flush()) return Next::kClose;
        }
        break;
      }
      case RequestReader::State::kComplete: {
        bool keep = dispatch(connection);
        connection.deadline_ns = 0;
        if (!keep) return Next::kClose;
        break;
      }
    }
  }
}

bool HttpServer::dispatch(Connection& connection) {
  ConnectionStream& stream = connection.stream;
  RequestReader& reader = connection.reader;
  // The last request allowed on this connection is answered with "Connection: close".
  bool last_allowed = connection.remaining_requests == 1;
  bool closed_by_request = false;
  std::optional<bool> plain =
      plain_get_.try_serve(reader.head(), stream, last_allowed, closed_by_request);
  bool handled = true;
  if (plain) {
    handled = *plain;
  } else {
    // httplib parses the canonical head and takes the body as it is, already read and decoded.
    // When it rejects the head (an unknown method), it has not called the set-up hook, and
    // the connection is closed.
    stream.set_pending_head(reader.head().canonical());
    std::string body = reader.take_body();
    bool head_parsed = false;
    handled = process_request(stream, last_allowed, closed_by_request,
                              [&head_parsed, &body](httplib::Request& request) {
                                head_parsed = true;
                                request.body = std::move(body);
                                offer_no_brotli(request);
                              });
    handled = handled && head_parsed;
    stream.set_pending_head({});
  }
  // The body is gone: its memory is free for the next request before the client hears back.
  reader.reset();
  return stream.flush() && handled && !closed_by_request && --connection.remaining_requests > 0 &&
         !stopping_;
}

void HttpServer::refuse(Connection& connection, httplib::Response& response, bool wait) {
  httplib::Request request;
  if (connection.reader.has_head()) connection.reader.head().fill(request);
  connection.stream.get_remote_ip_and_port(request.remote_addr, request.remote_port);
  plain_get_.refuse(connection.stream, request, response);
  if (wait) {
    connection.stream.flush();
  } else {
    connection.stream.send_now({});
  }
}

void HttpServer::refuse(Connection& connection, const HttpError& error, bool wait) {
  httplib::Response response;
  send_error(response, Status(status_code_for(error.status), error.message, {}, error.code));
  response.status = error.status;
  if (error.status == 429) response.set_header("Retry-After", "1");
  refuse(connection, response, wait);
}

void HttpServer::rearm(const std::shared_ptr<Connection>& connection) {
  // Idle time starts before the state says idle, so the reaper never takes a connection
  // that is between these lines and its re-arm below.
  connection->idle_since_ns = now_ns();
  connection->state = kIdle;
  epoll_event event{};
  event.events = EPOLLIN | EPOLLONESHOT;
  event.data.u64 = connection->id;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, connection->sock, &event) != 0) {
    close_connection(connection);
  }
}

void HttpServer::close_connection(const std::shared_ptr<Connection>& connection) {
  {
    std::lock_guard lock(connections_mutex_);
    if (connections_.erase(connection->id) == 0) return;  // closed already
  }
  connection->state = kClosed;
  shutdown(connection->sock, SHUT_RDWR);
  close(connection->sock);  // also removes it from the epoll set
}

void HttpServer::close_idle_connections() {
  int64_t now = now_ns();
  if (now - last_reap_ns_.load() < to_ns(kWakeInterval)) return;
  std::unique_lock reaper(reaper_mutex_, std::try_to_lock);
  if (!reaper.owns_lock()) return;
  last_reap_ns_ = now;
  int64_t idle_cutoff = now - static_cast<int64_t>(keep_alive_timeout_sec_) * 1'000'000'000;
  std::vector<std::shared_ptr<Connection>> expired;
  {
    std::lock_guard lock(connections_mutex_);
    for (auto& [id, connection] : connections_) {
      int64_t drain_until = connection->drain_until_ns.load();
      int64_t deadline = connection->deadline_ns.load();
      bool over = drain_until != 0 ? now > drain_until
                  : deadline != 0  ? now > deadline
                                   : connection->idle_since_ns.load() < idle_cutoff;
      int expected = kIdle;
      if (over && connection->state.compare_exchange_strong(expected, kBusy)) {
        expired.push_back(connection);
      }
    }
  }
  for (const auto& connection : expired) {
    // A request still arriving at its deadline is answered 408, with one attempt that does
    // not wait for a client that may not be reading.
    if (connection->drain_until_ns == 0 && connection->deadline_ns != 0 &&
        connection->stream.handshake_done()) {
      refuse(*connection,
             HttpError{408, "request_timeout",
                       "the request did not arrive in full within " +
                           std::to_string(limits_.read_timeout.count()) + " s"},
             /*wait=*/false);
    }
    close_connection(connection);
  }
}

}  // namespace expgraph::api
