// Runs the Cypher scenarios in tests/query/cypher_scenarios/*.scenario, in the manner of the
// openCypher TCK: each file sets up a graph (under ontology/marketing.json) and then runs named
// cases, checking the rows (in any order or in order), the columns, the EXPLAIN plan or the
// error code. Each case is one test, CypherScenario.<file>/<case>; the format is in README.md.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "graph/graph_store.h"
#include "ontology/ontology.h"
#include "query/cypher/query_engine.h"
#include "query/cypher_scenario_file.h"

namespace expgraph::cypher {
namespace {

namespace fs = std::filesystem;

// Graph lines:  Type/key {json}   |   Type/key -EDGE-> Type/key [{json}]
//               @clique Type prefix N EDGE  (N nodes prefix0.., an EDGE from each to each other)
Status load_graph(GraphStore& graph, const std::vector<std::string>& lines) {
  WriteRequest request;
  for (const std::string& line : lines) {
    std::istringstream words(line);
    std::string first;
    words >> first;
    if (first == "@clique") {
      std::string type, prefix, edge;
      int count = 0;
      words >> type >> prefix >> count >> edge;
      for (int i = 0; i < count; ++i) {
        request.nodes.push_back(
            {type, prefix + std::to_string(i), {{"name", prefix + std::to_string(i)}}});
      }
      for (int i = 0; i < count; ++i) {
        for (int j = 0; j < count; ++j) {
          if (i == j) continue;
          request.edges.push_back({edge,
                                   {type, prefix + std::to_string(i)},
                                   {type, prefix + std::to_string(j)},
                                   nlohmann::json::object()});
        }
      }
      continue;
    }
    auto from = parse_node_ref(first);
    if (!from.ok()) return from.status();
    std::string rest;  // the line is trimmed at its end already
    std::getline(words >> std::ws, rest);
    if (rest.rfind("-", 0) == 0) {
      size_t arrow = rest.find("->");
      std::string type = rest.substr(1, arrow - 1);
      std::string after = rest.substr(arrow + 2);
      after.erase(0, after.find_first_not_of(' '));
      size_t space = after.find(' ');
      auto to = parse_node_ref(after.substr(0, space));
      if (!to.ok()) return to.status();
      nlohmann::json properties = nlohmann::json::object();
      if (space != std::string::npos) properties = nlohmann::json::parse(after.substr(space + 1));
      request.edges.push_back({type, *from, *to, properties});
    } else {
      nlohmann::json properties =
          rest.empty() ? nlohmann::json::object() : nlohmann::json::parse(rest);
      request.nodes.push_back({from->type, from->key, properties});
    }
  }
  auto written = graph.write(request);
  return written.ok() ? Status() : written.status();
}

// Compact forms for expectations: (Type/key), [TYPE Type/key->Type/key], paths as lists.
nlohmann::json compact(GraphAccess& access, const Value& value) {
  auto node_text = [&](uint64_t id) {
    auto type = access.graph().topology().node_type(id);
    auto key = access.node_key(id);
    return (type ? access.graph().symbols().name(SymbolKind::kNodeType, *type) : "?") + "/" +
           (key.ok() ? *key : "?");
  };
  if (value.is_node()) return "(" + node_text(value.as_node().id) + ")";
  if (value.is_relationship()) {
    const RelationshipRef& rel = value.as_relationship();
    return "[" + rel.type + " " + node_text(rel.src) + "->" + node_text(rel.dst) + "]";
  }
  if (value.is_path()) {
    nlohmann::json items = nlohmann::json::array();
    const PathValue& path = value.as_path();
    for (size_t i = 0; i < path.nodes.size(); ++i) {
      items.push_back(compact(access, Value::node(path.nodes[i].id, path.nodes[i].type)));
      if (i < path.relationships.size()) {
        const RelationshipRef& rel = path.relationships[i];
        items.push_back(compact(access, Value::relationship(rel.src, rel.dst, rel.type)));
      }
    }
    return {{"path", items}};
  }
  return to_json(value, [&](const Value& inner) { return compact(access, inner); });
}

std::vector<std::string> scenario_files() {
  std::vector<std::string> files;
  fs::path directory = fs::path(EXPGRAPH_SOURCE_DIR) / "tests/query/cypher_scenarios";
  for (const auto& entry : fs::directory_iterator(directory)) {
    if (entry.path().extension() == ".scenario") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// The graph of one scenario file, built when its first case runs and shared by the file's other
// cases (the queries only read). One at a time: the cases run file by file.
struct FileGraph {
  std::string path;  // the scenario file it was built from
  fs::path directory;
  std::unique_ptr<GraphStore> graph;
  Status status;  // why the set-up failed, if it did

  ~FileGraph() {
    graph.reset();
    fs::remove_all(directory);
  }
};

std::unique_ptr<FileGraph> build_graph(const ScenarioFile& file) {
  static int counter = 0;
  auto built = std::make_unique<FileGraph>();
  built->path = file.path;
  built->directory =
      fs::temp_directory_path() /
      ("expgraph_scenario_" + std::to_string(::getpid()) + "_" + std::to_string(++counter));
  fs::remove_all(built->directory);
  auto ontology =
      Ontology::load_file(std::string(EXPGRAPH_SOURCE_DIR) + "/ontology/marketing.json");
  if (!ontology.ok()) {
    built->status = ontology.status();
    return built;
  }
  auto graph = GraphStore::open(built->directory.string(),
                                std::make_shared<Ontology>(std::move(ontology).value()));
  if (!graph.ok()) {
    built->status = graph.status();
    return built;
  }
  built->graph = std::move(graph).value();
  built->status = load_graph(*built->graph, file.graph_lines);
  return built;
}

// The case index of the test that reports a file's parse errors, CypherScenario.<file>/parse.
constexpr size_t kParseErrors = static_cast<size_t>(-1);

// One case of one file: CypherScenario.<file>/<case name>.
class CypherScenario : public ::testing::Test {
 public:
  CypherScenario(std::shared_ptr<const ScenarioFile> file, size_t index)
      : file_(std::move(file)), index_(index) {}

  static void TearDownTestSuite() { current_graph().reset(); }

  void TestBody() override {
    if (index_ == kParseErrors) {
      for (const std::string& error : file_->errors) ADD_FAILURE() << error;
      return;
    }
    std::unique_ptr<FileGraph>& shared = current_graph();
    if (!shared || shared->path != file_->path) {
      shared.reset();
      shared = build_graph(*file_);
    }
    ASSERT_TRUE(shared->status.ok())
        << file_->path << ": graph set-up failed: " << shared->status.to_string();
    run(*shared->graph, file_->cases[index_]);
  }

 private:
  static std::unique_ptr<FileGraph>& current_graph() {
    static std::unique_ptr<FileGraph> graph;
    return graph;
  }

  void run(GraphStore& graph, const ScenarioCase& test) {
    SCOPED_TRACE(fs::path(file_->path).filename().string() + ":" + std::to_string(test.line) +
                 " case " + test.name + "\n" + test.query);
    auto params = from_json(test.params);
    ASSERT_TRUE(params.ok());
    QueryLimits limits;
    limits.max_rows = test.limits.value("limit", limits.max_rows);
    limits.timeout_ms = test.limits.value("timeout_ms", limits.timeout_ms);
    limits.memory_bytes = test.limits.value("memory_limit_mb", limits.memory_bytes >> 20) << 20;
    auto result = run_query(graph, test.query, params->as_map(), limits);
    if (test.error) {
      ASSERT_FALSE(result.ok()) << "expected error " << *test.error;
      EXPECT_EQ(result.status().error_code(), *test.error) << result.status().to_string();
      return;
    }
    ASSERT_TRUE(result.ok()) << result.status().to_string();
    if (test.columns) {
      EXPECT_EQ(nlohmann::json(result->columns), *test.columns);
    }
    if (!test.plan_contains.empty()) {
      ASSERT_TRUE(result->plan.has_value()) << "expected an EXPLAIN plan";
      std::string plan = result->plan->dump();
      for (const std::string& piece : test.plan_contains) {
        EXPECT_NE(plan.find(piece), std::string::npos) << "plan lacks " << piece << "\n" << plan;
      }
    }
    if (test.rows) {
      std::vector<std::string> actual;
      for (const Row& row : result->rows) {
        nlohmann::json item = nlohmann::json::array();
        for (const Value& value : row) item.push_back(compact(*result->access, value));
        actual.push_back(item.dump());
      }
      std::vector<std::string> expected = *test.rows;
      if (!test.ordered) {
        std::sort(actual.begin(), actual.end());
        std::sort(expected.begin(), expected.end());
      }
      EXPECT_EQ(actual, expected);
    }
  }

  std::shared_ptr<const ScenarioFile> file_;
  size_t index_;
};

// Registered at start-up rather than through TEST_P: a value-parameterised name allows only
// [A-Za-z0-9_] after the test name, and "<file>/<case>" reads better in ctest and failures.
// GoogleTest owns the fixtures the factories return, hence the plain `new`.
void register_scenarios() {
  for (const std::string& path : scenario_files()) {
    auto file = std::make_shared<const ScenarioFile>(parse_scenario_file(path));
    std::string stem = scenario_test_name(fs::path(path).stem().string());
    if (!file->errors.empty()) {
      ::testing::RegisterTest(
          "CypherScenario", (stem + "/parse").c_str(), nullptr, nullptr, path.c_str(), 1,
          [file]() -> CypherScenario* { return new CypherScenario(file, kParseErrors); });
      continue;
    }
    for (size_t i = 0; i < file->cases.size(); ++i) {
      const ScenarioCase& test = file->cases[i];
      std::string name = stem + "/" + scenario_test_name(test.name);
      ::testing::RegisterTest(
          "CypherScenario", name.c_str(), nullptr, nullptr, path.c_str(), test.line,
          [file, i]() -> CypherScenario* { return new CypherScenario(file, i); });
    }
  }
}

[[maybe_unused]] const bool registered = (register_scenarios(), true);

}  // namespace
}  // namespace expgraph::cypher
