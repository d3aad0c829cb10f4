// Failures seen by the client threads of a race test, kept (the first few, with the reply) and
// reported on the test's own thread afterwards: gtest assertions are not for other threads.
#pragma once

#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <vector>

namespace expgraph::testing {

class FailureLog {
 public:
  // From any thread; past the first five, failures are not kept.
  void fail(const std::string& what) {
    std::lock_guard lock(mutex_);
    if (failures_.size() < 5) failures_.push_back(what);
  }
  // On the test's thread, once the clients are joined.
  void report() const {
    for (const std::string& failure : failures_) ADD_FAILURE() << failure;
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> failures_;
};

}  // namespace expgraph::testing
