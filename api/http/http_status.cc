#include "api/http/http_status.h"

namespace expgraph::api {

int http_status(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return 200;
    case StatusCode::kInvalidArgument: return 400;
    case StatusCode::kUnauthenticated: return 401;
    case StatusCode::kPermissionDenied: return 403;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kConflict: return 409;
    case StatusCode::kTooLarge: return 413;
    case StatusCode::kOntologyViolation: return 422;
    case StatusCode::kUnprocessable: return 422;
    case StatusCode::kOverloaded: return 429;
    case StatusCode::kInternal: return 500;
  }
  return 500;
}

}  // namespace expgraph::api
