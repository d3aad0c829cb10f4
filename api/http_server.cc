#include "api/http_server.h"

#include <pthread.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

#include "api/connection_stream.h"

namespace expgraph::api {

namespace {

using Clock = std::chrono::steady_clock;

// Blocking socket calls and idle workers return at least this often, to notice a stop.
constexpr auto kWakeInterval = std::chrono::milliseconds(250);

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

void set_socket_timeout(int sock, int option, std::chrono::milliseconds timeout) {
  timeval value{};
  value.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  value.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  setsockopt(sock, SOL_SOCKET, option, &value, sizeof(value));
}

enum ConnectionState : int { kIdle, kBusy, kClosed };

}  // namespace

struct HttpServer::Connection {
  Connection(uint64_t id, int sock, const httplib::Server& server, std::chrono::seconds read,
             std::chrono::seconds write, size_t max_requests)
      : id(id), sock(sock), stream(sock, server, read, write), remaining_requests(max_requests) {}

  const uint64_t id;  // the epoll key: unlike the fd number it is never reused
  const int sock;
  ConnectionStream stream;
  size_t remaining_requests;  // keep-alive limit; touched only by the worker serving it
  // kIdle: waiting in the epoll set; kBusy: a worker serves it; kClosed: gone. A worker and
  // the idle reaper both claim an idle connection by compare-and-swap, so only one acts.
  std::atomic<int> state{kIdle};
  std::atomic<int64_t> idle_since_ns{0};
};

HttpServer::HttpServer() : epoll_fd_(epoll_create1(EPOLL_CLOEXEC)) {}

HttpServer::~HttpServer() {
  stop_workers();
  if (epoll_fd_ >= 0) close(epoll_fd_);
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
  if (stopping_ || epoll_fd_ < 0) {
    close(sock);
    return false;
  }
  // Reads and writes in the middle of a request block with these slices until their own
  // timeouts (httplib's read/write timeouts) pass; waiting for a request never blocks.
  set_socket_timeout(sock, SO_RCVTIMEO, kWakeInterval);
  set_socket_timeout(sock, SO_SNDTIMEO, kWakeInterval);
  std::shared_ptr<Connection> connection;
  {
    std::lock_guard lock(connections_mutex_);
    connection = std::make_shared<Connection>(
        next_connection_id_++, sock, *this, std::chrono::seconds(read_timeout_sec_),
        std::chrono::seconds(write_timeout_sec_), keep_alive_max_count_);
    connection->idle_since_ns = now_ns();
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
  bool keep = stream.read_available() != ConnectionStream::Readiness::kClosed;
  // A request is handed to httplib only once its header block is here, so a client that
  // sends it slowly holds no worker meanwhile (a slow body still does, up to the timeout).
  while (keep && stream.has_complete_head()) {
    // The last request allowed on this connection is answered with "Connection: close".
    bool last_allowed = connection->remaining_requests == 1;
    bool closed_by_request = false;
    std::optional<bool> plain = plain_get_.try_serve(stream, last_allowed, closed_by_request);
    bool handled = true;
    if (plain) {
      handled = *plain;
    } else {
      // httplib calls the set-up hook once the request line and headers parsed. When they did
      // not (it answers 400 or 414), where the next request starts is unknown: httplib would
      // read the rest of the bad head as new requests, so the connection is closed instead.
      bool head_parsed = false;
      handled = process_request(stream, last_allowed, closed_by_request,
                                [&head_parsed](httplib::Request&) { head_parsed = true; });
      handled = handled && head_parsed;
    }
    keep = stream.flush() && handled && !closed_by_request &&
           --connection->remaining_requests > 0 && !stopping_;
  }
  if (!keep) {
    close_connection(connection);
    return;
  }
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
  int64_t interval_ns = std::chrono::nanoseconds(kWakeInterval).count();
  if (now - last_reap_ns_.load() < interval_ns) return;
  std::unique_lock reaper(reaper_mutex_, std::try_to_lock);
  if (!reaper.owns_lock()) return;
  last_reap_ns_ = now;
  int64_t cutoff = now - static_cast<int64_t>(keep_alive_timeout_sec_) * 1'000'000'000;
  std::vector<std::shared_ptr<Connection>> idle;
  {
    std::lock_guard lock(connections_mutex_);
    for (auto& [id, connection] : connections_) {
      int expected = kIdle;
      if (connection->idle_since_ns.load() < cutoff &&
          connection->state.compare_exchange_strong(expected, kClosed)) {
        idle.push_back(connection);
      }
    }
  }
  for (const auto& connection : idle) close_connection(connection);
}

}  // namespace expgraph::api
