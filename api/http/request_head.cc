#include "api/http/request_head.h"

#include <algorithm>
#include <limits>

namespace expgraph::api {

namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// An RFC 9110 token character (method and header names).
bool token_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!token_char(c)) return false;
  }
  return true;
}

// Field value characters: visible ASCII, space, tab and obs-text (bytes from 0x80); no other
// control character, so no bare CR or LF.
bool field_value_text(std::string_view text) {
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && c != '\t') || byte == 0x7f) return false;
  }
  return true;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

HttpError bad_request(std::string message) {
  return HttpError{400, "invalid_argument", std::move(message)};
}

// Calls `each` with every element of a comma-separated field value, trimmed; empty elements
// (as in "a, , b") are skipped, as RFC 9110 asks.
template <typename Each>
void for_each_element(std::string_view value, Each&& each) {
  while (true) {
    size_t comma = value.find(',');
    std::string_view element = trim(value.substr(0, comma));
    if (!element.empty()) each(element);
    if (comma == std::string_view::npos) return;
    value.remove_prefix(comma + 1);
  }
}

// A Content-Length element: digits only. Values beyond uint64 read as the maximum, which every
// limit refuses.
bool parse_length(std::string_view text, uint64_t& value) {
  if (text.empty()) return false;
  value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (std::numeric_limits<uint64_t>::max() - digit) / 10) {
      value = std::numeric_limits<uint64_t>::max();
    } else {
      value = value * 10 + digit;
    }
  }
  return true;
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

RequestHead::Parse RequestHead::parse(std::string_view input, size_t max_bytes, HttpError& error) {
  method_ = target_ = version_ = {};
  fields_.clear();
  size_t end = input.find("\r\n\r\n");
  // A line ended by a bare LF is refused as soon as it arrives: a head whose lines all end so
  // would otherwise never look complete and wait for the read timeout.
  const std::string_view head =
      input.substr(0, std::min(end == std::string_view::npos ? input.size() : end + 4, max_bytes));
  for (size_t i = head.find('\n'); i != std::string_view::npos; i = head.find('\n', i + 1)) {
    if (i == 0 || head[i - 1] != '\r') {
      error = bad_request("a line of the request head ends with a bare LF, not CRLF");
      return Parse::kInvalid;
    }
  }
  if (end == std::string_view::npos || end + 4 > max_bytes) {
    if (input.size() < max_bytes) return Parse::kIncomplete;
    error = HttpError{431, "headers_too_large",
                      "the request line and headers are over the limit of " +
                          std::to_string(max_bytes) + " bytes"};
    return Parse::kInvalid;
  }
  text_.assign(input.substr(0, end + 4));
  std::string_view lines(text_.data(), end + 2);  // every line ends with CRLF

  size_t line_end = lines.find("\r\n");
  std::string_view request_line = lines.substr(0, line_end);
  lines.remove_prefix(line_end + 2);
  size_t first_space = request_line.find(' ');
  size_t last_space = request_line.rfind(' ');
  if (first_space == std::string_view::npos || first_space == last_space) {
    error = bad_request("malformed HTTP request line");
    return Parse::kInvalid;
  }
  method_ = request_line.substr(0, first_space);
  target_ = request_line.substr(first_space + 1, last_space - first_space - 1);
  version_ = request_line.substr(last_space + 1);
  if (target_.size() > kMaxTargetBytes) {
    error = HttpError{
        414, "uri_too_long",
        "the request target is over the limit of " + std::to_string(kMaxTargetBytes) + " bytes"};
    return Parse::kInvalid;
  }
  if (!is_token(method_) || target_.empty() || !field_value_text(target_) ||
      target_.find_first_of(" \t") != std::string_view::npos) {
    error = bad_request("malformed HTTP request line");
    return Parse::kInvalid;
  }
  if (version_ != "HTTP/1.1" && version_ != "HTTP/1.0") {
    error = bad_request("unsupported HTTP version: versions 1.1 and 1.0 are served");
    return Parse::kInvalid;
  }

  while (!lines.empty()) {
    line_end = lines.find("\r\n");
    std::string_view line = lines.substr(0, line_end);
    lines.remove_prefix(line_end + 2);
    if (line.size() > kMaxFieldLineBytes) {
      error = HttpError{
          431, "headers_too_large",
          "a header line is over the limit of " + std::to_string(kMaxFieldLineBytes) + " bytes"};
      return Parse::kInvalid;
    }
    size_t colon = line.find(':');
    // No white space before the colon, no line folding (RFC 9112 section 5).
    if (colon == std::string_view::npos || !is_token(line.substr(0, colon))) {
      error = bad_request("malformed header line");
      return Parse::kInvalid;
    }
    std::string_view value = trim(line.substr(colon + 1));
    if (!field_value_text(value)) {
      error = bad_request("a header value holds a control character");
      return Parse::kInvalid;
    }
    fields_.push_back(HeaderField{line.substr(0, colon), value});
  }
  return parse_framing(error) ? Parse::kComplete : Parse::kInvalid;
}

bool RequestHead::parse_framing(HttpError& error) {
  framing_ = BodyFraming::kNone;
  content_length_ = 0;
  coding_ = ContentCoding::kIdentity;
  expects_continue_ = false;
  bool has_length = false;
  bool length_valid = true;
  bool lengths_agree = true;
  std::vector<std::string_view> transfer_codings;
  std::vector<std::string_view> content_codings;
  for (const HeaderField& field : fields_) {
    if (iequals(field.name, "Content-Length")) {
      size_t elements = 0;
      for_each_element(field.value, [&](std::string_view element) {
        ++elements;
        uint64_t length = 0;
        if (!parse_length(element, length)) {
          length_valid = false;
        } else if (has_length && length != content_length_) {
          lengths_agree = false;
        } else {
          content_length_ = length;
          has_length = true;
        }
      });
      if (elements == 0) length_valid = false;
    } else if (iequals(field.name, "Transfer-Encoding")) {
      for_each_element(field.value,
                       [&](std::string_view coding) { transfer_codings.push_back(coding); });
    } else if (iequals(field.name, "Content-Encoding")) {
      for_each_element(field.value, [&](std::string_view coding) {
        if (!iequals(coding, "identity")) content_codings.push_back(coding);
      });
    } else if (iequals(field.name, "Expect")) {
      expects_continue_ = expects_continue_ || iequals(field.value, "100-continue");
    }
  }
  if (!length_valid) {
    error = bad_request("Content-Length must be a decimal number of bytes");
    return false;
  }
  if (!lengths_agree) {
    error = bad_request("the request has several different Content-Length values");
    return false;
  }
  if (has_length && !transfer_codings.empty()) {
    error = bad_request("the request has both Content-Length and Transfer-Encoding");
    return false;
  }
  if (!transfer_codings.empty()) {
    if (version_ == "HTTP/1.0") {
      error = bad_request("Transfer-Encoding is not allowed in an HTTP/1.0 request");
      return false;
    }
    if (transfer_codings.size() != 1 || !iequals(transfer_codings[0], "chunked")) {
      error = HttpError{501, "unsupported_transfer_encoding",
                        "the only transfer coding accepted is \"chunked\" alone"};
      return false;
    }
    framing_ = BodyFraming::kChunked;
  } else if (has_length && content_length_ > 0) {
    framing_ = BodyFraming::kLength;
  }
  if (content_codings.size() > 1) {
    error = HttpError{415, "unsupported_content_encoding",
                      "a request body may have one content coding, not several"};
    return false;
  }
  if (content_codings.size() == 1) {
    std::string_view coding = content_codings[0];
    if (iequals(coding, "gzip") || iequals(coding, "x-gzip") || iequals(coding, "deflate")) {
      coding_ = ContentCoding::kZlib;
    } else if (iequals(coding, "br")) {
      coding_ = ContentCoding::kBrotli;
    } else {
      error = HttpError{415, "unsupported_content_encoding",
                        "unsupported Content-Encoding \"" + std::string(coding) +
                            "\" (gzip, deflate and br are accepted)"};
      return false;
    }
  }
  return true;
}

std::string_view RequestHead::header(std::string_view name) const {
  for (const HeaderField& field : fields_) {
    if (iequals(field.name, name)) return field.value;
  }
  return {};
}

bool RequestHead::has_header(std::string_view name) const {
  for (const HeaderField& field : fields_) {
    if (iequals(field.name, name)) return true;
  }
  return false;
}

std::string RequestHead::canonical() const {
  std::string out;
  out.reserve(text_.size() + 24);
  out.append(method_).append(" ").append(target_).append(" ").append(version_).append("\r\n");
  for (const HeaderField& field : fields_) {
    if (iequals(field.name, "Content-Length") || iequals(field.name, "Transfer-Encoding") ||
        iequals(field.name, "Content-Encoding") || iequals(field.name, "Expect")) {
      continue;
    }
    out.append(field.name).append(": ").append(field.value).append("\r\n");
  }
  out.append("Content-Length: 0\r\n\r\n");
  return out;
}

void RequestHead::fill(httplib::Request& request) const {
  request.method = std::string(method_);
  request.version = std::string(version_);
  request.target = std::string(target_);
  size_t question = target_.find('?');
  request.path = httplib::detail::decode_url(std::string(target_.substr(0, question)), false);
  if (question != std::string_view::npos && question + 1 < target_.size()) {
    httplib::detail::parse_query_text(std::string(target_.substr(question + 1)), request.params);
  }
  for (const HeaderField& field : fields_) {
    request.headers.emplace(std::string(field.name), std::string(field.value));
  }
}

}  // namespace expgraph::api
