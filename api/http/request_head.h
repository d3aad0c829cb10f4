// RequestHead: an HTTP/1.1 request line and header block, parsed strictly by HttpServer before
// any body byte is read or any handler runs. The parser is the only one that sees what a client
// sent: httplib is handed canonical() instead (the same request line and headers, re-serialised
// without the body's framing), so the two cannot disagree on where a request ends.
// What it decides, from the head alone: the body's framing (Content-Length or chunked, with
// conflicting or unsupported framings refused), its content coding, and 100-continue.
// Used by HttpServer, PlainGetPath and tools/fuzz. Thread-safety: a value type; not copyable,
// since the parsed fields point into the head's own text.
#pragma once

#include <httplib.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace expgraph::api {

// An answer the transport gives itself, before any handler: the HTTP status, the error's
// machine-readable code and a message for people.
struct HttpError {
  int status = 0;
  std::string code;
  std::string message;
};

enum class BodyFraming { kNone, kLength, kChunked };
// Content codings a body may arrive in. kZlib is "gzip", "x-gzip" and "deflate" (zlib's
// inflate reads both wrappers); kBrotli is "br".
enum class ContentCoding { kIdentity, kZlib, kBrotli };

struct HeaderField {
  std::string_view name;
  std::string_view value;  // without surrounding white space
};

class RequestHead {
 public:
  // httplib's limit on a request target (longer: 414).
  static constexpr size_t kMaxTargetBytes = 8192;
  // httplib's limit on a header line (longer: 431).
  static constexpr size_t kMaxFieldLineBytes = 8192;

  enum class Parse { kIncomplete, kComplete, kInvalid };
  // Parses the head at the start of `input` into this object. kIncomplete: no blank line yet
  // (and fewer than `max_bytes`); kInvalid sets `error` (400, 414, 431, 501 or 415).
  Parse parse(std::string_view input, size_t max_bytes, HttpError& error);

  RequestHead() = default;
  RequestHead(const RequestHead&) = delete;
  RequestHead& operator=(const RequestHead&) = delete;

  size_t size() const { return text_.size(); }  // bytes of the head, blank line included
  std::string_view method() const { return method_; }
  std::string_view target() const { return target_; }
  std::string_view version() const { return version_; }
  const std::vector<HeaderField>& fields() const { return fields_; }
  // The first value of the header `name` (case-insensitive), or empty.
  std::string_view header(std::string_view name) const;
  bool has_header(std::string_view name) const;

  BodyFraming framing() const { return framing_; }
  uint64_t content_length() const { return content_length_; }  // with kLength
  ContentCoding coding() const { return coding_; }
  bool expects_continue() const { return expects_continue_; }

  // The head as httplib is to parse it: request line and headers as received, but without
  // Content-Length, Transfer-Encoding, Content-Encoding and Expect, and with
  // "Content-Length: 0": the body, already read and decoded, is handed over separately.
  std::string canonical() const;
  // A Request with the method, target, path, query parameters and headers (for the hooks that
  // see requests the transport answers itself).
  void fill(httplib::Request& request) const;

 private:
  bool parse_framing(HttpError& error);

  std::string text_;
  std::string_view method_;
  std::string_view target_;
  std::string_view version_;
  std::vector<HeaderField> fields_;
  BodyFraming framing_ = BodyFraming::kNone;
  uint64_t content_length_ = 0;
  ContentCoding coding_ = ContentCoding::kIdentity;
  bool expects_continue_ = false;
};

bool iequals(std::string_view a, std::string_view b);

}  // namespace expgraph::api
