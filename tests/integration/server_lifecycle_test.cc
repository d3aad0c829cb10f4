// The server process's lifecycle over HTTP: a prompt, clean SIGTERM with clients connected.
#include <chrono>

#include "integration/http_client.h"

namespace expgraph::testing {
namespace {

TEST(ServerLifecycleTest, SigtermWithAnIdleKeepAliveClientExitsPromptly) {
  ServerProcess server;
  ASSERT_TRUE(server.start());
  httplib::Client client = server.client();  // keep-alive
  ASSERT_EQ(
      call(client, "PUT", "/v1/nodes/Segment/k", nlohmann::json{{"properties", {{"name", "k"}}}})
          .status,
      201);
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(server.stop());
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  EXPECT_LT(took.count(), 2.5) << "SIGTERM waited for the idle connection";
}

TEST(ServerLifecycleTest, RestartKeepsDataAndAnswersOnANewPort) {
  ServerProcess server;
  ASSERT_TRUE(server.start());
  {
    httplib::Client client = server.client();
    ASSERT_EQ(call(client, "PUT", "/v1/nodes/Segment/kept",
                   nlohmann::json{{"properties", {{"name", "kept"}}}})
                  .status,
              201);
  }
  ASSERT_TRUE(server.restart());
  httplib::Client client = server.client();
  Reply reply = call(client, "GET", "/v1/nodes/Segment/kept");
  ASSERT_EQ(reply.status, 200) << reply.text;
  EXPECT_EQ(reply.body["properties"]["name"], "kept");
  EXPECT_EQ(reply.body["version"], 1);
  ASSERT_TRUE(server.stop());
}

}  // namespace
}  // namespace expgraph::testing
