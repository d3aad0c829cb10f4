// HttpServer: cpp-httplib's Server with its own connection handling. httplib still routes and
// writes responses; this class decides which thread serves which connection, reads and checks
// every request itself (RequestReader) and hands httplib only whole, checked requests.
// Used by ApiServer, for plain HTTP and for TLS.
//
// Why: httplib holds one pool thread per kept-alive connection, idle or not, so clients beyond
// the pool size wait, and every request costs a sleep and wake-up of that thread plus eleven
// system calls. Here connections sit in an epoll set and a fixed pool of workers serves
// whichever connection has bytes: a worker reads what arrived, without waiting, and goes on to
// other connections until a request is complete (head and body), so a client that sends
// slowly, or not at all, holds no worker. A busy worker goes from one ready connection to the
// next without sleeping, and a small request costs one recv and one send (plus the re-arm).
//
// What a request must satisfy before any handler runs (each answered at once, and the
// connection then closed after the client's remaining bytes are drained for a moment):
//   - its head is well-formed and at most 16 KiB (400, 414, 431), with one framing (400 for
//     conflicting Content-Length values or Content-Length with Transfer-Encoding; 501 for a
//     transfer coding other than chunked; 415 for an unknown content coding);
//   - a request with a body passes the head check (the API key: 401/403) before its body is
//     read;
//   - its body, as received and decompressed, stays within the body limit (413, at once for a
//     Content-Length above it) and within the memory budget of all bodies (429);
//   - the whole request arrives within the read timeout of its first byte (408).
// Thread-safety: as httplib::Server; configure before serving; start_workers/stop_workers from
// the serving thread.
#pragma once

#include <httplib.h>
#include <openssl/ssl.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "api/http/plain_get_path.h"
#include "api/http/request_reader.h"

namespace expgraph::api {

class HttpServer : public httplib::Server {
 public:
  struct Limits {
    // Each body, as received (without chunk framing) and decompressed.
    size_t max_body_bytes = size_t{16} << 20;
    // All bodies being received or handled at once.
    size_t max_body_memory = size_t{64} << 20;
    // A request's head and body must arrive within this time of its first byte.
    std::chrono::seconds read_timeout{60};
  };
  // Checks a request's head before its body is read: true to go on, false to answer with
  // `response` (filled by the check) instead.
  using HeadCheck = std::function<bool(const httplib::Request&, httplib::Response&)>;

  HttpServer();
  ~HttpServer() override;

  // Serves HTTPS with this PEM certificate (chain) and unencrypted PEM key; false when they
  // cannot be loaded (is_valid() is then false too). Call before serving.
  bool enable_tls(const std::string& cert_file, const std::string& key_file);
  bool is_valid() const override { return tls_valid_; }
  void set_limits(const Limits& limits);
  // Run for every request with a body; call before serving.
  void set_head_check(HeadCheck check) { head_check_ = std::move(check); }

  // httplib listens with a backlog of 5, so a burst of new clients sees dropped SYNs and
  // one-second retransmits; call after binding to allow SOMAXCONN pending connections.
  void raise_listen_backlog();
  // Starts `count` workers; call before listen_after_bind().
  void start_workers(size_t count);
  // Joins the workers and closes every connection; call after listen_after_bind() returned.
  void stop_workers();
  // Where plain GET routes and httplib's hooks are registered (before serving) so that plain
  // GETs skip httplib's parser and writer (api/http/plain_get_path.h).
  PlainGetPath& plain_get_path() { return plain_get_; }
  // The budget of body memory (for tests and metrics).
  const BodyBudget& body_budget() const { return *budget_; }

 private:
  struct Connection;
  // What serving a connection's buffered input came to.
  enum class Next { kRead, kClose, kDrain };

  // Called by httplib for each accepted socket: hands it to the epoll set and returns.
  bool process_and_close_socket(socket_t sock) override;
  void work();
  // Reads what `connection` has and serves the requests completed by it; then re-arms it,
  // closes it, or drains it before closing.
  void serve(const std::shared_ptr<Connection>& connection);
  Next serve_buffered(Connection& connection);
  // Hands a complete request to the plain GET path or httplib, then readies the reader for the
  // next one; false when the connection must close afterwards.
  bool dispatch(Connection& connection);
  // Answers a request the transport refuses (with "Connection: close"); without `wait`, with
  // one attempt to send that does not wait for the client.
  void refuse(Connection& connection, httplib::Response& response, bool wait = true);
  void refuse(Connection& connection, const HttpError& error, bool wait = true);
  void rearm(const std::shared_ptr<Connection>& connection);
  void close_connection(const std::shared_ptr<Connection>& connection);
  // Closes connections idle for longer than the keep-alive timeout, answers 408 to those whose
  // request is late, and ends drains (one worker at a time).
  void close_idle_connections();

  PlainGetPath plain_get_;
  Limits limits_;
  std::unique_ptr<BodyBudget> budget_;
  HeadCheck head_check_;
  SSL_CTX* tls_ = nullptr;
  bool tls_valid_ = true;
  int epoll_fd_ = -1;
  std::atomic<bool> stopping_{false};
  std::vector<std::thread> workers_;
  std::mutex connections_mutex_;
  std::unordered_map<uint64_t, std::shared_ptr<Connection>> connections_;  // by id
  uint64_t next_connection_id_ = 1;
  std::mutex reaper_mutex_;
  std::atomic<int64_t> last_reap_ns_{0};
};

}  // namespace expgraph::api
