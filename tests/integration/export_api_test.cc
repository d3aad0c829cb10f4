// GET /v1/export: streamed JSON Lines that, imported into an empty database, reproduce the
// same graph; type filters and bad parameters.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "integration/http_client.h"

namespace expgraph::testing {
namespace {

std::vector<std::string> sorted_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

TEST(ExportApiTest, ExportThenImportReproducesTheGraph) {
  ServerProcess source, target;
  ASSERT_TRUE(source.start());
  ASSERT_TRUE(target.start());
  httplib::Client source_client = source.client();
  httplib::Client target_client = target.client();
  std::string demo = read_file(std::string(EXPGRAPH_SOURCE_DIR) + "/tools/demo/demo-graph.json");
  ASSERT_EQ(call(source_client, "POST", "/v1/batch", demo).status, 200);

  auto exported = source_client.Get("/v1/export");
  ASSERT_TRUE(exported);
  ASSERT_EQ(exported->status, 200);
  std::vector<std::string> lines = sorted_lines(exported->body);
  nlohmann::json demo_json = nlohmann::json::parse(demo);
  EXPECT_EQ(lines.size(), demo_json["nodes"].size() + demo_json["edges"].size());

  auto imported = target_client.Post("/v1/import", exported->body, "application/x-ndjson");
  ASSERT_TRUE(imported);
  ASSERT_EQ(imported->status, 200) << imported->body;
  EXPECT_EQ(nlohmann::json::parse(imported->body)["rejected"], 0);
  EXPECT_EQ(graph_counts(target_client), graph_counts(source_client));

  auto again = target_client.Get("/v1/export");
  ASSERT_TRUE(again);
  EXPECT_EQ(sorted_lines(again->body), lines);
}

// A json property as deep as a write accepts (64 levels) survives export and import: the
// export line's own levels keep it under the 256 levels an import line may nest. One level
// more is refused at the write, not lost at the import.
TEST(ExportApiTest, TheDeepestPropertyAWriteAcceptsExportsAndImportsAgain) {
  ServerProcess source, target;
  ASSERT_TRUE(source.start());
  ASSERT_TRUE(target.start());
  httplib::Client source_client = source.client();
  httplib::Client target_client = target.client();
  nlohmann::json config = 1;
  for (int level = 0; level < 64; ++level) config = nlohmann::json::array({config});
  nlohmann::json body = {{"properties", {{"name", "deep"}, {"config", config}}}};
  ASSERT_EQ(call(source_client, "PUT", "/v1/nodes/Variant/deep", body.dump()).status, 201);
  body["properties"]["config"] = nlohmann::json::array({config});
  Reply refused = call(source_client, "PUT", "/v1/nodes/Variant/deeper", body.dump());
  EXPECT_TRUE(is_error(refused, 422, "ontology_violation"));
  EXPECT_NE(refused.body["error"]["message"].get<std::string>().find("deeper than 64 levels"),
            std::string::npos)
      << refused.body.dump();
  EXPECT_EQ(call(source_client, "GET", "/v1/nodes/Variant/deeper").status, 404);

  auto exported = source_client.Get("/v1/export?types=Variant");
  ASSERT_TRUE(exported);
  ASSERT_EQ(exported->status, 200);
  auto imported = target_client.Post("/v1/import", exported->body, "application/x-ndjson");
  ASSERT_TRUE(imported);
  ASSERT_EQ(imported->status, 200) << imported->body;
  EXPECT_EQ(nlohmann::json::parse(imported->body)["rejected"], 0) << imported->body;
  Reply copy = call(target_client, "GET", "/v1/nodes/Variant/deep");
  ASSERT_EQ(copy.status, 200);
  EXPECT_EQ(copy.body["properties"]["config"], config);
}

TEST(ExportApiTest, TypesFilterAndBadParameters) {
  ServerProcess server;
  ASSERT_TRUE(server.start());
  httplib::Client client = server.client();
  std::string demo = read_file(std::string(EXPGRAPH_SOURCE_DIR) + "/tools/demo/demo-graph.json");
  ASSERT_EQ(call(client, "POST", "/v1/batch", demo).status, 200);

  auto segments = client.Get("/v1/export?types=Segment");
  ASSERT_TRUE(segments);
  ASSERT_EQ(segments->status, 200);
  size_t nodes = 0, edges = 0;
  for (const std::string& line : sorted_lines(segments->body)) {
    nlohmann::json item = nlohmann::json::parse(line);
    if (item.contains("node")) {
      ++nodes;
      EXPECT_EQ(item["node"]["type"], "Segment");
    } else {
      ++edges;
      EXPECT_EQ(item["edge"]["type"], "SUBSEGMENT_OF");  // the only Segment-Segment edges
    }
  }
  EXPECT_EQ(nodes, 5u);
  EXPECT_EQ(edges, 4u);

  auto future = client.Get("/v1/export?since=2999-01-01");
  ASSERT_TRUE(future);
  EXPECT_EQ(future->status, 200);
  EXPECT_TRUE(future->body.empty());

  EXPECT_TRUE(is_error(call(client, "GET", "/v1/export?types=Nope"), 400, "invalid_argument"));
  EXPECT_TRUE(is_error(call(client, "GET", "/v1/export?since=yesterday"), 400, "invalid_argument"));
}

}  // namespace
}  // namespace expgraph::testing
