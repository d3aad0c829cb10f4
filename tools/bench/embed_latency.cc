// bench_embed_latency: how long one Embedder::embed() call takes, per embedder, on real text:
// the distinct headlines of the Upworthy Research Archive (the first --texts of them, in file
// order), each embedded once per round after one warm-up round, on one thread. Prints the
// median, 90th percentile and mean per text and the mean number of tokens for the use embedder.
// Then the throughput of Embedder::embed_batch() on the same texts, cut into consecutive
// batches of each --batch-sizes: texts per second of each round (all the texts, after one
// warm-up round), the median over the rounds. Last, embed() called from each --threads
// threads at once, as concurrent search requests do (each thread its share of the texts, one
// at a time): texts per second of each round, the median.
// Usage, from the repository root (the defaults are relative to it):
//   bench_embed_latency [--csv ../shared/data/upworthy/upworthy-packages-2013-2014.csv]
//       [--texts 1000] [--rounds 3] [--word-vectors data/word-vectors/glove-100d.bin]
//       [--sentence-encoder data/sentence-encoder/use-lite.bin] [--batch-sizes 1,8,32,128]
//       [--threads 1,2,4]
// OpenBLAS (the use embedder's matrix products) picks its own thread count; set
// OPENBLAS_NUM_THREADS to compare.
// An embedder whose file is missing is left out with a notice.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "query/similarity/glove_embedder.h"
#include "query/similarity/hashing_embedder.h"
#include "query/similarity/sentence_encoder_embedder.h"
#include "tools/bench/upworthy_rows.h"

namespace {

namespace fs = std::filesystem;
using namespace expgraph;
using namespace expgraph::similarity;

struct Flags {
  std::string csv = "../shared/data/upworthy/upworthy-packages-2013-2014.csv";
  size_t texts = 1000;
  size_t rounds = 3;
  std::string word_vectors = "data/word-vectors/glove-100d.bin";
  std::string sentence_encoder = "data/sentence-encoder/use-lite.bin";
  std::vector<size_t> batch_sizes = {1, 8, 32, 128};
  std::vector<size_t> threads = {1, 2, 4};
};

// "1,8,32" -> {1, 8, 32}; false on anything but positive integers separated by commas.
bool parse_sizes(const std::string& text, std::vector<size_t>& sizes) {
  sizes.clear();
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = std::min(text.find(',', start), text.size());
    const std::string item = text.substr(start, comma - start);
    if (item.empty() || item.find_first_not_of("0123456789") != std::string::npos) return false;
    sizes.push_back(std::stoul(item));
    if (sizes.back() == 0) return false;
    start = comma + 1;
  }
  return !sizes.empty();
}

bool parse(int argc, char** argv, Flags& flags) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i];
    const std::string value = argv[i + 1];
    if (name == "--csv") {
      flags.csv = value;
    } else if (name == "--texts") {
      flags.texts = std::stoul(value);
    } else if (name == "--rounds") {
      flags.rounds = std::stoul(value);
    } else if (name == "--word-vectors") {
      flags.word_vectors = value;
    } else if (name == "--sentence-encoder") {
      flags.sentence_encoder = value;
    } else if (name == "--batch-sizes") {
      if (!parse_sizes(value, flags.batch_sizes)) return false;
    } else if (name == "--threads") {
      if (!parse_sizes(value, flags.threads)) return false;
    } else {
      return false;
    }
  }
  return argc % 2 == 1 && flags.texts > 0 && flags.rounds > 0;
}

double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<size_t>(p * values.size()))];
}

// The median texts per second of `rounds` rounds of `embed_all` (after a warm-up round), which
// embeds `texts` texts and returns false when one failed; nullopt on a failure.
std::optional<double> median_rate(size_t rounds, size_t texts,
                                  const std::function<bool()>& embed_all) {
  std::vector<double> per_second;
  for (size_t round = 0; round <= rounds; ++round) {
    const auto start = std::chrono::steady_clock::now();
    if (!embed_all()) return std::nullopt;
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (round > 0) per_second.push_back(static_cast<double>(texts) / seconds);
  }
  return percentile(per_second, 0.5);
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  if (!parse(argc, argv, flags)) {
    std::fprintf(stderr,
                 "usage: bench_embed_latency [--csv FILE] [--texts N] [--rounds N] "
                 "[--word-vectors FILE] [--sentence-encoder FILE] [--batch-sizes N,N,...] "
                 "[--threads N,N,...]\n");
    return 2;
  }
  std::vector<std::string> texts;
  std::set<std::string> seen;
  const bool read = bench::for_each_upworthy_row(
      flags.csv, {"headline"}, [&](const std::vector<std::string>& fields, const auto& at) {
        const std::string& headline = fields[at[0]];
        if (!headline.empty() && seen.insert(headline).second) texts.push_back(headline);
        return texts.size() < flags.texts;
      });
  if (!read) return 1;

  std::vector<std::pair<std::string, std::unique_ptr<Embedder>>> embedders;
  auto hashing = HashingEmbedder::create({});
  if (hashing.ok()) {
    embedders.emplace_back("hashing",
                           std::make_unique<HashingEmbedder>(std::move(hashing).value()));
  }
  if (fs::exists(flags.word_vectors)) {
    auto glove = GloveEmbedder::load(flags.word_vectors);
    if (!glove.ok()) {
      std::fprintf(stderr, "%s\n", glove.status().to_string().c_str());
      return 1;
    }
    embedders.emplace_back("glove", std::make_unique<GloveEmbedder>(std::move(glove).value()));
  } else {
    std::printf("no word vectors at %s: glove left out\n", flags.word_vectors.c_str());
  }
  double mean_tokens = 0;
  if (fs::exists(flags.sentence_encoder)) {
    auto use = SentenceEncoderEmbedder::load(flags.sentence_encoder);
    if (!use.ok()) {
      std::fprintf(stderr, "%s\n", use.status().to_string().c_str());
      return 1;
    }
    for (const std::string& text : texts) {
      mean_tokens += std::min<double>(use->tokenize(text).size(), use->max_tokens());
    }
    mean_tokens /= texts.size();
    embedders.emplace_back("use",
                           std::make_unique<SentenceEncoderEmbedder>(std::move(use).value()));
  } else {
    std::printf("no sentence encoder at %s: use left out\n", flags.sentence_encoder.c_str());
  }

  std::printf("%zu distinct headlines, %zu rounds after a warm-up; use: %.1f tokens on average\n",
              texts.size(), flags.rounds, mean_tokens);
  std::printf("%-8s %10s %10s %10s\n", "embedder", "median ms", "p90 ms", "mean ms");
  for (const auto& [name, embedder] : embedders) {
    std::vector<double> milliseconds;
    for (size_t round = 0; round <= flags.rounds; ++round) {
      for (const std::string& text : texts) {
        const auto start = std::chrono::steady_clock::now();
        auto vector = embedder->embed(text);
        const double elapsed =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                .count();
        if (!vector.ok()) {
          std::fprintf(stderr, "%s\n", vector.status().to_string().c_str());
          return 1;
        }
        if (round > 0) milliseconds.push_back(elapsed);
      }
    }
    double sum = 0;
    for (double value : milliseconds) sum += value;
    std::printf("%-8s %10.3f %10.3f %10.3f\n", name.c_str(), percentile(milliseconds, 0.5),
                percentile(milliseconds, 0.9), sum / milliseconds.size());
  }

  const std::vector<std::string_view> views(texts.begin(), texts.end());
  std::printf("\nembed_batch: texts per second, median of %zu rounds after a warm-up\n",
              flags.rounds);
  std::printf("%-8s", "embedder");
  for (size_t size : flags.batch_sizes)
    std::printf(" %11s", ("batch " + std::to_string(size)).c_str());
  std::printf("\n");
  for (const auto& [name, embedder] : embedders) {
    std::printf("%-8s", name.c_str());
    for (size_t size : flags.batch_sizes) {
      const auto rate = median_rate(flags.rounds, views.size(), [&] {
        for (size_t first = 0; first < views.size(); first += size) {
          const size_t count = std::min(size, views.size() - first);
          for (const auto& vector : embedder->embed_batch(std::span(views).subspan(first, count))) {
            if (!vector.ok()) {
              std::fprintf(stderr, "%s\n", vector.status().to_string().c_str());
              return false;
            }
          }
        }
        return true;
      });
      if (!rate) return 1;
      std::printf(" %11.0f", *rate);
    }
    std::printf("\n");
  }

  std::printf("\nembed from several threads at once: texts per second, median of %zu rounds "
              "after a warm-up\n", flags.rounds);
  std::printf("%-8s", "embedder");
  for (size_t count : flags.threads)
    std::printf(" %11s", (std::to_string(count) + " threads").c_str());
  std::printf("\n");
  for (const auto& [name, embedder] : embedders) {
    std::printf("%-8s", name.c_str());
    for (size_t count : flags.threads) {
      const auto rate = median_rate(flags.rounds, texts.size(), [&] {
        std::atomic<bool> failed = false;
        std::vector<std::thread> workers;
        for (size_t t = 0; t < count; ++t) {
          workers.emplace_back([&, t] {
            for (size_t i = t; i < texts.size(); i += count) {
              if (!embedder->embed(texts[i]).ok()) failed = true;
            }
          });
        }
        for (std::thread& worker : workers) worker.join();
        if (failed) std::fprintf(stderr, "%s: an embedding failed\n", name.c_str());
        return !failed;
      });
      if (!rate) return 1;
      std::printf(" %11.0f", *rate);
    }
    std::printf("\n");
  }
  return 0;
}
