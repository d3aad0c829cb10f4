#include "query/insights/result_stats_enricher.h"

#include <cmath>
#include <string>

#include "query/analytics/result_stats.h"

namespace expgraph::insights {

namespace {

using nlohmann::json;

constexpr const char* kBinaryMethod =
    "two-proportion z-test (unpooled), delta-method CI on the ratio";
constexpr const char* kContinuousMethod = "Welch z-test, delta-method CI on the ratio";

bool has(const json& properties, const char* name) {
  auto it = properties.find(name);
  return it != properties.end() && !it->is_null();
}

// NaN (an undefined lift) is stored as an absent property, never as a number.
void set_or_erase(json& properties, const char* name, double value, bool defined = true) {
  if (defined && std::isfinite(value)) {
    properties[name] = value;
  } else {
    properties.erase(name);
  }
}

}  // namespace

Status ResultStatsEnricher::enrich(const NodeType& type, json& properties) const {
  if (type.name != "Result" || !properties.is_object()) return Status();
  const bool any_baseline = has(properties, "baseline_users") ||
                            has(properties, "baseline_conversions") ||
                            has(properties, "baseline_sum") || has(properties, "baseline_sum_sq");
  if (!any_baseline) return Status();
  // Wrong types are left to the ontology's validation, which names the property.
  for (const char* name : {"users", "baseline_users", "conversions", "baseline_conversions"}) {
    if (has(properties, name) && !properties[name].is_number_integer()) return Status();
  }
  for (const char* name :
       {"sum", "sum_sq", "baseline_sum", "baseline_sum_sq", "confidence_level"}) {
    if (has(properties, name) && !properties[name].is_number()) return Status();
  }

  double alpha = 0.05;
  if (has(properties, "confidence_level")) {
    const double level = properties["confidence_level"].get<double>();
    if (level > 0 && level < 1) alpha = 1 - level;
  } else {
    properties["confidence_level"] = 1 - alpha;
  }

  const bool binary = has(properties, "conversions") && has(properties, "baseline_conversions");
  const bool continuous = has(properties, "sum") && has(properties, "sum_sq") &&
                          has(properties, "baseline_sum") && has(properties, "baseline_sum_sq");
  if (!has(properties, "users") || !has(properties, "baseline_users") || (!binary && !continuous)) {
    return Status::invalid_argument(
        "Result statistics need users and baseline_users with either conversions and "
        "baseline_conversions, or sum, sum_sq, baseline_sum and baseline_sum_sq");
  }
  const int64_t users = properties["users"].get<int64_t>();
  const int64_t baseline_users = properties["baseline_users"].get<int64_t>();
  Result<analytics::Comparison> comparison =
      binary ? analytics::compare_proportions(
                   {baseline_users, properties["baseline_conversions"].get<int64_t>()},
                   {users, properties["conversions"].get<int64_t>()}, alpha)
             : analytics::compare_means(
                   {baseline_users, properties["baseline_sum"].get<double>(),
                    properties["baseline_sum_sq"].get<double>()},
                   {users, properties["sum"].get<double>(), properties["sum_sq"].get<double>()},
                   alpha);
  if (!comparison.ok()) {
    Status status = comparison.status();
    return status.prepend("Result statistics");
  }
  const analytics::Comparison& c = *comparison;
  set_or_erase(properties, "rate", c.treatment_value);
  set_or_erase(properties, "baseline_rate", c.control_value);
  set_or_erase(properties, "lift", c.lift, c.lift_defined);
  set_or_erase(properties, "ci_low", c.ci_low, c.lift_defined);
  set_or_erase(properties, "ci_high", c.ci_high, c.lift_defined);
  set_or_erase(properties, "p_value", c.p_value);
  set_or_erase(properties, "log_lift", c.log_lift, c.log_lift_defined);
  set_or_erase(properties, "log_lift_se", c.log_lift_se, c.log_lift_defined);
  properties["significant"] = c.significant;
  properties["underpowered"] = c.underpowered;
  if (!has(properties, "method")) properties["method"] = binary ? kBinaryMethod : kContinuousMethod;
  return Status();
}

}  // namespace expgraph::insights
