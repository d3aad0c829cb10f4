// Bad requests over HTTP, one case per test: each checks the status, the error body's shape
// and, in TearDown, that the stored data is exactly as before (counts and a read-back).
#include "integration/http_client.h"

namespace expgraph::testing {
namespace {

using nlohmann::json;

class BadInputTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    // A running experiment in a campaign, a second campaign and a segment (idempotent).
    ASSERT_EQ(put("/v1/nodes/Experiment/base",
                  {{"properties", {{"name", "Base"}, {"status", "running"}, {"alpha", 0.05}}}})
                      .status /
                  100,
              2);
    ASSERT_EQ(put("/v1/nodes/Campaign/camp", {{"properties", {{"name", "Camp"}}}}).status / 100, 2);
    ASSERT_EQ(put("/v1/nodes/Campaign/camp2", {{"properties", {{"name", "Camp 2"}}}}).status / 100,
              2);
    ASSERT_EQ(put("/v1/nodes/Segment/seg", {{"properties", {{"name", "Seg"}}}}).status / 100, 2);
    ASSERT_EQ(post("/v1/edges",
                   {{"type", "PART_OF"}, {"from", "Experiment/base"}, {"to", "Campaign/camp"}})
                      .status /
                  100,
              2);
    before_ = counts();
    base_before_ = get("/v1/nodes/Experiment/base").body;
    ASSERT_EQ(base_before_["version"], 1);
  }

  void TearDown() override {
    if (!server().running()) return;
    EXPECT_EQ(counts(), before_) << "a rejected request changed the graph";
    EXPECT_EQ(get("/v1/nodes/Experiment/base").body, base_before_);
    Reply edges = get("/v1/nodes/Experiment/base/edges");
    ASSERT_EQ(edges.status, 200);
    EXPECT_EQ(edges.body["edges"].size(), 1u);
  }

  Reply put_raw(const std::string& path, const std::string& body) {
    return call(client(), "PUT", path, body);
  }

  Counts before_;
  json base_before_;
};

TEST_F(BadInputTest, MalformedJsonIs400) {
  Reply reply = put_raw("/v1/nodes/Experiment/new-1", R"({"properties": {"name": "x",)");
  EXPECT_TRUE(is_error(reply, 400, "invalid_argument"));
  EXPECT_FALSE(reply.body["error"]["details"].empty()) << "the parser's reason is a detail";
  EXPECT_TRUE(is_error(get("/v1/nodes/Experiment/new-1"), 404, "not_found"));
}

TEST_F(BadInputTest, EmptyBodyIs400) {
  EXPECT_TRUE(is_error(put_raw("/v1/nodes/Experiment/base", ""), 400, "invalid_argument"));
}

TEST_F(BadInputTest, InvalidUtf8Is400) {
  EXPECT_TRUE(is_error(put_raw("/v1/nodes/Experiment/base",
                               "{\"properties\": {\"name\": \"bad \xff\xfe here\", "
                               "\"status\": \"running\"}}"),
                       400, "invalid_argument"));
}

TEST_F(BadInputTest, BodyNotAnObjectIs400) {
  EXPECT_TRUE(is_error(put_raw("/v1/nodes/Experiment/base", R"([{"properties": {}}])"), 400,
                       "invalid_argument"));
  EXPECT_TRUE(is_error(put_raw("/v1/nodes/Experiment/base", R"("text")"), 400, "invalid_argument"));
  EXPECT_TRUE(is_error(post("/v1/batch", json::array()), 400, "invalid_argument"));
}

TEST_F(BadInputTest, PropertiesNotAnObjectIs400) {
  EXPECT_TRUE(is_error(put("/v1/nodes/Experiment/base", {{"properties", {1, 2}}}), 400,
                       "invalid_argument"));
}

TEST_F(BadInputTest, UnknownFieldIs400) {
  EXPECT_TRUE(is_error(
      put("/v1/nodes/Experiment/base",
          {{"properties", {{"name", "Renamed"}, {"status", "running"}}}, {"colour", "red"}}),
      400, "invalid_argument"));
  EXPECT_TRUE(is_error(
      post(
          "/v1/edges",
          {{"type", "TARGETS"}, {"from", "Experiment/base"}, {"to", "Segment/seg"}, {"weight", 2}}),
      400, "invalid_argument"));
}

TEST_F(BadInputTest, UnknownNodeIs404) {
  EXPECT_TRUE(is_error(get("/v1/nodes/Experiment/missing"), 404, "not_found"));
  EXPECT_TRUE(is_error(del("/v1/nodes/Experiment/missing"), 404, "not_found"));
}

TEST_F(BadInputTest, UnknownRouteIs404) {
  EXPECT_TRUE(is_error(get("/v1/no/such/route"), 404, "not_found"));
  EXPECT_TRUE(is_error(post("/v1/nodes/Experiment/base", json::object()), 404, "not_found"));
}

TEST_F(BadInputTest, BodyOverTheLimitIs413) {
  // 100 KB of valid JSON against a 64 KiB limit.
  std::string description(100 * 1024, 'x');
  Reply reply = put(
      "/v1/nodes/Experiment/base",
      {{"properties", {{"name", "Base"}, {"status", "running"}, {"description", description}}}});
  EXPECT_TRUE(is_error(reply, 413, "too_large"));
}

TEST_F(BadInputTest, UnknownTypeIs422) {
  EXPECT_TRUE(is_error(put("/v1/nodes/Widget/w-1", {{"properties", {{"name", "w"}}}}), 422,
                       "ontology_violation"));
  EXPECT_TRUE(is_error(
      post("/v1/edges", {{"type", "LIKES"}, {"from", "Experiment/base"}, {"to", "Segment/seg"}}),
      422, "ontology_violation"));
}

TEST_F(BadInputTest, UnknownPropertyIs422) {
  EXPECT_TRUE(
      is_error(put("/v1/nodes/Experiment/base",
                   {{"properties", {{"name", "Base"}, {"status", "running"}, {"colour", "red"}}}}),
               422, "ontology_violation"));
}

TEST_F(BadInputTest, WrongPropertyTypeIs422) {
  Reply reply = put("/v1/nodes/Experiment/base",
                    {{"properties", {{"name", "Base"}, {"status", "running"}, {"alpha", "low"}}}});
  EXPECT_TRUE(is_error(reply, 422, "ontology_violation"));
  EXPECT_NE(reply.text.find("alpha"), std::string::npos) << reply.text;
  EXPECT_TRUE(is_error(put("/v1/nodes/Experiment/base",
                           {{"properties", {{"name", "Base"}, {"status", "sleeping"}}}}),
                       422, "ontology_violation"));
}

TEST_F(BadInputTest, MissingRequiredPropertyIs422) {
  Reply reply = put("/v1/nodes/Experiment/new-2", {{"properties", {{"status", "planned"}}}});
  EXPECT_TRUE(is_error(reply, 422, "ontology_violation"));
  EXPECT_NE(reply.text.find("name"), std::string::npos) << reply.text;
  EXPECT_TRUE(is_error(get("/v1/nodes/Experiment/new-2"), 404, "not_found"));
}

TEST_F(BadInputTest, EdgeOutsideDomainOrRangeIs422) {
  // PART_OF goes from an Experiment to a Campaign.
  EXPECT_TRUE(
      is_error(post("/v1/edges",
                    {{"type", "PART_OF"}, {"from", "Campaign/camp"}, {"to", "Experiment/base"}}),
               422, "ontology_violation"));
  EXPECT_TRUE(is_error(
      post("/v1/edges", {{"type", "PART_OF"}, {"from", "Experiment/base"}, {"to", "Segment/seg"}}),
      422, "ontology_violation"));
}

TEST_F(BadInputTest, BrokenCardinalityIs422) {
  // An experiment is PART_OF at most one campaign, and base already is.
  EXPECT_TRUE(
      is_error(post("/v1/edges",
                    {{"type", "PART_OF"}, {"from", "Experiment/base"}, {"to", "Campaign/camp2"}}),
               422, "ontology_violation"));
}

TEST_F(BadInputTest, IllegalLifecycleTransitionIs422) {
  Reply reply = put("/v1/nodes/Experiment/base",
                    {{"properties", {{"name", "Base"}, {"status", "planned"}, {"alpha", 0.05}}}});
  EXPECT_TRUE(is_error(reply, 422, "ontology_violation"));
  EXPECT_NE(reply.text.find("running"), std::string::npos) << reply.text;
}

TEST_F(BadInputTest, BatchWithABadLastEdgeWritesNothing) {
  json batch = {{"nodes",
                 {{{"type", "Experiment"}, {"key", "bb-1"}, {"properties", {{"name", "b"}}}},
                  {{"type", "Segment"}, {"key", "bb-s"}, {"properties", {{"name", "s"}}}}}},
                {"edges",
                 {{{"type", "TARGETS"}, {"from", "Experiment/bb-1"}, {"to", "Segment/bb-s"}},
                  {{"type", "TARGETS"}, {"from", "Experiment/base"}, {"to", "Segment/bb-s"}},
                  {{"type", "PART_OF"}, {"from", "Experiment/bb-1"}, {"to", "Segment/bb-s"}}}}};
  EXPECT_TRUE(is_error(post("/v1/batch", batch), 422, "ontology_violation"));
  EXPECT_TRUE(is_error(get("/v1/nodes/Experiment/bb-1"), 404, "not_found"));
  EXPECT_TRUE(is_error(get("/v1/nodes/Segment/bb-s"), 404, "not_found"));
}

TEST_F(BadInputTest, BatchWithABadLastNodeWritesNothing) {
  json batch = {
      {"nodes",
       {{{"type", "Experiment"}, {"key", "bb-2"}, {"properties", {{"name", "b"}}}},
        {{"type", "Experiment"},
         {"key", "base"},
         {"properties", {{"name", "Base renamed"}, {"status", "running"}, {"alpha", 0.05}}}},
        {{"type", "Segment"}, {"key", "bb-s2"}, {"properties", {{"size", 10}}}}}},
      {"edges", json::array()}};
  EXPECT_TRUE(is_error(post("/v1/batch", batch), 422, "ontology_violation"));
  EXPECT_TRUE(is_error(get("/v1/nodes/Experiment/bb-2"), 404, "not_found"));
}

TEST_F(BadInputTest, BatchWithAMalformedLastItemIs400) {
  json batch = {{"nodes",
                 {{{"type", "Experiment"}, {"key", "bb-3"}, {"properties", {{"name", "b"}}}},
                  {{"type", "Segment"}, {"properties", {{"name", "no key"}}}}}}};
  EXPECT_TRUE(is_error(post("/v1/batch", batch), 400, "invalid_argument"));
  EXPECT_TRUE(is_error(get("/v1/nodes/Experiment/bb-3"), 404, "not_found"));
}

TEST_F(BadInputTest, InvalidWhereFilterIs400) {
  EXPECT_TRUE(is_error(get("/v1/nodes/Experiment?where=status"), 400, "invalid_argument"));
  EXPECT_TRUE(is_error(get("/v1/nodes/Experiment?where=:running"), 400, "invalid_argument"));
  EXPECT_TRUE(is_error(get("/v1/nodes/Experiment?where=colour:red"), 400, "invalid_argument"));
  EXPECT_TRUE(is_error(get("/v1/nodes/Experiment?where=planned_sample_size:many"), 400,
                       "invalid_argument"));
  EXPECT_TRUE(is_error(get("/v1/nodes/Experiment?limit=0"), 400, "invalid_argument"));
}

TEST_F(BadInputTest, MalformedCursorIs400) {
  EXPECT_TRUE(is_error(get("/v1/nodes/Experiment?cursor=%21%21%21"), 400, "invalid_argument"));
  EXPECT_TRUE(is_error(get("/v1/nodes/Experiment?cursor=a%2Bb%2F"), 400, "invalid_argument"));
}

TEST_F(BadInputTest, FormEncodedJsonOverEightKilobytesSaysWhy) {
  // httplib caps application/x-www-form-urlencoded bodies at 8 KiB, below --max-body-bytes:
  // the error must say so rather than blame the configured limit.
  std::string body =
      json{{"properties",
            {{"name", "Base"}, {"status", "running"}, {"description", std::string(10000, 'x')}}}}
          .dump();
  auto result =
      client().Put("/v1/nodes/Experiment/base", body, "application/x-www-form-urlencoded");
  ASSERT_TRUE(result) << httplib::to_string(result.error());
  Reply reply;
  reply.status = result->status;
  reply.text = result->body;
  reply.content_type = result->get_header_value("Content-Type");
  reply.body = json::parse(reply.text, nullptr, false);
  EXPECT_TRUE(is_error(reply, 413, "too_large"));
  EXPECT_NE(reply.text.find("application/json"), std::string::npos) << reply.text;
}

// A key no node can have (over 512 bytes, a control character) is the node routes' 400 on every
// route that takes a key: the neighbourhood answered 404, the history of an unknown type 404,
// the search, pattern and insight filters 422 unknown_context_key, the program's team and a
// draft's campaign 200 as if nothing matched.
TEST_F(BadInputTest, AKeyNoNodeCanHaveIs400OnEveryRouteThatTakesOne) {
  const std::string long_key(600, 'k');
  // `field`: the request field the error names in its "field" member (a context key's), or
  // empty where the key is in the path and the error names none.
  auto expect_key_error = [](const Reply& reply, const std::string& what, const char* reason,
                             const std::string& field = "") {
    EXPECT_TRUE(is_error(reply, 400, "invalid_argument")) << what << ": " << reply.text;
    if (reply.body.contains("error")) {
      EXPECT_NE(reply.body["error"]["message"].get<std::string>().find(reason), std::string::npos)
          << what << ": " << reply.text;
      EXPECT_EQ(reply.body["error"].value("field", ""), field) << what << ": " << reply.text;
    }
  };
  const char* too_long = "node key longer than 512 bytes";
  for (const std::string type : {"Experiment", "NoSuchType"}) {
    const std::string node = "/v1/nodes/" + type + "/" + long_key;
    for (const std::string& path :
         {node, node + "/edges", node + "/neighborhood",
          node + "/neighborhood?hops=2&count_only=true", node + "/history"}) {
      expect_key_error(get(path), "GET " + path.substr(0, 40), too_long);
    }
    expect_key_error(del(node), "DELETE " + type, too_long);
    expect_key_error(put(node, {{"properties", {{"name", "x"}}}}), "PUT " + type, too_long);
  }
  // A control character (%01) is refused as the node routes refuse it, not looked up.
  for (const char* path : {"/v1/nodes/Experiment/a%01b", "/v1/nodes/Experiment/a%01b/neighborhood",
                           "/v1/nodes/Experiment/a%01b/history"}) {
    expect_key_error(get(path), path, "control character");
  }
  expect_key_error(get("/v1/paths?from=Experiment/" + long_key + "&to=Experiment/base"), "paths",
                   too_long);
  expect_key_error(
      post("/v1/edges",
           {{"type", "PART_OF"}, {"from", "Experiment/" + long_key}, {"to", "Campaign/camp"}}),
      "POST /v1/edges", too_long);
  for (const char* field : {"channel", "segment", "metric"}) {
    expect_key_error(post("/v1/search", {{"text", "offer"}, {"filter", {{field, long_key}}}}),
                     std::string("search filter.") + field, too_long,
                     std::string("filter.") + field);
    expect_key_error(get("/v1/patterns?" + std::string(field) + "=" + long_key),
                     std::string("patterns ") + field, too_long, field);
    expect_key_error(
        post("/v1/recommendations/similar-tests", {{"hypothesis", "x"}, {field, long_key}}),
        std::string("similar-tests ") + field, too_long, field);
    expect_key_error(post("/v1/forecast", {{"hypothesis", "x"},
                                           {field, long_key},
                                           {"candidates", {{{"name", "a"}, {"text", "b"}}}}}),
                     std::string("forecast ") + field, too_long, field);
  }
  expect_key_error(
      post("/v1/recommendations/similar-tests", {{"hypothesis", "x"}, {"campaign", long_key}}),
      "similar-tests campaign", too_long, "campaign");
  expect_key_error(get("/v1/stats/program?team=" + long_key), "program team", too_long, "team");
}

// The program's team is a context filter like a channel: one naming no team was 200 with zero
// experiments, as if the team were idle.
TEST_F(BadInputTest, AProgramTeamNamingNoTeamIs422WithTheClosest) {
  ASSERT_EQ(put("/v1/nodes/Team/growth", {{"properties", {{"name", "Growth"}}}}).status / 100, 2);
  before_ = counts();
  Reply reply = get("/v1/stats/program?team=grwth");
  EXPECT_TRUE(is_error(reply, 422, "unknown_context_key")) << reply.text;
  EXPECT_EQ(reply.body["error"]["details"], json::array({"growth"})) << reply.text;
  EXPECT_EQ(reply.body["error"]["field"], "team") << reply.text;
  EXPECT_EQ(get("/v1/stats/program?team=growth").status, 200);
}

}  // namespace
}  // namespace expgraph::testing
