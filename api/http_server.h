// HttpServer: cpp-httplib's Server with a leaner connection loop. httplib parses requests,
// routes them and writes responses; this class only replaces how one kept-alive connection
// reads and writes its socket. Used by ApiServer for plain HTTP (TLS keeps httplib's own loop).
//
// Why: httplib 0.11 spends eleven system calls on a small request (a poll before every read and
// write, a liveness probe before each write, getpeername/getsockname per request) and sends the
// status line + headers and the body as two TCP segments, so the client wakes twice. Here a
// request costs one recv and one send: reads are buffered, and a response is buffered until
// httplib has written all of it (large streamed bodies are flushed in 64 KiB pieces).
// Thread-safety: as httplib::Server; each connection is handled by one worker thread.
#pragma once

#include <httplib.h>

namespace expgraph::api {

class HttpServer : public httplib::Server {
 private:
  // Serves requests on `sock` until the client closes, the keep-alive limits end the
  // connection, an I/O error or timeout occurs, or the server stops; then closes `sock`.
  bool process_and_close_socket(socket_t sock) override;
};

}  // namespace expgraph::api
