#include "query/insights/program_metrics.h"

#include <algorithm>
#include <map>

#include "query/insights/similar_tests.h"

namespace expgraph::insights {

namespace {

constexpr size_t kUnplacedExamples = 5;

// The median of `days` (sorted here); nullopt when empty.
std::optional<double> median_of(std::vector<int>& days) {
  if (days.empty()) return std::nullopt;
  std::sort(days.begin(), days.end());
  const size_t n = days.size();
  return n % 2 == 1 ? days[n / 2] : (days[n / 2 - 1] + days[n / 2]) / 2.0;
}

bool in_range(const std::string& date, const ProgramFilter& filter) {
  if (date.size() < 10) return false;
  const std::string day = date.substr(0, 10);
  return (filter.from.empty() || day >= filter.from) && (filter.to.empty() || day <= filter.to);
}

}  // namespace

std::string concluded_on(const ExperimentFacts& e) {
  return !e.decided_on.empty() ? e.decided_on : e.ended_at;
}

ProgramMetrics program_metrics(const ExperimentCatalog& catalog, const ProgramFilter& filter) {
  ProgramMetrics metrics;
  std::map<std::string, MonthActivity> months;
  std::vector<int> days;
  std::map<std::string, std::vector<int>> days_by_month;
  for (const ExperimentFacts& e : catalog.experiments) {
    if (filter.team && std::find(e.teams.begin(), e.teams.end(), *filter.team) == e.teams.end()) {
      continue;
    }
    bool in_scope = false;
    if (in_range(e.started_at, filter)) {
      ++metrics.started;
      ++months[e.started_at.substr(0, 7)].started;
      in_scope = true;
    }
    const std::string concluded = concluded_on(e);
    if (e.status == "concluded" && concluded.size() < 10) {
      if (metrics.unplaced++ < kUnplacedExamples) metrics.unplaced_examples.push_back(e.key);
    }
    if (e.status == "concluded" && in_range(concluded, filter)) {
      in_scope = true;
      const std::string month = concluded.substr(0, 7);
      MonthActivity& activity = months[month];
      ++metrics.concluded;
      ++activity.concluded;
      bool won = e.decision == "ship";
      if (e.decision.empty()) {
        for (const LearningFacts& l : e.learnings) won = won || l.outcome == "won";
      }
      metrics.wins += won ? 1 : 0;
      activity.wins += won ? 1 : 0;
      metrics.with_learning += e.learnings.empty() ? 0 : 1;
      activity.with_learning += e.learnings.empty() ? 0 : 1;
      if (!e.hypothesis_approved.empty()) {
        if (auto d = days_between(e.hypothesis_approved, concluded)) {
          days.push_back(*d);
          days_by_month[month].push_back(*d);
        }
      }
    }
    if (in_scope) {
      for (const LearningFacts& l : e.learnings) metrics.pattern_reuses += l.reuses;
    }
  }
  for (auto& [month, activity] : months) {
    activity.month = month;
    auto timed = days_by_month.find(month);
    if (timed != days_by_month.end()) {
      activity.decisions_timed = timed->second.size();
      activity.median_days_to_decision = median_of(timed->second);
    }
    metrics.months.push_back(activity);
  }
  if (metrics.concluded > 0) {
    metrics.win_rate = static_cast<double>(metrics.wins) / metrics.concluded;
    metrics.learning_share = static_cast<double>(metrics.with_learning) / metrics.concluded;
  }
  metrics.decisions_timed = days.size();
  metrics.median_days_to_decision = median_of(days);
  return metrics;
}

}  // namespace expgraph::insights
