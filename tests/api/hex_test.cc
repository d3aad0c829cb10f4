// Hex text (api/util/hex.h): bytes as hex digits, and random ids drawn from the OS.
#include "api/util/hex.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace expgraph::api {
namespace {

using namespace std::string_literals;

TEST(HexTest, BytesBecomeTwoLowercaseDigitsEachInOrder) {
  EXPECT_EQ(to_hex(""), "");
  EXPECT_EQ(to_hex("\x00\xff\x10\x0a"s), "00ff100a");
  EXPECT_EQ(to_hex("expgraph"), "6578706772617068");
}

TEST(HexTest, RandomHexHasTwoDigitsPerByteAndDoesNotRepeat) {
  Result<std::string> empty = random_hex(0);
  ASSERT_TRUE(empty.ok()) << empty.status().to_string();
  EXPECT_EQ(*empty, "");
  std::set<std::string> drawn;
  std::set<char> digits;
  for (int i = 0; i < 200; ++i) {
    Result<std::string> text = random_hex(32);
    ASSERT_TRUE(text.ok()) << text.status().to_string();
    ASSERT_EQ(text->size(), 64u);
    EXPECT_EQ(text->find_first_not_of("0123456789abcdef"), std::string::npos) << *text;
    drawn.insert(*text);
    digits.insert(text->begin(), text->end());
  }
  EXPECT_EQ(drawn.size(), 200u);
  // 12,800 digits: each of the 16 turns up (a source stuck on a few values would not).
  EXPECT_EQ(digits.size(), 16u);
}

TEST(HexTest, RandomHexFillsRequestsLargerThanOneGetrandomCall) {
  // getrandom may return at most 256 bytes at a time for larger requests: all are filled.
  Result<std::string> text = random_hex(4096);
  ASSERT_TRUE(text.ok()) << text.status().to_string();
  ASSERT_EQ(text->size(), 8192u);
  // A part left unfilled would be zero bytes: no 64 zero digits in a row (2^-256 by chance).
  EXPECT_EQ(text->find(std::string(64, '0')), std::string::npos);
}

}  // namespace
}  // namespace expgraph::api
