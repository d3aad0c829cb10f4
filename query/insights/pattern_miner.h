// Pattern miner: groups concluded experiments by a shared feature and pools their effects with a
// DerSimonian-Laird random-effects meta-analysis. Two kinds of feature:
//  - arm features (an asset kind, an asset tag, a headline feature such as a number): the study
//    of one experiment is the within-test contrast of its arms with the feature against its arms
//    without it (pooled counts, log relative lift), so only tests where the feature varies count;
//  - experiment features (a segment, including its ancestors, a channel): the study is the
//    experiment's treatment arms pooled against its control arm(s).
// Used by InsightsService::patterns and tools/bench/upworthy_forward_eval. Pure, thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "query/analytics/meta_analysis.h"
#include "query/insights/experiment_catalog.h"

namespace expgraph::insights {

struct PatternFilter {
  std::optional<std::string> channel;  // experiments that RUN_ON it
  std::optional<std::string> segment;  // that TARGET it or a subsegment of it
  std::optional<std::string> metric;   // that MEASURE it
  size_t min_tests = 3;
  std::string before;  // only experiments started before this date (YYYY-MM-DD); "" = all
};

// One experiment's evidence about one feature.
struct PatternStudy {
  size_t experiment = 0;  // index into the catalog
  double effect = 0;      // log relative lift of the feature side (negated where lower is better)
  double se = 0;
  // From the arms' summaries (lift, interval or p-value against the control: the stored or
  // derived log_lift), because some arm had no counts to pool.
  bool derived = false;
};

struct Pattern {
  std::string feature;  // "headline:number", "asset_kind:image", "segment:new", ...
  std::string scope;    // "arm" or "experiment"
  analytics::MetaAnalysis meta;
  analytics::RelativeLift lift;  // pooled, on the relative-lift scale
  double win_rate = 0;           // share of studies whose effect is > 0
  double evidence = 0;           // |pooled| / pooled_se: the ordering key
  std::vector<PatternStudy> studies;
  size_t reuses = 0;  // INSPIRED_BY edges into the learnings of its experiments
};

// The arm-level features of one arm: "asset_kind:<kind>", "asset_tag:<tag>" and
// "headline:<feature>" for the text of its headline (or other text) assets. Sorted, unique.
std::vector<std::string> arm_features(const ExperimentCatalog& catalog, const ArmFacts& arm);

// The evidence one experiment gives about each feature (arm contrasts and experiment features).
std::map<std::string, PatternStudy> experiment_studies(const ExperimentCatalog& catalog,
                                                       size_t experiment);

// Whether a past experiment passes the filter (status concluded/stopped included).
bool pattern_scope_matches(const ExperimentCatalog& catalog, const ExperimentFacts& experiment,
                           const PatternFilter& filter);

// Every feature with at least min_tests studies, by decreasing evidence.
std::vector<Pattern> mine_patterns(const ExperimentCatalog& catalog, const PatternFilter& filter);

// Patterns for the context asked for or, when it has none (too few tests), for the nearest
// broader one: the segment's parent segments (nearest first), then any segment, then also any
// channel. The metric is kept: a pattern on another metric answers another question.
struct PatternAnswer {
  std::vector<Pattern> patterns;
  PatternFilter context;  // the filter the patterns come from
  // "" when from the context asked for; else "parent_segment", "any_segment", "any_channel".
  std::string fallback;
};
PatternAnswer mine_patterns_nearest(const ExperimentCatalog& catalog, const PatternFilter& filter);

// Pools a feature's studies into a Pattern; nullopt when the meta-analysis fails.
std::optional<Pattern> pool_pattern(const ExperimentCatalog& catalog, std::string feature,
                                    std::vector<PatternStudy> studies);

}  // namespace expgraph::insights
