// GET /v1/replication/replicas lists the checkpoint downloads in progress
// (api/replication/checkpoint_downloads.h) next to the update streams: a download holds one of
// the --max-replication-streams slots, and before it was listed an operator who saw
// `streams_in_use: 1` and no replica could not tell who held the slot. A download whose client
// goes away leaves the list.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "integration/http_client.h"
#include "integration/raw_connection.h"
#include "integration/replication_fixture.h"

namespace expgraph::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

// The checkpoint must outlast what the loopback socket's buffers take from a client that does
// not read (the primary's send buffer, at most 4 MiB by default, and the client's receive
// buffer), or the whole archive is written at once and the download ends before it is looked at.
constexpr int kBulkAssets = 192;
constexpr size_t kBulkAssetBytes = 64 * 1024;  // 12 MiB in all

// Writes kBulkAssets assets whose `uri` is kBulkAssetBytes of random hex digits: RocksDB's LZ4
// finds no repeats in them, so the checkpoint's files are at least as large.
void write_incompressible_assets(httplib::Client& client) {
  std::mt19937_64 random(20241207);
  constexpr const char* kDigits = "0123456789abcdef";
  for (int first = 0; first < kBulkAssets; first += 32) {
    json nodes = json::array();
    for (int i = first; i < first + 32; ++i) {
      std::string uri(kBulkAssetBytes, '0');
      for (char& digit : uri) digit = kDigits[random() & 15];
      nodes.push_back({{"type", "Asset"},
                       {"key", "bulk-" + std::to_string(i)},
                       {"properties", {{"kind", "other"}, {"uri", uri}}}});
    }
    Reply written = call(client, "POST", "/v1/batch", json{{"nodes", nodes}});
    ASSERT_EQ(written.status, 200) << written.text.substr(0, 300);
  }
}

json checkpoint_listing_of(httplib::Client& primary) {
  Reply reply = call(primary, "GET", "/v1/replication/replicas");
  EXPECT_EQ(reply.status, 200) << reply.text;
  return reply.body;
}

// The value of header `name` in a response head, "" without one.
std::string header_in_head(const std::string& head, const std::string& name) {
  const size_t at = head.find("\r\n" + name + ": ");
  if (at == std::string::npos) return "";
  const size_t start = at + name.size() + 4;
  return head.substr(start, head.find("\r\n", start) - start);
}

TEST(ReplicationCheckpointListingTest, ADownloadIsListedWhileItLastsAndLeavesWithItsClient) {
  ServerProcess primary;
  ASSERT_TRUE(primary.start());
  httplib::Client client = primary.client();
  client.set_read_timeout(30, 0);
  write_incompressible_assets(client);
  if (::testing::Test::HasFatalFailure()) return;
  const json idle = checkpoint_listing_of(client);
  EXPECT_EQ(idle["checkpoint_downloads"], json::array()) << idle.dump();
  EXPECT_EQ(idle["streams_in_use"], 0) << idle.dump();

  // A download whose client reads the head and then nothing: the primary writes until the
  // socket's buffers are full and waits there (up to its 30 s write timeout).
  auto download = std::make_unique<RawConnection>(primary.port());
  ASSERT_TRUE(download->connected());
  ASSERT_TRUE(
      download->send_text("GET /v1/replication/checkpoint HTTP/1.1\r\nHost: primary\r\n\r\n"));
  const std::string head = download->read_response(10000);
  ASSERT_EQ(head.rfind("HTTP/1.1 200", 0), 0u) << head.substr(0, 300);
  const std::string sequence = header_in_head(head, "Expgraph-Checkpoint-Sequence");
  ASSERT_FALSE(sequence.empty()) << head.substr(0, 300);

  // Listed once its first chunk is written (its progress is recorded after each write).
  json listing;
  ASSERT_TRUE(eventually(
      [&] {
        listing = checkpoint_listing_of(client);
        return listing["checkpoint_downloads"].size() == 1 &&
               listing["checkpoint_downloads"][0]["bytes_sent"].get<uint64_t>() > 0;
      },
      milliseconds(10000)))
      << listing.dump();
  const json& listed = listing["checkpoint_downloads"][0];
  std::printf("a download nobody reads, as listed: %s\n", listed.dump().c_str());
  const std::string id = listed["download_id"];
  EXPECT_EQ(id.size(), 16u) << listed.dump();
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << listed.dump();
  EXPECT_EQ(listed["peer"].get<std::string>().rfind("127.0.0.1:", 0), 0u) << listed.dump();
  EXPECT_EQ(listed["started_at"].get<std::string>().size(), 24u) << listed.dump();
  EXPECT_EQ(std::to_string(listed["checkpoint_sequence"].get<uint64_t>()), sequence);
  EXPECT_LE(listed["checkpoint_sequence"].get<uint64_t>(),
            listing["primary_sequence"].get<uint64_t>());
  // CURRENT, MANIFEST, OPTIONS and at least one table file.
  EXPECT_GE(listed["files"].get<uint64_t>(), 4u) << listed.dump();
  EXPECT_GE(listed["total_bytes"].get<uint64_t>(), kBulkAssets * kBulkAssetBytes) << listed.dump();
  // Stuck part way: the client took the head only.
  EXPECT_LT(listed["bytes_sent"].get<uint64_t>(), listed["total_bytes"].get<uint64_t>())
      << listed.dump();
  EXPECT_LT(listed["files_sent"].get<uint64_t>(), listed["files"].get<uint64_t>()) << listed.dump();
  // The slot it holds is the one in use; no update stream is listed.
  EXPECT_EQ(listing["streams_in_use"], 1) << listing.dump();
  EXPECT_EQ(listing["replicas"], json::array()) << listing.dump();
  const std::string metrics = call(client, "GET", "/metrics").text;
  EXPECT_NE(metrics.find("\nexpgraph_replication_checkpoint_downloads 1\n"), std::string::npos);
  EXPECT_NE(metrics.find("\nexpgraph_replication_update_streams 0\n"), std::string::npos);

  // The client goes away: the primary's next write fails, and the download and its slot go.
  download.reset();
  ASSERT_TRUE(eventually(
      [&] {
        listing = checkpoint_listing_of(client);
        return listing["checkpoint_downloads"].empty() && listing["streams_in_use"] == 0;
      },
      milliseconds(10000)))
      << listing.dump();

  // A download read to its end leaves the list too.
  Reply whole = call(client, "GET", "/v1/replication/checkpoint");
  ASSERT_EQ(whole.status, 200) << whole.text.substr(0, 300);
  EXPECT_GE(whole.text.size(), kBulkAssets * kBulkAssetBytes);
  EXPECT_TRUE(eventually(
      [&] {
        listing = checkpoint_listing_of(client);
        return listing["checkpoint_downloads"].empty() && listing["streams_in_use"] == 0;
      },
      milliseconds(10000)))
      << listing.dump();
  EXPECT_TRUE(primary.stop());
}

}  // namespace
}  // namespace expgraph::testing
