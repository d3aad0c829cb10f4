// The shipped default ontology (ontology/marketing.json), loaded once per test binary. A load
// failure is reported as a test failure (with every detail) and yields an empty ontology.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "ontology/ontology.h"

namespace expgraph::testing {

inline const Ontology& marketing_ontology() {
  static const Ontology ontology = [] {
    Result<Ontology> loaded = Ontology::load_file(EXPGRAPH_SOURCE_DIR "/ontology/marketing.json");
    if (!loaded.ok()) {
      ADD_FAILURE() << loaded.status().to_string();
      for (const std::string& detail : loaded.status().details()) ADD_FAILURE() << detail;
      return Ontology();
    }
    return std::move(loaded).value();
  }();
  return ontology;
}

}  // namespace expgraph::testing
