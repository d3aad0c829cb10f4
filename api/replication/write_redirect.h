// What a read replica answers to a request that changes data: 421 Misdirected Request with the
// primary's address (header Expgraph-Primary and the error body's details), so that a client or
// load balancer sends it to the primary. Used by ApiServer before routing and by the
// replication routes. Pure functions, thread-safe.
#pragma once

#include <httplib.h>

#include <string_view>

#include "api/replication/replica_status.h"
#include "ontology/status.h"

namespace expgraph::replication {

// True when the request for `method` and `path` would change data: the routes that need the
// writer role, and the admin routes other than reads and backups (key management). Paths no
// route takes are not writes (they get their 404).
bool changes_data(std::string_view method, std::string_view path);

// Sends the 421 answer; returns ok (the response is complete).
Status misdirected(const ReplicaStatus& replica, httplib::Response& response);

}  // namespace expgraph::replication
