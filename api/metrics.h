// Request metrics by route in Prometheus text format: request counts by status code and a
// latency histogram per route, plus gauges that the server supplies at scrape time.
// Thread-safe: each route's figures sit behind their own mutex.
#pragma once

#include <array>
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
  static constexpr std::array<double, 16> kBuckets = {0.0001, 0.00025, 0.0005, 0.001, 0.0025,
                                                      0.005,  0.01,    0.025,  0.05,  0.1,
                                                      0.25,   0.5,     1,      2.5,   5,
                                                      10};

  void record(const std::string& route, int http_status, double seconds);
  // A gauge read when /metrics is scraped (e.g. node and edge counts).
  void add_gauge(std::string name, std::string help, std::function<double()> read);
  // The whole exposition in Prometheus text format 0.0.4.
  std::string render() const;

 private:
  struct RouteFigures {
    std::map<int, uint64_t> by_status;
    std::array<uint64_t, kBuckets.size()> bucket_counts{};
    uint64_t count = 0;
    double sum_seconds = 0;
  };
  struct Gauge {
    std::string name;
    std::string help;
    std::function<double()> read;
  };

  mutable std::mutex mutex_;  // guards routes_ and gauges_
  std::map<std::string, RouteFigures> routes_;
  std::vector<Gauge> gauges_;
};

}  // namespace expgraph::api
