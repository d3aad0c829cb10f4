// Helpers of the read-replica integration tests (replication_test.cc,
// replication_history_test.cc): a replica process of a primary, the export and change log of a
// server to compare, and waits with a deadline. Not thread-safe: one test thread uses them.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "integration/http_client.h"

namespace expgraph::testing {

inline std::string url_of(const ServerProcess& server) {
  return "http://127.0.0.1:" + std::to_string(server.port());
}

inline std::unique_ptr<ServerProcess> start_replica(const ServerProcess& primary,
                                                    std::vector<std::string> extra_args = {}) {
  std::vector<std::string> args{"--replica-of", url_of(primary), "--wal-ttl-seconds", "600"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  auto replica = std::make_unique<ServerProcess>(std::move(args));
  ::testing::AssertionResult started = replica->start();
  EXPECT_TRUE(started) << started.message();
  return replica;
}

// The export's lines as a set: the same graph exports the same lines.
inline std::multiset<std::string> export_lines(httplib::Client& client) {
  Reply reply = call(client, "GET", "/v1/export");
  std::multiset<std::string> lines;
  if (reply.status != 200) {
    lines.insert("<status " + std::to_string(reply.status) + ">");
    return lines;
  }
  std::istringstream stream(reply.text);
  for (std::string line; std::getline(stream, line);) lines.insert(line);
  return lines;
}

// The change log's sequences, in order, with each record's subject and operation.
inline std::vector<std::string> change_log(httplib::Client& client) {
  std::vector<std::string> records;
  uint64_t since = 0;
  while (true) {
    Reply reply = call(client, "GET", "/v1/changes?limit=10000&since=" + std::to_string(since));
    if (reply.status != 200) return {"<status " + std::to_string(reply.status) + ">"};
    std::istringstream stream(reply.text);
    size_t read = 0;
    for (std::string line; std::getline(stream, line);) {
      nlohmann::json record = nlohmann::json::parse(line);
      since = record["sequence"].get<uint64_t>();
      records.push_back(std::to_string(since) + " " + record["op"].get<std::string>() + " " +
                        record["subject"].dump());
      ++read;
    }
    if (read == 0) return records;
  }
}

// Waits (up to `timeout`) until the replica's export equals the primary's; true when it does.
inline bool converges(httplib::Client& primary, httplib::Client& replica,
                      std::chrono::milliseconds timeout = std::chrono::milliseconds(20000)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::multiset<std::string> expected = export_lines(primary);
  while (std::chrono::steady_clock::now() < deadline) {
    if (export_lines(replica) == expected) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

inline bool eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds timeout = std::chrono::milliseconds(30000)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return condition();
}

inline nlohmann::json learning(const std::string& text) {
  return {{"properties", {{"text", text}}}};
}

}  // namespace expgraph::testing
