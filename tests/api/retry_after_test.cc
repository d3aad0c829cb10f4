// retry_after (api/replication/retry_after.h): the wait an answer's Retry-After asks of a
// replica, in delay-seconds, capped at 30 s; nothing for what it cannot read.
#include "api/replication/retry_after.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace expgraph::replication {
namespace {

using std::chrono::milliseconds;

milliseconds wait_of(const std::string* header) {
  httplib::Response response;
  response.status = 503;
  if (header != nullptr) response.set_header("Retry-After", *header);
  return retry_after(response);
}
milliseconds wait_of(const std::string& header) { return wait_of(&header); }

TEST(RetryAfterTest, DelaySecondsAreTheWait) {
  EXPECT_EQ(wait_of("2"), milliseconds(2000));
  EXPECT_EQ(wait_of("0"), milliseconds(0));
  EXPECT_EQ(wait_of("30"), milliseconds(30000));
}

TEST(RetryAfterTest, LongerWaitsAreCappedAt30Seconds) {
  EXPECT_EQ(wait_of("31"), kMaxRetryAfter);
  EXPECT_EQ(wait_of("120"), milliseconds(30000));
  EXPECT_EQ(wait_of("999999"), milliseconds(30000));
}

TEST(RetryAfterTest, AnAbsentOrUnreadableHeaderAsksNoWait) {
  EXPECT_EQ(wait_of(nullptr), milliseconds(0));
  for (const std::string& header :
       std::vector<std::string>{"", "-1", "+5", "1.5", " 3", "3 ", "soon", "9999999999999999999999",
                                "Wed, 21 Oct 2026 07:28:00 GMT"}) {
    EXPECT_EQ(wait_of(header), milliseconds(0)) << "Retry-After: " << header;
  }
}

}  // namespace
}  // namespace expgraph::replication
