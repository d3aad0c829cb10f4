// CliClient: the expgraph CLI's connection to a server (--url, default http://localhost:8080).
// Turns HTTP answers into the CLI's exit codes: 0 ok, 1 the server said no, 2 a usage error,
// 3 the server could not be reached. Not thread-safe.
#pragma once

#include <httplib.h>

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace expgraph::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitServerError = 1;
inline constexpr int kExitUsage = 2;
// Nothing answered at the URL (refused, timed out, TLS failed): distinct from 1, which means
// a server answered and said no, so that scripts can retry one and not the other.
inline constexpr int kExitUnreachable = 3;

struct Reply {
  int status = 0;  // HTTP status; 0 when the server could not be reached
  std::string body;
  std::string transport_error;  // why the request failed, when status == 0
  std::string url;              // the server asked
  bool ok() const { return status >= 200 && status < 300; }
};

class CliClient {
 public:
  explicit CliClient(const std::string& url);

  Reply get(const std::string& path);
  // A GET whose body is handed to `receive` as it arrives (false from it stops the transfer);
  // Reply::body stays empty on success.
  Reply get_streamed(const std::string& path,
                     const std::function<bool(const char*, size_t)>& receive);
  Reply post(const std::string& path, const std::string& body,
             const std::string& content_type = "application/json");
  // Prints the server's error on stderr and returns kExitServerError; or, when no server
  // answered, "cannot reach the server at URL" and kExitUnreachable.
  static int report_failure(const Reply& reply);

 private:
  Reply convert(const httplib::Result& result);
  std::string url_;
  std::unique_ptr<httplib::Client> client_;
};

}  // namespace expgraph::cli
