#include "query/similarity/hashing_embedder.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "query/similarity/stable_hash.h"
#include "query/similarity/text_normalizer.h"

namespace expgraph::similarity {
namespace {

// One seed per feature family, so that the word "sale" and the trigram "sal" never share a hash.
// Changing any of these, or the feature definitions, requires a new version in id().
constexpr uint64_t kWordSeed = 0x9e3779b97f4a7c15ULL;
constexpr uint64_t kBigramSeed = 0xbf58476d1ce4e5b9ULL;
constexpr uint64_t kCharSeed = 0x94d049bb133111ebULL;
constexpr char kBigramJoiner = '\x1f';  // cannot occur inside a token

enum Family { kWords = 0, kBigrams = 1, kChars = 2, kFamilyCount = 3 };

struct Features {
  std::vector<uint64_t> by_family[kFamilyCount];
};

// Byte offsets of code point starts in a valid UTF-8 string, plus its size at the end.
std::vector<size_t> code_point_starts(std::string_view s) {
  std::vector<size_t> starts;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<uint8_t>(s[i]) & 0xC0) != 0x80) starts.push_back(i);
  }
  starts.push_back(s.size());
  return starts;
}

Features extract(std::string_view text, const HashingEmbedderOptions& options) {
  Features features;
  const std::vector<std::string> tokens =
      tokenize(text, TokenizerOptions{.remove_stopwords = options.remove_stopwords});
  std::string marked;
  for (size_t i = 0; i < tokens.size(); ++i) {
    features.by_family[kWords].push_back(stable_hash64(tokens[i], kWordSeed));
    if (i + 1 < tokens.size()) {
      const std::string bigram = tokens[i] + kBigramJoiner + tokens[i + 1];
      features.by_family[kBigrams].push_back(stable_hash64(bigram, kBigramSeed));
    }
    marked = "<" + tokens[i] + ">";
    const std::vector<size_t> starts = code_point_starts(marked);
    const size_t length = starts.size() - 1;  // in code points
    for (size_t n = static_cast<size_t>(options.min_char_ngram);
         n <= static_cast<size_t>(options.max_char_ngram) && n <= length; ++n) {
      for (size_t begin = 0; begin + n <= length; ++begin) {
        const std::string_view gram(marked.data() + starts[begin],
                                    starts[begin + n] - starts[begin]);
        features.by_family[kChars].push_back(stable_hash64(gram, kCharSeed));
      }
    }
  }
  return features;
}

// Adds the hashed, weighted, normalised vector of one family into `out`, scaled by `weight`.
void add_family(std::vector<uint64_t> hashes, const HashingEmbedderOptions& options, float weight,
                std::vector<float>& out) {
  if (hashes.empty() || weight == 0.0f) return;
  std::sort(hashes.begin(), hashes.end());
  const size_t dimension = out.size();
  std::vector<double> family(dimension, 0.0);
  for (size_t i = 0; i < hashes.size();) {
    size_t j = i;
    while (j < hashes.size() && hashes[j] == hashes[i]) ++j;
    const uint64_t h = hashes[i];
    const double tf = 1.0 + std::log(static_cast<double>(j - i));  // sublinear
    const double idf = options.idf ? options.idf->idf(h) : 1.0;
    // The bucket takes the low bits and the sign the top bit of a well-mixed hash, so colliding
    // features cancel on average instead of piling up (the sign trick of feature hashing).
    const double sign = (h >> 63) ? -1.0 : 1.0;
    family[h % dimension] += sign * tf * idf;
    i = j;
  }
  double norm = 0.0;
  for (double v : family) norm += v * v;
  if (norm == 0.0) return;
  const double scale = weight / std::sqrt(norm);
  for (size_t d = 0; d < dimension; ++d) out[d] += static_cast<float>(family[d] * scale);
}

bool valid_weight(float w) { return std::isfinite(w) && w >= 0.0f; }

}  // namespace

Result<HashingEmbedder> HashingEmbedder::create(HashingEmbedderOptions options) {
  if (options.dimension < 8 || options.dimension > 65536) {
    return Status::invalid_argument("hashing embedder: dimension must be in [8, 65536]");
  }
  if (options.min_char_ngram < 1 || options.min_char_ngram > options.max_char_ngram ||
      options.max_char_ngram > 8) {
    return Status::invalid_argument(
        "hashing embedder: character n-gram sizes must satisfy 1 <= min <= max <= 8");
  }
  if (!valid_weight(options.word_weight) || !valid_weight(options.bigram_weight) ||
      !valid_weight(options.char_weight) ||
      options.word_weight + options.bigram_weight + options.char_weight == 0.0f) {
    return Status::invalid_argument(
        "hashing embedder: family weights must be finite, non-negative and not all zero");
  }
  return HashingEmbedder(std::move(options));
}

std::string HashingEmbedder::id() const {
  std::string id = "hashing-v1-" + std::to_string(options_.dimension);
  const HashingEmbedderOptions defaults;
  const bool default_features = options_.remove_stopwords == defaults.remove_stopwords &&
                                options_.min_char_ngram == defaults.min_char_ngram &&
                                options_.max_char_ngram == defaults.max_char_ngram &&
                                options_.word_weight == defaults.word_weight &&
                                options_.bigram_weight == defaults.bigram_weight &&
                                options_.char_weight == defaults.char_weight;
  if (!default_features) {
    char described[128];
    std::snprintf(described, sizeof(described), "%d/%d/%d/%.9g/%.9g/%.9g",
                  options_.remove_stopwords ? 1 : 0, options_.min_char_ngram,
                  options_.max_char_ngram, options_.word_weight, options_.bigram_weight,
                  options_.char_weight);
    char suffix[24];
    std::snprintf(suffix, sizeof(suffix), "-o%08llx",
                  static_cast<unsigned long long>(stable_hash64(described) & 0xffffffffULL));
    id += suffix;
  }
  if (options_.idf) id += "-idf";
  return id;
}

Result<std::vector<float>> HashingEmbedder::embed(std::string_view text) const {
  Features features = extract(text, options_);
  std::vector<float> vector(static_cast<size_t>(options_.dimension), 0.0f);
  add_family(std::move(features.by_family[kWords]), options_, options_.word_weight, vector);
  add_family(std::move(features.by_family[kBigrams]), options_, options_.bigram_weight, vector);
  add_family(std::move(features.by_family[kChars]), options_, options_.char_weight, vector);
  double norm = 0.0;
  for (float v : vector) norm += static_cast<double>(v) * v;
  if (norm > 0.0) {
    const double scale = 1.0 / std::sqrt(norm);
    for (float& v : vector) v = static_cast<float>(v * scale);
  }
  return vector;
}

std::vector<uint64_t> HashingEmbedder::feature_hashes(std::string_view text) const {
  Features features = extract(text, options_);
  std::vector<uint64_t> all;
  for (auto& family : features.by_family) all.insert(all.end(), family.begin(), family.end());
  return all;
}

IdfTable build_idf_table(const HashingEmbedder& embedder, const std::vector<std::string>& corpus) {
  IdfTable table;
  for (const std::string& text : corpus) table.add_document(embedder.feature_hashes(text));
  return table;
}

}  // namespace expgraph::similarity
