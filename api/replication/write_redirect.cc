#include "api/replication/write_redirect.h"

#include "api/auth/access_control.h"
#include "api/http/http_json.h"

namespace expgraph::replication {

bool changes_data(std::string_view method, std::string_view path) {
  std::optional<api::Access> access = api::route_access(method, path);
  if (!access) return false;
  if (*access == api::Access::kWriter) return true;
  // Admin: key management writes; a backup of a replica is a read of its data.
  return *access == api::Access::kAdmin && method != "GET" && path != "/v1/admin/backup";
}

Status misdirected(const ReplicaStatus& replica, httplib::Response& response) {
  Status status(StatusCode::kConflict,
                "this server is a read replica of " + replica.primary_url() +
                    ": send writes (and replication) to the primary",
                {replica.primary_url()}, "read_replica");
  api::send_error(response, status);
  response.status = 421;
  response.set_header("Expgraph-Primary", replica.primary_url());
  return Status();
}

}  // namespace expgraph::replication
