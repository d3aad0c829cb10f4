// CliClient: the expgraph CLI's connection to a server (--url, default http://localhost:8080).
// Turns HTTP answers into the CLI's exit codes: 0 ok, 1 the server said no (or is unreachable),
// 2 a usage error. Not thread-safe.
#pragma once

#include <httplib.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace expgraph::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitServerError = 1;
inline constexpr int kExitUsage = 2;

struct Reply {
  int status = 0;  // HTTP status; 0 when the server could not be reached
  std::string body;
  std::string transport_error;  // why the request failed, when status == 0
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
  // Prints the server's error (or the transport error) on stderr and returns kExitServerError.
  static int report_failure(const Reply& reply);

 private:
  Reply convert(const httplib::Result& result);
  std::unique_ptr<httplib::Client> client_;
};

}  // namespace expgraph::cli
