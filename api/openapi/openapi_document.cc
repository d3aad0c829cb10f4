#include "api/openapi/openapi_document.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "api/auth/access_control.h"
#include "api/openapi/embedded_files.h"

namespace expgraph::api {

namespace {

// The HTTP methods an OpenAPI path item may hold, as operation keys.
constexpr const char* kOperationKeys[] = {"get", "put", "post", "delete", "patch", "head", "options"};

std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

}  // namespace

Result<nlohmann::json> openapi_document() {
  // Our own text, not a client's: parsed without the depth limit of request bodies.
  nlohmann::json document =
      nlohmann::json::parse(embedded::openapi_description(), nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) {
    return Status::internal("the built-in OpenAPI description is not valid JSON");
  }
  if (!document.contains("paths") || !document["paths"].is_object()) {
    return Status::internal("the built-in OpenAPI description has no paths");
  }
  for (auto& [path, item] : document["paths"].items()) {
    for (const char* key : kOperationKeys) {
      if (!item.contains(key)) continue;
      Access access = required_access(upper(key) + " " + path);
      nlohmann::json& operation = item[key];
      operation["x-required-role"] = std::string(access_name(access));
      // An empty list overrides the document-wide requirement: no key needed.
      operation["security"] = access == Access::kOpen
                                  ? nlohmann::json::array()
                                  : nlohmann::json::array({{{"apiKey", nlohmann::json::array()}}});
    }
  }
  return document;
}

std::vector<std::string> coverage_gaps(const nlohmann::json& document,
                                       const std::vector<RouteInfo>& served) {
  std::set<std::string> described;
  if (auto paths = document.find("paths"); paths != document.end() && paths->is_object()) {
    for (const auto& [path, item] : paths->items()) {
      for (const char* key : kOperationKeys) {
        if (item.contains(key)) described.insert(upper(key) + " " + path);
      }
    }
  }
  std::set<std::string> routes;
  for (const RouteInfo& route : served) routes.insert(route.method + " " + route.path);
  std::vector<std::string> gaps;
  for (const std::string& route : routes) {
    if (!described.count(route)) gaps.push_back(route + " is served but not described");
  }
  for (const std::string& operation : described) {
    if (!routes.count(operation)) gaps.push_back(operation + " is described but not served");
  }
  return gaps;
}

}  // namespace expgraph::api
