// Hand-built ExperimentCatalogs for the insights unit tests: experiments whose arms, counts and
// context are chosen so that the right answer is known by construction.
#pragma once

#include <string>
#include <vector>

#include "query/insights/experiment_catalog.h"

namespace expgraph::insights::testing {

// An arm with binary counts and, when `effect_se` > 0, a stored log lift.
inline ArmFacts arm(std::string key, int64_t users, int64_t conversions,
                    std::vector<size_t> assets = {}, bool is_control = false, double log_lift = 0,
                    double log_lift_se = 0) {
  ArmFacts a;
  a.key = std::move(key);
  a.users = users;
  a.conversions = conversions;
  a.assets = std::move(assets);
  a.is_control = is_control;
  a.has_result = true;
  a.result_key = a.key + "-result";
  if (log_lift_se > 0) {
    a.log_lift = log_lift;
    a.log_lift_se = log_lift_se;
    a.lift = std::expm1(log_lift);
    a.p_value = 0.5;
  }
  return a;
}

inline ExperimentFacts experiment(std::string key, std::string started_at,
                                  std::vector<ArmFacts> arms = {}) {
  ExperimentFacts e;
  e.key = std::move(key);
  e.name = "Experiment " + e.key;
  e.status = "concluded";
  e.started_at = std::move(started_at);
  e.arms = std::move(arms);
  return e;
}

}  // namespace expgraph::insights::testing
