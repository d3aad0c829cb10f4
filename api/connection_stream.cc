#include "api/connection_stream.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>

namespace expgraph::api {

namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kReadBufferBytes = 16 * 1024;
// Responses larger than this go out in pieces while httplib is still producing them.
constexpr size_t kFlushThresholdBytes = 64 * 1024;

// "ip", port of a socket address, as httplib reports them in Request::remote_addr.
void describe_address(const sockaddr_storage& address, std::string& ip, int& port) {
  char text[INET6_ADDRSTRLEN] = {};
  port = 0;
  if (address.ss_family == AF_INET) {
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(address);
    inet_ntop(AF_INET, &v4.sin_addr, text, sizeof(text));
    port = ntohs(v4.sin_port);
  } else if (address.ss_family == AF_INET6) {
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(address);
    inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof(text));
    port = ntohs(v6.sin6_port);
  }
  ip = text;
}

bool would_block(int error) { return error == EAGAIN || error == EWOULDBLOCK || error == EINTR; }

}  // namespace

ConnectionStream::ConnectionStream(int sock, const httplib::Server& server,
                                   std::chrono::seconds read_timeout,
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

ConnectionStream::Readiness ConnectionStream::read_available() {
  if (input_begin_ > 0) {  // keep the unread bytes at the front, to append after them
    std::memmove(input_.data(), input_.data() + input_begin_, input_end_ - input_begin_);
    input_end_ -= input_begin_;
    input_begin_ = 0;
  }
  if (input_end_ == input_.size()) return Readiness::kData;
  ssize_t n = recv(sock_, input_.data() + input_end_, input_.size() - input_end_, MSG_DONTWAIT);
  if (n > 0) {
    input_end_ += static_cast<size_t>(n);
    return Readiness::kData;
  }
  if (n < 0 && would_block(errno)) {
    return has_buffered_input() ? Readiness::kData : Readiness::kNothing;
  }
  return Readiness::kClosed;
}

bool ConnectionStream::has_complete_head() const {
  if (input_end_ - input_begin_ == input_.size()) return true;
  std::string_view buffered(input_.data() + input_begin_, input_end_ - input_begin_);
  return buffered.find("\r\n\r\n") != std::string_view::npos;
}

bool ConnectionStream::flush() {
  size_t sent = 0;
  auto deadline = Clock::now() + write_timeout_;
  while (sent < output_.size()) {
    ssize_t n = send(sock_, output_.data() + sent, output_.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
    } else if (n < 0 && would_block(errno) && Clock::now() < deadline && server_.is_running()) {
      continue;  // the socket's send timeout passed: check the deadline and try again
    } else {
      output_.clear();
      return false;
    }
  }
  output_.clear();
  return true;
}

bool ConnectionStream::is_readable() const {
  if (has_buffered_input()) return true;
  pollfd descriptor{sock_, POLLIN, 0};
  auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(read_timeout_);
  return poll(&descriptor, 1, static_cast<int>(timeout.count())) > 0;
}

ssize_t ConnectionStream::read(char* ptr, size_t size) {
  if (!has_buffered_input()) {
    // httplib may wait for a body after writing "100 Continue": that must reach the client.
    if (!output_.empty() && !flush()) return -1;
    if (!fill(Clock::now() + read_timeout_)) return eof_ ? 0 : -1;
  }
  size_t n = std::min(size, input_end_ - input_begin_);
  std::memcpy(ptr, input_.data() + input_begin_, n);
  input_begin_ += n;
  return static_cast<ssize_t>(n);
}

ssize_t ConnectionStream::write(const char* ptr, size_t size) {
  output_.append(ptr, size);
  if (output_.size() >= kFlushThresholdBytes && !flush()) return -1;
  return static_cast<ssize_t>(size);
}

void ConnectionStream::get_remote_ip_and_port(std::string& ip, int& port) const {
  ip = remote_ip_;
  port = remote_port_;
}

void ConnectionStream::get_local_ip_and_port(std::string& ip, int& port) const {
  ip = local_ip_;
  port = local_port_;
}

bool ConnectionStream::fill(Clock::time_point deadline) {
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

}  // namespace expgraph::api
