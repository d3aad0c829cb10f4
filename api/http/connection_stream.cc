#include "api/http/connection_stream.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>

#include "api/http/request_reader.h"

namespace expgraph::api {

namespace {

using Clock = std::chrono::steady_clock;

// Responses larger than this go out in pieces while httplib is still producing them.
constexpr size_t kFlushThresholdBytes = 64 * 1024;
// Waits for the socket return at least this often, to notice a stop or a deadline.
constexpr int kWaitSliceMs = 250;

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

// EINTR too: the call is simply made again after the wait.
bool would_block(int error) { return error == EAGAIN || error == EWOULDBLOCK || error == EINTR; }

}  // namespace

ConnectionStream::ConnectionStream(int sock, const httplib::Server& server,
                                   std::chrono::seconds read_timeout,
                                   std::chrono::seconds write_timeout, SSL* ssl)
    : sock_(sock),
      server_(server),
      read_timeout_(read_timeout),
      write_timeout_(write_timeout),
      ssl_(ssl),
      handshake_done_(ssl == nullptr),
      input_(RequestReader::kMaxHeadBytes) {
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

ConnectionStream::~ConnectionStream() {
  if (ssl_ != nullptr) SSL_free(ssl_);  // the socket is HttpServer's to close
}

ConnectionStream::Readiness ConnectionStream::read_available() {
  if (input_begin_ > 0) {  // keep the unread bytes at the front, to append after them
    std::memmove(input_.data(), input_.data() + input_begin_, input_end_ - input_begin_);
    input_end_ -= input_begin_;
    input_begin_ = 0;
  }
  auto deadline = Clock::now() + write_timeout_;
  Io io = Io::kWantWrite;
  while (!handshake_done_ && io == Io::kWantWrite) {
    io = handshake();
    if (io == Io::kClosed || (io == Io::kWantWrite && Clock::now() >= deadline)) {
      return Readiness::kClosed;
    }
    if (io == Io::kWantRead) return Readiness::kNothing;
    if (io == Io::kWantWrite) wait_for(io);
  }
  if (input_end_ == input_.size()) return Readiness::kData;
  size_t n = 0;
  io = receive(input_.data() + input_end_, input_.size() - input_end_, n);
  if (io == Io::kWantWrite) {  // TLS: the session must send something first (a key update)
    wait_for(io);
    io = receive(input_.data() + input_end_, input_.size() - input_end_, n);
  }
  switch (io) {
    case Io::kDone:
      input_end_ += n;
      return Readiness::kData;
    case Io::kWantRead:
    case Io::kWantWrite:
      return Readiness::kNothing;
    case Io::kClosed:
      break;
  }
  return Readiness::kClosed;
}

bool ConnectionStream::drain_before_close() {
  if (!closing_) {
    closing_ = true;
    if (ssl_ != nullptr && handshake_done_) {
      ERR_clear_error();
      SSL_shutdown(ssl_);  // close_notify, not waiting for the client's
    }
    shutdown(sock_, SHUT_WR);
  }
  // The raw socket: what the client still sends is dropped unread, TLS or not.
  while (true) {
    ssize_t n = recv(sock_, input_.data(), input_.size(), 0);
    if (n > 0) continue;
    return n < 0 && would_block(errno);
  }
}

bool ConnectionStream::flush() {
  size_t sent = 0;
  auto deadline = Clock::now() + write_timeout_;
  while (sent < output_.size()) {
    size_t n = 0;
    Io io = transmit(output_.data() + sent, output_.size() - sent, n);
    if (io == Io::kDone) {
      sent += n;
    } else if (io != Io::kClosed && Clock::now() < deadline && server_.is_running()) {
      wait_for(io);
    } else {
      output_.clear();
      return false;
    }
  }
  output_.clear();
  return true;
}

void ConnectionStream::send_now(std::string_view data) {
  output_.append(data);
  size_t n = 0;
  transmit(output_.data(), output_.size(), n);
  output_.clear();
}

bool ConnectionStream::is_readable() const {
  if (pending_head_read_ < pending_head_.size() || has_buffered_input()) return true;
  if (ssl_ != nullptr && SSL_pending(ssl_) > 0) return true;
  pollfd descriptor{sock_, POLLIN, 0};
  auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(read_timeout_);
  return poll(&descriptor, 1, static_cast<int>(timeout.count())) > 0;
}

ssize_t ConnectionStream::read(char* ptr, size_t size) {
  if (pending_head_read_ < pending_head_.size()) {
    size_t n = std::min(size, pending_head_.size() - pending_head_read_);
    std::memcpy(ptr, pending_head_.data() + pending_head_read_, n);
    pending_head_read_ += n;
    return static_cast<ssize_t>(n);
  }
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

bool ConnectionStream::is_writable() const {
  // The stream is not const to its owner; httplib's interface makes this query const.
  return output_.empty() || const_cast<ConnectionStream*>(this)->flush();
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

ConnectionStream::Io ConnectionStream::receive(char* ptr, size_t size, size_t& n) {
  if (ssl_ == nullptr) return socket_outcome(recv(sock_, ptr, size, MSG_DONTWAIT), true, n);
  ERR_clear_error();
  return tls_outcome(SSL_read(ssl_, ptr, static_cast<int>(std::min<size_t>(size, INT32_MAX))), n);
}

ConnectionStream::Io ConnectionStream::transmit(const char* ptr, size_t size, size_t& n) {
  if (ssl_ == nullptr) {
    return socket_outcome(send(sock_, ptr, size, MSG_NOSIGNAL | MSG_DONTWAIT), false, n);
  }
  ERR_clear_error();
  return tls_outcome(SSL_write(ssl_, ptr, static_cast<int>(std::min<size_t>(size, INT32_MAX))), n);
}

ConnectionStream::Io ConnectionStream::handshake() {
  ERR_clear_error();
  size_t unused = 0;
  Io io = tls_outcome(SSL_do_handshake(ssl_), unused);
  handshake_done_ = io == Io::kDone;
  return io;
}

ConnectionStream::Io ConnectionStream::socket_outcome(ssize_t result, bool receiving, size_t& n) {
  n = 0;
  if (result > 0 || (result == 0 && !receiving)) {
    n = static_cast<size_t>(result);
    return Io::kDone;
  }
  if (result == 0) {
    eof_ = true;
    return Io::kClosed;
  }
  if (!would_block(errno)) return Io::kClosed;
  return receiving ? Io::kWantRead : Io::kWantWrite;
}

ConnectionStream::Io ConnectionStream::tls_outcome(int result, size_t& n) {
  n = 0;
  if (result > 0) {
    n = static_cast<size_t>(result);
    return Io::kDone;
  }
  switch (SSL_get_error(ssl_, result)) {
    case SSL_ERROR_WANT_READ:
      return Io::kWantRead;
    case SSL_ERROR_WANT_WRITE:
      return Io::kWantWrite;
    case SSL_ERROR_ZERO_RETURN:
      eof_ = true;
      return Io::kClosed;
    default:
      return Io::kClosed;
  }
}

void ConnectionStream::wait_for(Io io) const {
  pollfd descriptor{sock_, static_cast<short>(io == Io::kWantWrite ? POLLOUT : POLLIN), 0};
  poll(&descriptor, 1, kWaitSliceMs);
}

bool ConnectionStream::fill(Clock::time_point deadline) {
  input_begin_ = input_end_ = 0;
  while (true) {
    size_t n = 0;
    Io io = receive(input_.data(), input_.size(), n);
    if (io == Io::kDone) {
      input_end_ = n;
      return true;
    }
    if (io == Io::kClosed || Clock::now() >= deadline || !server_.is_running()) return false;
    wait_for(io);
  }
}

}  // namespace expgraph::api
