// Operational routes over HTTP: /healthz, /readyz, /v1/ontology, /metrics.
#include <regex>
#include <set>

#include "integration/http_client.h"

namespace expgraph::testing {
namespace {

using nlohmann::json;

class SystemApiTest : public ApiTest {};

// The value of the sample whose text before the value is exactly `series`, or -1.
double sample(const std::string& exposition, const std::string& series) {
  size_t start = 0;
  while (start < exposition.size()) {
    size_t end = exposition.find('\n', start);
    if (end == std::string::npos) end = exposition.size();
    std::string line = exposition.substr(start, end - start);
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
    start = end + 1;
  }
  return -1;
}

TEST_F(SystemApiTest, MetricsShowTheColumnTablesOnceAScanBuildsThem) {
  ASSERT_EQ(put("/v1/nodes/Segment/c-1", {{"properties", {{"name", "loyal"}}}}).status, 201);
  auto metrics = [this] {
    auto result = client().Get("/metrics");
    return result && result->status == 200 ? result->body : std::string();
  };
  // Present from the start (-1: no such series); 0 unless an earlier test of the suite's server
  // scanned a label.
  EXPECT_GE(sample(metrics(), "expgraph_column_cache_bytes"), 0);
  // A label scan that reads a property builds the Segment table.
  Reply scan = post("/v1/query", {{"query", "MATCH (s:Segment) RETURN s.name ORDER BY s.name"}});
  ASSERT_EQ(scan.status, 200) << scan.text;
  EXPECT_GT(sample(metrics(), "expgraph_column_cache_bytes"), 0);
  EXPECT_EQ(sample(metrics(), "expgraph_column_cache_refused_types"), 0);
}

TEST_F(SystemApiTest, HealthAndReadiness) {
  Reply health = get("/healthz");
  ASSERT_EQ(health.status, 200);
  EXPECT_EQ(health.body["status"], "ok");
  Reply ready = get("/readyz");
  ASSERT_EQ(ready.status, 200);
  EXPECT_EQ(ready.body["status"], "ready");
  EXPECT_TRUE(ready.body["nodes"].is_number_integer());
  EXPECT_TRUE(ready.body["edges"].is_number_integer());
}

TEST_F(SystemApiTest, OntologyListsTheTypes) {
  Reply reply = get("/v1/ontology");
  ASSERT_EQ(reply.status, 200);
  std::set<std::string> node_types;
  for (const json& type : reply.body["node_types"]) node_types.insert(type["name"]);
  for (const char* name : {"Hypothesis", "Experiment", "Variant", "Asset", "Channel", "Segment",
                           "Metric", "Result", "Learning"}) {
    EXPECT_TRUE(node_types.count(name)) << name;
  }
  std::set<std::string> edge_types;
  for (const json& type : reply.body["edge_types"]) edge_types.insert(type["name"]);
  for (const char* name : {"TESTS", "HAS_VARIANT", "TARGETS", "PART_OF", "SUPPORTS"}) {
    EXPECT_TRUE(edge_types.count(name)) << name;
  }
}

TEST_F(SystemApiTest, MetricsArePrometheusTextWithRouteCountsAndGauges) {
  ASSERT_EQ(put("/v1/nodes/Segment/m-1", {{"properties", {{"name", "m"}}}}).status, 201);
  ASSERT_EQ(put("/v1/nodes/Segment/m-2", {{"properties", {{"name", "m"}}}}).status, 201);
  ASSERT_EQ(
      post("/v1/edges", {{"type", "SUBSEGMENT_OF"}, {"from", "Segment/m-1"}, {"to", "Segment/m-2"}})
          .status,
      201);
  ASSERT_EQ(get("/v1/nodes/Segment/nope").status, 404);
  Counts now = counts();

  auto result = client().Get("/metrics");
  ASSERT_TRUE(result) << httplib::to_string(result.error());
  ASSERT_EQ(result->status, 200);
  EXPECT_EQ(result->get_header_value("Content-Type").rfind("text/plain", 0), 0u);
  const std::string& text = result->body;
  EXPECT_NE(text.find("# TYPE expgraph_http_requests_total counter"), std::string::npos);
  EXPECT_GE(
      sample(text,
             R"(expgraph_http_requests_total{route="PUT /v1/nodes/{type}/{key}",code="201"})"),
      2);
  EXPECT_GE(sample(text, R"(expgraph_http_requests_total{route="POST /v1/edges",code="201"})"), 1);
  EXPECT_GE(
      sample(text,
             R"(expgraph_http_requests_total{route="GET /v1/nodes/{type}/{key}",code="404"})"),
      1);
  EXPECT_GE(sample(text, R"(expgraph_http_requests_total{route="GET /readyz",code="200"})"), 1);
  EXPECT_NE(text.find("# TYPE expgraph_http_request_duration_seconds histogram"),
            std::string::npos);
  EXPECT_NE(text.find("# TYPE expgraph_nodes gauge"), std::string::npos);
  EXPECT_NE(text.find("# TYPE expgraph_edges gauge"), std::string::npos);
  EXPECT_EQ(sample(text, "expgraph_nodes"), static_cast<double>(now.nodes));
  EXPECT_EQ(sample(text, "expgraph_edges"), static_cast<double>(now.edges));
  // Every line is a comment or "series value".
  std::regex line_shape(R"((#.*)|([a-z_]+(\{([a-z_]+="[^"]*",?)*\})? [-+0-9.eEInfa]+))");
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    ASSERT_NE(end, std::string::npos) << "the exposition must end with a newline";
    std::string line = text.substr(start, end - start);
    EXPECT_TRUE(std::regex_match(line, line_shape)) << line;
    start = end + 1;
  }
}

}  // namespace
}  // namespace expgraph::testing
