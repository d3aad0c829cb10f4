// Program metrics (learning velocity) over the catalog: experiments started and concluded per
// month, win rate, share of concluded experiments with a learning, median days from hypothesis
// approval to decision, and pattern reuses (Hypothesis -INSPIRED_BY-> Learning edges into the
// learnings of the experiments in scope). Used by the program statistics route. Pure, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "query/insights/experiment_catalog.h"

namespace expgraph::insights {

struct ProgramFilter {
  std::string from;                 // YYYY-MM-DD, inclusive; "" = unbounded
  std::string to;                   // YYYY-MM-DD, inclusive; "" = unbounded
  std::optional<std::string> team;  // experiments OWNED_BY this Team key
};

// One month: experiments started in it, and the ones concluded in it with how they ended (the
// figures of ProgramMetrics for that month's concluded experiments), so a page can chart the
// win rate, the learning share and the days to a decision over time.
struct MonthActivity {
  std::string month;  // YYYY-MM
  size_t started = 0;
  size_t concluded = 0;
  size_t wins = 0;
  size_t with_learning = 0;
  size_t decisions_timed = 0;
  std::optional<double> median_days_to_decision;
};

struct ProgramMetrics {
  std::vector<MonthActivity> months;  // ascending, only months with activity
  size_t started = 0;                 // started_at in [from, to]
  size_t concluded = 0;               // status concluded, concluded date in [from, to]
  // A concluded experiment won when its decision is "ship", or, without a decision, when one
  // of its learnings has outcome "won".
  size_t wins = 0;
  std::optional<double> win_rate;        // wins / concluded; nullopt when none concluded
  size_t with_learning = 0;              // concluded with >= 1 YIELDED learning
  std::optional<double> learning_share;  // with_learning / concluded
  size_t decisions_timed = 0;  // concluded with a hypothesis approved_on and a decision date
  std::optional<double> median_days_to_decision;
  size_t pattern_reuses = 0;
  // Experiments with status concluded that have no concluded date (decided_on, ended_at), so
  // cannot be placed in [from, to]; `concluded` + `unplaced` is every concluded experiment of
  // the team. Keys of the first few, for the answer to show.
  size_t unplaced = 0;
  std::vector<std::string> unplaced_examples;
};

// The concluded date of an experiment: decided_on, else ended_at, else "".
std::string concluded_on(const ExperimentFacts& experiment);

ProgramMetrics program_metrics(const ExperimentCatalog& catalog, const ProgramFilter& filter);

}  // namespace expgraph::insights
