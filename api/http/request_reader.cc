#include "api/http/request_reader.h"

#include <brotli/decode.h>
#include <malloc.h>
#include <zlib.h>

#include <algorithm>
#include <array>

namespace expgraph::api {

namespace {

// A chunk-size line with its extensions; real clients send a few bytes.
constexpr size_t kMaxChunkLineBytes = 1024;
// Bodies without a Content-Length (chunked or compressed) start with this much room and double.
constexpr size_t kInitialBodyBytes = 64 * 1024;
constexpr size_t kInflateBufferBytes = 16 * 1024;

HttpError too_large(size_t limit, bool decoded) {
  return HttpError{413, "too_large",
                   std::string(decoded ? "the decompressed request body" : "the request body") +
                       " is over the limit of " + std::to_string(limit) + " bytes"};
}

HttpError bad_body(std::string message) {
  return HttpError{400, "invalid_argument", std::move(message)};
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool BodyBudget::try_reserve(size_t bytes) {
  size_t used = used_.load(std::memory_order_relaxed);
  do {
    if (bytes > limit_ || used > limit_ - bytes) return false;
  } while (!used_.compare_exchange_weak(used, used + bytes, std::memory_order_relaxed));
  return true;
}

// The body of one request: framing removed (Content-Length or chunked), content decoded
// (identity, zlib or brotli), limits and the budget enforced on the way.
class BodyDecoder {
 public:
  enum class Progress { kMore, kDone, kFailed };

  BodyDecoder(const RequestHead& head, size_t max_bytes, BodyBudget* budget, size_t& reserved)
      : framing_(head.framing()),
        remaining_(head.content_length()),
        coding_(head.coding()),
        max_bytes_(max_bytes),
        budget_(budget),
        reserved_(reserved) {}

  ~BodyDecoder() {
    if (zlib_) inflateEnd(zlib_.get());
    if (brotli_ != nullptr) BrotliDecoderDestroyInstance(brotli_);
  }

  // Sets up decompression and, for a plain body of known length, reserves all of it at once.
  bool start(HttpError& error) {
    if (coding_ == ContentCoding::kZlib) {
      zlib_ = std::make_unique<z_stream>();
      // 32 + 15: a gzip or a zlib wrapper, detected from the header, with the largest window.
      if (inflateInit2(zlib_.get(), 32 + 15) != Z_OK) {
        zlib_.reset();
        error = HttpError{500, "internal", "cannot start decompressing the request body"};
        return false;
      }
    } else if (coding_ == ContentCoding::kBrotli) {
      brotli_ = BrotliDecoderCreateInstance(nullptr, nullptr, nullptr);
      if (brotli_ == nullptr) {
        error = HttpError{500, "internal", "cannot start decompressing the request body"};
        return false;
      }
    }
    if (framing_ == BodyFraming::kLength && coding_ == ContentCoding::kIdentity) {
      return grow(static_cast<size_t>(remaining_), /*exact=*/true, error);
    }
    return true;
  }

  Progress feed(std::string_view input, size_t& consumed, HttpError& error) {
    consumed = 0;
    while (consumed < input.size() && phase_ != Phase::kDone) {
      std::string_view rest = input.substr(consumed);
      size_t used = 0;
      if (!step(rest, used, error)) return Progress::kFailed;
      consumed += used;
    }
    if (phase_ != Phase::kDone) return Progress::kMore;
    return finish(error) ? Progress::kDone : Progress::kFailed;
  }

  std::string take() { return std::move(body_); }

 private:
  enum class Phase { kData, kSizeLine, kDataCr, kDataLf, kTrailer, kDone };

  // Consumes a prefix of `input` (non-empty) for the current phase.
  bool step(std::string_view input, size_t& used, HttpError& error) {
    switch (phase_) {
      case Phase::kData: {
        used = static_cast<size_t>(std::min<uint64_t>(remaining_, input.size()));
        remaining_ -= used;
        if (!content(input.substr(0, used), error)) return false;
        if (remaining_ == 0) {
          phase_ = framing_ == BodyFraming::kChunked ? Phase::kDataCr : Phase::kDone;
        }
        return true;
      }
      case Phase::kSizeLine:
      case Phase::kTrailer:
        return take_line(input, used, error);
      case Phase::kDataCr:
      case Phase::kDataLf: {
        used = 1;
        char expected = phase_ == Phase::kDataCr ? '\r' : '\n';
        if (input[0] != expected) {
          error = bad_body("malformed chunked body: a chunk's data must end with CRLF");
          return false;
        }
        phase_ = phase_ == Phase::kDataCr ? Phase::kDataLf : Phase::kSizeLine;
        return true;
      }
      case Phase::kDone:
        return true;
    }
    return true;
  }

  // Collects a chunk-size or trailer line; acts on it when its LF arrives.
  bool take_line(std::string_view input, size_t& used, HttpError& error) {
    size_t newline = input.find('\n');
    used = newline == std::string_view::npos ? input.size() : newline + 1;
    size_t line_limit =
        phase_ == Phase::kSizeLine ? kMaxChunkLineBytes : RequestReader::kMaxHeadBytes;
    if (line_.size() + used > line_limit) {
      error = phase_ == Phase::kSizeLine
                  ? bad_body("malformed chunked body: a chunk-size line is over " +
                             std::to_string(kMaxChunkLineBytes) + " bytes")
                  : HttpError{431, "headers_too_large",
                              "the chunked body's trailer is over the limit of " +
                                  std::to_string(RequestReader::kMaxHeadBytes) + " bytes"};
      return false;
    }
    line_.append(input.substr(0, used));
    if (newline == std::string_view::npos) return true;
    if (line_.size() < 2 || line_[line_.size() - 2] != '\r') {
      error = bad_body("malformed chunked body: lines must end with CRLF");
      return false;
    }
    std::string_view line(line_.data(), line_.size() - 2);
    if (phase_ == Phase::kTrailer) {
      trailer_bytes_ += line_.size();
      if (line.empty()) phase_ = Phase::kDone;  // trailer fields are read and ignored
      if (trailer_bytes_ > RequestReader::kMaxHeadBytes) {
        error = HttpError{431, "headers_too_large", "the chunked body's trailer is too large"};
        return false;
      }
      line_.clear();
      return true;
    }
    bool parsed = chunk_size(line, error);
    line_.clear();
    return parsed;
  }

  // A chunk-size line: hex digits, then optional white space and ";extensions" (ignored).
  bool chunk_size(std::string_view line, HttpError& error) {
    uint64_t size = 0;
    size_t digits = 0;
    bool huge = false;
    for (; digits < line.size() && hex_digit(line[digits]) >= 0; ++digits) {
      if (size >> 60 != 0) huge = true;
      size = (size << 4) | static_cast<uint64_t>(hex_digit(line[digits]));
    }
    std::string_view rest = line.substr(digits);
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
    if (digits == 0 || (!rest.empty() && rest.front() != ';')) {
      error = bad_body("malformed chunked body: bad chunk size");
      return false;
    }
    if (huge || size > max_bytes_ - content_bytes_) {
      error = too_large(max_bytes_, false);
      return false;
    }
    if (size == 0) {
      phase_ = Phase::kTrailer;
    } else {
      remaining_ = size;
      phase_ = Phase::kData;
    }
    return true;
  }

  // Body bytes as sent (framing removed): counted against the limit, then decoded.
  bool content(std::string_view data, HttpError& error) {
    if (data.size() > max_bytes_ - content_bytes_) {
      error = too_large(max_bytes_, false);
      return false;
    }
    content_bytes_ += data.size();
    switch (coding_) {
      case ContentCoding::kIdentity:
        return append(data.data(), data.size(), error);
      case ContentCoding::kZlib:
        return inflate_content(data, error);
      case ContentCoding::kBrotli:
        return unbrotli_content(data, error);
    }
    return true;
  }

  bool inflate_content(std::string_view data, HttpError& error) {
    z_stream& stream = *zlib_;
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream.avail_in = static_cast<uInt>(data.size());  // data comes in pieces of 16 KiB at most
    std::array<char, kInflateBufferBytes> out;
    while (stream.avail_in > 0 || stream.avail_out == 0) {
      if (stream_ended_) {
        // More after a complete member: gzip allows several members, one after another.
        inflateReset(&stream);
        stream_ended_ = false;
      }
      stream.next_out = reinterpret_cast<Bytef*>(out.data());
      stream.avail_out = static_cast<uInt>(out.size());
      int result = inflate(&stream, Z_NO_FLUSH);
      size_t produced = out.size() - stream.avail_out;
      if (produced > 0 && !append(out.data(), produced, error)) return false;
      if (result == Z_STREAM_END) {
        stream_ended_ = true;
        if (stream.avail_in == 0) break;
      } else if (result == Z_BUF_ERROR && produced == 0) {
        break;  // needs more input
      } else if (result != Z_OK) {
        error = bad_body(std::string("the compressed request body is not valid (") +
                         (stream.msg != nullptr ? stream.msg : "zlib error") + ")");
        return false;
      }
    }
    return true;
  }

  bool unbrotli_content(std::string_view data, HttpError& error) {
    const auto* next_in = reinterpret_cast<const uint8_t*>(data.data());
    size_t available_in = data.size();
    std::array<uint8_t, kInflateBufferBytes> out;
    while (true) {
      if (BrotliDecoderIsFinished(brotli_)) {
        if (available_in > 0) {
          error = bad_body("the compressed request body has data after its end");
          return false;
        }
        stream_ended_ = true;
        return true;
      }
      uint8_t* next_out = out.data();
      size_t available_out = out.size();
      BrotliDecoderResult result = BrotliDecoderDecompressStream(
          brotli_, &available_in, &next_in, &available_out, &next_out, nullptr);
      size_t produced = out.size() - available_out;
      if (produced > 0 && !append(reinterpret_cast<const char*>(out.data()), produced, error)) {
        return false;
      }
      if (result == BROTLI_DECODER_RESULT_ERROR) {
        error = bad_body("the compressed request body is not valid (brotli error)");
        return false;
      }
      if (result == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT) return true;
    }
  }

  // Decoded bytes: counted against the limit, then kept.
  bool append(const char* data, size_t size, HttpError& error) {
    if (size > max_bytes_ - body_.size()) {
      error = too_large(max_bytes_, coding_ != ContentCoding::kIdentity);
      return false;
    }
    if (body_.size() + size > body_.capacity() &&
        !grow(body_.size() + size, /*exact=*/false, error)) {
      return false;
    }
    body_.append(data, size);
    return true;
  }

  // Makes room for `needed` bytes, reserving them in the budget first: exactly, or doubling
  // (at least kInitialBodyBytes, at most the limit).
  bool grow(size_t needed, bool exact, HttpError& error) {
    size_t capacity = needed;
    if (!exact) {
      capacity = std::max({needed, kInitialBodyBytes, body_.capacity() * 2});
      capacity = std::min(capacity, std::max(needed, max_bytes_));
    }
    if (capacity > reserved_) {
      if (budget_ != nullptr && !budget_->try_reserve(capacity - reserved_)) {
        error = HttpError{429, "overloaded",
                          "too many request bodies are being received at once (their limit is " +
                              std::to_string(budget_->limit()) + " bytes); retry shortly"};
        return false;
      }
      reserved_ = capacity;
    }
    // A new string reserves exactly `capacity`; growing the old one could take twice that.
    std::string bigger;
    bigger.reserve(capacity);
    bigger.append(body_);
    body_.swap(bigger);
    return true;
  }

  // All of the body arrived: a compressed one must have ended too.
  bool finish(HttpError& error) {
    if (coding_ != ContentCoding::kIdentity && !stream_ended_) {
      error = bad_body("the compressed request body ends before its compressed data does");
      return false;
    }
    return true;
  }

  const BodyFraming framing_;
  uint64_t remaining_;  // of the body (kLength) or of the current chunk (kChunked)
  const ContentCoding coding_;
  const size_t max_bytes_;
  BodyBudget* const budget_;
  size_t& reserved_;
  Phase phase_ = framing_ == BodyFraming::kChunked ? Phase::kSizeLine : Phase::kData;
  std::string line_;  // a chunk-size or trailer line so far
  size_t trailer_bytes_ = 0;
  size_t content_bytes_ = 0;  // body bytes as sent, without chunk framing
  std::unique_ptr<z_stream> zlib_;
  BrotliDecoderState* brotli_ = nullptr;
  bool stream_ended_ = false;
  std::string body_;
};

RequestReader::RequestReader(size_t max_body_bytes, BodyBudget* budget)
    : max_body_bytes_(max_body_bytes), budget_(budget) {}

RequestReader::~RequestReader() { release_reservation(); }

size_t RequestReader::feed(std::string_view input) {
  size_t consumed = 0;
  if (state_ == State::kHead) {
    // Empty lines before a request line are skipped (RFC 9112 section 2.2).
    while (!started_ && input.substr(consumed, 2) == "\r\n") consumed += 2;
    if (consumed < input.size()) started_ = true;
    switch (head_.parse(input.substr(consumed), kMaxHeadBytes, error_)) {
      case RequestHead::Parse::kIncomplete:
        return consumed;
      case RequestHead::Parse::kInvalid:
        state_ = State::kFailed;
        return consumed;
      case RequestHead::Parse::kComplete:
        consumed += head_.size();
        has_head_ = true;
        if (head_.framing() == BodyFraming::kLength && head_.content_length() > max_body_bytes_) {
          error_ = too_large(max_body_bytes_, false);
          state_ = State::kFailed;
        } else {
          state_ = State::kHeadParsed;
        }
        return consumed;
    }
  }
  if (state_ == State::kBody) {
    switch (body_->feed(input, consumed, error_)) {
      case BodyDecoder::Progress::kMore:
        break;
      case BodyDecoder::Progress::kDone:
        state_ = State::kComplete;
        break;
      case BodyDecoder::Progress::kFailed:
        state_ = State::kFailed;
        break;
    }
  }
  return consumed;
}

void RequestReader::start_body() {
  if (state_ != State::kHeadParsed) return;
  if (head_.framing() == BodyFraming::kNone) {
    state_ = State::kComplete;
    return;
  }
  body_ = std::make_unique<BodyDecoder>(head_, max_body_bytes_, budget_, reserved_);
  state_ = body_->start(error_) ? State::kBody : State::kFailed;
}

void RequestReader::fail(HttpError error) {
  error_ = std::move(error);
  state_ = State::kFailed;
}

std::string RequestReader::take_body() { return body_ ? body_->take() : std::string(); }

void RequestReader::reset() {
  body_.reset();
  release_reservation();
  state_ = State::kHead;
  started_ = false;
  has_head_ = false;
  error_ = HttpError{};
}

void RequestReader::release_reservation() {
  if (budget_ != nullptr && reserved_ > 0) budget_->release(reserved_);
  // A large body, and what its handler built from it (a parsed JSON tree, a write batch), leave
  // freed blocks spread over glibc's per-thread arenas, which it keeps: without returning them
  // here, every worker that once handled a large request stays that much bigger.
#if defined(__GLIBC__)
  if (reserved_ >= kTrimAfterBodyBytes) malloc_trim(0);
#endif
  reserved_ = 0;
}

}  // namespace expgraph::api
