#include "query/insights/similar_tests.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

namespace expgraph::insights {

namespace {

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// The digits of text[from, from + n) as a number; nullopt when one is not a digit.
std::optional<unsigned> digits(const std::string& text, size_t from, size_t n) {
  unsigned value = 0;
  for (size_t i = from; i < from + n; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + static_cast<unsigned>(text[i] - '0');
  }
  return value;
}

std::optional<std::chrono::sys_days> parse_date(const std::string& text) {
  int y = 0;
  unsigned m = 0, d = 0;
  if (text.size() < 10) return std::nullopt;
  // YYYY-MM-DD read directly (a forecast reads every past test's date per request); anything
  // else as sscanf reads it.
  const auto year = digits(text, 0, 4), month = digits(text, 5, 2), day = digits(text, 8, 2);
  if (year && month && day && text[4] == '-' && text[7] == '-') {
    y = static_cast<int>(*year);
    m = *month;
    d = *day;
  } else if (std::sscanf(text.c_str(), "%4d-%2u-%2u", &y, &m, &d) != 3) {
    return std::nullopt;
  }
  std::chrono::year_month_day date{std::chrono::year(y), std::chrono::month(m),
                                   std::chrono::day(d)};
  if (!date.ok()) return std::nullopt;
  return std::chrono::sys_days(date);
}

std::string format_date(std::chrono::sys_days day) {
  std::chrono::year_month_day date{day};
  char buffer[16];
  std::snprintf(buffer, sizeof(buffer), "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return buffer;
}

std::string today() {
  return format_date(std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()));
}

}  // namespace

std::optional<int> days_between(const std::string& from, const std::string& to) {
  auto a = parse_date(from);
  auto b = parse_date(to);
  if (!a || !b) return std::nullopt;
  return static_cast<int>((*b - *a).count());
}

std::string add_days(const std::string& date, int days) {
  auto day = parse_date(date);
  return day ? format_date(*day + std::chrono::days(days)) : "";
}

std::vector<Recommendation> recommend_similar_tests(const ExperimentCatalog& catalog,
                                                    const DraftTest& draft,
                                                    const std::unordered_map<size_t, double>& text,
                                                    const SimilarityWeights& w) {
  const std::string as_of = draft.as_of.empty() ? today() : draft.as_of;
  const std::optional<std::chrono::sys_days> as_of_day = parse_date(as_of);
  std::vector<std::string> draft_lineage;
  if (draft.segment) draft_lineage = catalog.lineage(*draft.segment);
  // The signals that matched, as bits while every past test is scored (a forecast scores the
  // whole catalog per request), named for the k kept only.
  enum Signal : unsigned {
    kText = 1,
    kChannel = 2,
    kSegment = 4,
    kNestedSegment = 8,
    kMetric = 16,
    kAssetKinds = 32,
    kCampaign = 64
  };
  struct Scored {
    Recommendation r;  // without matched and result_metric
    unsigned matched = 0;
    bool on_draft_metric = false;
  };
  std::vector<Scored> scored;
  for (size_t i = 0; i < catalog.experiments.size(); ++i) {
    const ExperimentFacts& e = catalog.experiments[i];
    if (!e.is_past()) continue;
    if (!draft.as_of.empty() && (e.started_at.empty() || e.started_at >= draft.as_of)) continue;
    Scored s;
    Recommendation& r = s.r;
    r.experiment = i;
    if (auto it = text.find(i); it != text.end() && it->second > 0) {
      r.text = std::min(1.0, it->second);
      s.matched |= kText;
    }
    if (draft.channel && contains(e.channels, *draft.channel)) {
      r.proximity += w.channel;
      s.matched |= kChannel;
    }
    if (draft.segment) {
      if (contains(e.segments, *draft.segment)) {
        r.proximity += w.segment;
        s.matched |= kSegment;
      } else {
        // Nested either way: the test targeted a subsegment of the draft's segment (its lineage
        // holds the draft's), or a segment the draft's is nested in.
        bool nested = contains(e.segment_lineage, *draft.segment);
        for (const std::string& seg : e.segments) nested = nested || contains(draft_lineage, seg);
        if (nested) {
          r.proximity += w.nested_segment;
          s.matched |= kNestedSegment;
        }
      }
    }
    if (draft.metric && contains(e.metrics, *draft.metric)) {
      r.proximity += w.metric;
      s.matched |= kMetric;
    }
    if (!draft.asset_kinds.empty()) {
      size_t shared = 0;
      for (const std::string& kind : draft.asset_kinds) {
        shared += std::binary_search(e.asset_kinds.begin(), e.asset_kinds.end(), kind) ? 1 : 0;
      }
      if (shared > 0) {
        r.proximity += w.assets * static_cast<double>(shared) / draft.asset_kinds.size();
        s.matched |= kAssetKinds;
      }
    }
    if (draft.campaign && contains(e.campaigns, *draft.campaign)) {
      r.proximity += w.campaign;
      s.matched |= kCampaign;
    }
    if (r.text == 0 && r.proximity == 0) continue;
    // A draft about a metric is answered with the test's result on that metric.
    const std::vector<ArmFacts>* arms = &e.arms;
    if (draft.metric) {
      if (const std::vector<ArmFacts>* on_metric = e.arms_on(*draft.metric)) {
        arms = on_metric;
        s.on_draft_metric = true;
      }
    }
    r.best_arm = arms == &e.arms ? e.strongest : strongest_arm(*arms);
    if (r.best_arm) {
      const ArmFacts& arm = (*arms)[*r.best_arm];
      // |z| of 4 or more counts as the strongest evidence; 1.96 gives about one half.
      r.outcome = std::min(1.0, std::fabs(arm.log_lift / arm.log_lift_se) / 4.0);
    }
    if (const auto started = parse_date(e.started_at); started && as_of_day) {
      const int age = static_cast<int>((*as_of_day - *started).count());
      r.recency = std::pow(0.5, std::max(0, age) / w.recency_half_life_days);
    }
    r.score = w.text * r.text + w.proximity * std::min(1.0, r.proximity) + w.outcome * r.outcome +
              w.recency * r.recency;
    scored.push_back(std::move(s));
  }
  const auto better = [&](const Scored& a, const Scored& b) {
    if (a.r.score != b.r.score) return a.r.score > b.r.score;
    return catalog.experiments[a.r.experiment].key < catalog.experiments[b.r.experiment].key;
  };
  const size_t kept = std::min(draft.k, scored.size());
  std::partial_sort(scored.begin(), scored.begin() + static_cast<std::ptrdiff_t>(kept),
                    scored.end(), better);
  std::vector<Recommendation> out;
  out.reserve(kept);
  static constexpr std::pair<unsigned, const char*> kNames[] = {
      {kText, "text"},        {kChannel, "channel"},
      {kSegment, "segment"},  {kNestedSegment, "nested_segment"},
      {kMetric, "metric"},    {kAssetKinds, "asset_kinds"},
      {kCampaign, "campaign"}};
  for (size_t i = 0; i < kept; ++i) {
    Recommendation r = std::move(scored[i].r);
    for (const auto& [bit, name] : kNames) {
      if (scored[i].matched & bit) r.matched.push_back(name);
    }
    r.result_metric = scored[i].on_draft_metric ? *draft.metric
                                                : catalog.experiments[r.experiment].primary_metric;
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace expgraph::insights
