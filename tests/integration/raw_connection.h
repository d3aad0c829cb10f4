// RawConnection: a plain TCP client for tests that must control exactly what goes on the
// wire (pipelining, half-sent requests, byte-for-byte response comparisons).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>

namespace expgraph::testing {

// A client socket connected to the server, closed on destruction.
class RawConnection {
 public:
  // Close-on-exec: a server the test starts later must not inherit the socket and keep the
  // connection open after the test closes it.
  explicit RawConnection(int port) : fd_(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  }
  ~RawConnection() { close(fd_); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return connected_; }
  bool send_text(const std::string& text) {
    return ::send(fd_, text.data(), text.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(text.size());
  }
  // Reads one whole response (head and a Content-Length body), or what arrived within
  // `timeout_ms`.
  std::string read_response(int timeout_ms) {
    return read_until([](const std::string& text) { return complete_response(text); }, timeout_ms);
  }
  // Reads until `count` complete responses to GET /healthz-like requests arrived (counted by
  // status lines), the peer closed, or `timeout_ms` passed; returns all bytes read.
  std::string read_responses(size_t count, int timeout_ms) {
    return read_until(
        [count](const std::string& text) {
          return status_lines(text) >= count && ends_with_body(text);
        },
        timeout_ms);
  }
  // True when the server closed the connection within `timeout_ms`.
  bool closed_within(int timeout_ms) {
    read_responses(1000, timeout_ms);
    return closed_by_peer_;
  }

  static size_t status_lines(const std::string& text) {
    size_t count = 0;
    for (size_t at = text.find("HTTP/1.1 "); at != std::string::npos;
         at = text.find("HTTP/1.1 ", at + 1)) {
      ++count;
    }
    return count;
  }

 private:
  // Reads until `done(received)`, the peer closes, or `timeout_ms` passes.
  template <typename Done>
  std::string read_until(Done&& done, int timeout_ms) {
    std::string received;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (!done(received)) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd descriptor{fd_, POLLIN, 0};
      if (poll(&descriptor, 1, static_cast<int>(left.count())) <= 0) break;
      char buffer[4096];
      ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
      if (n <= 0) {
        closed_by_peer_ = n == 0;
        break;
      }
      received.append(buffer, static_cast<size_t>(n));
    }
    return received;
  }
  static bool complete_response(const std::string& text) {
    size_t head_end = text.find("\r\n\r\n");
    if (head_end == std::string::npos) return false;
    size_t length_at = text.find("Content-Length: ");
    if (length_at == std::string::npos || length_at > head_end) return true;
    size_t length = std::stoul(text.substr(length_at + 16));
    return text.size() >= head_end + 4 + length;
  }
  // The /healthz body is a JSON object: a response is complete when the last byte closes it.
  static bool ends_with_body(const std::string& text) {
    return !text.empty() && text.back() == '}';
  }

  int fd_;
  bool connected_ = false;
  bool closed_by_peer_ = false;
};

}  // namespace expgraph::testing
