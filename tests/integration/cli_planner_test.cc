// The planner's CLI commands against a real expgraphd holding the demo graph: `similar`,
// `patterns`, `forecast` (candidates from arguments and from a file) and `ontology` with
// --json, usage errors (2), the server saying no (1) and an unreachable server (3, naming the
// URL).
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "integration/cli_runner.h"
#include "integration/http_client.h"

// GCC 12 warns falsely (-Wrestrict) on "literal" + std::string&& in these tests.
#pragma GCC diagnostic ignored "-Wrestrict"

namespace expgraph::testing {
namespace {

using nlohmann::json;

class CliPlannerTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (get("/v1/nodes/Experiment/EXP-2041").status == 200) return;
    const std::string demo =
        read_file(std::string(EXPGRAPH_SOURCE_DIR) + "/tools/demo/demo-graph.json");
    ASSERT_EQ(call(client(), "POST", "/v1/batch", demo).status, 200);
  }
  std::string url() { return "--url http://127.0.0.1:" + std::to_string(server().port()); }
};

TEST_F(CliPlannerTest, SimilarPatternsForecastOntologyAsJson) {
  CliRun similar = run_cli(url() +
                           " similar 'A countdown timer in the sale e-mail raises purchases'"
                           " --channel email --metric conversion --k 3 --json");
  ASSERT_EQ(similar.exit_code, 0) << similar.output;
  json answer = json::parse(similar.output, nullptr, false);
  ASSERT_TRUE(answer.is_object()) << similar.output;
  ASSERT_FALSE(answer["recommendations"].empty());
  EXPECT_LE(answer["recommendations"].size(), 3u);
  for (const json& r : answer["recommendations"]) {
    EXPECT_TRUE(r["summary"].is_string());
    EXPECT_FALSE(r["matched"].empty());
  }

  CliRun patterns = run_cli(url() + " patterns --metric conversion --min-tests 2 --json");
  ASSERT_EQ(patterns.exit_code, 0) << patterns.output;
  json mined = json::parse(patterns.output, nullptr, false);
  ASSERT_TRUE(mined.is_object()) << patterns.output;
  EXPECT_EQ(mined["context"]["metric"], "conversion");

  const std::string file = ::testing::TempDir() + "/cli_planner_candidates.tsv";
  std::ofstream(file) << "discount\tTake 20% off everything this weekend\n"
                      << "vague\tOur spring sale is on\n";
  CliRun from_file =
      run_cli(url() + " forecast 'subject lines' --channel email --candidates " + file + " --json");
  ASSERT_EQ(from_file.exit_code, 0) << from_file.output;
  json forecast = json::parse(from_file.output, nullptr, false);
  ASSERT_TRUE(forecast.is_object()) << from_file.output;
  ASSERT_EQ(forecast["candidates"].size(), 2u);
  EXPECT_EQ(forecast["candidates"][0]["name"], "discount");
  CliRun from_args = run_cli(url() + " forecast 'subject lines' --candidate 'a=Take 20% off'" +
                             " --candidate 'b=Sale on' --json");
  ASSERT_EQ(from_args.exit_code, 0) << from_args.output;
  EXPECT_EQ(json::parse(from_args.output, nullptr, false)["candidates"].size(), 2u);

  CliRun ontology = run_cli(url() + " ontology --json");
  ASSERT_EQ(ontology.exit_code, 0);
  EXPECT_TRUE(json::parse(ontology.output, nullptr, false).is_object());
}

TEST_F(CliPlannerTest, ExitCodesAndMessages) {
  EXPECT_EQ(run_cli(url() + " similar --help").exit_code, 0);
  EXPECT_EQ(run_cli(url() + " forecast 'x'").exit_code, 2);                       // no candidates
  EXPECT_EQ(run_cli(url() + " forecast 'x' --candidate nameless").exit_code, 2);  // not NAME=TEXT
  EXPECT_EQ(run_cli(url() + " patterns --k 3").exit_code, 2);  // not for patterns
  EXPECT_EQ(run_cli(url() + " similar x --k 0").exit_code, 2);
  // The server says no: an unknown channel is 422 with the closest key, and exit code 1.
  CliRun unknown = run_cli(url() + " similar 'urgency' --channel e-mail");
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.output.find("unknown_context_key"), std::string::npos) << unknown.output;
  EXPECT_NE(unknown.output.find("email"), std::string::npos);
  // Nothing answers: its own exit code, and the message names the URL.
  CliRun unreachable = run_cli("--url http://127.0.0.1:1 patterns");
  EXPECT_EQ(unreachable.exit_code, 3);
  EXPECT_NE(unreachable.output.find("cannot reach the server at http://127.0.0.1:1"),
            std::string::npos)
      << unreachable.output;
  // EXPGRAPH_URL is the server when --url is absent.
  CliRun from_environment = run_cli("patterns", "EXPGRAPH_URL=http://127.0.0.1:1 ");
  EXPECT_EQ(from_environment.exit_code, 3);
  EXPECT_NE(from_environment.output.find("http://127.0.0.1:1"), std::string::npos);
  const std::string served = url().substr(6);  // without "--url "
  EXPECT_EQ(run_cli("ontology --json", "EXPGRAPH_URL=" + served + " ").exit_code, 0);
}

}  // namespace
}  // namespace expgraph::testing
