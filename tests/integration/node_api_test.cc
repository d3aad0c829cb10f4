// Node routes over HTTP: create, read, update, idempotent re-PUT, delete.
#include "integration/http_client.h"

namespace expgraph::testing {
namespace {

using nlohmann::json;

class NodeApiTest : public ApiTest {};

TEST_F(NodeApiTest, CreateReadUpdateDelete) {
  Counts before = counts();
  json first = {{"name", "Green button"}, {"status", "planned"}, {"alpha", 0.05}};
  Reply created = put("/v1/nodes/Experiment/crud-1", {{"properties", first}});
  ASSERT_EQ(created.status, 201) << created.text;
  EXPECT_EQ(created.body["outcome"], "created");
  EXPECT_EQ(created.body["type"], "Experiment");
  EXPECT_EQ(created.body["key"], "crud-1");
  EXPECT_EQ(created.body["version"], 1);
  EXPECT_EQ(created.body["properties"], first);
  EXPECT_EQ(counts().nodes, before.nodes + 1);

  Reply read = get("/v1/nodes/Experiment/crud-1");
  ASSERT_EQ(read.status, 200) << read.text;
  EXPECT_EQ(read.body["properties"], first);
  EXPECT_EQ(read.body["version"], 1);
  EXPECT_FALSE(read.body.contains("outcome"));

  // The same properties again: nothing changes, not even the version or updated_at.
  Reply again = put("/v1/nodes/Experiment/crud-1", {{"properties", first}});
  ASSERT_EQ(again.status, 200) << again.text;
  EXPECT_EQ(again.body["outcome"], "unchanged");
  EXPECT_EQ(again.body["version"], 1);
  EXPECT_EQ(again.body["updated_at"], created.body["updated_at"]);

  json second = {{"name", "Green button"}, {"status", "running"}, {"alpha", 0.01}};
  Reply updated = put("/v1/nodes/Experiment/crud-1", {{"properties", second}});
  ASSERT_EQ(updated.status, 200) << updated.text;
  EXPECT_EQ(updated.body["outcome"], "updated");
  EXPECT_EQ(updated.body["version"], 2);
  EXPECT_EQ(updated.body["created_at"], created.body["created_at"]);
  Reply reread = get("/v1/nodes/Experiment/crud-1");
  EXPECT_EQ(reread.body["properties"], second);
  EXPECT_EQ(reread.body["version"], 2);
  EXPECT_EQ(counts().nodes, before.nodes + 1);

  Reply deleted = del("/v1/nodes/Experiment/crud-1");
  ASSERT_EQ(deleted.status, 200) << deleted.text;
  EXPECT_EQ(deleted.body["deleted"], "Experiment/crud-1");
  EXPECT_TRUE(is_error(get("/v1/nodes/Experiment/crud-1"), 404, "not_found"));
  EXPECT_EQ(counts(), before);

  // A deleted key can be created again, from version 1.
  Reply recreated = put("/v1/nodes/Experiment/crud-1", {{"properties", first}});
  ASSERT_EQ(recreated.status, 201) << recreated.text;
  EXPECT_EQ(recreated.body["version"], 1);
}

TEST_F(NodeApiTest, DeletingANodeDeletesItsEdges) {
  ASSERT_EQ(put("/v1/nodes/Experiment/del-e", {{"properties", {{"name", "e"}}}}).status, 201);
  ASSERT_EQ(put("/v1/nodes/Segment/del-s1", {{"properties", {{"name", "s1"}}}}).status, 201);
  ASSERT_EQ(put("/v1/nodes/Segment/del-s2", {{"properties", {{"name", "s2"}}}}).status, 201);
  for (const char* segment : {"Segment/del-s1", "Segment/del-s2"}) {
    Reply edge =
        post("/v1/edges", {{"type", "TARGETS"}, {"from", "Experiment/del-e"}, {"to", segment}});
    ASSERT_EQ(edge.status, 201) << edge.text;
  }
  Counts before = counts();
  Reply deleted = del("/v1/nodes/Experiment/del-e");
  ASSERT_EQ(deleted.status, 200) << deleted.text;
  EXPECT_EQ(deleted.body["edges_deleted"], 2);
  EXPECT_EQ(counts(), (Counts{before.nodes - 1, before.edges - 2}));
  Reply edges = get("/v1/nodes/Segment/del-s1/edges");
  ASSERT_EQ(edges.status, 200) << edges.text;
  EXPECT_TRUE(edges.body["edges"].empty());
}

TEST_F(NodeApiTest, KeysWithSpacesAndUnicodeRoundTrip) {
  // The key travels percent-encoded in the path and comes back decoded.
  Reply created = put("/v1/nodes/Segment/caf%C3%A9%20lovers", {{"properties", {{"name", "x"}}}});
  ASSERT_EQ(created.status, 201) << created.text;
  EXPECT_EQ(created.body["key"], "caf\xC3\xA9 lovers");
  EXPECT_EQ(get("/v1/nodes/Segment/caf%C3%A9%20lovers").status, 200);
}

TEST_F(NodeApiTest, BodyJustUnderTheLimitIsAccepted) {
  std::string description(kMaxBodyBytes - 200, 'x');
  Reply created = put("/v1/nodes/Experiment/big-1",
                      {{"properties", {{"name", "big"}, {"description", description}}}});
  ASSERT_EQ(created.status, 201) << created.text.substr(0, 300);
  Reply read = get("/v1/nodes/Experiment/big-1");
  EXPECT_EQ(read.body["properties"]["description"], description);
}

}  // namespace
}  // namespace expgraph::testing
