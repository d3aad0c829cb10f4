// Write latency with webhooks whose receivers hang or fail, against the same server without
// webhooks, in one run: the receivers run in this process on loopback, the writes are PUTs of
// new Learnings (each raises learning.created for every webhook) from one kept-alive client.
// Phases: none (no webhook), healthy (K webhooks to a receiver that answers 200 at once: the cost
// of webhooks as such), hanging (K webhooks to a receiver that never answers), failing (K
// webhooks to a receiver that answers 500 at once, retried every 10 ms and up), none again.
// Usage: bench_webhook_write_latency URL [writes=2000] [webhooks=4]; tools/bench/
// webhook_write_latency.sh starts a server and runs it.
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

enum class Behaviour { kHealthy, kHanging, kFailing };

// A loopback receiver: answers 200 at once, hangs on every request until stopped, or answers
// 500 at once.
class Receiver {
 public:
  explicit Receiver(Behaviour behaviour) : behaviour_(behaviour) {
    server_.Post("/hook", [this](const httplib::Request&, httplib::Response& response) {
      ++requests_;
      if (behaviour_ == Behaviour::kHanging) {
        std::unique_lock lock(mutex_);
        stopped_.wait(lock, [this] { return stopping_; });
      }
      response.status = behaviour_ == Behaviour::kHealthy ? 200 : 500;
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~Receiver() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    stopped_.notify_all();
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  long requests() const { return requests_; }

 private:
  Behaviour behaviour_;
  httplib::Server server_;
  std::mutex mutex_;
  std::condition_variable stopped_;
  bool stopping_ = false;
  std::atomic<long> requests_{0};
  int port_ = 0;
  std::thread thread_;
};

struct Summary {
  double p50, p90, p99, max, mean;
};

Summary summarise(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  auto at = [&](double q) { return ms[static_cast<size_t>(q * (ms.size() - 1))]; };
  double sum = 0;
  for (double m : ms) sum += m;
  return {at(0.5), at(0.9), at(0.99), ms.back(), sum / ms.size()};
}

std::vector<std::string> register_hooks(httplib::Client& client, const std::string& url, int count,
                                        int retry_base_ms) {
  std::vector<std::string> ids;
  for (int i = 0; i < count; ++i) {
    json body = {{"url", url},
                 {"events", {"learning.created", "experiment.concluded"}},
                 {"secret", "bench-secret-0123456789"},
                 {"max_attempts", 20},
                 {"retry_base_ms", retry_base_ms}};
    auto result = client.Post("/v1/admin/webhooks", body.dump(), "application/json");
    if (!result || result->status != 201) {
      std::fprintf(stderr, "cannot register a webhook: %s\n", result ? result->body.c_str() : "no answer");
      std::exit(1);
    }
    ids.push_back(json::parse(result->body)["id"]);
  }
  return ids;
}

void remove_hooks(httplib::Client& client, const std::vector<std::string>& ids) {
  for (const std::string& id : ids) client.Delete("/v1/admin/webhooks/" + id);
}

long pending(httplib::Client& client) {
  auto result = client.Get("/v1/admin/webhooks");
  if (!result || result->status != 200) return -1;
  long total = 0;
  const json answer = json::parse(result->body);
  for (const json& hook : answer["webhooks"]) total += hook.value("pending", 0L);
  return total;
}

std::vector<double> write_learnings(httplib::Client& client, const std::string& phase, int writes) {
  std::vector<double> ms;
  ms.reserve(writes);
  for (int i = 0; i < writes; ++i) {
    json body = {{"properties",
                  {{"text", "Bench learning " + phase + " " + std::to_string(i) +
                                ": shorter forms lift completion"}}}};
    auto start = Clock::now();
    auto result = client.Put("/v1/nodes/Learning/bench-" + phase + "-" + std::to_string(i),
                             body.dump(), "application/json");
    double elapsed = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    if (!result || result->status != 201) {
      std::fprintf(stderr, "write failed: %s\n", result ? result->body.c_str() : "no answer");
      std::exit(1);
    }
    ms.push_back(elapsed);
  }
  return ms;
}

void report(const char* phase, const std::vector<double>& ms, long queued) {
  Summary s = summarise(ms);
  std::printf("%-8s writes %5zu  p50 %6.3f ms  p90 %6.3f ms  p99 %6.3f ms  max %7.3f ms  mean %6.3f ms",
              phase, ms.size(), s.p50, s.p90, s.p99, s.max, s.mean);
  if (queued >= 0) std::printf("  (deliveries queued after: %ld)", queued);
  std::printf("\n");
}

// Writes with `hooks` webhooks to a receiver that behaves so (retried from 10 ms, from 100 ms
// when it hangs), then removes them.
void webhook_phase(httplib::Client& client, Behaviour behaviour, int hooks, int writes) {
  const char* phase = behaviour == Behaviour::kHealthy   ? "healthy"
                      : behaviour == Behaviour::kHanging ? "hanging"
                                                         : "failing";
  Receiver receiver(behaviour);
  auto ids = register_hooks(client, receiver.url(), hooks,
                            behaviour == Behaviour::kHanging ? 100 : 10);
  auto ms = write_learnings(client, phase, writes);
  report(phase, ms, pending(client));
  std::printf("         the %s receiver got %ld requests\n", phase, receiver.requests());
  remove_hooks(client, ids);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_webhook_write_latency URL [writes=2000] [webhooks=4]\n");
    return 2;
  }
  const std::string url = argv[1];
  const int writes = argc > 2 ? std::atoi(argv[2]) : 2000;
  const int hooks = argc > 3 ? std::atoi(argv[3]) : 4;
  httplib::Client client(url);
  client.set_read_timeout(30, 0);
  client.set_keep_alive(true);
  // Without it the body waits for the server's delayed ACK of the head (about 40 ms a write).
  client.set_tcp_nodelay(true);

  write_learnings(client, "warmup", 200);
  report("none", write_learnings(client, "none1", writes), -1);
  webhook_phase(client, Behaviour::kHealthy, hooks, writes);
  webhook_phase(client, Behaviour::kHanging, hooks, writes);
  webhook_phase(client, Behaviour::kFailing, hooks, writes);
  report("none", write_learnings(client, "none2", writes), -1);
  return 0;
}
