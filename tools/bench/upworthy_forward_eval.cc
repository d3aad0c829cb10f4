// Forward-in-time evaluation of forecasts and patterns on the Upworthy Research Archive.
// Imports the archive (tools/importers) into a temporary GraphStore with a SimilarityIndex,
// loads the insights catalog, then walks the tests in start order. For every test from
// --from (2014-06-01) on with at least two distinct headlines it
//  - forecasts each package from the tests that started before it only (query/insights
//    forecaster: DL random effects over past arms whose headline resembles the package's,
//    EB-shrunk towards the prior of the most similar past tests) and checks whether the
//    package ranked first has the highest CTR, against the random pick (|best| / n);
//  - takes the strongest pattern mined from earlier tests (pooled CI excluding 0) whose feature
//    splits the test's packages and checks whether its predicted side holds the best package,
//    against the random pick (|best| / n).
// Nothing is tuned: every option is the library default. Usage:
//   bench_upworthy_forward_eval [--csv PATH] [--from YYYY-MM-DD] [--ontology FILE]
// (paths relative to the repository root by default).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "graph/graph_store.h"
#include "ontology/ontology.h"
#include "query/insights/experiment_catalog.h"
#include "query/insights/forecaster.h"
#include "query/insights/pattern_miner.h"
#include "query/insights/similar_tests.h"
#include "query/similarity/similarity_index.h"
#include "tools/importers/importer.h"

namespace {

using namespace expgraph;
using namespace expgraph::insights;

constexpr double kZ95 = 1.959963984540054;

struct Tally {
  double hits = 0;      // sum of fractional credits (a tie at the top shares the credit)
  double baseline = 0;  // sum of |best| / n
  std::vector<double> differences;  // per test: credit - baseline
  size_t tests = 0;

  void add(double credit, double chance) {
    hits += credit;
    baseline += chance;
    differences.push_back(credit - chance);
    ++tests;
  }

  void print(const char* name) const {
    if (tests == 0) {
      std::printf("%s: no tests\n", name);
      return;
    }
    const double n = static_cast<double>(tests);
    const double p = hits / n;
    // Wilson score interval of the hit rate (credits summed as successes).
    const double z2 = kZ95 * kZ95;
    const double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
    const double half = kZ95 * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
    double mean = 0;
    for (double d : differences) mean += d;
    mean /= n;
    double var = 0;
    for (double d : differences) var += (d - mean) * (d - mean);
    var /= std::max(1.0, n - 1);
    const double se = std::sqrt(var / n);
    std::printf(
        "%s: tests %zu, top-1 hit rate %.4f (95%% Wilson CI %.4f..%.4f), random baseline "
        "%.4f; difference %+.4f (95%% CI %+.4f..%+.4f)%s\n",
        name, tests, p, centre - half, centre + half, baseline / n, mean, mean - kZ95 * se,
        mean + kZ95 * se, mean - kZ95 * se > 0 ? "" : "  -> not better than chance");
  }
};

// The arms with the highest CTR (all of them on a tie).
std::set<size_t> best_arms(const ExperimentFacts& e, const std::vector<size_t>& arms) {
  std::set<size_t> best;
  double top = -1;
  for (size_t a : arms) {
    const double rate = e.arms[a].rate().value_or(-1);
    if (rate > top) {
      top = rate;
      best = {a};
    } else if (rate == top) {
      best.insert(a);
    }
  }
  return best;
}

std::string headline_of(const ExperimentCatalog& c, const ArmFacts& arm) {
  for (size_t a : arm.assets) {
    if (c.assets[a].kind == "headline") return c.assets[a].text;
  }
  return "";
}

Status import_archive(const std::string& csv_path, GraphStore& graph) {
  std::ifstream csv(csv_path);
  if (!csv) return Status::not_found("cannot read " + csv_path);
  WriteRequest request;
  size_t items = 0;
  auto flush = [&]() -> Status {
    if (request.nodes.empty() && request.edges.empty()) return Status();
    auto written = graph.write(request);
    request = WriteRequest();
    items = 0;
    return written.ok() ? Status() : written.status();
  };
  auto importer = find_importer("upworthy");
  auto stats = (*importer)(csv, [&](const ImportItem& item) -> Status {
    const nlohmann::json& b = item.body;
    if (item.is_node) {
      request.nodes.push_back({b["type"].get<std::string>(), b["key"].get<std::string>(),
                               b.value("properties", nlohmann::json::object())});
    } else {
      auto from = parse_node_ref(b["from"].get<std::string>());
      auto to = parse_node_ref(b["to"].get<std::string>());
      if (!from.ok() || !to.ok()) return Status::internal("bad edge endpoint");
      request.edges.push_back({b["type"].get<std::string>(), *from, *to,
                               b.value("properties", nlohmann::json::object())});
    }
    return ++items >= 5000 ? flush() : Status();
  });
  if (!stats.ok()) return stats.status();
  return flush();
}

}  // namespace

int main(int argc, char** argv) {
  std::string csv_path = "../shared/data/upworthy/upworthy-packages-2013-2014.csv";
  std::string from = "2014-06-01";
  std::string ontology_path = "ontology/marketing.json";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--csv") {
      csv_path = argv[i + 1];
    } else if (flag == "--from") {
      from = argv[i + 1];
    } else if (flag == "--ontology") {
      ontology_path = argv[i + 1];
    } else {
      std::fprintf(stderr, "usage: %s [--csv PATH] [--from YYYY-MM-DD] [--ontology FILE]\n",
                   argv[0]);
      return 2;
    }
  }
  const auto t0 = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };

  auto ontology = Ontology::load_file(ontology_path);
  if (!ontology.ok()) {
    std::fprintf(stderr, "ontology: %s\n", ontology.status().to_string().c_str());
    return 1;
  }
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    (std::string("upworthy_eval_") + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  int exit_code = 0;
  {
    auto graph = GraphStore::open(dir.string(), std::make_shared<Ontology>(std::move(*ontology)));
    if (!graph.ok()) {
      std::fprintf(stderr, "open: %s\n", graph.status().to_string().c_str());
      return 1;
    }
    auto index = similarity::SimilarityIndex::open(**graph);
    if (!index.ok()) return 1;
    (*graph)->add_observer(index->get());
    Status imported = import_archive(csv_path, **graph);
    if (!imported.ok()) {
      std::fprintf(stderr, "import: %s\n", imported.to_string().c_str());
      std::filesystem::remove_all(dir);
      return 1;
    }
    auto loaded = load_catalog(**graph);
    if (!loaded.ok()) return 1;
    const ExperimentCatalog& c = *loaded;
    std::printf("imported %zu nodes, %zu edges, %zu experiments in %.1f s\n",
                (*graph)->node_count(), (*graph)->edge_count(), c.experiments.size(), elapsed());

    // Tests in start order; the per-test pattern studies do not depend on time.
    std::vector<size_t> order;
    for (size_t i = 0; i < c.experiments.size(); ++i) {
      if (!c.experiments[i].started_at.empty()) order.push_back(i);
    }
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return c.experiments[a].started_at < c.experiments[b].started_at;
    });
    std::vector<std::map<std::string, PatternStudy>> studies(c.experiments.size());
    for (size_t i : order) studies[i] = experiment_studies(c, i);

    Tally forecast_all, forecast_covered, pattern_tally, sensitivity_covered;
    size_t candidates_total = 0, candidates_with_match = 0;
    size_t eligible = 0;
    std::map<std::string, std::vector<PatternStudy>> past;  // feature -> studies so far
    size_t next_past = 0;
    for (size_t i : order) {
      const ExperimentFacts& e = c.experiments[i];
      // Everything that started strictly before this test is history.
      while (next_past < order.size() &&
             c.experiments[order[next_past]].started_at < e.started_at) {
        for (const auto& [feature, study] : studies[order[next_past]]) {
          past[feature].push_back(study);
        }
        ++next_past;
      }
      if (e.started_at < from) continue;
      std::vector<size_t> arms;
      std::set<std::string> headlines;
      for (size_t a = 0; a < e.arms.size(); ++a) {
        if (e.arms[a].rate()) {
          arms.push_back(a);
          headlines.insert(headline_of(c, e.arms[a]));
        }
      }
      if (headlines.size() < 2) continue;
      ++eligible;
      const std::set<size_t> best = best_arms(e, arms);
      const double chance = static_cast<double>(best.size()) / arms.size();

      // Forecast: the library defaults, the test's own context, history only.
      DraftTest draft;
      draft.channel = e.channels.empty() ? std::nullopt : std::optional(e.channels.front());
      draft.metric = e.primary_metric;
      draft.as_of = e.started_at;
      const auto similar = recommend_similar_tests(c, draft, {});
      ForecastOptions options;
      options.before = e.started_at;
      std::vector<std::string> names;
      std::vector<std::vector<AssetMatch>> matches;
      std::map<std::string, std::vector<AssetMatch>> by_text;
      for (size_t a : arms) {
        const std::string text = headline_of(c, e.arms[a]);
        names.push_back(e.arms[a].key);
        auto cached = by_text.find(text);
        if (cached == by_text.end()) {
          similarity::SearchRequest request;
          request.text = text.empty() ? std::string("(none)") : text;
          request.types = {"Asset"};
          request.k = 100;
          request.mode = similarity::SearchMode::kVector;
          std::vector<AssetMatch> found;
          auto hits = (*index)->search(request);
          if (hits.ok()) {
            for (const auto& hit : *hits) {
              auto it = c.asset_index.find(hit.node.key);
              if (it != c.asset_index.end()) found.push_back({it->second, hit.score});
            }
          }
          cached = by_text.emplace(text, std::move(found)).first;
        }
        matches.push_back(cached->second);
      }
      const Forecast f = forecast(c, similar, names, matches, options);
      const std::vector<size_t> top = top_candidates(f);
      double credit = 0;
      for (size_t t : top) credit += best.count(arms[t]) ? 1.0 : 0.0;
      credit /= static_cast<double>(top.size());
      forecast_all.add(credit, chance);
      bool covered = false;
      for (const auto& candidate : f.candidates) covered = covered || candidate.estimate.sufficient;
      if (covered) forecast_covered.add(credit, chance);
      for (const auto& candidate : f.candidates) {
        ++candidates_total;
        candidates_with_match += candidate.estimate.tests > 0 ? 1 : 0;
      }
      // Sensitivity, reported beside the default and not used to choose it: one past test is
      // enough evidence for a number.
      ForecastOptions lenient = options;
      lenient.min_tests = 1;
      const Forecast g = forecast(c, similar, names, matches, lenient);
      bool lenient_covered = false;
      for (const auto& candidate : g.candidates) {
        lenient_covered = lenient_covered || candidate.estimate.sufficient;
      }
      if (lenient_covered) {
        const std::vector<size_t> lenient_top = top_candidates(g);
        double lenient_credit = 0;
        for (size_t t : lenient_top) lenient_credit += best.count(arms[t]) ? 1.0 : 0.0;
        sensitivity_covered.add(lenient_credit / lenient_top.size(), chance);
      }

      // Patterns: the strongest earlier pattern that splits this test's packages.
      std::map<size_t, std::vector<std::string>> features;
      for (size_t a : arms) features[a] = arm_features(c, e.arms[a]);
      std::optional<Pattern> chosen;
      for (const auto& [feature, history] : past) {
        if (history.size() < PatternFilter{}.min_tests) continue;
        size_t with = 0;
        for (size_t a : arms) {
          with += std::binary_search(features[a].begin(), features[a].end(), feature) ? 1 : 0;
        }
        if (with == 0 || with == arms.size()) continue;
        auto pattern = pool_pattern(c, feature, history);
        if (!pattern || pattern->evidence < kZ95) continue;  // CI of the pooled effect holds 0
        if (!chosen || pattern->evidence > chosen->evidence) chosen = std::move(pattern);
      }
      if (chosen) {
        const bool feature_wins = chosen->meta.pooled > 0;
        std::vector<size_t> predicted;
        for (size_t a : arms) {
          const bool has =
              std::binary_search(features[a].begin(), features[a].end(), chosen->feature);
          if (has == feature_wins) predicted.push_back(a);
        }
        double hit = 0;
        for (size_t a : predicted) hit += best.count(a) ? 1.0 : 0.0;
        pattern_tally.add(hit / predicted.size(), chance);
      }
    }
    std::printf("tests from %s with >= 2 distinct headlines: %zu\n", from.c_str(), eligible);
    forecast_all.print(
        "forecast (all eligible tests; packages without evidence rank at the prior)");
    forecast_covered.print("forecast (tests where >= 1 package had sufficient evidence)");
    std::printf("packages with >= 1 earlier arm of a similar headline: %zu of %zu\n",
                candidates_with_match, candidates_total);
    sensitivity_covered.print("sensitivity, min_tests = 1 (tests where >= 1 package had evidence)");
    pattern_tally.print("patterns (tests split by a significant earlier pattern)");
    std::printf("total time %.1f s\n", elapsed());
    if (eligible == 0) exit_code = 1;
  }
  std::filesystem::remove_all(dir);
  return exit_code;
}
