// bench_upworthy_retrieval: retrieval quality of similarity search on real headlines. In the
// Upworthy Research Archive, the headlines of one A/B test (same clickability_test_id) are
// rewrites of one story. Every distinct (test, headline) is written as a Learning into a
// temporary graph; for a seeded sample of headlines from tests with two or more, the query is
// the headline itself and we measure recall@10 of the test's other headlines (the query's own
// node excluded), through SimilarityIndex::search exactly as POST /v1/search runs it: lexical
// (BM25), vector and hybrid (vector + BM25 by reciprocal-rank fusion), for each embedder.
// Usage, from the repository root (the defaults are relative to it):
//   bench_upworthy_retrieval [--csv ../shared/data/upworthy/upworthy-packages-2013-2014.csv]
//       [--word-vectors data/word-vectors/glove-100d.bin] [--ontology ontology/marketing.json]
//       [--queries 2000] [--seed 1]
// The glove rows are left out (with a notice) when the word-vector file is missing.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "graph/graph_store.h"
#include "ontology/ontology.h"
#include "query/similarity/similarity_index.h"

namespace {

namespace fs = std::filesystem;
using namespace expgraph;
using namespace expgraph::similarity;

struct Flags {
  // Relative to the repository root, where it is meant to be run from.
  std::string csv = "../shared/data/upworthy/upworthy-packages-2013-2014.csv";
  std::string word_vectors = "data/word-vectors/glove-100d.bin";
  std::string ontology = "ontology/marketing.json";
  size_t queries = 2000;
  uint64_t seed = 1;
};

bool parse(int argc, char** argv, Flags& flags) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i];
    const std::string value = argv[i + 1];
    if (name == "--csv") {
      flags.csv = value;
    } else if (name == "--word-vectors") {
      flags.word_vectors = value;
    } else if (name == "--ontology") {
      flags.ontology = value;
    } else if (name == "--queries") {
      flags.queries = std::stoul(value);
    } else if (name == "--seed") {
      flags.seed = std::stoull(value);
    } else {
      return false;
    }
  }
  return argc % 2 == 1;
}

// RFC 4180 records: quoted fields may hold commas, doubled quotes and newlines.
std::vector<std::vector<std::string>> read_csv(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream buffer;
  buffer << file.rdbuf();
  const std::string text = buffer.str();
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field.push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      record.push_back(std::move(field));
      field.clear();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      record.push_back(std::move(field));
      field.clear();
      records.push_back(std::move(record));
      record.clear();
    } else {
      field.push_back(c);
    }
  }
  if (!field.empty() || !record.empty()) {
    record.push_back(std::move(field));
    records.push_back(std::move(record));
  }
  return records;
}

struct Document {
  std::string key;
  std::string test;
  std::string headline;
};

struct Config {
  std::string name;
  EmbedderKind embedder;
  SearchMode mode;
};

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  if (!parse(argc, argv, flags)) {
    std::fprintf(stderr,
                 "usage: bench_upworthy_retrieval [--csv FILE] [--word-vectors FILE] "
                 "[--ontology FILE] [--queries N] [--seed N]\n");
    return 2;
  }
  const auto records = read_csv(flags.csv);
  if (records.size() < 2) {
    std::fprintf(stderr, "cannot read %s\n", flags.csv.c_str());
    return 1;
  }
  const auto& header = records[0];
  const auto column = [&](const std::string& name) {
    return static_cast<size_t>(std::find(header.begin(), header.end(), name) - header.begin());
  };
  const size_t test_column = column("clickability_test_id");
  const size_t headline_column = column("headline");
  if (test_column >= header.size() || headline_column >= header.size()) {
    std::fprintf(stderr, "%s has no clickability_test_id/headline column\n", flags.csv.c_str());
    return 1;
  }

  // Distinct headlines per test, in file order.
  std::vector<Document> documents;
  std::map<std::string, std::vector<size_t>> by_test;
  std::set<std::pair<std::string, std::string>> seen;
  for (size_t r = 1; r < records.size(); ++r) {
    const auto& record = records[r];
    if (record.size() != header.size()) continue;
    const std::string& test = record[test_column];
    const std::string& headline = record[headline_column];
    if (test.empty() || headline.empty() || !seen.insert({test, headline}).second) continue;
    by_test[test].push_back(documents.size());
    documents.push_back({"H" + std::to_string(documents.size()), test, headline});
  }
  std::vector<size_t> candidates;  // headlines whose test has another one
  for (const auto& [test, members] : by_test) {
    if (members.size() >= 2) candidates.insert(candidates.end(), members.begin(), members.end());
  }
  std::mt19937_64 random(flags.seed);
  std::shuffle(candidates.begin(), candidates.end(), random);
  if (candidates.size() > flags.queries) candidates.resize(flags.queries);
  std::printf("%zu distinct headlines in %zu tests; %zu queries (seed %llu)\n", documents.size(),
              by_test.size(), candidates.size(), static_cast<unsigned long long>(flags.seed));

  const fs::path directory =
      fs::temp_directory_path() / ("expgraph_upworthy_retrieval" + std::to_string(getpid()));
  fs::remove_all(directory);
  auto ontology = Ontology::load_file(flags.ontology);
  if (!ontology.ok()) {
    std::fprintf(stderr, "%s\n", ontology.status().to_string().c_str());
    return 1;
  }
  auto graph =
      GraphStore::open(directory.string(), std::make_shared<Ontology>(std::move(ontology).value()));
  if (!graph.ok()) {
    std::fprintf(stderr, "%s\n", graph.status().to_string().c_str());
    return 1;
  }
  // Written before any index is open; each SimilarityIndex::open embeds them all.
  for (size_t start = 0; start < documents.size(); start += 1000) {
    WriteRequest request;
    for (size_t i = start; i < std::min(documents.size(), start + 1000); ++i) {
      request.nodes.push_back({"Learning",
                               documents[i].key,
                               {{"text", documents[i].headline}, {"outcome", "inconclusive"}}});
    }
    auto written = (*graph)->write(request);
    if (!written.ok()) {
      std::fprintf(stderr, "%s\n", written.status().to_string().c_str());
      return 1;
    }
  }
  std::map<std::string, size_t> index_of;
  for (size_t i = 0; i < documents.size(); ++i) index_of[documents[i].key] = i;

  std::vector<Config> configs = {{"lexical (BM25)", EmbedderKind::kHashing, SearchMode::kLexical},
                                 {"vector hashing", EmbedderKind::kHashing, SearchMode::kVector},
                                 {"hybrid hashing", EmbedderKind::kHashing, SearchMode::kHybrid}};
  if (fs::exists(flags.word_vectors)) {
    configs.push_back({"vector glove", EmbedderKind::kGlove, SearchMode::kVector});
    configs.push_back({"hybrid glove", EmbedderKind::kGlove, SearchMode::kHybrid});
  } else {
    std::printf("no word vectors at %s: glove rows left out (tools/fetch-word-vectors)\n",
                flags.word_vectors.c_str());
  }

  std::printf("%-16s %10s %10s %14s\n", "mode", "recall@10", "hit@10", "median query ms");
  std::unique_ptr<SimilarityIndex> index;
  EmbedderKind open_kind = EmbedderKind::kClient;
  for (const Config& config : configs) {
    if (!index || open_kind != config.embedder) {
      index.reset();
      SimilarityIndexOptions options;
      options.embedder = config.embedder;
      options.word_vectors_path = flags.word_vectors;
      auto opened = SimilarityIndex::open(**graph, options);
      if (!opened.ok()) {
        std::fprintf(stderr, "%s\n", opened.status().to_string().c_str());
        return 1;
      }
      index = std::move(opened).value();
      open_kind = config.embedder;
    }
    double recall_sum = 0;
    size_t any_hit = 0;
    std::vector<double> milliseconds;
    for (size_t query : candidates) {
      const Document& document = documents[query];
      SearchRequest request;
      request.text = document.headline;
      request.types = {"Learning"};
      request.k = 11;  // the query's own node is usually among them
      request.mode = config.mode;
      const auto start = std::chrono::steady_clock::now();
      auto hits = index->search(request);
      milliseconds.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count());
      if (!hits.ok()) {
        std::fprintf(stderr, "%s\n", hits.status().to_string().c_str());
        return 1;
      }
      size_t found = 0;
      size_t ranked = 0;
      for (const SearchHit& hit : *hits) {
        const size_t i = index_of.at(hit.node.key);
        if (i == query) continue;
        if (++ranked > 10) break;
        if (documents[i].test == document.test) ++found;
      }
      const size_t relevant = by_test[document.test].size() - 1;
      recall_sum +=
          static_cast<double>(found) / static_cast<double>(std::min<size_t>(relevant, 10));
      if (found > 0) ++any_hit;
    }
    std::sort(milliseconds.begin(), milliseconds.end());
    std::printf("%-16s %10.3f %10.3f %14.2f\n", config.name.c_str(),
                recall_sum / static_cast<double>(candidates.size()),
                static_cast<double>(any_hit) / static_cast<double>(candidates.size()),
                milliseconds[milliseconds.size() / 2]);
  }
  index.reset();
  graph->reset();
  fs::remove_all(directory);
  return 0;
}
