// POST /v1/import: JSON Lines of nodes and edges. Large files are sent in several bodies
// (the CLI splits them on line boundaries under the body limit); `first_line` keeps the
// reported line numbers those of the whole file. `overwrite=false` keeps the nodes already
// stored; the report lists what the import changed in the others. With format=growthbook the
// body is GrowthBook's REST API answers instead, mapped onto the ontology
// (query/interchange/growthbook_import.h) and imported as the JSON Lines it maps to; the report
// then also has `source`, the conversion's counts and per-record warnings.
#include "api/auth/access_control.h"
#include "api/http/http_json.h"
#include "api/convert/jsonl_import.h"
#include "api/routes/routes.h"
#include "query/interchange/growthbook_import.h"

namespace expgraph::api {

namespace {

// A "true" or "false" query parameter; `fallback` when absent.
Result<bool> true_or_false(const httplib::Request& request, const std::string& name,
                           bool fallback) {
  if (!request.has_param(name)) return fallback;
  const std::string value = request.get_param_value(name);
  if (value != "true" && value != "false") {
    return Status::invalid_argument(name + " must be true or false");
  }
  return value == "true";
}

// The GrowthBook answers in `body` as import lines, with the conversion's counts and warnings.
Result<std::pair<std::string, nlohmann::json>> growthbook_lines(const std::string& body) {
  std::string lines;
  auto converted = interchange::convert_growthbook(body, [&lines](nlohmann::json line) {
    lines += line.dump();
    lines += '\n';
    return Status();
  });
  if (!converted.ok()) return converted.status();
  nlohmann::json source = {{"format", "growthbook"},
                           {"experiments_read", converted->experiments_read},
                           {"experiments_skipped", converted->experiments_skipped},
                           {"results_read", converted->results_read},
                           {"results_skipped", converted->results_skipped},
                           {"warnings", converted->warnings}};
  return std::make_pair(std::move(lines), std::move(source));
}

}  // namespace

void add_import_routes(Router& router, GraphStore& graph) {
  router.post("/v1/import", "/v1/import",
              [&graph](const httplib::Request& request, httplib::Response& response) -> Status {
                ImportOptions options;
                options.actor = current_actor();
                auto atomic = true_or_false(request, "atomic", false);
                if (!atomic.ok()) return atomic.status();
                options.atomic = *atomic;
                auto overwrite = true_or_false(request, "overwrite", true);
                if (!overwrite.ok()) return overwrite.status();
                options.keep_existing = !*overwrite;
                auto batch_size = integer_parameter(
                    request, "batch_size", static_cast<int64_t>(options.batch_size), 1, 100000);
                if (!batch_size.ok()) return batch_size.status();
                auto first_line = integer_parameter(request, "first_line", 1, 1, int64_t{1} << 40);
                if (!first_line.ok()) return first_line.status();
                options.batch_size = static_cast<size_t>(*batch_size);
                options.first_line_number = static_cast<size_t>(*first_line);
                std::string format =
                    request.has_param("format") ? request.get_param_value("format") : "jsonl";
                if (format == "growthbook") {
                  auto converted = growthbook_lines(request.body);
                  if (!converted.ok()) return converted.status();
                  auto report = import_jsonl(graph, converted->first, options);
                  if (!report.ok()) return report.status();
                  nlohmann::json answer = report->to_json();
                  answer["source"] = std::move(converted->second);
                  send_json(response, 200, answer);
                  return Status();
                }
                if (format != "jsonl") {
                  return Status::invalid_argument("format must be jsonl or growthbook, got \"" +
                                                  format + "\"");
                }
                auto report = import_jsonl(graph, request.body, options);
                if (!report.ok()) return report.status();
                send_json(response, 200, report->to_json());
                return Status();
              });
}

}  // namespace expgraph::api
