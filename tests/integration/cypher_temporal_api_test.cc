// POST /v1/query with dates over HTTP: experiments written through /v1/batch with the dates the
// ontology declares (`date` started_at / decided_on, `datetime` computed_at) come back from a
// query as ISO-8601 strings, filter and subtract as dates, and mix with the constructs of issue
// 20 (pattern predicates, pattern comprehensions); a malformed date is a 422 JSON error.
#include "integration/http_client.h"

namespace expgraph::testing {
namespace {

using nlohmann::json;

class CypherTemporalApiTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    // Shaped like the Upworthy packages the importer writes: tests started and decided in
    // 2013-2015, some with a learning, results computed at a UTC or offset time.
    json nodes = json::array({
        {{"type", "Experiment"},
         {"key", "UW-101"},
         {"properties",
          {{"name", "Headline test 101"}, {"started_at", "2014-05-20"}, {"decided_on", "2014-06-30"}}}},
        {{"type", "Experiment"},
         {"key", "UW-102"},
         {"properties",
          {{"name", "Headline test 102"}, {"started_at", "2014-06-02"}, {"decided_on", "2014-08-01"}}}},
        {{"type", "Experiment"},
         {"key", "UW-103"},
         {"properties", {{"name", "Headline test 103"}, {"started_at", "2015-01-10"}}}},
        {{"type", "Learning"}, {"key", "L-101"}, {"properties", {{"text", "Questions win"}}}},
        {{"type", "Result"},
         {"key", "R-102"},
         {"properties", {{"name", "R-102"}, {"computed_at", "2014-08-02T18:00:00+02:00"}}}},
    });
    json edges = json::array({
        {{"type", "YIELDED"}, {"from", "Experiment/UW-101"}, {"to", "Learning/L-101"}},
        {{"type", "HAS_RESULT"}, {"from", "Experiment/UW-102"}, {"to", "Result/R-102"}},
    });
    Reply written = post("/v1/batch", json{{"nodes", nodes}, {"edges", edges}});
    ASSERT_EQ(written.status, 200) << written.text;
  }

  Reply query(const std::string& text) { return post("/v1/query", json{{"query", text}}); }
};

TEST_F(CypherTemporalApiTest, DatePropertiesFilterAndSerialiseAsIsoStrings) {
  Reply reply = query(
      "MATCH (e:Experiment) WHERE e.key STARTS WITH 'UW-' AND e.started_at >= date('2014-06-01') "
      "RETURN e.key AS key, e.started_at AS started, e.started_at.year AS year ORDER BY started");
  ASSERT_EQ(reply.status, 200) << reply.text;
  EXPECT_EQ(reply.body["rows"],
            json::parse(R"([["UW-102", "2014-06-02", 2014], ["UW-103", "2015-01-10", 2015]])"));
}

TEST_F(CypherTemporalApiTest, DaysFromStartToDecision) {
  Reply reply = query(
      "MATCH (e:Experiment) WHERE e.key STARTS WITH 'UW-' AND e.decided_on IS NOT NULL "
      "RETURN e.key, duration.inDays(e.started_at, e.decided_on).days AS days, "
      "duration.between(e.started_at, e.decided_on) AS took, "
      "e.started_at + duration('P1M') AS month_later ORDER BY e.key");
  ASSERT_EQ(reply.status, 200) << reply.text;
  EXPECT_EQ(reply.body["rows"], json::parse(R"([["UW-101", 41, "P1M10D", "2014-06-20"],
                                                 ["UW-102", 60, "P1M30D", "2014-07-02"]])"));
}

TEST_F(CypherTemporalApiTest, DatetimeKeepsItsOffsetAndComparesAsAnInstant) {
  Reply reply = query(
      "MATCH (r:Result {key: 'R-102'}) RETURN r.computed_at AS at, "
      "r.computed_at > datetime('2014-08-02T15:30Z') AS after, r.computed_at.hour AS hour, "
      "datetime.truncate('day', r.computed_at) AS day");
  ASSERT_EQ(reply.status, 200) << reply.text;
  EXPECT_EQ(reply.body["rows"],
            json::parse(R"([["2014-08-02T18:00+02:00", true, 18, "2014-08-02T00:00+02:00"]])"));
}

TEST_F(CypherTemporalApiTest, TestsWithoutLearningAndTheirResults) {
  Reply reply = query(
      "MATCH (e:Experiment) WHERE e.key STARTS WITH 'UW-' AND NOT (e)-[:YIELDED]->(:Learning) "
      "RETURN e.key, [(e)-[:HAS_RESULT]->(r) | r.computed_at] AS computed ORDER BY e.key");
  ASSERT_EQ(reply.status, 200) << reply.text;
  EXPECT_EQ(reply.body["rows"], json::parse(R"([["UW-102", ["2014-08-02T18:00+02:00"]],
                                                 ["UW-103", []]])"));
}

TEST_F(CypherTemporalApiTest, MalformedDateIsA422JsonError) {
  Reply reply = query("RETURN date('2014-13-01') AS d");
  ASSERT_TRUE(is_error(reply, 422, "invalid_arguments")) << reply.text;
  EXPECT_NE(reply.body["error"]["message"].get<std::string>().find("2014-13-01"),
            std::string::npos);
}

}  // namespace
}  // namespace expgraph::testing
