// How expgraphd handles connections (api/http/http_server.*): idle kept-alive connections hold no
// worker, pipelined requests are all answered in order, a half-sent request does not block
// other clients, and idle connections are closed after the keep-alive timeout. Raw sockets,
// so that the test controls exactly what goes on the wire.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/integration/raw_connection.h"
#include "tests/integration/server_process.h"

namespace expgraph::testing {
namespace {

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

// After a request line httplib cannot parse, where the next request starts is unknown: the
// server answers 400 and closes, rather than reading the rest as further requests.
TEST(HttpConnectionTest, AMalformedRequestLineClosesTheConnection) {
  ServerProcess server;
  ASSERT_TRUE(server.start());
  RawConnection connection(server.port());
  ASSERT_TRUE(connection.connected());
  ASSERT_TRUE(connection.send_text("GET /healthz HTTP/9\r\nX-Looks-Like: a header\r\n\r\n" +
                                   kHealthRequest));
  std::string responses = connection.read_responses(2, 3000);
  EXPECT_EQ(RawConnection::status_lines(responses), 1u) << responses;
  EXPECT_EQ(responses.rfind("HTTP/1.1 400", 0), 0u) << responses;
  EXPECT_TRUE(connection.closed_within(2000));
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
