// A replica whose primary no longer holds the writes it applied (docs/scale-out.md, "A primary
// that is not this replica's"): another database at the primary's address, or the primary's
// data put back to an older copy (a restored backup), each with more writes since than the
// replica applied, so that the replica's position is inside the primary's sequence range. The
// replica must not follow from there (it would mix two databases' writes and report itself
// ready): it stops, keeps its data and says why, or with --replica-rebootstrap-on-conflict
// copies the primary again.
#include <gtest/gtest.h>

#include <filesystem>

#include "integration/http_client.h"
#include "integration/replication_fixture.h"

namespace expgraph::testing {
namespace {

using nlohmann::json;

void write_learnings(httplib::Client& writer, const std::string& prefix, int count) {
  for (int i = 0; i < count; ++i) {
    Reply put = call(writer, "PUT", "/v1/nodes/Learning/" + prefix + std::to_string(i),
                     learning(prefix + " written " + std::to_string(i)));
    ASSERT_EQ(put.status, 201) << put.text;
  }
}

uint64_t applied_sequence(httplib::Client& replica) {
  Reply ready = call(replica, "GET", "/readyz");
  return ready.body["replication"].value("applied_sequence", uint64_t{0});
}

// True once the replica reports that it stopped following for `why`, keeping its data.
bool stops_for(httplib::Client& replica, const std::string& why, Reply& ready) {
  return eventually([&] {
    ready = call(replica, "GET", "/readyz");
    return ready.status == 503 && ready.body.value("reason", "").find(why) != std::string::npos &&
           ready.body["replication"].value("needs_restart", false);
  });
}

TEST(ReplicationHistoryTest, AnotherDatabaseAtThePrimarysAddressIsNotFollowed) {
  ServerProcess primary;
  ASSERT_TRUE(primary.start());
  primary.keep_port();
  httplib::Client writer = primary.client();
  write_learnings(writer, "A-", 30);
  auto replica = start_replica(primary);
  httplib::Client reader = replica->client();
  ASSERT_TRUE(converges(writer, reader));
  uint64_t applied = applied_sequence(reader);
  replica->keep_port();
  ASSERT_TRUE(replica->stop());

  // Another database at the same address, with more writes than the replica applied.
  ASSERT_TRUE(primary.stop());
  std::filesystem::remove_all(primary.data_dir());
  std::filesystem::create_directories(primary.data_dir());
  ASSERT_TRUE(primary.start());
  write_learnings(writer, "B-", 60);
  ASSERT_TRUE(primary.restart());  // a new epoch, as any restart

  ASSERT_TRUE(replica->start());
  Reply ready;
  EXPECT_TRUE(stops_for(reader, "history is not this replica's", ready)) << ready.text;
  EXPECT_NE(ready.text.find("history_diverged"), std::string::npos) << ready.text;
  // Nothing of the other database was applied, and the replica's own data is served.
  EXPECT_EQ(applied_sequence(reader), applied);
  EXPECT_EQ(call(reader, "GET", "/v1/nodes/Learning/A-7").status, 200);
  EXPECT_EQ(call(reader, "GET", "/v1/nodes/Learning/B-45").status, 404);
  EXPECT_TRUE(replica->stop());
  EXPECT_TRUE(primary.stop());
}

TEST(ReplicationHistoryTest, APrimaryPutBackToAnOlderCopyIsNotFollowedUnlessToldToCopyIt) {
  ServerProcess primary;
  ASSERT_TRUE(primary.start());
  primary.keep_port();
  httplib::Client writer = primary.client();
  write_learnings(writer, "old-", 20);
  // An offline copy of the primary's data: what a restored backup brings back.
  ASSERT_TRUE(primary.stop());
  const std::string copy = primary.data_dir() + ".older-copy";
  std::filesystem::copy(primary.data_dir(), copy, std::filesystem::copy_options::recursive);
  ASSERT_TRUE(primary.start());
  write_learnings(writer, "lost-", 20);
  auto keeping = start_replica(primary);
  auto discarding = start_replica(primary, {"--replica-rebootstrap-on-conflict"});
  httplib::Client keeping_reader = keeping->client();
  httplib::Client discarding_reader = discarding->client();
  ASSERT_TRUE(converges(writer, keeping_reader));
  ASSERT_TRUE(converges(writer, discarding_reader));
  uint64_t applied = applied_sequence(keeping_reader);
  keeping->keep_port();
  discarding->keep_port();
  ASSERT_TRUE(keeping->stop());
  ASSERT_TRUE(discarding->stop());

  // The copy is put back and takes new writes, past the replicas' position.
  ASSERT_TRUE(primary.stop());
  std::filesystem::remove_all(primary.data_dir());
  std::filesystem::rename(copy, primary.data_dir());
  ASSERT_TRUE(primary.start());
  write_learnings(writer, "new-", 40);

  ASSERT_TRUE(keeping->start());
  ASSERT_TRUE(discarding->start());
  Reply ready;
  EXPECT_TRUE(stops_for(keeping_reader, "history is not this replica's", ready)) << ready.text;
  // The primary is past the replica's position: without the epoch, the position alone looks
  // like one it can serve (no 409 replica_ahead).
  Reply bare = call(writer, "GET",
                    "/v1/replication/updates?max_seconds=1&since=" + std::to_string(applied));
  EXPECT_NE(bare.status, 409) << bare.text;
  EXPECT_EQ(applied_sequence(keeping_reader), applied);
  EXPECT_EQ(call(keeping_reader, "GET", "/v1/nodes/Learning/lost-3").status, 200);
  EXPECT_EQ(call(keeping_reader, "GET", "/v1/nodes/Learning/new-30").status, 404);

  // With the flag: loudly, a fresh copy of the primary as it is now.
  EXPECT_TRUE(converges(writer, discarding_reader, std::chrono::milliseconds(30000)))
      << discarding->stderr_text();
  EXPECT_EQ(call(discarding_reader, "GET", "/v1/nodes/Learning/lost-3").status, 404);
  EXPECT_NE(discarding->stderr_text().find("WARNING"), std::string::npos);
  EXPECT_TRUE(eventually([&] { return call(discarding_reader, "GET", "/readyz").status == 200; }));
  EXPECT_TRUE(keeping->stop());
  EXPECT_TRUE(discarding->stop());
  EXPECT_TRUE(primary.stop());
}

}  // namespace
}  // namespace expgraph::testing
