// Edge routes over HTTP: create (and idempotent re-create), list by direction and type, delete.
#include <set>

#include "integration/http_client.h"

namespace expgraph::testing {
namespace {

using nlohmann::json;

class EdgeApiTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    ASSERT_EQ(put("/v1/nodes/Experiment/e1", {{"properties", {{"name", "e1"}}}}).status / 100, 2);
    ASSERT_EQ(put("/v1/nodes/Segment/s1", {{"properties", {{"name", "s1"}}}}).status / 100, 2);
    ASSERT_EQ(put("/v1/nodes/Channel/c1", {{"properties", {{"name", "c1"}}}}).status / 100, 2);
    ASSERT_EQ(put("/v1/nodes/Variant/v1", {{"properties", {{"name", "v1"}}}}).status / 100, 2);
  }

  // The "Type/key -[TYPE]-> Type/key" strings of a node's edges listing.
  std::multiset<std::string> listed(const std::string& query) {
    Reply reply = get(query);
    EXPECT_EQ(reply.status, 200) << reply.text;
    std::multiset<std::string> edges;
    if (reply.status != 200) return edges;
    for (const json& edge : reply.body["edges"]) {
      edges.insert(edge["from"].get<std::string>() + " -[" + edge["type"].get<std::string>() +
                   "]-> " + edge["to"].get<std::string>());
    }
    return edges;
  }
};

TEST_F(EdgeApiTest, CreateListAndDelete) {
  Counts before = counts();
  Reply targets =
      post("/v1/edges", {{"type", "TARGETS"}, {"from", "Experiment/e1"}, {"to", "Segment/s1"}});
  ASSERT_EQ(targets.status, 201) << targets.text;
  EXPECT_EQ(targets.body["outcome"], "created");
  EXPECT_EQ(targets.body["edge"]["from"], "Experiment/e1");
  EXPECT_EQ(targets.body["edge"]["to"], "Segment/s1");
  Reply again =
      post("/v1/edges", {{"type", "TARGETS"}, {"from", "Experiment/e1"}, {"to", "Segment/s1"}});
  ASSERT_EQ(again.status, 200) << again.text;
  EXPECT_EQ(again.body["outcome"], "unchanged");

  ASSERT_EQ(
      post("/v1/edges", {{"type", "RUNS_ON"}, {"from", "Experiment/e1"}, {"to", "Channel/c1"}})
          .status,
      201);
  Reply variant = post("/v1/edges", {{"type", "HAS_VARIANT"},
                                     {"from", "Experiment/e1"},
                                     {"to", "Variant/v1"},
                                     {"properties", {{"position", 0}}}});
  ASSERT_EQ(variant.status, 201) << variant.text;
  // New properties on an existing edge update it.
  Reply moved = post("/v1/edges", {{"type", "HAS_VARIANT"},
                                   {"from", "Experiment/e1"},
                                   {"to", "Variant/v1"},
                                   {"properties", {{"position", 1}}}});
  ASSERT_EQ(moved.status, 200) << moved.text;
  EXPECT_EQ(moved.body["outcome"], "updated");
  EXPECT_EQ(counts(), (Counts{before.nodes, before.edges + 3}));

  const std::string targets_edge = "Experiment/e1 -[TARGETS]-> Segment/s1";
  const std::string runs_on_edge = "Experiment/e1 -[RUNS_ON]-> Channel/c1";
  const std::string variant_edge = "Experiment/e1 -[HAS_VARIANT]-> Variant/v1";
  EXPECT_EQ(listed("/v1/nodes/Experiment/e1/edges?direction=out"),
            (std::multiset<std::string>{targets_edge, runs_on_edge, variant_edge}));
  EXPECT_EQ(listed("/v1/nodes/Experiment/e1/edges"),
            (std::multiset<std::string>{targets_edge, runs_on_edge, variant_edge}));
  EXPECT_EQ(listed("/v1/nodes/Experiment/e1/edges?direction=out&type=TARGETS"),
            (std::multiset<std::string>{targets_edge}));
  EXPECT_TRUE(listed("/v1/nodes/Experiment/e1/edges?direction=in").empty());
  EXPECT_EQ(listed("/v1/nodes/Segment/s1/edges?direction=in"),
            (std::multiset<std::string>{targets_edge}));
  EXPECT_TRUE(listed("/v1/nodes/Segment/s1/edges?direction=out").empty());
  EXPECT_EQ(listed("/v1/nodes/Segment/s1/edges?direction=both&type=TARGETS"),
            (std::multiset<std::string>{targets_edge}));
  EXPECT_TRUE(listed("/v1/nodes/Segment/s1/edges?type=RUNS_ON").empty());

  Reply listing = get("/v1/nodes/Variant/v1/edges?direction=in");
  ASSERT_EQ(listing.status, 200);
  ASSERT_EQ(listing.body["edges"].size(), 1u);
  EXPECT_EQ(listing.body["edges"][0]["properties"], (json{{"position", 1}}));

  Reply deleted =
      del("/v1/edges", {{"type", "TARGETS"}, {"from", "Experiment/e1"}, {"to", "Segment/s1"}});
  ASSERT_EQ(deleted.status, 200) << deleted.text;
  EXPECT_TRUE(listed("/v1/nodes/Segment/s1/edges").empty());
  EXPECT_EQ(listed("/v1/nodes/Experiment/e1/edges"),
            (std::multiset<std::string>{runs_on_edge, variant_edge}));
  EXPECT_EQ(counts(), (Counts{before.nodes, before.edges + 2}));
  // Deleting it again: 404, nothing else touched.
  EXPECT_TRUE(is_error(
      del("/v1/edges", {{"type", "TARGETS"}, {"from", "Experiment/e1"}, {"to", "Segment/s1"}}), 404,
      "not_found"));
  EXPECT_EQ(counts(), (Counts{before.nodes, before.edges + 2}));
}

TEST_F(EdgeApiTest, EdgeToAMissingNodeIs404AndWritesNothing) {
  Counts before = counts();
  EXPECT_TRUE(
      is_error(post("/v1/edges",
                    {{"type", "TARGETS"}, {"from", "Experiment/e1"}, {"to", "Segment/nowhere"}}),
               404, "not_found"));
  EXPECT_EQ(counts(), before);
}

TEST_F(EdgeApiTest, BadDirectionIs400) {
  EXPECT_TRUE(
      is_error(get("/v1/nodes/Experiment/e1/edges?direction=sideways"), 400, "invalid_argument"));
}

}  // namespace
}  // namespace expgraph::testing
