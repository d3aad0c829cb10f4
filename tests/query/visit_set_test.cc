// VisitSet against a plain std::unordered_set: random traversals of every size, small ones that
// stay in the hash table and large ones that spill into the per-vertex marks, many times over
// on one set so leftovers of earlier traversals and epoch wraps would show.
#include "query/visit_set.h"

#include <gtest/gtest.h>

#include <random>
#include <unordered_set>

namespace expgraph {
namespace {

TEST(VisitSetTest, AgreesWithAModelAcrossSmallAndLargeTraversals) {
  std::mt19937_64 random(7);
  VisitSet set;
  size_t spilled_traversals = 0;
  for (int traversal = 0; traversal < 700; ++traversal) {
    // Vertex counts vary, so the marks array also has to grow between traversals.
    size_t vertex_count = 50000 + 100 * static_cast<size_t>(traversal);
    // About half the traversals mark more distinct nodes than the small table holds.
    size_t marks = traversal % 2 == 0 ? random() % 600 : 2500 + random() % 4000;
    set.start(vertex_count);
    std::unordered_set<NodeId> model;
    for (size_t i = 0; i < marks; ++i) {
      NodeId id = random() % vertex_count;
      ASSERT_EQ(set.mark(id), model.insert(id).second) << "traversal " << traversal;
    }
    EXPECT_EQ(set.spilled(), model.size() >= VisitSet::kSmallCapacity) << traversal;
    spilled_traversals += set.spilled();
  }
  EXPECT_GT(spilled_traversals, 256u);  // the one-byte epoch wrapped at least once
}

TEST(VisitSetTest, ANodeMarkedBeforeTheSpillStaysMarkedAfterIt) {
  VisitSet set;
  set.start(100000);
  for (NodeId id = 0; id < VisitSet::kSmallCapacity; ++id) ASSERT_TRUE(set.mark(id * 3));
  ASSERT_TRUE(set.spilled());
  for (NodeId id = 0; id < VisitSet::kSmallCapacity; ++id) EXPECT_FALSE(set.mark(id * 3)) << id;
  EXPECT_TRUE(set.mark(1));
  EXPECT_FALSE(set.mark(1));
}

TEST(VisitSetTest, IdsNearTheTopOfTheSmallTablesRangeAreKeptApart) {
  VisitSet set;
  const NodeId top = 0xFFFF'FFFDULL;  // + 1 still fits the 32-bit slot
  set.start(top + 1);
  EXPECT_TRUE(set.mark(top));
  EXPECT_TRUE(set.mark(0));
  EXPECT_FALSE(set.mark(top));
  EXPECT_FALSE(set.mark(0));
  EXPECT_FALSE(set.spilled());
}

}  // namespace
}  // namespace expgraph
