// POST /v1/admin/backup: an online backup (RocksDB checkpoint) of the whole database into the
// server's backup directory, while requests keep being served. A backup copies the database's
// files, below the graph's view of them, so it calls storage/backup.h directly on the store the
// graph owns (GraphStore::storage()); graph/ has nothing to add to a file-level checkpoint.
#include "api/http/http_json.h"
#include "api/routes/routes.h"
#include "storage/backup.h"

namespace expgraph::api {

void add_backup_routes(Router& router, GraphStore& graph, const std::string& backup_dir) {
  router.post(
      "/v1/admin/backup", "/v1/admin/backup",
      [&graph, backup_dir](const httplib::Request& request, httplib::Response& response) -> Status {
        std::string requested;
        // The body is optional: {"path": "name"} picks the directory inside backup_dir.
        if (!request.body.empty()) {
          auto body = parse_json_object(request.body);
          if (!body.ok()) return body.status();
          EXPGRAPH_RETURN_IF_ERROR(check_fields(*body, {"path"}, "backup request"));
          if (body->contains("path")) {
            auto path = string_field(*body, "path", "backup request");
            if (!path.ok()) return path.status();
            requested = *path;
          }
        }
        auto info = create_backup(graph.storage(), backup_dir, requested);
        if (!info.ok()) return info.status();
        send_json(response, 201,
                  {{"path", info->path},
                   {"size_bytes", info->size_bytes},
                   {"sequence", info->sequence},
                   {"created_at", info->created_at}});
        return Status();
      });
}

}  // namespace expgraph::api
