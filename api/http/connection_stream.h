// ConnectionStream: one client connection (plain TCP or TLS) as an httplib::Stream, for
// HttpServer. Reads go into a buffer that HttpServer fills without waiting (read_available) and
// parses itself (RequestReader); httplib reads only the head it is handed (set_pending_head).
// Writes collect in a buffer that is sent when the response is complete (or has grown large),
// so a small response is one TCP segment (one TLS record).
// With TLS the socket is non-blocking and the handshake advances in read_available, so a slow
// handshake holds no worker either; plain sockets rely on socket timeouts for the writes.
// Thread-safety: used by one thread at a time.
#pragma once

#include <httplib.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace expgraph::api {

class ConnectionStream final : public httplib::Stream {
 public:
  // `server` is asked whether it still runs while a write waits. `ssl`, when given, is the TLS
  // session of `sock` (in accept state); the stream owns it.
  ConnectionStream(int sock, const httplib::Server& server, std::chrono::seconds read_timeout,
                   std::chrono::seconds write_timeout, SSL* ssl = nullptr);
  ~ConnectionStream() override;
  ConnectionStream(const ConnectionStream&) = delete;
  ConnectionStream& operator=(const ConnectionStream&) = delete;

  // False until a TLS connection has finished its handshake (always true without TLS).
  bool handshake_done() const { return handshake_done_; }
  // True when a whole or partial next request is already buffered (pipelining).
  bool has_buffered_input() const { return input_begin_ < input_end_; }
  enum class Readiness { kData, kNothing, kClosed };
  // Appends what the connection has to the buffered input without waiting (advancing a TLS
  // handshake first): new data (or a full buffer, which the caller must consume first),
  // nothing now, or closed (or failed).
  Readiness read_available();
  // For a connection being closed: says goodbye (TLS close_notify), ends the sending side and
  // reads and drops what the client still sends, so that the answer already sent is not lost
  // to a reset. Call again when readable; false once the client closed.
  bool drain_before_close();
  // The buffered input not read yet, for a caller that parses requests itself.
  std::string_view buffered_input() const {
    return std::string_view(input_.data() + input_begin_, input_end_ - input_begin_);
  }
  // Drops the first `size` bytes of the buffered input (at most all of it).
  void consume(size_t size) { input_begin_ += std::min(size, input_end_ - input_begin_); }
  // Bytes that read() returns before any buffered input: the head HttpServer hands to httplib
  // in place of the one the client sent (RequestHead::canonical()).
  void set_pending_head(std::string head) {
    pending_head_ = std::move(head);
    pending_head_read_ = 0;
  }
  // Sends everything written so far; false when the client is gone or too slow.
  bool flush();
  // Writes `data` and sends it with one attempt that does not wait (a last word before closing
  // a connection whose client may not be reading).
  void send_now(std::string_view data);

  bool is_readable() const override;
  // httplib asks before each piece of a streamed response (a content provider): what was
  // written so far goes out then, so that a long-lived stream (the replication update stream)
  // reaches the client as it is produced. A response written in one go is still sent whole.
  bool is_writable() const override;
  ssize_t read(char* ptr, size_t size) override;
  ssize_t write(const char* ptr, size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  socket_t socket() const override { return sock_; }

 private:
  enum class Io { kDone, kWantRead, kWantWrite, kClosed };
  // One receive or send on the socket or the TLS session, never waiting; `n` is what moved.
  Io receive(char* ptr, size_t size, size_t& n);
  Io transmit(const char* ptr, size_t size, size_t& n);
  Io handshake();
  // What a recv or send (`receiving` or not) that returned `result` came to.
  Io socket_outcome(ssize_t result, bool receiving, size_t& n);
  // What an SSL_read, SSL_write or SSL_do_handshake that returned `result` came to.
  Io tls_outcome(int result, size_t& n);
  // Waits up to the wake interval for the socket to allow `io`.
  void wait_for(Io io) const;
  // Refills the empty input buffer, waiting until `deadline`.
  bool fill(std::chrono::steady_clock::time_point deadline);

  int sock_;
  const httplib::Server& server_;
  std::chrono::seconds read_timeout_;
  std::chrono::seconds write_timeout_;
  SSL* ssl_;
  bool handshake_done_;
  bool closing_ = false;
  std::vector<char> input_;
  size_t input_begin_ = 0;
  size_t input_end_ = 0;
  std::string pending_head_;
  size_t pending_head_read_ = 0;
  bool eof_ = false;
  std::string output_;
  std::string remote_ip_;
  int remote_port_ = 0;
  std::string local_ip_;
  int local_port_ = 0;
};

}  // namespace expgraph::api
