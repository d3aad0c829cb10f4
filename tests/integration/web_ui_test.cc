// The web UI's routes against a real expgraphd (--web-dir on a small bundle, WebFixture): the
// page and its assets with their content types and caching headers, open without a key when
// --auth is on, and every other path (traversal, hidden files, links out of the directory,
// the directory itself) a JSON 404. Through httplib and the plain GET path alike.
#include <string>

#include "integration/http_client.h"
#include "integration/web_fixture.h"

namespace expgraph::testing {
namespace {

class WebUiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    web_ = std::make_unique<WebFixture>();
    setenv("EXPGRAPH_ADMIN_KEY", "web-ui-test-admin-key-0123", 1);
    server_ = std::make_unique<ServerProcess>(
        std::vector<std::string>{"--auth", "on", "--web-dir", web_->web_dir()});
    ::testing::AssertionResult started = server_->start();
    unsetenv("EXPGRAPH_ADMIN_KEY");
    if (!started) ADD_FAILURE() << started.message();
  }
  static void TearDownTestSuite() {
    if (server_ && server_->running()) {
      EXPECT_TRUE(server_->stop());
    }
    server_.reset();
    web_.reset();
  }
  void SetUp() override { ASSERT_TRUE(server_ && server_->running()); }

  // A GET without a key, its body as sent; with Accept-Encoding it goes through httplib,
  // without it through the plain GET path.
  static httplib::Result fetch(const std::string& path, bool through_httplib,
                               const std::string& accept_encoding = "identity") {
    httplib::Client client = server_->client();
    client.set_decompress(false);
    httplib::Headers headers;
    if (through_httplib) headers.emplace("Accept-Encoding", accept_encoding);
    return client.Get(path, headers);
  }

  static std::unique_ptr<WebFixture> web_;
  static std::unique_ptr<ServerProcess> server_;
};

std::unique_ptr<WebFixture> WebUiTest::web_;
std::unique_ptr<ServerProcess> WebUiTest::server_;

TEST_F(WebUiTest, ServesThePageWithoutAKey) {
  for (bool through_httplib : {false, true}) {
    auto page = fetch("/", through_httplib);
    ASSERT_TRUE(page) << httplib::to_string(page.error());
    EXPECT_EQ(page->status, 200);
    EXPECT_EQ(page->body, WebFixture::kIndex);
    EXPECT_EQ(page->get_header_value("Content-Type"), "text/html; charset=utf-8");
    EXPECT_EQ(page->get_header_value("Cache-Control"), "no-cache");
    EXPECT_EQ(page->get_header_value("X-Content-Type-Options"), "nosniff");
    EXPECT_NE(page->get_header_value("Content-Security-Policy").find("script-src 'self'"),
              std::string::npos);
  }
  // The data still needs a key.
  httplib::Client client = server_->client();
  EXPECT_TRUE(is_error(call(client, "GET", "/v1/ontology"), 401, "unauthenticated"));
}

TEST_F(WebUiTest, ServesAssetsWithTheirTypeForGood) {
  for (bool through_httplib : {false, true}) {
    auto script = fetch(WebFixture::kScriptPath, through_httplib);
    ASSERT_TRUE(script);
    EXPECT_EQ(script->status, 200);
    EXPECT_EQ(script->body, WebFixture::script());
    EXPECT_FALSE(script->has_header("Content-Encoding"));
    EXPECT_EQ(script->get_header_value("Content-Type"), "application/javascript; charset=utf-8");
    EXPECT_EQ(script->get_header_value("Cache-Control"), "public, max-age=31536000, immutable");
    auto style = fetch("/assets/main-TEST1234.css", through_httplib);
    ASSERT_TRUE(style);
    EXPECT_EQ(style->status, 200);
    EXPECT_EQ(style->get_header_value("Content-Type"), "text/css; charset=utf-8");
  }
}

// The bundle is compressed once at start, not by httplib per request (brotli at its slowest
// quality took seconds for the real bundle), and never twice.
TEST_F(WebUiTest, ServesTheScriptGzippedToClientsThatAcceptIt) {
  for (const char* accepted : {"gzip", "gzip, deflate, br", "br;q=1.0, gzip;q=0.8"}) {
    SCOPED_TRACE(accepted);
    auto script = fetch(WebFixture::kScriptPath, true, accepted);
    ASSERT_TRUE(script);
    EXPECT_EQ(script->status, 200);
    EXPECT_EQ(script->get_header_value("Content-Encoding"), "gzip");
    EXPECT_EQ(script->get_header_value("Vary"), "Accept-Encoding");
    EXPECT_LT(script->body.size(), WebFixture::script().size());
    std::string decoded;
    ASSERT_TRUE(httplib::detail::gzip_decompressor().decompress(
        script->body.data(), script->body.size(), [&decoded](const char* data, size_t size) {
          decoded.append(data, size);
          return true;
        }));
    EXPECT_EQ(decoded, WebFixture::script());
  }
  for (const char* refused : {"br", "gzip;q=0", "deflate"}) {
    auto script = fetch(WebFixture::kScriptPath, true, refused);
    ASSERT_TRUE(script);
    EXPECT_FALSE(script->has_header("Content-Encoding")) << refused;
    EXPECT_EQ(script->body, WebFixture::script()) << refused;
  }
}

TEST_F(WebUiTest, NothingElseIsServed) {
  for (const char* path :
       {"/assets/.hidden", "/assets/link.txt", "/assets/../secret.txt", "/assets/%2e%2e/secret.txt",
        "/assets/..%2Fsecret.txt", "/assets/..%2F..%2Fetc%2Fpasswd", "/assets/", "/assets",
        "/index.html", "/assets/main-TEST1234.js/", "/assets/MAIN-TEST1234.JS", "/secret.txt",
        "//etc/passwd", "/assets/main-TEST1234.js%00.png"}) {
    SCOPED_TRACE(path);
    httplib::Client client = server_->client();
    Reply reply = call(client, "GET", path);
    // 404 from the web routes or httplib; 401 where no route takes the path (fail closed).
    EXPECT_TRUE(reply.status == 404 || reply.status == 401 || reply.status == 400) << reply.status;
    EXPECT_EQ(reply.text.find("outside the web directory"), std::string::npos);
    EXPECT_EQ(reply.text.find("not served"), std::string::npos);
    EXPECT_EQ(reply.text.find("root:"), std::string::npos);
  }
}

TEST(WebUiMissingTest, WithoutABundleThePageSaysHowToBuildIt) {
  TempDir empty;
  ServerProcess server({"--web-dir", empty.path()});
  ASSERT_TRUE(server.start());
  httplib::Client client = server.client();
  Reply reply = call(client, "GET", "/");
  EXPECT_TRUE(is_error(reply, 404, "not_found"));
  EXPECT_NE(reply.text.find("tools/build"), std::string::npos) << reply.text;
  EXPECT_NE(server.stderr_text().find("no web UI"), std::string::npos);
  // The API is served as before.
  EXPECT_EQ(call(client, "GET", "/v1/ontology").status, 200);
  EXPECT_TRUE(server.stop());
}

}  // namespace
}  // namespace expgraph::testing
