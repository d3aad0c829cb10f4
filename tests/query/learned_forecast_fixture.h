// A synthetic catalog for the learned-forecast tests: one headline word truly raises the rate,
// so a model that learns from within-test pairs must find it. Dates rise with the test index.
#pragma once

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "insights_fixture.h"

namespace expgraph::insights::testing {

// A distinct date per index, increasing with it (336 a year).
inline std::string day(int i) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", 2020 + i / 336, 1 + (i / 28) % 12,
                1 + i % 28);
  return buffer;
}

// `tests` two-arm tests; the arm whose headline opens with "Amazing" converts at 6%, the one
// that opens with "Ancient" (same length) at 4%; the topic varies and is shared within a test.
inline ExperimentCatalog synthetic_catalog(size_t tests = 120) {
  ExperimentCatalog c;
  const char* fillers[] = {"dogs", "cats", "rain", "money", "music", "city", "food", "sleep"};
  for (size_t t = 0; t < tests; ++t) {
    const std::string topic = fillers[t % 8];
    const size_t with = c.add_asset(
        {"a" + std::to_string(t) + "w", "headline", "Amazing story about " + topic, {}});
    const size_t without = c.add_asset(
        {"a" + std::to_string(t) + "o", "headline", "Ancient story about " + topic, {}});
    // Alternate which arm has the word so that arm order carries no signal.
    std::vector<ArmFacts> arms = {arm("v" + std::to_string(t) + "w", 5000, 300, {with}),
                                  arm("v" + std::to_string(t) + "o", 5000, 200, {without})};
    if (t % 2 == 1) std::swap(arms[0], arms[1]);
    c.experiments.push_back(
        experiment("e" + std::to_string(10000 + t), day(static_cast<int>(t)), std::move(arms)));
  }
  c.finish();
  return c;
}

}  // namespace expgraph::insights::testing
