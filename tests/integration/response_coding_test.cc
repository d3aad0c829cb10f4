// Compressed answers against a real expgraphd: httplib's brotli encoder runs at its slowest
// quality, so httplib is not offered br (api/http/http_server.cc): a client that lists br and
// gzip, as browsers do, gets gzip, one that lists only br gets the answer uncompressed, and
// each decodes to the uncompressed answer. For GETs and POSTs alike.
#include <string>
#include <vector>

#include "integration/http_client.h"
#include "integration/server_process.h"

namespace expgraph::testing {
namespace {

class ResponseCodingTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<ServerProcess>(std::vector<std::string>{"--auth", "off"});
    ::testing::AssertionResult started = server_->start();
    if (!started) ADD_FAILURE() << started.message();
  }
  static void TearDownTestSuite() {
    if (server_ && server_->running()) {
      EXPECT_TRUE(server_->stop());
    }
    server_.reset();
  }
  void SetUp() override { ASSERT_TRUE(server_ && server_->running()); }

  // The answer as sent (decompress = false) or decoded by the client.
  static httplib::Result ask(const std::string& method, const std::string& accepted,
                             bool decompress) {
    httplib::Client client = server_->client();
    client.set_decompress(decompress);
    httplib::Headers headers = {{"Accept-Encoding", accepted}};
    if (method == "GET") return client.Get("/v1/ontology", headers);
    return client.Post("/v1/query", headers,
                       R"({"query": "UNWIND range(1, 300) AS n RETURN n, 'some text' AS t"})",
                       "application/json");
  }

  // The answer without its timing (a query's stats.elapsed_ms differs from run to run).
  static nlohmann::json content(const std::string& body) {
    nlohmann::json parsed = nlohmann::json::parse(body);
    parsed.erase("stats");
    return parsed;
  }

  static std::unique_ptr<ServerProcess> server_;
};

std::unique_ptr<ServerProcess> ResponseCodingTest::server_;

TEST_F(ResponseCodingTest, BrowsersGetGzipRatherThanBrotli) {
  for (const std::string method : {"GET", "POST"}) {
    auto plain = ask(method, "identity", false);
    ASSERT_TRUE(plain) << httplib::to_string(plain.error());
    ASSERT_EQ(plain->status, 200) << plain->body;
    ASSERT_GT(plain->body.size(), 2000u) << "large enough for httplib to compress";
    EXPECT_FALSE(plain->has_header("Content-Encoding"));
    for (const char* accepted : {"gzip, deflate, br", "br, gzip", "br;q=1.0, gzip;q=0.8",
                                 " BR ,\tgzip ", "gzip, br, zstd"}) {
      auto sent = ask(method, accepted, false);
      ASSERT_TRUE(sent) << accepted;
      EXPECT_EQ(sent->status, 200) << accepted;
      EXPECT_EQ(sent->get_header_value("Content-Encoding"), "gzip") << method << " " << accepted;
      EXPECT_LT(sent->body.size(), plain->body.size()) << accepted;
      auto decoded = ask(method, accepted, true);
      ASSERT_TRUE(decoded) << accepted;
      EXPECT_EQ(content(decoded->body), content(plain->body)) << method << " " << accepted;
    }
  }
}

TEST_F(ResponseCodingTest, OnlyBrotliAcceptedMeansUncompressed) {
  for (const std::string method : {"GET", "POST"}) {
    auto plain = ask(method, "identity", false);
    ASSERT_TRUE(plain);
    for (const char* accepted : {"br", "br;q=1", "BR"}) {
      auto sent = ask(method, accepted, false);
      ASSERT_TRUE(sent) << accepted;
      EXPECT_EQ(sent->status, 200);
      EXPECT_FALSE(sent->has_header("Content-Encoding")) << method << " " << accepted;
      EXPECT_EQ(content(sent->body), content(plain->body)) << method << " " << accepted;
    }
  }
}

}  // namespace
}  // namespace expgraph::testing
