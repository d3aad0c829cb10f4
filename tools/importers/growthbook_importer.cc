// GrowthBook's REST API answers (experiment list and results) -> graph items, through the
// mapping shared with the server's import route (query/interchange/growthbook_import.h).
#include <iterator>
#include <string>

#include "query/interchange/growthbook_import.h"
#include "tools/importers/importer.h"
#include "tools/importers/item_emitter.h"

namespace expgraph {

Result<ImportStats> import_growthbook(std::istream& input, const ItemSink& sink) {
  std::string text((std::istreambuf_iterator<char>(input)), std::istreambuf_iterator<char>());
  ImportStats stats;
  import_internal::ItemEmitter out(sink, &stats);
  auto converted = interchange::convert_growthbook(text, [&out](nlohmann::json line) -> Status {
    if (line.contains("node")) {
      nlohmann::json& node = line["node"];
      return out.node(node["type"].get<std::string>(), node["key"].get<std::string>(),
                      std::move(node["properties"]));
    }
    nlohmann::json& edge = line["edge"];
    return out.edge(edge["type"].get<std::string>(), edge["from"].get<std::string>(),
                    edge["to"].get<std::string>(), std::move(edge["properties"]));
  });
  if (!converted.ok()) return converted.status();
  // Rows are the records of the input: experiments and results documents.
  stats.rows_read = converted->experiments_read + converted->results_read;
  stats.rows_skipped = converted->experiments_skipped + converted->results_skipped;
  stats.warnings = std::move(converted->warnings);
  return stats;
}

}  // namespace expgraph
