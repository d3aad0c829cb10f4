// SimilarityIndex over a real GraphStore (temp directory, ontology/marketing.json): vectors
// written with the node, ranking in the three modes, graph filters that still return k hits,
// deletes and updates, restart, re-index on an embedder change, the client embedder's checks and
// an embedder that fails on one text of a batch.
#include "query/similarity/similarity_index.h"

#include <gtest/gtest.h>

#include <cmath>
#include <unistd.h>

#include <filesystem>

#include "query/similarity/hashing_embedder.h"
#include "query/similarity/stored_vector.h"
#include "similarity_index_fixture.h"

namespace expgraph::similarity {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

TEST(StoredVectorTest, RoundTripsAndRejectsTruncatedValues) {
  std::vector<float> values = {0.5f, -1.25f, 3.0f};
  std::string bytes = encode_stored_vector("hashing-v1-3", values);
  auto decoded = decode_stored_vector(bytes);
  ASSERT_TRUE(decoded.ok()) << decoded.status().to_string();
  EXPECT_EQ(decoded->embedder_id, "hashing-v1-3");
  EXPECT_EQ(decoded->values, values);
  EXPECT_FALSE(decode_stored_vector(bytes.substr(0, bytes.size() - 1)).ok());
  EXPECT_FALSE(decode_stored_vector("").ok());
  auto empty = decode_stored_vector(encode_stored_vector("", {}));
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->values.empty());
}

class SimilarityIndexTest : public SimilarityIndexFixture {
 protected:
  SimilarityIndexTest() : SimilarityIndexFixture("expgraph_similarity_index") {}
  void SetUp() override {
    SimilarityIndexFixture::SetUp();
    open();
  }

  void learning(const std::string& key, const std::string& text,
                const std::string& outcome = "inconclusive") {
    WriteRequest request;
    request.nodes.push_back({"Learning", key, {{"text", text}, {"outcome", outcome}}});
    write(request);
  }

  // Ten learnings about free shipping, none attached to an experiment, and the experiment E9
  // (email, segment new_customers under all_customers, metric ctr, started 2024-06-01) whose
  // three learnings are about something else entirely: a filter must reach those.
  void write_filter_fixture() {
    WriteRequest request;
    for (int i = 0; i < 10; ++i) {
      request.nodes.push_back(
          {"Learning",
           "free" + std::to_string(i),
           {{"text", "Free shipping over 50 euros lifted basket size " + std::to_string(i)},
            {"outcome", "won"}}});
    }
    request.nodes.push_back({"Channel", "email", {{"name", "E-mail"}}});
    request.nodes.push_back({"Channel", "web", {{"name", "Web"}}});
    request.nodes.push_back({"Segment", "all_customers", {{"name", "All"}}});
    request.nodes.push_back({"Segment", "new_customers", {{"name", "New"}}});
    request.nodes.push_back({"Metric", "ctr", {{"name", "Click-through"}}});
    request.nodes.push_back({"Metric", "revenue", {{"name", "Revenue"}}});
    request.nodes.push_back(
        {"Experiment",
         "E9",
         {{"name", "Sender name test"}, {"status", "concluded"}, {"started_at", "2024-06-01"}}});
    request.nodes.push_back({"Result",
                             "R9",
                             {{"name", "Treatment vs control"},
                              {"lift", 0.04},
                              {"ci_low", 0.01},
                              {"ci_high", 0.07},
                              {"p_value", 0.01}}});
    request.edges.push_back(
        {"RUNS_ON", {"Experiment", "E9"}, {"Channel", "email"}, json::object()});
    request.edges.push_back(
        {"TARGETS", {"Experiment", "E9"}, {"Segment", "new_customers"}, json::object()});
    request.edges.push_back({"SUBSEGMENT_OF",
                             {"Segment", "new_customers"},
                             {"Segment", "all_customers"},
                             json::object()});
    request.edges.push_back({"MEASURES", {"Experiment", "E9"}, {"Metric", "ctr"}, json::object()});
    request.edges.push_back({"HAS_RESULT", {"Experiment", "E9"}, {"Result", "R9"}, json::object()});
    const char* texts[] = {"A personal sender name raised opens",
                           "Team signatures beat the brand name in the from line",
                           "First names in the sender field help new customers"};
    for (int i = 0; i < 3; ++i) {
      std::string key = "sender" + std::to_string(i);
      request.nodes.push_back(
          {"Learning", key, {{"text", texts[i]}, {"outcome", i == 0 ? "won" : "lost"}}});
      request.edges.push_back({"YIELDED", {"Experiment", "E9"}, {"Learning", key}, json::object()});
    }
    write(request);
  }
};

TEST_F(SimilarityIndexTest, ExactAndNearDuplicateTextRankFirst) {
  learning("L1", "Urgency countdown timers in the subject line increased open rate");
  learning("L2", "Free shipping thresholds raise average order value");
  learning("L3", "Social proof badges on product pages improve conversion");
  learning("L4", "Personalised product recommendations in e-mails lift clicks");
  EXPECT_EQ(index_->vector_count(), 4u);
  EXPECT_EQ(index_->document_count(), 4u);
  for (SearchMode mode : {SearchMode::kVector, SearchMode::kHybrid}) {
    auto exact = keys(query("Social proof badges on product pages improve conversion", mode));
    ASSERT_FALSE(exact.empty());
    EXPECT_EQ(exact.front(), "L3");
    auto near = keys(query("Free shipping threshold raises the average order values", mode));
    ASSERT_FALSE(near.empty());
    EXPECT_EQ(near.front(), "L2");
  }
  auto hits = index_->search(query("countdown timers", SearchMode::kVector, 2));
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->size(), 2u);
  EXPECT_GT((*hits)[0].score, (*hits)[1].score);
  json rendered = (*hits)[0].to_json();
  EXPECT_EQ(rendered["node"]["type"], "Learning");
  EXPECT_TRUE(rendered["context"]["experiment"].is_null());
}

TEST_F(SimilarityIndexTest, AHitIsSummarisedByItsExperimentsBestArmOnTheMetricShown) {
  // Four results, created in this order: 0.02 on ctr, 0.09 on revenue, 0.05 on ctr, none.
  // The experiment measures ctr, so its best arm on ctr (0.05) summarises it, not the first
  // result (0.02) nor the largest lift on another metric (0.09).
  WriteRequest request;
  request.nodes.push_back({"Metric", "ctr", {{"name", "Click-through"}}});
  request.nodes.push_back({"Metric", "revenue", {{"name", "Revenue"}}});
  request.nodes.push_back({"Experiment", "E1", {{"name", "Banner test"}, {"status", "concluded"}}});
  request.nodes.push_back({"Learning", "L1", {{"text", "Animated banners distract buyers"}}});
  request.edges.push_back({"YIELDED", {"Experiment", "E1"}, {"Learning", "L1"}, json::object()});
  request.edges.push_back({"MEASURES", {"Experiment", "E1"}, {"Metric", "ctr"}, json::object()});
  const std::vector<std::pair<std::string, double>> results = {
      {"ctr", 0.02}, {"revenue", 0.09}, {"ctr", 0.05}, {"ctr", NAN}};
  for (size_t i = 0; i < results.size(); ++i) {
    const std::string key = "R" + std::to_string(i);
    json properties = {{"name", "arm " + std::to_string(i)}};
    if (!std::isnan(results[i].second)) properties["lift"] = results[i].second;
    request.nodes.push_back({"Result", key, properties});
    request.edges.push_back({"HAS_RESULT", {"Experiment", "E1"}, {"Result", key}, json::object()});
    request.edges.push_back(
        {"ON_METRIC", {"Result", key}, {"Metric", results[i].first}, json::object()});
  }
  write(request);
  auto hits = index_->search(query("animated banners", SearchMode::kHybrid, 1));
  ASSERT_TRUE(hits.ok() && hits->size() == 1u);
  EXPECT_EQ((*hits)[0].context["result"]["key"], "R2") << (*hits)[0].context.dump();
  EXPECT_DOUBLE_EQ((*hits)[0].context["result"]["lift"].get<double>(), 0.05);

  // On a metric whose direction is "decrease", the best arm is the one that lowered it most.
  WriteRequest bounce;
  bounce.nodes.push_back({"Metric", "bounce", {{"name", "Bounce rate"}, {"direction", "decrease"}}});
  bounce.nodes.push_back({"Experiment", "E2", {{"name", "Hero test"}, {"status", "concluded"}}});
  bounce.nodes.push_back({"Learning", "L2", {{"text", "Shorter hero copy keeps visitors"}}});
  bounce.edges.push_back({"YIELDED", {"Experiment", "E2"}, {"Learning", "L2"}, json::object()});
  bounce.edges.push_back({"MEASURES", {"Experiment", "E2"}, {"Metric", "bounce"}, json::object()});
  for (const auto& [key, lift] : std::vector<std::pair<std::string, double>>{
           {"B0", -0.03}, {"B1", -0.10}, {"B2", 0.04}}) {
    bounce.nodes.push_back({"Result", key, {{"name", key}, {"lift", lift}}});
    bounce.edges.push_back({"HAS_RESULT", {"Experiment", "E2"}, {"Result", key}, json::object()});
    bounce.edges.push_back({"ON_METRIC", {"Result", key}, {"Metric", "bounce"}, json::object()});
  }
  write(bounce);
  hits = index_->search(query("shorter hero copy", SearchMode::kHybrid, 1));
  ASSERT_TRUE(hits.ok() && hits->size() == 1u);
  EXPECT_EQ((*hits)[0].context["result"]["key"], "B1") << (*hits)[0].context.dump();
}

TEST_F(SimilarityIndexTest, LexicalAndHybridModes) {
  learning("L1", "Countdown timers create urgency");
  learning("L2", "Testimonials build trust on landing pages");
  learning("L3", "Bigger buttons did nothing for conversion");
  auto lexical = keys(query("testimonials", SearchMode::kLexical));
  EXPECT_EQ(lexical, std::vector<std::string>{"L2"});  // only documents sharing a term
  auto hybrid = keys(query("testimonials", SearchMode::kHybrid, 3));
  ASSERT_EQ(hybrid.size(), 3u);
  EXPECT_EQ(hybrid.front(), "L2");
  // Hypotheses and experiments are documents too; types restricts the search to some.
  WriteRequest request;
  request.nodes.push_back({"Hypothesis", "H1", {{"statement", "Testimonials raise sign-ups"}}});
  write(request);
  SearchRequest typed = query("testimonials", SearchMode::kLexical);
  typed.types = {"Hypothesis"};
  EXPECT_EQ(keys(typed), std::vector<std::string>{"H1"});
  typed.types = {"Channel"};
  EXPECT_EQ(index_->search(typed).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(SimilarityIndexTest, FiltersReturnKHitsEvenWhenTheMatchesAreFarthest) {
  write_filter_fixture();
  auto expect_sender_hits = [&](SearchFilterSpec filter, size_t expected) {
    for (SearchMode mode : {SearchMode::kVector, SearchMode::kHybrid, SearchMode::kLexical}) {
      SearchRequest request = query("free shipping basket", mode, 3);
      request.types = {"Learning"};  // E9 itself matches too
      request.filter = filter;
      auto hits = index_->search(request);
      ASSERT_TRUE(hits.ok()) << hits.status().to_string();
      // Lexical search only returns documents sharing a term: none of the sender learnings do.
      size_t want = mode == SearchMode::kLexical ? 0 : expected;
      EXPECT_EQ(hits->size(), want) << static_cast<int>(mode);
      for (const SearchHit& hit : *hits) {
        EXPECT_EQ(hit.node.key.rfind("sender", 0), 0u) << hit.node.key;
        EXPECT_EQ(hit.context["experiment"]["key"], "E9");
        EXPECT_EQ(hit.context["channel"], "email");
        EXPECT_EQ(hit.context["metric"], "ctr");
        EXPECT_EQ(hit.context["segment"], "new_customers");
        EXPECT_DOUBLE_EQ(hit.context["result"]["lift"].get<double>(), 0.04);
      }
    }
  };
  expect_sender_hits({.channel = "email"}, 3);
  expect_sender_hits({.segment = "new_customers"}, 3);
  expect_sender_hits({.segment = "all_customers"}, 3);  // via SUBSEGMENT_OF
  expect_sender_hits({.metric = "ctr"}, 3);
  expect_sender_hits({.since = "2024-01-01"}, 3);
  expect_sender_hits({.channel = "email", .outcome = "lost"}, 2);
  expect_sender_hits({.channel = "web"}, 0);
  expect_sender_hits({.metric = "revenue"}, 0);
  expect_sender_hits({.channel = "no_such_channel"}, 0);
  expect_sender_hits({.since = "2024-06-02"}, 0);

  // Outcome alone also matches learnings without an experiment.
  SearchRequest request = query("free shipping basket", SearchMode::kVector, 20);
  request.filter.outcome = "won";
  EXPECT_EQ(keys(request).size(), 12u);  // ten free-shipping learnings, sender0 and E9
  request.types = {"Learning"};
  EXPECT_EQ(keys(request).size(), 11u);
  // The experiment itself is a document, and matches its own filters.
  request = query("sender", SearchMode::kLexical, 5);
  request.types = {"Experiment"};
  request.filter.channel = "email";
  EXPECT_EQ(keys(request), std::vector<std::string>{"E9"});
  request.filter.since = "June";
  EXPECT_EQ(index_->search(request).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(SimilarityIndexTest, HitsWithoutRecordsRankAsFullHitsAndNameTheirExperiment) {
  write_filter_fixture();
  auto e9 = graph_->find_node_id({"Experiment", "E9"});
  ASSERT_TRUE(e9.ok() && e9->has_value());
  for (SearchMode mode : {SearchMode::kVector, SearchMode::kHybrid, SearchMode::kLexical}) {
    SearchRequest request = query("a personal sender name for new customers", mode, 8);
    request.min_similarity = 0.05;
    auto full = index_->search_with_floor(request);
    request.with_records = false;
    auto light = index_->search_with_floor(request);
    ASSERT_TRUE(full.ok() && light.ok());
    ASSERT_EQ(light->hits.size(), full->hits.size()) << static_cast<int>(mode);
    EXPECT_EQ(light->below_floor, full->below_floor);
    size_t of_e9 = 0;
    for (size_t i = 0; i < full->hits.size(); ++i) {
      const SearchHit& f = full->hits[i];
      const SearchHit& l = light->hits[i];
      EXPECT_DOUBLE_EQ(l.similarity, f.similarity);
      EXPECT_DOUBLE_EQ(l.score, f.score);
      EXPECT_EQ(l.experiment, f.experiment);
      // The full hit's context names the same experiment the light hit carries by id.
      const bool in_e9 =
          f.context["experiment"].is_object() && f.context["experiment"]["key"] == "E9";
      EXPECT_EQ(l.experiment == **e9, in_e9) << f.node.key;
      EXPECT_EQ(l.experiment == 0, f.context["experiment"].is_null()) << f.node.key;
      of_e9 += in_e9 ? 1 : 0;
      EXPECT_TRUE(l.node.key.empty());
      EXPECT_TRUE(l.context.is_null());
    }
    // E9 and its three sender learnings are the documents that belong to an experiment.
    EXPECT_GE(of_e9, mode == SearchMode::kLexical ? 1u : 3u) << static_cast<int>(mode);
  }
}

TEST_F(SimilarityIndexTest, DeletedLearningIsNeverReturned) {
  learning("L1", "Countdown timers create urgency");
  learning("L2", "Countdown timers create urgency in e-mails");
  WriteRequest remove;
  remove.node_deletes.push_back({"Learning", "L1"});
  write(remove);
  for (SearchMode mode : {SearchMode::kVector, SearchMode::kLexical, SearchMode::kHybrid}) {
    EXPECT_EQ(keys(query("Countdown timers create urgency", mode)), std::vector<std::string>{"L2"});
  }
  EXPECT_EQ(index_->vector_count(), 1u);
  auto stored = graph_->storage().get(Column::kVectors, keys::node_key(1));
  ASSERT_TRUE(stored.ok());
  EXPECT_FALSE(stored->has_value());
}

TEST_F(SimilarityIndexTest, UpdatedTextIsFoundByItsNewWordsOnly) {
  learning("L1", "Countdown timers create urgency");
  learning("L2", "Loyalty points bring customers back");
  learning("L1", "Testimonials build trust on landing pages");
  EXPECT_TRUE(keys(query("countdown urgency", SearchMode::kLexical)).empty());
  EXPECT_EQ(keys(query("testimonials trust", SearchMode::kLexical)),
            std::vector<std::string>{"L1"});
  EXPECT_EQ(keys(query("Testimonials build trust on landing pages", SearchMode::kVector, 1)),
            std::vector<std::string>{"L1"});
  // The old text's exact query no longer finds L1's vector close by (it was 1.0 before).
  auto old_text = index_->search(query("Countdown timers create urgency", SearchMode::kVector));
  ASSERT_TRUE(old_text.ok());
  for (const SearchHit& hit : *old_text) {
    if (hit.node.key == "L1") {
      EXPECT_LT(hit.score, 0.5) << hit.score;
    }
  }
  // Clearing a text removes the document without deleting the node... (Learning.text is
  // required, so use a Hypothesis rationale next to its statement.)
  WriteRequest request;
  request.nodes.push_back(
      {"Hypothesis", "H1", {{"statement", "Scarcity sells"}, {"rationale", "Zebra stripes"}}});
  write(request);
  EXPECT_EQ(keys(query("zebra", SearchMode::kLexical)), std::vector<std::string>{"H1"});
  request.nodes[0].properties = {{"statement", "Scarcity sells"}};
  write(request);
  EXPECT_TRUE(keys(query("zebra", SearchMode::kLexical)).empty());
}

TEST_F(SimilarityIndexTest, RestartFindsTheSameResults) {
  write_filter_fixture();
  learning("L1", "Countdown timers create urgency");
  SearchRequest filtered = query("sender name", SearchMode::kHybrid, 2);
  filtered.filter.channel = "email";
  auto before_plain = keys(query("countdown timers shipping", SearchMode::kHybrid, 5));
  auto before_filtered = keys(filtered);
  ASSERT_EQ(before_filtered.size(), 2u);
  open();
  EXPECT_EQ(index_->vector_count(), 15u);  // 14 learnings and E9
  EXPECT_EQ(keys(query("countdown timers shipping", SearchMode::kHybrid, 5)), before_plain);
  EXPECT_EQ(keys(filtered), before_filtered);
}

TEST_F(SimilarityIndexTest, AnotherEmbedderReindexesAtOpen) {
  learning("L1", "Countdown timers create urgency");
  learning("L2", "Loyalty points bring customers back");
  SimilarityIndexOptions smaller;
  smaller.dimension = 128;
  open(smaller);
  EXPECT_EQ(index_->embedder_id(), "hashing-v1-128");
  EXPECT_EQ(index_->vector_count(), 2u);
  KvIterator it = graph_->storage().scan(Column::kVectors, "");
  size_t rewritten = 0;
  for (; it.valid(); it.next()) {
    auto stored = decode_stored_vector(it.value());
    ASSERT_TRUE(stored.ok());
    EXPECT_EQ(stored->embedder_id, "hashing-v1-128");
    EXPECT_EQ(stored->values.size(), 128u);
    ++rewritten;
  }
  EXPECT_EQ(rewritten, 2u);
  EXPECT_EQ(keys(query("loyalty points", SearchMode::kVector, 1)), std::vector<std::string>{"L2"});
}

TEST_F(SimilarityIndexTest, AReindexAtOpenReportsHowManyTextsItEmbedded) {
  learning("L1", "Countdown timers create urgency");
  learning("L2", "Loyalty points bring customers back");
  learning("L3", "Free shipping thresholds lift basket size");
  std::vector<size_t> reported;
  SimilarityIndexOptions smaller;
  smaller.dimension = 128;
  smaller.on_reembedded = [&reported](size_t count) { reported.push_back(count); };
  open(smaller);
  EXPECT_EQ(reported, std::vector<size_t>{3});  // one page
  reported.clear();
  open(smaller);  // the same embedder: nothing to embed, nothing reported
  EXPECT_TRUE(reported.empty());
}

TEST_F(SimilarityIndexTest, ClientEmbedderChecksDimensionAndWritesNothingOnError) {
  SimilarityIndexOptions client;
  client.embedder = EmbedderKind::kClient;
  client.dimension = 4;
  open(client);
  WriteRequest wrong;
  wrong.nodes.push_back(
      {"Learning", "L1", {{"text", "Countdown timers"}}, std::vector<float>{1.0f, 0.0f, 0.0f}});
  auto written = graph_->write(wrong);
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.status().code(), StatusCode::kOntologyViolation);
  EXPECT_NE(written.status().message().find("expects 4"), std::string::npos);
  EXPECT_EQ(graph_->node_count(), 0u);
  EXPECT_EQ(index_->vector_count(), 0u);

  WriteRequest right;
  right.nodes.push_back({"Learning",
                         "L1",
                         {{"text", "Countdown timers"}},
                         std::vector<float>{1.0f, 0.0f, 0.0f, 0.0f}});
  right.nodes.push_back(
      {"Learning", "L2", {{"text", "Loyalty points"}}, std::vector<float>{0.0f, 1.0f, 0.0f, 0.0f}});
  write(right);
  SearchRequest request = query("anything", SearchMode::kVector, 1);
  request.embedding = std::vector<float>{0.1f, 0.9f, 0.0f, 0.0f};
  EXPECT_EQ(keys(request), std::vector<std::string>{"L2"});
  request.embedding.reset();
  EXPECT_EQ(index_->search(request).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(keys(query("countdown", SearchMode::kLexical)), std::vector<std::string>{"L1"});
  open(client);  // client vectors survive a restart
  EXPECT_EQ(index_->vector_count(), 2u);
}

// The hashing embedder under another id, except that it cannot embed a text that says
// "poison": one failure among many texts of a batch.
class PoisonRefusingEmbedder final : public Embedder {
 public:
  std::string id() const override { return "poison-refusing-" + hashing_.id(); }
  int dimension() const override { return hashing_.dimension(); }
  Result<std::vector<float>> embed(std::string_view text) const override {
    if (text.find("poison") != std::string_view::npos) {
      return Status::invalid_argument("cannot embed poison");
    }
    return hashing_.embed(text);
  }

 private:
  HashingEmbedder hashing_ = HashingEmbedder::create().value();
};

// The hashing embedder that counts the texts it embedded (the count outlives the index).
class CountingEmbedder final : public Embedder {
 public:
  explicit CountingEmbedder(std::shared_ptr<int> embedded) : embedded_(std::move(embedded)) {}
  std::string id() const override { return hashing_.id(); }
  int dimension() const override { return hashing_.dimension(); }
  Result<std::vector<float>> embed(std::string_view text) const override {
    ++*embedded_;
    if (text.find("poison") != std::string_view::npos) {
      return Status::invalid_argument("cannot embed poison");
    }
    return hashing_.embed(text);
  }

 private:
  std::shared_ptr<int> embedded_;
  HashingEmbedder hashing_ = HashingEmbedder::create().value();
};

TEST_F(SimilarityIndexTest, ASearchedTextIsEmbeddedOnceWhileItsVectorIsCached) {
  auto embedded = std::make_shared<int>(0);
  SimilarityIndexOptions options;
  options.query_vector_cache = 2;
  open_with_embedder(std::make_unique<CountingEmbedder>(embedded), options);
  learning("L1", "Urgency countdown timers in the subject line increased open rate");
  learning("L2", "Free shipping thresholds raise average order value");
  const auto embeddings_for = [&](const std::string& text, SearchMode mode) {
    const int before = *embedded;
    auto hits = index_->search(query(text, mode, 2));
    EXPECT_TRUE(hits.ok()) << hits.status().to_string();
    return *embedded - before;
  };
  const std::vector<std::string> first = keys(query("free shipping", SearchMode::kVector, 2));
  EXPECT_EQ(embeddings_for("free shipping", SearchMode::kVector), 0);
  EXPECT_EQ(embeddings_for("free shipping", SearchMode::kHybrid), 0);  // any mode with a vector
  EXPECT_EQ(keys(query("free shipping", SearchMode::kVector, 2)), first);
  EXPECT_EQ(embeddings_for("countdown timers", SearchMode::kVector), 1);
  EXPECT_EQ(embeddings_for("order value", SearchMode::kVector), 1);  // evicts "free shipping"
  EXPECT_EQ(embeddings_for("free shipping", SearchMode::kVector), 1);  // evicts "countdown..."
  EXPECT_EQ(embeddings_for("order value", SearchMode::kVector), 0);
  // A lexical search embeds too (its hits report their cosine), through the same cache.
  EXPECT_EQ(embeddings_for("countdown timers", SearchMode::kLexical), 1);
  EXPECT_EQ(embeddings_for("countdown timers", SearchMode::kLexical), 0);
  // A text longer than the cache keeps is embedded each time.
  const std::string long_text(QueryVectorCache::kMaxTextBytes + 1, 'a');
  EXPECT_EQ(embeddings_for(long_text, SearchMode::kVector), 1);
  EXPECT_EQ(embeddings_for(long_text, SearchMode::kVector), 1);
  EXPECT_EQ(embeddings_for("order value", SearchMode::kVector), 0);  // still there
  // A text that cannot be embedded is not cached: it fails, and is tried, each time.
  for (int round = 0; round < 2; ++round) {
    const int before = *embedded;
    EXPECT_EQ(index_->search(query("poison", SearchMode::kVector)).status().code(),
              StatusCode::kInvalidArgument);
    EXPECT_EQ(*embedded - before, 1);
  }
}

WriteRequest forty_learnings(int poisoned) {
  WriteRequest request;
  for (int i = 0; i < 40; ++i) {
    std::string text = "Learning number " + std::to_string(i) + " about shipping thresholds";
    if (i == poisoned) text += " and poison";
    request.nodes.push_back({"Learning", "L" + std::to_string(i), {{"text", text}}});
  }
  return request;
}

size_t stored_vector_count(GraphStore& graph) {
  size_t count = 0;
  KvIterator it = graph.storage().scan(Column::kVectors, "");
  for (; it.valid(); it.next()) ++count;
  return count;
}

TEST_F(SimilarityIndexTest, AnEmbeddingFailureInTheBatchFailsTheWholeWrite) {
  open_with_embedder(std::make_unique<PoisonRefusingEmbedder>());
  auto written = graph_->write(forty_learnings(17));
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(written.status().message().rfind("Learning/L17", 0), 0u) << written.status().message();
  EXPECT_NE(written.status().message().find("cannot embed poison"), std::string::npos);
  EXPECT_EQ(graph_->node_count(), 0u);
  EXPECT_EQ(index_->vector_count(), 0u);
  EXPECT_EQ(index_->document_count(), 0u);
  EXPECT_EQ(stored_vector_count(*graph_), 0u);

  write(forty_learnings(-1));
  EXPECT_EQ(index_->vector_count(), 40u);
  EXPECT_EQ(stored_vector_count(*graph_), 40u);
  EXPECT_EQ(keys(query("Learning number 23 about shipping thresholds", SearchMode::kVector, 1)),
            std::vector<std::string>{"L23"});
}

TEST_F(SimilarityIndexTest, AnEmbeddingFailureAtOpenNamesTheNode) {
  write(forty_learnings(29));  // the hashing embedder reads any text
  reopen_graph();
  ASSERT_NE(graph_, nullptr);
  // Another embedder id: every vector is embedded again at open, in batches.
  auto index =
      SimilarityIndex::open_with_embedder(*graph_, std::make_unique<PoisonRefusingEmbedder>());
  ASSERT_FALSE(index.ok());
  EXPECT_EQ(index.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(index.status().message().rfind("Learning/L29", 0), 0u) << index.status().message();
}

}  // namespace
}  // namespace expgraph::similarity
