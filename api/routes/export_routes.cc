// GET /v1/export?types=A,B&since=DATETIME: the graph as JSON Lines in the import format;
// GET /v1/export/csv: the list of CSV tables (one per node type and per edge type) and
// GET /v1/export/csv/nodes/{type}.csv, /v1/export/csv/edges/{type}.csv?since=DATETIME: one
// table, a URL that pandas.read_csv and DuckDB read directly (docs/importers.md, "Export").
// Both streamed with chunked transfer encoding in constant memory.
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

// Streams what `options` selects as `content_type`.
Status stream_export(GraphStore& graph, const ExportOptions& options, const char* content_type,
                     httplib::Response& response) {
  auto created = GraphExporter::create(graph, options);
  if (!created.ok()) return created.status();
  std::shared_ptr<GraphExporter> exporter = std::move(created).value();
  response.set_chunked_content_provider(content_type, [exporter](size_t, httplib::DataSink& sink) {
    std::string chunk;
    while (chunk.size() < kChunkBytes) {
      auto more = exporter->next_line(chunk);
      // A failure mid-stream cannot change the status any more: end the stream early, which
      // the client sees as a truncated body.
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
}

}  // namespace

void add_export_routes(Router& router, GraphStore& graph) {
  router.get_streamed(
      "/v1/export", "/v1/export",
      [&graph](const httplib::Request& request, httplib::Response& response) -> Status {
        auto options = export_options(request);
        if (!options.ok()) return options.status();
        return stream_export(graph, *options, "application/x-ndjson", response);
      });
  router.get("/v1/export/csv", "/v1/export/csv",
             [&graph](const httplib::Request&, httplib::Response& response) -> Status {
               nlohmann::json tables = nlohmann::json::array();
               for (const ExportTable& table : export_tables(graph.ontology())) {
                 nlohmann::json entry = export_table_json(table);
                 entry["url"] = "/v1/export/csv/" + table.file_name();
                 tables.push_back(std::move(entry));
               }
               send_json(response, 200, {{"tables", std::move(tables)}});
               return Status();
             });
  router.get_streamed(
      "/v1/export/csv/(nodes|edges)/([^/]+)\\.csv", "/v1/export/csv/{kind}/{type}.csv",
      [&graph](const httplib::Request& request, httplib::Response& response) -> Status {
        const bool is_edge = request.matches[1].str() == "edges";
        const std::string type = request.matches[2].str();
        auto table = export_table(graph.ontology(), type, is_edge);
        if (!table) {
          return Status::not_found(std::string("no ") + (is_edge ? "edge" : "node") + " type \"" +
                                   type +
                                   "\" in the ontology; GET /v1/export/csv lists the tables");
        }
        auto since = datetime_parameter(request, "since");
        if (!since.ok()) return since.status();
        ExportOptions options;
        if (*since) options.since_ms = **since;
        options.csv_table = std::move(table);
        return stream_export(graph, options, "text/csv; charset=utf-8", response);
      });
}

}  // namespace expgraph::api
