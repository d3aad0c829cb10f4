// RequestHead and RequestReader: how the server reads a request before any handler sees it.
// The head's framing decisions (one Content-Length, chunked only, known content codings), and
// the body limits enforced as bytes arrive: as received and decompressed, with the memory of
// all bodies held at once bounded by a BodyBudget. Bodies are fed in every split, since a
// socket delivers them in arbitrary pieces.
#include "api/http/request_reader.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <string>
#include <vector>

#include "test_support/http_bodies.h"

namespace expgraph::api {
namespace {

using expgraph::testing::chunked;
using expgraph::testing::compress;
using expgraph::testing::gzip;

constexpr size_t kLimit = 64 * 1024;

// What reading `wire` with a reader comes to, fed in pieces of `piece` bytes.
struct Outcome {
  RequestReader::State state;
  std::string body;
  HttpError error;
  size_t consumed = 0;
};

Outcome read(const std::string& wire, size_t piece = 1 << 20, size_t limit = kLimit,
             BodyBudget* budget = nullptr) {
  RequestReader reader(limit, budget);
  Outcome outcome;
  std::string buffered;
  size_t offered = 0;
  while (true) {
    if (offered < wire.size()) {
      buffered += wire.substr(offered, piece);
      offered = std::min(wire.size(), offered + piece);
    }
    size_t used = reader.feed(buffered);
    buffered.erase(0, used);
    outcome.consumed += used;
    if (reader.state() == RequestReader::State::kHeadParsed) {
      reader.start_body();
      continue;
    }
    bool waiting = reader.state() == RequestReader::State::kHead ||
                   reader.state() == RequestReader::State::kBody;
    if (!waiting || (offered == wire.size() && used == 0)) break;
  }
  outcome.state = reader.state();
  outcome.error = reader.error();
  if (outcome.state == RequestReader::State::kComplete) outcome.body = reader.take_body();
  return outcome;
}

RequestHead::Parse parse(RequestHead& head, const std::string& text, HttpError& error) {
  return head.parse(text, RequestReader::kMaxHeadBytes, error);
}

int head_error(const std::string& text) {
  RequestHead head;
  HttpError error;
  RequestHead::Parse result = parse(head, text, error);
  return result == RequestHead::Parse::kInvalid ? error.status : 0;
}

TEST(RequestHeadTest, ParsesTheRequestLineAndHeaders) {
  RequestHead head;
  HttpError error;
  std::string text =
      "POST /v1/batch?x=1 HTTP/1.1\r\nHost: h\r\nX-Spaces:   v  \r\nContent-Length: 5\r\n"
      "Content-Encoding: gzip\r\nExpect: 100-continue\r\n\r\nbody!";
  ASSERT_EQ(parse(head, text, error), RequestHead::Parse::kComplete) << error.message;
  EXPECT_EQ(head.size(), text.size() - 5);
  EXPECT_EQ(head.method(), "POST");
  EXPECT_EQ(head.target(), "/v1/batch?x=1");
  EXPECT_EQ(head.header("x-spaces"), "v");
  EXPECT_EQ(head.framing(), BodyFraming::kLength);
  EXPECT_EQ(head.content_length(), 5u);
  EXPECT_EQ(head.coding(), ContentCoding::kZlib);
  EXPECT_TRUE(head.expects_continue());
  // httplib gets the head without the body's framing, and an empty body to read.
  EXPECT_EQ(head.canonical(),
            "POST /v1/batch?x=1 HTTP/1.1\r\nHost: h\r\nX-Spaces: v\r\nContent-Length: 0\r\n\r\n");
}

TEST(RequestHeadTest, RefusesMalformedHeads) {
  EXPECT_EQ(head_error("GET /healthz HTTP/1.1\r\nBroken\r\n\r\n"), 400);   // no colon
  EXPECT_EQ(head_error("GET /healthz HTTP/1.1\r\nX-A : 1\r\n\r\n"), 400);  // space before :
  EXPECT_EQ(head_error("GET /healthz HTTP/1.1\r\nX-A: 1\r\n folded\r\n\r\n"), 400);
  EXPECT_EQ(head_error("GET /healthz HTTP/1.1\r\nX-A: a\nb\r\n\r\n"), 400);  // bare LF
  // Every line ended by a bare LF: refused at once, not left waiting for a CRLF CRLF.
  EXPECT_EQ(head_error("GET /healthz HTTP/1.1\nHost: x\n\n"), 400);
  EXPECT_EQ(head_error("GET /healthz HTTP/1.1\n"), 400);  // before the head is complete
  const char with_nul[] = "GET /a\0b HTTP/1.1\r\n\r\n";
  EXPECT_EQ(head_error(std::string(with_nul, sizeof(with_nul) - 1)), 400);
  EXPECT_EQ(head_error("GET /healthz HTTP/2.0\r\n\r\n"), 400);
  EXPECT_EQ(head_error("GET  /healthz HTTP/1.1\r\n\r\n"), 400);
  EXPECT_EQ(head_error("GET /" + std::string(9000, 'a') + " HTTP/1.1\r\n\r\n"), 414);
  EXPECT_EQ(head_error("GET / HTTP/1.1\r\nX: " + std::string(9000, 'a') + "\r\n\r\n"), 431);
  EXPECT_EQ(head_error("GET /healthz HTTP/1.1\r\nHost: h\r\n\r\n"), 0);
}

TEST(RequestHeadTest, AHeadOverTheLimitIs431AndAPartialOneWaits) {
  RequestHead head;
  HttpError error;
  EXPECT_EQ(parse(head, "GET / HTTP/1.1\r\nHost:", error), RequestHead::Parse::kIncomplete);
  std::string many = "GET / HTTP/1.1\r\n";
  while (many.size() < RequestReader::kMaxHeadBytes) many += "X-Filler: 0123456789abcdef\r\n";
  EXPECT_EQ(parse(head, many, error), RequestHead::Parse::kInvalid);
  EXPECT_EQ(error.status, 431);
}

TEST(RequestHeadTest, ContentLengthMustBeOneNumber) {
  const std::string line = "PUT /x HTTP/1.1\r\n";
  EXPECT_EQ(head_error(line + "Content-Length: 5\r\nContent-Length: 6\r\n\r\n"), 400);
  EXPECT_EQ(head_error(line + "Content-Length: 5, 6\r\n\r\n"), 400);
  EXPECT_EQ(head_error(line + "Content-Length: -1\r\n\r\n"), 400);
  EXPECT_EQ(head_error(line + "Content-Length: 0x10\r\n\r\n"), 400);
  EXPECT_EQ(head_error(line + "Content-Length:\r\n\r\n"), 400);
  // The same value repeated is one length (RFC 9110 section 8.6).
  EXPECT_EQ(head_error(line + "Content-Length: 5\r\nContent-Length: 5\r\n\r\n"), 0);
  EXPECT_EQ(head_error(line + "Content-Length: 5, 5\r\n\r\n"), 0);
}

TEST(RequestHeadTest, TransferAndContentCodings) {
  const std::string line = "POST /x HTTP/1.1\r\n";
  RequestHead head;
  HttpError error;
  ASSERT_EQ(parse(head, line + "Transfer-Encoding: Chunked\r\n\r\n", error),
            RequestHead::Parse::kComplete);
  EXPECT_EQ(head.framing(), BodyFraming::kChunked);
  EXPECT_EQ(head_error(line + "Transfer-Encoding: gzip, chunked\r\n\r\n"), 501);
  EXPECT_EQ(head_error(line + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"), 400);
  EXPECT_EQ(head_error("POST /x HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"), 400);
  for (const char* coding : {"gzip", "x-gzip", "deflate", "br", "identity", "GZIP"}) {
    EXPECT_EQ(head_error(line + "Content-Encoding: " + coding + "\r\n\r\n"), 0) << coding;
  }
  EXPECT_EQ(head_error(line + "Content-Encoding: compress\r\n\r\n"), 415);
  EXPECT_EQ(head_error(line + "Content-Encoding: gzip, br\r\n\r\n"), 415);
  // Without Content-Length or Transfer-Encoding a request has no body.
  ASSERT_EQ(parse(head, line + "\r\n", error), RequestHead::Parse::kComplete);
  EXPECT_EQ(head.framing(), BodyFraming::kNone);
}

TEST(RequestReaderTest, ReadsABodyOfKnownLengthInAnyPieces) {
  std::string wire = "PUT /x HTTP/1.1\r\nContent-Length: 11\r\n\r\nhello worldGET /next";
  for (size_t piece : {1, 3, 1000}) {
    Outcome outcome = read(wire, piece);
    ASSERT_EQ(outcome.state, RequestReader::State::kComplete) << piece;
    EXPECT_EQ(outcome.body, "hello world");
    // The next request's bytes are left for it.
    EXPECT_EQ(outcome.consumed, wire.size() - std::string("GET /next").size());
  }
}

TEST(RequestReaderTest, SkipsEmptyLinesBeforeARequest) {
  Outcome outcome = read("\r\n\r\nGET / HTTP/1.1\r\n\r\n");
  EXPECT_EQ(outcome.state, RequestReader::State::kComplete);
}

TEST(RequestReaderTest, AContentLengthOverTheLimitIs413BeforeTheBody) {
  Outcome outcome = read("PUT /x HTTP/1.1\r\nContent-Length: 65537\r\n\r\n");
  EXPECT_EQ(outcome.state, RequestReader::State::kFailed);
  EXPECT_EQ(outcome.error.status, 413);
  Outcome huge = read("PUT /x HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n");
  EXPECT_EQ(huge.error.status, 413);
}

TEST(RequestReaderTest, DechunksBodiesWithExtensionsAndTrailers) {
  std::string data = "The quick brown fox jumps over the lazy dog";
  std::string wire = "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" +
                     chunked(data, 7).insert(1, ";name=value ") + "";
  // A trailer field after the last chunk.
  wire.replace(wire.size() - 2, 2, "X-Trailer: t\r\n\r\n");
  for (size_t piece : {1, 2, 5, 4096}) {
    Outcome outcome = read(wire, piece);
    ASSERT_EQ(outcome.state, RequestReader::State::kComplete) << piece << outcome.error.message;
    EXPECT_EQ(outcome.body, data);
    EXPECT_EQ(outcome.consumed, wire.size());
  }
}

// Issue 16, item 4: a chunked body was read without limit.
TEST(RequestReaderTest, AChunkedBodyOverTheLimitIs413AsSoonAsItIsOver) {
  std::string head = "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
  Outcome outcome = read(head + chunked(std::string(kLimit + 1, 'x'), 1000));
  EXPECT_EQ(outcome.state, RequestReader::State::kFailed);
  EXPECT_EQ(outcome.error.status, 413);
  // One chunk declared larger than the limit is refused before its data.
  Outcome declared = read(head + "10001\r\n");
  EXPECT_EQ(declared.error.status, 413);
  Outcome overflow = read(head + "ffffffffffffffffffff\r\n");
  EXPECT_EQ(overflow.error.status, 413);
}

TEST(RequestReaderTest, MalformedChunkingIs400) {
  std::string head = "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (const std::string& body :
       {std::string("zz\r\n"), std::string("3\r\nabcX\r\n"), std::string("3\nabc\r\n"),
        std::string("3 x\r\nabc\r\n"), std::string(2000, '1') + "\r\n"}) {
    Outcome outcome = read(head + body);
    EXPECT_EQ(outcome.state, RequestReader::State::kFailed) << body.substr(0, 20);
    EXPECT_EQ(outcome.error.status, 400) << body.substr(0, 20);
  }
}

TEST(RequestReaderTest, DecompressesGzipAndBrotliBodies) {
  std::string data = R"({"properties": {"name": "compressed"}})";
  std::string gzipped = gzip(data);
  std::string wire = "POST /x HTTP/1.1\r\nContent-Encoding: gzip\r\nContent-Length: " +
                     std::to_string(gzipped.size()) + "\r\n\r\n" + gzipped;
  for (size_t piece : {1, 7, 4096}) {
    Outcome outcome = read(wire, piece);
    ASSERT_EQ(outcome.state, RequestReader::State::kComplete) << outcome.error.message;
    EXPECT_EQ(outcome.body, data);
  }
  Outcome chunked_gzip =
      read("POST /x HTTP/1.1\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n" +
           chunked(gzipped, 5));
  EXPECT_EQ(chunked_gzip.body, data);
  // Two gzip members one after the other are one body.
  std::string twice = gzipped + gzipped;
  Outcome members = read("POST /x HTTP/1.1\r\nContent-Encoding: gzip\r\nContent-Length: " +
                         std::to_string(twice.size()) + "\r\n\r\n" + twice);
  EXPECT_EQ(members.body, data + data);

  httplib::detail::brotli_compressor brotli;
  std::string brotlied = compress(brotli, data);
  Outcome br = read("POST /x HTTP/1.1\r\nContent-Encoding: br\r\nContent-Length: " +
                    std::to_string(brotlied.size()) + "\r\n\r\n" + brotlied);
  ASSERT_EQ(br.state, RequestReader::State::kComplete) << br.error.message;
  EXPECT_EQ(br.body, data);
}

// Issue 16, item 4: a small gzip body inflated without limit.
TEST(RequestReaderTest, AGzipBombIs413AtTheDecompressedLimit) {
  std::string bomb = gzip(std::string(size_t{8} << 20, '\0'));  // 8 MiB of zeros: ~8 KiB
  ASSERT_LT(bomb.size(), kLimit);
  Outcome outcome = read("POST /x HTTP/1.1\r\nContent-Encoding: gzip\r\nContent-Length: " +
                         std::to_string(bomb.size()) + "\r\n\r\n" + bomb);
  EXPECT_EQ(outcome.state, RequestReader::State::kFailed);
  EXPECT_EQ(outcome.error.status, 413);
  EXPECT_NE(outcome.error.message.find("decompressed"), std::string::npos);
}

TEST(RequestReaderTest, BrokenCompressedBodiesAre400) {
  std::string gzipped = gzip("some text to compress");
  for (const std::string& body : {gzipped.substr(0, gzipped.size() - 6),
                                  std::string("not gzip at all"), gzipped + "trailing garbage"}) {
    Outcome outcome = read("POST /x HTTP/1.1\r\nContent-Encoding: gzip\r\nContent-Length: " +
                           std::to_string(body.size()) + "\r\n\r\n" + body);
    EXPECT_EQ(outcome.state, RequestReader::State::kFailed);
    EXPECT_EQ(outcome.error.status, 400) << outcome.error.message;
  }
}

// Issue 16, item 7: the bodies held at once are bounded; a reservation ends with its request.
TEST(RequestReaderTest, TheBudgetBoundsTheBodiesHeldAtOnce) {
  BodyBudget budget(1500);
  std::string wire = "PUT /x HTTP/1.1\r\nContent-Length: 1000\r\n\r\n";
  RequestReader first(kLimit, &budget);
  RequestReader second(kLimit, &budget);
  for (RequestReader* reader : {&first, &second}) {
    reader->feed(wire);
    ASSERT_EQ(reader->state(), RequestReader::State::kHeadParsed);
    reader->start_body();
  }
  EXPECT_EQ(first.state(), RequestReader::State::kBody);
  EXPECT_EQ(budget.used(), 1000u);
  EXPECT_EQ(second.state(), RequestReader::State::kFailed);
  EXPECT_EQ(second.error().status, 429);
  first.feed(std::string(1000, 'x'));
  ASSERT_EQ(first.state(), RequestReader::State::kComplete);
  EXPECT_EQ(first.take_body().size(), 1000u);
  EXPECT_EQ(budget.used(), 1000u);  // held until the request is done
  first.reset();
  EXPECT_EQ(budget.used(), 0u);
  second.reset();
  second.feed(wire);
  second.start_body();
  EXPECT_EQ(second.state(), RequestReader::State::kBody);
}

TEST(RequestReaderTest, ABodyOfUnknownLengthReservesAsItGrows) {
  BodyBudget budget(100 * 1024);
  std::string data(150 * 1024, 'y');
  Outcome outcome =
      read("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked(data, 4096), 1 << 20,
           1 << 20, &budget);
  EXPECT_EQ(outcome.state, RequestReader::State::kFailed);
  EXPECT_EQ(outcome.error.status, 429);
  EXPECT_EQ(budget.used(), 0u);  // the reader is gone, and its reservation with it
}

}  // namespace
}  // namespace expgraph::api
