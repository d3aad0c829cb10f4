#include "api/convert/property_changes.h"

#include <set>
#include <string>

namespace expgraph::api {

namespace {

// The value as shown: as it is when short, else its text cut at a UTF-8 character boundary.
nlohmann::json shown_value(const nlohmann::json* value) {
  if (value == nullptr) return nullptr;
  if (!value->is_string() && !value->is_structured()) return *value;
  std::string text = value->is_string()
                         ? value->get<std::string>()
                         : value->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (text.size() <= kMaxChangedValueChars) return *value;
  size_t cut = kMaxChangedValueChars;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  text.resize(cut);
  return text + "...";
}

const nlohmann::json* find(const nlohmann::json& object, const std::string& name) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(name);
  return it == object.end() || it->is_null() ? nullptr : &*it;
}

}  // namespace

nlohmann::json property_changes(const nlohmann::json& before, const nlohmann::json& after,
                                size_t max_properties) {
  std::set<std::string> names;
  for (const nlohmann::json* side : {&before, &after}) {
    if (!side->is_object()) continue;
    for (const auto& [name, value] : side->items()) names.insert(name);
  }
  nlohmann::json changed = nlohmann::json::object();
  size_t omitted = 0;
  for (const std::string& name : names) {
    const nlohmann::json* old_value = find(before, name);
    const nlohmann::json* new_value = find(after, name);
    if (old_value == nullptr ? new_value == nullptr : new_value && *old_value == *new_value) {
      continue;
    }
    if (changed.size() >= max_properties) {
      ++omitted;
      continue;
    }
    changed[name] = {{"old", shown_value(old_value)}, {"new", shown_value(new_value)}};
  }
  nlohmann::json out = {{"changed", std::move(changed)}};
  if (omitted > 0) out["properties_omitted"] = omitted;
  return out;
}

}  // namespace expgraph::api
