// PlainGetPath decides which requests it serves itself: plain GETs of its routes, and nothing
// else (those go to httplib, with nothing written). Over a socket pair, so the bytes it writes
// are the ones a client would read. Heads are parsed by RequestHead, as HttpServer does.
#include "api/http/plain_get_path.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "api/http/request_reader.h"

namespace expgraph::api {
namespace {

class PlainGetPathTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sockets_), 0);
    stream_ = std::make_unique<ConnectionStream>(sockets_[0], server_, std::chrono::seconds(1),
                                                 std::chrono::seconds(1));
    path_.add_route(R"(/items/([^/]+))",
                    [this](const httplib::Request& request, httplib::Response& response) {
                      seen_key_ = request.matches[1].str();
                      seen_param_ = request.get_param_value("q");
                      response.set_content("{\"key\":\"" + seen_key_ + "\"}", "application/json");
                    },
                    /*streamed=*/false);
    path_.add_route(
        "/export", [](const httplib::Request&, httplib::Response&) {},
        /*streamed=*/true);
  }
  void TearDown() override {
    stream_.reset();
    close(sockets_[0]);
    close(sockets_[1]);
  }

  // Sends `request` from the client end and offers it to the plain path.
  std::optional<bool> offer(const std::string& request) {
    EXPECT_EQ(send(sockets_[1], request.data(), request.size(), 0),
              static_cast<ssize_t>(request.size()));
    stream_->read_available();
    return offer_buffered();
  }
  // Offers the next request already buffered.
  std::optional<bool> offer_buffered() {
    HttpError error;
    EXPECT_EQ(head_.parse(stream_->buffered_input(), RequestReader::kMaxHeadBytes, error),
              RequestHead::Parse::kComplete)
        << error.message;
    stream_->consume(head_.size());
    closed_by_request_ = false;
    return path_.try_serve(head_, *stream_, /*close_connection=*/false, closed_by_request_);
  }
  std::string client_reads() {
    EXPECT_TRUE(stream_->flush());
    char buffer[4096];
    ssize_t n = recv(sockets_[1], buffer, sizeof(buffer), MSG_DONTWAIT);
    return n > 0 ? std::string(buffer, static_cast<size_t>(n)) : "";
  }

  int sockets_[2] = {-1, -1};
  httplib::Server server_;
  std::unique_ptr<ConnectionStream> stream_;
  PlainGetPath path_;
  RequestHead head_;
  bool closed_by_request_ = false;
  std::string seen_key_, seen_param_;
};

TEST_F(PlainGetPathTest, ServesAPlainGetWithDecodedPathAndQuery) {
  std::optional<bool> served = offer("GET /items/a%20b?q=x+y HTTP/1.1\r\nHost: h\r\n\r\n");
  ASSERT_TRUE(served.has_value());
  EXPECT_TRUE(*served);
  EXPECT_FALSE(closed_by_request_);
  EXPECT_EQ(seen_key_, "a b");
  EXPECT_EQ(seen_param_, "x y");
  EXPECT_TRUE(stream_->buffered_input().empty());  // the request was consumed
  std::string response = client_reads();
  EXPECT_EQ(response.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << response;
  EXPECT_NE(response.find("Content-Length: 13\r\n"), std::string::npos) << response;
  EXPECT_NE(response.find("\r\n\r\n{\"key\":\"a b\"}"), std::string::npos) << response;
}

TEST_F(PlainGetPathTest, ServesPipelinedRequestsOneAtATime) {
  std::string two =
      "GET /items/1 HTTP/1.1\r\n\r\nGET /items/2 HTTP/1.1\r\nConnection: close\r\n\r\n";
  ASSERT_TRUE(offer(two).has_value());
  EXPECT_EQ(seen_key_, "1");
  EXPECT_FALSE(closed_by_request_);
  ASSERT_TRUE(offer_buffered().has_value());
  EXPECT_EQ(seen_key_, "2");
  EXPECT_TRUE(closed_by_request_);
  EXPECT_NE(client_reads().find("Connection: close"), std::string::npos);
}

TEST_F(PlainGetPathTest, LeavesEverythingElseToHttplibUntouched) {
  const std::string others[] = {
      "POST /items/1 HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
      "GET /items/1 HTTP/1.1\r\nAccept-Encoding: gzip\r\n\r\n",
      "GET /items/1 HTTP/1.1\r\nRange: bytes=0-1\r\n\r\n",
      "GET /items/1 HTTP/1.1\r\nExpect: 100-continue\r\n\r\n",
      "GET /items/1 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
      "GET /items/1 HTTP/1.1\r\nContent-Length: 2\r\n\r\n",
      "HEAD /items/1 HTTP/1.1\r\n\r\n",
      "GET /export HTTP/1.1\r\n\r\n",     // a streamed route
      "GET /elsewhere HTTP/1.1\r\n\r\n",  // no route
  };
  for (const std::string& request : others) {
    ASSERT_FALSE(offer(request).has_value()) << request;
    EXPECT_TRUE(stream_->buffered_input().empty());
  }
  EXPECT_EQ(client_reads(), "");
}

// The checks that spare regex runs (literal prefix and suffix, number of '/') must never skip
// the route the regex would pick, whatever the pattern can match.
TEST(PlainGetPathRoutingTest, PicksTheSameRouteAsTheRegexesWould) {
  PlainGetPath path;
  std::string chosen;
  auto route = [&](const std::string& pattern, const std::string& name) {
    path.add_route(
        pattern, [&chosen, name](const httplib::Request&, httplib::Response&) { chosen = name; },
        /*streamed=*/false);
  };
  route(R"(/items/([A-Za-z_][A-Za-z0-9_]*)/([^/]+))", "item");
  route(R"(/items/([^/]+)/([^/]+)/edges)", "edges");
  route(R"(/items/([^/]+))", "type");
  route(R"(/files/(.*))", "file");            // any number of '/'
  route(R"(/range/([!-0]+))", "range");       // a class whose range holds '/'
  route(R"(/either/(a|b/c))", "either");      // an alternation
  route(R"(/opt/x?/end)", "optional");        // a quantified literal
  route(R"(/ver/v[0-9]+\.json)", "escaped");  // an escape
  const std::pair<std::string, std::string> cases[] = {
      {"/items/Team/k1", "item"},   {"/items/Team/k1/edges", "edges"}, {"/items/Team", "type"},
      {"/files/a/b/c.txt", "file"}, {"/range/!/0", "range"},           {"/either/b/c", "either"},
      {"/either/a", "either"},      {"/opt//end", "optional"},         {"/opt/x/end", "optional"},
      {"/ver/v12.json", "escaped"},
  };
  for (const auto& [target, expected] : cases) {
    int sockets[2];
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sockets), 0);
    httplib::Server server;
    ConnectionStream stream(sockets[0], server, std::chrono::seconds(1), std::chrono::seconds(1));
    std::string request = "GET " + target + " HTTP/1.1\r\n\r\n";
    ASSERT_EQ(send(sockets[1], request.data(), request.size(), 0),
              static_cast<ssize_t>(request.size()));
    stream.read_available();
    chosen.clear();
    bool closed = false;
    RequestHead head;
    HttpError error;
    ASSERT_EQ(head.parse(stream.buffered_input(), RequestReader::kMaxHeadBytes, error),
              RequestHead::Parse::kComplete);
    EXPECT_TRUE(path.try_serve(head, stream, false, closed).has_value()) << target;
    EXPECT_EQ(chosen, expected) << target;
    close(sockets[0]);
    close(sockets[1]);
  }
}

}  // namespace
}  // namespace expgraph::api
