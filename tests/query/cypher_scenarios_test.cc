// Runs the Cypher scenarios in tests/query/cypher_scenarios/*.scenario, in the manner of the
// openCypher TCK: each file sets up a graph (under ontology/marketing.json) and then runs
// queries, checking the rows (in any order or in order), the columns, the EXPLAIN plan or the
// error code. One test per file. The format is described in cypher_scenarios/README.md.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "graph/graph_store.h"
#include "ontology/ontology.h"
#include "query/cypher/query_engine.h"

namespace expgraph::cypher {
namespace {

namespace fs = std::filesystem;

struct Case {
  int line = 0;
  std::string query;
  nlohmann::json params = nlohmann::json::object();
  nlohmann::json limits = nlohmann::json::object();
  std::optional<std::vector<std::string>> rows;
  bool ordered = false;
  std::optional<nlohmann::json> columns;
  std::optional<std::string> error;
  std::vector<std::string> plan_contains;
};

struct Scenario {
  std::vector<std::string> graph_lines;
  std::vector<Case> cases;
};

std::string trim(const std::string& text) {
  size_t begin = text.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return "";
  size_t end = text.find_last_not_of(" \t\r");
  return text.substr(begin, end - begin + 1);
}

Scenario parse_scenario(const fs::path& path) {
  Scenario scenario;
  std::ifstream in(path);
  std::string line, section;
  int number = 0;
  auto current = [&]() -> Case& {
    if (scenario.cases.empty()) ADD_FAILURE() << path << ":" << number << ": no ## query yet";
    if (scenario.cases.empty()) scenario.cases.emplace_back();
    return scenario.cases.back();
  };
  while (std::getline(in, line)) {
    ++number;
    if (line.rfind("## ", 0) == 0) {
      section = trim(line.substr(3));
      if (section == "query") {
        scenario.cases.emplace_back();
        scenario.cases.back().line = number;
      } else if (section == "expect rows (any order)" || section == "expect rows (in order)") {
        current().rows.emplace();
        current().ordered = section == "expect rows (in order)";
      } else if (section.rfind("expect error ", 0) == 0) {
        current().error = trim(section.substr(13));
      } else if (section != "graph" && section != "params" && section != "limits" &&
                 section != "expect columns" && section != "expect plan contains") {
        ADD_FAILURE() << path << ":" << number << ": unknown section " << section;
      }
      continue;
    }
    if (line.rfind("# ", 0) == 0 || line == "#") continue;
    std::string text = trim(line);
    if (section == "graph") {
      if (!text.empty()) scenario.graph_lines.push_back(text);
    } else if (section == "query") {
      current().query += line + "\n";
    } else if (text.empty()) {
      continue;
    } else if (section == "params") {
      current().params = nlohmann::json::parse(text);
    } else if (section == "limits") {
      current().limits = nlohmann::json::parse(text);
    } else if (section == "expect columns") {
      current().columns = nlohmann::json::parse(text);
    } else if (section == "expect plan contains") {
      current().plan_contains.push_back(text);
    } else if (section.rfind("expect rows", 0) == 0) {
      // Re-dumped so that spacing in the file does not matter.
      current().rows->push_back(nlohmann::json::parse(text).dump());
    }
  }
  return scenario;
}

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
    std::string rest;
    std::getline(words, rest);
    rest = trim(rest);
    if (rest.rfind("-", 0) == 0) {
      size_t arrow = rest.find("->");
      std::string type = rest.substr(1, arrow - 1);
      std::string after = trim(rest.substr(arrow + 2));
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

class CypherScenario : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    static int counter = 0;
    directory_ = fs::temp_directory_path() / ("expgraph_scenario_" + std::to_string(::getpid()) +
                                              "_" + std::to_string(++counter));
    fs::remove_all(directory_);
    auto ontology =
        Ontology::load_file(std::string(EXPGRAPH_SOURCE_DIR) + "/ontology/marketing.json");
    ASSERT_TRUE(ontology.ok()) << ontology.status().to_string();
    auto graph = GraphStore::open(directory_.string(),
                                  std::make_shared<Ontology>(std::move(ontology).value()));
    ASSERT_TRUE(graph.ok()) << graph.status().to_string();
    graph_ = std::move(graph).value();
  }
  void TearDown() override {
    graph_.reset();
    fs::remove_all(directory_);
  }

  fs::path directory_;
  std::unique_ptr<GraphStore> graph_;
};

TEST_P(CypherScenario, Runs) {
  const fs::path path = GetParam();
  Scenario scenario = parse_scenario(path);
  ASSERT_FALSE(scenario.cases.empty()) << path << " has no queries";
  Status loaded = load_graph(*graph_, scenario.graph_lines);
  ASSERT_TRUE(loaded.ok()) << path << ": graph set-up failed: " << loaded.to_string();

  for (const Case& test : scenario.cases) {
    SCOPED_TRACE(path.filename().string() + ":" + std::to_string(test.line) + "\n" + test.query);
    auto params = from_json(test.params);
    ASSERT_TRUE(params.ok());
    QueryLimits limits;
    limits.max_rows = test.limits.value("limit", limits.max_rows);
    limits.timeout_ms = test.limits.value("timeout_ms", limits.timeout_ms);
    limits.memory_bytes = test.limits.value("memory_limit_mb", limits.memory_bytes >> 20) << 20;
    auto result = run_query(*graph_, test.query, params->as_map(), limits);
    if (test.error) {
      ASSERT_FALSE(result.ok()) << "expected error " << *test.error;
      EXPECT_EQ(result.status().error_code(), *test.error) << result.status().to_string();
      continue;
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
}

std::string scenario_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = fs::path(info.param).stem().string();
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Files, CypherScenario, ::testing::ValuesIn(scenario_files()),
                         scenario_name);

}  // namespace
}  // namespace expgraph::cypher
