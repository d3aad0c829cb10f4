// How expgraphd handles connections (api/http_server.*): idle kept-alive connections hold no
// worker, pipelined requests are all answered in order, a half-sent request does not block
// other clients, and idle connections are closed after the keep-alive timeout. Raw sockets,
// so that the test controls exactly what goes on the wire.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

#include "tests/integration/server_process.h"

namespace expgraph::testing {
namespace {

// A client socket connected to the server, closed on destruction.
class RawConnection {
 public:
  explicit RawConnection(int port) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
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
  // Reads until `count` complete responses to GET /healthz-like requests arrived (counted by
  // status lines), the peer closed, or `timeout_ms` passed; returns all bytes read.
  std::string read_responses(size_t count, int timeout_ms) {
    std::string received;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (status_lines(received) < count || !ends_with_body(received)) {
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
  // The /healthz body is a JSON object: a response is complete when the last byte closes it.
  static bool ends_with_body(const std::string& text) {
    return !text.empty() && text.back() == '}';
  }

  int fd_;
  bool connected_ = false;
  bool closed_by_peer_ = false;
};

const std::string kHealthRequest = "GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n";

TEST(HttpConnectionTest, ManyMoreKeptAliveConnectionsThanWorkersAreAllServed) {
  ServerProcess server({"--threads", "2"});
  ASSERT_TRUE(server.start());
  // With a thread per kept-alive connection, only two of these would ever be answered.
  std::vector<std::unique_ptr<RawConnection>> connections;
  for (int i = 0; i < 40; ++i) {
    connections.push_back(std::make_unique<RawConnection>(server.port()));
    ASSERT_TRUE(connections.back()->connected());
  }
  for (int round = 0; round < 3; ++round) {
    for (auto& connection : connections) ASSERT_TRUE(connection->send_text(kHealthRequest));
    for (auto& connection : connections) {
      std::string response = connection->read_responses(1, 5000);
      EXPECT_EQ(RawConnection::status_lines(response), 1u) << "round " << round;
      EXPECT_NE(response.find("200 OK"), std::string::npos) << response;
    }
  }
}

TEST(HttpConnectionTest, PipelinedRequestsAreAnsweredInOrder) {
  ServerProcess server;
  ASSERT_TRUE(server.start());
  RawConnection connection(server.port());
  ASSERT_TRUE(connection.connected());
  std::string requests =
      kHealthRequest + "GET /v1/nodes/Channel/none HTTP/1.1\r\nHost: t\r\n\r\n" + kHealthRequest;
  ASSERT_TRUE(connection.send_text(requests));
  std::string responses = connection.read_responses(3, 5000);
  ASSERT_EQ(RawConnection::status_lines(responses), 3u) << responses;
  size_t first = responses.find("HTTP/1.1 200");
  size_t second = responses.find("HTTP/1.1 404");
  size_t third = responses.find("HTTP/1.1 200", first + 1);
  EXPECT_LT(first, second);
  EXPECT_LT(second, third);
  EXPECT_NE(third, std::string::npos);
}

TEST(HttpConnectionTest, AHalfSentRequestDoesNotBlockOtherClients) {
  ServerProcess server({"--threads", "1"});
  ASSERT_TRUE(server.start());
  RawConnection slow(server.port());
  ASSERT_TRUE(slow.send_text("GET /healthz HTTP/1.1\r\nHo"));  // and nothing more for now
  // The one worker may be waiting for the rest of that request; idle waits must not hold it
  // for long, yet the slow request must still complete once its bytes arrive.
  RawConnection other(server.port());
  ASSERT_TRUE(other.send_text(kHealthRequest));
  std::string answer = other.read_responses(1, 5000);
  EXPECT_EQ(RawConnection::status_lines(answer), 1u);
  ASSERT_TRUE(slow.send_text("st: test\r\n\r\n"));
  EXPECT_EQ(RawConnection::status_lines(slow.read_responses(1, 5000)), 1u);
}

TEST(HttpConnectionTest, IdleConnectionsAreClosedAfterTheKeepAliveTimeout) {
  ServerProcess server;
  ASSERT_TRUE(server.start());
  RawConnection connection(server.port());
  ASSERT_TRUE(connection.send_text(kHealthRequest));
  ASSERT_EQ(RawConnection::status_lines(connection.read_responses(1, 5000)), 1u);
  // The keep-alive timeout is 5 s; the connection must be gone well before 10 s.
  EXPECT_TRUE(connection.closed_within(10000));
}

}  // namespace
}  // namespace expgraph::testing
