// FakePrimary: an HTTP server on a free loopback port that answers a replica's GETs as a test
// scripts them (each path's answers in turn, the last repeated) and records when each request
// came. It lets the replica's retry paths (a busy primary's 503, a 410) be driven exactly,
// which a real primary only takes with timing tricks. Thread-safe: handlers run on the server's
// threads while the test reads the record.
#pragma once

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace expgraph::testing {

// The paths a replica asks its primary for, to script.
inline constexpr const char* kCheckpointPath = "/v1/replication/checkpoint";
inline constexpr const char* kUpdatesPath = "/v1/replication/updates";

class FakePrimary {
 public:
  struct Answer {
    int status = 200;
    std::string retry_after;  // the Retry-After header; none when empty
    std::string body;         // sent as application/json
  };
  using Clock = std::chrono::steady_clock;

  FakePrimary() = default;
  ~FakePrimary() { stop(); }
  FakePrimary(const FakePrimary&) = delete;
  FakePrimary& operator=(const FakePrimary&) = delete;

  // Answers GET `path` with `answers` in turn, the last one from then on. Before start().
  void script(const std::string& path, std::vector<Answer> answers) {
    scripts_[path] = std::move(answers);
    server_.Get(path, [this, path](const httplib::Request&, httplib::Response& response) {
      Answer answer;
      {
        std::lock_guard lock(mutex_);
        std::vector<Clock::time_point>& times = requests_[path];
        const std::vector<Answer>& answers = scripts_.at(path);
        answer = answers[std::min(times.size(), answers.size() - 1)];
        times.push_back(Clock::now());
      }
      response.status = answer.status;
      if (!answer.retry_after.empty()) response.set_header("Retry-After", answer.retry_after);
      response.set_content(answer.body, "application/json");
    });
  }

  // Listens on a free loopback port; false when it cannot.
  bool start() {
    port_ = server_.bind_to_any_port("127.0.0.1");
    if (port_ <= 0) return false;
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // A stop() that comes before the listening starts would be lost, and join() would hang.
    for (int attempt = 0; attempt < 200 && !server_.is_running(); ++attempt) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return server_.is_running();
  }
  void stop() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // When each GET of `path` came, in order.
  std::vector<Clock::time_point> requests(const std::string& path) const {
    std::lock_guard lock(mutex_);
    auto found = requests_.find(path);
    return found == requests_.end() ? std::vector<Clock::time_point>{} : found->second;
  }

  // The body of an expgraph error answer.
  static std::string error_body(const std::string& code, const std::string& message) {
    return R"({"error":{"code":")" + code + R"(","message":")" + message + R"(","details":[]}})";
  }
  // A primary whose replication streams are all in use: 503 asking to retry after `retry_after`
  // (no header when empty).
  static Answer busy(const std::string& retry_after) {
    return {503, retry_after, error_body("overloaded", "all 1 replication streams are in use")};
  }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::map<std::string, std::vector<Answer>> scripts_;  // written before start() only
  mutable std::mutex mutex_;                            // guards requests_
  std::map<std::string, std::vector<Clock::time_point>> requests_;
};

}  // namespace expgraph::testing
