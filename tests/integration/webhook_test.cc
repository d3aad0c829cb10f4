// Webhooks against a real expgraphd and receivers the test runs on loopback: a receiver that
// fails the first three deliveries gets the event on the fourth, each signed with HMAC-SHA256;
// the four events come from the right changes; registrations and undelivered events survive a
// restart; a hanging receiver does not hold up another receiver; bad registrations are 400.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "api/webhooks/webhook_signature.h"
#include "integration/http_client.h"

namespace expgraph::testing {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr const char* kSecret = "receiver-secret-0123456789";

// One request a receiver got.
struct Received {
  std::string body;
  std::string event;
  std::string delivery;
  std::string signature;
  int answered = 0;
};

// An HTTP receiver on 127.0.0.1 run by the test. `answer(n)` gives the status of the n-th
// request (from 1); with `hang` set, requests are held until release() (or the destructor).
class Receiver {
 public:
  explicit Receiver(std::function<int(int)> answer, bool hang = false, int port = 0)
      : answer_(std::move(answer)), hang_(hang) {
    server_.Post("/hook", [this](const httplib::Request& request, httplib::Response& response) {
      std::unique_lock lock(mutex_);
      if (hang_) {
        released_.wait_for(lock, std::chrono::seconds(60), [this] { return released_flag_; });
      }
      Received got{request.body, request.get_header_value("Expgraph-Event"),
                   request.get_header_value("Expgraph-Delivery"),
                   request.get_header_value("Expgraph-Signature"), 0};
      got.answered = answer_(static_cast<int>(received_.size()) + 1);
      received_.push_back(got);
      response.status = got.answered;
      response.set_content("{}", "application/json");
      arrived_.notify_all();
    });
    port_ = port == 0 ? server_.bind_to_any_port("127.0.0.1")
                      : (server_.bind_to_port("127.0.0.1", port) ? port : -1);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~Receiver() {
    release();
    server_.stop();
    thread_.join();
  }
  void release() {
    std::lock_guard lock(mutex_);
    released_flag_ = true;
    released_.notify_all();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  int port() const { return port_; }

  // Waits up to `seconds` until `done(requests so far)` holds; returns the requests.
  std::vector<Received> wait_for(const std::function<bool(const std::vector<Received>&)>& done,
                                 int seconds = 20) {
    std::unique_lock lock(mutex_);
    arrived_.wait_for(lock, std::chrono::seconds(seconds), [&] { return done(received_); });
    return received_;
  }
  std::vector<Received> received() {
    std::lock_guard lock(mutex_);
    return received_;
  }

 private:
  std::function<int(int)> answer_;
  bool hang_;
  httplib::Server server_;
  std::mutex mutex_;
  std::condition_variable arrived_, released_;
  bool released_flag_ = false;
  std::vector<Received> received_;
  int port_ = -1;
  std::thread thread_;
};

size_t delivered_count(const std::vector<Received>& got) {
  size_t count = 0;
  for (const Received& r : got) count += r.answered >= 200 && r.answered < 300;
  return count;
}

// Checks "t=<seconds>,v1=<hex>" against the body with `secret`.
bool signature_verifies(const Received& got, const std::string& secret) {
  size_t comma = got.signature.find(",v1=");
  if (got.signature.rfind("t=", 0) != 0 || comma == std::string::npos) return false;
  std::string timestamp = got.signature.substr(2, comma - 2);
  std::string digest = got.signature.substr(comma + 4);
  return digest == api::hmac_sha256_hex(secret, timestamp + "." + got.body);
}

json register_hook(httplib::Client& client, const std::string& url, const json& events,
                   int retry_base_ms = 50, int max_attempts = 8) {
  Reply reply = call(client, "POST", "/v1/admin/webhooks",
                     json{{"url", url},
                          {"events", events},
                          {"secret", kSecret},
                          {"retry_base_ms", retry_base_ms},
                          {"max_attempts", max_attempts}});
  EXPECT_EQ(reply.status, 201) << reply.text;
  return reply.body;
}

void put_learning(httplib::Client& client, const std::string& key, const std::string& text) {
  Reply reply = call(client, "PUT", "/v1/nodes/Learning/" + key,
                     json{{"properties", {{"text", text}}}});
  ASSERT_TRUE(reply.status == 201 || reply.status == 200) << reply.text;
}

TEST(WebhookTest, AReceiverThatFailsThreeTimesGetsTheEventOnTheFourthSigned) {
  ServerProcess server;
  ASSERT_TRUE(server.start());
  httplib::Client client = server.client();
  Receiver receiver([](int n) { return n <= 3 ? 500 : 200; });
  ASSERT_GT(receiver.port(), 0);
  json hook = register_hook(client, receiver.url(), {"learning.created"});
  ASSERT_TRUE(hook["id"].is_string());
  EXPECT_FALSE(hook.contains("secret"));

  put_learning(client, "L-1", "Free shipping thresholds raise basket size");
  auto got = receiver.wait_for([](const auto& r) { return delivered_count(r) == 1; });
  ASSERT_EQ(got.size(), 4u);
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].answered, i < 3 ? 500 : 200);
    EXPECT_EQ(got[i].event, "learning.created");
    EXPECT_EQ(got[i].delivery, got[0].delivery) << "one event, one id across retries";
    EXPECT_TRUE(signature_verifies(got[i], kSecret)) << got[i].signature;
    EXPECT_FALSE(signature_verifies(got[i], "another-secret-0123456789"));
  }
  json body = json::parse(got[3].body);
  EXPECT_EQ(body["event"], "learning.created");
  EXPECT_EQ(body["subject"], "Learning/L-1");
  EXPECT_EQ(body["node"]["properties"]["text"], "Free shipping thresholds raise basket size");
  EXPECT_TRUE(body["previous"].is_null());
  EXPECT_EQ(body["webhook"], hook["id"]);
  EXPECT_EQ(body["id"], got[0].delivery);
  // A tampered body no longer verifies.
  Received tampered = got[3];
  tampered.body[tampered.body.size() - 2] ^= 1;
  EXPECT_FALSE(signature_verifies(tampered, kSecret));

  // Recorded: the list says delivered with 4 attempts; the deliveries route lists it.
  Reply list;
  for (int i = 0; i < 100; ++i) {  // the record is written just after the receiver answers
    list = call(client, "GET", "/v1/admin/webhooks");
    if (list.body["webhooks"][0]["delivered"] == 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(list.status, 200) << list.text;
  json listed = list.body["webhooks"][0];
  EXPECT_EQ(listed["delivered"], 1);
  EXPECT_EQ(listed["failed"], 0);
  EXPECT_EQ(listed["pending"], 0);
  EXPECT_EQ(listed["last_delivery"]["attempts"], 4);
  EXPECT_EQ(listed["last_delivery"]["last_status"], 200);
  EXPECT_EQ(listed["last_delivery"]["state"], "delivered");
  EXPECT_FALSE(listed.contains("secret"));
  Reply deliveries =
      call(client, "GET", "/v1/admin/webhooks/" + hook["id"].get<std::string>() + "/deliveries");
  ASSERT_EQ(deliveries.status, 200) << deliveries.text;
  ASSERT_EQ(deliveries.body["deliveries"].size(), 1u);
  EXPECT_EQ(deliveries.body["deliveries"][0]["event_id"], got[0].delivery);

  // Updating the learning creates nothing new.
  put_learning(client, "L-1", "Free shipping thresholds raise basket size (again)");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(receiver.received().size(), 4u);
}

TEST(WebhookTest, AReceiverThatNeverSucceedsIsGivenUpAfterMaxAttempts) {
  ServerProcess server;
  ASSERT_TRUE(server.start());
  httplib::Client client = server.client();
  Receiver receiver([](int) { return 503; });
  json hook = register_hook(client, receiver.url(), {"learning.created"}, 20, 3);
  put_learning(client, "L-1", "Countdown timers lift urgency");
  auto got = receiver.wait_for([](const auto& r) { return r.size() >= 3; });
  EXPECT_EQ(got.size(), 3u);
  Reply list;
  for (int i = 0; i < 100; ++i) {
    list = call(client, "GET", "/v1/admin/webhooks");
    if (list.body["webhooks"][0]["failed"] == 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(list.body["webhooks"][0]["failed"], 1) << list.text;
  EXPECT_EQ(list.body["webhooks"][0]["last_delivery"]["state"], "failed");
  EXPECT_EQ(list.body["webhooks"][0]["last_delivery"]["last_status"], 503);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(receiver.received().size(), 3u);
}

TEST(WebhookTest, EventsComeFromTheirChangesInLogOrder) {
  ServerProcess server;
  ASSERT_TRUE(server.start());
  httplib::Client client = server.client();
  // Before any registration: not delivered.
  put_learning(client, "L-before", "Written before the webhook existed");
  Receiver receiver([](int) { return 200; });
  register_hook(client, receiver.url(),
                {"experiment.concluded", "experiment.decision", "learning.created",
                 "result.significant"});

  ASSERT_EQ(call(client, "PUT", "/v1/nodes/Experiment/EXP-1",
                 json{{"properties", {{"name", "Hero image"}, {"status", "running"}}}})
                .status,
            201);
  ASSERT_EQ(call(client, "PUT", "/v1/nodes/Result/R-1",
                 json{{"properties", {{"name", "B vs A"}, {"lift", 0.12}, {"significant", false}}}})
                .status,
            201);
  ASSERT_EQ(call(client, "PUT", "/v1/nodes/Result/R-1",
                 json{{"properties", {{"name", "B vs A"}, {"lift", 0.12}, {"significant", true}}}})
                .status,
            200);
  ASSERT_EQ(call(client, "POST", "/v1/edges",
                 json{{"type", "HAS_RESULT"}, {"from", "Experiment/EXP-1"}, {"to", "Result/R-1"}})
                .status,
            201);
  Reply concluded = call(client, "PUT", "/v1/nodes/Experiment/EXP-1",
                         json{{"properties",
                               {{"name", "Hero image"}, {"status", "concluded"},
                                {"decision", "ship"}}}});
  ASSERT_EQ(concluded.status, 200) << concluded.text;
  put_learning(client, "L-2", "Bigger hero images lift sign-ups");

  auto got = receiver.wait_for([](const auto& r) { return r.size() >= 4; });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  got = receiver.received();
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0].event, "result.significant");
  EXPECT_EQ(got[1].event, "experiment.concluded");
  EXPECT_EQ(got[2].event, "experiment.decision");
  EXPECT_EQ(got[3].event, "learning.created");
  json decision = json::parse(got[2].body);
  EXPECT_EQ(decision["node"]["properties"]["decision"], "ship");
  EXPECT_EQ(decision["previous"]["status"], "running");
  EXPECT_EQ(json::parse(got[1].body)["sequence"], decision["sequence"]);
  EXPECT_LT(json::parse(got[0].body)["sequence"].get<uint64_t>(),
            decision["sequence"].get<uint64_t>());
}

TEST(WebhookTest, RegistrationsAndUndeliveredEventsSurviveARestart) {
  ServerProcess server;
  ASSERT_TRUE(server.start());
  int port = pick_free_port();
  json hook;
  {
    httplib::Client client = server.client();
    // Nothing listens on the port yet: every attempt fails to connect.
    hook = register_hook(client, "http://127.0.0.1:" + std::to_string(port) + "/hook",
                         {"learning.created"}, 200, 20);
    put_learning(client, "L-1", "Social proof near the price lifts conversion");
    put_learning(client, "L-2", "Shorter forms lift completion");
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
  }
  ASSERT_TRUE(server.stop());
  Receiver receiver([](int) { return 200; }, false, port);
  ASSERT_EQ(receiver.port(), port);
  ASSERT_TRUE(server.start());
  httplib::Client client = server.client();
  Reply list = call(client, "GET", "/v1/admin/webhooks");
  ASSERT_EQ(list.body["webhooks"].size(), 1u) << list.text;
  EXPECT_EQ(list.body["webhooks"][0]["id"], hook["id"]);
  auto got = receiver.wait_for([](const auto& r) { return r.size() >= 2; });
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(json::parse(got[0].body)["subject"], "Learning/L-1");
  EXPECT_EQ(json::parse(got[1].body)["subject"], "Learning/L-2");
  EXPECT_TRUE(signature_verifies(got[0], kSecret));

  // Delivered events are not sent again after another restart.
  ASSERT_TRUE(server.restart());
  httplib::Client again = server.client();
  put_learning(again, "L-3", "Free returns lift first orders");
  got = receiver.wait_for([](const auto& r) { return r.size() >= 3; });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  got = receiver.received();
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(json::parse(got[2].body)["subject"], "Learning/L-3");

  // Deleted, it is gone for good.
  std::string id = hook["id"];
  EXPECT_EQ(call(again, "DELETE", "/v1/admin/webhooks/" + id).status, 200);
  EXPECT_TRUE(is_error(call(again, "DELETE", "/v1/admin/webhooks/" + id), 404, "not_found"));
  ASSERT_TRUE(server.restart());
  httplib::Client third = server.client();
  EXPECT_EQ(call(third, "GET", "/v1/admin/webhooks").body["webhooks"].size(), 0u);
}

TEST(WebhookTest, AHangingReceiverDoesNotHoldUpWritesOrOtherReceivers) {
  ServerProcess server;
  ASSERT_TRUE(server.start());
  httplib::Client client = server.client();
  Receiver hanging([](int) { return 200; }, /*hang=*/true);
  Receiver healthy([](int) { return 200; });
  register_hook(client, hanging.url(), {"learning.created"});
  register_hook(client, healthy.url(), {"learning.created"});
  for (int i = 0; i < 20; ++i) {
    put_learning(client, "L-" + std::to_string(i), "Learning number " + std::to_string(i));
  }
  auto got = healthy.wait_for([](const auto& r) { return r.size() >= 20; });
  EXPECT_EQ(got.size(), 20u);
  EXPECT_LE(hanging.received().size(), 1u);
  hanging.release();
}

// A URL the HTTP client cannot use is refused when registered: a port past an int made the
// client's std::stoi throw on the delivery thread, which ended the server at the first event
// (and at every start after, the delivery being resumed); a line break in the path would have
// gone into the request line.
TEST(WebhookTest, UrlsTheClientCannotUseAre400AndTheServerStaysUp) {
  ServerProcess server;
  ASSERT_TRUE(server.start());
  httplib::Client client = server.client();
  auto register_url = [&](const std::string& url) {
    return call(client, "POST", "/v1/admin/webhooks",
                json{{"url", url}, {"events", {"learning.created"}}, {"secret", kSecret}});
  };
  const std::vector<std::string> refused = {"http://127.0.0.1:99999999999/hook",
                                            "http://127.0.0.1:65536/hook",
                                            "http://127.0.0.1:0/hook",
                                            "http://127.0.0.1:-1/hook",
                                            "http://127.0.0.1:abc/hook",
                                            "http://127.0.0.1:/hook",
                                            "http://:80/hook",
                                            "http://[::1/hook",
                                            "http://[::1]x/hook",
                                            "http://%00/hook",
                                            "http://127.0.0.1:9/hook\r\nX-Injected: yes",
                                            "http://127.0.0.1:9/a b",
                                            std::string("http://127.0.0.1:9/hook\0x", 25)};
  for (const std::string& url : refused) {
    EXPECT_TRUE(is_error(register_url(url), 400, "invalid_argument")) << url;
  }
  EXPECT_EQ(call(client, "GET", "/v1/admin/webhooks").body["webhooks"].size(), 0u);

  // An event after the refusals: nothing is registered, so nothing is delivered or crashes.
  ASSERT_EQ(call(client, "PUT", "/v1/nodes/Learning/after-refusals",
                 json{{"properties", {{"name", "n"}, {"text", "t"}}}})
                .status,
            201);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(call(client, "GET", "/healthz").status, 200) << server.stderr_text();

  // Hosts and ports the client does take are still accepted.
  for (const char* url : {"http://127.0.0.1:65535/hook", "http://[::1]:9/hook?a=b",
                          "https://hooks.example.com/expgraph", "http://localhost"}) {
    EXPECT_EQ(register_url(url).status, 201) << url;
  }
}

TEST(WebhookTest, BadRegistrationsAre400AndChangeNothing) {
  ServerProcess server;
  ASSERT_TRUE(server.start());
  httplib::Client client = server.client();
  const json good = {{"url", "http://127.0.0.1:9/hook"},
                     {"events", {"learning.created"}},
                     {"secret", kSecret}};
  auto with = [&](const char* field, const json& value) {
    json body = good;
    body[field] = value;
    return call(client, "POST", "/v1/admin/webhooks", body);
  };
  EXPECT_TRUE(is_error(with("url", "ftp://example.com/x"), 400, "invalid_argument"));
  EXPECT_TRUE(is_error(with("url", "http:///x"), 400, "invalid_argument"));
  EXPECT_TRUE(is_error(with("url", 12), 400, "invalid_argument"));
  EXPECT_TRUE(is_error(with("events", json::array()), 400, "invalid_argument"));
  EXPECT_TRUE(is_error(with("events", {"experiment.started"}), 400, "invalid_argument"));
  EXPECT_TRUE(is_error(with("secret", "short"), 400, "invalid_argument"));
  EXPECT_TRUE(is_error(with("max_attempts", 0), 400, "invalid_argument"));
  EXPECT_TRUE(is_error(with("retry_base_ms", 1), 400, "invalid_argument"));
  EXPECT_TRUE(is_error(with("colour", "blue"), 400, "invalid_argument"));
  EXPECT_TRUE(is_error(call(client, "POST", "/v1/admin/webhooks", std::string("{")), 400,
                       "invalid_argument"));
  EXPECT_TRUE(is_error(call(client, "GET", "/v1/admin/webhooks/wh_none/deliveries"), 404,
                       "not_found"));
  EXPECT_EQ(call(client, "GET", "/v1/admin/webhooks").body["webhooks"].size(), 0u);
}

}  // namespace
}  // namespace expgraph::testing
