// ResultStatsEnricher: computes a Result's statistics when it is written. From the raw counts of
// the arm (users + conversions, or users + sum + sum_sq) and of its baseline (baseline_users +
// baseline_conversions, or baseline_users + baseline_sum + baseline_sum_sq) it stores rate,
// baseline_rate, lift, ci_low, ci_high, p_value, significant, underpowered, log_lift and
// log_lift_se, replacing any values the client sent. Registered on the GraphStore by expgraphd.
// Thread-safe (stateless).
#pragma once

#include "graph/node_enricher.h"

namespace expgraph::insights {

class ResultStatsEnricher final : public NodeEnricher {
 public:
  // Results without baseline counts are left alone. invalid_argument when the baseline counts
  // are incomplete or impossible (conversions > users, users <= 0, ...). The level is the
  // Result's confidence_level when it is in (0, 1), else 0.95 (then stored).
  Status enrich(const NodeType& type, nlohmann::json& properties) const override;
};

}  // namespace expgraph::insights
