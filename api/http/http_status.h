// The HTTP status each StatusCode answers with: the one place the service's error model meets
// HTTP. Used by send_error (api/http/http_json.h); modules below api/ know nothing of HTTP.
// Pure function, thread-safe.
#pragma once

#include "ontology/status.h"

namespace expgraph::api {

// 400 invalid_argument, 401 unauthenticated, 403 permission_denied, 404 not_found,
// 409 conflict, 413 too_large, 422 ontology_violation and unprocessable, 429 overloaded,
// 500 internal (and 200 for ok).
int http_status(StatusCode code);

}  // namespace expgraph::api
