// GET /v1/export?types=A,B&since=DATETIME: the graph as JSON Lines in the import format,
// streamed with chunked transfer encoding in constant memory.
#include "api/http/http_json.h"
#include "api/routes/routes.h"
#include "graph/graph_export.h"

namespace expgraph::api {

namespace {

constexpr size_t kChunkBytes = 64 * 1024;

Result<ExportOptions> export_options(const httplib::Request& request) {
  ExportOptions options;
  for (const std::string& type : list_parameter(request, "types")) options.types.insert(type);
  auto since = datetime_parameter(request, "since");
  if (!since.ok()) return since.status();
  if (*since) options.since_ms = **since;
  return options;
}

}  // namespace

void add_export_routes(Router& router, GraphStore& graph) {
  router.get_streamed(
      "/v1/export", "/v1/export",
      [&graph](const httplib::Request& request, httplib::Response& response) -> Status {
        auto options = export_options(request);
        if (!options.ok()) return options.status();
        auto created = GraphExporter::create(graph, *options);
        if (!created.ok()) return created.status();
        std::shared_ptr<GraphExporter> exporter = std::move(created).value();
        response.set_chunked_content_provider("application/x-ndjson",
                                              [exporter](size_t, httplib::DataSink& sink) {
                                                std::string chunk;
                                                while (chunk.size() < kChunkBytes) {
                                                  auto more = exporter->next_line(chunk);
                                                  // A failure mid-stream cannot change the status
                                                  // any more: end the stream early, which the
                                                  // client sees as a truncated body.
                                                  if (!more.ok()) return false;
                                                  if (!*more) {
                                                    if (!chunk.empty())
                                                      sink.write(chunk.data(), chunk.size());
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
