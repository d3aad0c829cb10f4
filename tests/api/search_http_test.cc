// POST /v1/search over real HTTP: an in-process ApiServer with a SimilarityIndex registered as
// the graph's observer, checking the answer's shape, that a node PUT over HTTP is searchable
// at once, the graph filter, and the 400s of a strict body.
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "graph/graph_store.h"
#include "ontology/ontology.h"
#include "query/similarity/similarity_index.h"
#include "tests/api/in_process_server.h"

namespace expgraph::api {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class SearchHttpTest : public ::testing::Test {
 protected:
  void SetUp() override { start({}); }

  void start(const similarity::SimilarityIndexOptions& index_options) {
    directory_ = fs::temp_directory_path() / "expgraph_search_http";
    directory_ += std::to_string(::getpid());
    fs::remove_all(directory_);
    auto graph = expgraph::testing::open_marketing_graph(directory_.string());
    ASSERT_TRUE(graph.ok()) << graph.status().to_string();
    graph_ = std::move(graph).value();
    auto index = similarity::SimilarityIndex::open(*graph_, index_options);
    ASSERT_TRUE(index.ok()) << index.status().to_string();
    index_ = std::move(index).value();
    graph_->add_observer(index_.get());

    WriteRequest request;
    request.nodes.push_back({"Experiment", "E1", {{"name", "Subject line test"}}});
    request.nodes.push_back({"Channel", "email", {{"name", "E-mail"}}});
    request.nodes.push_back({"Learning", "L1", {{"text", "Short subject lines raise opens"}}});
    request.nodes.push_back({"Learning", "L2", {{"text", "Free shipping lifts order value"}}});
    if (index_options.embedder == similarity::EmbedderKind::kClient) {
      request.nodes[2].embedding = std::vector<float>(index_options.dimension, 0.0f);
      request.nodes[3].embedding = std::vector<float>(index_options.dimension, 0.0f);
      request.nodes[2].embedding->at(0) = 1.0f;
      request.nodes[3].embedding->at(1) = 1.0f;
    }
    request.edges.push_back(
        {"RUNS_ON", {"Experiment", "E1"}, {"Channel", "email"}, json::object()});
    request.edges.push_back({"YIELDED", {"Experiment", "E1"}, {"Learning", "L1"}, json::object()});
    auto written = graph_->write(request);
    ASSERT_TRUE(written.ok()) << written.status().to_string();

    server_ = std::make_unique<expgraph::testing::InProcessServer>(*graph_, index_.get());
    ASSERT_TRUE(server_->started());
  }

  void TearDown() override { stop(); }

  void stop() {
    server_.reset();
    index_.reset();
    graph_.reset();
    fs::remove_all(directory_);
  }

  httplib::Result post(const std::string& body) {
    httplib::Client client("127.0.0.1", server_->port());
    return client.Post("/v1/search", body, "application/json");
  }

  fs::path directory_;
  std::unique_ptr<GraphStore> graph_;
  std::unique_ptr<similarity::SimilarityIndex> index_;
  std::unique_ptr<expgraph::testing::InProcessServer> server_;
};

TEST_F(SearchHttpTest, ReturnsHitsWithNodeAndContext) {
  // Floor off: the second hit is a weak one (the floor has its own tests).
  auto response =
      post(json({{"text", "short subject lines"}, {"k", 2}, {"min_similarity", 0}}).dump());
  ASSERT_TRUE(response);
  ASSERT_EQ(response->status, 200) << response->body;
  json body = json::parse(response->body);
  EXPECT_EQ(body["mode"], "hybrid");
  EXPECT_EQ(body["embedder"], "hashing-v1-384");
  ASSERT_EQ(body["hits"].size(), 2u);
  const json& first = body["hits"][0];
  EXPECT_EQ(first["node"]["type"], "Learning");
  EXPECT_EQ(first["node"]["key"], "L1");
  EXPECT_TRUE(first["score"].is_number());
  EXPECT_GT(first["similarity"].get<double>(), body["hits"][1]["similarity"].get<double>());
  EXPECT_EQ(first["context"]["experiment"]["key"], "E1");
  EXPECT_EQ(first["context"]["channel"], "email");

  // Filtered to the e-mail channel and to learnings: only L1 qualifies, however far it is
  // (with the floor off; with it on, nothing similar).
  response = post(json({{"text", "free shipping"},
                        {"types", {"Learning"}},
                        {"mode", "vector"},
                        {"min_similarity", 0},
                        {"filter", {{"channel", "email"}}}})
                      .dump());
  ASSERT_EQ(response->status, 200) << response->body;
  body = json::parse(response->body);
  ASSERT_EQ(body["hits"].size(), 1u);
  EXPECT_EQ(body["hits"][0]["node"]["key"], "L1");

  // A filter naming no channel is 422 with the closest keys (it answered 200 with no hits, as
  // if nothing matched), as the insight routes answer.
  response = post(json({{"text", "free shipping"}, {"filter", {{"channel", "e-mail"}}}}).dump());
  ASSERT_EQ(response->status, 422) << response->body;
  body = json::parse(response->body);
  EXPECT_EQ(body["error"]["code"], "unknown_context_key");
  EXPECT_NE(body["error"]["message"].get<std::string>().find("\"filter.channel\""),
            std::string::npos)
      << response->body;
  EXPECT_EQ(body["error"]["details"], json::array({"email"}));
  // The field is said as such, so that a client need not parse the message.
  EXPECT_EQ(body["error"]["field"], "filter.channel") << response->body;
}

TEST_F(SearchHttpTest, NodeWrittenOverHttpIsSearchableAtOnce) {
  httplib::Client client("127.0.0.1", server_->port());
  auto put =
      client.Put("/v1/nodes/Learning/L3",
                 json({{"properties", {{"text", "Countdown timers create urgency"}}}}).dump(),
                 "application/json");
  ASSERT_TRUE(put);
  ASSERT_LT(put->status, 300) << put->body;
  auto response = post(json({{"text", "countdown urgency"}, {"mode", "lexical"}}).dump());
  ASSERT_EQ(response->status, 200) << response->body;
  json body = json::parse(response->body);
  ASSERT_EQ(body["hits"].size(), 1u);
  EXPECT_EQ(body["hits"][0]["node"]["key"], "L3");
}

TEST_F(SearchHttpTest, BadBodiesAre400) {
  for (const std::string& body :
       {std::string("{\"text\": \"x\", \"colour\": 1}"), std::string("{\"text\": \"x\", \"k\": 0}"),
        std::string("{\"text\": \"x\", \"k\": 1001}"),
        std::string("{\"text\": \"x\", \"k\": \"5\"}"),
        std::string("{\"text\": \"x\", \"mode\": \"fuzzy\"}"), std::string("{\"text\": 5}"),
        std::string("{\"text\": \"\"}"), std::string("{\"text\": \"x\", \"types\": \"Learning\"}"),
        std::string("{\"text\": \"x\", \"types\": [\"Nope\"]}"),
        std::string("{\"text\": \"x\", \"filter\": {\"colour\": \"red\"}}"),
        std::string("{\"text\": \"x\", \"filter\": {\"since\": \"yesterday\"}}"),
        std::string("{\"text\": \"x\", \"embedding\": [1, 2]}"), std::string("[1]"),
        std::string("{\"text\": ")}) {
    auto response = post(body);
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 400) << body << " -> " << response->body;
    EXPECT_TRUE(json::parse(response->body)["error"]["code"].is_string()) << body;
  }
}

TEST_F(SearchHttpTest, ClientEmbedderTakesEmbeddingsFromWrites) {
  stop();
  similarity::SimilarityIndexOptions client;
  client.embedder = similarity::EmbedderKind::kClient;
  client.dimension = 8;
  start(client);
  httplib::Client http("127.0.0.1", server_->port());
  auto wrong = http.Put(
      "/v1/nodes/Learning/L3",
      json({{"properties", {{"text", "Loyalty points"}}}, {"embedding", {1, 2, 3}}}).dump(),
      "application/json");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 422) << wrong->body;
  EXPECT_EQ(http.Get("/v1/nodes/Learning/L3")->status, 404);
  auto bad =
      http.Put("/v1/nodes/Learning/L3",
               json({{"properties", {{"text", "Loyalty points"}}}, {"embedding", "x"}}).dump(),
               "application/json");
  EXPECT_EQ(bad->status, 400) << bad->body;
  std::vector<float> third(8, 0.0f);
  third[2] = 1.0f;
  auto right =
      http.Put("/v1/nodes/Learning/L3",
               json({{"properties", {{"text", "Loyalty points"}}}, {"embedding", third}}).dump(),
               "application/json");
  ASSERT_LT(right->status, 300) << right->body;
  auto response = post(
      json({{"embedding", {0.1, 0.0, 0.9, 0, 0, 0, 0, 0}}, {"mode", "vector"}, {"k", 1}}).dump());
  ASSERT_EQ(response->status, 200) << response->body;
  json body = json::parse(response->body);
  EXPECT_EQ(body["embedder"], "client-8");
  ASSERT_EQ(body["hits"].size(), 1u);
  EXPECT_EQ(body["hits"][0]["node"]["key"], "L3");
  // Without an embedding the client embedder cannot run vector search: 400.
  EXPECT_EQ(post(json({{"text", "loyalty"}}).dump())->status, 400);
  EXPECT_EQ(post(json({{"text", "loyalty"}, {"mode", "lexical"}}).dump())->status, 200);
}

}  // namespace
}  // namespace expgraph::api
