// bench_upworthy_retrieval: retrieval quality of similarity search on real headlines, through
// SimilarityIndex::search exactly as POST /v1/search runs it: lexical (BM25), vector and hybrid
// (vector + BM25 by reciprocal-rank fusion), for each embedder. Every distinct (test, headline)
// of the Upworthy Research Archive is written as a Learning into a temporary graph. Two tasks:
// - same story (issue 4's measure): tests that show the same image (eyecatcher_id) tell the
//   same story. The query is a test's winning headline (winner = TRUE, else its best
//   click-through rate); recall@10 counts the other tests of that story among the first ten
//   distinct tests returned (hits from the query's own test are skipped).
// - same test: the headlines of one test are rewrites of one story; the query is one headline
//   (seeded sample) and recall@10 counts the test's other headlines (its own node excluded).
// - relevance floor (issue 19): the same-story queries and --random-queries queries of 3 to 6
//   words drawn at random from the headlines' vocabulary (stopwords left out), each split in
//   two halves by the seed. On the first halves the similarity scale and floor are chosen by
//   replaying the unfloored rankings: the single-word discount, each embedder's cosine
//   calibration and the floor (0.01 steps) that lose the least same-story recall@10 against
//   no floor while at least --min-nothing of the random queries find nothing (discount and
//   floor on hybrid hashing, then each other embedder's calibration on its hybrid
//   configuration). On the second halves the choice is replayed once, and the product's scale
//   (similarity_scale.h) is run for real in every mode at its default floor (or --floor F):
//   recall@10 without and with the floor, and the share of random queries that find nothing.
//   --floor-only 1 runs the floor study alone (no same-story and same-test tables).
// Usage, from the repository root (the defaults are relative to it):
//   bench_upworthy_retrieval [--csv ../shared/data/upworthy/upworthy-packages-2013-2014.csv]
//       [--word-vectors data/word-vectors/glove-100d.bin] [--ontology ontology/marketing.json]
//       [--sentence-encoder data/sentence-encoder/use-lite.bin]
//       [--queries 2000] [--seed 1] [--random-queries 1000] [--min-nothing 0.90]
//       [--floor F] [--floor-only 1]
// The glove rows are left out (with a notice) when the word-vector file is missing, the use rows
// when the sentence encoder file is (tools/fetch-word-vectors, tools/fetch-sentence-encoder).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "graph/graph_store.h"
#include "ontology/ontology.h"
#include "query/similarity/similarity_index.h"
#include "query/similarity/text_normalizer.h"
#include "tools/bench/upworthy_rows.h"

namespace {

namespace fs = std::filesystem;
using namespace expgraph;
using namespace expgraph::similarity;

struct Flags {
  // Relative to the repository root, where it is meant to be run from.
  std::string csv = "../shared/data/upworthy/upworthy-packages-2013-2014.csv";
  std::string word_vectors = "data/word-vectors/glove-100d.bin";
  std::string sentence_encoder = "data/sentence-encoder/use-lite.bin";
  std::string ontology = "ontology/marketing.json";
  size_t queries = 2000;
  uint64_t seed = 1;
  size_t random_queries = 1000;
  double min_nothing = 0.90;  // a margin over the 0.80 for the unseen half
  std::optional<double> floor;
  bool floor_only = false;
};

bool parse(int argc, char** argv, Flags& flags) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i];
    const std::string value = argv[i + 1];
    if (name == "--csv") {
      flags.csv = value;
    } else if (name == "--word-vectors") {
      flags.word_vectors = value;
    } else if (name == "--sentence-encoder") {
      flags.sentence_encoder = value;
    } else if (name == "--ontology") {
      flags.ontology = value;
    } else if (name == "--queries") {
      flags.queries = std::stoul(value);
    } else if (name == "--seed") {
      flags.seed = std::stoull(value);
    } else if (name == "--random-queries") {
      flags.random_queries = std::stoul(value);
    } else if (name == "--min-nothing") {
      flags.min_nothing = std::stod(value);
    } else if (name == "--floor") {
      flags.floor = std::stod(value);
    } else if (name == "--floor-only") {
      flags.floor_only = value == "1";
    } else {
      return false;
    }
  }
  return argc % 2 == 1;
}

struct Document {
  std::string key;
  std::string test;
  std::string headline;
};

// What the same-story task needs of a test: its stories (images) and its winning headline.
struct TestFacts {
  std::set<std::string> images;
  std::string winner;  // the headline flagged winner, else the best click-through rate
  bool flagged = false;
  double best_ctr = -1;
};

// One row of each task's table.
struct Score {
  double recall_sum = 0;
  size_t any_hit = 0;
  std::vector<double> milliseconds;
};

void print_score(const std::string& name, const Score& score, size_t queries) {
  std::vector<double> sorted = score.milliseconds;
  std::sort(sorted.begin(), sorted.end());
  std::printf("%-16s %10.3f %10.3f %14.2f\n", name.c_str(),
              score.recall_sum / static_cast<double>(queries),
              static_cast<double>(score.any_hit) / static_cast<double>(queries),
              sorted.empty() ? 0.0 : sorted[sorted.size() / 2]);
}

struct Config {
  std::string name;
  EmbedderKind embedder;
  SearchMode mode;
};

// One ranked hit of a same-story query, as the floor study replays it: its test and the
// components every scale is computed from (the shared-word counts included).
struct StoryHit {
  std::string test;
  double similarity = 0;
  SimilarityComponents components;
};

// recall@10 of one same-story query from its ranked hits, keeping those whose similarity
// (`similarity_of(hit)`) is at or above `floor`.
template <typename SimilarityOf>
double story_recall(const std::vector<StoryHit>& hits, const std::string& test,
                    const std::set<std::string>& others, double floor,
                    const SimilarityOf& similarity_of) {
  std::set<std::string> ranked_tests;
  size_t found = 0;
  for (const StoryHit& hit : hits) {
    if (similarity_of(hit) < floor) continue;
    if (hit.test == test || ranked_tests.contains(hit.test)) continue;
    if (ranked_tests.size() == 10) break;
    ranked_tests.insert(hit.test);
    if (others.contains(hit.test)) ++found;
  }
  return static_cast<double>(found) / static_cast<double>(std::min<size_t>(others.size(), 10));
}

double story_recall(const std::vector<StoryHit>& hits, const std::string& test,
                    const std::set<std::string>& others, double floor) {
  return story_recall(hits, test, others, floor, [](const StoryHit& hit) {
    return hit.similarity;
  });
}

// Queries of 3 to 6 distinct words drawn uniformly from `vocabulary`.
std::vector<std::string> random_word_queries(const std::vector<std::string>& vocabulary,
                                             size_t count, std::mt19937_64& random) {
  std::vector<std::string> queries;
  if (vocabulary.empty()) return queries;
  std::uniform_int_distribution<size_t> length(3, 6);
  std::uniform_int_distribution<size_t> word(0, vocabulary.size() - 1);
  for (size_t q = 0; q < count; ++q) {
    std::set<size_t> chosen;
    const size_t n = length(random);
    while (chosen.size() < n) chosen.insert(word(random));
    std::string text;
    for (size_t w : chosen) text += (text.empty() ? "" : " ") + vocabulary[w];
    queries.push_back(std::move(text));
  }
  return queries;
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress shows when redirected to a file
  Flags flags;
  if (!parse(argc, argv, flags)) {
    std::fprintf(stderr,
                 "usage: bench_upworthy_retrieval [--csv FILE] [--word-vectors FILE] "
                 "[--sentence-encoder FILE] [--ontology FILE] [--queries N] [--seed N]\n");
    return 2;
  }
  // Distinct headlines per test, in file order; each test's images and winning headline.
  std::vector<Document> documents;
  std::map<std::string, std::vector<size_t>> by_test;
  std::map<std::string, TestFacts> tests;
  std::set<std::pair<std::string, std::string>> seen;
  const bool read = bench::for_each_upworthy_row(
      flags.csv,
      {"clickability_test_id", "headline", "eyecatcher_id", "impressions", "clicks", "winner"},
      [&](const std::vector<std::string>& fields, const std::vector<size_t>& at) {
        const std::string& test = fields[at[0]];
        const std::string& headline = fields[at[1]];
        const std::string& image = fields[at[2]];
        if (test.empty() || headline.empty()) return true;
        TestFacts& facts = tests[test];
        if (!image.empty()) facts.images.insert(image);
        double impressions = std::atof(fields[at[3]].c_str());
        double ctr = impressions > 0 ? std::atof(fields[at[4]].c_str()) / impressions : 0;
        if (fields[at[5]] == "TRUE" && !facts.flagged) {
          facts.flagged = true;
          facts.winner = headline;
        } else if (!facts.flagged && ctr > facts.best_ctr) {
          facts.best_ctr = ctr;
          facts.winner = headline;
        }
        if (seen.insert({test, headline}).second) {
          by_test[test].push_back(documents.size());
          std::string id = "H";  // appended, not "H" + ...: GCC 12 warns falsely (-Wrestrict)
          id += std::to_string(documents.size());
          documents.push_back({std::move(id), test, headline});
        }
        return true;
      });
  if (!read) return 1;
  // Same story: tests that share an image with at least one other test.
  std::map<std::string, std::set<std::string>> tests_of_image;
  for (const auto& [test, facts] : tests) {
    for (const std::string& image : facts.images) tests_of_image[image].insert(test);
  }
  std::map<std::string, std::set<std::string>> same_story;  // test -> the other tests
  for (const auto& [image, members] : tests_of_image) {
    for (const std::string& test : members) {
      for (const std::string& other : members) {
        if (other != test) same_story[test].insert(other);
      }
    }
  }
  std::vector<size_t> candidates;  // headlines whose test has another one
  for (const auto& [test, members] : by_test) {
    if (members.size() >= 2) candidates.insert(candidates.end(), members.begin(), members.end());
  }
  std::mt19937_64 random(flags.seed);
  std::shuffle(candidates.begin(), candidates.end(), random);
  if (candidates.size() > flags.queries) candidates.resize(flags.queries);
  std::printf(
      "%zu distinct headlines in %zu tests; same story: %zu tests share an image with "
      "another; same test: %zu queries (seed %llu)\n",
      documents.size(), by_test.size(), same_story.size(), candidates.size(),
      static_cast<unsigned long long>(flags.seed));

  // The floor study's queries, each list split in halves: [0, half) chooses, the rest reports.
  std::set<std::string> words;
  for (const Document& document : documents) {
    for (std::string& token : tokenize(document.headline, {.remove_stopwords = true})) {
      if (token.size() >= 3 && !is_stopword(token)) words.insert(std::move(token));
    }
  }
  const std::vector<std::string> vocabulary(words.begin(), words.end());
  std::mt19937_64 study_random(flags.seed + 1);
  const std::vector<std::string> random_queries =
      random_word_queries(vocabulary, flags.random_queries, study_random);
  std::vector<std::string> story_tests;
  for (const auto& [test, others] : same_story) story_tests.push_back(test);
  std::shuffle(story_tests.begin(), story_tests.end(), study_random);
  const size_t story_half = story_tests.size() / 2;
  const size_t random_half = random_queries.size() / 2;

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
  // The vector and hybrid rows of an embedder whose model file may be missing.
  const auto add_model_rows = [&](const char* name, EmbedderKind kind, const std::string& path,
                                  const char* what, const char* fetch_tool) {
    if (!fs::exists(path)) {
      std::printf("no %s at %s: %s rows left out (%s)\n", what, path.c_str(), name, fetch_tool);
      return;
    }
    configs.push_back({std::string("vector ") + name, kind, SearchMode::kVector});
    configs.push_back({std::string("hybrid ") + name, kind, SearchMode::kHybrid});
  };
  add_model_rows("glove", EmbedderKind::kGlove, flags.word_vectors, "word vectors",
                 "tools/fetch-word-vectors");
  add_model_rows("use", EmbedderKind::kSentenceEncoder, flags.sentence_encoder,
                 "sentence encoder", "tools/fetch-sentence-encoder");

  // A search as POST /v1/search runs it, timed into `score`; null on error (printed).
  const auto search = [](SimilarityIndex& index, const std::string& text, SearchMode mode, size_t k,
                         Score& score) -> std::optional<std::vector<SearchHit>> {
    SearchRequest request;
    request.text = text;
    request.types = {"Learning"};
    request.k = k;
    request.mode = mode;
    const auto start = std::chrono::steady_clock::now();
    auto hits = index.search(request);
    score.milliseconds.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
            .count());
    if (!hits.ok()) {
      std::fprintf(stderr, "%s\n", hits.status().to_string().c_str());
      return std::nullopt;
    }
    return std::move(hits).value();
  };

  std::vector<Score> story_scores(configs.size()), test_scores(configs.size());
  // Floor study, per config: the unfloored hits of each same-story query (in story_tests
  // order), the closest similarity of each random query, and the reporting half run floored.
  std::vector<std::vector<std::vector<StoryHit>>> story_hits(configs.size());
  std::vector<std::vector<double>> random_closest(configs.size());
  // The components of each random query's hits, for the candidate scales.
  std::vector<std::vector<std::vector<SimilarityComponents>>> random_hits(configs.size());
  const auto study = [&](SimilarityIndex& index, SearchMode mode, const std::string& text, size_t k,
                         std::optional<double> floor) -> std::optional<SearchOutcome> {
    SearchRequest request;
    request.text = text;
    request.types = {"Learning"};
    request.k = k;
    request.mode = mode;
    request.min_similarity = floor;
    auto outcome = index.search_with_floor(request);
    if (!outcome.ok()) {
      std::fprintf(stderr, "%s\n", outcome.status().to_string().c_str());
      return std::nullopt;
    }
    return std::move(outcome).value();
  };
  std::unique_ptr<SimilarityIndex> index;
  EmbedderKind open_kind = EmbedderKind::kClient;
  // Opens the index of `kind` unless it is the one open; false (printed) on error.
  const auto use_embedder = [&](EmbedderKind kind) {
    if (index && open_kind == kind) return true;
    index.reset();
    SimilarityIndexOptions options;
    options.embedder = kind;
    options.word_vectors_path = flags.word_vectors;
    options.sentence_encoder_path = flags.sentence_encoder;
    auto opened = SimilarityIndex::open(**graph, options);
    if (!opened.ok()) {
      std::fprintf(stderr, "%s\n", opened.status().to_string().c_str());
      return false;
    }
    index = std::move(opened).value();
    open_kind = kind;
    return true;
  };
  for (size_t c = 0; c < configs.size(); ++c) {
    const Config& config = configs[c];
    if (!use_embedder(config.embedder)) return 1;
    for (const auto& [test, others] : same_story) {
      if (flags.floor_only) break;
      // Deep enough to see ten other tests behind the query test's own headlines.
      auto hits = search(*index, tests[test].winner, config.mode, 40, story_scores[c]);
      if (!hits) return 1;
      std::set<std::string> ranked_tests;
      size_t found = 0;
      for (const SearchHit& hit : *hits) {
        const std::string& hit_test = documents[index_of.at(hit.node.key)].test;
        if (hit_test == test || ranked_tests.contains(hit_test)) continue;
        if (ranked_tests.size() == 10) break;
        ranked_tests.insert(hit_test);
        if (others.contains(hit_test)) ++found;
      }
      story_scores[c].recall_sum +=
          static_cast<double>(found) / static_cast<double>(std::min<size_t>(others.size(), 10));
      if (found > 0) ++story_scores[c].any_hit;
    }
    // The choosing halves are replayed for the hybrid configurations only (they choose the
    // scale); the other modes need just their reporting halves' unfloored ranking.
    const bool chooses = config.mode == SearchMode::kHybrid;
    for (size_t q = 0; q < story_tests.size(); ++q) {
      std::vector<StoryHit>& replay = story_hits[c].emplace_back();
      if (q < story_half && !chooses) continue;
      const std::string& test = story_tests[q];
      // min_similarity 0: ranked as deep as with any floor, nothing held back.
      auto outcome = study(*index, config.mode, tests[test].winner, 40, 0.0);
      if (!outcome) return 1;
      for (const SearchHit& hit : outcome->hits) {
        replay.push_back({documents[index_of.at(hit.node.key)].test, hit.similarity,
                          hit.components});
      }
    }
    for (size_t q = 0; q < random_queries.size(); ++q) {
      std::vector<SimilarityComponents>& seen = random_hits[c].emplace_back();
      if (q < random_half && !chooses) {
        random_closest[c].push_back(0.0);
        continue;
      }
      // As deep as the floored search looks for ten hits (twice k), so that the closest
      // similarity seen is the one the floor decides on.
      auto outcome = study(*index, config.mode, random_queries[q], 20, 0.0);
      if (!outcome) return 1;
      random_closest[c].push_back(outcome->closest_similarity.value_or(0.0));
      for (const SearchHit& hit : outcome->hits) seen.push_back(hit.components);
    }
    for (size_t query : candidates) {
      if (flags.floor_only) break;
      const Document& document = documents[query];
      // The query's own node is usually among the first eleven.
      auto hits = search(*index, document.headline, config.mode, 11, test_scores[c]);
      if (!hits) return 1;
      size_t found = 0;
      size_t ranked = 0;
      for (const SearchHit& hit : *hits) {
        const size_t i = index_of.at(hit.node.key);
        if (i == query) continue;
        if (++ranked > 10) break;
        if (documents[i].test == document.test) ++found;
      }
      const size_t relevant = by_test[document.test].size() - 1;
      test_scores[c].recall_sum +=
          static_cast<double>(found) / static_cast<double>(std::min<size_t>(relevant, 10));
      if (found > 0) ++test_scores[c].any_hit;
    }
  }
  if (!flags.floor_only) {
    std::printf(
        "\nsame story (%zu queries: a test's winning headline; relevant: the other tests "
        "showing the same image)\n",
        same_story.size());
    std::printf("%-16s %10s %10s %14s\n", "mode", "recall@10", "hit@10", "median query ms");
    for (size_t c = 0; c < configs.size(); ++c) {
      print_score(configs[c].name, story_scores[c], same_story.size());
    }
    std::printf("\nsame test (%zu queries: one headline; relevant: the test's other headlines)\n",
                candidates.size());
    std::printf("%-16s %10s %10s %14s\n", "mode", "recall@10", "hit@10", "median query ms");
    for (size_t c = 0; c < configs.size(); ++c) {
      print_score(configs[c].name, test_scores[c], candidates.size());
    }
  }

  // The similarity scale and floor, chosen on the first halves. A candidate is a scale
  // (the single-word discount, and each embedder's cosine calibration) with a floor; it
  // qualifies when at least --min-nothing of the random queries find nothing, and the one that
  // loses the least same-story recall@10 against no floor wins (ties: more "nothing similar",
  // then the lower floor). The discount and the floor are chosen on hybrid hashing; each other
  // embedder's calibration is then chosen the same way on its hybrid configuration, with that
  // discount and floor (one floor, the same meaning in every mode).
  const auto half_recall = [&](size_t c, size_t from, size_t to, double floor) {
    double sum = 0;
    for (size_t q = from; q < to; ++q) {
      sum += story_recall(story_hits[c][q], story_tests[q], same_story.at(story_tests[q]), floor);
    }
    return to > from ? sum / static_cast<double>(to - from) : 0.0;
  };
  const auto nothing_share = [&](size_t c, size_t from, size_t to, double floor) {
    size_t nothing = 0;
    for (size_t q = from; q < to; ++q) nothing += random_closest[c][q] < floor ? 1 : 0;
    return to > from ? static_cast<double>(nothing) / static_cast<double>(to - from) : 0.0;
  };
  const auto scale_recall = [&](size_t c, const SimilarityScale& scale, size_t from, size_t to,
                                double floor) {
    double sum = 0;
    for (size_t q = from; q < to; ++q) {
      sum += story_recall(story_hits[c][q], story_tests[q], same_story.at(story_tests[q]), floor,
                          [&scale](const StoryHit& hit) {
                            return combined_similarity(hit.components, scale);
                          });
    }
    return to > from ? sum / static_cast<double>(to - from) : 0.0;
  };
  const auto scale_nothing = [&](size_t c, const SimilarityScale& scale, size_t from, size_t to,
                                 double floor) {
    size_t nothing = 0;
    for (size_t q = from; q < to; ++q) {
      double closest = 0;
      for (const SimilarityComponents& hit : random_hits[c][q]) {
        closest = std::max(closest, combined_similarity(hit, scale));
      }
      nothing += closest < floor ? 1 : 0;
    }
    return to > from ? static_cast<double>(nothing) / static_cast<double>(to - from) : 0.0;
  };
  struct Choice {
    SimilarityScale scale;
    double floor = 0;
    double loss = 2;  // recall@10 lost against no floor, choosing half
    double nothing = -1;
  };
  const auto better_choice = [](const Choice& a, const Choice& b) {
    if (a.loss != b.loss) return a.loss < b.loss - 1e-12;
    if (a.nothing != b.nothing) return a.nothing > b.nothing;
    return a.floor < b.floor;
  };
  std::printf(
      "\nrelevance floor: %zu same-story and %zu random-word queries (3-6 words of %zu), "
      "halves of %zu and %zu choose; a scale qualifies with >= %.2f random queries finding "
      "nothing\n",
      story_tests.size(), random_queries.size(), vocabulary.size(), story_half, random_half,
      flags.min_nothing);
  const std::vector<double> floors = [] {
    std::vector<double> steps;
    for (int step = 0; step <= 60; ++step) steps.push_back(step / 100.0);
    return steps;
  }();
  // Hybrid hashing: the discount, hashing's calibration and the floor.
  const size_t chooser = 2;
  const double unfloored = half_recall(chooser, 0, story_half, 0.0);
  std::printf("%-16s %8s %7s %6s %14s %16s\n", "choosing half", "1 word x", "cos off", "floor",
              "recall loss", "random: nothing");
  Choice chosen;
  for (double factor : {1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4}) {
    for (double offset : {0.0, 0.1, 0.2, 0.3}) {
      Choice best;  // for this scale
      for (double floor : floors) {
        const SimilarityScale scale{.cosine_offset = offset, .single_word_factor = factor};
        const double nothing = scale_nothing(chooser, scale, 0, random_half, floor);
        if (nothing < flags.min_nothing) continue;
        Choice candidate{scale, floor, unfloored - scale_recall(chooser, scale, 0, story_half,
                                                                floor),
                         nothing};
        if (better_choice(candidate, best)) best = candidate;
      }
      if (best.nothing < 0) {
        std::printf("%-16s %8.1f %7.2f %6s\n", configs[chooser].name.c_str(), factor, offset,
                    "none");
        continue;
      }
      std::printf("%-16s %8.1f %7.2f %6.2f %14.3f %16.3f\n", configs[chooser].name.c_str(), factor,
                  offset, best.floor, best.loss, best.nothing);
      if (better_choice(best, chosen)) chosen = best;
    }
  }
  if (chosen.nothing < 0) {
    std::printf("no scale qualifies on the choosing half\n");
    return 1;
  }
  std::printf("chosen on hybrid hashing: 1 word x%.1f, cosine offset %.2f, floor %.2f (recall "
              "loss %.3f, nothing %.3f)\n",
              chosen.scale.single_word_factor, chosen.scale.cosine_offset, chosen.floor,
              chosen.loss, chosen.nothing);
  // Each other embedder's calibration, on its hybrid configuration, with that discount and floor.
  std::map<EmbedderKind, double> offsets{{EmbedderKind::kHashing, chosen.scale.cosine_offset}};
  for (size_t c = 0; c < configs.size(); ++c) {
    if (configs[c].mode != SearchMode::kHybrid || configs[c].embedder == EmbedderKind::kHashing) {
      continue;
    }
    const double baseline = half_recall(c, 0, story_half, 0.0);
    Choice best;
    for (int step = 0; step <= 60; step += 5) {
      SimilarityScale scale = chosen.scale;
      scale.cosine_offset = step / 100.0;
      const double nothing = scale_nothing(c, scale, 0, random_half, chosen.floor);
      const double loss = baseline - scale_recall(c, scale, 0, story_half, chosen.floor);
      std::printf("%-16s %8.1f %7.2f %6.2f %14.3f %16.3f\n", configs[c].name.c_str(),
                  scale.single_word_factor, scale.cosine_offset, chosen.floor, loss, nothing);
      if (nothing < flags.min_nothing) continue;
      Choice candidate{scale, chosen.floor, loss, nothing};
      if (better_choice(candidate, best)) best = candidate;
    }
    if (best.nothing < 0) {
      std::printf("%s: no calibration qualifies at floor %.2f\n", configs[c].name.c_str(),
                  chosen.floor);
    } else {
      offsets[configs[c].embedder] = best.scale.cosine_offset;
      std::printf("chosen for %s: cosine offset %.2f\n", configs[c].name.c_str(),
                  best.scale.cosine_offset);
    }
  }

  // The product's scale (similarity_scale.h), which the real searches below use.
  const SimilarityScale product;
  const double floor = flags.floor.value_or(kDefaultMinSimilarity);
  std::printf("product: 1 word x%.1f, floor %.2f, glove cosine offset %.2f, use %.2f\n",
              product.single_word_factor, floor, cosine_offset_for("glove-"),
              cosine_offset_for("use-"));

  // Report on the second halves: the choice replayed (hybrid configurations), then the
  // product's floored search run for real (min_similarity = floor) in every mode.
  std::printf("\nreporting half (%zu same-story, %zu random queries)\n",
              story_tests.size() - story_half, random_queries.size() - random_half);
  for (size_t c = 0; c < configs.size(); ++c) {
    if (configs[c].mode != SearchMode::kHybrid) continue;
    SimilarityScale scale = chosen.scale;
    scale.cosine_offset = offsets.count(configs[c].embedder) ? offsets[configs[c].embedder] : 0.0;
    std::printf(
        "%-16s choice replayed (1 word x%.1f, cosine offset %.2f, floor %.2f): recall %.3f "
        "(no floor %.3f), random nothing %.3f\n",
        configs[c].name.c_str(), scale.single_word_factor, scale.cosine_offset, chosen.floor,
        scale_recall(c, scale, story_half, story_tests.size(), chosen.floor),
        half_recall(c, story_half, story_tests.size(), 0.0),
        scale_nothing(c, scale, random_half, random_queries.size(), chosen.floor));
  }
  std::printf("product scale run for real, floor %.2f\n", floor);
  std::printf("%-16s %14s %14s %16s %16s\n", "mode", "recall today", "recall floor",
              "nothing today", "nothing floor");
  for (size_t c = 0; c < configs.size(); ++c) {
    const Config& config = configs[c];
    if (!use_embedder(config.embedder)) return 1;
    double floored_recall = 0;
    for (size_t q = story_half; q < story_tests.size(); ++q) {
      auto outcome = study(*index, config.mode, tests[story_tests[q]].winner, 40, floor);
      if (!outcome) return 1;
      std::vector<StoryHit> hits;
      for (const SearchHit& hit : outcome->hits) {
        hits.push_back({documents[index_of.at(hit.node.key)].test, hit.similarity});
      }
      floored_recall += story_recall(hits, story_tests[q], same_story.at(story_tests[q]), 0.0);
    }
    size_t nothing = 0;
    for (size_t q = random_half; q < random_queries.size(); ++q) {
      auto outcome = study(*index, config.mode, random_queries[q], 10, floor);
      if (!outcome) return 1;
      if (outcome->hits.empty()) ++nothing;
    }
    const double story_n = static_cast<double>(story_tests.size() - story_half);
    std::printf(
        "%-16s %14.3f %14.3f %16.3f %16.3f\n", config.name.c_str(),
        half_recall(c, story_half, story_tests.size(), 0.0), floored_recall / story_n,
        nothing_share(c, random_half, random_queries.size(), 0.0),
        static_cast<double>(nothing) / static_cast<double>(random_queries.size() - random_half));
  }
  index.reset();
  graph->reset();
  fs::remove_all(directory);
  return 0;
}
