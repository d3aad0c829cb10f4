// Traversals over a tiny hand-made mirror: k-hop counts and neighbourhoods, shortest paths.
// Expected values are worked out by hand from the drawing below.
#include "query/traversal.h"

#include <gtest/gtest.h>

namespace expgraph {
namespace {

constexpr SymbolId kNode = 1;
constexpr SymbolId kA = 1;
constexpr SymbolId kB = 2;

//   6 -B-> 1 -A-> 2 -B-> 4 -A-> 5 -A-> 1      7 (isolated)
//          1 -A-> 3 -A-> 4
class TraversalTest : public ::testing::Test {
 protected:
  TraversalTest() {
    for (NodeId id = 1; id <= 7; ++id) mirror_.add_node(id, kNode);
    mirror_.add_edge(1, kA, 2);
    mirror_.add_edge(1, kA, 3);
    mirror_.add_edge(2, kB, 4);
    mirror_.add_edge(3, kA, 4);
    mirror_.add_edge(4, kA, 5);
    mirror_.add_edge(6, kB, 1);
    mirror_.add_edge(5, kA, 1);
  }

  static TraversalFilter filter(Direction direction, std::set<SymbolId> types = {}) {
    return TraversalFilter{direction, std::move(types)};
  }

  // True when `path` is a chain of edges leading from `from` to `to`.
  static bool joins(const std::vector<TraversedEdge>& path, NodeId from, NodeId to) {
    NodeId at = from;
    for (const TraversedEdge& edge : path) {
      if (edge.from == at) {
        at = edge.to;
      } else if (edge.to == at) {
        at = edge.from;
      } else {
        return false;
      }
    }
    return at == to;
  }

  TopologyMirror mirror_;
};

TEST_F(TraversalTest, CountOutgoingByHops) {
  EXPECT_EQ(count_k_hop(mirror_, 1, 1, filter(Direction::kOut)), 2u);  // 2 3
  EXPECT_EQ(count_k_hop(mirror_, 1, 2, filter(Direction::kOut)), 3u);  // + 4
  EXPECT_EQ(count_k_hop(mirror_, 1, 3, filter(Direction::kOut)), 4u);  // + 5
  EXPECT_EQ(count_k_hop(mirror_, 1, 4, filter(Direction::kOut)), 4u);  // 5 -> 1 is the start
}

// Each traversal reuses its thread's visit set: answers must not change across many traversals,
// whichever nodes earlier ones marked.
TEST_F(TraversalTest, AnswersStayTheSameAcrossManyTraversals) {
  for (int round = 0; round < 1000; ++round) {
    NodeId start = 1 + static_cast<NodeId>(round % 2);
    size_t expected = start == 1 ? 3u : 2u;  // from 1: 2 3 4; from 2: 4 5
    ASSERT_EQ(count_k_hop(mirror_, start, 2, filter(Direction::kOut)), expected) << round;
    ASSERT_EQ(k_hop_neighborhood(mirror_, start, 2, filter(Direction::kOut), 100).nodes.size(),
              expected + 1)
        << round;
  }
}

TEST_F(TraversalTest, CountIncomingAndBoth) {
  EXPECT_EQ(count_k_hop(mirror_, 1, 1, filter(Direction::kIn)), 2u);    // 6 5
  EXPECT_EQ(count_k_hop(mirror_, 1, 2, filter(Direction::kIn)), 3u);    // + 4
  EXPECT_EQ(count_k_hop(mirror_, 1, 1, filter(Direction::kBoth)), 4u);  // 2 3 6 5
  EXPECT_EQ(count_k_hop(mirror_, 1, 2, filter(Direction::kBoth)), 5u);  // + 4
}

// A traversal that reaches more nodes than the visit set's small table holds moves to the
// per-vertex marks mid-way; nodes reached before and after the move must each count once.
// Hub 1 -> leaves 2..3001; leaf i -> shared node 3002 + i % 500, and leaf i -> leaf i + 1.
TEST(TraversalLargeTest, CountsStayExactWhenATraversalOutgrowsTheSmallVisitSet) {
  constexpr NodeId kLeaves = 3000;
  TopologyMirror mirror;
  for (NodeId id = 1; id <= 1 + kLeaves + 500; ++id) mirror.add_node(id, kNode);
  for (NodeId leaf = 2; leaf < 2 + kLeaves; ++leaf) {
    mirror.add_edge(1, kA, leaf);
    mirror.add_edge(leaf, kA, 2 + kLeaves + leaf % 500);
    if (leaf + 1 < 2 + kLeaves) mirror.add_edge(leaf, kA, leaf + 1);
  }
  TraversalFilter out{Direction::kOut, {}};
  for (int round = 0; round < 3; ++round) {  // small traversals in between reuse the set
    EXPECT_EQ(count_k_hop(mirror, 1, 1, out), kLeaves);
    EXPECT_EQ(count_k_hop(mirror, 1, 2, out), kLeaves + 500);
    EXPECT_EQ(k_hop_neighborhood(mirror, 1, 2, out, 100000).nodes.size(), 1 + kLeaves + 500);
    // 3 and shared 3004, then 4 and shared 3005
    EXPECT_EQ(count_k_hop(mirror, 2, 2, out), 4u);
  }
}

TEST_F(TraversalTest, CountFiltersEdgeTypes) {
  EXPECT_EQ(count_k_hop(mirror_, 1, 1, filter(Direction::kOut, {kB})), 0u);
  EXPECT_EQ(count_k_hop(mirror_, 1, 2, filter(Direction::kOut, {kA})), 3u);  // 2 3, 4 via 3 only
  EXPECT_EQ(count_k_hop(mirror_, 1, 3, filter(Direction::kOut, {kA})), 4u);  // + 5
  EXPECT_EQ(count_k_hop(mirror_, 2, 1, filter(Direction::kOut, {kA})), 0u);
  EXPECT_EQ(count_k_hop(mirror_, 1, 2, filter(Direction::kBoth, {kB})), 1u);  // 6
}

TEST_F(TraversalTest, CountOfIsolatedMissingAndRemovedNodes) {
  EXPECT_EQ(count_k_hop(mirror_, 7, 3, filter(Direction::kBoth)), 0u);
  EXPECT_EQ(count_k_hop(mirror_, 99, 2, filter(Direction::kBoth)), 0u);
  mirror_.remove_node(4);
  EXPECT_EQ(count_k_hop(mirror_, 1, 3, filter(Direction::kOut)), 2u);  // 2 3
  EXPECT_EQ(count_k_hop(mirror_, 4, 1, filter(Direction::kBoth)), 0u);
  mirror_.remove_edge(1, kA, 3);
  EXPECT_EQ(count_k_hop(mirror_, 1, 3, filter(Direction::kOut)), 1u);  // 2
}

TEST_F(TraversalTest, NeighborhoodListsNodesInBfsOrderWithDepthAndEdges) {
  Neighborhood found = k_hop_neighborhood(mirror_, 1, 2, filter(Direction::kOut), 100);
  EXPECT_EQ(found.nodes, (std::vector<NodeId>{1, 2, 3, 4}));
  EXPECT_EQ(found.depth, (std::vector<int>{0, 1, 1, 2}));
  EXPECT_EQ(found.edges,
            (std::vector<TraversedEdge>{{1, kA, 2}, {1, kA, 3}, {2, kB, 4}, {3, kA, 4}}));
  EXPECT_FALSE(found.truncated);
  EXPECT_EQ(found.nodes.size() - 1, count_k_hop(mirror_, 1, 2, filter(Direction::kOut)));
}

TEST_F(TraversalTest, NeighborhoodStopsAtTheNodeLimit) {
  Neighborhood found = k_hop_neighborhood(mirror_, 1, 2, filter(Direction::kOut), 3);
  EXPECT_EQ(found.nodes, (std::vector<NodeId>{1, 2, 3}));
  EXPECT_TRUE(found.truncated);
  // Only edges between returned nodes.
  EXPECT_EQ(found.edges, (std::vector<TraversedEdge>{{1, kA, 2}, {1, kA, 3}}));
}

TEST_F(TraversalTest, NeighborhoodBothWaysAndOfMissingNode) {
  Neighborhood found = k_hop_neighborhood(mirror_, 4, 1, filter(Direction::kBoth), 100);
  EXPECT_EQ(found.nodes, (std::vector<NodeId>{4, 5, 2, 3}));  // out-edges first, then in-edges
  EXPECT_EQ(found.edges, (std::vector<TraversedEdge>{{2, kB, 4}, {3, kA, 4}, {4, kA, 5}}));
  EXPECT_TRUE(k_hop_neighborhood(mirror_, 99, 2, filter(Direction::kBoth), 100).nodes.empty());
}

TEST_F(TraversalTest, ShortestPathDirected) {
  auto path = shortest_path(mirror_, 1, 5, 6, filter(Direction::kOut));
  ASSERT_TRUE(path.has_value());
  EXPECT_EQ(path->size(), 3u);  // 1 -> 2|3 -> 4 -> 5
  EXPECT_TRUE(joins(*path, 1, 5));
  EXPECT_EQ(path->back(), (TraversedEdge{4, kA, 5}));

  path = shortest_path(mirror_, 5, 2, 6, filter(Direction::kOut));
  ASSERT_TRUE(path.has_value());
  EXPECT_EQ(*path, (std::vector<TraversedEdge>{{5, kA, 1}, {1, kA, 2}}));

  // Against the edges: 2 is reached from 1 by walking 1 -A-> 2 backwards.
  path = shortest_path(mirror_, 2, 1, 6, filter(Direction::kIn));
  ASSERT_TRUE(path.has_value());
  EXPECT_EQ(*path, (std::vector<TraversedEdge>{{1, kA, 2}}));
}

TEST_F(TraversalTest, ShortestPathUndirectedTakesTheShortcut) {
  auto path = shortest_path(mirror_, 1, 5, 6, filter(Direction::kBoth));
  ASSERT_TRUE(path.has_value());
  EXPECT_EQ(*path, (std::vector<TraversedEdge>{{5, kA, 1}}));

  path = shortest_path(mirror_, 6, 4, 6, filter(Direction::kBoth));
  ASSERT_TRUE(path.has_value());
  EXPECT_EQ(path->size(), 3u);  // 6 - 1 - (2|3|5) - 4
  EXPECT_TRUE(joins(*path, 6, 4));
}

TEST_F(TraversalTest, ShortestPathRespectsMaxHops) {
  EXPECT_FALSE(shortest_path(mirror_, 1, 5, 2, filter(Direction::kOut)).has_value());
  EXPECT_TRUE(shortest_path(mirror_, 1, 5, 3, filter(Direction::kOut)).has_value());
  EXPECT_FALSE(shortest_path(mirror_, 6, 4, 2, filter(Direction::kBoth)).has_value());
}

TEST_F(TraversalTest, ShortestPathWhenThereIsNone) {
  EXPECT_FALSE(shortest_path(mirror_, 1, 7, 12, filter(Direction::kBoth)).has_value());
  EXPECT_FALSE(
      shortest_path(mirror_, 4, 6, 12, filter(Direction::kOut)).has_value());  // 6 has no in
  EXPECT_FALSE(shortest_path(mirror_, 1, 4, 12, filter(Direction::kBoth, {kB})).has_value());
  EXPECT_FALSE(shortest_path(mirror_, 1, 99, 12, filter(Direction::kBoth)).has_value());
  auto same = shortest_path(mirror_, 3, 3, 12, filter(Direction::kOut));
  ASSERT_TRUE(same.has_value());
  EXPECT_TRUE(same->empty());
}

}  // namespace
}  // namespace expgraph
