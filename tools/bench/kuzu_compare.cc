// bench_kuzu_compare: the expgraph half of the Kuzu comparison (tools/bench/kuzu-compare runs
// both halves in one go). For each data set it loads the graph into expgraph (a GraphStore in
// --dir, reused when already loaded), exports the same nodes, scalar properties and edges as
// CSV for Kuzu (kuzu_export.h), writes the query set (queries.json: each query's expgraph and
// Kuzu text, its parameter sets, its repetitions) and times every query in-process through the
// query engine library (expgraph.json: the wall time of each run of cypher::run_query and the
// answer of each parameter set). tools/bench/kuzu/kuzu_compare.js then runs the same queries
// in-process in Kuzu and compares answers and times.
//
// Data sets: "skewed", the generated graph of bench_traversal (skewed_graph.h: --nodes
// --edges --skew --seed) with experiment-like properties on every node (group, status, score,
// users); "upworthy", the Upworthy archive through its importer (--csv).
//
//   bench_kuzu_compare --dir DIR [--datasets skewed,upworthy] [--nodes N] [--edges M]
//                      [--reps R] [--scan-reps S] [--csv FILE] [--ontology-dir DIR]
//                      [--column-cache-mb N]
// --column-cache-mb 0 runs every scan from storage, as without the property columns.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include <time.h>

#include "graph/graph_store.h"
#include "query/cypher/query_engine.h"
#include "query/traversal.h"
#include "tools/bench/kuzu_export.h"
#include "tools/bench/skewed_graph.h"
#include "tools/importers/importer.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace expgraph::bench {
namespace {

struct Flags {
  std::string dir = "build/bench-kuzu";
  std::vector<std::string> datasets = {"skewed", "upworthy"};
  SkewedGraphOptions graph;
  int reps = 100;
  int scan_reps = 10;
  std::string csv = "../shared/data/upworthy/upworthy-packages-2013-2014.csv";
  std::string ontology_dir = "";  // default: the source tree's, found from the binary's cwd
  GraphStoreOptions store;         // --column-cache-mb sets store.column_cache_bytes
};

// Query kinds: the bar treats traversals (from a key) and whole-graph scans differently.
constexpr const char* kTraversal = "traversal";
constexpr const char* kScan = "scan";
// The expgraph text of the shortest-path query: Cypher has no shortestPath in expgraph, so
// the benchmark calls the traversal library's shortest_path (query/traversal.h) directly.
constexpr const char* kShortestPath = "@shortest_path";

struct QuerySpec {
  std::string name;
  std::string kind;
  std::string expgraph;
  std::string kuzu;
  std::vector<json> params;  // one parameter map per variant; runs cycle through them
  // kShortestPath only: the keys' node type, the direction followed and the longest path.
  std::string path_label;
  Direction path_direction = Direction::kOut;
  int path_max_hops = 0;
};

uint64_t mix(uint64_t x) {  // splitmix64: a fixed, portable hash for generated properties
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Experiment-like properties of generated node n: a group with a skewed size (g0 is the
// largest), a status, a score with two decimals (exact in decimal, so both engines parse the
// same double) and a user count.
json item_properties(uint32_t n, uint64_t seed) {
  static const char* kStatuses[] = {"planned", "running", "stopped", "concluded"};
  uint64_t h = mix(n ^ seed);
  double u = static_cast<double>(h >> 11) * 0x1.0p-53;
  return {{"grp", "g" + std::to_string(static_cast<int>(50 * u * u))},
          {"status", kStatuses[(h >> 8) % 4]},
          {"score", static_cast<double>((h >> 20) % 10000) / 100.0},
          {"users", static_cast<int64_t>((h >> 40) % 100000)}};
}

Result<std::shared_ptr<const Ontology>> load_ontology(const std::string& path) {
  auto ontology = Ontology::load_file(path);
  if (!ontology.ok()) return ontology.status();
  return std::shared_ptr<const Ontology>(std::make_shared<Ontology>(std::move(*ontology)));
}

// Loads (or reuses) the skewed graph in `dir`/expgraph and its Kuzu CSVs in `dir`/kuzu-csv.
Result<std::unique_ptr<GraphStore>> load_skewed(const Flags& flags, const fs::path& dir,
                                                std::shared_ptr<const Ontology> ontology,
                                                const SkewedGraph& graph) {
  const fs::path ready = dir / "LOADED";
  if (fs::exists(ready)) {
    return GraphStore::open((dir / "expgraph").string(), ontology, flags.store);
  }
  fs::remove_all(dir);
  fs::create_directories(dir / "kuzu-csv");
  auto store = GraphStore::open((dir / "expgraph").string(), ontology, flags.store);
  if (!store.ok()) return store.status();
  KuzuExport kuzu((dir / "kuzu-csv").string(), *ontology);
  const auto start = std::chrono::steady_clock::now();
  Status failed;
  bool ok = graph.for_each_write_request(
      10000,
      [&](const WriteRequest& request) {
        auto written = (*store)->write(request);
        if (!written.ok()) failed = written.status();
        return written.ok();
      },
      [&](uint32_t n) { return item_properties(n, flags.graph.seed); });
  if (!ok) return failed;
  const double load_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fprintf(stderr, "expgraph: loaded %u nodes / %zu edges in %.1f s\n", graph.node_count(),
               graph.edges().size(), load_s);
  for (uint32_t n = 0; n < graph.node_count(); ++n) {
    kuzu.node(kNodeTypeName, skewed_node_key(n), item_properties(n, flags.graph.seed));
  }
  for (const GeneratedEdge& edge : graph.edges()) {
    kuzu.edge(kEdgeTypeNames[edge.type], kNodeTypeName, skewed_node_key(edge.src), kNodeTypeName,
              skewed_node_key(edge.dst));
  }
  if (!kuzu.finish()) return Status::internal("cannot write the Kuzu CSV files");
  std::ofstream(dir / "expgraph_load.json") << json{{"load_s", load_s}}.dump() << '\n';
  std::ofstream(ready) << "ok\n";
  return store;
}

std::vector<QuerySpec> skewed_queries(const SkewedGraph& graph) {
  // Start keys: nodes of ordinary out-degree (3..10 edges), spread over the id range, so the
  // var-length count stays a query a user would run rather than a walk of the whole graph.
  std::vector<uint32_t> out_degree(graph.node_count());
  for (const GeneratedEdge& edge : graph.edges()) ++out_degree[edge.src];
  std::vector<uint32_t> starts;
  const uint32_t step = std::max<uint32_t>(1, graph.node_count() / 40);
  for (uint32_t n = 0; n < graph.node_count() && starts.size() < 10; n += step) {
    uint32_t m = n;
    while (m < graph.node_count() && (out_degree[m] < 3 || out_degree[m] > 10)) ++m;
    if (m < graph.node_count()) starts.push_back(m);
  }
  std::vector<json> by_key, pairs;
  for (size_t i = 0; i < starts.size(); ++i) {
    by_key.push_back({{"key", skewed_node_key(starts[i])}});
    pairs.push_back({{"from", skewed_node_key(starts[i])},
                     {"to", skewed_node_key(starts[(i + 1) % starts.size()])}});
  }
  const json none = json::array({json::object()});
  return {
      {"point lookup by key", kTraversal,
       "MATCH (a:Item {key: $key}) RETURN a.key AS key, a.grp AS grp, a.score AS score, "
       "a.users AS users",
       "MATCH (a:Item {key: $key}) RETURN a.key AS key, a.grp AS grp, a.score AS score, "
       "a.users AS users",
       by_key},
      {"1-hop expand with filter", kTraversal,
       "MATCH (a:Item {key: $key})-[:LINKS]->(b:Item) WHERE b.score > 50.0 RETURN count(*) AS n",
       "MATCH (a:Item {key: $key})-[:LINKS]->(b:Item) WHERE b.score > 50.0 RETURN count(*) AS n",
       by_key},
      {"2-hop count(DISTINCT)", kTraversal,
       "MATCH (a:Item {key: $key})-[]->()-[]->(c) RETURN count(DISTINCT c) AS n",
       "MATCH (a:Item {key: $key})-[]->()-[]->(c) RETURN count(DISTINCT c) AS n", by_key},
      {"var-length *1..3 count(DISTINCT)", kTraversal,
       "MATCH (a:Item {key: $key})-[*1..3]->(c) RETURN count(DISTINCT c) AS n",
       "MATCH (a:Item {key: $key})-[*1..3]->(c) RETURN count(DISTINCT c) AS n", by_key},
      {"shortest path (length, <= 8 hops)", kTraversal, kShortestPath,
       "MATCH p = (a:Item)-[* SHORTEST 1..8]->(b:Item) WHERE a.key = $from AND b.key = $to "
       "RETURN length(p) AS len",
       pairs, kNodeTypeName, Direction::kOut, 8},
      {"count(*) of a label", kScan, "MATCH (a:Item) RETURN count(*) AS n",
       "MATCH (a:Item) RETURN count(*) AS n", none},
      {"count(*) of an edge type", kScan, "MATCH ()-[r:LINKS]->() RETURN count(*) AS n",
       "MATCH ()-[r:LINKS]->() RETURN count(*) AS n", none},
      {"group-by aggregation over a label", kScan,
       "MATCH (a:Item) RETURN a.grp AS grp, count(*) AS n, sum(a.users) AS users ORDER BY grp",
       "MATCH (a:Item) RETURN a.grp AS grp, count(*) AS n, sum(a.users) AS users ORDER BY grp",
       none},
      {"filter + ORDER BY + LIMIT", kScan,
       "MATCH (a:Item) WHERE a.status = 'running' AND a.users > 50000 "
       "RETURN a.key AS key, a.score AS score ORDER BY score DESC, key LIMIT 10",
       "MATCH (a:Item) WHERE a.status = 'running' AND a.users > 50000 "
       "RETURN a.key AS key, a.score AS score ORDER BY score DESC, key LIMIT 10",
       none},
  };
}

// Imports the Upworthy archive into `dir`/expgraph and `dir`/kuzu-csv; returns the
// experiment keys in import order.
Result<std::unique_ptr<GraphStore>> load_upworthy(const Flags& flags, const fs::path& dir,
                                                  std::shared_ptr<const Ontology> ontology,
                                                  std::vector<std::string>& experiments) {
  const fs::path ready = dir / "LOADED";
  const bool reuse = fs::exists(ready);
  if (!reuse) {
    fs::remove_all(dir);
    fs::create_directories(dir / "kuzu-csv");
  }
  auto store = GraphStore::open((dir / "expgraph").string(), ontology, flags.store);
  if (!store.ok()) return store.status();
  std::ifstream csv(flags.csv);
  if (!csv) return Status::not_found("cannot read " + flags.csv);
  KuzuExport kuzu((dir / "kuzu-csv").string(), *ontology);
  WriteRequest request;
  auto flush = [&]() -> Status {
    if (reuse || (request.nodes.empty() && request.edges.empty())) return Status();
    auto written = (*store)->write(request);
    request = WriteRequest();
    return written.ok() ? Status() : written.status();
  };
  auto importer = find_importer("upworthy");
  auto stats = (*importer)(csv, [&](const ImportItem& item) -> Status {
    const json& body = item.body;
    const json properties = body.value("properties", json::object());
    if (item.is_node) {
      std::string type = body["type"].get<std::string>();
      std::string key = body["key"].get<std::string>();
      if (type == "Experiment") experiments.push_back(key);
      if (reuse) return Status();
      kuzu.node(type, key, properties);
      request.nodes.push_back({type, key, properties});
    } else {
      auto from = parse_node_ref(body["from"].get<std::string>());
      auto to = parse_node_ref(body["to"].get<std::string>());
      if (!from.ok() || !to.ok()) return Status::internal("bad edge endpoint");
      if (reuse) return Status();
      std::string type = body["type"].get<std::string>();
      kuzu.edge(type, from->type, from->key, to->type, to->key);
      request.edges.push_back({type, *from, *to, properties});
    }
    return request.nodes.size() + request.edges.size() >= 5000 ? flush() : Status();
  });
  if (!stats.ok()) return stats.status();
  EXPGRAPH_RETURN_IF_ERROR(flush());
  if (!reuse) {
    if (!kuzu.finish()) return Status::internal("cannot write the Kuzu CSV files");
    std::ofstream(ready) << "ok\n";
  }
  return store;
}

std::vector<QuerySpec> upworthy_queries(const std::vector<std::string>& experiments) {
  std::vector<json> by_key, pairs;
  const size_t step = std::max<size_t>(1, experiments.size() / 10);
  for (size_t i = 0; i < experiments.size() && by_key.size() < 10; i += step) {
    by_key.push_back({{"key", experiments[i]}});
  }
  for (size_t i = 0; i < by_key.size(); ++i) {
    pairs.push_back(
        {{"from", by_key[i]["key"]}, {"to", by_key[(i + 1) % by_key.size()]["key"]}});
  }
  const json none = json::array({json::object()});
  auto same = [](std::string name, const char* kind, std::string text, std::vector<json> params) {
    return QuerySpec{std::move(name), kind, text, text, std::move(params)};
  };
  return {
      same("point lookup by key", kTraversal,
           "MATCH (e:Experiment {key: $key}) RETURN e.key AS key, e.status AS status, "
           "e.kind AS kind, e.started_at AS started",
           by_key),
      same("1-hop expand with filter", kTraversal,
           "MATCH (e:Experiment {key: $key})-[:HAS_RESULT]->(r:Result) WHERE r.users > 1000 "
           "RETURN count(*) AS n",
           by_key),
      same("2-hop count(DISTINCT)", kTraversal,
           "MATCH (e:Experiment {key: $key})-[:HAS_VARIANT]->()-[:USES_ASSET]->(a) "
           "RETURN count(DISTINCT a) AS n",
           by_key),
      same("var-length *1..3 count(DISTINCT)", kTraversal,
           "MATCH (e:Experiment {key: $key})-[*1..3]->(x) RETURN count(DISTINCT x) AS n", by_key),
      {"shortest path (length, <= 6 hops)", kTraversal, kShortestPath,
       "MATCH p = (a:Experiment)-[* SHORTEST 1..6]-(b:Experiment) WHERE a.key = $from AND "
       "b.key = $to RETURN length(p) AS len",
       pairs, "Experiment", Direction::kBoth, 6},
      same("count(*) of a label", kScan, "MATCH (v:Variant) RETURN count(*) AS n", none),
      same("count(*) of an edge type", kScan, "MATCH ()-[r:USES_ASSET]->() RETURN count(*) AS n",
           none),
      same("group-by aggregation over a label", kScan,
           "MATCH (r:Result) RETURN r.significant AS significant, count(*) AS n, "
           "sum(r.users) AS users, sum(r.conversions) AS clicks ORDER BY significant",
           none),
      same("filter + ORDER BY + LIMIT", kScan,
           "MATCH (r:Result) WHERE r.users > 5000 RETURN r.key AS key, r.conversions AS clicks "
           "ORDER BY clicks DESC, key LIMIT 10",
           none),
  };
}

// CPU time of this process in ms (all threads): on a shared machine, wall time includes the
// waits for a core; CPU time does not.
double process_cpu_ms() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
}

Result<cypher::Value::Map> to_params(const json& params) {
  auto value = cypher::from_json(params);
  if (!value.ok()) return value.status();
  return value->as_map();
}

// One run of a query; `answer`, when given, receives the rows as JSON.
Status run_once(GraphStore& store, const QuerySpec& spec, const json& params, json* answer) {
  if (spec.expgraph == kShortestPath) {
    auto from = store.find_node_id({spec.path_label, params["from"].get<std::string>()});
    auto to = store.find_node_id({spec.path_label, params["to"].get<std::string>()});
    if (!from.ok()) return from.status();
    if (!to.ok()) return to.status();
    if (!from->has_value() || !to->has_value()) return Status::not_found("no such path end");
    TraversalFilter filter;
    filter.direction = spec.path_direction;
    auto path =
        shortest_path(store.topology(), **from, **to, spec.path_max_hops, filter);
    if (answer != nullptr) {
      *answer = json::array();
      if (path) answer->push_back(json::array({static_cast<int64_t>(path->size())}));
    }
    return Status();
  }
  auto map = to_params(params);
  if (!map.ok()) return map.status();
  QueryLimits limits;
  limits.max_rows = QueryLimits::kMaxRows;
  limits.timeout_ms = 600000;
  limits.memory_bytes = int64_t{4} << 30;
  auto result = cypher::run_query(store, spec.expgraph, *map, limits);
  if (!result.ok()) return result.status();
  if (answer != nullptr) *answer = result->to_json()["rows"];
  return Status();
}

// Times every query: one untimed run per parameter set (its answer is kept), then `reps`
// timed runs cycling through the parameter sets. Writes queries.json and expgraph.json.
Status time_queries(GraphStore& store, const std::vector<QuerySpec>& specs, const Flags& flags,
                    const fs::path& dir) {
  json queries = json::array();
  json results = json::array();
  for (const QuerySpec& spec : specs) {
    const int reps = spec.kind == std::string(kScan) ? flags.scan_reps : flags.reps;
    json answers = json::array();
    for (const json& params : spec.params) {
      json answer;
      Status status = run_once(store, spec, params, &answer);
      if (!status.ok()) {
        return Status::internal(spec.name + ": " + status.to_string());
      }
      answers.push_back(answer);
    }
    std::vector<double> times, cpu;
    for (int i = 0; i < reps; ++i) {
      const json& params = spec.params[i % spec.params.size()];
      const double cpu_start = process_cpu_ms();
      const auto start = std::chrono::steady_clock::now();
      EXPGRAPH_RETURN_IF_ERROR(run_once(store, spec, params, nullptr));
      times.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count());
      cpu.push_back(process_cpu_ms() - cpu_start);
    }
    std::vector<double> sorted = times;
    std::sort(sorted.begin(), sorted.end());
    std::fprintf(stderr, "expgraph  %-36s median %9.3f ms\n", spec.name.c_str(),
                 sorted[sorted.size() / 2]);
    queries.push_back({{"name", spec.name},
                       {"kind", spec.kind},
                       {"expgraph", spec.expgraph},
                       {"kuzu", spec.kuzu},
                       {"params", spec.params},
                       {"reps", reps}});
    results.push_back(
        {{"name", spec.name}, {"times_ms", times}, {"cpu_ms", cpu}, {"answers", answers}});
  }
  std::ofstream(dir / "queries.json") << queries.dump(2) << '\n';
  std::ofstream(dir / "expgraph.json") << results.dump() << '\n';
  return Status();
}

bool parse_flags(int argc, char** argv, Flags& flags) {
  std::map<std::string, std::string> values;
  for (int i = 1; i < argc; ++i) {
    if (i + 1 >= argc || std::string(argv[i]).rfind("--", 0) != 0) return false;
    values[argv[i]] = argv[i + 1];
    ++i;
  }
  flags.graph = skewed_graph_options(values);
  for (const auto& [name, value] : values) {
    if (name == "--dir") {
      flags.dir = value;
    } else if (name == "--datasets") {
      flags.datasets.clear();
      for (size_t start = 0; start <= value.size();) {
        size_t comma = value.find(',', start);
        if (comma == std::string::npos) comma = value.size();
        flags.datasets.push_back(value.substr(start, comma - start));
        start = comma + 1;
      }
    } else if (name == "--reps") {
      flags.reps = std::atoi(value.c_str());
    } else if (name == "--scan-reps") {
      flags.scan_reps = std::atoi(value.c_str());
    } else if (name == "--csv") {
      flags.csv = value;
    } else if (name == "--ontology-dir") {
      flags.ontology_dir = value;
    } else if (name == "--column-cache-mb") {
      flags.store.column_cache_bytes = static_cast<size_t>(std::atoll(value.c_str())) << 20;
    } else if (name != "--nodes" && name != "--edges" && name != "--skew" && name != "--seed") {
      return false;
    }
  }
  return flags.reps > 0 && flags.scan_reps > 0;
}

int run(const Flags& flags) {
  for (const std::string& dataset : flags.datasets) {
    std::unique_ptr<GraphStore> store;
    std::vector<QuerySpec> specs;
    fs::path dir;
    if (dataset == "skewed") {
      const SkewedGraphOptions& o = flags.graph;
      char name[160];
      std::snprintf(name, sizeof name, "skewed-%u-%llu-%g-%llu", o.nodes,
                    static_cast<unsigned long long>(o.edges), o.skew,
                    static_cast<unsigned long long>(o.seed));
      dir = fs::path(flags.dir) / name;
      auto ontology = load_ontology(flags.ontology_dir + "tools/bench/bench-ontology.json");
      if (!ontology.ok()) {
        std::fprintf(stderr, "ontology: %s\n", ontology.status().to_string().c_str());
        return 1;
      }
      SkewedGraph graph = SkewedGraph::generate(o);
      auto loaded = load_skewed(flags, dir, *ontology, graph);
      if (!loaded.ok()) {
        std::fprintf(stderr, "skewed: %s\n", loaded.status().to_string().c_str());
        return 1;
      }
      store = std::move(*loaded);
      specs = skewed_queries(graph);
    } else if (dataset == "upworthy") {
      dir = fs::path(flags.dir) / "upworthy";
      auto ontology = load_ontology(flags.ontology_dir + "ontology/marketing.json");
      if (!ontology.ok()) {
        std::fprintf(stderr, "ontology: %s\n", ontology.status().to_string().c_str());
        return 1;
      }
      std::vector<std::string> experiments;
      auto loaded = load_upworthy(flags, dir, *ontology, experiments);
      if (!loaded.ok()) {
        std::fprintf(stderr, "upworthy: %s\n", loaded.status().to_string().c_str());
        return 1;
      }
      store = std::move(*loaded);
      specs = upworthy_queries(experiments);
    } else {
      std::fprintf(stderr, "unknown data set %s (skewed, upworthy)\n", dataset.c_str());
      return 2;
    }
    std::fprintf(stderr, "expgraph: %s: %zu nodes, %zu edges\n", dataset.c_str(),
                 store->node_count(), store->edge_count());
    Status timed = time_queries(*store, specs, flags, dir);
    if (!timed.ok()) {
      std::fprintf(stderr, "%s: %s\n", dataset.c_str(), timed.to_string().c_str());
      return 1;
    }
    std::printf("%s\n", dir.string().c_str());  // the data set folder, for kuzu_compare.js
  }
  return 0;
}

}  // namespace
}  // namespace expgraph::bench

int main(int argc, char** argv) {
  expgraph::bench::Flags flags;
  if (!expgraph::bench::parse_flags(argc, argv, flags)) {
    std::fprintf(stderr,
                 "usage: bench_kuzu_compare [--dir DIR] [--datasets skewed,upworthy] [--nodes N] "
                 "[--edges M] [--skew S] [--seed N] [--reps R] [--scan-reps S] [--csv FILE] "
                 "[--ontology-dir SOURCE_TREE/] [--column-cache-mb N]\n");
    return 2;
  }
  return expgraph::bench::run(flags);
}
