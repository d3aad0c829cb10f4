#include "api/replication/retry_after.h"

#include <algorithm>
#include <string>

namespace expgraph::replication {

std::chrono::milliseconds retry_after(const httplib::Response& response) {
  if (!response.has_header("Retry-After")) return std::chrono::milliseconds(0);
  const std::string text = response.get_header_value("Retry-After");
  // Six digits at most: the cap is far below, and std::stoi cannot overflow.
  if (text.empty() || text.size() > 6 ||
      text.find_first_not_of("0123456789") != std::string::npos) {
    return std::chrono::milliseconds(0);
  }
  return std::min<std::chrono::milliseconds>(std::chrono::seconds(std::stoi(text)), kMaxRetryAfter);
}

}  // namespace expgraph::replication
