#include "integration/http_client.h"

namespace expgraph::testing {

Reply call(httplib::Client& client, const std::string& method, const std::string& path,
           const std::string& body) {
  const char* content_type = "application/json";
  httplib::Result result = [&]() {
    if (method == "GET") return client.Get(path);
    if (method == "PUT") return client.Put(path, body, content_type);
    if (method == "POST") return client.Post(path, body, content_type);
    if (method == "DELETE" && body.empty()) return client.Delete(path);
    if (method == "DELETE") return client.Delete(path, body, content_type);
    return httplib::Result(nullptr, httplib::Error::Unknown);
  }();
  Reply reply;
  if (!result) {
    reply.text = "no response: " + httplib::to_string(result.error());
    return reply;
  }
  reply.status = result->status;
  reply.text = result->body;
  reply.content_type = result->get_header_value("Content-Type");
  reply.body = nlohmann::json::parse(reply.text, nullptr, /*allow_exceptions=*/false);
  return reply;
}

Reply call(httplib::Client& client, const std::string& method, const std::string& path,
           const nlohmann::json& body) {
  return call(client, method, path, body.dump());
}

::testing::AssertionResult is_error(const Reply& reply, int http_status, const std::string& code) {
  auto failure = [&reply]() {
    return ::testing::AssertionFailure() << "reply " << reply.status << " " << reply.text << ": ";
  };
  if (reply.status != http_status) return failure() << "expected HTTP " << http_status;
  if (reply.content_type.rfind("application/json", 0) != 0) {
    return failure() << "content type is \"" << reply.content_type << "\"";
  }
  const nlohmann::json& body = reply.body;
  if (!body.is_object() || body.size() != 1 || !body.contains("error") ||
      !body["error"].is_object()) {
    return failure() << "expected a body {\"error\": {...}}";
  }
  const nlohmann::json& error = body["error"];
  if (!error.contains("code") || error["code"] != code)
    return failure() << "expected code " << code;
  if (!error.contains("message") || !error["message"].is_string() ||
      error["message"].get<std::string>().empty()) {
    return failure() << "expected a non-empty message";
  }
  if (!error.contains("details") || !error["details"].is_array()) {
    return failure() << "expected a details array";
  }
  for (const auto& detail : error["details"]) {
    if (!detail.is_string()) return failure() << "details must be strings";
  }
  return ::testing::AssertionSuccess();
}

Counts graph_counts(httplib::Client& client) {
  Reply reply = call(client, "GET", "/readyz");
  Counts counts;
  if (reply.status == 200 && reply.body.is_object()) {
    counts.nodes = reply.body.value("nodes", int64_t{-1});
    counts.edges = reply.body.value("edges", int64_t{-1});
  }
  return counts;
}

void PrintTo(const Counts& counts, std::ostream* out) {
  *out << "{nodes " << counts.nodes << ", edges " << counts.edges << "}";
}

std::unique_ptr<ServerProcess> ApiTest::server_;

void ApiTest::SetUpTestSuite() {
  server_ = std::make_unique<ServerProcess>(
      std::vector<std::string>{"--max-body-bytes", std::to_string(kMaxBodyBytes)});
  ::testing::AssertionResult started = server_->start();
  if (!started) ADD_FAILURE() << started.message();
}

void ApiTest::TearDownTestSuite() {
  if (server_ && server_->running()) {
    EXPECT_TRUE(server_->stop());
  }
  server_.reset();
}

void ApiTest::SetUp() {
  ASSERT_TRUE(server_ && server_->running()) << "expgraphd is not running";
  client_ = std::make_unique<httplib::Client>(server_->client());
}

}  // namespace expgraph::testing
