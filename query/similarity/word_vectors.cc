#include "query/similarity/word_vectors.h"

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <unordered_set>

#include "query/similarity/model_file.h"

namespace expgraph::similarity {

namespace {

static_assert(std::endian::native == std::endian::little, "word vectors are little-endian");
static_assert(sizeof(float) == 4);

constexpr std::string_view kMagic("EXPGWV1\0", 8);
constexpr size_t kMaxWordBytes = 255;

void append_floats(std::string& out, const float* values, size_t count) {
  out.append(reinterpret_cast<const char*>(values), count * sizeof(float));
}

bool all_finite(const std::vector<float>& values) {
  for (float value : values) {
    if (!std::isfinite(value)) return false;
  }
  return true;
}

Status malformed(const std::string& what) {
  return Status::invalid_argument("word vectors file: " + what);
}

}  // namespace

Result<std::string> encode_word_vectors(const WordVectors& vectors) {
  const size_t dimension = static_cast<size_t>(vectors.dimension);
  if (vectors.dimension < 1 || vectors.common_component.size() != dimension ||
      vectors.probabilities.size() != vectors.words.size() ||
      vectors.matrix.size() != vectors.words.size() * dimension) {
    return Status::invalid_argument("word vectors: sizes of the parts disagree");
  }
  if (!std::isfinite(vectors.sif_a) || vectors.sif_a <= 0 || !all_finite(vectors.matrix) ||
      !all_finite(vectors.common_component) || !all_finite(vectors.probabilities)) {
    return Status::invalid_argument("word vectors: non-finite or non-positive value");
  }
  std::string out(kMagic);
  append_raw(out, static_cast<uint32_t>(dimension));
  append_raw(out, static_cast<uint32_t>(vectors.words.size()));
  append_floats(out, &vectors.sif_a, 1);
  append_floats(out, vectors.common_component.data(), dimension);
  for (size_t i = 0; i < vectors.words.size(); ++i) {
    const std::string& word = vectors.words[i];
    if (word.empty() || word.size() > kMaxWordBytes) {
      return Status::invalid_argument("word vectors: word " + std::to_string(i) +
                                      " is empty or longer than 255 bytes");
    }
    out.push_back(static_cast<char>(word.size()));
    out.append(word);
    append_floats(out, &vectors.probabilities[i], 1);
  }
  append_floats(out, vectors.matrix.data(), vectors.matrix.size());
  return out;
}

Result<WordVectors> decode_word_vectors(std::string_view bytes) {
  ModelFileReader reader(bytes);
  std::string_view magic;
  if (!reader.take(kMagic.size(), magic) || magic != kMagic) {
    return malformed("bad magic (not written by tools/fetch-word-vectors?)");
  }
  uint32_t dimension = 0;
  uint32_t count = 0;
  WordVectors vectors;
  if (!reader.raw(dimension) || !reader.raw(count) || !reader.floats(1, &vectors.sif_a)) {
    return malformed("truncated header");
  }
  if (dimension < 1 || dimension > 65536) {
    return malformed("dimension " + std::to_string(dimension) + " outside 1..65536");
  }
  vectors.dimension = static_cast<int>(dimension);
  vectors.common_component.resize(dimension);
  if (!reader.floats(dimension, vectors.common_component.data())) {
    return malformed("truncated common component");
  }
  // Each word takes at least 6 bytes: bounds `count` before reserving memory for it.
  if (count > bytes.size() / 6) return malformed("word count larger than the file");
  vectors.words.reserve(count);
  vectors.probabilities.resize(count);
  std::unordered_set<std::string_view> seen;
  for (uint32_t i = 0; i < count; ++i) {
    std::string_view word;
    if (!reader.short_string(word) || !reader.floats(1, &vectors.probabilities[i])) {
      return malformed("truncated word list");
    }
    if (word.empty() || !seen.insert(word).second) {
      return malformed("empty or repeated word \"" + std::string(word) + "\"");
    }
    vectors.words.emplace_back(word);
  }
  vectors.matrix.resize(static_cast<size_t>(count) * dimension);
  if (!reader.floats(vectors.matrix.size(), vectors.matrix.data())) {
    return malformed("truncated matrix");
  }
  if (!reader.at_end()) return malformed("trailing bytes after the matrix");
  if (!std::isfinite(vectors.sif_a) || vectors.sif_a <= 0 || !all_finite(vectors.matrix) ||
      !all_finite(vectors.common_component) || !all_finite(vectors.probabilities)) {
    return malformed("non-finite or non-positive value");
  }
  return vectors;
}

}  // namespace expgraph::similarity
