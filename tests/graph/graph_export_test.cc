// GraphExporter on a real store: every node and edge comes out as an import line, and an edge's
// endpoints are right whatever the size of the endpoint cache (ids sharing a slot included).
#include "graph/graph_export.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "graph_test_support.h"

namespace expgraph::testing {
namespace {

using json = nlohmann::json;

class GraphExportTest : public GraphStoreTest {
 protected:
  // Every line of an export with these options.
  std::vector<std::string> export_lines(ExportOptions options) {
    auto exporter = GraphExporter::create(*store_, std::move(options));
    EXPECT_TRUE(exporter.ok()) << exporter.status().to_string();
    std::vector<std::string> lines;
    if (!exporter.ok()) return lines;
    std::string text;
    for (;;) {
      auto more = (*exporter)->next_line(text);
      EXPECT_TRUE(more.ok()) << more.status().to_string();
      if (!more.ok() || !*more) break;
    }
    for (size_t begin = 0; begin < text.size();) {
      size_t end = text.find('\n', begin);
      lines.push_back(text.substr(begin, end - begin));
      begin = end + 1;
    }
    return lines;
  }
};

TEST_F(GraphExportTest, EdgeEndpointsAreRightWhateverTheCacheSize) {
  // Experiments E0..E5 each test two hypotheses (H0..H5); with one or two cache slots every
  // edge's source and target share a slot at some point.
  std::vector<NodeWrite> nodes;
  std::vector<EdgeWrite> edges;
  std::set<std::string> expected_edges;
  for (int i = 0; i < 6; ++i) {
    nodes.push_back(node("Experiment", "E" + std::to_string(i), {{"name", "e"}}));
    nodes.push_back(node("Hypothesis", "H" + std::to_string(i), {{"statement", "h"}}));
  }
  for (int i = 0; i < 6; ++i) {
    for (int j : {i, (i + 3) % 6}) {
      edges.push_back(edge("TESTS", ref("Experiment", "E" + std::to_string(i)),
                           ref("Hypothesis", "H" + std::to_string(j))));
      expected_edges.insert("TESTS Experiment/E" + std::to_string(i) + " Hypothesis/H" +
                            std::to_string(j));
    }
  }
  write_ok(nodes, edges);

  std::vector<std::string> reference = export_lines({});
  ASSERT_EQ(reference.size(), 12u + 12u);
  std::set<std::string> exported_nodes, exported_edges;
  for (const std::string& line : reference) {
    json parsed = json::parse(line);
    if (parsed.contains("node")) {
      exported_nodes.insert(parsed["node"]["type"].get<std::string>() + "/" +
                            parsed["node"]["key"].get<std::string>());
    } else {
      const json& e = parsed["edge"];
      EXPECT_EQ(e["properties"], json::object());
      exported_edges.insert(e["type"].get<std::string>() + " " + e["from"].get<std::string>() +
                            " " + e["to"].get<std::string>());
    }
  }
  EXPECT_EQ(exported_nodes.size(), 12u);
  EXPECT_EQ(exported_edges, expected_edges);

  for (size_t slots : {1, 2, 3, 8}) {
    ExportOptions options;
    options.endpoint_cache_slots = slots;
    EXPECT_EQ(export_lines(options), reference) << slots << " slots";
  }
}

TEST_F(GraphExportTest, EdgePropertiesAreExportedAsWritten) {
  write_ok({node("Experiment", "E", {{"name", "e"}}), node("Metric", "M", {{"name", "m"}}),
            node("Metric", "N", {{"name", "n"}})},
           {edge("MEASURES", ref("Experiment", "E"), ref("Metric", "M"), {{"role", "guardrail"}}),
            edge("MEASURES", ref("Experiment", "E"), ref("Metric", "N"))});
  std::vector<std::string> lines = export_lines({});
  std::vector<std::string> edge_lines;
  std::copy_if(lines.begin(), lines.end(), std::back_inserter(edge_lines),
               [](const std::string& line) { return line.starts_with("{\"edge\""); });
  std::sort(edge_lines.begin(), edge_lines.end());
  EXPECT_EQ(
      edge_lines,
      (std::vector<std::string>{
          R"({"edge":{"from":"Experiment/E","properties":{"role":"guardrail"},"to":"Metric/M","type":"MEASURES"}})",
          R"({"edge":{"from":"Experiment/E","properties":{},"to":"Metric/N","type":"MEASURES"}})"}));
}

}  // namespace
}  // namespace expgraph::testing
