// libFuzzer target: whole HTTP requests, as bytes arrive on a connection, through the path the
// server reads them by: RequestReader (head parser, framing, chunked and gzip/deflate/br bodies,
// the body limit and budget), fed in pieces of a size the input chooses, then each complete
// request's canonical head and decoded body through httplib's process_request and routing, as
// HttpServer hands them over. Pipelined requests are read one after another.
#include <httplib.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/http/request_reader.h"

namespace {

// A Stream over a fixed input; what is written is counted and dropped.
class MemoryStream final : public httplib::Stream {
 public:
  explicit MemoryStream(std::string input) : input_(std::move(input)) {}
  bool is_readable() const override { return read_ < input_.size(); }
  bool is_writable() const override { return true; }
  ssize_t read(char* ptr, size_t size) override {
    size_t n = std::min(size, input_.size() - read_);
    std::copy_n(input_.data() + read_, n, ptr);
    read_ += n;
    return static_cast<ssize_t>(n);
  }
  ssize_t write(const char*, size_t size) override { return static_cast<ssize_t>(size); }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 1;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 2;
  }
  socket_t socket() const override { return 0; }

 private:
  std::string input_;
  size_t read_ = 0;
};

// httplib's Server with routes for every method, and its request processing made reachable.
class FuzzServer : public httplib::Server {
 public:
  FuzzServer() {
    auto echo = [](const httplib::Request& request, httplib::Response& response) {
      response.set_content(std::to_string(request.body.size()) + " " + request.path, "text/plain");
    };
    Get("/.*", echo);
    Post("/.*", echo);
    Put("/.*", echo);
    Delete("/.*", echo);
  }
  bool serve(const expgraph::api::RequestHead& head, std::string body) {
    MemoryStream stream(head.canonical());
    bool closed = false;
    return process_request(stream, false, closed,
                           [&body](httplib::Request& request) { request.body = std::move(body); });
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using expgraph::api::RequestReader;
  static FuzzServer server;
  if (size < 1) return 0;
  // The first byte picks how many bytes each read delivers (1 to 64), as a socket would.
  size_t piece = static_cast<size_t>(data[0] % 64) + 1;
  std::string_view wire(reinterpret_cast<const char*>(data) + 1, size - 1);

  expgraph::api::BodyBudget budget(16 * 1024);
  RequestReader reader(4096, &budget);
  std::string buffered;
  size_t offered = 0;
  while (true) {
    bool more = offered < wire.size();
    if (more) {
      buffered.append(wire.substr(offered, piece));
      offered = std::min(wire.size(), offered + piece);
    }
    buffered.erase(0, reader.feed(buffered));
    switch (reader.state()) {
      case RequestReader::State::kHeadParsed: {
        httplib::Request request;
        reader.head().fill(request);
        reader.start_body();
        continue;
      }
      case RequestReader::State::kComplete:
        server.serve(reader.head(), reader.take_body());
        reader.reset();
        continue;
      case RequestReader::State::kFailed:
        return 0;
      case RequestReader::State::kHead:
      case RequestReader::State::kBody:
        if (!more) return 0;  // the rest never comes
        break;
    }
  }
}
