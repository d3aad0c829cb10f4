// HTTPS: expgraphd --tls-cert/--tls-key serves the API over TLS with a self-signed certificate
// made at test time by the openssl command; plain HTTP on that port gets no answer; a missing
// or mismatched certificate stops the server at start-up.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <vector>

#include "integration/http_client.h"
#include "tests/integration/raw_connection.h"

// GCC 12 warns falsely (-Wrestrict) on "literal" + std::string&& in these tests.
#pragma GCC diagnostic ignored "-Wrestrict"

namespace expgraph::testing {
namespace {

namespace fs = std::filesystem;

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (fs::temp_directory_path() / "expgraph-tls-XXXXXX").string();
    ASSERT_NE(mkdtemp(dir_.data()), nullptr);
    cert_ = dir_ + "/cert.pem";
    key_ = dir_ + "/key.pem";
    std::string command =
        "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1"
        " -addext subjectAltName=IP:127.0.0.1 -keyout " +
        key_ + " -out " + cert_ + " >/dev/null 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0) << "openssl req failed";
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string dir_, cert_, key_;
};

TEST_F(TlsTest, ServesHttpsWithASelfSignedCertificate) {
  ServerProcess server({"--tls-cert", cert_, "--tls-key", key_});
  ASSERT_TRUE(server.start());
  EXPECT_NE(server.stderr_text().find("on https://127.0.0.1:"), std::string::npos);

  // Verifying the server against its own certificate as the CA.
  httplib::SSLClient verified("127.0.0.1", server.port());
  verified.set_ca_cert_path(cert_.c_str());
  verified.enable_server_certificate_verification(true);
  verified.set_connection_timeout(2, 0);
  auto health = verified.Get("/healthz");
  ASSERT_TRUE(health) << httplib::to_string(health.error());
  EXPECT_EQ(health->status, 200);
  auto put = verified.Put("/v1/nodes/Channel/tls", R"({"properties": {"name": "Secure"}})",
                          "application/json");
  ASSERT_TRUE(put);
  EXPECT_EQ(put->status, 201) << put->body;
  auto got = verified.Get("/v1/nodes/Channel/tls");
  ASSERT_TRUE(got);
  EXPECT_EQ(nlohmann::json::parse(got->body)["properties"]["name"], "Secure");

  // Verification on, but without the certificate as a CA: the handshake is refused.
  httplib::SSLClient untrusted("127.0.0.1", server.port());
  untrusted.set_ca_cert_path((dir_ + "/absent.pem").c_str());
  untrusted.enable_server_certificate_verification(true);
  untrusted.set_connection_timeout(2, 0);
  EXPECT_FALSE(untrusted.Get("/healthz"));

  // Plain HTTP on the TLS port gets no HTTP answer.
  httplib::Client plain("127.0.0.1", server.port());
  plain.set_connection_timeout(2, 0);
  plain.set_read_timeout(2, 0);
  auto answer = plain.Get("/healthz");
  EXPECT_TRUE(!answer || answer->status != 200);
  ASSERT_TRUE(server.stop());
}

// Issue 16: TLS connections are served by the same workers and reader as plain ones, so the
// body limits hold there too, and clients stuck in (or before) the handshake hold no worker.
TEST_F(TlsTest, TheSameLimitsHoldOverTls) {
  ServerProcess server({"--tls-cert", cert_, "--tls-key", key_, "--threads", "2",
                        "--max-body-bytes", "1024", "--read-timeout", "3"});
  ASSERT_TRUE(server.start());
  std::vector<std::unique_ptr<RawConnection>> stuck;
  for (int i = 0; i < 4; ++i) {
    stuck.push_back(std::make_unique<RawConnection>(server.port()));
    ASSERT_TRUE(stuck.back()->send_text(std::string("\x16\x03\x01", 3)));  // a partial record
  }
  httplib::SSLClient client("127.0.0.1", server.port());
  client.enable_server_certificate_verification(false);
  client.set_connection_timeout(2, 0);
  client.set_read_timeout(2, 0);
  auto health = client.Get("/healthz");
  ASSERT_TRUE(health) << httplib::to_string(health.error());
  EXPECT_EQ(health->status, 200);

  // A chunked body (no length given) over the limit.
  std::string large = R"({"properties": {"name": ")" + std::string(100 * 1024, 'n') + R"("}})";
  auto chunked = client.Put(
      "/v1/nodes/Channel/big",
      [&large](size_t offset, httplib::DataSink& sink) {
        if (offset < large.size()) {
          sink.write(large.data() + offset, std::min<size_t>(4096, large.size() - offset));
        } else {
          sink.done();
        }
        return true;
      },
      "application/json");
  ASSERT_TRUE(chunked) << httplib::to_string(chunked.error());
  EXPECT_EQ(chunked->status, 413) << chunked->body;
  // The ones stuck before their handshake are closed at the read timeout.
  for (auto& connection : stuck) EXPECT_TRUE(connection->closed_within(5000));
  ASSERT_TRUE(server.stop());
}

TEST_F(TlsTest, BadCertificateFailsAtStartUp) {
  ProcessOutcome missing =
      run_server_to_exit({"--data", dir_ + "/data", "--port", "0", "--tls-cert", dir_ + "/nope.pem",
                          "--tls-key", key_});
  EXPECT_EQ(missing.exit_code, 1) << missing.output;
  EXPECT_NE(missing.output.find("TLS certificate"), std::string::npos) << missing.output;
  ProcessOutcome half = run_server_to_exit({"--data", dir_ + "/data", "--tls-cert", cert_});
  EXPECT_EQ(half.exit_code, 2) << half.output;
}

}  // namespace
}  // namespace expgraph::testing
