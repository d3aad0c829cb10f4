#include "api/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <vector>

namespace expgraph::api {

namespace {

using Clock = std::chrono::steady_clock;

// Blocking socket calls return at least this often, so a connection notices server stop.
constexpr auto kWakeInterval = std::chrono::milliseconds(250);
constexpr size_t kReadBufferBytes = 16 * 1024;
// Responses larger than this go out in pieces while httplib is still producing them.
constexpr size_t kFlushThresholdBytes = 64 * 1024;

void set_socket_timeout(int sock, int option, std::chrono::milliseconds timeout) {
  timeval value{};
  value.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  value.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  setsockopt(sock, SOL_SOCKET, option, &value, sizeof(value));
}

// "ip", port of a socket address, as httplib reports them in Request::remote_addr.
void describe_address(const sockaddr_storage& address, std::string& ip, int& port) {
  char text[INET6_ADDRSTRLEN] = {};
  if (address.ss_family == AF_INET) {
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(address);
    inet_ntop(AF_INET, &v4.sin_addr, text, sizeof(text));
    port = ntohs(v4.sin_port);
  } else if (address.ss_family == AF_INET6) {
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(address);
    inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof(text));
    port = ntohs(v6.sin6_port);
  } else {
    port = 0;
  }
  ip = text;
}

bool would_block(int error) { return error == EAGAIN || error == EWOULDBLOCK || error == EINTR; }

// One kept-alive connection as an httplib::Stream: reads come from a buffer refilled by one
// recv at a time; writes collect in a buffer sent when the response is complete (or large).
class ConnectionStream final : public httplib::Stream {
 public:
  ConnectionStream(int sock, const httplib::Server& server, std::chrono::seconds read_timeout,
                   std::chrono::seconds write_timeout)
      : sock_(sock),
        server_(server),
        read_timeout_(read_timeout),
        write_timeout_(write_timeout),
        input_(kReadBufferBytes) {
    sockaddr_storage address{};
    socklen_t length = sizeof(address);
    if (getpeername(sock, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
      describe_address(address, remote_ip_, remote_port_);
    }
    length = sizeof(address);
    if (getsockname(sock, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
      describe_address(address, local_ip_, local_port_);
    }
  }

  // Waits up to `idle_limit` for the first bytes of the next request; false when none came,
  // the client closed, or the server is stopping.
  bool wait_for_request(std::chrono::seconds idle_limit) {
    if (input_begin_ < input_end_) return true;  // a pipelined request is already buffered
    return fill(Clock::now() + idle_limit);
  }

  // Sends everything written so far; false when the client is gone or too slow.
  bool flush() {
    size_t sent = 0;
    auto deadline = Clock::now() + write_timeout_;
    while (sent < output_.size()) {
      ssize_t n = send(sock_, output_.data() + sent, output_.size() - sent, MSG_NOSIGNAL);
      if (n > 0) {
        sent += static_cast<size_t>(n);
      } else if (n < 0 && would_block(errno) && Clock::now() < deadline && server_.is_running()) {
        continue;
      } else {
        output_.clear();
        return false;
      }
    }
    output_.clear();
    return true;
  }

  bool is_readable() const override {
    if (input_begin_ < input_end_) return true;
    pollfd descriptor{sock_, POLLIN, 0};
    auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(read_timeout_);
    return poll(&descriptor, 1, static_cast<int>(timeout.count())) > 0;
  }

  // Failures show up when the buffered bytes are sent.
  bool is_writable() const override { return true; }

  ssize_t read(char* ptr, size_t size) override {
    if (input_begin_ == input_end_) {
      // httplib may wait for a body after writing "100 Continue": that must reach the client.
      if (!output_.empty() && !flush()) return -1;
      if (!fill(Clock::now() + read_timeout_)) return eof_ ? 0 : -1;
    }
    size_t n = std::min(size, input_end_ - input_begin_);
    std::memcpy(ptr, input_.data() + input_begin_, n);
    input_begin_ += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, size_t size) override {
    output_.append(ptr, size);
    if (output_.size() >= kFlushThresholdBytes && !flush()) return -1;
    return static_cast<ssize_t>(size);
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = remote_ip_;
    port = remote_port_;
  }

  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = local_ip_;
    port = local_port_;
  }

  socket_t socket() const override { return sock_; }

 private:
  // One recv into the empty input buffer, retried on timeouts until `deadline`.
  bool fill(Clock::time_point deadline) {
    input_begin_ = input_end_ = 0;
    while (true) {
      ssize_t n = recv(sock_, input_.data(), input_.size(), 0);
      if (n > 0) {
        input_end_ = static_cast<size_t>(n);
        return true;
      }
      if (n == 0) {
        eof_ = true;
        return false;
      }
      if (!would_block(errno) || Clock::now() >= deadline || !server_.is_running()) return false;
    }
  }

  int sock_;
  const httplib::Server& server_;
  std::chrono::seconds read_timeout_;
  std::chrono::seconds write_timeout_;
  std::vector<char> input_;
  size_t input_begin_ = 0;
  size_t input_end_ = 0;
  bool eof_ = false;
  std::string output_;
  std::string remote_ip_;
  int remote_port_ = 0;
  std::string local_ip_;
  int local_port_ = 0;
};

}  // namespace

bool HttpServer::process_and_close_socket(socket_t sock) {
  set_socket_timeout(sock, SO_RCVTIMEO, kWakeInterval);
  set_socket_timeout(sock, SO_SNDTIMEO, kWakeInterval);
  ConnectionStream stream(sock, *this, std::chrono::seconds(read_timeout_sec_),
                          std::chrono::seconds(write_timeout_sec_));
  size_t remaining = keep_alive_max_count_;
  while (remaining > 0 && is_running() &&
         stream.wait_for_request(std::chrono::seconds(keep_alive_timeout_sec_))) {
    // The last request allowed on this connection is answered with "Connection: close".
    bool close_connection = remaining == 1;
    bool connection_closed = false;
    bool handled = process_request(stream, close_connection, connection_closed, nullptr);
    if (!stream.flush() || !handled || connection_closed) break;
    --remaining;
  }
  shutdown(sock, SHUT_RDWR);
  close(sock);
  return true;
}

}  // namespace expgraph::api
