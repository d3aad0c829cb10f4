// POST /v1/query over real HTTP: an in-process ApiServer on a free port, a small graph, and
// httplib::Client requests checking the body shape, rendering, EXPLAIN and every guard's
// status code. The server must keep serving after a cancelled query.
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "graph/graph_store.h"
#include "ontology/ontology.h"
#include "tests/api/in_process_server.h"

namespace expgraph::api {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// "s<i>"; built with += because GCC 12 warns (-Wrestrict) on "literal" + std::string.
std::string segment_key(int i) {
  std::string key = "s";
  key += std::to_string(i);
  return key;
}

std::string chain_key(int i) {
  std::string key = "c";
  key += std::to_string(i);
  return key;
}

class QueryHttpTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    directory_ = fs::temp_directory_path() / "expgraph_query_http";
    directory_ += std::to_string(::getpid());
    fs::remove_all(directory_);
    auto graph = expgraph::testing::open_marketing_graph(directory_.string());
    ASSERT_TRUE(graph.ok()) << graph.status().to_string();
    graph_ = std::move(graph).value().release();

    WriteRequest request;
    request.nodes.push_back({"Experiment", "E1", {{"name", "Subject A/B"}, {"status", "running"}}});
    request.nodes.push_back({"Hypothesis", "H1", {{"statement", "Short subjects win"}}});
    request.edges.push_back({"TESTS", {"Experiment", "E1"}, {"Hypothesis", "H1"}, json::object()});
    // A 12-node clique: var-length patterns over it have billions of paths.
    for (int i = 0; i < 12; ++i) {
      request.nodes.push_back({"Segment", segment_key(i), {{"name", "S"}}});
    }
    for (int i = 0; i < 12; ++i) {
      for (int j = 0; j < 12; ++j) {
        if (i != j) {
          request.edges.push_back({"SUBSEGMENT_OF",
                                   {"Segment", segment_key(i)},
                                   {"Segment", segment_key(j)},
                                   json::object()});
        }
      }
    }
    // A chain c0 -> c1 -> ... -> c14, longer than the default var-length depth of 10.
    for (int i = 0; i < 15; ++i) {
      request.nodes.push_back({"Segment", chain_key(i), {{"name", "C"}}});
      if (i > 0) {
        request.edges.push_back({"SUBSEGMENT_OF",
                                 {"Segment", chain_key(i - 1)},
                                 {"Segment", chain_key(i)},
                                 json::object()});
      }
    }
    auto written = graph_->write(request);
    ASSERT_TRUE(written.ok()) << written.status().to_string();

    server_ = new expgraph::testing::InProcessServer(*graph_);
    ASSERT_TRUE(server_->started());
  }

  static void TearDownTestSuite() {
    delete server_;
    delete graph_;
    fs::remove_all(directory_);
  }

  static httplib::Result post(const json& body) {
    httplib::Client client("127.0.0.1", server_->port());
    client.set_read_timeout(30, 0);
    return client.Post("/v1/query", body.dump(), "application/json");
  }

  static std::string error_code(const httplib::Result& response) {
    return json::parse(response->body)["error"]["code"].get<std::string>();
  }

  // Suite-wide fixtures: raw pointers released in TearDownTestSuite (gtest's static hooks
  // cannot own unique_ptr members of a test instance).
  static inline fs::path directory_;
  static inline GraphStore* graph_ = nullptr;
  static inline expgraph::testing::InProcessServer* server_ = nullptr;
};

TEST_F(QueryHttpTest, ReturnsColumnsRowsAndStats) {
  auto response =
      post({{"query", "MATCH (e:Experiment {key: 'E1'})-[r:TESTS]->(h) RETURN e, r, h.key AS k"}});
  ASSERT_TRUE(response);
  ASSERT_EQ(response->status, 200) << response->body;
  json body = json::parse(response->body);
  EXPECT_EQ(body["columns"], json({"e", "r", "k"}));
  ASSERT_EQ(body["rows"].size(), 1u);
  EXPECT_EQ(body["rows"][0][0],
            json({{"type", "Experiment"},
                  {"key", "E1"},
                  {"properties", {{"name", "Subject A/B"}, {"status", "running"}}}}));
  EXPECT_EQ(body["rows"][0][1], json({{"type", "TESTS"},
                                      {"from", "Experiment/E1"},
                                      {"to", "Hypothesis/H1"},
                                      {"properties", json::object()}}));
  EXPECT_EQ(body["rows"][0][2], "H1");
  EXPECT_EQ(body["stats"]["rows"], 1);
  EXPECT_TRUE(body["stats"]["elapsed_ms"].is_number());
}

TEST_F(QueryHttpTest, Parameters) {
  auto response =
      post({{"query", "MATCH (s:Segment) WHERE s.key IN $keys RETURN s.key ORDER BY s.key"},
            {"params", {{"keys", {"s1", "s2", "zz"}}}}});
  ASSERT_TRUE(response);
  ASSERT_EQ(response->status, 200) << response->body;
  EXPECT_EQ(json::parse(response->body)["rows"], json({{"s1"}, {"s2"}}));
}

TEST_F(QueryHttpTest, ExplainReturnsThePlan) {
  auto response = post({{"query", "EXPLAIN MATCH (e:Experiment {key: 'E1'})-->(h) RETURN h"}});
  ASSERT_TRUE(response);
  ASSERT_EQ(response->status, 200) << response->body;
  json body = json::parse(response->body);
  EXPECT_EQ(body["columns"], json({"h"}));
  ASSERT_TRUE(body["plan"].is_array());
  EXPECT_EQ(body["plan"][0]["operator"], "NodeByKey");
  EXPECT_EQ(body["plan"][0]["anchor"], "key lookup");
  EXPECT_EQ(body["plan"][1]["operator"], "Expand");
}

TEST_F(QueryHttpTest, SyntaxErrorIs400WithPosition) {
  auto response = post({{"query", "MATCH (e:Experiment RETURN e"}});
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  json body = json::parse(response->body);
  EXPECT_EQ(body["error"]["code"], "invalid_argument");
  EXPECT_NE(body["error"]["details"].dump().find("line:1"), std::string::npos) << response->body;
}

TEST_F(QueryHttpTest, WarnsWhenTheDefaultVarLengthDepthCutsPathsShort) {
  auto count_from = [](const char* query) {
    auto response = post({{"query", query}});
    EXPECT_TRUE(response && response->status == 200) << query;
    return response ? json::parse(response->body) : json();
  };
  // From c0 the chain goes 14 hops; * stops at 10 and says so.
  json cut = count_from("MATCH (a:Segment {key: 'c0'})-[:SUBSEGMENT_OF*]->(b) RETURN count(*)");
  EXPECT_EQ(cut["rows"], json::array({json::array({10})}));
  ASSERT_EQ(cut["warnings"].size(), 1u) << cut.dump();
  EXPECT_NE(cut["warnings"][0].get<std::string>().find("default depth of 10 hops"),
            std::string::npos);
  // With an upper bound, or from c9 where the chain ends within 10 hops, nothing is cut.
  json bounded =
      count_from("MATCH (a:Segment {key: 'c0'})-[:SUBSEGMENT_OF*..14]->(b) RETURN count(*)");
  EXPECT_EQ(bounded["rows"], json::array({json::array({14})}));
  EXPECT_FALSE(bounded.contains("warnings")) << bounded.dump();
  json short_chain =
      count_from("MATCH (a:Segment {key: 'c9'})-[:SUBSEGMENT_OF*]->(b) RETURN count(*)");
  EXPECT_EQ(short_chain["rows"], json::array({json::array({5})}));
  EXPECT_FALSE(short_chain.contains("warnings")) << short_chain.dump();
  // The same cut inside a subquery and inside a pattern comprehension warns too; a bounded one
  // there does not.
  for (const char* query :
       {"MATCH (a:Segment {key: 'c0'}) RETURN COUNT { MATCH (a)-[:SUBSEGMENT_OF*]->(b) }",
        "MATCH (a:Segment {key: 'c0'}) RETURN size([(a)-[:SUBSEGMENT_OF*]->(b) | b])"}) {
    json inside = count_from(query);
    EXPECT_EQ(inside["rows"], json::array({json::array({10})})) << query;
    ASSERT_EQ(inside["warnings"].size(), 1u) << query << " " << inside.dump();
    EXPECT_NE(inside["warnings"][0].get<std::string>().find("default depth of 10 hops"),
              std::string::npos);
  }
  json bounded_inside = count_from(
      "MATCH (a:Segment {key: 'c0'}) RETURN COUNT { MATCH (a)-[:SUBSEGMENT_OF*..14]->(b) }");
  EXPECT_EQ(bounded_inside["rows"], json::array({json::array({14})}));
  EXPECT_FALSE(bounded_inside.contains("warnings")) << bounded_inside.dump();
}

TEST_F(QueryHttpTest, RunTimeErrorsSayWhereTheyHappened) {
  // The failing operator's position: the '/' of 1 / 0, the '+' that overflows, and a WHERE
  // whose value is not a boolean.
  const std::pair<const char*, const char*> cases[] = {
      {"MATCH (e:Experiment)\nRETURN e.key, 1 / 0", "line:2 column:17"},
      {"RETURN 9223372036854775807 + 1", "line:1 column:28"},
      {"MATCH (e:Experiment) WHERE e.key RETURN e", "line:1 column:29"},  // the . of e.key
  };
  for (const auto& [query, detail] : cases) {
    auto response = post({{"query", query}});
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 422) << query;
    json body = json::parse(response->body);
    EXPECT_EQ(body["error"]["details"], json::array({detail})) << query << ": " << response->body;
  }
}

TEST_F(QueryHttpTest, BinderErrorsAre422) {
  auto response = post({{"query", "MATCH (x:Unicorn) RETURN x"}});
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 422);
  EXPECT_EQ(error_code(response), "unknown_label");
  response = post({{"query", "MATCH (e:Experiment) RETURN nope"}});
  EXPECT_EQ(response->status, 422);
  EXPECT_EQ(error_code(response), "unknown_variable");
  response = post({{"query", "MATCH (e:Experiment) DETACH DELETE e"}});
  EXPECT_EQ(response->status, 422);
  EXPECT_EQ(error_code(response), "read_only_query");
}

// An operand whose type is sure and wrong is refused before the query runs: 422 type_error with
// the position of the operand, also under EXPLAIN, which does not run the query.
TEST_F(QueryHttpTest, SureTypeErrorsAre422BeforeTheQueryRuns) {
  auto response =
      post({{"query", "EXPLAIN MATCH (e:Experiment) WHERE e.key = 'none' RETURN 1 IN 'foo'"}});
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 422) << response->body;
  EXPECT_EQ(error_code(response), "type_error");
  auto body = nlohmann::json::parse(response->body);
  EXPECT_EQ(body["error"]["details"], nlohmann::json::array({"line:1 column:63"}))
      << response->body;
}

TEST_F(QueryHttpTest, TimeoutIs429AndTheServerKeepsServing) {
  auto response = post(
      {{"query", "MATCH (a:Segment {key: 's0'})-[*]-(b) RETURN count(*)"}, {"timeout_ms", 100}});
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 429) << response->body;
  EXPECT_EQ(error_code(response), "query_timeout");
  response = post({{"query", "MATCH (e:Experiment) RETURN count(*) AS n"}});
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
}

TEST_F(QueryHttpTest, RowLimitIs422) {
  auto response = post({{"query", "MATCH (s:Segment) RETURN s.key"}, {"limit", 3}});
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 422);
  EXPECT_EQ(error_code(response), "row_limit_exceeded");
  response = post({{"query", "MATCH (s:Segment) RETURN s.key LIMIT 3"}, {"limit", 3}});
  EXPECT_EQ(response->status, 200);
}

TEST_F(QueryHttpTest, StrictBody) {
  for (const json& body :
       {json{{"params", json::object()}}, json{{"query", 1}},
        json{{"query", "RETURN 1"}, {"extra", true}}, json{{"query", "RETURN 1"}, {"params", 1}},
        json{{"query", "RETURN 1"}, {"limit", 0}},
        json{{"query", "RETURN 1"}, {"timeout_ms", 600000}},
        json{{"query", "RETURN 1"}, {"limit", "10"}}}) {
    auto response = post(body);
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 400) << body.dump() << " -> " << response->body;
  }
  httplib::Client client("127.0.0.1", server_->port());
  auto response = client.Post("/v1/query", "{not json", "application/json");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
}

}  // namespace
}  // namespace expgraph::api
