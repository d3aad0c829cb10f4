// POST /v1/batch over HTTP: nodes and edges in one atomic write, edges to nodes of the same batch.
#include "integration/http_client.h"

namespace expgraph::testing {
namespace {

using nlohmann::json;

class BatchApiTest : public ApiTest {};

json experiment_batch() {
  return {{"nodes",
           {{{"type", "Experiment"}, {"key", "bx-1"}, {"properties", {{"name", "Batch test"}}}},
            {{"type", "Variant"}, {"key", "bx-1-a"}, {"properties", {{"name", "A"}}}},
            {{"type", "Variant"}, {"key", "bx-1-b"}, {"properties", {{"name", "B"}}}}}},
          {"edges",
           {{{"type", "HAS_VARIANT"},
             {"from", "Experiment/bx-1"},
             {"to", "Variant/bx-1-a"},
             {"properties", {{"position", 0}}}},
            {{"type", "HAS_VARIANT"},
             {"from", "Experiment/bx-1"},
             {"to", "Variant/bx-1-b"},
             {"properties", {{"position", 1}}}}}}};
}

TEST_F(BatchApiTest, WritesNodesAndEdgesToNodesOfTheSameBatch) {
  Counts before = counts();
  Reply written = post("/v1/batch", experiment_batch());
  ASSERT_EQ(written.status, 200) << written.text;
  EXPECT_EQ(written.body["nodes"], (json{{"created", 3}, {"updated", 0}, {"unchanged", 0}}));
  EXPECT_EQ(written.body["edges"], (json{{"created", 2}, {"updated", 0}, {"unchanged", 0}}));
  EXPECT_TRUE(written.body["sequence"].is_number_unsigned());
  EXPECT_EQ(counts(), (Counts{before.nodes + 3, before.edges + 2}));

  Reply variant = get("/v1/nodes/Variant/bx-1-b");
  ASSERT_EQ(variant.status, 200) << variant.text;
  EXPECT_EQ(variant.body["properties"]["name"], "B");
  Reply edges = get("/v1/nodes/Experiment/bx-1/edges?direction=out&type=HAS_VARIANT");
  ASSERT_EQ(edges.status, 200) << edges.text;
  EXPECT_EQ(edges.body["edges"].size(), 2u);

  // The same batch again changes nothing.
  Reply again = post("/v1/batch", experiment_batch());
  ASSERT_EQ(again.status, 200) << again.text;
  EXPECT_EQ(again.body["nodes"], (json{{"created", 0}, {"updated", 0}, {"unchanged", 3}}));
  EXPECT_EQ(again.body["edges"], (json{{"created", 0}, {"updated", 0}, {"unchanged", 2}}));
  EXPECT_EQ(counts(), (Counts{before.nodes + 3, before.edges + 2}));
  EXPECT_EQ(get("/v1/nodes/Variant/bx-1-b").body["version"], 1);
}

TEST_F(BatchApiTest, EmptyBatchIsAccepted) {
  Counts before = counts();
  Reply written = post("/v1/batch", json::object());
  ASSERT_EQ(written.status, 200) << written.text;
  EXPECT_EQ(counts(), before);
}

}  // namespace
}  // namespace expgraph::testing
