// RequestReader: turns the bytes of one connection into whole requests, one at a time: the head
// (RequestHead, parsed strictly), then the body, de-chunked and decompressed as it arrives,
// with the limits enforced on the way in:
//   - the head: at most kMaxHeadBytes (431 beyond);
//   - the body as received (after removing chunked framing, before decompression) and the body
//     decompressed: each at most `max_body_bytes` (413 at once, the moment it is exceeded; a
//     Content-Length above it is refused before any body byte is read);
//   - the memory of all bodies held at once: each body's buffer is reserved in a shared
//     BodyBudget before it is allocated, and released when the request is done (429 when the
//     budget is spent).
// The reader never blocks and never holds more than one body: HttpServer feeds it whatever the
// socket has and goes on to other connections until the request is complete, so a slow client
// holds no worker. tools/fuzz/fuzz_http_request.cc feeds it arbitrary bytes.
// Thread-safety: one reader per connection, used by one thread at a time; BodyBudget is
// thread-safe.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "api/http/request_head.h"

namespace expgraph::api {

// The bytes of request bodies held at once, across connections.
class BodyBudget {
 public:
  explicit BodyBudget(size_t limit) : limit_(limit) {}
  size_t limit() const { return limit_; }
  size_t used() const { return used_.load(std::memory_order_relaxed); }
  // Takes `bytes` from the budget; false (nothing taken) when that would exceed the limit.
  bool try_reserve(size_t bytes);
  void release(size_t bytes) { used_.fetch_sub(bytes, std::memory_order_relaxed); }

 private:
  const size_t limit_;
  std::atomic<size_t> used_{0};
};

class BodyDecoder;

class RequestReader {
 public:
  // The largest head (request line, headers, blank line) accepted: 431 beyond. Also the size of
  // a connection's input buffer, which must be able to hold a whole head.
  static constexpr size_t kMaxHeadBytes = 16 * 1024;
  // After a body at least this large, freed memory is handed back to the operating system.
  static constexpr size_t kTrimAfterBodyBytes = size_t{1} << 20;

  // `budget` may be null (no shared limit); it must outlive the reader.
  RequestReader(size_t max_body_bytes, BodyBudget* budget);
  ~RequestReader();
  RequestReader(const RequestReader&) = delete;
  RequestReader& operator=(const RequestReader&) = delete;

  enum class State {
    kHead,        // waiting for the rest of the head
    kHeadParsed,  // head() is valid; call start_body() (or fail()) to go on
    kBody,        // reading the body
    kComplete,    // head() and take_body() hold the request
    kFailed,      // error() says what to answer; the connection cannot be read on
  };
  State state() const { return state_; }
  // True once a byte of the current request arrived (the request's read deadline runs).
  bool started() const { return started_; }

  // Consumes the bytes at the start of `input` that belong to the current request, up to the
  // end of its head (in kHead) or body (in kBody); returns how many. Bytes after the request
  // are the next request's, and stay with the caller.
  size_t feed(std::string_view input);
  // After kHeadParsed: reserves the body's memory and reads the body (kBody), or completes a
  // request without one (kComplete); kFailed with 429 when the budget is spent.
  void start_body();
  // Answers the request with `error` instead (a failed check of its head).
  void fail(HttpError error);

  // Whether head() holds the current request's head (from kHeadParsed on; also in kFailed
  // when the head itself was fine).
  bool has_head() const { return has_head_; }
  const RequestHead& head() const { return head_; }
  const HttpError& error() const { return error_; }
  // The decoded body, in kComplete. Its memory stays reserved until reset().
  std::string take_body();
  // Ready for the next request on the connection; releases the body's reservation.
  void reset();

 private:
  void release_reservation();

  const size_t max_body_bytes_;
  BodyBudget* const budget_;
  State state_ = State::kHead;
  bool started_ = false;
  bool has_head_ = false;
  RequestHead head_;
  HttpError error_;
  std::unique_ptr<BodyDecoder> body_;
  size_t reserved_ = 0;  // bytes of the budget this request holds
};

}  // namespace expgraph::api
