// Shared setup of the libFuzzer targets under tools/fuzz: the marketing ontology and a scratch
// GraphStore in a temporary directory, opened once per fuzzing process. Not thread-safe (each
// libFuzzer process runs one input at a time).
#pragma once

#include <memory>

#include "graph/graph_store.h"
#include "ontology/ontology.h"

namespace expgraph::fuzz {

// The ontology of ontology/marketing.json; aborts when it cannot be loaded (a setup bug).
const Ontology& marketing_ontology();
// A GraphStore over a fresh temporary directory, shared by every input of the process.
GraphStore& scratch_graph();

}  // namespace expgraph::fuzz
