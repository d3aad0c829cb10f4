// Imports do not overwrite silently (issue 19, item 9): POST /v1/import lists each existing
// node it changed with the properties changed (old -> new, bounded), `overwrite=false` keeps
// stored nodes as they are (decided by the write, so two concurrent imports of the same nodes
// create each once), and `expgraph import` prints both (--no-overwrite).
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <thread>

#include "integration/cli_runner.h"
#include "integration/http_client.h"

// GCC 12 warns falsely (-Wrestrict) on "literal" + std::string&& in these tests.
#pragma GCC diagnostic ignored "-Wrestrict"

namespace expgraph::testing {
namespace {

using nlohmann::json;

std::string channel_line(const std::string& key, const json& properties) {
  return json{{"node", {{"type", "Channel"}, {"key", key}, {"properties", properties}}}}.dump() +
         "\n";
}

class ImportChangesTest : public ApiTest {
 protected:
  Reply import(const std::string& query, const std::string& body) {
    return call(client(), "POST", "/v1/import" + query, body);
  }
};

TEST_F(ImportChangesTest, AnUpdateListsTheNodeAndItsChangedProperties) {
  Reply first = import(
      "",
      channel_line("chg-mail", {{"name", "Mail"}, {"description", "old"}, {"category", "owned"}}));
  ASSERT_EQ(first.status, 200) << first.text;
  EXPECT_TRUE(first.body["changes"].empty());  // a created node is not a change

  Reply second = import("", channel_line("chg-mail", {{"name", "Mail"}, {"description", "new"}}) +
                                channel_line("chg-other", {{"name", "Other"}}));
  ASSERT_EQ(second.status, 200) << second.text;
  EXPECT_EQ(second.body["nodes"]["updated"], 1);
  EXPECT_EQ(second.body["nodes"]["created"], 1);
  EXPECT_EQ(second.body["overwrite"], true);
  ASSERT_EQ(second.body["changes"].size(), 1u) << second.text;
  const json& change = second.body["changes"][0];
  EXPECT_EQ(change["node"], "Channel/chg-mail");
  EXPECT_EQ(change["changed"]["description"], (json{{"old", "old"}, {"new", "new"}}));
  EXPECT_EQ(change["changed"]["category"], (json{{"old", "owned"}, {"new", nullptr}}));
  EXPECT_FALSE(change["changed"].contains("name"));  // unchanged properties are not listed
  EXPECT_EQ(second.body["changes_omitted"], 0);
}

TEST_F(ImportChangesTest, OverwriteFalseKeepsStoredNodes) {
  ASSERT_EQ(import("", channel_line("keep-mail", {{"name", "Kept"}})).status, 200);
  Reply kept = import("?overwrite=false", channel_line("keep-mail", {{"name", "Replaced"}}) +
                                              channel_line("keep-new", {{"name", "New"}}));
  ASSERT_EQ(kept.status, 200) << kept.text;
  EXPECT_EQ(kept.body["nodes"]["kept"], 1);
  EXPECT_EQ(kept.body["nodes"]["created"], 1);
  EXPECT_EQ(kept.body["nodes"]["updated"], 0);
  EXPECT_EQ(kept.body["overwrite"], false);
  EXPECT_TRUE(kept.body["changes"].empty());
  EXPECT_EQ(get("/v1/nodes/Channel/keep-mail").body["properties"]["name"], "Kept");
  EXPECT_EQ(get("/v1/nodes/Channel/keep-new").body["properties"]["name"], "New");

  // Atomic imports keep them too; a bad value is 400 and writes nothing.
  Reply atomic =
      import("?overwrite=false&atomic=true", channel_line("keep-mail", {{"name", "Again"}}));
  ASSERT_EQ(atomic.status, 200) << atomic.text;
  EXPECT_EQ(atomic.body["nodes"]["kept"], 1);
  EXPECT_TRUE(is_error(import("?overwrite=maybe", channel_line("keep-mail", {{"name", "X"}})), 400,
                       "invalid_argument"));
  EXPECT_EQ(get("/v1/nodes/Channel/keep-mail").body["properties"]["name"], "Kept");
}

TEST_F(ImportChangesTest, ConcurrentImportsWithOverwriteFalseCreateEachNodeOnce) {
  // Two imports of the same new nodes race, in small batches, each with overwrite=false. The
  // node a batch keeps is decided under the write lock, so whichever import commits a node
  // first creates it and the other keeps it: no node is updated, none listed as changed. (With
  // "is it stored?" read before the write, both read "not stored" and the later one
  // overwrote: reported as updated.)
  // The second import lists the nodes in reverse order, so that the two meet in the middle
  // however far apart they start; one node per write makes the window between a check and its
  // write as frequent as it can be.
  constexpr int kNodes = 400;
  auto lines = [&](const std::string& name, bool reversed) {
    std::string body;
    for (int n = 0; n < kNodes; ++n) {
      const int i = reversed ? kNodes - 1 - n : n;
      body += channel_line("race-" + std::to_string(i), {{"name", name}});
    }
    return body;
  };
  Reply replies[2];
  auto run = [&](int which, std::string body) {
    httplib::Client own = server().client();
    replies[which] = call(own, "POST", "/v1/import?overwrite=false&batch_size=1", body);
  };
  std::thread first(run, 0, lines("First", false)), second(run, 1, lines("Second", true));
  first.join();
  second.join();
  int created = 0, kept = 0;
  for (const Reply& reply : replies) {
    ASSERT_EQ(reply.status, 200) << reply.text.substr(0, 500);
    EXPECT_EQ(reply.body["nodes"]["updated"], 0) << reply.text.substr(0, 500);
    EXPECT_TRUE(reply.body["changes"].empty());
    created += reply.body["nodes"]["created"].get<int>();
    kept += reply.body["nodes"]["kept"].get<int>();
  }
  EXPECT_EQ(created, kNodes);
  EXPECT_EQ(kept, kNodes);
}

TEST_F(ImportChangesTest, TheListOfChangesIsBounded) {
  std::string lines, changed;
  for (int i = 0; i < 120; ++i) {
    const std::string key = "bound-" + std::to_string(i);
    lines += channel_line(key, {{"name", "n"}, {"description", "short"}});
    changed += channel_line(key, {{"name", "n"}, {"description", std::string(300, 'x')}});
  }
  ASSERT_EQ(import("", lines).status, 200);
  Reply reply = import("?batch_size=7", changed);
  ASSERT_EQ(reply.status, 200) << reply.text.substr(0, 500);
  EXPECT_EQ(reply.body["nodes"]["updated"], 120);
  ASSERT_EQ(reply.body["changes"].size(), 100u);
  EXPECT_EQ(reply.body["changes_omitted"], 20);
  const std::string shown = reply.body["changes"][0]["changed"]["description"]["new"];
  EXPECT_EQ(shown, std::string(200, 'x') + "...");
  EXPECT_LT(reply.text.size(), 32000u);  // 100 changes of about 270 bytes: values cut
}

TEST_F(ImportChangesTest, CliListsChangesAndKeepsWithNoOverwrite) {
  const std::string url = "--url http://127.0.0.1:" + std::to_string(server().port());
  const std::string file = server().data_dir() + "/../cli-changes.jsonl";
  ASSERT_EQ(import("", channel_line("cli-chg", {{"name", "Before"}})).status, 200);
  std::ofstream(file) << channel_line("cli-chg", {{"name", "After"}});
  CliRun kept = run_cli(url + " import --no-overwrite " + file);
  EXPECT_EQ(kept.exit_code, 0) << kept.output;
  EXPECT_NE(kept.output.find("kept as they were (--no-overwrite): 1"), std::string::npos)
      << kept.output;
  EXPECT_EQ(get("/v1/nodes/Channel/cli-chg").body["properties"]["name"], "Before");

  CliRun changed = run_cli(url + " import " + file);
  EXPECT_EQ(changed.exit_code, 0) << changed.output;
  EXPECT_NE(changed.output.find("Channel/cli-chg: name \"Before\" -> \"After\""), std::string::npos)
      << changed.output;
  EXPECT_EQ(get("/v1/nodes/Channel/cli-chg").body["properties"]["name"], "After");
  std::remove(file.c_str());
}

}  // namespace
}  // namespace expgraph::testing
