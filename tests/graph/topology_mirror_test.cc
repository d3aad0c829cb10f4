// TopologyMirror on its own: nodes and edges come and go, parallel edges of different types
// between the same nodes are removed one type at a time, and degrees are counted per type.
#include "graph/topology_mirror.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <tuple>

namespace expgraph {
namespace {

constexpr SymbolId kTypeA = 1;
constexpr SymbolId kTypeB = 2;
constexpr SymbolId kTests = 10;
constexpr SymbolId kOwnedBy = 11;

std::vector<std::tuple<NodeId, SymbolId, bool>> sorted(
    const std::vector<TopologyMirror::Neighbor>& neighbors) {
  std::vector<std::tuple<NodeId, SymbolId, bool>> out;
  for (const auto& n : neighbors) out.emplace_back(n.node, n.edge_type, n.outgoing);
  std::sort(out.begin(), out.end());
  return out;
}

TEST(TopologyMirrorTest, NodesComeAndGo) {
  TopologyMirror mirror;
  EXPECT_EQ(mirror.node_count(), 0u);
  EXPECT_FALSE(mirror.has_node(0));
  EXPECT_FALSE(mirror.has_node(5));
  mirror.add_node(5, kTypeA);  // ids need not arrive in order
  mirror.add_node(2, kTypeB);
  EXPECT_EQ(mirror.node_count(), 2u);
  EXPECT_TRUE(mirror.has_node(5));
  EXPECT_FALSE(mirror.has_node(3));  // a gap is not a node
  EXPECT_EQ(mirror.node_type(5), std::optional<SymbolId>(kTypeA));
  EXPECT_EQ(mirror.node_type(3), std::nullopt);
  mirror.add_node(5, kTypeA);  // adding twice does not count twice
  EXPECT_EQ(mirror.node_count(), 2u);

  mirror.remove_node(5);
  EXPECT_FALSE(mirror.has_node(5));
  EXPECT_EQ(mirror.node_count(), 1u);
  mirror.remove_node(5);  // removing twice is harmless
  mirror.remove_node(99);
  EXPECT_EQ(mirror.node_count(), 1u);
  EXPECT_TRUE(mirror.neighbors(99, Direction::kBoth).empty());
  EXPECT_EQ(mirror.degree(99, Direction::kOut, kTests), 0u);
}

TEST(TopologyMirrorTest, EdgesAndNeighbors) {
  TopologyMirror mirror;
  for (NodeId id = 1; id <= 4; ++id) mirror.add_node(id, kTypeA);
  mirror.add_edge(1, kTests, 2);
  mirror.add_edge(1, kTests, 3);
  mirror.add_edge(4, kOwnedBy, 1);
  mirror.add_edge(1, kTests, 99);  // to a missing node: ignored
  EXPECT_EQ(mirror.edge_count(), 3u);

  using T = std::tuple<NodeId, SymbolId, bool>;
  EXPECT_EQ(sorted(mirror.neighbors(1, Direction::kOut)),
            (std::vector<T>{{2, kTests, true}, {3, kTests, true}}));
  EXPECT_EQ(sorted(mirror.neighbors(1, Direction::kIn)), (std::vector<T>{{4, kOwnedBy, false}}));
  EXPECT_EQ(sorted(mirror.neighbors(1, Direction::kBoth)),
            (std::vector<T>{{2, kTests, true}, {3, kTests, true}, {4, kOwnedBy, false}}));
  EXPECT_EQ(sorted(mirror.neighbors(1, Direction::kBoth, kOwnedBy)),
            (std::vector<T>{{4, kOwnedBy, false}}));
  EXPECT_EQ(sorted(mirror.neighbors(2, Direction::kBoth)), (std::vector<T>{{1, kTests, false}}));

  mirror.remove_edge(1, kTests, 3);
  EXPECT_EQ(mirror.edge_count(), 2u);
  EXPECT_TRUE(mirror.neighbors(3, Direction::kBoth).empty());
  mirror.remove_edge(1, kTests, 3);  // already gone
  mirror.remove_edge(2, kTests, 1);  // wrong direction: nothing to remove
  EXPECT_EQ(mirror.edge_count(), 2u);
}

TEST(TopologyMirrorTest, ParallelEdgesOfDifferentTypesAreRemovedOneTypeAtATime) {
  TopologyMirror mirror;
  mirror.add_node(1, kTypeA);
  mirror.add_node(2, kTypeB);
  mirror.add_edge(1, kTests, 2);
  mirror.add_edge(1, kOwnedBy, 2);
  mirror.add_edge(2, kTests, 1);  // and one the other way
  EXPECT_EQ(mirror.edge_count(), 3u);
  EXPECT_EQ(mirror.neighbors(1, Direction::kOut).size(), 2u);

  mirror.remove_edge(1, kOwnedBy, 2);
  EXPECT_EQ(mirror.edge_count(), 2u);
  EXPECT_EQ(mirror.degree(1, Direction::kOut, kTests), 1u);
  EXPECT_EQ(mirror.degree(1, Direction::kOut, kOwnedBy), 0u);
  EXPECT_EQ(mirror.degree(2, Direction::kIn, kTests), 1u);
  EXPECT_EQ(mirror.degree(2, Direction::kOut, kTests), 1u);

  mirror.remove_edge(1, kTests, 2);
  EXPECT_EQ(mirror.edge_count(), 1u);
  EXPECT_EQ(mirror.degree(1, Direction::kOut, kTests), 0u);
  EXPECT_EQ(mirror.degree(1, Direction::kIn, kTests), 1u);  // 2 -> 1 is still there
}

TEST(TopologyMirrorTest, DegreeByTypeAndDirection) {
  TopologyMirror mirror;
  for (NodeId id = 1; id <= 6; ++id) mirror.add_node(id, kTypeA);
  mirror.add_edge(1, kTests, 2);
  mirror.add_edge(1, kTests, 3);
  mirror.add_edge(1, kTests, 4);
  mirror.add_edge(1, kOwnedBy, 5);
  mirror.add_edge(6, kTests, 1);
  EXPECT_EQ(mirror.degree(1, Direction::kOut, kTests), 3u);
  EXPECT_EQ(mirror.degree(1, Direction::kOut, kOwnedBy), 1u);
  EXPECT_EQ(mirror.degree(1, Direction::kIn, kTests), 1u);
  EXPECT_EQ(mirror.degree(1, Direction::kIn, kOwnedBy), 0u);
  EXPECT_EQ(mirror.degree(1, Direction::kBoth, kTests), 4u);
  EXPECT_EQ(mirror.degree(5, Direction::kIn, kOwnedBy), 1u);
}

TEST(TopologyMirrorTest, RemovingANodeRemovesItsEdgesBothWays) {
  TopologyMirror mirror;
  for (NodeId id = 1; id <= 4; ++id) mirror.add_node(id, kTypeA);
  mirror.add_edge(1, kTests, 2);
  mirror.add_edge(3, kTests, 1);
  mirror.add_edge(1, kOwnedBy, 1);  // a self-loop
  mirror.add_edge(3, kTests, 4);
  mirror.remove_node(1);
  EXPECT_EQ(mirror.edge_count(), 1u);
  EXPECT_TRUE(mirror.neighbors(2, Direction::kBoth).empty());
  EXPECT_EQ(mirror.neighbors(3, Direction::kBoth).size(), 1u);
  // The id stays allocated but dead: edges to it are ignored, and it can come back.
  mirror.add_edge(3, kTests, 1);
  EXPECT_EQ(mirror.edge_count(), 1u);
  mirror.add_node(1, kTypeB);
  EXPECT_EQ(mirror.node_type(1), std::optional<SymbolId>(kTypeB));
  EXPECT_TRUE(mirror.neighbors(1, Direction::kBoth).empty());
  EXPECT_EQ(mirror.node_count(), 4u);
}

// The per-label and per-edge-type counts that StoreCount reads must follow every change,
// including the edges a removed node takes with it (a self-loop counted once).
TEST(TopologyMirrorTest, CountsPerTypeFollowEveryChange) {
  TopologyMirror mirror;
  mirror.add_node(1, kTypeA);
  mirror.add_node(2, kTypeA);
  mirror.add_node(3, kTypeB);
  mirror.add_edge(1, kTests, 2);
  mirror.add_edge(1, kTests, 3);
  mirror.add_edge(2, kOwnedBy, 3);
  mirror.add_edge(2, kTests, 2);  // self-loop
  EXPECT_EQ(mirror.node_count(kTypeA), 2u);
  EXPECT_EQ(mirror.node_count(kTypeB), 1u);
  EXPECT_EQ(mirror.node_count(99), 0u);
  EXPECT_EQ(mirror.edge_count(kTests), 3u);
  EXPECT_EQ(mirror.edge_count(kOwnedBy), 1u);

  mirror.remove_edge(1, kTests, 3);
  mirror.remove_edge(1, kOwnedBy, 3);  // no such edge: nothing changes
  EXPECT_EQ(mirror.edge_count(kTests), 2u);
  EXPECT_EQ(mirror.edge_count(kOwnedBy), 1u);

  mirror.remove_node(2);  // takes 1-TESTS->2, the self-loop and 2-OWNED_BY->3
  EXPECT_EQ(mirror.node_count(kTypeA), 1u);
  EXPECT_EQ(mirror.edge_count(kTests), 0u);
  EXPECT_EQ(mirror.edge_count(kOwnedBy), 0u);
  EXPECT_EQ(mirror.edge_count(), 0u);

  std::vector<NodeId> ids;
  NodeId end = mirror.nodes_of_type(kTypeA, 0, 10, ids);
  EXPECT_EQ(ids, std::vector<NodeId>({1}));
  EXPECT_EQ(mirror.nodes_of_type(kTypeA, end, 10, ids), end);  // nothing more
  EXPECT_EQ(ids, std::vector<NodeId>({1}));
  ids.clear();
  mirror.add_node(4, kTypeB);
  NodeId next = mirror.nodes_of_type(0, 0, 2, ids);  // any type, two at a time
  EXPECT_EQ(ids, std::vector<NodeId>({1, 3}));
  mirror.nodes_of_type(0, next, 2, ids);
  EXPECT_EQ(ids, std::vector<NodeId>({1, 3, 4}));
}

TEST(TopologyMirrorTest, ReadGivesTheBoostGraph) {
  TopologyMirror mirror;
  mirror.add_node(1, kTypeA);
  mirror.add_node(2, kTypeA);
  mirror.add_edge(1, kTests, 2);
  size_t edges =
      mirror.read([](const TopologyMirror::Graph& graph) { return boost::num_edges(graph); });
  EXPECT_EQ(edges, 1u);
}

}  // namespace
}  // namespace expgraph
