#include "query/cypher_scenario_file.h"

#include <cctype>
#include <fstream>
#include <set>

namespace expgraph::cypher {
namespace {

std::string trim(const std::string& text) {
  size_t begin = text.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return "";
  size_t end = text.find_last_not_of(" \t\r");
  return text.substr(begin, end - begin + 1);
}

class Parser {
 public:
  explicit Parser(const std::string& path) { file_.path = path; }

  ScenarioFile run() {
    std::ifstream in(file_.path);
    if (!in) {
      error("cannot open the file");
      return std::move(file_);
    }
    std::string line;
    while (std::getline(in, line)) {
      ++number_;
      try {
        take(line);
      } catch (const nlohmann::json::exception& e) {
        error(std::string("bad JSON: ") + e.what());
      }
    }
    if (file_.cases.empty()) error("no cases (each starts with \"## case: <name>\")");
    check_query(file_.cases.empty() ? nullptr : &file_.cases.back());
    return std::move(file_);
  }

 private:
  void error(const std::string& message) { error_at(number_, message); }
  void error_at(int line, const std::string& message) {
    file_.errors.push_back(file_.path + ":" + std::to_string(line) + ": " + message);
  }

  // A case needs its query; called when the next case starts and at the end of the file.
  void check_query(const ScenarioCase* test) {
    if (test != nullptr && !test->has_query) {
      error_at(test->line, "case '" + test->name + "' has no ## query");
    }
  }

  // The case the current section belongs to, or null (with an error) before any "## query".
  ScenarioCase* current() {
    if (file_.cases.empty() || !file_.cases.back().has_query) {
      error("section outside a case: it must follow \"## case: <name>\" and \"## query\"");
      return nullptr;
    }
    return &file_.cases.back();
  }

  void start_case(const std::string& name) {
    check_query(file_.cases.empty() ? nullptr : &file_.cases.back());
    file_.cases.emplace_back();
    file_.cases.back().name = name;
    file_.cases.back().line = number_;
    std::string test_name = scenario_test_name(name);
    if (test_name.find_first_not_of('_') == std::string::npos) {
      error("a case needs a name: \"## case: <name>\"");
    } else if (!names_.insert(test_name).second) {
      error("duplicate case name '" + name + "'");
    }
  }

  void start_section(const std::string& name) {
    section_ = name;
    if (section_.rfind("case:", 0) == 0) {
      start_case(trim(section_.substr(5)));
      section_ = "case";
    } else if (section_ == "query") {
      if (file_.cases.empty() || file_.cases.back().has_query) {
        error("## query without a \"## case: <name>\" line before it");
        file_.cases.emplace_back();
        file_.cases.back().line = number_;
      }
      file_.cases.back().has_query = true;
    } else if (section_ == "expect rows (any order)" || section_ == "expect rows (in order)") {
      if (ScenarioCase* test = current()) {
        test->rows.emplace();
        test->ordered = section_ == "expect rows (in order)";
      }
    } else if (section_.rfind("expect error ", 0) == 0) {
      if (ScenarioCase* test = current()) test->error = trim(section_.substr(13));
    } else if (section_ == "params" || section_ == "limits" || section_ == "expect columns" ||
               section_ == "expect plan contains") {
      current();
    } else if (section_ != "graph") {
      error("unknown section " + section_);
    }
  }

  void take(const std::string& line) {
    if (line.rfind("## ", 0) == 0) return start_section(trim(line.substr(3)));
    if (line.rfind("# ", 0) == 0 || line == "#") return;
    std::string text = trim(line);
    if (section_ == "graph") {
      if (!text.empty()) file_.graph_lines.push_back(text);
      return;
    }
    if (section_ == "query") {
      file_.cases.back().query += line + "\n";
      return;
    }
    if (text.empty()) return;
    if (section_.empty() || section_ == "case") return error("text outside a section: " + text);
    ScenarioCase* test = file_.cases.empty() ? nullptr : &file_.cases.back();
    if (test == nullptr || !test->has_query) return;  // reported by start_section
    if (section_ == "params") {
      test->params = nlohmann::json::parse(text);
    } else if (section_ == "limits") {
      test->limits = nlohmann::json::parse(text);
    } else if (section_ == "expect columns") {
      test->columns = nlohmann::json::parse(text);
    } else if (section_ == "expect plan contains") {
      test->plan_contains.push_back(text);
    } else if (section_.rfind("expect rows", 0) == 0) {
      // Re-dumped so that spacing in the file does not matter.
      test->rows->push_back(nlohmann::json::parse(text).dump());
    } else {
      error("text under ## " + section_ + ": " + text);
    }
  }

  ScenarioFile file_;
  std::string section_;
  std::set<std::string> names_;
  int number_ = 0;
};

}  // namespace

ScenarioFile parse_scenario_file(const std::string& path) { return Parser(path).run(); }

std::string scenario_test_name(const std::string& case_name) {
  std::string name = case_name;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

}  // namespace expgraph::cypher
