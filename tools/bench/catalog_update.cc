// bench_catalog_update: what the insights' catalog costs after a write, on the Upworthy archive.
// Imports the archive into a temporary GraphStore, loads the whole catalog a few times
// (load_catalog: what every snapshot cost before updates), then for each kind of write, N
// rounds of: the write, update_catalog from the previous catalog, the assets' text index brought
// up to date from the previous one when the update read assets (both what CatalogSnapshots
// does), and freeing the replaced catalog. Medians and p90 of CPU time on the calling thread.
// Usage: bench_catalog_update [--csv PATH] [--ontology PATH] [--rounds 30]
// (from the repository root; the defaults name ../shared/data and ontology/marketing.json)

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "graph/graph_store.h"
#include "query/insights/asset_text_index.h"
#include "query/insights/catalog_loader.h"
#include "tools/bench/upworthy_import.h"

namespace {

using namespace expgraph;
using namespace expgraph::insights;

double cpu_ms() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

double quantile(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  return values[static_cast<size_t>(q * static_cast<double>(values.size() - 1) + 0.5)];
}

// A write of one kind: `round` makes each write differ from the last.
using Write = std::function<Status(GraphStore&, int round)>;

Result<NodeRecord> first_node(const GraphStore& graph, const char* type) {
  auto page = graph.list_nodes(type, {}, 1, "");
  if (!page.ok()) return page.status();
  if (page->nodes.empty()) return Status::not_found(std::string("no ") + type);
  return page->nodes.front();
}

Status put(GraphStore& graph, const std::string& type, const std::string& key,
           nlohmann::json properties) {
  WriteRequest request;
  request.nodes.push_back({type, key, std::move(properties)});
  auto written = graph.write(request);
  return written.ok() ? Status() : written.status();
}

// A test recorded after the fact, as a planner logs one: the experiment, two variants with a
// headline each, and a result per variant.
Status record_test(GraphStore& graph, int round) {
  const std::string key = "bench-new-test-" + std::to_string(round);
  WriteRequest request;
  const NodeRef experiment{"Experiment", key};
  request.nodes.push_back({experiment.type,
                           experiment.key,
                           {{"name", "Recorded test " + std::to_string(round)},
                            {"status", "concluded"},
                            {"started_at", "2014-09-01"}}});
  for (int v = 0; v < 2; ++v) {
    const std::string arm = key + "-v" + std::to_string(v);
    const NodeRef variant{"Variant", arm}, asset{"Asset", arm + "-headline"},
        result{"Result", arm + "-ctr"};
    request.nodes.push_back(
        {variant.type, variant.key, {{"name", "Variant " + std::to_string(v)}}});
    request.nodes.push_back({asset.type,
                             asset.key,
                             {{"kind", "headline"},
                              {"text", "A headline written for round " + std::to_string(round) +
                                           (v == 0 ? ", asking why" : ", naming a number: 7")}}});
    request.nodes.push_back(
        {result.type,
         result.key,
         {{"name", "ctr of " + arm}, {"users", 5000}, {"conversions", 90 + v}}});
    request.edges.push_back({"HAS_VARIANT", experiment, variant});
    request.edges.push_back({"USES_ASSET", variant, asset});
    request.edges.push_back({"HAS_RESULT", experiment, result});
    request.edges.push_back({"FOR_VARIANT", result, variant});
  }
  auto written = graph.write(request);
  return written.ok() ? Status() : written.status();
}

}  // namespace

int main(int argc, char** argv) {
  std::string csv = "../shared/data/upworthy/upworthy-packages-2013-2014.csv";
  std::string ontology_path = "ontology/marketing.json";
  int rounds = 30;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--csv")) {
      csv = argv[i + 1];
    } else if (!std::strcmp(argv[i], "--ontology")) {
      ontology_path = argv[i + 1];
    } else if (!std::strcmp(argv[i], "--rounds")) {
      rounds = std::max(1, std::atoi(argv[i + 1]));
    } else {
      std::fprintf(stderr,
                   "usage: bench_catalog_update [--csv PATH] [--ontology PATH] "
                   "[--rounds N]\n");
      return 2;
    }
  }
  auto scratch = bench::ScratchGraph::open(ontology_path, "catalog_update_");
  if (!scratch) return 1;
  GraphStore& g = scratch->graph();
  if (Status imported = bench::import_upworthy(csv, g); !imported.ok()) {
    std::fprintf(stderr, "import: %s\n", imported.to_string().c_str());
    return 1;
  }
  auto result = first_node(g, "Result");
  auto experiment = first_node(g, "Experiment");
  auto asset = first_node(g, "Asset");
  if (!result.ok() || !experiment.ok() || !asset.ok()) {
    std::fprintf(stderr, "the archive has no Result, Experiment or Asset\n");
    return 1;
  }

  std::vector<double> whole;
  std::shared_ptr<const ExperimentCatalog> current;
  for (int i = 0; i < 5; ++i) {
    const double start = cpu_ms();
    auto loaded = load_catalog(g);
    whole.push_back(cpu_ms() - start);
    if (!loaded.ok()) {
      std::fprintf(stderr, "load: %s\n", loaded.status().to_string().c_str());
      return 1;
    }
    current = std::make_shared<const ExperimentCatalog>(std::move(loaded).value());
  }
  std::printf("archive: %zu nodes, %zu edges, %zu experiments, %zu assets; %u cores\n",
              g.node_count(), g.edge_count(), current->experiments.size(), current->assets.size(),
              std::thread::hardware_concurrency());
  std::printf("whole load (load_catalog), 5 times: median %.1f ms CPU, min %.1f\n",
              quantile(whole, 0.5), quantile(whole, 0));
  // The assets' text index, built whole (after a whole load) a few times.
  std::vector<double> whole_index;
  std::shared_ptr<const AssetTextIndex> text_index;
  for (int i = 0; i < 5; ++i) {
    const double start = cpu_ms();
    text_index = std::make_shared<const AssetTextIndex>(*current);
    whole_index.push_back(cpu_ms() - start);
  }
  std::printf("assets' text index built whole, 5 times: median %.1f ms CPU, min %.1f\n",
              quantile(whole_index, 0.5), quantile(whole_index, 0));

  const std::pair<const char*, Write> writes[] = {
      {"a Segment's description",
       [](GraphStore& graph, int round) {
         return put(graph, "Segment", "bench-catalog-update",
                    {{"name", "bench"}, {"description", "write " + std::to_string(round)}});
       }},
      {"a Result's conversions",
       [&](GraphStore& graph, int round) {
         nlohmann::json p = result->properties;
         p["conversions"] = p.value("conversions", 0) + 1 + round % 2;
         return put(graph, "Result", result->key, p);
       }},
      {"an Experiment's description",
       [&](GraphStore& graph, int round) {
         nlohmann::json p = experiment->properties;
         p["description"] = "described again, write " + std::to_string(round);
         return put(graph, "Experiment", experiment->key, p);
       }},
      {"an Asset's text",
       [&](GraphStore& graph, int round) {
         nlohmann::json p = asset->properties;
         p["text"] = "A headline written again, round " + std::to_string(round);
         return put(graph, "Asset", asset->key, p);
       }},
      {"a new test (2 arms)", record_test},
  };
  std::printf("%-30s %8s %6s %22s %22s %22s\n", "update after", "records", "read",
              "update ms CPU (p90)", "text index ms (p90)", "freeing old ms (p90)");
  for (const auto& [name, write] : writes) {
    std::vector<double> update_ms, index_ms, free_ms;
    size_t changes = 0, read = 0;  // of the last round
    for (int round = 0; round < rounds; ++round) {
      if (Status written = write(g, round); !written.ok()) {
        std::fprintf(stderr, "write: %s\n", written.to_string().c_str());
        return 1;
      }
      const double start = cpu_ms();
      auto updated = update_catalog(g, *current);
      const double updated_at = cpu_ms();
      if (!updated.ok() || !*updated) {
        std::fprintf(
            stderr, "update: %s\n",
            updated.ok() ? "a whole load was asked for" : updated.status().to_string().c_str());
        return 1;
      }
      changes = (*updated)->changes;
      read = (*updated)->experiments_read;
      auto next = std::make_shared<const ExperimentCatalog>(std::move((*updated)->catalog));
      const double index_start = cpu_ms();
      if (!(*updated)->assets_read.empty()) {  // as CatalogSnapshots does; frees the old one
        text_index =
            std::make_shared<const AssetTextIndex>(*next, *text_index, (*updated)->assets_read);
      }
      index_ms.push_back(cpu_ms() - index_start);
      const double free_start = cpu_ms();
      current = std::move(next);  // frees the replaced catalog: nothing else holds it
      free_ms.push_back(cpu_ms() - free_start);
      update_ms.push_back(updated_at - start);
    }
    std::printf("%-30s %8zu %6zu %12.2f (%6.2f) %13.2f (%6.2f) %13.2f (%6.2f)\n", name, changes,
                read, quantile(update_ms, 0.5), quantile(update_ms, 0.9), quantile(index_ms, 0.5),
                quantile(index_ms, 0.9), quantile(free_ms, 0.5), quantile(free_ms, 0.9));
  }
  return 0;
}
