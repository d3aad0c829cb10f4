// CowVector: copies share elements until one is changed through a non-const accessor; then that
// element alone is copied, and the other vector still sees the old value.
#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "query/insights/cow_vector.h"

namespace expgraph::insights {
namespace {

TEST(CowVectorTest, CopiesShareElementsUntilOneIsChanged) {
  CowVector<std::string> original{"a", "b", "c"};
  CowVector<std::string> copy = original;
  for (size_t i = 0; i < 3; ++i) EXPECT_TRUE(copy.shares(i, original));

  copy[1] += "!";  // copies element 1 of `copy` only
  EXPECT_EQ(std::as_const(copy)[1], "b!");
  EXPECT_EQ(std::as_const(original)[1], "b");
  EXPECT_TRUE(copy.shares(0, original));
  EXPECT_FALSE(copy.shares(1, original));
  EXPECT_TRUE(copy.shares(2, original));

  // An element no other vector shares is changed in place.
  const std::string* before = &std::as_const(copy)[1];
  copy[1] += "?";
  EXPECT_EQ(&std::as_const(copy)[1], before);

  // Const reads and const iteration copy nothing.
  const CowVector<std::string>& view = copy;
  std::string joined;
  for (const std::string& item : view) joined += item;
  EXPECT_EQ(joined, "ab!?c");
  EXPECT_TRUE(copy.shares(0, original));
  EXPECT_TRUE(copy.shares(2, original));
}

TEST(CowVectorTest, ReplaceSortAndPushBackLeaveTheOtherCopyAsItWas) {
  CowVector<std::string> original{"c", "a", "b"};
  CowVector<std::string> copy = original;
  copy.replace(0, "z");
  copy.push_back("d");
  copy.sort([](const std::string& x, const std::string& y) { return x < y; });
  std::string sorted, kept;
  for (const std::string& item : std::as_const(copy)) sorted += item;
  for (const std::string& item : std::as_const(original)) kept += item;
  EXPECT_EQ(sorted, "abdz");
  EXPECT_EQ(kept, "cab");
  EXPECT_EQ(copy.size(), 4u);
  EXPECT_EQ(original.size(), 3u);

  // Non-const range-for makes every element visited its own.
  for (std::string& item : copy) item += "1";
  EXPECT_EQ(std::as_const(original)[1], "a");
  EXPECT_EQ(std::as_const(copy)[0], "a1");
}

}  // namespace
}  // namespace expgraph::insights
