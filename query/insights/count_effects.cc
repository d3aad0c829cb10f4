#include "query/insights/count_effects.h"

#include <cmath>
#include <optional>

#include "query/analytics/result_stats.h"

namespace expgraph::insights {

namespace {

// An arm's counts, of one kind: binary (conversions) or continuous (sum and sum_sq).
struct Counts {
  bool binary = true;
  analytics::ArmMoments moments;  // for binary counts: users and conversions in users / sum

  Counts& operator+=(const Counts& other) {
    moments.users += other.moments.users;
    moments.sum += other.moments.sum;
    moments.sum_sq += other.moments.sum_sq;
    return *this;
  }
};

std::optional<Counts> counts_of(const ArmFacts& arm) {
  if (!arm.users || *arm.users <= 0) return std::nullopt;
  Counts c;
  c.moments.users = *arm.users;
  if (arm.conversions) {
    c.moments.sum = static_cast<double>(*arm.conversions);
    return c;
  }
  if (arm.sum && arm.sum_sq) {
    c.binary = false;
    c.moments.sum = *arm.sum;
    c.moments.sum_sq = *arm.sum_sq;
    return c;
  }
  return std::nullopt;
}

Result<analytics::Comparison> compare(const Counts& baseline, const Counts& arm) {
  if (arm.binary) {
    return analytics::compare_proportions(
        {baseline.moments.users, static_cast<int64_t>(baseline.moments.sum)},
        {arm.moments.users, static_cast<int64_t>(arm.moments.sum)});
  }
  return analytics::compare_means(baseline.moments, arm.moments);
}

void set_effect(ArmFacts& arm, const analytics::Comparison& c, const char* source) {
  if (!std::isfinite(c.log_lift) || !std::isfinite(c.log_lift_se) || c.log_lift_se <= 0) return;
  arm.lift = c.lift;
  arm.ci_low = c.ci_low;
  arm.ci_high = c.ci_high;
  arm.p_value = c.p_value;
  arm.log_lift = c.log_lift;
  arm.log_lift_se = c.log_lift_se;
  arm.derived = true;
  arm.derived_from = source;
}

}  // namespace

void derive_effects_from_counts(std::vector<ArmFacts>& arms) {
  std::vector<std::optional<Counts>> counts;
  bool any_control = false;
  for (const ArmFacts& arm : arms) {
    counts.push_back(counts_of(arm));
    any_control = any_control || arm.is_control;
  }
  for (size_t i = 0; i < arms.size(); ++i) {
    ArmFacts& arm = arms[i];
    if (!counts[i] || arm.has_effect() || (any_control && arm.is_control)) continue;
    std::optional<Counts> baseline;
    for (size_t j = 0; j < arms.size(); ++j) {
      const bool in_baseline = any_control ? arms[j].is_control : j != i;
      if (!in_baseline || !counts[j] || counts[j]->binary != counts[i]->binary) continue;
      if (baseline) {
        *baseline += *counts[j];
      } else {
        baseline = counts[j];
      }
    }
    if (!baseline) continue;
    Result<analytics::Comparison> c = compare(*baseline, *counts[i]);
    if (c.ok()) set_effect(arm, *c, any_control ? "control_counts" : "other_arms_counts");
  }
}

}  // namespace expgraph::insights
