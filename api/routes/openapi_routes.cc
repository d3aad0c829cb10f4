// The API's own description and its human-readable page: GET /v1/openapi.json (OpenAPI 3.1,
// api/openapi/openapi_document.h), GET /v1/docs (a page that renders it with Redoc) and
// GET /v1/docs/redoc.standalone.js (Redoc's bundle, built into the binary). The page and the
// script hold no data, so they need no key; the page asks for one when the description does.
#include "api/http/http_json.h"
#include "api/openapi/embedded_files.h"
#include "api/openapi/openapi_document.h"
#include "api/routes/routes.h"

namespace expgraph::api {

void add_openapi_routes(Router& router) {
  // Built once: every answer is the same bytes.
  auto document = openapi_document();
  auto description = std::make_shared<const Result<std::string>>(
      document.ok() ? Result<std::string>(document->dump()) : Result<std::string>(document.status()));
  auto page = std::make_shared<const std::string>(embedded::api_page());
  auto redoc = std::make_shared<const std::string>(embedded::redoc_bundle());

  router.get("/v1/openapi.json", "/v1/openapi.json",
             [description](const httplib::Request&, httplib::Response& response) -> Status {
               if (!description->ok()) return description->status();
               response.status = 200;
               response.set_content(**description, "application/json");
               return Status();
             });
  router.get("/v1/docs", "/v1/docs", [page](const httplib::Request&, httplib::Response& response) {
    response.status = 200;
    response.set_content(*page, "text/html; charset=utf-8");
    return Status();
  });
  // Without Redoc built in, a script that says so: the page then points at the description.
  if (redoc->empty()) {
    redoc = std::make_shared<const std::string>(
        "console.error(\"Redoc was not installed when this expgraphd was built: run "
        "tools/install-openapi-tools, then tools/build\");\n");
  }
  router.get("/v1/docs/redoc.standalone.js", "/v1/docs/redoc.standalone.js",
             [redoc](const httplib::Request&, httplib::Response& response) {
               response.status = 200;
               response.set_header("Cache-Control", "public, max-age=86400");
               response.set_content(*redoc, "text/javascript; charset=utf-8");
               return Status();
             });
}

}  // namespace expgraph::api
