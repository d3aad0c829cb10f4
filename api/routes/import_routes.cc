// POST /v1/import: JSON Lines of nodes and edges. Large files are sent in several bodies
// (the CLI splits them on line boundaries under the body limit); `first_line` keeps the
// reported line numbers those of the whole file.
#include "api/auth/access_control.h"
#include "api/http/http_json.h"
#include "api/convert/jsonl_import.h"
#include "api/routes/routes.h"

namespace expgraph::api {

void add_import_routes(Router& router, GraphStore& graph) {
  router.post("/v1/import", "/v1/import",
              [&graph](const httplib::Request& request, httplib::Response& response) -> Status {
                ImportOptions options;
                options.actor = current_actor();
                if (request.has_param("atomic")) {
                  std::string atomic = request.get_param_value("atomic");
                  if (atomic != "true" && atomic != "false") {
                    return Status::invalid_argument("atomic must be true or false");
                  }
                  options.atomic = atomic == "true";
                }
                auto batch_size = integer_parameter(
                    request, "batch_size", static_cast<int64_t>(options.batch_size), 1, 100000);
                if (!batch_size.ok()) return batch_size.status();
                auto first_line = integer_parameter(request, "first_line", 1, 1, int64_t{1} << 40);
                if (!first_line.ok()) return first_line.status();
                options.batch_size = static_cast<size_t>(*batch_size);
                options.first_line_number = static_cast<size_t>(*first_line);
                auto report = import_jsonl(graph, request.body, options);
                if (!report.ok()) return report.status();
                send_json(response, 200, report->to_json());
                return Status();
              });
}

}  // namespace expgraph::api
