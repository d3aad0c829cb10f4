// GrowthBook import end to end, against a real expgraphd: POST /v1/import?format=growthbook
// and `expgraph import --format growthbook FILE` write the fixture's graph (36 nodes), lifts and
// intervals read back as GrowthBook reported them, a re-import changes nothing, and a body that
// is not GrowthBook's is 400 and writes nothing.
#include <gtest/gtest.h>

#include <cstdio>

#include "integration/cli_runner.h"
#include "integration/http_client.h"

namespace expgraph::testing {
namespace {

using nlohmann::json;

const std::string kFixture =
    std::string(EXPGRAPH_SOURCE_DIR) + "/tests/tools/fixtures/growthbook/program.json";

Reply import_growthbook(httplib::Client& client, const std::string& body) {
  auto result = client.Post("/v1/import?format=growthbook", body, "application/json");
  Reply reply;
  if (!result) return reply;
  reply.status = result->status;
  reply.text = result->body;
  reply.content_type = result->get_header_value("Content-Type");
  reply.body = json::parse(reply.text, nullptr, false);
  return reply;
}

TEST(GrowthbookImportTest, OverHttpTheFixtureImportsOnceAndAgainChangesNothing) {
  ServerProcess server;
  ASSERT_TRUE(server.start());
  httplib::Client client = server.client();
  const std::string body = read_file(kFixture);
  ASSERT_FALSE(body.empty());

  Reply first = import_growthbook(client, body);
  ASSERT_EQ(first.status, 200) << first.text;
  EXPECT_EQ(first.body["rejected"], 0) << first.text;
  EXPECT_EQ(first.body["nodes"]["created"], 36);
  EXPECT_EQ(first.body["source"]["experiments_read"], 5);
  EXPECT_EQ(first.body["source"]["experiments_skipped"], 1);
  EXPECT_EQ(first.body["source"]["results_skipped"], 1);
  EXPECT_EQ(first.body["source"]["warnings"].size(), 2u);
  Counts after_first = graph_counts(client);
  EXPECT_EQ(after_first.nodes, 36);

  Reply result =
      call(client, "GET", "/v1/nodes/Result/gb-exp-19g61olt0pqd4-met-purchase-var-lsc0a2");
  ASSERT_EQ(result.status, 200) << result.text;
  EXPECT_DOUBLE_EQ(result.body["properties"]["lift"].get<double>(), 0.094527);
  EXPECT_DOUBLE_EQ(result.body["properties"]["ci_low"].get<double>(), 0.0123);
  EXPECT_DOUBLE_EQ(result.body["properties"]["ci_high"].get<double>(), 0.1768);
  EXPECT_DOUBLE_EQ(result.body["properties"]["p_value"].get<double>(), 0.0241);
  Reply experiment = call(client, "GET", "/v1/nodes/Experiment/gb-exp-19g61olt0r8k2");
  EXPECT_EQ(experiment.body["properties"]["status"], "concluded");
  EXPECT_EQ(experiment.body["properties"]["decision"], "abandon");

  // Every concluded test with its lift and CI, as a forecasting job reads them.
  Reply rows = call(client, "POST", "/v1/query",
                    json{{"query",
                          "MATCH (e:Experiment {status: 'concluded'})-[:HAS_RESULT]->(r:Result) "
                          "WHERE r.lift IS NOT NULL RETURN e.key AS e, r.lift AS lift, "
                          "r.ci_low AS low ORDER BY e, lift"}});
  ASSERT_EQ(rows.status, 200) << rows.text;
  EXPECT_EQ(rows.body["rows"].size(), 4u) << rows.text;  // 2 checkout + 2 hero treatments

  Reply again = import_growthbook(client, body);
  ASSERT_EQ(again.status, 200) << again.text;
  EXPECT_EQ(again.body["nodes"]["created"], 0);
  EXPECT_EQ(again.body["nodes"]["updated"], 0);
  EXPECT_EQ(again.body["nodes"]["unchanged"], 36);
  EXPECT_EQ(again.body["edges"]["created"], 0);
  EXPECT_EQ(again.body["edges"]["updated"], 0);
  EXPECT_EQ(graph_counts(client), after_first);
}

TEST(GrowthbookImportTest, TheCliImportsTheFileAndAgainChangesNothing) {
  ServerProcess server;
  ASSERT_TRUE(server.start());
  const std::string url = "--url http://127.0.0.1:" + std::to_string(server.port());
  CliRun first = run_cli(url + " import --format growthbook " + kFixture);
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_NE(first.output.find("nodes: 36 created, 0 updated, 0 unchanged"), std::string::npos)
      << first.output;
  EXPECT_NE(first.output.find("experiment exp_19g61olt0vv77: skipped, no name"), std::string::npos)
      << first.output;
  httplib::Client client = server.client();
  EXPECT_EQ(graph_counts(client).nodes, 36);
  CliRun again = run_cli(url + " import --format growthbook " + kFixture);
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find("nodes: 0 created, 0 updated, 36 unchanged"), std::string::npos)
      << again.output;
}

TEST(GrowthbookImportTest, ABodyThatIsNotGrowthbookIs400AndWritesNothing) {
  ServerProcess server;
  ASSERT_TRUE(server.start());
  httplib::Client client = server.client();
  Counts before = graph_counts(client);
  EXPECT_TRUE(is_error(import_growthbook(client, R"({"node": {"type": "Team"}})"), 400,
                       "invalid_argument"));
  EXPECT_TRUE(is_error(import_growthbook(client, "{not json"), 400, "invalid_argument"));
  auto unknown = client.Post("/v1/import?format=optimizely", "{}", "application/json");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 400);
  EXPECT_EQ(graph_counts(client), before);
}

}  // namespace
}  // namespace expgraph::testing
