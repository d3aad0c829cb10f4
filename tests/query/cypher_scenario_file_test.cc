// The scenario file format's rules (cypher_scenario_file.h): every case is named, names are
// unique in their file, and each problem is reported with the file and line.
#include "query/cypher_scenario_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace expgraph::cypher {
namespace {

namespace fs = std::filesystem;

class ScenarioFileTest : public ::testing::Test {
 protected:
  void TearDown() override { fs::remove(path_); }

  ScenarioFile parse(const std::string& text) {
    std::ofstream(path_) << text;
    return parse_scenario_file(path_.string());
  }

  fs::path path_ =
      fs::temp_directory_path() / ("expgraph_scenario_file_" + std::to_string(::getpid()));
};

TEST_F(ScenarioFileTest, ReadsNamedCases) {
  ScenarioFile file = parse(
      "# header\n## graph\nExperiment/E1 {}\n\n"
      "## case: first case\n## query\nRETURN 1 AS x\n## expect rows (in order)\n[1]\n\n"
      "## case: second\n## query\nRETURN $p\n## params\n{\"p\": 2}\n## expect error oops\n");
  ASSERT_TRUE(file.errors.empty()) << file.errors[0];
  ASSERT_EQ(file.graph_lines, std::vector<std::string>{"Experiment/E1 {}"});
  ASSERT_EQ(file.cases.size(), 2u);
  EXPECT_EQ(file.cases[0].name, "first case");
  EXPECT_EQ(file.cases[0].line, 5);
  EXPECT_EQ(file.cases[0].query, "RETURN 1 AS x\n");
  EXPECT_TRUE(file.cases[0].ordered);
  EXPECT_EQ(*file.cases[0].rows, std::vector<std::string>{"[1]"});
  EXPECT_EQ(file.cases[1].params, nlohmann::json({{"p", 2}}));
  EXPECT_EQ(*file.cases[1].error, "oops");
  EXPECT_EQ(scenario_test_name(file.cases[0].name), "first_case");
}

TEST_F(ScenarioFileTest, CaseWithoutNameIsAnError) {
  ScenarioFile file = parse("## graph\n\n## query\nRETURN 1\n## expect rows (any order)\n[1]\n");
  ASSERT_EQ(file.errors.size(), 1u);
  EXPECT_EQ(file.errors[0],
            path_.string() + ":3: ## query without a \"## case: <name>\" line " + "before it");
}

TEST_F(ScenarioFileTest, EmptyNameIsAnError) {
  ScenarioFile file = parse("## case:\n## query\nRETURN 1\n");
  ASSERT_EQ(file.errors.size(), 1u);
  EXPECT_EQ(file.errors[0], path_.string() + ":1: a case needs a name: \"## case: <name>\"");
}

TEST_F(ScenarioFileTest, DuplicateNameIsAnError) {
  // "same name" and "same_name" are one GoogleTest name, so they collide too.
  ScenarioFile file =
      parse("## case: same_name\n## query\nRETURN 1\n## case: same name\n## query\nRETURN 2\n");
  ASSERT_EQ(file.errors.size(), 1u);
  EXPECT_EQ(file.errors[0], path_.string() + ":4: duplicate case name 'same name'");
}

TEST_F(ScenarioFileTest, CaseWithoutQueryIsAnError) {
  ScenarioFile file = parse("## case: lonely\n\n## case: next\n## query\nRETURN 1\n");
  ASSERT_EQ(file.errors.size(), 1u);
  EXPECT_EQ(file.errors[0], path_.string() + ":1: case 'lonely' has no ## query");
}

TEST_F(ScenarioFileTest, BadJsonAndUnknownSectionAreErrors) {
  ScenarioFile file =
      parse("## case: a\n## query\nRETURN 1\n## params\n{oops\n## expect nothing\n");
  ASSERT_EQ(file.errors.size(), 2u);
  EXPECT_EQ(file.errors[0].rfind(path_.string() + ":5: bad JSON", 0), 0u) << file.errors[0];
  EXPECT_EQ(file.errors[1], path_.string() + ":6: unknown section expect nothing");
}

}  // namespace
}  // namespace expgraph::cypher
