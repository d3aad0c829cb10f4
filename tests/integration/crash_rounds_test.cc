// Crash safety under a mixed load: 20 rounds (EXPGRAPH_CRASH_ROUNDS overrides) of kill -9 at a
// random instant while one client imports JSON Lines, one PUTs nodes and one queries, searches
// and traverses. After each restart: every acknowledged write is stored, the topology mirror
// matches storage (counts, and neighbourhoods against stored edge lists), and the similarity
// indexes (FAISS vectors and BM25) find the stored learnings by their text.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "integration/http_client.h"

// GCC 12 warns falsely (-Wrestrict) on "literal" + std::string&& in these tests.
#pragma GCC diagnostic ignored "-Wrestrict"

namespace expgraph::testing {
namespace {

using nlohmann::json;

constexpr int kChannels = 4;

std::string learning_text(const std::string& id) {
  // "tok<id>" is a word no other learning has, so lexical search must rank its node first.
  std::string token = "tok" + id;
  for (char& c : token) {
    if (c == '-') c = 'x';
  }
  return "crash finding " + token + " shorter forms convert better";
}

struct Acked {
  std::set<std::string> nodes;  // "Type/key"
  std::set<std::string> edges;  // "TYPE Type/key->Type/key"
};

struct Load {
  std::atomic<bool> stop{false};
  std::string unexpected;  // the first non-transport failure
  std::mutex mutex;
  void fail(const std::string& what) {
    std::lock_guard lock(mutex);
    if (unexpected.empty()) unexpected = what;
  }
};

httplib::Client load_client(const ServerProcess& server) {
  httplib::Client client = server.client();
  client.set_connection_timeout(1, 0);
  client.set_read_timeout(5, 0);
  return client;
}

// Imports chunks of 5 experiments, their learnings and edges until the server dies.
void import_load(const ServerProcess& server, int round, Load& load, Acked& acked) {
  httplib::Client client = load_client(server);
  for (int chunk = 0; !load.stop; ++chunk) {
    std::string body;
    Acked pending;
    for (int j = 0; j < 5; ++j) {
      std::string id =
          std::to_string(round) + "-" + std::to_string(chunk) + "-" + std::to_string(j);
      json experiment = {
          {"type", "Experiment"}, {"key", "E-" + id}, {"properties", {{"name", "x " + id}}}};
      json learning = {
          {"type", "Learning"}, {"key", "L-" + id}, {"properties", {{"text", learning_text(id)}}}};
      std::string channel = "Channel/ch" + std::to_string(j % kChannels);
      body += json{{"node", experiment}}.dump() + "\n" + json{{"node", learning}}.dump() + "\n";
      body +=
          json{{"edge",
                {{"type", "YIELDED"}, {"from", "Experiment/E-" + id}, {"to", "Learning/L-" + id}}}}
              .dump() +
          "\n";
      body += json{{"edge", {{"type", "RUNS_ON"}, {"from", "Experiment/E-" + id}, {"to", channel}}}}
                  .dump() +
              "\n";
      pending.nodes.insert("Experiment/E-" + id);
      pending.nodes.insert("Learning/L-" + id);
      pending.edges.insert("YIELDED Experiment/E-" + id + "->Learning/L-" + id);
      pending.edges.insert("RUNS_ON Experiment/E-" + id + "->" + channel);
    }
    auto reply = client.Post("/v1/import?batch_size=7", body, "application/x-ndjson");
    if (!reply) return;  // killed
    json report = json::parse(reply->body, nullptr, false);
    if (reply->status != 200 || report.value("rejected", -1) != 0) {
      return load.fail("import: " + std::to_string(reply->status) + " " + reply->body);
    }
    acked.nodes.insert(pending.nodes.begin(), pending.nodes.end());
    acked.edges.insert(pending.edges.begin(), pending.edges.end());
  }
}

void put_load(const ServerProcess& server, int round, Load& load, Acked& acked) {
  httplib::Client client = load_client(server);
  for (int i = 0; !load.stop; ++i) {
    std::string key = "H-" + std::to_string(round) + "-" + std::to_string(i);
    Reply reply = call(client, "PUT", "/v1/nodes/Hypothesis/" + key,
                       json{{"properties", {{"statement", "hypothesis " + key}}}});
    if (reply.status == 0) return;
    if (reply.status != 201) return load.fail("PUT " + key + ": " + reply.text);
    acked.nodes.insert("Hypothesis/" + key);
  }
}

void read_load(const ServerProcess& server, Load& load) {
  httplib::Client client = load_client(server);
  for (int i = 0; !load.stop; ++i) {
    Reply reply;
    switch (i % 3) {
      case 0:
        reply = call(client, "GET",
                     "/v1/nodes/Channel/ch" + std::to_string(i % kChannels) +
                         "/neighborhood?hops=2&limit=50");
        break;
      case 1:
        reply =
            call(client, "POST", "/v1/query",
                 json{{"query", "MATCH (e:Experiment)-[:YIELDED]->(l:Learning) RETURN count(l)"}});
        break;
      default:
        reply = call(client, "POST", "/v1/search",
                     json{{"text", "shorter forms convert"}, {"k", 5}, {"mode", "hybrid"}});
        break;
    }
    if (reply.status == 0) return;
    if (reply.status != 200)
      return load.fail("read: " + std::to_string(reply.status) + " " + reply.text);
  }
}

// What storage holds, from GET /v1/export (a RocksDB scan, not the mirror).
struct Stored {
  std::set<std::string> nodes;
  std::set<std::string> edges;
  std::map<std::string, std::string> learning_texts;  // key -> text
};

Stored stored_graph(httplib::Client& client) {
  Stored stored;
  auto exported = client.Get("/v1/export");
  if (!exported || exported->status != 200) {
    ADD_FAILURE() << "export failed";
    return stored;
  }
  std::istringstream lines(exported->body);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    json item = json::parse(line);
    if (item.contains("node")) {
      const json& node = item["node"];
      std::string ref = node["type"].get<std::string>() + "/" + node["key"].get<std::string>();
      stored.nodes.insert(ref);
      if (node["type"] == "Learning")
        stored.learning_texts[node["key"]] = node["properties"]["text"];
    } else {
      const json& edge = item["edge"];
      stored.edges.insert(edge["type"].get<std::string>() + " " + edge["from"].get<std::string>() +
                          "->" + edge["to"].get<std::string>());
    }
  }
  return stored;
}

// The 1-hop neighbours the mirror reports against the other ends of the stored edges.
void expect_neighbourhood_matches_storage(httplib::Client& client, const std::string& ref) {
  Reply around = call(client, "GET", "/v1/nodes/" + ref + "/neighborhood?hops=1&limit=100000");
  Reply listed = call(client, "GET", "/v1/nodes/" + ref + "/edges?limit=100000");
  ASSERT_EQ(around.status, 200) << around.text;
  ASSERT_EQ(listed.status, 200) << listed.text;
  std::set<std::string> from_mirror, from_storage;
  for (const json& node : around.body["nodes"]) {
    if (node["depth"] == 1)
      from_mirror.insert(node["type"].get<std::string>() + "/" + node["key"].get<std::string>());
  }
  for (const json& edge : listed.body["edges"]) {
    from_storage.insert(edge["from"] == ref ? edge["to"].get<std::string>()
                                            : edge["from"].get<std::string>());
  }
  EXPECT_EQ(from_mirror, from_storage) << "neighbourhood of " << ref;
}

void expect_consistent(httplib::Client& client, const Acked& acked, std::mt19937& random) {
  Stored stored = stored_graph(client);
  size_t lost_nodes = 0, lost_edges = 0;
  for (const std::string& node : acked.nodes) lost_nodes += stored.nodes.count(node) == 0;
  for (const std::string& edge : acked.edges) lost_edges += stored.edges.count(edge) == 0;
  EXPECT_EQ(lost_nodes, 0u) << "of " << acked.nodes.size() << " acknowledged nodes";
  EXPECT_EQ(lost_edges, 0u) << "of " << acked.edges.size() << " acknowledged edges";

  // The mirror's counts against the storage scan.
  Counts counts = graph_counts(client);
  EXPECT_EQ(counts.nodes, static_cast<int64_t>(stored.nodes.size()));
  EXPECT_EQ(counts.edges, static_cast<int64_t>(stored.edges.size()));
  for (int c = 0; c < kChannels; ++c)
    expect_neighbourhood_matches_storage(client, "Channel/ch" + std::to_string(c));

  // Stored learnings, sampled, are found first by their own text in both indexes.
  std::vector<std::pair<std::string, std::string>> learnings(stored.learning_texts.begin(),
                                                             stored.learning_texts.end());
  std::shuffle(learnings.begin(), learnings.end(), random);
  if (learnings.size() > 8) learnings.resize(8);
  for (const auto& [key, text] : learnings) {
    expect_neighbourhood_matches_storage(client, "Learning/" + key);
    // BM25: the unique word ranks the node first.
    Reply lexical =
        call(client, "POST", "/v1/search",
             json{{"text", text}, {"types", {"Learning"}}, {"k", 1}, {"mode", "lexical"}});
    ASSERT_EQ(lexical.status, 200) << lexical.text;
    ASSERT_EQ(lexical.body["hits"].size(), 1u) << "BM25 lost Learning/" << key;
    EXPECT_EQ(lexical.body["hits"][0]["node"]["key"], key) << "BM25";
    // FAISS: the node's own vector scores best; the hashing embedder may give a few texts that
    // differ in one word the same vector, so the node must be among the hits tied at the top.
    Reply vector =
        call(client, "POST", "/v1/search",
             json{{"text", text}, {"types", {"Learning"}}, {"k", 50}, {"mode", "vector"}});
    ASSERT_EQ(vector.status, 200) << vector.text;
    ASSERT_FALSE(vector.body["hits"].empty()) << "FAISS lost Learning/" << key;
    double top = vector.body["hits"][0]["score"];
    bool found = false;
    for (const json& hit : vector.body["hits"]) {
      if (hit["score"].get<double>() < top - 1e-5) break;
      found = found || hit["node"]["key"] == key;
    }
    EXPECT_TRUE(found) << "FAISS does not rank Learning/" << key
                       << " first: " << vector.text.substr(0, 400);
  }
  // No hit refers to a node storage does not have.
  Reply broad =
      call(client, "POST", "/v1/search",
           json{{"text", "crash finding shorter forms"}, {"types", {"Learning"}}, {"k", 200}});
  ASSERT_EQ(broad.status, 200) << broad.text;
  for (const json& hit : broad.body["hits"]) {
    EXPECT_EQ(stored.nodes.count("Learning/" + hit["node"]["key"].get<std::string>()), 1u);
  }
}

TEST(CrashRoundsTest, KillNineUnderMixedLoadLosesNothing) {
  int rounds = 20;
  if (const char* text = std::getenv("EXPGRAPH_CRASH_ROUNDS"))
    rounds = std::max(1, std::atoi(text));
  ServerProcess server;
  ASSERT_TRUE(server.start());
  {
    httplib::Client client = server.client();
    for (int c = 0; c < kChannels; ++c) {
      ASSERT_EQ(call(client, "PUT", "/v1/nodes/Channel/ch" + std::to_string(c),
                     json{{"properties", {{"name", "channel " + std::to_string(c)}}}})
                    .status,
                201);
    }
  }
  std::mt19937 random(std::random_device{}());
  std::uniform_int_distribution<int> kill_after_ms(200, 1200);
  Acked all;
  int survived = 0;
  for (int round = 0; round < rounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    Load load;
    Acked imported, put;
    std::thread importer(import_load, std::cref(server), round, std::ref(load), std::ref(imported));
    std::thread putter(put_load, std::cref(server), round, std::ref(load), std::ref(put));
    std::thread reader(read_load, std::cref(server), std::ref(load));
    std::this_thread::sleep_for(std::chrono::milliseconds(kill_after_ms(random)));
    server.kill();
    load.stop = true;
    importer.join();
    putter.join();
    reader.join();
    EXPECT_EQ(load.unexpected, "");
    for (const Acked* part : {&imported, &put}) {
      all.nodes.insert(part->nodes.begin(), part->nodes.end());
      all.edges.insert(part->edges.begin(), part->edges.end());
    }
    ASSERT_TRUE(server.start());
    httplib::Client client = server.client();
    expect_consistent(client, all, random);
    if (HasFailure()) break;
    ++survived;
  }
  std::printf(
      "[ crash rounds ] %d of %d kill -9 rounds survived; %zu acknowledged nodes, %zu edges\n",
      survived, rounds, all.nodes.size(), all.edges.size());
  ASSERT_TRUE(server.stop());
}

}  // namespace
}  // namespace expgraph::testing
