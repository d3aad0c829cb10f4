// Issue 16: no request may exhaust the server's memory or hold its workers. Against a real
// expgraphd with small limits (--max-body-bytes 1024, a few seconds of --read-timeout), on raw
// sockets so that the test controls exactly what goes on the wire: the body limit holds for
// chunked and compressed bodies, a Content-Length over it is answered at once, framing that two
// parsers could read differently is refused, slow clients hold no worker, late requests get
// 408, and the bodies held at once are bounded. Each test takes seconds and a few MB.
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "test_support/http_bodies.h"
#include "tests/integration/raw_connection.h"
#include "tests/integration/server_process.h"

// GCC 12 warns falsely (-Wrestrict) on "literal" + std::string&& in these tests.
#pragma GCC diagnostic ignored "-Wrestrict"

namespace expgraph::testing {
namespace {

using Clock = std::chrono::steady_clock;

const std::string kHealth = "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n";

// A node body whose name is `size` bytes long.
std::string node_body(size_t size) {
  return R"({"properties": {"name": ")" + std::string(size, 'n') + R"("}})";
}

std::string put_head(const std::string& key, const std::string& framing) {
  return "PUT /v1/nodes/Channel/" + key +
         " HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n" + framing + "\r\n";
}

std::string exchange(int port, const std::string& request, int timeout_ms = 5000) {
  RawConnection connection(port);
  if (!connection.connected() || !connection.send_text(request)) return "not sent";
  return connection.read_response(timeout_ms);
}

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}

// How long a fresh client waits for /healthz; over a second counts as not answered.
std::chrono::milliseconds health_latency(int port) {
  auto start = Clock::now();
  std::string answer = exchange(port, kHealth, 1000);
  if (!starts_with(answer, "HTTP/1.1 200")) return std::chrono::milliseconds(1000000);
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

class RequestLimitsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server_.start()); }
  int port() const { return server_.port(); }

  ServerProcess server_{{"--max-body-bytes", "1024", "--threads", "2", "--read-timeout", "3"}};
};

// Item 4: a chunked body was not held to --max-body-bytes (100 MiB took the server to 1.5 GB).
TEST_F(RequestLimitsTest, AChunkedBodyOverTheLimitIs413) {
  std::string over = exchange(port(), put_head("c1", "Transfer-Encoding: chunked\r\n") +
                                          chunked(node_body(100 * 1024), 4096));
  EXPECT_TRUE(starts_with(over, "HTTP/1.1 413")) << over.substr(0, 300);
  EXPECT_NE(over.find("\"too_large\""), std::string::npos) << over;
  std::string within = exchange(
      port(), put_head("c2", "Transfer-Encoding: chunked\r\n") + chunked(node_body(500), 100));
  EXPECT_TRUE(starts_with(within, "HTTP/1.1 201")) << within;
}

// Item 4: a gzip body was inflated without limit (522 KB of gzip to 512 MiB passed 3 GB).
TEST_F(RequestLimitsTest, ACompressedBodyOverTheLimitOnceDecompressedIs413) {
  std::string bomb = gzip(std::string(size_t{512} << 10, ' '));  // 512 KiB of spaces: ~0.5 KiB
  ASSERT_LT(bomb.size(), 1024u);
  std::string over = exchange(port(), put_head("g1", "Content-Encoding: gzip\r\nContent-Length: " +
                                                         std::to_string(bomb.size()) + "\r\n") +
                                          bomb);
  EXPECT_TRUE(starts_with(over, "HTTP/1.1 413")) << over.substr(0, 300);
  EXPECT_NE(over.find("decompressed"), std::string::npos) << over;
  std::string small = gzip(node_body(600));
  std::string within =
      exchange(port(), put_head("g2", "Content-Encoding: gzip\r\nContent-Length: " +
                                          std::to_string(small.size()) + "\r\n") +
                           small);
  EXPECT_TRUE(starts_with(within, "HTTP/1.1 201")) << within;
}

// Item 4: a Content-Length over the limit was answered after 35 s, or never while the client
// kept sending. Now at once, from the head, and the connection is closed.
TEST_F(RequestLimitsTest, AContentLengthOverTheLimitIs413AtOnce) {
  RawConnection connection(port());
  auto start = Clock::now();
  ASSERT_TRUE(connection.send_text(put_head("l1", "Content-Length: 104857600\r\n") +
                                   std::string(4096, ' ')));
  std::string answer = connection.read_response(5000);
  EXPECT_TRUE(starts_with(answer, "HTTP/1.1 413")) << answer;
  EXPECT_NE(answer.find("Connection: close"), std::string::npos) << answer;
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(2));
  // The client may go on sending for a moment: the answer is not lost to a reset, and the
  // connection ends.
  connection.send_text(std::string(64 * 1024, ' '));
  EXPECT_TRUE(connection.closed_within(5000));
}

// Item 9: two different Content-Length values (RFC 9110 section 8.6), or Content-Length with
// chunking (RFC 9112 section 6.1), leave a body's end open to two readings: 400, and the
// connection is closed, so the rest is never read as another request.
TEST_F(RequestLimitsTest, AmbiguousFramingIs400) {
  const std::string smuggled = "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n";
  for (const std::string& framing :
       {std::string("Content-Length: 2\r\nContent-Length: 36\r\n"),
        std::string("Content-Length: 2, 36\r\n"),
        std::string("Content-Length: 36\r\nTransfer-Encoding: chunked\r\n"),
        std::string("Transfer-Encoding: chunked, identity\r\n")}) {
    RawConnection connection(port());
    ASSERT_TRUE(connection.send_text(put_head("f", framing) + "{}" + smuggled));
    std::string answers = connection.read_responses(2, 2000);
    EXPECT_EQ(RawConnection::status_lines(answers), 1u) << framing << answers;
    EXPECT_TRUE(starts_with(answers, "HTTP/1.1 400") || starts_with(answers, "HTTP/1.1 501"))
        << framing << answers;
  }
  // The same value twice is one length.
  std::string body = node_body(20);
  std::string length = "Content-Length: " + std::to_string(body.size()) + "\r\n";
  std::string same = exchange(port(), put_head("f2", length + length) + body);
  EXPECT_TRUE(starts_with(same, "HTTP/1.1 201")) << same;
}

// Item 6: with --threads 4, four connections sending a body a byte a second made every request,
// /healthz included, time out; so did 16 KiB of headers followed by a trickle. Here there are
// two workers and six slow clients, and health checks are answered throughout; the slow ones
// get 408 once the read timeout (3 s) has passed.
TEST_F(RequestLimitsTest, SlowClientsHoldNoWorker) {
  std::vector<std::unique_ptr<RawConnection>> slow;
  for (int i = 0; i < 4; ++i) {
    slow.push_back(std::make_unique<RawConnection>(port()));
    ASSERT_TRUE(slow.back()->send_text(
        put_head("s" + std::to_string(i), "Content-Length: 1000\r\n") + "{"));
  }
  for (int i = 0; i < 2; ++i) {
    slow.push_back(std::make_unique<RawConnection>(port()));
    ASSERT_TRUE(
        slow.back()->send_text("GET /healthz HTTP/1.1\r\nX-Padding: " + std::string(15000, 'p')));
  }
  auto start = Clock::now();
  while (Clock::now() - start < std::chrono::milliseconds(2000)) {
    for (auto& connection : slow) connection->send_text(" ");
    EXPECT_LT(health_latency(port()), std::chrono::milliseconds(500));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  for (auto& connection : slow) {
    std::string answer = connection->read_response(4000);
    EXPECT_TRUE(starts_with(answer, "HTTP/1.1 408")) << answer.substr(0, 200);
    EXPECT_TRUE(connection->closed_within(2000));
  }
  EXPECT_LT(health_latency(port()), std::chrono::milliseconds(500));
}

TEST_F(RequestLimitsTest, AHeadOverSixteenKibIs431) {
  std::string answer =
      exchange(port(), "GET /healthz HTTP/1.1\r\nX-Padding: " + std::string(8000, 'p') +
                           "\r\nX-More: " + std::string(8000, 'p') +
                           "\r\nX-End: " + std::string(1000, 'p') + "\r\n\r\n");
  EXPECT_TRUE(starts_with(answer, "HTTP/1.1 431")) << answer.substr(0, 200);
  EXPECT_LT(health_latency(port()), std::chrono::milliseconds(500));
}

// Item 7: the memory of the bodies held at once is bounded (--max-body-memory): beyond it a
// request gets 429 with Retry-After, from its head, instead of the server growing.
TEST(RequestMemoryTest, TheBodiesHeldAtOnceAreBounded) {
  ServerProcess server({"--max-body-bytes", "1024", "--max-body-memory", "2048"});
  ASSERT_TRUE(server.start());
  std::string body = node_body(900);
  std::string length = "Content-Length: " + std::to_string(body.size()) + "\r\n";
  std::vector<std::unique_ptr<RawConnection>> holding;
  for (int i = 0; i < 2; ++i) {
    holding.push_back(std::make_unique<RawConnection>(server.port()));
    ASSERT_TRUE(holding.back()->send_text(put_head("m" + std::to_string(i), length)));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  std::string refused = exchange(server.port(), put_head("m2", length), 2000);
  EXPECT_TRUE(starts_with(refused, "HTTP/1.1 429")) << refused;
  EXPECT_NE(refused.find("Retry-After: 1"), std::string::npos) << refused;
  // A request without a body needs none of it.
  EXPECT_LT(health_latency(server.port()), std::chrono::milliseconds(500));
  // Once a body is done with, its memory serves the next request.
  ASSERT_TRUE(holding[0]->send_text(body));
  std::string done = holding[0]->read_response(5000);
  EXPECT_TRUE(starts_with(done, "HTTP/1.1 201")) << done;
  std::string next = exchange(server.port(), put_head("m3", length) + body);
  EXPECT_TRUE(starts_with(next, "HTTP/1.1 201")) << next;
}

// Expect: 100-continue (curl sends it for bodies over 1 MiB): the interim answer comes only
// once the head passed its checks, and a refusal comes instead of it.
TEST_F(RequestLimitsTest, ExpectContinueIsAnsweredAfterTheHeadChecks) {
  std::string body = node_body(100);
  RawConnection accepted(port());
  ASSERT_TRUE(accepted.send_text(put_head(
      "e1", "Expect: 100-continue\r\nContent-Length: " + std::to_string(body.size()) + "\r\n")));
  std::string interim = accepted.read_response(2000);
  EXPECT_TRUE(starts_with(interim, "HTTP/1.1 100 Continue\r\n\r\n")) << interim;
  ASSERT_TRUE(accepted.send_text(body));
  std::string created = accepted.read_response(2000);
  EXPECT_TRUE(starts_with(created, "HTTP/1.1 201")) << created;

  std::string refused =
      exchange(port(), put_head("e2", "Expect: 100-continue\r\nContent-Length: 5000\r\n"), 2000);
  EXPECT_TRUE(starts_with(refused, "HTTP/1.1 413")) << refused;
}

}  // namespace
}  // namespace expgraph::testing
