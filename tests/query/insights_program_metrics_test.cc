// Program metrics on a hand-built catalog whose counts are known by construction.
#include <gtest/gtest.h>

#include "insights_fixture.h"
#include "query/insights/program_metrics.h"

namespace expgraph::insights {
namespace {

using testing::experiment;

// A: Jan 2024 -> concluded Feb (ship), approved 2024-01-01, decided 2024-02-10: 40 days.
// B: Jan 2024 -> concluded Mar (no decision, a won learning), approved 2024-01-05, ended
//    2024-03-05: 60 days. C: Feb 2024, concluded Mar (abandon), no learning, no approval date.
// D: Feb 2024, running. E: team "other", concluded Feb (ship).
ExperimentCatalog program_catalog() {
  ExperimentCatalog c;
  auto a = experiment("A", "2024-01-10");
  a.decision = "ship";
  a.decided_on = "2024-02-10";
  a.hypothesis_approved = "2024-01-01";
  a.learnings = {{"LA", "x", "won", 1}};
  auto b = experiment("B", "2024-01-20");
  b.ended_at = "2024-03-05";
  b.hypothesis_approved = "2024-01-05";
  b.learnings = {{"LB", "y", "won", 2}};
  auto cc = experiment("C", "2024-02-01");
  cc.decision = "abandon";
  cc.ended_at = "2024-03-20";
  auto d = experiment("D", "2024-02-15");
  d.status = "running";
  auto e = experiment("E", "2024-01-15");
  e.decision = "ship";
  e.ended_at = "2024-02-20";
  e.teams = {"other"};
  for (auto* x : {&a, &b, &cc, &d}) x->teams = {"growth"};
  for (auto* x : {&a, &b, &cc, &d, &e}) c.experiments.push_back(std::move(*x));
  c.finish();
  return c;
}

TEST(ProgramMetricsTest, CountsPerMonthWinsLearningsAndDaysToDecision) {
  const ExperimentCatalog c = program_catalog();
  ProgramFilter filter;
  filter.team = "growth";
  const ProgramMetrics m = program_metrics(c, filter);
  EXPECT_EQ(m.started, 4u);
  EXPECT_EQ(m.concluded, 3u);
  EXPECT_EQ(m.wins, 2u);  // A ships; B has no decision but a won learning; C abandons
  EXPECT_NEAR(*m.win_rate, 2.0 / 3, 1e-12);
  EXPECT_EQ(m.with_learning, 2u);
  EXPECT_NEAR(*m.learning_share, 2.0 / 3, 1e-12);
  EXPECT_EQ(m.decisions_timed, 2u);
  EXPECT_NEAR(*m.median_days_to_decision, (40 + 60) / 2.0, 1e-12);
  EXPECT_EQ(m.pattern_reuses, 3u);
  ASSERT_EQ(m.months.size(), 3u);
  EXPECT_EQ(m.months[0].month, "2024-01");
  EXPECT_EQ(m.months[0].started, 2u);
  EXPECT_EQ(m.months[0].concluded, 0u);
  EXPECT_EQ(m.months[1].month, "2024-02");
  EXPECT_EQ(m.months[1].started, 2u);
  EXPECT_EQ(m.months[1].concluded, 1u);
  EXPECT_EQ(m.months[2].concluded, 2u);
}

TEST(ProgramMetricsTest, EachMonthHasTheFiguresOfTheExperimentsConcludedInIt) {
  const ExperimentCatalog c = program_catalog();
  ProgramFilter filter;
  filter.team = "growth";
  const ProgramMetrics m = program_metrics(c, filter);
  ASSERT_EQ(m.months.size(), 3u);
  const MonthActivity& january = m.months[0];  // started only
  EXPECT_EQ(january.wins, 0u);
  EXPECT_EQ(january.decisions_timed, 0u);
  EXPECT_FALSE(january.median_days_to_decision.has_value());
  const MonthActivity& february = m.months[1];  // A: ship, a learning, 40 days
  EXPECT_EQ(february.wins, 1u);
  EXPECT_EQ(february.with_learning, 1u);
  EXPECT_EQ(february.decisions_timed, 1u);
  EXPECT_NEAR(*february.median_days_to_decision, 40.0, 1e-12);
  const MonthActivity& march = m.months[2];  // B: won learning, 60 days; C: abandon, nothing
  EXPECT_EQ(march.wins, 1u);
  EXPECT_EQ(march.with_learning, 1u);
  EXPECT_EQ(march.decisions_timed, 1u);
  EXPECT_NEAR(*march.median_days_to_decision, 60.0, 1e-12);
  // The months add up to the totals.
  size_t wins = 0, with_learning = 0, timed = 0;
  for (const MonthActivity& month : m.months) {
    wins += month.wins;
    with_learning += month.with_learning;
    timed += month.decisions_timed;
  }
  EXPECT_EQ(wins, m.wins);
  EXPECT_EQ(with_learning, m.with_learning);
  EXPECT_EQ(timed, m.decisions_timed);
}

TEST(ProgramMetricsTest, DateRangeAndNoTeamFilter) {
  const ExperimentCatalog c = program_catalog();
  ProgramFilter filter;
  filter.from = "2024-02-01";
  filter.to = "2024-02-29";
  const ProgramMetrics m = program_metrics(c, filter);
  EXPECT_EQ(m.started, 2u);    // C and D
  EXPECT_EQ(m.concluded, 2u);  // A (decided 02-10) and E (ended 02-20)
  EXPECT_EQ(m.wins, 2u);
  filter.from = "2030-01-01";
  filter.to.clear();
  const ProgramMetrics none = program_metrics(c, filter);
  EXPECT_EQ(none.concluded, 0u);
  EXPECT_FALSE(none.win_rate.has_value());
  EXPECT_FALSE(none.median_days_to_decision.has_value());
}

}  // namespace
}  // namespace expgraph::insights
