// bench_forecast_training: what training the forecast model costs, on the Upworthy archive and on
// copies of it. Imports the archive into a temporary GraphStore, loads the catalog, and with
// --scale N appends N - 1 copies of every experiment (same arms, assets, dates and results under
// new keys: the training data of a program N times the archive, as the server's keeper would
// read it). Then, --rounds times, trains the server's default model (train_forecast_model, as
// the keeper does) and times its parts on their own: reading the tests with their features
// (collect_tests), the pairs, and one fit of the learner on all tests, from zero and from the
// solution on the earlier 95% of them (the refit's warm start). Medians of wall time and
// of the process's CPU time (all threads), so that a fit spread over both cores shows as CPU
// above wall.
// Usage: bench_forecast_training [--csv PATH] [--ontology PATH] [--word-vectors FILE]
//        [--scale N] [--rounds R]   (from the repository root; the defaults name ../shared/data
//        and ontology/marketing.json; without --word-vectors the model has no vector features)

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "query/insights/catalog_loader.h"
#include "query/insights/learned_forecaster.h"
#include "query/insights/pair_dataset.h"
#include "query/similarity/glove_embedder.h"
#include "tools/bench/upworthy_import.h"

namespace {

using namespace expgraph;
using namespace expgraph::insights;

double process_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

struct Timing {
  std::vector<double> wall, cpu;
  void add(const std::function<void()>& work) {
    const double cpu0 = process_cpu_seconds();
    const auto wall0 = std::chrono::steady_clock::now();
    work();
    wall.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count());
    cpu.push_back(process_cpu_seconds() - cpu0);
  }
};

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

// Appends copies - 1 copies of every experiment under new keys ("<key>~copy<k>"), then rebuilds
// the catalog's indexes and derived fields.
void replicate(ExperimentCatalog& catalog, int copies) {
  const size_t original = catalog.experiments.size();
  for (int k = 1; k < copies; ++k) {
    for (size_t i = 0; i < original; ++i) {
      ExperimentFacts copy = catalog.experiments[i];
      copy.key += "~copy" + std::to_string(k);
      copy.node = 0;
      catalog.experiments.push_back(std::move(copy));
    }
  }
  catalog.finish();
}

}  // namespace

int main(int argc, char** argv) {
  std::string csv_path = "../shared/data/upworthy/upworthy-packages-2013-2014.csv";
  std::string ontology_path = "ontology/marketing.json";
  std::string word_vectors;
  int scale = 1, rounds = 3;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) {
      std::fprintf(stderr, "%s needs a value\n", flag.c_str());
      return 2;
    }
    const std::string value = argv[++i];
    if (flag == "--csv") {
      csv_path = value;
    } else if (flag == "--ontology") {
      ontology_path = value;
    } else if (flag == "--word-vectors") {
      word_vectors = value;
    } else if (flag == "--scale") {
      scale = std::max(1, std::atoi(value.c_str()));
    } else if (flag == "--rounds") {
      rounds = std::max(1, std::atoi(value.c_str()));
    } else {
      std::fprintf(stderr, "unknown option %s\n", flag.c_str());
      return 2;
    }
  }
  ModelSettings settings;
  std::optional<similarity::GloveEmbedder> glove;
  if (!word_vectors.empty()) {
    auto loaded = similarity::GloveEmbedder::load(word_vectors);
    if (!loaded.ok()) {
      std::fprintf(stderr, "word vectors: %s\n", loaded.status().to_string().c_str());
      return 1;
    }
    glove.emplace(std::move(loaded).value());
    settings.features.embedder = &*glove;
    settings.features.embedder_id = glove->id();
  } else {
    settings.features.embedding = false;
  }

  auto scratch = bench::ScratchGraph::open(ontology_path, "forecast_training_");
  if (!scratch) return 1;
  Status imported = bench::import_upworthy(csv_path, scratch->graph());
  if (!imported.ok()) {
    std::fprintf(stderr, "import: %s\n", imported.to_string().c_str());
    return 1;
  }
  auto loaded = load_catalog(scratch->graph());
  if (!loaded.ok()) {
    std::fprintf(stderr, "catalog: %s\n", loaded.status().to_string().c_str());
    return 1;
  }
  ExperimentCatalog catalog = std::move(loaded).value();
  replicate(catalog, scale);

  Timing total, reading, pairing, fitting, refitting;
  size_t tests = 0, pairs = 0, stored_bytes = 0;
  for (int round = 0; round < rounds; ++round) {
    total.add([&] {
      auto model = train_forecast_model(catalog, "", settings);
      if (!model.ok()) {
        std::fprintf(stderr, "training: %s\n", model.status().to_string().c_str());
        std::exit(1);
      }
      tests = (*model)->experiments;
      pairs = (*model)->pairs;
      stored_bytes = (*model)->ranking->save().size();
    });
    std::vector<DatasetTest> dataset;
    std::vector<DatasetPair> dataset_pairs;
    reading.add([&] { dataset = collect_tests(catalog, "", "", settings.features); });
    pairing.add([&] { dataset_pairs = make_pairs(dataset); });
    fitting.add([&] { (void)RankingModel::train(dataset, dataset_pairs, settings.learner); });
    // A refit like train_forecast_model's: from the solution on all but about the latest 5%
    // (it holds out the rounded 5%, at least 30 tests: 168 at the archive's size, here 167).
    const std::vector<DatasetTest> earlier(dataset.begin(),
                                           dataset.end() - static_cast<long>(dataset.size() / 20));
    auto first = RankingModel::train(earlier, make_pairs(earlier), settings.learner);
    if (first.ok()) {
      refitting.add([&] {
        (void)RankingModel::train(dataset, dataset_pairs, settings.learner, first->get());
      });
    }
  }
  std::printf("forecast model training, scale %d (%zu tests, %zu pairs), %s, %d rounds\n", scale,
              tests, pairs, word_vectors.empty() ? "no vector features" : "glove vector features",
              rounds);
  std::printf("%-44s %10s %10s\n", "part", "wall s", "cpu s");
  const auto row = [](const char* name, const Timing& t) {
    std::printf("%-44s %10.2f %10.2f\n", name, median(t.wall), median(t.cpu));
  };
  row("train_forecast_model (the keeper's call)", total);
  row("  reading the tests and features", reading);
  row("  the pairs", pairing);
  row("  one fit of the learner on all tests", fitting);
  row("  the same, from a fit of the earlier 95%", refitting);
  std::printf("the model's ranking as stored: %.1f MB\n", static_cast<double>(stored_bytes) / 1e6);
  return 0;
}
