// What the property-column tables add to a small write: opens a loaded graph (a copy: it is
// written to), changes one property of one node per write request, and prints the median and
// p90 of the write's wall and CPU time, first with the label's table not built (the write
// touches RocksDB and the mirror only), then with it built (the write also copies the touched
// parts of the table and publishes it). Usage:
//   bench_column_write_cost --dir GRAPH_DIR --ontology FILE [--label Item] [--key-prefix n]
//     [--nodes N] [--writes W]
// GRAPH_DIR is an expgraph data directory, e.g. a copy of
// build/bench-kuzu/skewed-1000000-10000000-2.05-20240501/expgraph (tools/bench/kuzu-compare
// loads it; its nodes are Item n0 .. n<N-1>).
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "graph/graph_store.h"
#include "graph/property_columns.h"
#include "ontology/ontology.h"

using namespace expgraph;

namespace {

double thread_cpu_us() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e6 + static_cast<double>(t.tv_nsec) / 1e3;
}

double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  return values[static_cast<size_t>(p * static_cast<double>(values.size() - 1))];
}

struct Flags {
  std::string dir, ontology, label = "Item", key_prefix = "n";
  uint32_t nodes = 1000000;
  int writes = 2000;
};

// `writes` requests, each setting `users` on one random node, timed one by one.
bool time_writes(GraphStore& store, const Flags& flags, int round, const char* what) {
  std::mt19937 random(42 + round);
  std::vector<double> wall, cpu;
  for (int i = 0; i < flags.writes; ++i) {
    const NodeRef ref{flags.label, flags.key_prefix + std::to_string(random() % flags.nodes)};
    auto node = store.get_node(ref);
    if (!node.ok()) {
      std::fprintf(stderr, "cannot read %s/%s\n", ref.type.c_str(), ref.key.c_str());
      return false;
    }
    nlohmann::json properties = node->properties;
    properties["users"] = round * flags.writes + i;  // the copy is written to
    WriteRequest request;
    request.nodes.push_back(NodeWrite{ref.type, ref.key, std::move(properties)});
    const auto start = std::chrono::steady_clock::now();
    const double cpu_start = thread_cpu_us();
    auto written = store.write(request);
    cpu.push_back(thread_cpu_us() - cpu_start);
    wall.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() -
                                                             start)
                       .count());
    if (!written.ok()) {
      std::fprintf(stderr, "write failed: %s\n", written.status().to_string().c_str());
      return false;
    }
  }
  std::printf("%-26s wall median %7.1f us  p90 %7.1f us   CPU median %7.1f us  p90 %7.1f us\n",
              what, percentile(wall, 0.5), percentile(wall, 0.9), percentile(cpu, 0.5),
              percentile(cpu, 0.9));
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i], value = argv[i + 1];
    if (name == "--dir") flags.dir = value;
    else if (name == "--ontology") flags.ontology = value;
    else if (name == "--label") flags.label = value;
    else if (name == "--key-prefix") flags.key_prefix = value;
    else if (name == "--nodes") flags.nodes = static_cast<uint32_t>(std::stoul(value));
    else if (name == "--writes") flags.writes = std::stoi(value);
    else {
      std::fprintf(stderr, "unknown flag %s\n", name.c_str());
      return 2;
    }
  }
  if (flags.dir.empty() || flags.ontology.empty()) {
    std::fprintf(stderr, "usage: bench_column_write_cost --dir GRAPH_DIR --ontology FILE ...\n");
    return 2;
  }
  auto ontology = Ontology::load_file(flags.ontology);
  if (!ontology.ok()) {
    std::fprintf(stderr, "%s\n", ontology.status().to_string().c_str());
    return 2;
  }
  auto store = GraphStore::open(flags.dir, std::make_shared<Ontology>(std::move(*ontology)));
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().to_string().c_str());
    return 2;
  }
  GraphStore& graph = **store;
  if (!time_writes(graph, flags, 0, "no table")) return 1;
  auto type = graph.symbols().find(SymbolKind::kNodeType, flags.label);
  if (!type) {
    std::fprintf(stderr, "no label %s\n", flags.label.c_str());
    return 1;
  }
  const auto start = std::chrono::steady_clock::now();
  auto table = graph.columns().table_or_build(*type);
  if (!table.ok() || *table == nullptr) {
    std::fprintf(stderr, "the table of %s was not built\n", flags.label.c_str());
    return 1;
  }
  std::printf("table of %s built: %zu nodes, %.1f MB estimated, %.1f s\n", flags.label.c_str(),
              (*table)->node_count(), static_cast<double>((*table)->memory_bytes()) / 1e6,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  table->reset();  // held by nobody but the store: each write's old table is freed at once
  return time_writes(graph, flags, 1, "table built") ? 0 : 1;
}
