// The OpenAPI description against the router: every route the server registers is described
// and every described operation is served (compared as method + path, so parameter changes do
// not break it), roles come from the access table, and GET /v1/openapi.json, the API page and
// Redoc's bundle are served over real HTTP. The document's validity (OpenAPI 3.1 schema,
// examples against their schemas) is checked by api/openapi/validate.mjs in the Python suite.
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "api/auth/access_control.h"
#include "api/auth/api_keys.h"
#include "api/openapi/openapi_document.h"
#include "api/server.h"
#include "tests/api/in_process_server.h"

namespace expgraph::api {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class OpenApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = fs::temp_directory_path() / ("expgraph_openapi_" + std::to_string(::getpid()));
    fs::remove_all(directory_);
    auto graph = testing::open_marketing_graph(directory_.string());
    ASSERT_TRUE(graph.ok()) << graph.status().message();
    graph_ = std::move(graph).value();
    auto keys = ApiKeyStore::open(graph_->storage());
    ASSERT_TRUE(keys.ok()) << keys.status().message();
    keys_ = std::move(keys).value();
  }
  void TearDown() override {
    keys_.reset();
    graph_.reset();
    fs::remove_all(directory_);
  }

  // The routes of a fully configured server: with a key store, so the admin routes are there.
  std::vector<RouteInfo> served_routes() {
    ServerOptions options;
    options.port = 0;
    options.log_requests = false;
    ApiServer server(*graph_, options, nullptr, keys_.get());
    return server.routes();
  }

  fs::path directory_;
  std::unique_ptr<GraphStore> graph_;
  std::unique_ptr<ApiKeyStore> keys_;
};

TEST_F(OpenApiTest, EveryServedRouteIsDescribedAndEveryDescribedOneServed) {
  auto document = openapi_document();
  ASSERT_TRUE(document.ok()) << document.status().message();
  std::vector<RouteInfo> routes = served_routes();
  ASSERT_GE(routes.size(), 30u);
  std::vector<std::string> gaps = coverage_gaps(*document, routes);
  std::string listed;
  for (const std::string& gap : gaps) listed += "\n  " + gap;
  EXPECT_TRUE(gaps.empty()) << "api/openapi/expgraph.openapi.json and the router disagree:"
                            << listed;
}

TEST_F(OpenApiTest, CoverageGapsNamesBothDirections) {
  auto document = openapi_document();
  ASSERT_TRUE(document.ok());
  std::vector<RouteInfo> routes = served_routes();
  routes.push_back({"GET", "/v1/not-described"});
  json trimmed = *document;
  trimmed["paths"]["/v1/paths"].erase("get");
  trimmed["paths"]["/v1/described-only"] = {{"post", {{"responses", json::object()}}}};
  std::vector<std::string> gaps = coverage_gaps(trimmed, routes);
  std::sort(gaps.begin(), gaps.end());
  EXPECT_EQ(gaps, (std::vector<std::string>{"GET /v1/not-described is served but not described",
                                            "GET /v1/paths is served but not described",
                                            "POST /v1/described-only is described but not served"}));
}

TEST_F(OpenApiTest, RolesComeFromTheAccessTable) {
  auto document = openapi_document();
  ASSERT_TRUE(document.ok());
  const json& paths = (*document)["paths"];
  EXPECT_EQ(paths["/healthz"]["get"]["x-required-role"], "open");
  EXPECT_EQ(paths["/healthz"]["get"]["security"], json::array());
  EXPECT_EQ(paths["/v1/openapi.json"]["get"]["x-required-role"], "reader");
  EXPECT_EQ(paths["/v1/nodes/{type}/{key}"]["put"]["x-required-role"], "writer");
  EXPECT_EQ(paths["/v1/admin/keys"]["post"]["x-required-role"], "admin");
  EXPECT_EQ(paths["/v1/admin/keys"]["post"]["security"], json::parse(R"([{"apiKey": []}])"));
  // Every label of the access table is an operation of the description.
  for (const auto& [label, access] : access_table()) {
    std::string route(label);
    size_t space = route.find(' ');
    std::string method = route.substr(0, space);
    std::transform(method.begin(), method.end(), method.begin(), ::tolower);
    std::string path = route.substr(space + 1);
    ASSERT_TRUE(paths.contains(path) && paths[path].contains(method)) << route;
    EXPECT_EQ(paths[path][method]["x-required-role"], std::string(access_name(access))) << route;
  }
}

TEST_F(OpenApiTest, ServedOverHttpWithThePage) {
  testing::InProcessServer server(*graph_);
  ASSERT_TRUE(server.started());
  httplib::Client client = server.client();

  auto description = client.Get("/v1/openapi.json");
  ASSERT_TRUE(description);
  ASSERT_EQ(description->status, 200);
  EXPECT_EQ(description->get_header_value("Content-Type"), "application/json");
  json served = json::parse(description->body);
  EXPECT_EQ(served["openapi"], "3.1.0");
  EXPECT_EQ(served, *openapi_document());

  auto page = client.Get("/v1/docs");
  ASSERT_TRUE(page);
  ASSERT_EQ(page->status, 200);
  EXPECT_EQ(page->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(page->body.find("/v1/docs/redoc.standalone.js"), std::string::npos);
  EXPECT_NE(page->body.find("/v1/openapi.json"), std::string::npos);

  auto script = client.Get("/v1/docs/redoc.standalone.js");
  ASSERT_TRUE(script);
  ASSERT_EQ(script->status, 200);
  // The suite runs after tools/install-openapi-tools: the real bundle is built in, byte for byte.
  fs::path bundle =
      fs::path(EXPGRAPH_SOURCE_DIR) / "api/openapi/node_modules/redoc/bundles/redoc.standalone.js";
  ASSERT_TRUE(fs::exists(bundle)) << "run tools/install-openapi-tools, then rebuild";
  EXPECT_EQ(script->body.size(), fs::file_size(bundle));
  EXPECT_NE(script->body.find("Redoc"), std::string::npos);
}

}  // namespace
}  // namespace expgraph::api
