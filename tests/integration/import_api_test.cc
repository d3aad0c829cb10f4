// POST /v1/import and `expgraph import`: JSON Lines with good and bad lines, idempotent
// re-import, atomic imports, and the CLI's exit codes.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "integration/cli_runner.h"
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
    "{\"node\": {\"type\": \"Channel\", \"key\": \"imp-email\", \"properties\": {\"name\": "
    "\"E-mail\"}}}\n"
    "{\"node\": {\"type\": \"Experiment\", \"key\": \"imp-1\", \"properties\": {\"name\": "
    "\"One\"}}}\n"
    "\n"
    "{\"node\": {\"type\": \"Segment\", \"key\": \"imp-smb\", \"properties\": {\"name\": "
    "\"SMB\"}}}\n"
    "{not json\n"
    "{\"node\": {\"type\": \"Nope\", \"key\": \"x\"}}\n"
    "{\"edge\": {\"type\": \"RUNS_ON\", \"from\": \"Experiment/imp-1\", \"to\": "
    "\"Channel/missing\"}}\n"
    "{\"edge\": {\"type\": \"RUNS_ON\", \"from\": \"Experiment/imp-1\", \"to\": "
    "\"Channel/imp-email\"}}\n";

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

// Line 1 is an edge between two Segments that lines 32 and 33 write, after 30 Channels; line
// 34 is the same edge again.
std::vector<std::string> forward_edge_lines(const std::string& prefix) {
  auto node = [](const std::string& type, const std::string& key) {
    return nlohmann::json{{"node", {{"type", type}, {"key", key}, {"properties", {{"name", key}}}}}}
        .dump();
  };
  std::string edge = nlohmann::json{{"edge",
                                     {{"type", "SUBSEGMENT_OF"},
                                      {"from", "Segment/" + prefix + "-a"},
                                      {"to", "Segment/" + prefix + "-b"}}}}
                         .dump();
  std::vector<std::string> lines = {edge};
  for (int i = 0; i < 30; ++i) lines.push_back(node("Channel", prefix + "-" + std::to_string(i)));
  lines.push_back(node("Segment", prefix + "-a"));
  lines.push_back(node("Segment", prefix + "-b"));
  lines.push_back(edge);
  return lines;
}

std::string joined(const std::vector<std::string>& lines, size_t begin, size_t end) {
  std::string text;
  for (size_t i = begin; i < end; ++i) text += lines[i] + "\n";
  return text;
}

// Lines take effect in file order: an edge naming nodes that later lines write is rejected,
// whatever the batch size and however the file is cut into bodies (as the CLI does). It used
// to be imported when its nodes fell in the same batch.
TEST_F(ImportApiTest, AnEdgeBeforeItsNodesIsRejectedWhateverTheBatching) {
  struct Way {
    std::string name;
    std::vector<std::pair<std::string, size_t>> bodies;  // query, first line of each body
  };
  const std::vector<Way> ways = {
      {"default", {{"", 0}}},
      {"batch10", {{"?batch_size=10", 0}}},
      {"batch1", {{"?batch_size=1", 0}}},
      {"batch33", {{"?batch_size=33", 0}}},
      {"split", {{"?first_line=1", 0}, {"?first_line=21", 20}}},
  };
  for (const Way& way : ways) {
    SCOPED_TRACE(way.name);
    std::vector<std::string> lines = forward_edge_lines("fwd-" + way.name);
    Counts before = counts();
    size_t created_nodes = 0, created_edges = 0, rejected = 0;
    nlohmann::json rejections = nlohmann::json::array();
    for (size_t i = 0; i < way.bodies.size(); ++i) {
      size_t end = i + 1 < way.bodies.size() ? way.bodies[i + 1].second : lines.size();
      Reply reply =
          import("/v1/import" + way.bodies[i].first, joined(lines, way.bodies[i].second, end));
      ASSERT_EQ(reply.status, 200) << reply.text;
      created_nodes += reply.body["nodes"]["created"].get<size_t>();
      created_edges += reply.body["edges"]["created"].get<size_t>();
      rejected += reply.body["rejected"].get<size_t>();
      for (const auto& rejection : reply.body["rejections"]) rejections.push_back(rejection);
    }
    EXPECT_EQ(created_nodes, 32u);
    EXPECT_EQ(created_edges, 1u);
    EXPECT_EQ(rejected, 1u);
    ASSERT_EQ(rejections.size(), 1u);
    EXPECT_EQ(rejections[0]["line"], 1);
    EXPECT_EQ(rejections[0]["code"], "not_found");
    EXPECT_EQ(counts(), (Counts{before.nodes + 32, before.edges + 1}));
  }

  // Atomic: the forward edge fails the whole body, naming its line; nothing is written.
  Counts before = counts();
  std::vector<std::string> lines = forward_edge_lines("fwd-atomic");
  Reply reply = import("/v1/import?atomic=true", joined(lines, 0, lines.size()));
  EXPECT_TRUE(is_error(reply, 404, "not_found"));
  EXPECT_EQ(reply.body["error"]["message"].get<std::string>().rfind("line 1:", 0), 0u)
      << reply.text;
  EXPECT_EQ(counts(), before);
  // Without line 1 the same lines import atomically.
  reply = import("/v1/import?atomic=true", joined(lines, 1, lines.size()));
  ASSERT_EQ(reply.status, 200) << reply.text;
  EXPECT_EQ(counts(), (Counts{before.nodes + 32, before.edges + 1}));
}

TEST_F(ImportApiTest, BadParametersAre400) {
  EXPECT_TRUE(is_error(import("/v1/import?atomic=maybe", ""), 400, "invalid_argument"));
  EXPECT_TRUE(is_error(import("/v1/import?batch_size=0", ""), 400, "invalid_argument"));
}

TEST_F(ImportApiTest, CliExitCodes) {
  std::string url = "--url http://127.0.0.1:" + std::to_string(server().port());
  std::string good = server().data_dir() + "/../cli-good.jsonl";
  std::string bad = server().data_dir() + "/../cli-bad.jsonl";
  std::ofstream(good) << "{\"node\": {\"type\": \"Channel\", \"key\": \"cli-1\", \"properties\": "
                         "{\"name\": \"CLI\"}}}\n";
  std::ofstream(bad) << "{\"node\": {\"type\": \"Nope\", \"key\": \"x\"}}\n";
  EXPECT_EQ(run_cli(url + " import " + good).exit_code, 0);
  EXPECT_EQ(get("/v1/nodes/Channel/cli-1").status, 200);
  EXPECT_EQ(run_cli(url + " import " + bad).exit_code, 1);  // the server rejected a line
  EXPECT_EQ(run_cli(url + " import").exit_code, 2);         // no file
  EXPECT_EQ(run_cli(url + " import --format nope " + good).exit_code, 2);
  EXPECT_EQ(run_cli(url + " get Channel/cli-1").exit_code, 0);
  EXPECT_EQ(run_cli(url + " get Channel/absent").exit_code, 1);
  EXPECT_EQ(run_cli(url + " frobnicate").exit_code, 2);
  EXPECT_EQ(run_cli(url + " import --help").exit_code, 0);
  std::remove(good.c_str());
  std::remove(bad.c_str());
}

}  // namespace
}  // namespace expgraph::testing
