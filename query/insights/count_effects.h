// Effects of arms that were entered as counts alone. A team that records each arm's users and
// conversions (or users, sum and sum of squares) without a stored lift would otherwise give
// similar tests, search hits and the meta-analytic forecast nothing to go on.
#pragma once

#include <vector>

#include "query/insights/experiment_catalog.h"

namespace expgraph::insights {

// For each arm of one experiment (on one metric) that has counts and no effect: its effect
// against the control arms' counts pooled, or, when no arm is the control, against the other
// arms' counts pooled (the test's mean, as the Upworthy importer states for tests without a
// control). Fills lift, ci_low, ci_high, p_value, log_lift and log_lift_se, marks the arm
// derived, from "control_counts" or "other_arms_counts". Control arms get no effect of their
// own when there is a control; arms whose counts are of the other kind (binary against
// continuous) or cannot be compared (no users, a zero baseline) are left as they are.
void derive_effects_from_counts(std::vector<ArmFacts>& arms);

}  // namespace expgraph::insights
