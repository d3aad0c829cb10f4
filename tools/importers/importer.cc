#include "tools/importers/importer.h"

namespace expgraph {

nlohmann::json ImportItem::to_jsonl() const {
  return nlohmann::json{{is_node ? "node" : "edge", body}};
}

std::optional<Importer> find_importer(std::string_view name) {
  if (name == "upworthy") return Importer(import_upworthy);
  if (name == "hillstrom") return Importer(import_hillstrom);
  if (name == "fb-ads") return Importer(import_fb_ads);
  if (name == "growthbook") return Importer(import_growthbook);
  return std::nullopt;
}

std::vector<std::string> importer_names() { return {"upworthy", "hillstrom", "fb-ads", "growthbook"}; }

}  // namespace expgraph
