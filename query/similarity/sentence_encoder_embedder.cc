#include "query/similarity/sentence_encoder_embedder.h"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <span>
#include <system_error>
#include <thread>

#include "query/similarity/model_file.h"
#include "query/similarity/stable_hash.h"

namespace expgraph::similarity {

namespace {

// Longest token sequence a model file may ask for: attention is quadratic in it.
constexpr uint32_t kMaxTokensLimit = 4096;
// Most token rows embed_batch() stacks into one pass (unless one text alone has more). Past it
// the matrices outgrow the cache: on the 2-core test machine, batches of 1,000 headlines ran at
// 559 texts/s with 1,024 rows a pass, 546 with 512, 439 with 2,048 (bench_embed_latency, with
// OpenBLAS's own 2 threads then). It also bounds the memory of a large batch.
constexpr size_t kMaxBatchRows = 1024;

// Fewest token rows (about three headlines, some 15 ms of work) worth a thread of their own in
// embed_batch().
constexpr size_t kMinRowsPerThread = 64;

struct DenseView {
  const float* kernel = nullptr;  // in x out, row-major
  const float* bias = nullptr;    // out
  int in = 0;
  int out = 0;
};

struct NormView {
  const float* scale = nullptr;
  const float* bias = nullptr;
  int width = 0;
};

struct LayerView {
  int width = 0;  // of the layer's input
  int heads = 0;
  float query_scale = 0;
  NormView attention_norm;
  DenseView qkv;
  DenseView attention_output;
  bool has_residual_dense = false;
  DenseView residual_dense;
  NormView ffn_norm;
  DenseView ffn_in;
  DenseView ffn_out;
};

// y[n x out] = x[n x in] kernel + bias.
void apply_dense(const float* x, int n, const DenseView& dense, float* y) {
  for (int row = 0; row < n; ++row) {
    std::copy(dense.bias, dense.bias + dense.out, y + static_cast<size_t>(row) * dense.out);
  }
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, dense.out, dense.in, 1.0f, x, dense.in,
              dense.kernel, dense.out, 1.0f, y, dense.out);
}

// Each row normalised to mean 0 and variance 1 (the biased variance, plus epsilon), then scaled.
void apply_layer_norm(const float* x, int n, const NormView& norm, float epsilon, float* y) {
  for (int row = 0; row < n; ++row) {
    const float* in = x + static_cast<size_t>(row) * norm.width;
    float* out = y + static_cast<size_t>(row) * norm.width;
    double mean = 0;
    for (int d = 0; d < norm.width; ++d) mean += in[d];
    mean /= norm.width;
    double variance = 0;
    for (int d = 0; d < norm.width; ++d) variance += (in[d] - mean) * (in[d] - mean);
    variance /= norm.width;
    const double inverse = 1.0 / std::sqrt(variance + epsilon);
    for (int d = 0; d < norm.width; ++d) {
      out[d] = static_cast<float>(norm.scale[d] * ((in[d] - mean) * inverse) + norm.bias[d]);
    }
  }
}

// out[n x width] = the heads' softmax(scale q k^T) v side by side; qkv is [n x 3 width] with q,
// k and v in that order, head h taking columns [h d, (h + 1) d) of each (d = width / heads).
// One text has no padding, so the graph's padding bias (-1e9 on padded keys) adds nothing.
void apply_attention(const float* qkv, int n, const LayerView& layer, float* out) {
  const int width = layer.width;
  const int head_width = width / layer.heads;
  const int stride = 3 * width;
  std::vector<float> weights(static_cast<size_t>(n) * n);
  for (int head = 0; head < layer.heads; ++head) {
    const float* q = qkv + head * head_width;
    const float* k = qkv + width + head * head_width;
    const float* v = qkv + 2 * width + head * head_width;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, n, head_width, layer.query_scale, q,
                stride, k, stride, 0.0f, weights.data(), n);
    for (int row = 0; row < n; ++row) {
      float* logits = weights.data() + static_cast<size_t>(row) * n;
      const float largest = *std::max_element(logits, logits + n);
      double sum = 0;
      for (int col = 0; col < n; ++col) {
        logits[col] = std::exp(logits[col] - largest);
        sum += logits[col];
      }
      const float inverse = static_cast<float>(1.0 / sum);
      for (int col = 0; col < n; ++col) logits[col] *= inverse;
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, head_width, n, 1.0f, weights.data(),
                n, v, stride, 0.0f, out + head * head_width, width);
  }
}

Status bad_model(const std::string& what) {
  return Status::invalid_argument("sentence encoder file: " + what);
}

}  // namespace

struct SentenceEncoderEmbedder::Weights {
  SentenceEncoderModel model;
  SentencePieceTokenizer tokenizer;
  const float* embeddings = nullptr;  // rows x embedding_width
  int embedding_width = 0;
  const float* timing_inverse_scales = nullptr;  // embedding_width / 2
  std::vector<LayerView> layers;
  int model_width = 0;  // of every layer's output
  DenseView tanh;

  // Points the views at the model's tensors, checking every name and shape.
  Status bind();
  // The embeddings of `texts` (token ids, each text non-empty and at most max_tokens long)
  // into out[texts.size() x tanh.out], computed in one pass over all their tokens.
  void encode(std::span<const std::vector<int32_t>> texts, float* out) const;
};

Status SentenceEncoderEmbedder::Weights::bind() {
  auto find = [&](const std::string& name, std::vector<uint32_t> shape,
                  const float*& out) -> Status {
    auto it = model.tensors.find(name);
    if (it == model.tensors.end()) return bad_model("no tensor \"" + name + "\"");
    if (it->second.shape != shape) {
      std::string expected;
      for (uint32_t d : shape) {
        if (!expected.empty()) expected += 'x';
        expected += std::to_string(d);
      }
      return bad_model("tensor \"" + name + "\" is not " + expected);
    }
    out = it->second.values.data();
    return Status::ok_status();
  };
  auto dims = [&](const std::string& name) -> const std::vector<uint32_t>* {
    auto it = model.tensors.find(name);
    return it == model.tensors.end() ? nullptr : &it->second.shape;
  };
  auto dense = [&](const std::string& name, int in, int out, bool conv, DenseView& view) {
    view.in = in;
    view.out = out;
    const auto u_in = static_cast<uint32_t>(in);
    const auto u_out = static_cast<uint32_t>(out);
    Status status =
        find(name + "/kernel",
             conv ? std::vector<uint32_t>{1, 1, u_in, u_out} : std::vector<uint32_t>{u_in, u_out},
             view.kernel);
    if (!status.ok()) return status;
    return find(name + "/bias", {u_out}, view.bias);
  };
  auto norm = [&](const std::string& name, int width, NormView& view) {
    view.width = width;
    Status status = find(name + "/scale", {static_cast<uint32_t>(width)}, view.scale);
    if (!status.ok()) return status;
    return find(name + "/bias", {static_cast<uint32_t>(width)}, view.bias);
  };

  if (model.max_tokens < 1 || model.max_tokens > kMaxTokensLimit) {
    return bad_model("max_tokens " + std::to_string(model.max_tokens) + " outside 1..4096");
  }
  if (model.layers.empty()) return bad_model("no layer");
  if (!(model.layer_norm_epsilon >= 0) || !(model.normalize_epsilon >= 0)) {
    return bad_model("negative epsilon");
  }
  const std::vector<uint32_t>* embedding_shape = dims("embeddings");
  if (embedding_shape == nullptr || embedding_shape->size() != 2 ||
      (*embedding_shape)[0] < model.pieces.size() || (*embedding_shape)[1] < 2 ||
      (*embedding_shape)[1] % 2 != 0 || (*embedding_shape)[1] > 65536) {
    return bad_model("no tensor \"embeddings\" of one even-sized row per piece");
  }
  embedding_width = static_cast<int>((*embedding_shape)[1]);
  embeddings = model.tensors.find("embeddings")->second.values.data();
  EXPGRAPH_RETURN_IF_ERROR(find("timing_inverse_scales",
                                {1, static_cast<uint32_t>(embedding_width / 2)},
                                timing_inverse_scales));
  const std::vector<uint32_t>* output_shape = dims("layer_0/attention_output/kernel");
  if (output_shape == nullptr || output_shape->size() != 4 || (*output_shape)[3] < 1 ||
      (*output_shape)[3] > 65536) {
    return bad_model("no tensor \"layer_0/attention_output/kernel\" of rank 4");
  }
  model_width = static_cast<int>((*output_shape)[3]);
  int width = embedding_width;
  for (size_t i = 0; i < model.layers.size(); ++i) {
    const std::string prefix = "layer_" + std::to_string(i) + "/";
    LayerView layer;
    layer.width = width;
    layer.heads = static_cast<int>(model.layers[i].heads);
    layer.query_scale = model.layers[i].query_scale;
    if (layer.heads < 1 || width % layer.heads != 0) {
      return bad_model(prefix + "qkv has " + std::to_string(layer.heads) + " heads for width " +
                       std::to_string(width));
    }
    const std::vector<uint32_t>* ffn_shape = dims(prefix + "ffn_in/kernel");
    if (ffn_shape == nullptr || ffn_shape->size() != 2 || (*ffn_shape)[1] < 1 ||
        (*ffn_shape)[1] > 65536) {
      return bad_model("no tensor \"" + prefix + "ffn_in/kernel\" of rank 2");
    }
    const int ffn_width = static_cast<int>((*ffn_shape)[1]);
    EXPGRAPH_RETURN_IF_ERROR(norm(prefix + "attention_norm", width, layer.attention_norm));
    EXPGRAPH_RETURN_IF_ERROR(dense(prefix + "qkv", width, 3 * width, true, layer.qkv));
    EXPGRAPH_RETURN_IF_ERROR(
        dense(prefix + "attention_output", width, model_width, true, layer.attention_output));
    // The residual needs a projection where the width changes (layer 0: 256 -> 512).
    layer.has_residual_dense = width != model_width;
    if (layer.has_residual_dense) {
      EXPGRAPH_RETURN_IF_ERROR(
          dense(prefix + "residual_dense", width, model_width, false, layer.residual_dense));
    }
    EXPGRAPH_RETURN_IF_ERROR(norm(prefix + "ffn_norm", model_width, layer.ffn_norm));
    EXPGRAPH_RETURN_IF_ERROR(dense(prefix + "ffn_in", model_width, ffn_width, false, layer.ffn_in));
    EXPGRAPH_RETURN_IF_ERROR(
        dense(prefix + "ffn_out", ffn_width, model_width, false, layer.ffn_out));
    layers.push_back(layer);
    width = model_width;
  }
  const std::vector<uint32_t>* tanh_shape = dims("tanh/kernel");
  if (tanh_shape == nullptr || tanh_shape->size() != 2 || (*tanh_shape)[1] < 1 ||
      (*tanh_shape)[1] > 65536) {
    return bad_model("no tensor \"tanh/kernel\" of rank 2");
  }
  return dense("tanh", model_width, static_cast<int>((*tanh_shape)[1]), false, tanh);
}

SentenceEncoderEmbedder::SentenceEncoderEmbedder(std::unique_ptr<Weights> weights,
                                                 uint64_t file_hash)
    : weights_(std::move(weights)), file_hash_(file_hash) {}
SentenceEncoderEmbedder::SentenceEncoderEmbedder(SentenceEncoderEmbedder&&) noexcept = default;
SentenceEncoderEmbedder& SentenceEncoderEmbedder::operator=(SentenceEncoderEmbedder&&) noexcept =
    default;
SentenceEncoderEmbedder::~SentenceEncoderEmbedder() = default;

Result<SentenceEncoderEmbedder> SentenceEncoderEmbedder::load(const std::string& path) {
  auto bytes = read_model_file(path, "sentence encoder", "tools/fetch-sentence-encoder");
  if (!bytes.ok()) return bytes.status();
  auto embedder = from_bytes(*bytes);
  if (!embedder.ok()) {
    Status status = embedder.status();
    return status.prepend(path);
  }
  return embedder;
}

Result<SentenceEncoderEmbedder> SentenceEncoderEmbedder::from_bytes(std::string_view bytes) {
  // One OpenBLAS thread per caller, for the whole process (OpenBLAS has no per-call setting, and
  // this embedder is its one user here): with its default of a thread per core, concurrent
  // searches' embeddings competed for one pool, two callers at once embedding 159 texts/s
  // against 327 with a thread each (bench_embed_latency, 2 cores). embed_batch() spreads a
  // large batch over the cores itself.
  openblas_set_num_threads(1);
  auto model = decode_sentence_encoder_model(bytes);
  if (!model.ok()) return model.status();
  auto tokenizer =
      SentencePieceTokenizer::create(model->pieces, model->scores, model->reserved_pieces);
  if (!tokenizer.ok()) return bad_model(tokenizer.status().message());
  auto weights =
      std::unique_ptr<Weights>(new Weights{std::move(model).value(), std::move(tokenizer).value()});
  // The views point into the tensors' buffers, which neither move nor change after this.
  EXPGRAPH_RETURN_IF_ERROR(weights->bind());
  return SentenceEncoderEmbedder(std::move(weights), stable_hash64(bytes));
}

std::string SentenceEncoderEmbedder::id() const {
  char hash[17];
  std::snprintf(hash, sizeof(hash), "%016llx", static_cast<unsigned long long>(file_hash_));
  return "use-lite-v1-" + std::to_string(dimension()) + "-" + hash;
}

int SentenceEncoderEmbedder::dimension() const { return weights_->tanh.out; }

uint32_t SentenceEncoderEmbedder::max_tokens() const { return weights_->model.max_tokens; }

std::vector<int32_t> SentenceEncoderEmbedder::tokenize(std::string_view text) const {
  return weights_->tokenizer.encode(text);
}

Result<std::vector<float>> SentenceEncoderEmbedder::embed(std::string_view text) const {
  return std::move(embed_batch(std::span<const std::string_view>(&text, 1)).front());
}

std::vector<Result<std::vector<float>>> SentenceEncoderEmbedder::embed_batch(
    std::span<const std::string_view> texts) const {
  const Weights& w = *weights_;
  const size_t dimension = static_cast<size_t>(this->dimension());
  // A text without tokens keeps these zeros; nothing here can fail.
  std::vector<Result<std::vector<float>>> vectors(texts.size(),
                                                  std::vector<float>(dimension, 0.0f));
  std::vector<std::vector<int32_t>> tokens;  // of the texts that have tokens, clipped
  std::vector<size_t> owners;                // the index in `texts` of each of them
  size_t rows = 0;
  for (size_t i = 0; i < texts.size(); ++i) {
    std::vector<int32_t> text_tokens = w.tokenizer.encode(texts[i]);
    if (text_tokens.empty()) continue;
    if (text_tokens.size() > w.model.max_tokens) text_tokens.resize(w.model.max_tokens);
    rows += text_tokens.size();
    tokens.push_back(std::move(text_tokens));
    owners.push_back(i);
  }
  // Texts [first, last) of `tokens`, in passes of at most kMaxBatchRows rows (at least one
  // text a pass).
  const auto encode_texts = [&](size_t first, size_t last) {
    std::vector<float> embedded;
    while (first < last) {
      size_t end = first;
      size_t pass_rows = 0;
      while (end < last && (end == first || pass_rows + tokens[end].size() <= kMaxBatchRows)) {
        pass_rows += tokens[end].size();
        ++end;
      }
      const std::span<const std::vector<int32_t>> pass(tokens.data() + first, end - first);
      embedded.resize(pass.size() * dimension);
      w.encode(pass, embedded.data());
      for (size_t t = 0; t < pass.size(); ++t) {
        const float* vector = embedded.data() + t * dimension;
        vectors[owners[first + t]] = std::vector<float>(vector, vector + dimension);
      }
      first = end;
    }
  };
  // OpenBLAS runs one thread per caller (see from_bytes): a large batch is cut into
  // consecutive parts of about equal rows, one per hardware thread, each its own caller.
  const size_t hardware = std::max(1u, std::thread::hardware_concurrency());
  const size_t parts = std::clamp<size_t>(rows / kMinRowsPerThread, 1, hardware);
  std::vector<size_t> bounds{0};
  size_t part_rows = 0;
  for (size_t i = 0; i < tokens.size() && bounds.size() < parts; ++i) {
    part_rows += tokens[i].size();
    if (part_rows * parts >= rows * bounds.size()) bounds.push_back(i + 1);
  }
  if (bounds.back() != tokens.size()) bounds.push_back(tokens.size());
  // A helper's exception (out of memory) is rethrown here, as it would be without helpers,
  // rather than ending the process from another thread.
  std::vector<std::exception_ptr> errors(bounds.size());
  std::vector<std::thread> helpers;
  for (size_t p = 1; p + 1 < bounds.size(); ++p) {
    const auto part = [&, p] {
      try {
        encode_texts(bounds[p], bounds[p + 1]);
      } catch (...) {
        errors[p] = std::current_exception();
      }
    };
    try {
      helpers.emplace_back(part);
    } catch (const std::system_error&) {
      part();  // no thread to be had: this one does it
    }
  }
  try {
    if (bounds.size() > 1) encode_texts(bounds[0], bounds[1]);
  } catch (...) {
    errors[0] = std::current_exception();
  }
  for (std::thread& helper : helpers) helper.join();
  for (const std::exception_ptr& error : errors) {
    if (error) std::rethrow_exception(error);
  }
  return vectors;
}

void SentenceEncoderEmbedder::Weights::encode(std::span<const std::vector<int32_t>> texts,
                                              float* out) const {
  // Text i owns rows [first_row[i], first_row[i + 1]) of every matrix below.
  std::vector<size_t> first_row(texts.size() + 1, 0);
  for (size_t i = 0; i < texts.size(); ++i) first_row[i + 1] = first_row[i] + texts[i].size();
  const size_t rows = first_row.back();
  const int n = static_cast<int>(rows);

  // The input: twice the piece embedding plus the sinusoid timing signal of the token's
  // position in its own text, as the graph has it (embedding + (embedding + timing), in that
  // order of float additions).
  const int half = embedding_width / 2;
  std::vector<float> x(rows * embedding_width);
  for (size_t i = 0; i < texts.size(); ++i) {
    for (size_t t = 0; t < texts[i].size(); ++t) {
      const float* embedding = embeddings + static_cast<size_t>(texts[i][t]) * embedding_width;
      float* row = x.data() + (first_row[i] + t) * embedding_width;
      for (int k = 0; k < half; ++k) {
        const float angle = static_cast<float>(t) * timing_inverse_scales[k];
        row[k] = embedding[k] + (embedding[k] + std::sin(angle));
        row[half + k] = embedding[half + k] + (embedding[half + k] + std::cos(angle));
      }
    }
  }

  // Every dense layer is one product over the rows of all the texts: the weights (20 MB in
  // all) are read once per batch rather than once per text. Only attention mixes rows, and it
  // runs per text over that text's rows alone.
  const size_t width_out = static_cast<size_t>(model_width);
  const float epsilon = model.layer_norm_epsilon;
  std::vector<float> normed;
  std::vector<float> qkv;
  std::vector<float> attended;
  std::vector<float> y(rows * width_out);
  std::vector<float> residual;
  std::vector<float> hidden;
  std::vector<float> next(rows * width_out);
  for (const LayerView& layer : layers) {
    const size_t width = static_cast<size_t>(layer.width);
    normed.resize(rows * width);
    apply_layer_norm(x.data(), n, layer.attention_norm, epsilon, normed.data());
    qkv.resize(rows * 3 * width);
    apply_dense(normed.data(), n, layer.qkv, qkv.data());
    attended.resize(rows * width);
    for (size_t i = 0; i < texts.size(); ++i) {
      apply_attention(qkv.data() + first_row[i] * 3 * width, static_cast<int>(texts[i].size()),
                      layer, attended.data() + first_row[i] * width);
    }
    apply_dense(attended.data(), n, layer.attention_output, y.data());
    if (layer.has_residual_dense) {
      residual.resize(rows * width_out);
      apply_dense(x.data(), n, layer.residual_dense, residual.data());
      for (size_t i = 0; i < y.size(); ++i) y[i] += residual[i];
    } else {
      for (size_t i = 0; i < y.size(); ++i) y[i] += x[i];
    }
    normed.resize(rows * width_out);
    apply_layer_norm(y.data(), n, layer.ffn_norm, epsilon, normed.data());
    hidden.resize(rows * static_cast<size_t>(layer.ffn_in.out));
    apply_dense(normed.data(), n, layer.ffn_in, hidden.data());
    for (float& value : hidden) value = std::max(value, 0.0f);
    apply_dense(hidden.data(), n, layer.ffn_out, next.data());
    for (size_t i = 0; i < next.size(); ++i) next[i] += y[i];
    x.swap(next);
    next.resize(rows * width_out);
  }

  // Per text: the mean over its tokens; then the tanh layer over all the means at once, and
  // each row's L2 normalisation with the graph's epsilon.
  std::vector<float> pooled(texts.size() * width_out);
  for (size_t i = 0; i < texts.size(); ++i) {
    for (size_t d = 0; d < width_out; ++d) {
      double sum = 0;
      for (size_t row = first_row[i]; row < first_row[i + 1]; ++row) sum += x[row * width_out + d];
      pooled[i * width_out + d] = static_cast<float>(sum / static_cast<double>(texts[i].size()));
    }
  }
  apply_dense(pooled.data(), static_cast<int>(texts.size()), tanh, out);
  const size_t dimension = static_cast<size_t>(tanh.out);
  for (size_t i = 0; i < texts.size(); ++i) {
    float* vector = out + i * dimension;
    double squares = 0;
    for (size_t d = 0; d < dimension; ++d) {
      vector[d] = std::tanh(vector[d]);
      squares += static_cast<double>(vector[d]) * vector[d];
    }
    const double inverse = 1.0 / std::sqrt(std::max(squares, double{model.normalize_epsilon}));
    for (size_t d = 0; d < dimension; ++d) vector[d] = static_cast<float>(vector[d] * inverse);
  }
}

}  // namespace expgraph::similarity
