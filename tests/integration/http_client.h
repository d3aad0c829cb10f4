// Helpers the HTTP integration tests share: one call returning status + parsed JSON body, the
// error-body assertion, the graph's node and edge counts, and ApiTest, a fixture whose suites
// share one expgraphd. Not thread-safe; each thread uses its own httplib::Client.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "integration/server_process.h"

namespace expgraph::testing {

// A response: `status` 0 when the request got no answer (then `text` says why).
struct Reply {
  int status = 0;
  nlohmann::json body;  // discarded when the body is not JSON
  std::string text;
  std::string content_type;
};

// One request; `body` is sent with Content-Type application/json when not empty.
Reply call(httplib::Client& client, const std::string& method, const std::string& path,
           const std::string& body = "");
Reply call(httplib::Client& client, const std::string& method, const std::string& path,
           const nlohmann::json& body);

// Succeeds when the reply has `http_status` and the body {"error": {"code": `code`, "message":
// non-empty string, "details": array of strings}}.
::testing::AssertionResult is_error(const Reply& reply, int http_status, const std::string& code);

// Node and edge counts as /readyz reports them.
struct Counts {
  int64_t nodes = -1;
  int64_t edges = -1;
  bool operator==(const Counts&) const = default;
};
Counts graph_counts(httplib::Client& client);
void PrintTo(const Counts& counts, std::ostream* out);

// Fixture: each test suite deriving from it starts one expgraphd (with --max-body-bytes 65536)
// on a fresh data directory, shared by its tests, and checks on teardown that it exits cleanly.
class ApiTest : public ::testing::Test {
 protected:
  static constexpr size_t kMaxBodyBytes = 65536;

  static void SetUpTestSuite();
  static void TearDownTestSuite();
  void SetUp() override;

  ServerProcess& server() { return *server_; }
  httplib::Client& client() { return *client_; }
  Reply get(const std::string& path) { return call(client(), "GET", path); }
  Reply put(const std::string& path, const nlohmann::json& body) {
    return call(client(), "PUT", path, body);
  }
  Reply post(const std::string& path, const nlohmann::json& body) {
    return call(client(), "POST", path, body);
  }
  Reply del(const std::string& path, const nlohmann::json& body = nullptr) {
    return body.is_null() ? call(client(), "DELETE", path) : call(client(), "DELETE", path, body);
  }
  Counts counts() { return graph_counts(client()); }

 private:
  static std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<httplib::Client> client_;
};

}  // namespace expgraph::testing
