// HttpServer: cpp-httplib's Server with its own connection handling. httplib still accepts,
// parses, routes and writes responses; this class decides which thread serves which
// connection and how the socket is read and written (ConnectionStream). Used by ApiServer for
// plain HTTP.
//
// Why: httplib holds one pool thread per kept-alive connection, idle or not, so clients beyond
// the pool size wait, and every request costs a sleep and wake-up of that thread plus eleven
// system calls. Here idle connections sit in an epoll set and a fixed pool of workers serves
// whichever connection has a request: threads are held only while a request is being served,
// a busy worker goes from one ready connection to the next without sleeping, and a request
// costs one recv and one send (plus the epoll re-arm).
// Thread-safety: as httplib::Server; start_workers/stop_workers from the serving thread.
#pragma once

#include <httplib.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "api/plain_get_path.h"

namespace expgraph::api {

class HttpServer : public httplib::Server {
 public:
  HttpServer();
  ~HttpServer() override;

  // httplib listens with a backlog of 5, so a burst of new clients sees dropped SYNs and
  // one-second retransmits; call after binding to allow SOMAXCONN pending connections.
  void raise_listen_backlog();
  // Starts `count` workers; call before listen_after_bind().
  void start_workers(size_t count);
  // Joins the workers and closes every connection; call after listen_after_bind() returned.
  void stop_workers();
  // Where plain GET routes and httplib's hooks are registered (before serving) so that plain
  // GETs skip httplib's parser and writer (api/plain_get_path.h).
  PlainGetPath& plain_get_path() { return plain_get_; }

 private:
  struct Connection;

  // Called by httplib for each accepted socket: hands it to the epoll set and returns.
  bool process_and_close_socket(socket_t sock) override;
  void work();
  // Serves the requests that `connection` has ready; then re-arms or closes it.
  void serve(const std::shared_ptr<Connection>& connection);
  void close_connection(const std::shared_ptr<Connection>& connection);
  // Closes connections idle for longer than the keep-alive timeout (one worker at a time).
  void close_idle_connections();

  PlainGetPath plain_get_;
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
