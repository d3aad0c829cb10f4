// GET /v1/nodes/{type} over HTTP: where filters on indexed and plain properties, pagination.
#include <set>
#include <vector>

#include "integration/http_client.h"

namespace expgraph::testing {
namespace {

using nlohmann::json;

class ListingApiTest : public ApiTest {
 protected:
  static constexpr int kExperiments = 23;

  void SetUp() override {
    ApiTest::SetUp();
    json nodes = json::array();
    for (int i = 0; i < kExperiments; ++i) {
      char key[16];
      std::snprintf(key, sizeof(key), "ls-%02d", i);
      nodes.push_back({{"type", "Experiment"},
                       {"key", key},
                       {"properties",
                        {{"name", i % 5 == 0 ? "five" : "other"},
                         {"status", i % 3 == 0 ? "running" : "planned"},
                         {"kind", i % 2 == 0 ? "ab" : "bandit"}}}});
    }
    ASSERT_EQ(post("/v1/batch", {{"nodes", nodes}}).status, 200);
  }

  // Follows next_cursor to the end; every page has at most `limit` nodes.
  std::vector<std::string> all_keys(const std::string& query, int limit, int* pages = nullptr) {
    std::vector<std::string> keys;
    std::string cursor;
    for (int page = 1; page <= 100; ++page) {
      std::string path = "/v1/nodes/Experiment?limit=" + std::to_string(limit);
      if (!query.empty()) path += "&" + query;
      if (!cursor.empty()) path += "&cursor=" + cursor;
      Reply reply = get(path);
      EXPECT_EQ(reply.status, 200) << path << ": " << reply.text;
      if (reply.status != 200) break;
      EXPECT_LE(reply.body["nodes"].size(), static_cast<size_t>(limit));
      for (const json& node : reply.body["nodes"]) keys.push_back(node["key"]);
      if (pages != nullptr) *pages = page;
      if (reply.body["next_cursor"].is_null()) break;
      cursor = reply.body["next_cursor"];
    }
    return keys;
  }

  std::vector<std::string> expected_keys(bool (*keep)(int)) {
    std::vector<std::string> keys;
    for (int i = 0; i < kExperiments; ++i) {
      char key[16];
      std::snprintf(key, sizeof(key), "ls-%02d", i);
      if (keep(i)) keys.push_back(key);
    }
    return keys;
  }
};

TEST_F(ListingApiTest, WhereOnAnIndexedPropertyPagesByCursor) {
  int pages = 0;
  std::vector<std::string> keys = all_keys("where=status:running", 3, &pages);
  std::vector<std::string> expected = expected_keys([](int i) { return i % 3 == 0; });
  EXPECT_EQ(std::multiset<std::string>(keys.begin(), keys.end()),
            std::multiset<std::string>(expected.begin(), expected.end()));
  EXPECT_GE(pages, 3);
}

TEST_F(ListingApiTest, UnfilteredListingIsInKeyOrder) {
  std::vector<std::string> keys = all_keys("where=name:five", 100);
  EXPECT_EQ(keys, expected_keys([](int i) { return i % 5 == 0; }));
  std::vector<std::string> everything = all_keys("", 4);
  std::vector<std::string> listed;
  for (const std::string& key : everything) {
    if (key.rfind("ls-", 0) == 0) listed.push_back(key);
  }
  EXPECT_EQ(listed, expected_keys([](int) { return true; }));
}

TEST_F(ListingApiTest, SeveralConditionsAllApply) {
  std::vector<std::string> keys = all_keys("where=status:planned&where=kind:ab", 2);
  EXPECT_EQ(std::multiset<std::string>(keys.begin(), keys.end()), [&] {
    auto expected = expected_keys([](int i) { return i % 3 != 0 && i % 2 == 0; });
    return std::multiset<std::string>(expected.begin(), expected.end());
  }());
}

TEST_F(ListingApiTest, NoMatchIsAnEmptyPage) {
  Reply reply = get("/v1/nodes/Experiment?where=status:concluded");
  ASSERT_EQ(reply.status, 200) << reply.text;
  EXPECT_TRUE(reply.body["nodes"].empty());
  EXPECT_TRUE(reply.body["next_cursor"].is_null());
}

}  // namespace
}  // namespace expgraph::testing
