// UpdateStreams (api/replication/update_streams.h): the primary's list of update streams, the
// replies that keep a stream alive, the positions a reply may name, and the lags it lists.
#include "api/replication/update_streams.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace expgraph::replication {
namespace {

using std::chrono::milliseconds;

UpdateStreams::Opening replying_stream(uint64_t since, milliseconds interval = milliseconds(10)) {
  return UpdateStreams::Opening{"127.0.0.1:50000", since, true, interval};
}

// Opens a stream, failing the test when that fails (only the OS's random source can make it).
std::unique_ptr<UpdateStreams::Registration> opened(UpdateStreams& streams,
                                                    UpdateStreams::Opening opening) {
  auto registration = streams.open(std::move(opening));
  EXPECT_TRUE(registration.ok()) << registration.status().to_string();
  return registration.ok() ? std::move(registration).value() : nullptr;
}

TEST(UpdateStreamsTest, AStreamIsListedWhileItsRegistrationLives) {
  UpdateStreams streams(milliseconds(1000));
  auto first = opened(streams, replying_stream(5));
  auto second =
      opened(streams, UpdateStreams::Opening{"127.0.0.1:50001", 7, false, milliseconds(0)});
  EXPECT_EQ(first->id().size(), 16u);
  EXPECT_NE(first->id(), second->id());
  nlohmann::json listed = streams.list(9);
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0]["stream_id"], first->id());  // oldest first
  EXPECT_EQ(listed[0]["since"], 5);
  EXPECT_EQ(listed[0]["sent_sequence"], 5);
  EXPECT_TRUE(listed[0]["applied_sequence"].is_null());
  EXPECT_EQ(listed[0]["lag_sequences"], 4);  // from since, before any reply
  EXPECT_EQ(listed[0]["reply_timeout_ms"], 1000);
  EXPECT_EQ(listed[1]["replies"], false);
  EXPECT_EQ(listed[1]["reply_timeout_ms"], 0);
  second.reset();
  EXPECT_EQ(streams.list(9).size(), 1u);
  EXPECT_EQ(streams.live(), 1u);
}

TEST(UpdateStreamsTest, StreamIdsAre16RandomHexDigitsAndNeverRepeat) {
  UpdateStreams streams(milliseconds(1000));
  std::vector<std::unique_ptr<UpdateStreams::Registration>> open;
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) {
    open.push_back(opened(streams, replying_stream(0)));
    ASSERT_NE(open.back(), nullptr);
    const std::string& id = open.back()->id();
    ASSERT_EQ(id.size(), 16u) << id;
    EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 1000u);
  EXPECT_EQ(streams.live(), 1000u);
}

TEST(UpdateStreamsTest, ARepliesPositionMustBeOneTheStreamCanHaveGiven) {
  UpdateStreams streams(milliseconds(1000));
  auto stream = opened(streams, replying_stream(10));
  stream->sent(100, 2, 20);
  EXPECT_EQ(streams.reply(stream->id(), 9, "r", 20).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(streams.reply(stream->id(), 21, "r", 20).status().code(), StatusCode::kInvalidArgument);
  Result<nlohmann::json> unknown = streams.reply("0000000000000000", 15, "r", 20);
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(unknown.status().error_code(), "unknown_stream");
  // Refused replies changed nothing.
  EXPECT_EQ(streams.list(20)[0]["reply_count"], 0);
  Result<nlohmann::json> accepted = streams.reply(stream->id(), 15, "replica-1", 20);
  ASSERT_TRUE(accepted.ok()) << accepted.status().message();
  EXPECT_EQ((*accepted)["applied_sequence"], 15);
  EXPECT_EQ((*accepted)["lag_sequences"], 5);
  EXPECT_EQ((*accepted)["replica"], "replica-1");
  EXPECT_EQ((*accepted)["reply_count"], 1);
}

TEST(UpdateStreamsTest, AStreamWithoutRepliesIsEndedOnceItsTimeoutPasses) {
  UpdateStreams streams(milliseconds(50));
  auto silent = opened(streams, replying_stream(0));
  auto replying = opened(streams, replying_stream(0));
  auto older_replica =
      opened(streams, UpdateStreams::Opening{"127.0.0.1:1", 0, false, milliseconds(0)});
  EXPECT_FALSE(silent->reply_overdue());
  for (int i = 0; i < 8; ++i) {
    std::this_thread::sleep_for(milliseconds(15));
    ASSERT_TRUE(streams.reply(replying->id(), 0, "", 0).ok());
  }
  EXPECT_TRUE(silent->reply_overdue());
  EXPECT_TRUE(silent->reply_overdue());  // stays ended, counted once
  EXPECT_FALSE(replying->reply_overdue());
  EXPECT_FALSE(older_replica->reply_overdue());
  EXPECT_EQ(streams.dropped_for_reply_timeout(), 1u);
  // An ended stream takes no replies and is not listed.
  EXPECT_EQ(streams.reply(silent->id(), 0, "", 0).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(streams.list(0).size(), 2u);
}

TEST(UpdateStreamsTest, ALongReplyIntervalGetsTwiceItsIntervalAsTimeout) {
  UpdateStreams streams(milliseconds(1000));
  auto stream = opened(streams, replying_stream(0, milliseconds(800)));
  EXPECT_EQ(streams.list(0)[0]["reply_timeout_ms"], 1600);
  UpdateStreams off(milliseconds(0));
  auto never = opened(off, replying_stream(0));
  EXPECT_EQ(off.list(0)[0]["reply_timeout_ms"], 0);
  EXPECT_FALSE(never->reply_overdue());
}

TEST(UpdateStreamsTest, LagInTimeIsTheAgeOfTheOldestBatchNotReportedApplied) {
  UpdateStreams streams(milliseconds(10000));
  auto stream = opened(streams, replying_stream(0));
  EXPECT_EQ(streams.list(0)[0]["lag_ms"], 0);
  stream->sent(10, 1, 3);
  std::this_thread::sleep_for(milliseconds(30));
  stream->sent(10, 1, 6);
  EXPECT_GE(streams.list(6)[0]["lag_ms"].get<int64_t>(), 30);
  ASSERT_TRUE(streams.reply(stream->id(), 3, "", 6).ok());
  const int64_t second = streams.list(6)[0]["lag_ms"].get<int64_t>();
  EXPECT_LT(second, 30);  // the batch through 6 was sent just now
  ASSERT_TRUE(streams.reply(stream->id(), 6, "", 6).ok());
  EXPECT_EQ(streams.list(6)[0]["lag_ms"], 0);
  EXPECT_EQ(streams.list(6)[0]["bytes_sent"], 20);
  EXPECT_EQ(streams.list(6)[0]["batches_sent"], 2);
}

}  // namespace
}  // namespace expgraph::replication
