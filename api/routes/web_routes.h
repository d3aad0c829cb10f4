// The web UI's routes: GET / (index.html) and GET /assets/{file} (the bundle), open to every
// client (the page asks for an API key itself when --auth is on; the data it shows comes from
// the /v1 routes, which check the key). Kept apart from routes.h, which lists the API's groups.
#pragma once

#include <memory>

#include "api/http/static_assets.h"
#include "api/routes/router.h"

namespace expgraph::api {

// `assets` null: the UI was not built or not asked for; both routes then answer 404 with
// `missing_reason`. Answers carry the asset's Content-Type and Cache-Control, with nosniff and
// a Content-Security-Policy that allows scripts and connections to this origin only.
void add_web_routes(Router& router, std::shared_ptr<const StaticAssets> assets,
                    std::string missing_reason);

}  // namespace expgraph::api
