// Status and Result<T>: how every module reports an error across its boundary. A code says what
// kind of failure it is; the HTTP layer alone decides how a client sees it.
// Exceptions never cross a module boundary.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace expgraph {

enum class StatusCode {
  kOk,
  kInvalidArgument,    // malformed input (bad JSON, bad UTF-8, bad parameter)
  kUnauthenticated,    // no valid credentials
  kPermissionDenied,   // credentials without the right to do this
  kNotFound,           // the named thing does not exist
  kConflict,           // the request contradicts the stored state
  kTooLarge,           // input or result over a size limit
  kOntologyViolation,  // well-formed but breaks the ontology
  kUnprocessable,      // well-formed but cannot be done (unsupported Cypher, limits)
  kOverloaded,         // too much work at once, or over a time limit
  kInternal,           // a bug or an I/O failure
};

// The canonical snake_case name of a code ("invalid_argument", ...).
std::string_view status_code_name(StatusCode code);

class Status {
 public:
  Status() = default;
  // `reason` is a more specific machine-readable error code for clients ("read_only_query");
  // when empty the canonical code name is used.
  Status(StatusCode code, std::string message, std::vector<std::string> details = {},
         std::string reason = {})
      : code_(code),
        message_(std::move(message)),
        details_(std::move(details)),
        reason_(std::move(reason)) {}

  static Status ok_status() { return Status(); }
  static Status invalid_argument(std::string message, std::vector<std::string> details = {}) {
    return Status(StatusCode::kInvalidArgument, std::move(message), std::move(details));
  }
  static Status not_found(std::string message) {
    return Status(StatusCode::kNotFound, std::move(message));
  }
  static Status conflict(std::string message) {
    return Status(StatusCode::kConflict, std::move(message));
  }
  static Status too_large(std::string message) {
    return Status(StatusCode::kTooLarge, std::move(message));
  }
  static Status ontology_violation(std::string message, std::vector<std::string> details = {}) {
    return Status(StatusCode::kOntologyViolation, std::move(message), std::move(details));
  }
  static Status unprocessable(std::string reason, std::string message) {
    return Status(StatusCode::kUnprocessable, std::move(message), {}, std::move(reason));
  }
  static Status overloaded(std::string message) {
    return Status(StatusCode::kOverloaded, std::move(message));
  }
  static Status internal(std::string message) {
    return Status(StatusCode::kInternal, std::move(message));
  }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::vector<std::string>& details() const { return details_; }
  // The machine-readable code a client sees: the reason when set, else the code name.
  std::string error_code() const;
  // "<error_code>: <message>", for logs and test failure messages.
  std::string to_string() const;

  // Adds context in front of the message ("properties.lift: expected float").
  Status& prepend(std::string_view context);
  Status& add_detail(std::string detail) {
    details_.push_back(std::move(detail));
    return *this;
  }
  // The request field the error is about, when it is about one ("channel", "filter.segment"),
  // so that a client can point at it without parsing the message; empty otherwise.
  const std::string& field() const { return field_; }
  Status& set_field(std::string field) {
    field_ = std::move(field);
    return *this;
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::vector<std::string> details_;
  std::string reason_;
  std::string field_;
};

// A value or the Status that explains why there is none.
template <typename T>
class Result {
 public:
  Result(T value) : state_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : state_(std::move(status)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return std::holds_alternative<T>(state_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(state_);
  }
  T& value() & { return std::get<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> state_;
};

}  // namespace expgraph

// Returns early from the enclosing function when `expr` yields a non-ok Status.
#define EXPGRAPH_RETURN_IF_ERROR(expr)          \
  do {                                          \
    ::expgraph::Status status_macro_ = (expr);  \
    if (!status_macro_.ok()) return status_macro_; \
  } while (false)
