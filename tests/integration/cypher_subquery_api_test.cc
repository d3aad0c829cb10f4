// POST /v1/query with subqueries and clocks over HTTP: EXISTS { } and COUNT { } of several
// clauses (MATCH, OPTIONAL MATCH, WITH, UNWIND) answer rows, one holding a clause they cannot
// run (CALL) is a 422 JSON error naming the construct and its position, and datetime.statement() /
// .transaction() equal datetime() within a query.
#include "integration/http_client.h"

namespace expgraph::testing {
namespace {

using nlohmann::json;

class CypherSubqueryApiTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    json nodes = json::array({
        {{"type", "Experiment"}, {"key", "SQ-1"}, {"properties", {{"name", "Subject A/B"}}}},
        {{"type", "Experiment"}, {"key", "SQ-2"}, {"properties", {{"name", "Hero test"}}}},
        {{"type", "Experiment"}, {"key", "SQ-3"}, {"properties", {{"name", "Promo bandit"}}}},
        {{"type", "Segment"}, {"key", "sq-smb"}, {"properties", {{"name", "SMB"}}}},
        {{"type", "Segment"}, {"key", "sq-ent"}, {"properties", {{"name", "Enterprise"}}}},
    });
    json edges = json::array({
        {{"type", "TARGETS"}, {"from", "Experiment/SQ-1"}, {"to", "Segment/sq-smb"}},
        {{"type", "TARGETS"}, {"from", "Experiment/SQ-2"}, {"to", "Segment/sq-smb"}},
        {{"type", "TARGETS"}, {"from", "Experiment/SQ-3"}, {"to", "Segment/sq-ent"}},
    });
    Reply written = post("/v1/batch", json{{"nodes", nodes}, {"edges", edges}});
    ASSERT_EQ(written.status, 200) << written.text;
  }

  Reply query(const std::string& text) { return post("/v1/query", json{{"query", text}}); }
};

TEST_F(CypherSubqueryApiTest, SubqueriesOfSeveralMatchClausesAnswerRows) {
  Reply reply = query(
      "MATCH (e:Experiment) WHERE e.key STARTS WITH 'SQ-' RETURN e.key AS key, "
      "EXISTS { MATCH (e)-[:TARGETS]->(s) MATCH (o:Experiment)-[:TARGETS]->(s) WHERE o <> e "
      "RETURN o } AS shares, "
      "COUNT { MATCH (e)-[:TARGETS]->(s) OPTIONAL MATCH (s)<-[:TARGETS]-(o) } AS rows "
      "ORDER BY key");
  ASSERT_EQ(reply.status, 200) << reply.text;
  EXPECT_EQ(reply.body["rows"],
            json::parse(R"([["SQ-1", true, 2], ["SQ-2", true, 2], ["SQ-3", false, 1]])"));
}

TEST_F(CypherSubqueryApiTest, AnAggregatingWithAndAnUnwindInsideAnswerRows) {
  // SQ-1 and SQ-2 share sq-smb; each experiment targets one segment, unwound into two names.
  Reply reply = query(
      "MATCH (e:Experiment) WHERE e.key STARTS WITH 'SQ-' RETURN e.key AS key, "
      "EXISTS { MATCH (e)-[:TARGETS]->(s) MATCH (s)<-[:TARGETS]-(o) "
      "WITH s, count(o) AS n WHERE n > 1 } AS shared, "
      "COUNT { MATCH (e)-[:TARGETS]->(s) UNWIND [s.name, e.name] AS name } AS names "
      "ORDER BY key");
  ASSERT_EQ(reply.status, 200) << reply.text;
  EXPECT_EQ(reply.body["rows"],
            json::parse(R"([["SQ-1", true, 2], ["SQ-2", true, 2], ["SQ-3", false, 2]])"));
}

TEST_F(CypherSubqueryApiTest, ACallInsideIsA422NamingIt) {
  Reply reply = query(
      "MATCH (e:Experiment) WHERE EXISTS {\n  MATCH (e)-->(s)\n  CALL db.labels()\n} RETURN e");
  ASSERT_TRUE(is_error(reply, 422, "unsupported_construct")) << reply.text;
  EXPECT_EQ(reply.body["error"]["message"].get<std::string>().rfind("CALL is not supported", 0), 0u)
      << reply.text;
  EXPECT_EQ(reply.body["error"]["details"], json::parse(R"(["line:3 column:3"])"));
}

TEST_F(CypherSubqueryApiTest, StatementAndTransactionClocksAreTheQuerysNow) {
  Reply reply = query(
      "UNWIND range(1, 100) AS i RETURN count(DISTINCT datetime.statement()) AS statements, "
      "collect(DISTINCT datetime.transaction() = datetime()) AS same");
  ASSERT_EQ(reply.status, 200) << reply.text;
  EXPECT_EQ(reply.body["rows"], json::parse(R"([[1, [true]]])"));
}

}  // namespace
}  // namespace expgraph::testing
