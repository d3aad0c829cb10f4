#include "graph/records.h"

#include <chrono>
#include <cstring>
#include <ctime>

namespace expgraph {

bool is_valid_utf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    // Eight ASCII bytes at a time: every import line is checked, and most are all ASCII.
    while (i + 8 <= text.size()) {
      uint64_t word;
      std::memcpy(&word, text.data() + i, 8);
      if ((word & 0x8080808080808080ull) != 0) break;
      i += 8;
    }
    if (i == text.size()) break;
    auto byte = static_cast<uint8_t>(text[i]);
    size_t length = 0;
    uint32_t code_point = 0;
    if (byte < 0x80) {
      ++i;
      continue;
    } else if ((byte & 0xe0) == 0xc0) {
      length = 2;
      code_point = byte & 0x1f;
    } else if ((byte & 0xf0) == 0xe0) {
      length = 3;
      code_point = byte & 0x0f;
    } else if ((byte & 0xf8) == 0xf0) {
      length = 4;
      code_point = byte & 0x07;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    for (size_t j = 1; j < length; ++j) {
      auto continuation = static_cast<uint8_t>(text[i + j]);
      if ((continuation & 0xc0) != 0x80) return false;
      code_point = (code_point << 6) | (continuation & 0x3f);
    }
    // Reject overlong forms, UTF-16 surrogates and code points past U+10FFFF.
    static constexpr uint32_t kMinimum[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (code_point < kMinimum[length] || code_point > 0x10ffff ||
        (code_point >= 0xd800 && code_point <= 0xdfff)) {
      return false;
    }
    i += length;
  }
  return true;
}

Status validate_external_key(std::string_view key) {
  if (key.empty()) return Status::invalid_argument("node key is empty");
  if (key.size() > 512) return Status::invalid_argument("node key longer than 512 bytes");
  if (!is_valid_utf8(key)) return Status::invalid_argument("node key is not valid UTF-8");
  for (char c : key) {
    if (static_cast<uint8_t>(c) < 0x20 || c == 0x7f) {
      return Status::invalid_argument("node key contains a control character");
    }
    if (c == '/') return Status::invalid_argument("node key contains '/'");
  }
  return Status();
}

Result<NodeRef> parse_node_ref(std::string_view text) {
  size_t slash = text.find('/');
  if (slash == std::string_view::npos || slash == 0) {
    return Status::invalid_argument("node reference \"" + std::string(text) +
                                    "\" is not of the form Type/key");
  }
  NodeRef ref{std::string(text.substr(0, slash)), std::string(text.substr(slash + 1))};
  Status status = validate_external_key(ref.key);
  if (!status.ok()) return status.prepend("node reference \"" + std::string(text) + "\"");
  return ref;
}

nlohmann::json NodeRecord::to_json() const& {
  NodeRecord copy = *this;
  return std::move(copy).to_json();
}

nlohmann::json NodeRecord::to_json() && {
  nlohmann::json document = nlohmann::json::object();
  document["type"] = std::move(type);
  document["key"] = std::move(key);
  document["properties"] = std::move(properties);
  document["version"] = version;
  document["created_at"] = format_timestamp(created_at_ms);
  document["updated_at"] = format_timestamp(updated_at_ms);
  return document;
}

nlohmann::json EdgeRecord::to_json() const {
  return nlohmann::json{{"type", type},
                        {"from", from.to_string()},
                        {"to", to.to_string()},
                        {"properties", properties}};
}

std::string_view write_outcome_name(WriteOutcome outcome) {
  switch (outcome) {
    case WriteOutcome::kCreated: return "created";
    case WriteOutcome::kUpdated: return "updated";
    case WriteOutcome::kUnchanged: return "unchanged";
    case WriteOutcome::kDeleted: return "deleted";
    case WriteOutcome::kKept: return "kept";
  }
  return "unchanged";
}

std::optional<Direction> parse_direction(std::string_view text) {
  if (text == "out") return Direction::kOut;
  if (text == "in") return Direction::kIn;
  if (text == "both") return Direction::kBoth;
  return std::nullopt;
}

std::string format_timestamp(int64_t epoch_ms) {
  std::time_t seconds = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[40];
  size_t length = std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(buffer + length, sizeof(buffer) - length, ".%03dZ",
                static_cast<int>(epoch_ms % 1000));
  return buffer;
}

int64_t now_epoch_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace expgraph
