// JSON nested deeper than kMaxJsonDepth in any request body or import line is answered 400
// naming the limit, and the server stays up (100,000 levels used to crash it); the deepest
// property value accepted (kMaxPropertyDepth) is stored and read back by Cypher.
#include <gtest/gtest.h>

#include <string>

#include "integration/http_client.h"
#include "ontology/json_text.h"

namespace expgraph::testing {
namespace {

using nlohmann::json;

// `levels` nested arrays around 1.
std::string nested(int levels) {
  return std::string(static_cast<size_t>(levels), '[') + "1" +
         std::string(static_cast<size_t>(levels), ']');
}

// A Segment's properties with `criteria` nested `levels` deep.
std::string segment_properties(int levels) {
  return R"({"name":"deep","criteria":)" + nested(levels) + "}";
}

::testing::AssertionResult names_the_limit(const Reply& reply) {
  ::testing::AssertionResult error = is_error(reply, 400, "invalid_argument");
  if (!error) return error << " " << reply.text;
  std::string message = reply.body["error"]["message"].get<std::string>();
  if (message.find("nests deeper than " + std::to_string(kMaxJsonDepth) + " levels") ==
      std::string::npos) {
    return ::testing::AssertionFailure() << "the message does not name the limit: " << message;
  }
  return ::testing::AssertionSuccess();
}

TEST(JsonDepthTest, DeepBodiesAndImportLinesAre400AndTheServerStaysUp) {
  ServerProcess server;
  ASSERT_TRUE(server.start());
  httplib::Client client = server.client();
  ASSERT_EQ(
      call(client, "PUT", "/v1/nodes/Segment/a", json{{"properties", {{"name", "A"}}}}).status,
      201);
  Counts before = graph_counts(client);
  // Just over the limit (the body's own two levels included), and far over it.
  for (int levels : {kMaxJsonDepth - 1, 100000}) {
    SCOPED_TRACE(levels);
    std::string properties = segment_properties(levels);
    EXPECT_TRUE(names_the_limit(
        call(client, "PUT", "/v1/nodes/Segment/deep", R"({"properties":)" + properties + "}")));
    EXPECT_TRUE(names_the_limit(
        call(client, "POST", "/v1/batch",
             R"({"nodes":[{"type":"Segment","key":"deep","properties":)" + properties + "}]}")));
    EXPECT_TRUE(names_the_limit(
        call(client, "POST", "/v1/edges",
             R"({"type":"SUBSEGMENT_OF","from":"Segment/a","to":"Segment/a","properties":)" +
                 properties + "}")));
    EXPECT_TRUE(
        names_the_limit(call(client, "POST", "/v1/query",
                             R"({"query":"RETURN $p","params":{"p":)" + nested(levels) + "}}")));

    auto imported =
        client.Post("/v1/import",
                    R"({"node":{"type":"Segment","key":"deep","properties":)" + properties + "}}\n",
                    "application/x-ndjson");
    ASSERT_TRUE(imported) << "no answer: the server died";
    ASSERT_EQ(imported->status, 200) << imported->body;
    json report = json::parse(imported->body);
    ASSERT_EQ(report["rejected"], 1) << report.dump();
    EXPECT_EQ(report["rejections"][0]["code"], "invalid_argument");
    EXPECT_NE(report["rejections"][0]
                  .value("message", "")
                  .find("nests deeper than " + std::to_string(kMaxJsonDepth)),
              std::string::npos)
        << report.dump();
  }
  EXPECT_EQ(call(client, "GET", "/healthz").status, 200);
  EXPECT_TRUE(is_error(call(client, "GET", "/v1/nodes/Segment/deep"), 404, "not_found"));
  EXPECT_EQ(graph_counts(client), before);
  EXPECT_TRUE(server.stop());
}

// The deepest property value a PUT can carry (kMaxPropertyDepth, so that its export line stays
// importable) is stored, and Cypher reads it back (it used to fail every query on the type); one
// level more is an ontology violation naming the property's limit, and a body too deep for the
// parser is still 400.
TEST(JsonDepthTest, TheDeepestAcceptedValueIsQueryable) {
  ServerProcess server;
  ASSERT_TRUE(server.start());
  httplib::Client client = server.client();
  int deepest = kMaxPropertyDepth;
  Reply stored = call(client, "PUT", "/v1/nodes/Segment/deep",
                      R"({"properties":)" + segment_properties(deepest) + "}");
  ASSERT_EQ(stored.status, 201) << stored.text;
  Reply deeper = call(client, "PUT", "/v1/nodes/Segment/deeper",
                      R"({"properties":)" + segment_properties(deepest + 1) + "}");
  EXPECT_TRUE(is_error(deeper, 422, "ontology_violation")) << deeper.text;
  EXPECT_NE(deeper.body["error"]["message"].get<std::string>().find(
                "nests deeper than " + std::to_string(kMaxPropertyDepth) + " levels"),
            std::string::npos);
  EXPECT_TRUE(
      names_the_limit(call(client, "PUT", "/v1/nodes/Segment/deeper",
                           R"({"properties":)" + segment_properties(kMaxJsonDepth - 1) + "}")));

  Reply names =
      call(client, "POST", "/v1/query", json{{"query", "MATCH (n:Segment) RETURN n.name"}});
  ASSERT_EQ(names.status, 200) << names.text;
  EXPECT_EQ(names.body["rows"], json::parse(R"([["deep"]])"));

  Reply node = call(client, "POST", "/v1/query", json{{"query", "MATCH (n:Segment) RETURN n"}});
  ASSERT_EQ(node.status, 200) << node.text;
  const json& rendered = node.body["rows"][0][0];
  EXPECT_EQ(rendered["key"], "deep");
  EXPECT_EQ(rendered["properties"]["criteria"], json::parse(nested(deepest)));
  EXPECT_TRUE(server.stop());
}

// Lists that Cypher builds itself obey the same limit: 15,000 `WITH collect(x) AS x` steps used to
// nest a list that deep and crash the server when it was copied or freed.
TEST(JsonDepthTest, CypherCannotBuildAValueDeeperThanTheLimit) {
  ServerProcess server;
  ASSERT_TRUE(server.start());
  httplib::Client client = server.client();
  auto collect_steps = [](int steps) {
    std::string query = "WITH 1 AS x ";
    for (int i = 0; i < steps; ++i) query += "WITH collect(x) AS x ";
    return query + "RETURN size(x) AS n";
  };
  Reply deepest = call(client, "POST", "/v1/query", json{{"query", collect_steps(kMaxJsonDepth)}});
  ASSERT_EQ(deepest.status, 200) << deepest.text;
  EXPECT_EQ(deepest.body["rows"], json::parse("[[1]]"));
  for (int steps : {kMaxJsonDepth + 1, 15000}) {
    SCOPED_TRACE(steps);
    Reply deeper = call(client, "POST", "/v1/query", json{{"query", collect_steps(steps)}});
    EXPECT_TRUE(is_error(deeper, 422, "nesting_too_deep")) << deeper.text.substr(0, 300);
  }
  EXPECT_EQ(call(client, "GET", "/healthz").status, 200);
  EXPECT_TRUE(server.stop());
}

}  // namespace
}  // namespace expgraph::testing
