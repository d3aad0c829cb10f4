// expgraphd's command line, run as a process: --help, unknown flags, a bad ontology file, a
// port in use.
#include <filesystem>
#include <fstream>

#include "integration/server_process.h"

namespace expgraph::testing {
namespace {

class DaemonCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("expgraph-cli-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  std::string write_file(const std::string& name, const std::string& text) {
    std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }
  std::string data_dir() const { return (dir_ / "data").string(); }

  std::filesystem::path dir_;
};

TEST_F(DaemonCliTest, HelpExitsZeroWithUsage) {
  ProcessOutcome outcome = run_server_to_exit({"--help"});
  EXPECT_EQ(outcome.exit_code, 0) << outcome.output;
  EXPECT_NE(outcome.output.find("usage: expgraphd"), std::string::npos) << outcome.output;
  EXPECT_NE(outcome.output.find("--max-body-bytes"), std::string::npos) << outcome.output;
}

TEST_F(DaemonCliTest, UnknownFlagExitsTwo) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--bogus"}, std::vector<std::string>{"--bogus", "1"},
        std::vector<std::string>{"--bogus=1"}}) {
    ProcessOutcome outcome = run_server_to_exit(args);
    EXPECT_EQ(outcome.exit_code, 2) << args[0] << ": " << outcome.output;
    EXPECT_NE(outcome.output.find("unknown option --bogus"), std::string::npos)
        << args[0] << ": " << outcome.output;
  }
}

TEST_F(DaemonCliTest, BadFlagValueExitsTwo) {
  ProcessOutcome outcome = run_server_to_exit({"--port", "http"});
  EXPECT_EQ(outcome.exit_code, 2) << outcome.output;
  EXPECT_NE(outcome.output.find("--port"), std::string::npos) << outcome.output;
}

TEST_F(DaemonCliTest, MalformedOntologyFileExitsNonZero) {
  std::string path = write_file("broken.json", R"({"name": "broken", "node_types": [)");
  ProcessOutcome outcome =
      run_server_to_exit({"--data", data_dir(), "--port", "0", "--ontology", path});
  EXPECT_NE(outcome.exit_code, 0) << outcome.output;
  EXPECT_NE(outcome.exit_code, -1) << "it hung: " << outcome.output;
  EXPECT_NE(outcome.output.find(path), std::string::npos) << outcome.output;
  EXPECT_NE(outcome.output.find("not valid JSON"), std::string::npos) << outcome.output;
}

TEST_F(DaemonCliTest, InvalidOntologyExitsNonZero) {
  // Well-formed JSON, but the edge type names a node type that does not exist.
  std::string path = write_file("invalid.json", R"({
    "name": "invalid", "version": 1,
    "node_types": [{"name": "Experiment", "properties": [{"name": "name", "type": "string"}]}],
    "edge_types": [{"name": "TESTS", "domain": "Experiment", "range": "Hypothesis"}]})");
  ProcessOutcome outcome =
      run_server_to_exit({"--data", data_dir(), "--port", "0", "--ontology", path});
  EXPECT_NE(outcome.exit_code, 0) << outcome.output;
  EXPECT_NE(outcome.exit_code, -1) << "it hung: " << outcome.output;
  EXPECT_NE(outcome.output.find("Hypothesis"), std::string::npos) << outcome.output;
}

TEST_F(DaemonCliTest, MissingOntologyFileExitsNonZero) {
  std::string path = (dir_ / "absent.json").string();
  ProcessOutcome outcome =
      run_server_to_exit({"--data", data_dir(), "--port", "0", "--ontology", path});
  EXPECT_NE(outcome.exit_code, 0) << outcome.output;
  EXPECT_NE(outcome.exit_code, -1) << "it hung: " << outcome.output;
  EXPECT_NE(outcome.output.find(path), std::string::npos) << outcome.output;
}

// A second server on a port in use must refuse to start: with SO_REUSEPORT (httplib's default
// on Debian) it would bind too and silently take half of the first server's connections.
TEST_F(DaemonCliTest, APortInUseIsAnErrorAtStartUp) {
  ServerProcess first;
  ASSERT_TRUE(first.start());
  ProcessOutcome outcome = run_server_to_exit(
      {"--data", data_dir(), "--port", std::to_string(first.port()), "--bind", "127.0.0.1"});
  EXPECT_NE(outcome.exit_code, 0) << outcome.output;
  EXPECT_NE(outcome.exit_code, -1) << "it served beside the first: " << outcome.output;
  EXPECT_NE(outcome.output.find("in use"), std::string::npos) << outcome.output;
  // The first server still answers every request alone.
  for (int i = 0; i < 20; ++i) {
    auto reply = first.client().Get("/healthz");
    ASSERT_TRUE(reply) << i;
    EXPECT_EQ(reply->status, 200);
  }
}

}  // namespace
}  // namespace expgraph::testing
