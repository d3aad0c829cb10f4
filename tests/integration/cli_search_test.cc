// `expgraph search`: ranked hits on a terminal-less run with --json, filters by type, exit
// codes (0 ok, 1 the server said no, 2 usage error, 3 unreachable) and --help.
#include <gtest/gtest.h>

#include <cstdio>

#include "integration/cli_runner.h"
#include "integration/http_client.h"

// GCC 12 warns falsely (-Wrestrict) on "literal" + std::string&& in these tests.
#pragma GCC diagnostic ignored "-Wrestrict"

namespace expgraph::testing {
namespace {

using nlohmann::json;

class CliSearchTest : public ApiTest {};

TEST_F(CliSearchTest, FindsLearningsAndReportsErrors) {
  json batch = {
      {"nodes",
       {{{"type", "Learning"},
         {"key", "L-forms"},
         {"properties", {{"text", "Shorter signup forms raised conversion for small businesses"}}}},
        {{"type", "Learning"},
         {"key", "L-price"},
         {"properties", {{"text", "Annual pricing anchors lowered churn"}}}},
        {{"type", "Hypothesis"},
         {"key", "H-forms"},
         {"properties", {{"statement", "Shorter signup forms will raise conversion"}}}}}}};
  ASSERT_EQ(post("/v1/batch", batch).status, 200);
  std::string url = "--url http://127.0.0.1:" + std::to_string(server().port());

  CliRun found = run_cli(url + " search 'shorter signup forms' --json --k 5 --mode lexical", "",
                         CliCapture::kStdoutOnly);
  ASSERT_EQ(found.exit_code, 0);
  json result = json::parse(found.output, nullptr, false);
  ASSERT_TRUE(result.is_object()) << found.output;
  ASSERT_GE(result["hits"].size(), 2u);
  EXPECT_EQ(result["mode"], "lexical");

  CliRun typed =
      run_cli(url + " search 'shorter signup forms' --types Learning --mode lexical --json", "",
              CliCapture::kStdoutOnly);
  ASSERT_EQ(typed.exit_code, 0);
  json learnings = json::parse(typed.output, nullptr, false);
  ASSERT_FALSE(learnings["hits"].empty()) << typed.output;
  for (const json& hit : learnings["hits"]) EXPECT_EQ(hit["node"]["type"], "Learning");
  EXPECT_EQ(learnings["hits"][0]["node"]["key"], "L-forms");

  EXPECT_EQ(run_cli(url + " search --help").exit_code, 0);
  EXPECT_NE(run_cli(url + " search --help").output.find("usage: expgraph search"),
            std::string::npos);
  EXPECT_EQ(run_cli(url + " search").exit_code, 2);                   // no text
  EXPECT_EQ(run_cli(url + " search x --k zero").exit_code, 2);        // bad --k
  EXPECT_EQ(run_cli(url + " search x --bogus").exit_code, 2);         // unknown flag
  EXPECT_EQ(run_cli(url + " search x --mode psychic").exit_code, 1);  // the server says 400
  EXPECT_EQ(run_cli(url + " search x --types Nope").exit_code, 1);
  EXPECT_EQ(run_cli("--url http://127.0.0.1:1 search x").exit_code, 3);  // unreachable
}

}  // namespace
}  // namespace expgraph::testing
