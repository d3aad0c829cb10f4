#include "ontology/status.h"

namespace expgraph {

std::string_view status_code_name(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "ok";
    case StatusCode::kInvalidArgument: return "invalid_argument";
    case StatusCode::kUnauthenticated: return "unauthenticated";
    case StatusCode::kPermissionDenied: return "permission_denied";
    case StatusCode::kNotFound: return "not_found";
    case StatusCode::kConflict: return "conflict";
    case StatusCode::kTooLarge: return "too_large";
    case StatusCode::kOntologyViolation: return "ontology_violation";
    case StatusCode::kUnprocessable: return "unprocessable";
    case StatusCode::kOverloaded: return "overloaded";
    case StatusCode::kInternal: return "internal";
  }
  return "internal";
}

std::string Status::error_code() const {
  return reason_.empty() ? std::string(status_code_name(code_)) : reason_;
}

std::string Status::to_string() const { return error_code() + ": " + message_; }

Status& Status::prepend(std::string_view context) {
  message_ = std::string(context) + ": " + message_;
  return *this;
}

}  // namespace expgraph
