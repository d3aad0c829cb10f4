#include "query/similarity/sentence_encoder_model.h"

#include <bit>
#include <cmath>
#include <cstring>

#include "query/similarity/model_file.h"

namespace expgraph::similarity {

namespace {

static_assert(std::endian::native == std::endian::little, "the model file is little-endian");
static_assert(sizeof(float) == 4 && sizeof(double) == 8);

constexpr std::string_view kMagic("EXPGUSE\0", 8);
constexpr uint32_t kVersion = 1;
constexpr uint32_t kMaxRank = 8;
constexpr uint32_t kMaxLayers = 64;

void append_short_string(std::string& out, std::string_view text) {
  out.push_back(static_cast<char>(text.size()));
  out.append(text);
}

Status malformed_model(const std::string& what) {
  return Status::invalid_argument("sentence encoder file: " + what);
}

}  // namespace

Result<std::string> encode_sentence_encoder_model(const SentenceEncoderModel& model) {
  if (model.pieces.size() != model.scores.size()) {
    return Status::invalid_argument("sentence encoder: one score per piece needed");
  }
  std::string out(kMagic);
  append_raw(out, kVersion);
  append_raw(out, model.max_tokens);
  append_raw(out, model.layer_norm_epsilon);
  append_raw(out, model.normalize_epsilon);
  append_raw(out, static_cast<uint32_t>(model.layers.size()));
  for (const SentenceEncoderLayerShape& layer : model.layers) {
    append_raw(out, layer.heads);
    append_raw(out, layer.query_scale);
  }
  append_raw(out, model.reserved_pieces);
  append_raw(out, static_cast<uint32_t>(model.pieces.size()));
  for (size_t i = 0; i < model.pieces.size(); ++i) {
    if (model.pieces[i].empty() || model.pieces[i].size() > 255) {
      return Status::invalid_argument("sentence encoder: piece " + std::to_string(i) +
                                      " is empty or longer than 255 bytes");
    }
    append_short_string(out, model.pieces[i]);
    append_raw(out, model.scores[i]);
  }
  append_raw(out, static_cast<uint32_t>(model.tensors.size()));
  for (const auto& [name, tensor] : model.tensors) {
    size_t count = 1;
    for (uint32_t dimension : tensor.shape) count *= dimension;
    if (name.empty() || name.size() > 255 || tensor.shape.size() > kMaxRank ||
        count != tensor.values.size()) {
      return Status::invalid_argument(
          "sentence encoder: tensor \"" + name +
          "\" has a bad name or a shape that disagrees with its values");
    }
    append_short_string(out, name);
    append_raw(out, static_cast<uint32_t>(tensor.shape.size()));
    for (uint32_t dimension : tensor.shape) append_raw(out, dimension);
    out.append(reinterpret_cast<const char*>(tensor.values.data()),
               tensor.values.size() * sizeof(float));
  }
  return out;
}

Result<SentenceEncoderModel> decode_sentence_encoder_model(std::string_view bytes) {
  ModelFileReader reader(bytes);
  std::string_view magic;
  if (!reader.take(kMagic.size(), magic) || magic != kMagic) {
    return malformed_model("bad magic (not written by tools/fetch-sentence-encoder?)");
  }
  uint32_t version = 0;
  if (!reader.raw(version)) return malformed_model("truncated header");
  if (version != kVersion) {
    return malformed_model("version " + std::to_string(version) + ", this build reads " +
                           std::to_string(kVersion) +
                           " (run tools/fetch-sentence-encoder --force)");
  }
  SentenceEncoderModel model;
  uint32_t layer_count = 0;
  if (!reader.raw(model.max_tokens) || !reader.raw(model.layer_norm_epsilon) ||
      !reader.raw(model.normalize_epsilon) || !reader.raw(layer_count)) {
    return malformed_model("truncated header");
  }
  if (layer_count > kMaxLayers) return malformed_model("too many layers");
  model.layers.resize(layer_count);
  for (SentenceEncoderLayerShape& layer : model.layers) {
    if (!reader.raw(layer.heads) || !reader.raw(layer.query_scale)) {
      return malformed_model("truncated header");
    }
    if (!std::isfinite(layer.query_scale)) return malformed_model("non-finite query scale");
  }
  if (!std::isfinite(model.layer_norm_epsilon) || !std::isfinite(model.normalize_epsilon)) {
    return malformed_model("non-finite epsilon");
  }
  uint32_t piece_count = 0;
  if (!reader.raw(model.reserved_pieces) || !reader.raw(piece_count)) {
    return malformed_model("truncated header");
  }
  // Each piece takes at least 10 bytes: bounds the count before reserving memory for it.
  if (piece_count > reader.remaining() / 10)
    return malformed_model("piece count larger than the file");
  model.pieces.reserve(piece_count);
  model.scores.resize(piece_count);
  for (uint32_t i = 0; i < piece_count; ++i) {
    std::string_view piece;
    if (!reader.short_string(piece) || !reader.raw(model.scores[i])) {
      return malformed_model("truncated piece list");
    }
    if (piece.empty() || !std::isfinite(model.scores[i])) {
      return malformed_model("empty piece or non-finite score at id " + std::to_string(i));
    }
    model.pieces.emplace_back(piece);
  }
  uint32_t tensor_count = 0;
  if (!reader.raw(tensor_count)) return malformed_model("truncated tensor list");
  for (uint32_t t = 0; t < tensor_count; ++t) {
    std::string_view name;
    uint32_t rank = 0;
    if (!reader.short_string(name) || !reader.raw(rank)) {
      return malformed_model("truncated tensor list");
    }
    if (rank > kMaxRank)
      return malformed_model("tensor \"" + std::string(name) + "\": rank too large");
    SentenceEncoderTensor tensor;
    tensor.shape.resize(rank);
    uint64_t count = 1;
    for (uint32_t& dimension : tensor.shape) {
      if (!reader.raw(dimension)) return malformed_model("truncated tensor list");
      count *= dimension;
      if (count > reader.remaining() / sizeof(float)) {
        return malformed_model("tensor \"" + std::string(name) + "\" larger than the file");
      }
    }
    std::string_view values;
    if (!reader.take(count * sizeof(float), values)) {
      return malformed_model("tensor \"" + std::string(name) + "\" truncated");
    }
    tensor.values.resize(count);
    if (count > 0) std::memcpy(tensor.values.data(), values.data(), values.size());
    for (float value : tensor.values) {
      if (!std::isfinite(value)) {
        return malformed_model("tensor \"" + std::string(name) + "\" has a non-finite value");
      }
    }
    if (!model.tensors.emplace(std::string(name), std::move(tensor)).second) {
      return malformed_model("tensor \"" + std::string(name) + "\" repeated");
    }
  }
  if (reader.remaining() != 0) return malformed_model("trailing bytes after the tensors");
  return model;
}

}  // namespace expgraph::similarity
