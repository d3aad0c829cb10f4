// ConnectionStream: one client connection as an httplib::Stream, for HttpServer. Reads come
// from a buffer refilled by one recv at a time; writes collect in a buffer that is sent when
// the response is complete (or has grown large), so a small response is one TCP segment.
// httplib's own stream polls before every read and write; this one relies on socket timeouts.
// Thread-safety: used by one thread at a time.
#pragma once

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace expgraph::api {

class ConnectionStream final : public httplib::Stream {
 public:
  // `server` is asked whether it still runs while a read or write waits.
  ConnectionStream(int sock, const httplib::Server& server, std::chrono::seconds read_timeout,
                   std::chrono::seconds write_timeout);

  // True when a whole or partial next request is already buffered (pipelining).
  bool has_buffered_input() const { return input_begin_ < input_end_; }
  enum class Readiness { kData, kNothing, kClosed };
  // Appends what the socket has to the buffered input without waiting: data (new or already
  // buffered), nothing yet, or closed (or failed).
  Readiness read_available();
  // True when the buffered input holds a request's whole header block (or fills the buffer,
  // in which case httplib gets to reject it): only then is a worker committed to it.
  bool has_complete_head() const;
  // The buffered input not read yet, for a caller that parses a request head itself.
  std::string_view buffered_input() const {
    return std::string_view(input_.data() + input_begin_, input_end_ - input_begin_);
  }
  // Drops the first `size` bytes of the buffered input (at most all of it).
  void consume(size_t size) { input_begin_ += std::min(size, input_end_ - input_begin_); }
  // Sends everything written so far; false when the client is gone or too slow.
  bool flush();

  bool is_readable() const override;
  bool is_writable() const override { return true; }  // failures surface in flush()
  ssize_t read(char* ptr, size_t size) override;
  ssize_t write(const char* ptr, size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  socket_t socket() const override { return sock_; }

 private:
  // One recv into the empty input buffer, retried after socket timeouts until `deadline`.
  bool fill(std::chrono::steady_clock::time_point deadline);

  int sock_;
  const httplib::Server& server_;
  std::chrono::seconds read_timeout_;
  std::chrono::seconds write_timeout_;
  std::vector<char> input_;
  size_t input_begin_ = 0;
  size_t input_end_ = 0;
  bool eof_ = false;
  std::string output_;
  std::string remote_ip_;
  int remote_port_ = 0;
  std::string local_ip_;
  int local_port_ = 0;
};

}  // namespace expgraph::api
