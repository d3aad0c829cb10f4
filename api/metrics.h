// Request metrics by route in Prometheus text format: request counts by status code and a
// latency histogram per route, plus gauges that the server supplies at scrape time.
// Thread-safe: a route's figures are atomic counters, so recording a request takes no lock
// (every request records one; a shared lock there made the workers queue behind each other).
#pragma once

#include <array>
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace expgraph::api {

class Metrics {
 public:
  // Latency bucket upper bounds in seconds.
  static constexpr std::array<double, 16> kBuckets = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                                      0.01,   0.025,   0.05,   0.1,   0.25,   0.5,
                                                      1,      2.5,     5,      10};

  // A route's figures, registered once (at route set-up) and then recorded into per request.
  class Route {
   public:
    void record(int http_status, double seconds);

   private:
    friend class Metrics;
    static constexpr int kMaxStatus = 599;
    std::array<std::atomic<uint64_t>, kMaxStatus + 1> by_status{};
    std::array<std::atomic<uint64_t>, kBuckets.size()> bucket_counts{};
    std::atomic<uint64_t> count{0};
    std::atomic<uint64_t> sum_nanoseconds{0};
  };

  // The figures of `route` (a label such as "GET /v1/nodes/{type}/{key}"); the reference stays
  // valid as long as the Metrics.
  Route& route(const std::string& label);
  // A gauge read when /metrics is scraped (e.g. node and edge counts).
  void add_gauge(std::string name, std::string help, std::function<double()> read);
  // A counter read when /metrics is scraped, one sample of `name` with `labels` (e.g.
  // reason="reply_timeout"; empty: none). Samples of one name share its HELP and TYPE lines:
  // add them one after another, with the same help.
  void add_counter(std::string name, std::string labels, std::string help,
                   std::function<double()> read);
  // The whole exposition in Prometheus text format 0.0.4.
  std::string render() const;

 private:
  struct Gauge {
    std::string name;
    std::string help;
    std::function<double()> read;
    std::string type = "gauge";
    std::string labels;  // "" or the text between the braces
  };

  mutable std::mutex mutex_;  // guards routes_ and gauges_
  std::map<std::string, std::unique_ptr<Route>> routes_;
  std::vector<Gauge> gauges_;
};

}  // namespace expgraph::api
