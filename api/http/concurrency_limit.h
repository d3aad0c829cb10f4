// ConcurrencyLimit: caps how many of something hold a worker at once. The Router asks one for a
// slot before each /v1 handler (but those registered exempt, api/routes/router.h) and answers
// 429 when none is free (--max-concurrent-requests), so a pile of heavy queries cannot take every
// worker and all the memory; the replication routes hold one of their own for as long as a
// stream lasts (--max-replication-streams), so that replicas cannot take them either.
// Thread-safe (one atomic).
#pragma once

#include <atomic>
#include <cstddef>
#include <utility>

namespace expgraph::api {

class ConcurrencyLimit {
 public:
  explicit ConcurrencyLimit(size_t limit) : limit_(limit) {}

  // Holds one slot from a successful try_acquire() until destroyed.
  class Slot {
   public:
    explicit Slot(ConcurrencyLimit* owner) : owner_(owner) {}
    // Movable, so that a streamed response can keep the slot until its last byte.
    Slot(Slot&& other) noexcept : owner_(std::exchange(other.owner_, nullptr)) {}
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    Slot& operator=(Slot&&) = delete;
    ~Slot() {
      if (owner_ != nullptr) owner_->in_flight_.fetch_sub(1, std::memory_order_relaxed);
    }
    bool acquired() const { return owner_ != nullptr; }

   private:
    ConcurrencyLimit* owner_;
  };

  // A held slot, or an empty one when `limit` requests are already in flight.
  Slot try_acquire() {
    if (in_flight_.fetch_add(1, std::memory_order_relaxed) >= limit_) {
      in_flight_.fetch_sub(1, std::memory_order_relaxed);
      return Slot(nullptr);
    }
    return Slot(this);
  }
  size_t limit() const { return limit_; }
  size_t in_flight() const { return in_flight_.load(std::memory_order_relaxed); }

 private:
  const size_t limit_;
  std::atomic<size_t> in_flight_{0};
};

}  // namespace expgraph::api
