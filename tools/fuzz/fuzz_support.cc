#include "tools/fuzz/fuzz_support.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace expgraph::fuzz {

namespace {

std::shared_ptr<Ontology> load_ontology() {
  auto ontology = Ontology::load_file(EXPGRAPH_FUZZ_ONTOLOGY);
  if (!ontology.ok()) {
    std::fprintf(stderr, "fuzz setup: %s\n", ontology.status().message().c_str());
    std::abort();
  }
  return std::make_shared<Ontology>(std::move(ontology).value());
}

const std::shared_ptr<Ontology>& shared_ontology() {
  static const std::shared_ptr<Ontology> ontology = load_ontology();
  return ontology;
}

}  // namespace

const Ontology& marketing_ontology() { return *shared_ontology(); }

GraphStore& scratch_graph() {
  static std::unique_ptr<GraphStore> graph = [] {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "expgraph-fuzz-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) std::abort();
    auto opened = GraphStore::open(pattern, shared_ontology());
    if (!opened.ok()) {
      std::fprintf(stderr, "fuzz setup: %s\n", opened.status().message().c_str());
      std::abort();
    }
    // run-fuzzers points TMPDIR into its build directory and removes it afterwards.
    return std::move(opened).value();
  }();
  return *graph;
}

}  // namespace expgraph::fuzz
