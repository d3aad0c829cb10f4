// POST /v1/import and `expgraph import`: JSON Lines with good and bad lines, idempotent
// re-import, atomic imports, and the CLI's exit codes.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "integration/http_client.h"

namespace expgraph::testing {
namespace {

class ImportApiTest : public ApiTest {
 protected:
  Reply import(const std::string& path, const std::string& body) {
    auto result = client().Post(path, body, "application/x-ndjson");
    Reply reply;
    if (!result) return reply;
    reply.status = result->status;
    reply.text = result->body;
    reply.content_type = result->get_header_value("Content-Type");
    reply.body = nlohmann::json::parse(result->body, nullptr, false);
    return reply;
  }
};

// Lines 1-3 are good, 4 is not JSON, 5 names an unknown type, 6 is an edge to a missing node,
// 7 is a good edge.
const char* kMixedLines =
    "{\"node\": {\"type\": \"Channel\", \"key\": \"imp-email\", \"properties\": {\"name\": \"E-mail\"}}}\n"
    "{\"node\": {\"type\": \"Experiment\", \"key\": \"imp-1\", \"properties\": {\"name\": \"One\"}}}\n"
    "\n"
    "{\"node\": {\"type\": \"Segment\", \"key\": \"imp-smb\", \"properties\": {\"name\": \"SMB\"}}}\n"
    "{not json\n"
    "{\"node\": {\"type\": \"Nope\", \"key\": \"x\"}}\n"
    "{\"edge\": {\"type\": \"RUNS_ON\", \"from\": \"Experiment/imp-1\", \"to\": \"Channel/missing\"}}\n"
    "{\"edge\": {\"type\": \"RUNS_ON\", \"from\": \"Experiment/imp-1\", \"to\": \"Channel/imp-email\"}}\n";

TEST_F(ImportApiTest, ReportsEachBadLineAndWritesTheRest) {
  Counts before = counts();
  Reply reply = import("/v1/import?batch_size=2", kMixedLines);
  ASSERT_EQ(reply.status, 200) << reply.text;
  EXPECT_EQ(reply.body["lines"], 7);  // the blank line is not counted
  EXPECT_EQ(reply.body["nodes"]["created"], 3);
  EXPECT_EQ(reply.body["edges"]["created"], 1);
  EXPECT_EQ(reply.body["rejected"], 3);
  ASSERT_EQ(reply.body["rejections"].size(), 3u);
  EXPECT_EQ(reply.body["rejections"][0]["line"], 5);
  EXPECT_EQ(reply.body["rejections"][0]["code"], "invalid_argument");
  EXPECT_EQ(reply.body["rejections"][1]["line"], 6);
  EXPECT_EQ(reply.body["rejections"][1]["code"], "ontology_violation");
  EXPECT_EQ(reply.body["rejections"][2]["line"], 7);
  EXPECT_EQ(reply.body["rejections"][2]["code"], "not_found");
  EXPECT_EQ(counts(), (Counts{before.nodes + 3, before.edges + 1}));

  // The same file again creates nothing and rejects the same lines.
  Reply again = import("/v1/import", kMixedLines);
  ASSERT_EQ(again.status, 200) << again.text;
  EXPECT_EQ(again.body["nodes"]["created"], 0);
  EXPECT_EQ(again.body["nodes"]["unchanged"], 3);
  EXPECT_EQ(again.body["edges"]["unchanged"], 1);
  EXPECT_EQ(again.body["rejected"], 3);
  EXPECT_EQ(counts(), (Counts{before.nodes + 3, before.edges + 1}));
}

TEST_F(ImportApiTest, FirstLineOffsetsReportedLineNumbers) {
  Reply reply = import("/v1/import?first_line=1001", "{bad\n");
  ASSERT_EQ(reply.status, 200) << reply.text;
  EXPECT_EQ(reply.body["rejections"][0]["line"], 1001);
}

TEST_F(ImportApiTest, AtomicImportWithABadLineWritesNothing) {
  Counts before = counts();
  Reply reply = import("/v1/import?atomic=true",
                       "{\"node\": {\"type\": \"Channel\", \"key\": \"atomic-1\", \"properties\": "
                       "{\"name\": \"A\"}}}\n"
                       "{\"node\": {\"type\": \"Channel\", \"key\": \"atomic-2\", \"properties\": "
                       "{\"name\": 7}}}\n");
  EXPECT_TRUE(is_error(reply, 422, "ontology_violation"));
  EXPECT_EQ(counts(), before);
  EXPECT_EQ(get("/v1/nodes/Channel/atomic-1").status, 404);
}

TEST_F(ImportApiTest, BadParametersAre400) {
  EXPECT_TRUE(is_error(import("/v1/import?atomic=maybe", ""), 400, "invalid_argument"));
  EXPECT_TRUE(is_error(import("/v1/import?batch_size=0", ""), 400, "invalid_argument"));
}

// Runs the CLI and returns its exit code.
int run_cli(const std::string& arguments) {
  std::string command = std::string(EXPGRAPH_CLI_BINARY) + " " + arguments + " >/dev/null 2>&1";
  int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST_F(ImportApiTest, CliExitCodes) {
  std::string url = "--url http://127.0.0.1:" + std::to_string(server().port());
  std::string good = server().data_dir() + "/../cli-good.jsonl";
  std::string bad = server().data_dir() + "/../cli-bad.jsonl";
  std::ofstream(good) << "{\"node\": {\"type\": \"Channel\", \"key\": \"cli-1\", \"properties\": "
                         "{\"name\": \"CLI\"}}}\n";
  std::ofstream(bad) << "{\"node\": {\"type\": \"Nope\", \"key\": \"x\"}}\n";
  EXPECT_EQ(run_cli(url + " import " + good), 0);
  EXPECT_EQ(get("/v1/nodes/Channel/cli-1").status, 200);
  EXPECT_EQ(run_cli(url + " import " + bad), 1);      // the server rejected a line
  EXPECT_EQ(run_cli(url + " import"), 2);             // no file
  EXPECT_EQ(run_cli(url + " import --format nope " + good), 2);
  EXPECT_EQ(run_cli(url + " get Channel/cli-1"), 0);
  EXPECT_EQ(run_cli(url + " get Channel/absent"), 1);
  EXPECT_EQ(run_cli(url + " frobnicate"), 2);
  EXPECT_EQ(run_cli(url + " import --help"), 0);
  std::remove(good.c_str());
  std::remove(bad.c_str());
}

}  // namespace
}  // namespace expgraph::testing
