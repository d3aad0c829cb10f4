// The engine side of the openCypher TCK harness (tools/tck/run_tck.py). It reads one JSON request
// per line on stdin and answers one JSON line on stdout, so the Python side can parse the Gherkin
// features and compare results while the graph and the query run in-process on the real engine:
//
//   {"ontology": {...}, "nodes": [{"type", "key", "properties"}],
//    "edges": [{"type", "from": {"type", "key"}, "to": {...}, "properties"}],
//    "query": "MATCH ...", "params": {...}}
//   -> {"ok": true, "result": <QueryResult::to_json()>}
//   |  {"ok": false, "stage": "ontology" | "write" | "query", "code": "...", "message": "...",
//      "compile": true | false}
//
// "compile" (for the query stage) says whether the query is refused before it runs: EXPLAIN of
// the same text, which parses, binds and plans without executing, fails with the same code.
//
// Each request sees only its own nodes and edges: they are deleted after the query. The store is
// reused while the ontology stays the same (opening one costs about half a second here, so the
// harness sends one ontology for the whole run); a new ontology opens a fresh store in a new
// temporary directory.
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "graph/graph_store.h"
#include "ontology/ontology.h"
#include "query/cypher/query_engine.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace expgraph;

json run(GraphStore& graph, const json& request);

json failure(std::string_view stage, const Status& status) {
  return {{"ok", false},
          {"stage", stage},
          {"code", status.error_code()},
          {"message", status.message()}};
}

expgraph::NodeRef node_ref(const json& ref) {
  return {ref.at("type").get<std::string>(), ref.at("key").get<std::string>()};
}

// The open store, the ontology it was opened with and its directory (removed with it).
struct OpenStore {
  std::string ontology;
  fs::path directory;
  std::unique_ptr<GraphStore> graph;

  ~OpenStore() {
    graph.reset();
    if (!directory.empty()) fs::remove_all(directory);
  }
};

json answer(const json& request, const fs::path& base, int counter,
            std::unique_ptr<OpenStore>& open) {
  std::string ontology_text = request.at("ontology").dump();
  if (!open || open->ontology != ontology_text) {
    open.reset();
    auto ontology = Ontology::from_json(request.at("ontology"));
    if (!ontology.ok()) return failure("ontology", ontology.status());
    auto fresh = std::make_unique<OpenStore>();
    fresh->ontology = ontology_text;
    fresh->directory = base / std::to_string(counter);
    fs::remove_all(fresh->directory);
    fs::create_directories(base);
    auto graph = GraphStore::open(fresh->directory.string(),
                                  std::make_shared<Ontology>(std::move(ontology).value()));
    if (!graph.ok()) return failure("open", graph.status());
    fresh->graph = std::move(graph).value();
    open = std::move(fresh);
  }
  GraphStore& graph = *open->graph;
  WriteRequest write;
  for (const json& node : request.value("nodes", json::array())) {
    write.nodes.push_back({node.at("type").get<std::string>(), node.at("key").get<std::string>(),
                           node.value("properties", json::object())});
  }
  for (const json& edge : request.value("edges", json::array())) {
    write.edges.push_back({edge.at("type").get<std::string>(), node_ref(edge.at("from")),
                           node_ref(edge.at("to")), edge.value("properties", json::object())});
  }
  WriteRequest cleanup;  // deleting the nodes takes their edges with them
  for (const NodeWrite& node : write.nodes) cleanup.node_deletes.push_back({node.type, node.key});
  json reply;
  if (!write.nodes.empty() || !write.edges.empty()) {
    auto written = graph.write(write);
    if (!written.ok()) {
      open.reset();  // a partial write cannot happen (one batch), but start clean anyway
      return failure("write", written.status());
    }
  }
  reply = run(graph, request);
  if (!cleanup.node_deletes.empty()) {
    auto deleted = graph.write(cleanup);
    if (!deleted.ok()) open.reset();
  }
  return reply;
}

json run(GraphStore& graph, const json& request) {
  auto params = cypher::from_json(request.value("params", json::object()));
  if (!params.ok()) return failure("params", params.status());
  QueryLimits limits;
  limits.timeout_ms = request.value("timeout_ms", int64_t{10000});
  std::string query = request.at("query").get<std::string>();
  auto result = cypher::run_query(graph, query, params->as_map(), limits);
  if (!result.ok()) {
    json reply = failure("query", result.status());
    auto explained = cypher::run_query(graph, "EXPLAIN " + query, params->as_map(), limits);
    reply["compile"] =
        !explained.ok() && explained.status().error_code() == result.status().error_code();
    return reply;
  }
  return {{"ok", true}, {"result", result->to_json()}};
}

}  // namespace

int main() {
  std::ios::sync_with_stdio(false);
  fs::path base = fs::temp_directory_path() / ("expgraph_tck_" + std::to_string(::getpid()));
  std::string line;
  int counter = 0;
  std::unique_ptr<OpenStore> open;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    json reply;
    try {
      reply = answer(json::parse(line), base, ++counter, open);
    } catch (const std::exception& error) {
      reply = {{"ok", false}, {"stage", "request"}, {"code", "bad_request"},
               {"message", error.what()}};
    }
    std::cout << reply.dump(-1, ' ', false, json::error_handler_t::replace) << "\n" << std::flush;
  }
  open.reset();
  fs::remove_all(base);
  return 0;
}
