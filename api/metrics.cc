#include "api/metrics.h"

#include <algorithm>
#include <sstream>

namespace expgraph::api {

void Metrics::Route::record(int http_status, double seconds) {
  if (http_status >= 0 && http_status <= kMaxStatus) {
    by_status[http_status].fetch_add(1, std::memory_order_relaxed);
  }
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      bucket_counts[i].fetch_add(1, std::memory_order_relaxed);
      break;
    }
  }
  sum_nanoseconds.fetch_add(static_cast<uint64_t>(seconds * 1e9), std::memory_order_relaxed);
  // Last, so a scrape that sees a count never sees fewer requests in the histogram than in it
  // for long; Prometheus tolerates the brief skew of a concurrent scrape.
  count.fetch_add(1, std::memory_order_relaxed);
}

Metrics::Route& Metrics::route(const std::string& label) {
  std::lock_guard lock(mutex_);
  std::unique_ptr<Route>& figures = routes_[label];
  if (!figures) figures = std::make_unique<Route>();
  return *figures;
}

void Metrics::add_gauge(std::string name, std::string help, std::function<double()> read) {
  std::lock_guard lock(mutex_);
  gauges_.push_back(Gauge{std::move(name), std::move(help), std::move(read)});
}

void Metrics::add_counter(std::string name, std::string labels, std::string help,
                          std::function<double()> read) {
  std::lock_guard lock(mutex_);
  gauges_.push_back(
      Gauge{std::move(name), std::move(help), std::move(read), "counter", std::move(labels)});
}

std::string Metrics::render() const {
  std::lock_guard lock(mutex_);
  std::ostringstream out;
  out << "# HELP expgraph_http_requests_total HTTP requests by route and status code.\n"
      << "# TYPE expgraph_http_requests_total counter\n";
  for (const auto& [route, figures] : routes_) {
    for (int code = 0; code <= Route::kMaxStatus; ++code) {
      uint64_t count = figures->by_status[code].load(std::memory_order_relaxed);
      if (count == 0) continue;
      out << "expgraph_http_requests_total{route=\"" << route << "\",code=\"" << code << "\"} "
          << count << "\n";
    }
  }
  out << "# HELP expgraph_http_request_duration_seconds HTTP request latency by route.\n"
      << "# TYPE expgraph_http_request_duration_seconds histogram\n";
  for (const auto& [route, figures] : routes_) {
    // Routes not called yet stay out of the listing.
    uint64_t count = figures->count.load(std::memory_order_relaxed);
    if (count == 0) continue;
    uint64_t cumulative = 0;
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += figures->bucket_counts[i].load(std::memory_order_relaxed);
      out << "expgraph_http_request_duration_seconds_bucket{route=\"" << route << "\",le=\""
          << kBuckets[i] << "\"} " << cumulative << "\n";
    }
    out << "expgraph_http_request_duration_seconds_bucket{route=\"" << route << "\",le=\"+Inf\"} "
        << std::max(count, cumulative) << "\n"
        << "expgraph_http_request_duration_seconds_sum{route=\"" << route << "\"} "
        << static_cast<double>(figures->sum_nanoseconds.load(std::memory_order_relaxed)) / 1e9
        << "\n"
        << "expgraph_http_request_duration_seconds_count{route=\"" << route << "\"} "
        << std::max(count, cumulative) << "\n";
  }
  const std::string* previous_name = nullptr;
  for (const Gauge& gauge : gauges_) {
    if (previous_name == nullptr || *previous_name != gauge.name) {
      out << "# HELP " << gauge.name << " " << gauge.help << "\n"
          << "# TYPE " << gauge.name << " " << gauge.type << "\n";
    }
    previous_name = &gauge.name;
    out << gauge.name;
    if (!gauge.labels.empty()) out << "{" << gauge.labels << "}";
    out << " " << gauge.read() << "\n";
  }
  return out.str();
}

}  // namespace expgraph::api
