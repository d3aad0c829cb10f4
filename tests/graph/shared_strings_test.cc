// SharedStrings (graph/shared_strings.h): equal short strings get one copy, long ones are never
// shared, and past kMaxDistinct distinct values the pool stops growing but still answers.
#include <gtest/gtest.h>

#include <string>

#include "graph/shared_strings.h"

namespace expgraph::testing {
namespace {

TEST(SharedStringsTest, EqualShortStringsShareOneCopy) {
  SharedStrings pool;
  std::string text = "running";
  auto first = pool.get(text);
  text = "stopped";  // the pool keeps no view into the caller's string
  auto second = pool.get("running");
  EXPECT_EQ(first.get(), second.get());
  EXPECT_EQ(*second, "running");
  EXPECT_NE(pool.get("stopped").get(), first.get());
  EXPECT_EQ(pool.size(), 2u);
}

TEST(SharedStringsTest, LongStringsAreNotShared) {
  SharedStrings pool;
  const std::string text(SharedStrings::kMaxLength + 1, 'x');
  auto first = pool.get(text);
  auto second = pool.get(text);
  EXPECT_NE(first.get(), second.get());
  EXPECT_EQ(*second, text);
  EXPECT_EQ(pool.size(), 0u);
}

TEST(SharedStringsTest, AHighCardinalityPoolStopsGrowingAndStillAnswers) {
  SharedStrings pool;
  const size_t count = SharedStrings::kMaxDistinct * 3;
  for (size_t i = 0; i < count; ++i) {
    EXPECT_EQ(*pool.get(std::string("value ") + std::to_string(i)),
              std::string("value ") + std::to_string(i));
  }
  EXPECT_EQ(pool.size(), SharedStrings::kMaxDistinct);
  // Values seen before the pool filled are still shared; later ones get their own copy.
  EXPECT_EQ(pool.get("value 0").get(), pool.get("value 0").get());
  const std::string late = std::string("value ") + std::to_string(count - 1);
  EXPECT_NE(pool.get(late).get(), pool.get(late).get());
  EXPECT_EQ(*pool.get(late), late);
}

}  // namespace
}  // namespace expgraph::testing
