// Online backups and offline restores: POST /v1/admin/backup while writes go on, path checks,
// `expgraph backup` / `expgraph restore`, and a second server on the restored copy serving the
// same graph as the original (compared through GET /v1/export).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "integration/cli_runner.h"
#include "integration/http_client.h"
#include "tests/integration/raw_connection.h"

// GCC 12 warns falsely (-Wrestrict) on "literal" + std::string&& in these tests.
#pragma GCC diagnostic ignored "-Wrestrict"

namespace expgraph::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

std::set<std::string> export_lines(httplib::Client& client) {
  std::set<std::string> lines;
  auto exported = client.Get("/v1/export");
  if (!exported || exported->status != 200) {
    ADD_FAILURE() << "export failed";
    return lines;
  }
  std::istringstream stream(exported->body);
  for (std::string line; std::getline(stream, line);) {
    if (!line.empty()) lines.insert(line);
  }
  return lines;
}

// A small graph: hypotheses, experiments testing them, learnings.
void write_graph(httplib::Client& client, const std::string& prefix, int count) {
  for (int i = 0; i < count; ++i) {
    std::string n = prefix + std::to_string(i);
    json batch = {
        {"nodes",
         {{{"type", "Hypothesis"}, {"key", "H-" + n}, {"properties", {{"statement", "idea " + n}}}},
          {{"type", "Experiment"}, {"key", "E-" + n}, {"properties", {{"name", "test " + n}}}},
          {{"type", "Learning"},
           {"key", "L-" + n},
           {"properties", {{"text", "shorter forms win " + n}}}}}},
        {"edges",
         {{{"type", "TESTS"}, {"from", "Experiment/E-" + n}, {"to", "Hypothesis/H-" + n}}}}};
    ASSERT_EQ(call(client, "POST", "/v1/batch", batch).status, 200);
  }
}

TEST(BackupTest, BackupWhileServingRestoresTheSameGraph) {
  ServerProcess source;
  ASSERT_TRUE(source.start());
  httplib::Client client = source.client();
  write_graph(client, "a", 40);

  // Writes keep flowing during the first backup.
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    httplib::Client own = source.client();
    for (int i = 0; !stop; ++i) {
      json body = {{"properties", {{"name", "concurrent " + std::to_string(i)}}}};
      if (call(own, "PUT", "/v1/nodes/Channel/c" + std::to_string(i), body).status == 201) {
        ++written;
      }
    }
  });
  while (written < 20) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  int acknowledged_before = written;
  Reply during = call(client, "POST", "/v1/admin/backup", json{{"path", "during"}});
  stop = true;
  writer.join();
  ASSERT_EQ(during.status, 201) << during.text;
  EXPECT_EQ(during.body["path"],
            (fs::weakly_canonical(source.data_dir()) / "backups/during").string());
  EXPECT_GT(during.body["size_bytes"].get<int64_t>(), 0);
  EXPECT_GT(during.body["sequence"].get<int64_t>(), 0);
  EXPECT_EQ(during.body["created_at"].get<std::string>().size(), 20u);  // 2026-01-02T03:04:05Z

  // Quiescent: a backup taken through the CLI must reproduce the graph exactly.
  std::string url = "--url http://127.0.0.1:" + std::to_string(source.port());
  ASSERT_EQ(run_cli(url + " backup --output quiet").exit_code, 0);
  std::string quiet = source.data_dir() + "/backups/quiet";
  ASSERT_TRUE(fs::exists(quiet + "/CURRENT"));

  // restore refuses a non-empty target and a directory that is not a backup.
  std::string scratch = source.data_dir() + "/../restore-";
  fs::create_directories(scratch + "busy");
  std::ofstream(scratch + "busy/file") << "x";
  EXPECT_EQ(run_cli("restore " + quiet + " --data " + scratch + "busy").exit_code, 1);
  EXPECT_TRUE(fs::exists(scratch + "busy/file"));
  EXPECT_EQ(run_cli("restore " + scratch + "busy --data " + scratch + "other").exit_code, 1);
  EXPECT_EQ(run_cli("restore " + quiet).exit_code, 2);
  EXPECT_EQ(run_cli("restore --help").exit_code, 0);
  EXPECT_EQ(run_cli(url + " backup --help").exit_code, 0);
  EXPECT_EQ(run_cli(url + " backup --frobnicate").exit_code, 2);

  ASSERT_EQ(run_cli("restore " + quiet + " --data " + scratch + "quiet").exit_code, 0);
  ASSERT_EQ(
      run_cli("restore " + during.body["path"].get<std::string>() + " --data " + scratch + "during")
          .exit_code,
      0);

  std::set<std::string> original = export_lines(client);
  {
    ServerProcess restored({"--data", scratch + "quiet"});
    ASSERT_TRUE(restored.start());
    httplib::Client restored_client = restored.client();
    EXPECT_EQ(export_lines(restored_client), original);
    EXPECT_EQ(graph_counts(restored_client), graph_counts(client));
    // The similarity index came along: the restored server finds the learnings.
    Reply search = call(restored_client, "POST", "/v1/search",
                        json{{"text", "shorter forms win a7"},
                             {"types", {"Learning"}},
                             {"mode", "lexical"},
                             {"k", 3}});
    ASSERT_EQ(search.status, 200) << search.text;
    ASSERT_FALSE(search.body["hits"].empty());
    EXPECT_EQ(search.body["hits"][0]["node"]["key"], "L-a7");
    ASSERT_TRUE(restored.stop());
  }
  {
    // The backup taken under load: a consistent state between the writes acknowledged before
    // the request and all of them.
    ServerProcess restored({"--data", scratch + "during"});
    ASSERT_TRUE(restored.start());
    httplib::Client restored_client = restored.client();
    std::set<std::string> lines = export_lines(restored_client);
    EXPECT_TRUE(std::includes(original.begin(), original.end(), lines.begin(), lines.end()))
        << "the backup holds something the source never had";
    for (int i = 0; i < acknowledged_before; ++i) {
      EXPECT_EQ(call(restored_client, "GET", "/v1/nodes/Channel/c" + std::to_string(i)).status, 200)
          << "write " << i << " acknowledged before the backup is missing";
    }
    EXPECT_GE(graph_counts(restored_client).nodes, 120 + acknowledged_before);
    ASSERT_TRUE(restored.stop());
  }
  ASSERT_TRUE(source.stop());
}

TEST(BackupTest, PathsMustStayInsideTheBackupDirectory) {
  ServerProcess server;
  ASSERT_TRUE(server.start());
  httplib::Client client = server.client();
  EXPECT_TRUE(is_error(call(client, "POST", "/v1/admin/backup", json{{"path", "../escape"}}), 400,
                       "invalid_argument"));
  EXPECT_TRUE(is_error(call(client, "POST", "/v1/admin/backup", json{{"path", "/tmp/escape"}}), 400,
                       "invalid_argument"));
  EXPECT_TRUE(is_error(call(client, "POST", "/v1/admin/backup", json{{"path", "a/../.."}}), 400,
                       "invalid_argument"));
  EXPECT_TRUE(is_error(call(client, "POST", "/v1/admin/backup", json{{"path", 3}}), 400,
                       "invalid_argument"));
  EXPECT_TRUE(is_error(call(client, "POST", "/v1/admin/backup", json{{"dir", "x"}}), 400,
                       "invalid_argument"));
  EXPECT_FALSE(fs::exists(server.data_dir() + "/../escape"));
  // A symlink inside the backup directory that leads out of it is refused too.
  fs::create_directories(server.data_dir() + "/backups");
  fs::create_directory_symlink("/tmp", server.data_dir() + "/backups/link");
  EXPECT_TRUE(is_error(call(client, "POST", "/v1/admin/backup", json{{"path", "link/x"}}), 400,
                       "invalid_argument"));

  Reply first = call(client, "POST", "/v1/admin/backup", json{{"path", "nested/one"}});
  ASSERT_EQ(first.status, 201) << first.text;
  EXPECT_TRUE(is_error(call(client, "POST", "/v1/admin/backup", json{{"path", "nested/one"}}), 409,
                       "conflict"));
  // No body: a name from the time.
  Reply unnamed = call(client, "POST", "/v1/admin/backup");
  ASSERT_EQ(unnamed.status, 201) << unnamed.text;
  EXPECT_NE(unnamed.body["path"].get<std::string>().find("/backups/backup-"), std::string::npos);
  ASSERT_TRUE(server.stop());
}

// RocksDB builds a checkpoint in "<path>.tmp" after removing what is there: a backup named "x"
// taken after one named "x.tmp" answered 201 and deleted the earlier backup.
TEST(BackupTest, ABackupNeverReplacesAnotherNamedAfterItsWorkingDirectory) {
  ServerProcess plain;
  ASSERT_TRUE(plain.start());
  httplib::Client client = plain.client();
  Reply first = call(client, "POST", "/v1/admin/backup", json{{"path", "nightly.tmp"}});
  ASSERT_EQ(first.status, 201) << first.text;
  const std::string earlier = plain.data_dir() + "/backups/nightly.tmp";
  ASSERT_TRUE(fs::exists(earlier + "/CURRENT"));
  Reply second = call(client, "POST", "/v1/admin/backup", json{{"path", "nightly"}});
  EXPECT_TRUE(is_error(second, 409, "conflict")) << second.text;
  EXPECT_TRUE(fs::exists(earlier + "/CURRENT")) << "the earlier backup was removed";
  EXPECT_FALSE(fs::exists(plain.data_dir() + "/backups/nightly"));
  ASSERT_TRUE(plain.stop());
}

// The files of every regular file under `directory`, by relative path, with their sizes: what a
// restore of a backup would copy.
std::set<std::pair<std::string, uintmax_t>> file_listing(const std::string& directory) {
  std::set<std::pair<std::string, uintmax_t>> files;
  for (const auto& entry : fs::recursive_directory_iterator(directory)) {
    if (entry.is_regular_file()) {
      files.insert({fs::relative(entry.path(), directory).string(), entry.file_size()});
    }
  }
  return files;
}

// Backups never nest: "nightly/inner" when "nightly" is a backup answered 201 and put a second
// checkpoint inside the first (a restore of "nightly" copied it along). Both directions are 409
// with the outer or inner backup named; the graph and the existing backups stay as they were.
TEST(BackupTest, ABackupIsNeverTakenInsideAnotherOrAroundOne) {
  ServerProcess server;
  ASSERT_TRUE(server.start());
  httplib::Client client = server.client();
  write_graph(client, "n", 3);
  const std::string root = server.data_dir() + "/backups";
  ASSERT_EQ(call(client, "POST", "/v1/admin/backup", json{{"path", "nightly"}}).status, 201);
  ASSERT_EQ(call(client, "POST", "/v1/admin/backup", json{{"path", "weekly/w1"}}).status, 201);
  const auto nightly_files = file_listing(root + "/nightly");
  const auto weekly_files = file_listing(root + "/weekly");
  const Counts before = graph_counts(client);

  for (const std::string& inside :
       {std::string("nightly/inner"), std::string("nightly/deeper/inner"),
        std::string("weekly/w1/x"), root + "/nightly/absolute"}) {
    Reply reply = call(client, "POST", "/v1/admin/backup", json{{"path", inside}});
    EXPECT_TRUE(is_error(reply, 409, "conflict")) << inside << ": " << reply.text;
    EXPECT_NE(reply.body["error"]["message"].get<std::string>().find("is inside the backup"),
              std::string::npos)
        << reply.text;
  }
  // The reverse: a folder that holds a backup is not a backup's place either.
  Reply around = call(client, "POST", "/v1/admin/backup", json{{"path", "weekly"}});
  EXPECT_TRUE(is_error(around, 409, "conflict")) << around.text;
  EXPECT_NE(around.body["error"]["message"].get<std::string>().find("holds the backup"),
            std::string::npos)
      << around.text;

  EXPECT_EQ(file_listing(root + "/nightly"), nightly_files) << "the nightly backup changed";
  EXPECT_EQ(file_listing(root + "/weekly"), weekly_files) << "the weekly folder changed";
  EXPECT_FALSE(fs::exists(root + "/nightly/deeper"));
  EXPECT_EQ(graph_counts(client), before);
  // A sibling of a backup, or a new folder beside them, is still fine.
  EXPECT_EQ(call(client, "POST", "/v1/admin/backup", json{{"path", "weekly/w2"}}).status, 201);
  EXPECT_EQ(call(client, "POST", "/v1/admin/backup", json{{"path", "nightly-2"}}).status, 201);
  ASSERT_TRUE(server.stop());
}

// Issue 16, item 8: a name no file system takes was a 500 (internal) instead of a 400.
TEST(BackupTest, UnusablePathsAre400) {
  ServerProcess server;
  ASSERT_TRUE(server.start());
  httplib::Client client = server.client();
  std::string deep;
  for (int i = 0; i < 2000; ++i) deep += "a/";
  fs::create_directories(server.data_dir() + "/backups");
  std::ofstream(server.data_dir() + "/backups/a-file") << "not a directory";
  for (const std::string& path : {std::string("with\0nul", 8), deep, std::string(300, 'n'),
                                  std::string("line\nbreak"), std::string("a-file/inside")}) {
    Reply reply = call(client, "POST", "/v1/admin/backup", json{{"path", path}});
    EXPECT_TRUE(is_error(reply, 400, "invalid_argument"))
        << path.substr(0, 20) << ": " << reply.text.substr(0, 200);
  }
  EXPECT_FALSE(fs::exists(server.data_dir() + "/backups/with"));
  ASSERT_TRUE(server.stop());
}

// Issue 16, item 8: unnamed backups taken in the same second were 409 or 500.
TEST(BackupTest, UnnamedBackupsAtOnceGetDistinctNames) {
  ServerProcess server;
  ASSERT_TRUE(server.start());
  std::vector<std::thread> clients;
  std::vector<Reply> replies(4);
  for (Reply& reply : replies) {
    clients.emplace_back([&server, &reply] {
      httplib::Client client = server.client();
      client.set_read_timeout(20, 0);
      reply = call(client, "POST", "/v1/admin/backup");
    });
  }
  for (std::thread& client : clients) client.join();
  std::set<std::string> paths;
  for (const Reply& reply : replies) {
    ASSERT_EQ(reply.status, 201) << reply.text;
    paths.insert(reply.body["path"].get<std::string>());
  }
  EXPECT_EQ(paths.size(), replies.size());
  for (const std::string& path : paths) EXPECT_TRUE(fs::exists(path + "/CURRENT")) << path;
  ASSERT_TRUE(server.stop());
}

// Issue 16, item 8: a POST without a body and without Content-Length waited 30 s for a body,
// then answered "malformed HTTP request". Without Content-Length or chunking there is no body.
TEST(BackupTest, APostWithoutContentLengthIsAnsweredAtOnce) {
  ServerProcess server;
  ASSERT_TRUE(server.start());
  RawConnection connection(server.port());
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(connection.send_text("POST /v1/admin/backup HTTP/1.1\r\nHost: t\r\n\r\n"));
  std::string response = connection.read_response(10000);
  EXPECT_EQ(response.rfind("HTTP/1.1 201", 0), 0u) << response;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  ASSERT_TRUE(server.stop());
}

TEST(BackupTest, ConfiguredBackupDirectory) {
  std::string outside = (fs::temp_directory_path() / "expgraph-backup-root-XXXXXX").string();
  ASSERT_NE(mkdtemp(outside.data()), nullptr);
  {
    ServerProcess server({"--backup-dir", outside});
    ASSERT_TRUE(server.start());
    httplib::Client client = server.client();
    Reply reply = call(client, "POST", "/v1/admin/backup", json{{"path", outside + "/abs"}});
    ASSERT_EQ(reply.status, 201) << reply.text;
    EXPECT_TRUE(fs::exists(outside + "/abs/CURRENT"));
    ASSERT_TRUE(server.stop());
  }
  fs::remove_all(outside);
}

}  // namespace
}  // namespace expgraph::testing
