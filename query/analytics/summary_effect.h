// The effect of a Result reported only as a summary (relative lift with an interval and/or a
// p-value, no counts), as most testing tools export it: its log-lift and standard error, the
// currency of meta-analysis, derived so that such results count wherever counted ones do.
// Used by the experiment catalog, the one place the insights read Results. Pure; thread-safe.
#pragma once

#include <optional>

namespace expgraph::analytics {

enum class SummarySource { kInterval, kPValue };

struct SummaryEffect {
  double log_lift = 0;     // ln(1 + lift)
  double log_lift_se = 0;  // > 0
  SummarySource source = SummarySource::kInterval;
};

// From the interval when it is usable, else from the p-value; nullopt when neither gives a
// finite positive standard error (lift missing or <= -1, no interval and p-value missing, 0, 1,
// or lift 0). NaN marks a missing value.
// - interval at `confidence_level` with both ends > -1: se = (ln(1 + high) - ln(1 + low)) / 2z,
//   exact for intervals symmetric on the log scale, and within a few percent of the next rule
//   for the narrow symmetric intervals of the delta method;
// - interval reaching -1 or below (a delta-method interval of an uncertain ratio):
//   se = (high - low) / 2z / (1 + lift), the delta method backwards;
// - p-value (two-sided, of a test of no difference): se = |ln(1 + lift)| / z_{1 - p/2}.
std::optional<SummaryEffect> summary_effect(double lift, double ci_low, double ci_high,
                                            double p_value, double confidence_level = 0.95);

// "interval" / "p_value".
const char* summary_source_name(SummarySource source);

}  // namespace expgraph::analytics
