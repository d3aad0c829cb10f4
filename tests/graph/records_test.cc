// records.h helpers: UTF-8 validation (which checks eight ASCII bytes at a time before the
// byte-wise decoder) and node references.
#include "graph/records.h"

#include <gtest/gtest.h>

#include <string>

namespace expgraph {
namespace {

TEST(RecordsTest, Utf8ValidationFindsBadBytesAtEveryOffset) {
  // A bad byte after ASCII runs of every length around the eight-byte step, and good
  // multi-byte characters in the same places.
  for (size_t prefix = 0; prefix < 20; ++prefix) {
    std::string ascii(prefix, 'a');
    EXPECT_TRUE(is_valid_utf8(ascii)) << prefix;
    EXPECT_TRUE(is_valid_utf8(ascii + "\xc3\xa9" + ascii)) << prefix;     // é
    EXPECT_TRUE(is_valid_utf8(ascii + "\xf0\x9f\x98\x80xyz")) << prefix;  // U+1F600
    EXPECT_FALSE(is_valid_utf8(ascii + "\xff" + ascii)) << prefix;
    EXPECT_FALSE(is_valid_utf8(ascii + "\xc3")) << prefix;                       // truncated
    EXPECT_FALSE(is_valid_utf8(ascii + "\xc0\xaf" + "abcdefgh")) << prefix;      // overlong '/'
    EXPECT_FALSE(is_valid_utf8(ascii + "\xed\xa0\x80" + "abcdefgh")) << prefix;  // surrogate
    EXPECT_FALSE(is_valid_utf8("abcdefgh" + ascii + "\x80")) << prefix;  // lone continuation
  }
}

TEST(RecordsTest, NodeReferencesSplitAtTheFirstSlashAndCheckTheKey) {
  auto ref = parse_node_ref("Item/n 1");
  ASSERT_TRUE(ref.ok());
  EXPECT_EQ(ref->type, "Item");
  EXPECT_EQ(ref->key, "n 1");
  EXPECT_FALSE(parse_node_ref("Item/a/b").ok());
  EXPECT_FALSE(parse_node_ref("/n1").ok());
  EXPECT_FALSE(parse_node_ref("Item/").ok());
  EXPECT_FALSE(parse_node_ref("Item").ok());
}

}  // namespace
}  // namespace expgraph
