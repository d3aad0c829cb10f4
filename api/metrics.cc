#include "api/metrics.h"

#include <sstream>

namespace expgraph::api {

void Metrics::record(const std::string& route, int http_status, double seconds) {
  std::lock_guard lock(mutex_);
  RouteFigures& figures = routes_[route];
  ++figures.by_status[http_status];
  ++figures.count;
  figures.sum_seconds += seconds;
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      ++figures.bucket_counts[i];
      break;
    }
  }
}

void Metrics::add_gauge(std::string name, std::string help, std::function<double()> read) {
  std::lock_guard lock(mutex_);
  gauges_.push_back(Gauge{std::move(name), std::move(help), std::move(read)});
}

std::string Metrics::render() const {
  std::lock_guard lock(mutex_);
  std::ostringstream out;
  out << "# HELP expgraph_http_requests_total HTTP requests by route and status code.\n"
      << "# TYPE expgraph_http_requests_total counter\n";
  for (const auto& [route, figures] : routes_) {
    for (const auto& [code, count] : figures.by_status) {
      out << "expgraph_http_requests_total{route=\"" << route << "\",code=\"" << code << "\"} "
          << count << "\n";
    }
  }
  out << "# HELP expgraph_http_request_duration_seconds HTTP request latency by route.\n"
      << "# TYPE expgraph_http_request_duration_seconds histogram\n";
  for (const auto& [route, figures] : routes_) {
    uint64_t cumulative = 0;
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += figures.bucket_counts[i];
      out << "expgraph_http_request_duration_seconds_bucket{route=\"" << route << "\",le=\""
          << kBuckets[i] << "\"} " << cumulative << "\n";
    }
    out << "expgraph_http_request_duration_seconds_bucket{route=\"" << route
        << "\",le=\"+Inf\"} " << figures.count << "\n"
        << "expgraph_http_request_duration_seconds_sum{route=\"" << route << "\"} "
        << figures.sum_seconds << "\n"
        << "expgraph_http_request_duration_seconds_count{route=\"" << route << "\"} "
        << figures.count << "\n";
  }
  for (const Gauge& gauge : gauges_) {
    out << "# HELP " << gauge.name << " " << gauge.help << "\n"
        << "# TYPE " << gauge.name << " gauge\n"
        << gauge.name << " " << gauge.read() << "\n";
  }
  return out.str();
}

}  // namespace expgraph::api
