// How long an answer asks a replica to wait before asking again: its Retry-After header, as a
// primary sends it with a 503 when all its replication streams are in use. Read by the
// follower (replica_follower.cc) and by both bootstrap paths (replica_bootstrap.cc), so that
// they wait the same way. Thread-safe (a function of its argument).
#pragma once

#include <httplib.h>

#include <chrono>

namespace expgraph::replication {

// The longest wait an answer can impose: a primary that asks for more (or a proxy in front of
// it) must not keep a replica away for longer than its lag allows.
inline constexpr std::chrono::milliseconds kMaxRetryAfter{30000};

// The answer's Retry-After in delay-seconds (RFC 9110 section 10.2.3), at most kMaxRetryAfter;
// 0 when absent or malformed (an HTTP date is not used by expgraph and counts as malformed).
std::chrono::milliseconds retry_after(const httplib::Response& response);

}  // namespace expgraph::replication
