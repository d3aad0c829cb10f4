// API keys over HTTP against a real expgraphd with --auth on: the role every route needs (one
// table-driven test, checked against api/auth/access_control.h's table), 401 with WWW-Authenticate,
// 403, key management and revocation, the actor in the change log, the generated first key,
// and that no clear key reaches the RocksDB files.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "api/auth/access_control.h"
#include "integration/cli_runner.h"
#include "integration/http_client.h"
#include "integration/web_fixture.h"
#include "tests/integration/raw_connection.h"

namespace expgraph::testing {
namespace {

using nlohmann::json;

constexpr const char* kAdminKey = "it-admin-key-6f1c2a9e8b7d";

// A client that sends `key` (none when empty).
httplib::Client keyed_client(const ServerProcess& server, const std::string& key) {
  httplib::Client client = server.client();
  if (!key.empty()) client.set_bearer_token_auth(key);
  return client;
}

// Every byte of every file under `directory`, concatenated.
std::string all_file_bytes(const std::string& directory) {
  std::string bytes;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(directory)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream file(entry.path(), std::ios::binary);
    std::stringstream text;
    text << file.rdbuf();
    bytes += text.str();
  }
  return bytes;
}

class AuthApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    setenv("EXPGRAPH_ADMIN_KEY", kAdminKey, 1);
    web_ = std::make_unique<WebFixture>();  // the open routes of the web UI need a bundle
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

  // Creates a key with the admin key and returns it.
  std::string create_key(const std::string& name, const std::string& role) {
    httplib::Client admin = keyed_client(*server_, kAdminKey);
    Reply created = call(admin, "POST", "/v1/admin/keys", json{{"name", name}, {"role", role}});
    EXPECT_EQ(created.status, 201) << created.text;
    return created.body.value("key", std::string());
  }

  static std::unique_ptr<WebFixture> web_;
  static std::unique_ptr<ServerProcess> server_;
};

std::unique_ptr<WebFixture> AuthApiTest::web_;
std::unique_ptr<ServerProcess> AuthApiTest::server_;

// One request per route label; `role` is the least role it needs ("" for open routes).
struct RouteCase {
  std::string label;
  std::string method;
  std::string path;
  json body;
  // The answer an allowed role must get, when it is not a success: the replicas' update stream
  // is asked from a sequence the primary has not reached, since a success would stream forever.
  int allowed_status = 0;
};

TEST_F(AuthApiTest, EveryRouteNeedsItsRole) {
  std::map<std::string, std::string> keys = {{"reader", create_key("table-reader", "reader")},
                                             {"writer", create_key("table-writer", "writer")},
                                             {"admin", kAdminKey}};
  httplib::Client admin = keyed_client(*server_, kAdminKey);
  ASSERT_EQ(call(admin, "PUT", "/v1/nodes/Team/T", json{{"properties", {{"name", "t"}}}}).status,
            201);
  json edge = {{"type", "OWNED_BY"}, {"from", "Experiment/E"}, {"to", "Team/T"}};
  json webhook = {{"url", "http://127.0.0.1:9/hook"},
                  {"events", {"learning.created"}},
                  {"secret", "table-secret-0123456789"}};
  Reply made = call(admin, "POST", "/v1/admin/webhooks", webhook);
  ASSERT_EQ(made.status, 201) << made.text;
  const std::string webhook_path = "/v1/admin/webhooks/" + made.body["id"].get<std::string>();
  const std::vector<RouteCase> cases = {
      {"GET /healthz", "GET", "/healthz", nullptr},
      {"GET /readyz", "GET", "/readyz", nullptr},
      {"GET /", "GET", "/", nullptr},
      {"GET /assets/{file}", "GET", WebFixture::kScriptPath, nullptr},
      {"GET /metrics", "GET", "/metrics", nullptr},
      {"GET /v1/ontology", "GET", "/v1/ontology", nullptr},
      {"GET /v1/openapi.json", "GET", "/v1/openapi.json", nullptr},
      {"GET /v1/auth/me", "GET", "/v1/auth/me", nullptr},
      {"GET /v1/docs", "GET", "/v1/docs", nullptr},
      {"GET /v1/docs/redoc.standalone.js", "GET", "/v1/docs/redoc.standalone.js", nullptr},
      {"GET /v1/nodes/{type}", "GET", "/v1/nodes/Team", nullptr},
      {"GET /v1/nodes/{type}/{key}", "GET", "/v1/nodes/Team/T", nullptr},
      {"GET /v1/nodes/{type}/{key}/edges", "GET", "/v1/nodes/Team/T/edges", nullptr},
      {"GET /v1/nodes/{type}/{key}/neighborhood", "GET", "/v1/nodes/Team/T/neighborhood", nullptr},
      {"GET /v1/nodes/{type}/{key}/history", "GET", "/v1/nodes/Team/T/history", nullptr},
      {"GET /v1/paths", "GET", "/v1/paths?from=Team/T&to=Team/T", nullptr},
      {"GET /v1/export", "GET", "/v1/export", nullptr},
      {"GET /v1/export/csv", "GET", "/v1/export/csv", nullptr},
      {"GET /v1/export/csv/{kind}/{type}.csv", "GET", "/v1/export/csv/nodes/Team.csv", nullptr},
      {"GET /v1/audit", "GET", "/v1/audit", nullptr},
      {"GET /v1/changes", "GET", "/v1/changes", nullptr},
      {"POST /v1/query", "POST", "/v1/query", {{"query", "MATCH (t:Team) RETURN t.name"}}},
      {"POST /v1/search", "POST", "/v1/search", {{"text", "growth"}}},
      {"POST /v1/recommendations/similar-tests",
       "POST",
       "/v1/recommendations/similar-tests",
       {{"hypothesis", "growth"}}},
      {"GET /v1/patterns", "GET", "/v1/patterns", nullptr},
      {"POST /v1/forecast",
       "POST",
       "/v1/forecast",
       {{"hypothesis", "growth"}, {"candidates", {{{"name", "a"}, {"text", "growth"}}}}}},
      {"GET /v1/models/forecast", "GET", "/v1/models/forecast", nullptr},
      {"GET /v1/stats/program", "GET", "/v1/stats/program", nullptr},
      {"PUT /v1/nodes/{type}/{key}",
       "PUT",
       "/v1/nodes/Experiment/E",
       {{"properties", {{"name", "e"}}}}},
      {"POST /v1/edges", "POST", "/v1/edges", edge},
      {"DELETE /v1/edges", "DELETE", "/v1/edges", edge},
      {"DELETE /v1/nodes/{type}/{key}", "DELETE", "/v1/nodes/Experiment/E", nullptr},
      {"POST /v1/batch",
       "POST",
       "/v1/batch",
       {{"nodes",
         json::array({{{"type", "Team"}, {"key", "B"}, {"properties", {{"name", "b"}}}}})}}},
      {"POST /v1/import", "POST", "/v1/import", nullptr},
      {"GET /v1/admin/keys", "GET", "/v1/admin/keys", nullptr},
      {"POST /v1/admin/keys",
       "POST",
       "/v1/admin/keys",
       {{"name", "made-in-table"}, {"role", "reader"}}},
      {"DELETE /v1/admin/keys/{name}", "DELETE", "/v1/admin/keys/made-in-table", nullptr},
      // Each call makes a new backup directory under the data dir's backups/.
      {"POST /v1/admin/backup", "POST", "/v1/admin/backup", nullptr},
      {"POST /v1/admin/webhooks", "POST", "/v1/admin/webhooks", webhook},
      {"GET /v1/admin/webhooks", "GET", "/v1/admin/webhooks", nullptr},
      {"GET /v1/admin/webhooks/{id}/deliveries", "GET", webhook_path + "/deliveries", nullptr},
      {"DELETE /v1/admin/webhooks/{id}", "DELETE", webhook_path, nullptr},
      {"GET /v1/replication/checkpoint", "GET", "/v1/replication/checkpoint", nullptr},
      {"GET /v1/replication/updates", "GET", "/v1/replication/updates?since=1000000000000", nullptr,
       409},
      // No stream is live: the reply names none (404 unknown_stream) once its key passes.
      {"POST /v1/replication/replies",
       "POST",
       "/v1/replication/replies",
       {{"stream_id", "0123456789abcdef"}, {"applied_sequence", 1}},
       404},
      {"GET /v1/replication/replicas", "GET", "/v1/replication/replicas", nullptr},
  };

  // The test covers the whole table, and the table names every route tested.
  std::set<std::string> tested;
  for (const RouteCase& route : cases) tested.insert(route.label);
  for (const auto& [label, access] : api::access_table()) {
    EXPECT_TRUE(tested.contains(std::string(label))) << "no test case for " << label;
  }

  const std::vector<std::string> roles = {"reader", "writer", "admin"};
  for (const RouteCase& route : cases) {
    SCOPED_TRACE(route.label);
    api::Access access = api::required_access(route.label);
    httplib::Client anonymous = keyed_client(*server_, "");
    httplib::Client wrong = keyed_client(*server_, "egk_not-a-key-at-all-000000");
    std::string body = route.body.is_null() ? std::string() : route.body.dump();
    if (route.label == "POST /v1/import") {
      body = R"({"node": {"type": "Team", "key": "I", "properties": {"name": "i"}}})";
    }
    for (httplib::Client* client : {&anonymous, &wrong}) {
      Reply reply = call(*client, route.method, route.path, body);
      if (access == api::Access::kOpen) {
        EXPECT_EQ(reply.status, 200) << reply.text;
      } else {
        EXPECT_TRUE(is_error(reply, 401, "unauthenticated")) << reply.text;
      }
    }
    bool first_allowed = true;
    for (size_t level = 0; level < roles.size(); ++level) {
      httplib::Client client = keyed_client(*server_, keys[roles[level]]);
      Reply reply = call(client, route.method, route.path, body);
      bool allowed = static_cast<int>(level) + 1 >= static_cast<int>(access);
      if (allowed) {
        // The first role allowed does the work; a higher one may then find a delete done (404).
        EXPECT_NE(reply.status, 401) << roles[level] << ": " << reply.text;
        EXPECT_NE(reply.status, 403) << roles[level] << ": " << reply.text;
        if (route.allowed_status != 0) {
          EXPECT_EQ(reply.status, route.allowed_status) << roles[level] << ": " << reply.text;
        } else {
          EXPECT_LT(reply.status, first_allowed ? 300 : 500) << roles[level] << ": " << reply.text;
        }
        first_allowed = false;
      } else {
        EXPECT_TRUE(is_error(reply, 403, "permission_denied"))
            << roles[level] << ": " << reply.text;
      }
    }
  }
}

TEST_F(AuthApiTest, AKeyLearnsItsNameAndRole) {
  const std::map<std::string, std::string> keys = {{"me-reader", create_key("me-reader", "reader")},
                                                   {"me-writer", create_key("me-writer", "writer")},
                                                   {"admin", kAdminKey}};
  const std::map<std::string, std::string> roles = {
      {"me-reader", "reader"}, {"me-writer", "writer"}, {"admin", "admin"}};
  for (const auto& [name, key] : keys) {
    httplib::Client client = keyed_client(*server_, key);
    Reply me = call(client, "GET", "/v1/auth/me");
    ASSERT_EQ(me.status, 200) << me.text;
    EXPECT_EQ(me.body, (json{{"name", name}, {"role", roles.at(name)}, {"authentication", "on"}}));
  }
  // The CLI asks the same, with the key from the environment.
  const std::string url = "--url http://127.0.0.1:" + std::to_string(server_->port());
  CliRun cli = run_cli(url + " whoami", "EXPGRAPH_API_KEY=" + keys.at("me-writer") + " ");
  EXPECT_EQ(cli.exit_code, 0) << cli.output;
  EXPECT_EQ(cli.output, "name me-writer\nrole writer\nauthentication on\n");
  httplib::Client admin = keyed_client(*server_, kAdminKey);
  ASSERT_EQ(call(admin, "DELETE", "/v1/admin/keys/me-writer").status, 200);
  httplib::Client revoked = keyed_client(*server_, keys.at("me-writer"));
  EXPECT_TRUE(is_error(call(revoked, "GET", "/v1/auth/me"), 401, "unauthenticated"));
  EXPECT_EQ(run_cli(url + " whoami", "EXPGRAPH_API_KEY=" + keys.at("me-writer") + " ").exit_code,
            1);
}

TEST_F(AuthApiTest, UnauthenticatedAnswersCarryTheChallenge) {
  httplib::Client anonymous = keyed_client(*server_, "");
  auto result = anonymous.Get("/v1/ontology");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 401);
  EXPECT_EQ(result->get_header_value("WWW-Authenticate"), "Bearer realm=\"expgraph\"");
  httplib::Client basic = server_->client();
  basic.set_basic_auth("admin", kAdminKey);  // not a Bearer key
  EXPECT_TRUE(is_error(call(basic, "GET", "/v1/ontology"), 401, "unauthenticated"));
}

// Issue 16, item 9: the scheme is case-insensitive (RFC 9110 section 11.1), and may be followed
// by more than one space.
TEST_F(AuthApiTest, TheBearerSchemeIsCaseInsensitive) {
  for (const std::string& authorization :
       {std::string("bearer "), std::string("BEARER "), std::string("bEaReR  ")}) {
    httplib::Client client = server_->client();
    auto result = client.Get("/v1/ontology", {{"Authorization", authorization + kAdminKey}});
    ASSERT_TRUE(result) << httplib::to_string(result.error());
    EXPECT_EQ(result->status, 200) << authorization << result->body;
  }
  httplib::Client client = server_->client();
  auto glued = client.Get("/v1/ontology", {{"Authorization", std::string("Bearer") + kAdminKey}});
  ASSERT_TRUE(glued);
  EXPECT_EQ(glued->status, 401);
}

// Issue 16, item 4: a body is read (and decompressed) only with a key good for the route: the
// answer comes from the head alone, although the client announced 10 MB and sent none of it.
TEST_F(AuthApiTest, ARequestWithABodyIsRefusedBeforeItsBodyWithoutAGoodKey) {
  std::string reader_key = create_key("reader-before-body", "reader");
  const std::string head =
      "POST /v1/import HTTP/1.1\r\nHost: t\r\nContent-Encoding: gzip\r\n"
      "Content-Length: 10000000\r\n";
  const std::pair<std::string, std::string> cases[] = {
      {"", "HTTP/1.1 401"},
      {"Authorization: Bearer wrong-key\r\n", "HTTP/1.1 401"},
      {"Authorization: Bearer " + reader_key + "\r\n", "HTTP/1.1 403"},
  };
  for (const auto& [authorization, status] : cases) {
    RawConnection connection(server_->port());
    ASSERT_TRUE(connection.send_text(head + authorization + "\r\n"));
    std::string response = connection.read_response(3000);
    EXPECT_EQ(response.rfind(status, 0), 0u) << authorization << response;
    EXPECT_NE(response.find("Connection: close"), std::string::npos) << response;
    EXPECT_TRUE(connection.closed_within(3000));
  }
}

TEST_F(AuthApiTest, KeysAreListedWithoutSecretsAndCanBeRevoked) {
  std::string key = create_key("to-revoke", "writer");
  ASSERT_EQ(key.rfind("egk_", 0), 0u) << key;
  httplib::Client admin = keyed_client(*server_, kAdminKey);
  EXPECT_TRUE(is_error(
      call(admin, "POST", "/v1/admin/keys", json{{"name", "to-revoke"}, {"role", "reader"}}), 409,
      "conflict"));
  EXPECT_TRUE(
      is_error(call(admin, "POST", "/v1/admin/keys", json{{"name", "x"}, {"role", "superuser"}}),
               400, "invalid_argument"));
  EXPECT_TRUE(is_error(
      call(admin, "POST", "/v1/admin/keys", json{{"name", "bad name"}, {"role", "reader"}}), 400,
      "invalid_argument"));

  Reply listed = call(admin, "GET", "/v1/admin/keys");
  ASSERT_EQ(listed.status, 200) << listed.text;
  bool found = false;
  for (const json& entry : listed.body["keys"]) {
    EXPECT_FALSE(entry.contains("key"));
    EXPECT_FALSE(entry.contains("sha256"));
    if (entry["name"] == "to-revoke") {
      found = true;
      EXPECT_EQ(entry["role"], "writer");
      EXPECT_TRUE(entry["created_at"].is_string());
    }
  }
  EXPECT_TRUE(found) << listed.text;
  EXPECT_EQ(listed.text.find(key), std::string::npos);

  httplib::Client writer = keyed_client(*server_, key);
  EXPECT_EQ(call(writer, "GET", "/v1/ontology").status, 200);
  Reply revoked = call(admin, "DELETE", "/v1/admin/keys/to-revoke");
  ASSERT_EQ(revoked.status, 200) << revoked.text;
  EXPECT_TRUE(is_error(call(writer, "GET", "/v1/ontology"), 401, "unauthenticated"));
  EXPECT_TRUE(is_error(call(admin, "DELETE", "/v1/admin/keys/to-revoke"), 404, "not_found"));
  // The last admin key cannot go: nobody could manage keys any more.
  EXPECT_TRUE(is_error(call(admin, "DELETE", "/v1/admin/keys/admin"), 409, "conflict"));

  // Revocation survives a restart; the keys live in RocksDB.
  ASSERT_TRUE(server_->restart());
  httplib::Client writer_again = keyed_client(*server_, key);
  EXPECT_TRUE(is_error(call(writer_again, "GET", "/v1/ontology"), 401, "unauthenticated"));
  httplib::Client admin_again = keyed_client(*server_, kAdminKey);
  EXPECT_EQ(call(admin_again, "GET", "/v1/admin/keys").status, 200);
}

TEST_F(AuthApiTest, TheKeysNameIsTheActorInTheChangeLog) {
  std::string key = create_key("alice", "writer");
  httplib::Client alice = keyed_client(*server_, key);
  ASSERT_EQ(
      call(alice, "PUT", "/v1/nodes/Team/by-alice", json{{"properties", {{"name", "a"}}}}).status,
      201);
  httplib::Client admin = keyed_client(*server_, kAdminKey);
  Reply history = call(admin, "GET", "/v1/nodes/Team/by-alice/history");
  ASSERT_EQ(history.status, 200) << history.text;
  ASSERT_EQ(history.body["versions"].size(), 1u);
  EXPECT_EQ(history.body["versions"][0]["actor"], "alice");
  Reply audit = call(admin, "GET", "/v1/audit?actor=alice");
  ASSERT_EQ(audit.status, 200) << audit.text;
  ASSERT_GE(audit.body["changes"].size(), 1u);
  for (const json& change : audit.body["changes"]) EXPECT_EQ(change["actor"], "alice");
}

TEST_F(AuthApiTest, NoClearKeyInTheDatabaseFiles) {
  std::string key = create_key("secret-holder", "reader");
  ASSERT_FALSE(key.empty());
  // Flush memtables to SST files too, so that every copy RocksDB makes is on disk.
  ASSERT_TRUE(server_->restart());
  std::string bytes = all_file_bytes(server_->data_dir());
  ASSERT_GT(bytes.size(), 0u);
  EXPECT_EQ(bytes.find(key), std::string::npos);
  EXPECT_EQ(bytes.find(kAdminKey), std::string::npos);
  EXPECT_EQ(bytes.find(key.substr(4)), std::string::npos);  // not even the secret part
  // Yet the key is stored (as its hash): it still works after the restart.
  httplib::Client holder = keyed_client(*server_, key);
  EXPECT_EQ(call(holder, "GET", "/v1/ontology").status, 200);
}

// Without EXPGRAPH_ADMIN_KEY the first start prints a generated admin key, once.
TEST(AuthFirstStartTest, GeneratedAdminKeyIsPrintedOnceAndWorks) {
  unsetenv("EXPGRAPH_ADMIN_KEY");
  ServerProcess server({"--auth", "on"});
  ASSERT_TRUE(server.start());
  std::string log = server.stderr_text();
  size_t at = log.find("egk_");
  ASSERT_NE(at, std::string::npos) << log;
  std::string key = log.substr(at, 4 + 64);
  httplib::Client admin = keyed_client(server, key);
  EXPECT_EQ(call(admin, "GET", "/v1/admin/keys").status, 200);
  ASSERT_TRUE(server.restart());
  EXPECT_EQ(server.stderr_text().find("egk_"), std::string::npos) << server.stderr_text();
  httplib::Client again = keyed_client(server, key);
  EXPECT_EQ(call(again, "GET", "/v1/admin/keys").status, 200);
  EXPECT_TRUE(server.stop());
}

TEST(AuthFirstStartTest, AuthOffAllowsEverythingAsAnonymous) {
  ServerProcess server({"--auth", "off"});
  ASSERT_TRUE(server.start());
  httplib::Client client = server.client();
  ASSERT_EQ(call(client, "PUT", "/v1/nodes/Team/T", json{{"properties", {{"name", "t"}}}}).status,
            201);
  Reply history = call(client, "GET", "/v1/nodes/Team/T/history");
  ASSERT_EQ(history.status, 200) << history.text;
  EXPECT_EQ(history.body["versions"][0]["actor"], "anonymous");
  // Who am I says so, with a key or without one.
  const json anonymous = {{"name", "anonymous"}, {"role", "admin"}, {"authentication", "off"}};
  EXPECT_EQ(call(client, "GET", "/v1/auth/me").body, anonymous);
  httplib::Client keyed = keyed_client(server, "egk_any-key-at-all");
  EXPECT_EQ(call(keyed, "GET", "/v1/auth/me").body, anonymous);
  EXPECT_TRUE(server.stop());
}

}  // namespace
}  // namespace expgraph::testing
