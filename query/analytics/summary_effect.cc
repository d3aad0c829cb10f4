#include "query/analytics/summary_effect.h"

#include <cmath>

#include "query/analytics/distributions.h"

namespace expgraph::analytics {

std::optional<SummaryEffect> summary_effect(double lift, double ci_low, double ci_high,
                                            double p_value, double confidence_level) {
  if (!std::isfinite(lift) || lift <= -1) return std::nullopt;
  const double log_lift = std::log1p(lift);
  if (std::isfinite(ci_low) && std::isfinite(ci_high) && ci_high > ci_low && confidence_level > 0 &&
      confidence_level < 1) {
    const double z = normal_quantile(0.5 + confidence_level / 2);
    const double se = ci_low > -1 ? (std::log1p(ci_high) - std::log1p(ci_low)) / (2 * z)
                                  : (ci_high - ci_low) / (2 * z) / (1 + lift);
    if (std::isfinite(se) && se > 0) return SummaryEffect{log_lift, se, SummarySource::kInterval};
  }
  if (std::isfinite(p_value) && p_value > 0 && p_value < 1 && log_lift != 0) {
    const double z = normal_quantile(1 - p_value / 2);
    const double se = std::fabs(log_lift) / z;
    if (std::isfinite(se) && se > 0) return SummaryEffect{log_lift, se, SummarySource::kPValue};
  }
  return std::nullopt;
}

const char* summary_source_name(SummarySource source) {
  return source == SummarySource::kInterval ? "interval" : "p_value";
}

}  // namespace expgraph::analytics
