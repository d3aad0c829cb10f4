// GraphStore::list_nodes: key order, indexed and unindexed filters, cursor pagination that
// returns every node exactly once, bad cursors and filters; and the `index` column family kept
// in step when an indexed property changes.
#include <gtest/gtest.h>

#include <set>

#include "graph_test_support.h"

namespace expgraph::testing {
namespace {

using nlohmann::json;

constexpr int kChannels = 23;
const char* const kCategories[] = {"owned", "paid", "earned"};

class GraphStoreListTest : public GraphStoreTest {
 protected:
  void SetUp() override {
    GraphStoreTest::SetUp();
    std::vector<NodeWrite> nodes;
    // Written in reverse so that key order differs from id order.
    for (int i = kChannels - 1; i >= 0; --i) {
      json properties = {{"name", "channel " + std::to_string(i)},
                         {"category", kCategories[i % 3]}};
      if (i % 2 == 0) properties["description"] = "even";
      nodes.push_back(node("Channel", key(i), properties));
    }
    nodes.push_back(node("Segment", "S", {{"name", "channel 1"}}));  // another type, same name
    write_ok(nodes);
  }

  static std::string key(int i) {
    char buffer[16];
    std::snprintf(buffer, sizeof(buffer), "ch-%02d", i);
    return buffer;
  }

  // Follows the cursor to the end; fails the test on any error.
  std::vector<std::string> list_all(std::string_view type,
                                    const std::vector<PropertyFilter>& filters, size_t limit,
                                    size_t* pages = nullptr) {
    std::vector<std::string> keys;
    std::string cursor;
    size_t page_count = 0;
    do {
      auto page = store_->list_nodes(type, filters, limit, cursor);
      EXPECT_TRUE(page.ok()) << page.status().to_string();
      if (!page.ok()) break;
      EXPECT_LE(page->nodes.size(), limit);
      for (const NodeRecord& record : page->nodes) {
        EXPECT_EQ(record.type, type);
        keys.push_back(record.key);
      }
      cursor = page->next_cursor;
      if (++page_count > 100) {
        ADD_FAILURE() << "pagination does not end";
        break;
      }
    } while (!cursor.empty());
    if (pages != nullptr) *pages = page_count;
    return keys;
  }

  // The keys of the channels whose index satisfies `wanted`, in key order.
  template <typename Predicate>
  static std::vector<std::string> channels_where(Predicate wanted) {
    std::vector<std::string> keys;
    for (int i = 0; i < kChannels; ++i) {
      if (wanted(i)) keys.push_back(key(i));
    }
    return keys;
  }
};

TEST_F(GraphStoreListTest, WithoutFilterInKeyOrder) {
  auto page = store_->list_nodes("Channel", {}, 100, "");
  ASSERT_TRUE(page.ok()) << page.status().to_string();
  EXPECT_TRUE(page->next_cursor.empty());
  std::vector<std::string> keys;
  for (const NodeRecord& record : page->nodes) keys.push_back(record.key);
  EXPECT_EQ(keys, channels_where([](int) { return true; }));
  EXPECT_EQ(page->nodes[3].properties["name"], "channel 3");
  EXPECT_EQ(page->nodes[3].version, 1u);
}

TEST_F(GraphStoreListTest, IndexedFilter) {
  auto paid = list_all("Channel", {{"category", "paid"}}, 100);
  std::sort(paid.begin(), paid.end());
  EXPECT_EQ(paid, channels_where([](int i) { return i % 3 == 1; }));
  auto named = list_all("Channel", {{"name", "channel 1"}}, 100);
  EXPECT_EQ(named, std::vector<std::string>{"ch-01"});
  EXPECT_TRUE(list_all("Channel", {{"category", "earned "}}, 100).empty());
  EXPECT_TRUE(list_all("Channel", {{"name", "channel 99"}}, 100).empty());
}

TEST_F(GraphStoreListTest, UnindexedAndCombinedFilters) {
  EXPECT_EQ(list_all("Channel", {{"description", "even"}}, 100),
            channels_where([](int i) { return i % 2 == 0; }));
  // An indexed and an unindexed condition together: both must hold.
  auto both = list_all("Channel", {{"description", "even"}, {"category", "owned"}}, 100);
  std::sort(both.begin(), both.end());
  EXPECT_EQ(both, channels_where([](int i) { return i % 2 == 0 && i % 3 == 0; }));
}

TEST_F(GraphStoreListTest, PaginationReturnsEveryNodeExactlyOnce) {
  for (size_t limit : {size_t{1}, size_t{4}, size_t{5}, size_t{22}, size_t{23}, size_t{24}}) {
    SCOPED_TRACE("limit " + std::to_string(limit));
    size_t pages = 0;
    auto keys = list_all("Channel", {}, limit, &pages);
    EXPECT_EQ(keys, channels_where([](int) { return true; }));
    EXPECT_GE(pages, (kChannels + limit - 1) / limit);
    EXPECT_LE(pages, (kChannels + limit - 1) / limit + 1);
  }
}

TEST_F(GraphStoreListTest, PaginationWithFilters) {
  for (size_t limit : {size_t{1}, size_t{2}, size_t{3}}) {
    SCOPED_TRACE("limit " + std::to_string(limit));
    auto owned = list_all("Channel", {{"category", "owned"}}, limit);
    std::set<std::string> unique(owned.begin(), owned.end());
    EXPECT_EQ(unique.size(), owned.size()) << "a node was returned twice";
    std::sort(owned.begin(), owned.end());
    EXPECT_EQ(owned, channels_where([](int i) { return i % 3 == 0; }));

    EXPECT_EQ(list_all("Channel", {{"description", "even"}}, limit),
              channels_where([](int i) { return i % 2 == 0; }));
    auto both = list_all("Channel", {{"category", "paid"}, {"description", "even"}}, limit);
    std::sort(both.begin(), both.end());
    EXPECT_EQ(both, channels_where([](int i) { return i % 2 == 0 && i % 3 == 1; }));
  }
}

TEST_F(GraphStoreListTest, BadRequests) {
  auto bad_cursor = store_->list_nodes("Channel", {}, 5, "not a cursor!");
  EXPECT_EQ(bad_cursor.status().code(), StatusCode::kInvalidArgument);
  // A truncated cursor (one base64 character cannot hold a byte) must not restart the listing.
  auto first = store_->list_nodes("Channel", {}, 5, "");
  ASSERT_TRUE(first.ok());
  ASSERT_GE(first->next_cursor.size(), 2u);
  for (std::string truncated : {first->next_cursor.substr(0, 1), first->next_cursor + "A"}) {
    if (truncated.size() % 4 != 1) continue;
    EXPECT_EQ(store_->list_nodes("Channel", {}, 5, truncated).status().code(),
              StatusCode::kInvalidArgument)
        << truncated;
  }
  // A page of nothing would look like the last page.
  EXPECT_EQ(store_->list_nodes("Channel", {}, 0, "").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->list_nodes("Chanel", {}, 5, "").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->list_nodes("Channel", {{"colour", "red"}}, 5, "").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->list_nodes("Segment", {{"size", "big"}}, 5, "").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->list_nodes("Segment", {{"criteria", "{}"}}, 5, "").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->list_nodes("Variant", {{"is_control", "yes"}}, 5, "").status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(GraphStoreListTest, TypedFilterValues) {
  write_ok({node("Segment", "big", {{"name", "big"}, {"size", 5000}}),
            node("Segment", "neg", {{"name", "neg"}, {"size", -3}}),
            node("Variant", "A", {{"name", "a"}, {"is_control", true}}),
            node("Variant", "B", {{"name", "b"}, {"is_control", false}}),
            node("Hypothesis", "H",
                 {{"statement", "s"}, {"expected_lift", 0.05}, {"tags", {"pricing", "urgency"}}})});
  EXPECT_EQ(list_all("Segment", {{"size", "5000"}}, 10), std::vector<std::string>{"big"});
  EXPECT_EQ(list_all("Segment", {{"size", "-3"}}, 10), std::vector<std::string>{"neg"});
  EXPECT_EQ(list_all("Variant", {{"is_control", "false"}}, 10), std::vector<std::string>{"B"});
  EXPECT_EQ(list_all("Hypothesis", {{"expected_lift", "0.05"}}, 10), std::vector<std::string>{"H"});
  EXPECT_EQ(list_all("Hypothesis", {{"tags", "urgency"}}, 10), std::vector<std::string>{"H"});
  EXPECT_TRUE(list_all("Hypothesis", {{"tags", "pricing, urgency"}}, 10).empty());
}

TEST_F(GraphStoreListTest, IndexedStringsWithNulBytesAndCommonPrefixes) {
  using namespace std::string_literals;
  write_ok({node("Team", "plain", {{"name", "ab"}}), node("Team", "nul", {{"name", "ab\0"s}}),
            node("Team", "nul-c", {{"name", "ab\0c"s}}), node("Team", "abc", {{"name", "abc"}}),
            node("Team", "a", {{"name", "a"}})});
  EXPECT_EQ(list_all("Team", {{"name", "ab"}}, 10), std::vector<std::string>{"plain"});
  EXPECT_EQ(list_all("Team", {{"name", "ab\0"s}}, 10), std::vector<std::string>{"nul"});
  EXPECT_EQ(list_all("Team", {{"name", "ab\0c"s}}, 10), std::vector<std::string>{"nul-c"});
  EXPECT_EQ(list_all("Team", {{"name", "a"}}, 10), std::vector<std::string>{"a"});
  EXPECT_TRUE(list_all("Team", {{"name", "ab\0\0"s}}, 10).empty());
  EXPECT_EQ(get(ref("Team", "nul-c")).properties["name"], "ab\0c"s);
}

TEST_F(GraphStoreListTest, IndexFollowsChangesOfIndexedProperties) {
  write_ok({node("Experiment", "E", {{"name", "e"}, {"status", "planned"}, {"kind", "ab"}})});
  EXPECT_EQ(list_all("Experiment", {{"status", "planned"}}, 10), std::vector<std::string>{"E"});
  const size_t entries = count_keys(store_->storage(), Column::kIndex);

  write_ok({node("Experiment", "E", {{"name", "e"}, {"status", "running"}, {"kind", "ab"}})});
  EXPECT_TRUE(list_all("Experiment", {{"status", "planned"}}, 10).empty());
  EXPECT_EQ(list_all("Experiment", {{"status", "running"}}, 10), std::vector<std::string>{"E"});
  EXPECT_EQ(list_all("Experiment", {{"kind", "ab"}}, 10), std::vector<std::string>{"E"});
  EXPECT_EQ(count_keys(store_->storage(), Column::kIndex), entries);  // replaced, not added

  // Dropping an indexed property drops its entry.
  write_ok({node("Experiment", "E", {{"name", "e"}, {"status", "running"}})});
  EXPECT_TRUE(list_all("Experiment", {{"kind", "ab"}}, 10).empty());
  EXPECT_EQ(count_keys(store_->storage(), Column::kIndex), entries - 1);

  // Only indexed properties have entries: a name change of an Experiment adds none.
  write_ok({node("Experiment", "E", {{"name", "renamed"}, {"status", "running"}})});
  EXPECT_EQ(count_keys(store_->storage(), Column::kIndex), entries - 1);
  EXPECT_EQ(list_all("Experiment", {{"name", "renamed"}}, 10), std::vector<std::string>{"E"});

  // An indexed rename of a Channel.
  write_ok({node("Channel", key(4), {{"name", "renamed"}, {"category", "owned"}})});
  EXPECT_TRUE(list_all("Channel", {{"name", "channel 4"}}, 10).empty());
  EXPECT_EQ(list_all("Channel", {{"name", "renamed"}}, 10), std::vector<std::string>{key(4)});
  auto owned = list_all("Channel", {{"category", "owned"}}, 100);
  EXPECT_EQ(std::count(owned.begin(), owned.end(), key(4)), 1);
}

}  // namespace
}  // namespace expgraph::testing
