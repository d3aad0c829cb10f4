// The plain GET path (api/http/plain_get_path.h) must answer exactly as httplib does. Each request
// is sent twice on raw sockets: as is (served by the plain path) and with
// "Accept-Encoding: identity" (which sends it through httplib, and asks for no compression,
// so the answers must be equal byte for byte up to header order).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "integration/http_client.h"
#include "tests/integration/raw_connection.h"

namespace expgraph::testing {
namespace {

// The first response in `response`, with its header lines sorted: the two paths need not order
// headers alike. (After a malformed request line httplib parses the leftover header lines as
// further requests, so more may follow.)
std::string normalised(const std::string& response) {
  size_t head_end = response.find("\r\n\r\n");
  if (head_end == std::string::npos) return "incomplete: " + response;
  std::istringstream head(response.substr(0, head_end));
  std::string status_line;
  std::getline(head, status_line);
  std::vector<std::string> headers;
  for (std::string line; std::getline(head, line);) headers.push_back(line);
  std::sort(headers.begin(), headers.end());
  std::string out = status_line + "\n";
  for (const std::string& header : headers) out += header + "\n";
  size_t length_at = response.find("Content-Length: ");
  size_t length = length_at < head_end ? std::stoul(response.substr(length_at + 16)) : 0;
  return out + "\n" + response.substr(head_end + 4, length);
}

std::string exchange(int port, const std::string& request) {
  RawConnection connection(port);
  if (!connection.connected() || !connection.send_text(request)) return "not sent";
  return connection.read_response(5000);
}

class PlainGetPathTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.start());
    httplib::Client client = server_.client();
    std::string demo = read_file(std::string(EXPGRAPH_SOURCE_DIR) + "/tools/demo/demo-graph.json");
    ASSERT_EQ(call(client, "POST", "/v1/batch", demo).status, 200);
    // A key that needs percent-encoding in a path.
    ASSERT_EQ(call(client, "PUT", "/v1/nodes/Channel/paid%20social",
                   std::string(R"({"properties": {"name": "Paid social"}})"))
                  .status,
              201);
  }

  ServerProcess server_;
};

TEST_F(PlainGetPathTest, AnswersMatchHttplibByteForByte) {
  const std::vector<std::string> targets = {
      "/healthz",
      "/v1/ontology",
      "/v1/nodes/Team/growth",
      "/v1/nodes/Channel/paid%20social",
      "/v1/nodes/Team/nobody",                                     // 404 from the handler
      "/v1/nodes/Nothing/x",                                       // unknown type
      "/v1/nodes/Segment/smb/neighborhood?hops=2&direction=both",  // query parameters
      "/v1/nodes/Segment/smb/neighborhood?hops=2&count_only=true",
      "/v1/nodes/Segment/smb/neighborhood?hops=9",  // 400
      "/v1/nodes/Team?limit=1",
      "/v1/nodes/Channel?name=Paid+social",  // '+' is a space in a query
      "/v1/paths?from=Segment/smb_new&to=Segment/all_customers&max_hops=3",
      "/v1/nodes/Team/growth/history",
      "/v1/no/such/route",  // no route: httplib's 404 either way
  };
  for (const std::string& target : targets) {
    std::string plain = exchange(server_.port(), "GET " + target + " HTTP/1.1\r\nHost: t\r\n\r\n");
    std::string through_httplib =
        exchange(server_.port(),
                 "GET " + target + " HTTP/1.1\r\nHost: t\r\nAccept-Encoding: identity\r\n\r\n");
    ASSERT_NE(plain.find("HTTP/1.1 "), std::string::npos) << target << ": " << plain;
    EXPECT_EQ(normalised(plain), normalised(through_httplib)) << target;
  }
}

TEST_F(PlainGetPathTest, ConnectionCloseAndHttp10CloseTheConnection) {
  RawConnection asked_to_close(server_.port());
  ASSERT_TRUE(asked_to_close.send_text("GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n"));
  std::string response = asked_to_close.read_response(5000);
  EXPECT_NE(response.find("Connection: close"), std::string::npos) << response;
  EXPECT_TRUE(asked_to_close.closed_within(2000));

  RawConnection old_client(server_.port());
  ASSERT_TRUE(old_client.send_text("GET /healthz HTTP/1.0\r\n\r\n"));
  EXPECT_NE(old_client.read_response(5000).find("200 OK"), std::string::npos);
  EXPECT_TRUE(old_client.closed_within(2000));

  RawConnection kept(server_.port());
  ASSERT_TRUE(kept.send_text("GET /healthz HTTP/1.1\r\n\r\n"));
  EXPECT_NE(kept.read_response(5000).find("Keep-Alive: timeout=5"), std::string::npos);
  ASSERT_TRUE(kept.send_text("GET /v1/nodes/Team/growth HTTP/1.1\r\n\r\n"));
  EXPECT_NE(kept.read_response(5000).find("Growth Marketing"), std::string::npos);
}

// A head whose lines all end with a bare LF never shows a CRLF CRLF: it is refused at once,
// not left to the read timeout (60 s).
TEST_F(PlainGetPathTest, AHeadWithBareLineFeedsIsRefusedAtOnce) {
  RawConnection client(server_.port());
  ASSERT_TRUE(client.send_text("GET /healthz HTTP/1.1\nHost: x\n\n"));
  const std::string answer = client.read_response(5000);
  EXPECT_NE(answer.find("400 Bad Request"), std::string::npos) << answer.substr(0, 200);
  EXPECT_NE(answer.find("bare LF"), std::string::npos) << answer.substr(0, 400);
}

// Heads the plain path does not take are httplib's to judge, whatever it answers: the same
// head with "Accept-Encoding: identity" added must get the same answer.
TEST_F(PlainGetPathTest, UnusualHeadsGetHttplibsAnswer) {
  const std::vector<std::pair<std::string, std::string>> heads = {
      {"GET /healthz HTTP/1.1\r\nBroken\r\n", ""},             // a line without a colon
      {"GET /healthz HTTP/1.1\r\nX-A: 1\r\n folded\r\n", ""},  // obsolete line folding
      {"GET /v1/nodes/Team/growth?a=1?b=2 HTTP/1.1\r\n", ""},  // two '?'
      {"GET /v1/nodes/Team/" + std::string(9000, 'k') + " HTTP/1.1\r\n", ""},  // URI too long
      {"GET /v1/nodes/Team/growth HTTP/1.1\r\nContent-Length: 2\r\n", "{}"},   // a body
      {"GET /v1/nodes/Team/growth HTTP/2.0\r\n", ""},                          // unknown version
  };
  for (const auto& [head, body] : heads) {
    std::string plain = exchange(server_.port(), head + "\r\n" + body);
    std::string through_httplib =
        exchange(server_.port(), head + "Accept-Encoding: identity\r\n\r\n" + body);
    EXPECT_EQ(normalised(plain), normalised(through_httplib)) << head.substr(0, 60);
  }
}

// With --auth on, the key check is the same on both paths: 401 without a key or with a wrong
// one, the answer itself with the admin key.
TEST(PlainGetPathAuthTest, KeysAreCheckedAlikeOnBothPaths) {
  setenv("EXPGRAPH_ADMIN_KEY", "plain-path-admin-key-0123456789", 1);
  ServerProcess server({"--auth", "on"});
  ::testing::AssertionResult started = server.start();
  unsetenv("EXPGRAPH_ADMIN_KEY");
  ASSERT_TRUE(started);
  const std::vector<std::string> authorizations = {
      "", "Authorization: Bearer wrong-key\r\n",
      "Authorization: Bearer plain-path-admin-key-0123456789\r\n"};
  for (const std::string& authorization : authorizations) {
    std::string head = "GET /v1/ontology HTTP/1.1\r\n" + authorization;
    std::string plain = exchange(server.port(), head + "\r\n");
    std::string through_httplib =
        exchange(server.port(), head + "Accept-Encoding: identity\r\n\r\n");
    EXPECT_EQ(normalised(plain), normalised(through_httplib)) << authorization;
    EXPECT_EQ(plain.rfind(authorization.empty() || authorization.find("wrong") != std::string::npos
                              ? "HTTP/1.1 401"
                              : "HTTP/1.1 200",
                          0),
              0u)
        << plain;
  }
}

}  // namespace
}  // namespace expgraph::testing
