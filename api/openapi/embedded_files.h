// The files expgraphd carries inside its binary for GET /v1/openapi.json and the API page at
// GET /v1/docs, so that a server serves them with nothing to find on disk and nothing fetched
// from a CDN. The sources are generated at build time (api/openapi/embed_text.cmake).
// Used by api/openapi/openapi_document.cc and api/routes/openapi_routes.cc. Thread-safe.
#pragma once

#include <string>

namespace expgraph::api::embedded {

// api/openapi/expgraph.openapi.json: the hand-written part of the OpenAPI description.
std::string openapi_description();
// api/openapi/api_page.html: the page that renders the description with Redoc.
std::string api_page();
// Redoc's standalone bundle (npm `redoc`, pinned in api/openapi/package-lock.json); empty when
// it was not installed (tools/install-openapi-tools) when expgraphd was built.
std::string redoc_bundle();

}  // namespace expgraph::api::embedded
