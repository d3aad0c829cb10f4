// GrowthBook -> graph: maps what GrowthBook's REST API returns (GET /api/v1/experiments and
// GET /api/v1/experiments/{id}/results; schemas Experiment and ExperimentResults) onto the
// ontology as import lines ({"node": ...} / {"edge": ...}). Used by `expgraph import --format
// growthbook` (tools/importers) and by POST /v1/import?format=growthbook (api/routes). Keys
// derive from GrowthBook's ids only, so a re-import writes the same items. Pure; thread-safe.
//
// Mapping (docs/importers.md, "GrowthBook"):
//   Experiment  gb-<id>                     status, kind, dates from the phases, decision
//   Hypothesis  gb-<id>-hypothesis          the experiment's hypothesis (TESTS)
//   Variant     gb-<id>-<variationId>       the first variation is the control (HAS_VARIANT)
//   Metric      gb-<metricId>               goals primary, secondary, guardrails (MEASURES)
//   Result      gb-<id>-<metricId>-<variationId>[-p<phase>][-<dimension>]  users, numerator,
//               mean, lift = percentChange, ci_low/ci_high = ciLow/ciHigh, p_value, and the
//               Bayesian chance to beat control (HAS_RESULT, FOR_VARIANT, ON_METRIC)
//   Learning    gb-<id>-conclusions         resultSummary.conclusions (YIELDED, SUPPORTS or
//               CONTRADICTS the hypothesis)
//   Team        gb-team-<owner>             the owner (OWNED_BY)
//   DataSource  growthbook[-<datasourceId>] (SOURCED_FROM)
//   Segment     gb-<id>-<dimension>         results broken down by a dimension (IN_SEGMENT)
#pragma once

#include <cstddef>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "ontology/status.h"

namespace expgraph::interchange {

struct GrowthbookStats {
  size_t experiments_read = 0;
  size_t experiments_skipped = 0;  // each explained in `warnings`
  size_t results_read = 0;         // ExperimentResults documents
  size_t results_skipped = 0;      // metric x variation rows left out; each explained
  std::vector<std::string> warnings;
};

// Receives the import lines in order (each node once, before the edges that use it); a non-ok
// Status stops the conversion and is returned by it.
using LineSink = std::function<Status(nlohmann::json line)>;

// `text` is one JSON document or JSON Lines of them, each either a list answer
// {"experiments": [...]}, a results answer {"experiment": {...}, "result": {...}}, a bare
// Experiment or ExperimentResults, or an array of these. A record that cannot be mapped (an
// experiment without id, name or variations; a metric row without its analysis figures) is
// skipped with a warning naming it. invalid_argument when the text holds no GrowthBook
// document at all.
Result<GrowthbookStats> convert_growthbook(std::string_view text, const LineSink& sink);

}  // namespace expgraph::interchange
