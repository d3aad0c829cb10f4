// Reads one *.scenario file of tests/query/cypher_scenarios (the format is in its README.md): the
// graph set-up lines and the named cases. cypher_scenarios_test.cc turns each case into a test.
// A malformed file is not a crash: its problems come back as "file:line: message" errors.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace expgraph::cypher {

struct ScenarioCase {
  std::string name;  // as written after "## case:"
  int line = 0;      // of the "## case:" line
  bool has_query = false;
  std::string query;
  nlohmann::json params = nlohmann::json::object();
  nlohmann::json limits = nlohmann::json::object();
  std::optional<std::vector<std::string>> rows;  // each row re-dumped as compact JSON
  bool ordered = false;
  std::optional<nlohmann::json> columns;
  std::optional<std::string> error;
  std::vector<std::string> plan_contains;
};

struct ScenarioFile {
  std::string path;
  std::vector<std::string> graph_lines;  // trimmed, blank lines and comments dropped
  std::vector<ScenarioCase> cases;
  std::vector<std::string> errors;  // "path:line: message"; empty when the file is well formed
};

// Parses the file at `path`; errors (no cases, a case without a name or a query, a duplicate
// name, an unknown section, bad JSON) are collected in ScenarioFile::errors.
ScenarioFile parse_scenario_file(const std::string& path);

// The case name as a GoogleTest name: every character other than [A-Za-z0-9] becomes '_', so
// "plain words" and lower_snake_case can both be written. Names are unique after this mapping.
std::string scenario_test_name(const std::string& case_name);

}  // namespace expgraph::cypher
