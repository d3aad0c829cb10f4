// PUT and DELETE of the same node from concurrent clients: every PUT that commits is answered
// 2xx with the node it wrote. The route used to read the node back after the write, and a
// DELETE in between turned about one committed PUT in ten into 404.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "integration/failure_log.h"
#include "integration/http_client.h"

namespace expgraph::testing {
namespace {

using nlohmann::json;

TEST(PutDeleteRaceTest, EveryPutIsAnsweredWithWhatItWrote) {
  ServerProcess server({"--threads", "8"});
  ASSERT_TRUE(server.start());
  const std::string path = "/v1/nodes/Segment/raced";
  std::atomic<bool> stop{false};
  std::atomic<int> puts{0}, deletes{0};
  FailureLog failures;

  std::vector<std::thread> clients;
  for (int writer = 0; writer < 2; ++writer) {
    clients.emplace_back([&, writer] {
      httplib::Client client = server.client();
      for (int i = 0; !stop; ++i) {
        std::string name = "writer " + std::to_string(writer) + " put " + std::to_string(i);
        Reply reply = call(client, "PUT", path, json{{"properties", {{"name", name}}}});
        ++puts;
        if (reply.status != 200 && reply.status != 201) {
          failures.fail("PUT answered " + std::to_string(reply.status) + ": " + reply.text);
          continue;
        }
        const json& node = reply.body;
        std::string expected_outcome = reply.status == 201 ? "created" : "updated";
        if (node["type"] != "Segment" || node["key"] != "raced" ||
            node["properties"] != json{{"name", name}} || node["outcome"] != expected_outcome) {
          failures.fail("PUT of \"" + name + "\" answered " + std::to_string(reply.status) + " " +
                        reply.text);
        }
      }
    });
  }
  for (int deleter = 0; deleter < 2; ++deleter) {
    clients.emplace_back([&] {
      httplib::Client client = server.client();
      while (!stop) {
        Reply reply = call(client, "DELETE", path);
        if (reply.status == 200) {
          ++deletes;
        } else if (reply.status != 404) {
          failures.fail("DELETE answered " + std::to_string(reply.status) + ": " + reply.text);
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(2));
  stop = true;
  for (std::thread& client : clients) client.join();

  failures.report();
  // The race was run: both sides got through many times.
  EXPECT_GE(puts.load(), 50);
  EXPECT_GE(deletes.load(), 10);
  EXPECT_TRUE(server.stop());
}

}  // namespace
}  // namespace expgraph::testing
