// GET /v1/export?types=A,B&since=DATETIME: the graph as JSON Lines in the import format,
// streamed with chunked transfer encoding in constant memory.
#include "api/http_json.h"
#include "api/routes.h"
#include "graph/graph_export.h"
#include "ontology/ontology.h"

namespace expgraph::api {

namespace {

constexpr size_t kChunkBytes = 64 * 1024;

Result<ExportOptions> export_options(const httplib::Request& request) {
  ExportOptions options;
  for (const std::string& type : list_parameter(request, "types")) options.types.insert(type);
  if (request.has_param("since")) {
    std::string since = request.get_param_value("since");
    PropertyDef datetime{"since", PropertyType::kDateTime};
    PropertyDef date{"since", PropertyType::kDate};
    std::string text = since;
    if (validate_property_value(date, since).ok()) text += "T00:00:00Z";
    if (!validate_property_value(datetime, text).ok()) {
      return Status::invalid_argument("since must be a date (2024-01-31) or an RFC 3339 datetime");
    }
    std::tm parts{};
    std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%d", &parts.tm_year, &parts.tm_mon, &parts.tm_mday,
                &parts.tm_hour, &parts.tm_min, &parts.tm_sec);
    parts.tm_year -= 1900;
    parts.tm_mon -= 1;
    // Offsets other than Z are rare in this parameter; they are read as UTC (documented).
    options.since_ms = static_cast<int64_t>(timegm(&parts)) * 1000;
  }
  return options;
}

}  // namespace

void add_export_routes(Router& router, GraphStore& graph) {
  router.get("/v1/export", "/v1/export",
             [&graph](const httplib::Request& request, httplib::Response& response) -> Status {
               auto options = export_options(request);
               if (!options.ok()) return options.status();
               auto created = GraphExporter::create(graph, *options);
               if (!created.ok()) return created.status();
               std::shared_ptr<GraphExporter> exporter = std::move(created).value();
               response.set_chunked_content_provider(
                   "application/x-ndjson",
                   [exporter](size_t, httplib::DataSink& sink) {
                     std::string chunk;
                     while (chunk.size() < kChunkBytes) {
                       auto more = exporter->next_line(chunk);
                       // A failure mid-stream cannot change the status any more: end the
                       // stream early, which the client sees as a truncated body.
                       if (!more.ok()) return false;
                       if (!*more) {
                         if (!chunk.empty()) sink.write(chunk.data(), chunk.size());
                         sink.done();
                         return true;
                       }
                     }
                     return sink.write(chunk.data(), chunk.size());
                   });
               return Status();
             });
}

}  // namespace expgraph::api
