#include "query/similarity/word_vectors.h"

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unordered_set>

namespace expgraph::similarity {

namespace {

static_assert(std::endian::native == std::endian::little, "word vectors are little-endian");
static_assert(sizeof(float) == 4);

constexpr std::string_view kMagic("EXPGWV1\0", 8);
constexpr size_t kMaxWordBytes = 255;

void append_u32(std::string& out, uint32_t value) {
  char bytes[4];
  std::memcpy(bytes, &value, 4);
  out.append(bytes, 4);
}

void append_floats(std::string& out, const float* values, size_t count) {
  out.append(reinterpret_cast<const char*>(values), count * sizeof(float));
}

bool all_finite(const std::vector<float>& values) {
  for (float value : values) {
    if (!std::isfinite(value)) return false;
  }
  return true;
}

// Reads forward through the file bytes; every read checks that the bytes are there.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}
  bool take(size_t count, std::string_view& out) {
    if (bytes_.size() - offset_ < count) return false;
    out = bytes_.substr(offset_, count);
    offset_ += count;
    return true;
  }
  bool u32(uint32_t& value) {
    std::string_view raw;
    if (!take(4, raw)) return false;
    std::memcpy(&value, raw.data(), 4);
    return true;
  }
  bool floats(size_t count, float* out) {
    std::string_view raw;
    if (count > (bytes_.size() - offset_) / sizeof(float) || !take(count * sizeof(float), raw)) {
      return false;
    }
    if (count > 0) std::memcpy(out, raw.data(), raw.size());
    return true;
  }
  bool at_end() const { return offset_ == bytes_.size(); }

 private:
  std::string_view bytes_;
  size_t offset_ = 0;
};

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
  append_u32(out, static_cast<uint32_t>(dimension));
  append_u32(out, static_cast<uint32_t>(vectors.words.size()));
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
  Reader reader(bytes);
  std::string_view magic;
  if (!reader.take(kMagic.size(), magic) || magic != kMagic) {
    return malformed("bad magic (not written by tools/fetch-word-vectors?)");
  }
  uint32_t dimension = 0;
  uint32_t count = 0;
  WordVectors vectors;
  if (!reader.u32(dimension) || !reader.u32(count) || !reader.floats(1, &vectors.sif_a)) {
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
    std::string_view length;
    std::string_view word;
    if (!reader.take(1, length) || !reader.take(static_cast<uint8_t>(length[0]), word) ||
        !reader.floats(1, &vectors.probabilities[i])) {
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

Result<std::string> read_word_vectors_file(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    return Status::not_found("word vectors file " + path +
                             " not found: run tools/fetch-word-vectors (needs npm), or use "
                             "--embedder hashing");
  }
  std::ifstream file(path, std::ios::binary);
  std::ostringstream content;
  content << file.rdbuf();
  if (!file) return Status::invalid_argument("cannot read word vectors file " + path);
  return std::move(content).str();
}

}  // namespace expgraph::similarity
