// The audit trail and lifecycle governance over HTTP: a node's history, the filtered and paged
// audit listing, that no method writes the trail, and the concluded/ship gates.
#include "integration/http_client.h"

namespace expgraph::testing {
namespace {

using nlohmann::json;

class AuditApiTest : public ApiTest {};

TEST_F(AuditApiTest, HistoryListsVersionsOldestFirst) {
  ASSERT_EQ(put("/v1/nodes/Team/hist", {{"properties", {{"name", "one"}}}}).status, 201);
  ASSERT_EQ(put("/v1/nodes/Team/hist", {{"properties", {{"name", "two"}}}}).status, 200);
  ASSERT_EQ(put("/v1/nodes/Team/hist", {{"properties", {{"name", "three"}}}}).status, 200);

  Reply history = get("/v1/nodes/Team/hist/history");
  ASSERT_EQ(history.status, 200) << history.text;
  EXPECT_EQ(history.body["node"], "Team/hist");
  const json& versions = history.body["versions"];
  ASSERT_EQ(versions.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(versions[i]["after"]["version"], i + 1);
    EXPECT_EQ(versions[i]["actor"], "anonymous");
    EXPECT_EQ(versions[i]["op"], "put_node");
    EXPECT_TRUE(versions[i]["at"].is_string());
  }
  EXPECT_EQ(versions[2]["before"]["properties"]["name"], "two");
  EXPECT_EQ(versions[2]["after"]["properties"]["name"], "three");
  EXPECT_TRUE(history.body["next_cursor"].is_null());

  Reply first = get("/v1/nodes/Team/hist/history?limit=2");
  ASSERT_EQ(first.body["versions"].size(), 2u);
  ASSERT_TRUE(first.body["next_cursor"].is_string()) << first.text;
  Reply second = get("/v1/nodes/Team/hist/history?limit=2&cursor=" +
                     first.body["next_cursor"].get<std::string>());
  ASSERT_EQ(second.body["versions"].size(), 1u) << second.text;
  EXPECT_EQ(second.body["versions"][0]["after"]["version"], 3);

  EXPECT_TRUE(is_error(get("/v1/nodes/Team/never-existed/history"), 404, "not_found"));
  EXPECT_TRUE(is_error(get("/v1/nodes/Nope/x/history"), 404, "not_found"));
  EXPECT_TRUE(is_error(get("/v1/nodes/Team/hist/history?cursor=abc"), 400, "invalid_argument"));
}

TEST_F(AuditApiTest, AuditFiltersAndPages) {
  ASSERT_EQ(put("/v1/nodes/Channel/audit-ch", {{"properties", {{"name", "c"}}}}).status, 201);
  ASSERT_EQ(put("/v1/nodes/Team/audit-team", {{"properties", {{"name", "t"}}}}).status, 201);

  Reply channels = get("/v1/audit?type=Channel");
  ASSERT_EQ(channels.status, 200) << channels.text;
  ASSERT_GE(channels.body["changes"].size(), 1u);
  for (const json& change : channels.body["changes"]) {
    EXPECT_EQ(change["subject"]["node"].get<std::string>().rfind("Channel/", 0), 0u);
  }
  EXPECT_TRUE(get("/v1/audit?actor=nobody").body["changes"].empty());
  EXPECT_TRUE(get("/v1/audit?since=2999-01-01").body["changes"].empty());
  EXPECT_GE(get("/v1/audit?since=2000-01-01T00:00:00Z").body["changes"].size(), 2u);
  EXPECT_TRUE(is_error(get("/v1/audit?since=yesterday"), 400, "invalid_argument"));
  EXPECT_TRUE(is_error(get("/v1/audit?limit=0"), 400, "invalid_argument"));

  // Paging through everything with limit=1 sees each sequence once, in order.
  Reply all = get("/v1/audit?limit=1000");
  ASSERT_EQ(all.status, 200);
  std::vector<uint64_t> paged;
  std::string cursor;
  for (int pages = 0; pages < 1000; ++pages) {
    Reply page = get("/v1/audit?limit=1" + (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_EQ(page.status, 200) << page.text;
    for (const json& change : page.body["changes"]) paged.push_back(change["sequence"]);
    if (page.body["next_cursor"].is_null()) break;
    cursor = page.body["next_cursor"].get<std::string>();
  }
  ASSERT_EQ(paged.size(), all.body["changes"].size());
  for (size_t i = 0; i < paged.size(); ++i) EXPECT_EQ(paged[i], all.body["changes"][i]["sequence"]);
}

TEST_F(AuditApiTest, TheTrailCannotBeEditedThroughTheApi) {
  ASSERT_EQ(put("/v1/nodes/Team/locked", {{"properties", {{"name", "t"}}}}).status, 201);
  size_t before = get("/v1/audit?limit=1000").body["changes"].size();
  for (const char* method : {"PUT", "POST", "DELETE"}) {
    for (const char* path : {"/v1/audit", "/v1/nodes/Team/locked/history"}) {
      SCOPED_TRACE(std::string(method) + " " + path);
      Reply reply = call(client(), method, path, json{{"changes", json::array()}});
      EXPECT_TRUE(reply.status == 404 || reply.status == 405) << reply.status << " " << reply.text;
    }
  }
  EXPECT_EQ(get("/v1/audit?limit=1000").body["changes"].size(), before);
  EXPECT_EQ(get("/v1/nodes/Team/locked/history").body["versions"].size(), 1u);
}

TEST_F(AuditApiTest, ConcludingWithoutResultOrDecisionIs422) {
  ASSERT_EQ(
      put("/v1/nodes/Experiment/gov-1", {{"properties", {{"name", "g"}, {"status", "running"}}}})
          .status,
      201);
  Reply no_decision =
      put("/v1/nodes/Experiment/gov-1", {{"properties", {{"name", "g"}, {"status", "concluded"}}}});
  EXPECT_TRUE(is_error(no_decision, 422, "ontology_violation")) << no_decision.text;
  EXPECT_NE(no_decision.text.find("running -> concluded"), std::string::npos) << no_decision.text;
  Reply no_result =
      put("/v1/nodes/Experiment/gov-1",
          {{"properties", {{"name", "g"}, {"status", "concluded"}, {"decision", "abandon"}}}});
  EXPECT_TRUE(is_error(no_result, 422, "ontology_violation")) << no_result.text;
  EXPECT_NE(no_result.text.find("Result"), std::string::npos) << no_result.text;
  // A transition the ontology forbids names from and to.
  Reply backwards =
      put("/v1/nodes/Experiment/gov-1", {{"properties", {{"name", "g"}, {"status", "planned"}}}});
  EXPECT_TRUE(is_error(backwards, 422, "ontology_violation"));
  EXPECT_NE(backwards.text.find("running -> planned"), std::string::npos) << backwards.text;

  json batch = {
      {"nodes",
       json::array(
           {{{"type", "Result"}, {"key", "gov-1-r"}, {"properties", {{"name", "r"}}}},
            {{"type", "Experiment"},
             {"key", "gov-1"},
             {"properties", {{"name", "g"}, {"status", "concluded"}, {"decision", "abandon"}}}}})},
      {"edges",
       json::array(
           {{{"type", "HAS_RESULT"}, {"from", "Experiment/gov-1"}, {"to", "Result/gov-1-r"}}})}};
  Reply concluded = post("/v1/batch", batch);
  ASSERT_EQ(concluded.status, 200) << concluded.text;
  EXPECT_EQ(get("/v1/nodes/Experiment/gov-1").body["properties"]["status"], "concluded");
}

TEST_F(AuditApiTest, ShippingRecordsTheApprover) {
  ASSERT_EQ(
      put("/v1/nodes/Experiment/gov-ship", {{"properties", {{"name", "s"}, {"status", "running"}}}})
          .status,
      201);
  // The client's approved_by is ignored on promotion: the approver is the writer.
  Reply shipped = put("/v1/nodes/Experiment/gov-ship", {{"properties",
                                                         {{"name", "s"},
                                                          {"status", "running"},
                                                          {"decision", "ship"},
                                                          {"approved_by", "someone-else"}}}});
  ASSERT_EQ(shipped.status, 200) << shipped.text;
  EXPECT_EQ(shipped.body["properties"]["approved_by"], "anonymous");
  EXPECT_TRUE(shipped.body["properties"]["approved_at"].is_string());
  Reply history = get("/v1/nodes/Experiment/gov-ship/history");
  ASSERT_EQ(history.body["versions"].size(), 2u) << history.text;
  EXPECT_EQ(history.body["versions"][1]["after"]["properties"]["approved_by"], "anonymous");
  EXPECT_FALSE(history.body["versions"][0]["after"]["properties"].contains("approved_by"));
}

}  // namespace
}  // namespace expgraph::testing
