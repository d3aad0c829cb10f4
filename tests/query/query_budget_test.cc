// QueryBudget: values built are charged before they exist and forgotten when the next expression
// starts; held rows count against the row bound and the bytes until released; the deadline is
// noticed within kTickInterval ticks.
#include "query/query_budget.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace expgraph {
namespace {

QueryLimits limits_with_memory(int64_t bytes) {
  QueryLimits limits;
  limits.memory_bytes = bytes;
  return limits;
}

TEST(QueryBudget, BuildsAreChargedPerExpression) {
  QueryBudget budget(limits_with_memory(1000));
  EXPECT_TRUE(budget.build(600).ok());
  Status over = budget.build(600);
  EXPECT_EQ(over.error_code(), "query_memory_limit");
  EXPECT_EQ(over.code(), StatusCode::kUnprocessable);
  EXPECT_NE(over.message().find("memory_limit_mb"), std::string::npos) << over.message();
  budget.start_expression();
  EXPECT_TRUE(budget.build(600).ok());
  EXPECT_EQ(budget.peak_bytes(), 600u);
}

TEST(QueryBudget, AHugeEstimateFailsWithoutOverflow) {
  QueryBudget budget(limits_with_memory(1000));
  EXPECT_TRUE(budget.build(10).ok());
  EXPECT_EQ(budget.build(UINT64_MAX).error_code(), "query_memory_limit");
  EXPECT_EQ(budget.hold(0, UINT64_MAX - 5).error_code(), "query_memory_limit");
}

TEST(QueryBudget, HeldBytesLeaveLessForBuilding) {
  QueryBudget budget(limits_with_memory(1000));
  ASSERT_TRUE(budget.hold(1, 700).ok());
  EXPECT_EQ(budget.build(400).error_code(), "query_memory_limit");
  budget.start_expression();
  budget.release(1, 700);
  EXPECT_TRUE(budget.build(400).ok());
  EXPECT_EQ(budget.peak_bytes(), 700u);
}

TEST(QueryBudget, HeldRowsAreBounded) {
  QueryLimits limits;
  limits.max_rows = 10;  // the bound is then kMinHeldRows
  QueryBudget budget(limits);
  ASSERT_TRUE(budget.hold(QueryBudget::kMinHeldRows, 0).ok());
  EXPECT_EQ(budget.hold(1, 0).error_code(), "intermediate_limit_exceeded");
  budget.release(2, 0);
  EXPECT_TRUE(budget.hold(1, 0).ok());
}

TEST(QueryBudget, TicksNoticeTheDeadline) {
  QueryLimits limits;
  limits.timeout_ms = 1;
  QueryBudget budget(limits);
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  Status status;
  uint32_t calls = 0;
  while (status.ok() && calls <= QueryBudget::kTickInterval) {
    status = budget.tick();
    ++calls;
  }
  EXPECT_EQ(status.error_code(), "query_timeout");
  EXPECT_EQ(status.code(), StatusCode::kOverloaded);
  EXPECT_EQ(budget.check_deadline().error_code(), "query_timeout");
  // A large value reads the clock at once.
  QueryBudget fresh(limits);
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(fresh.build(8 << 20).error_code(), "query_timeout");
}

TEST(QueryLimits, MemoryLimitFromRequest) {
  auto limits = QueryLimits::from_request(10, 100, 3);
  ASSERT_TRUE(limits.ok());
  EXPECT_EQ(limits->memory_bytes, 3 << 20);
  EXPECT_EQ(QueryLimits::from_request(10, 100, 0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(QueryLimits::from_request(10, 100, QueryLimits::kMaxMemoryMb + 1).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace expgraph
