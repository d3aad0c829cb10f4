#include "storage/key_codec.h"

#include <bit>
#include <cstring>

namespace expgraph::keys {

namespace {

// Tags keep values of different JSON kinds apart in the index and order them by kind.
constexpr char kTagFalse = 0x01;
constexpr char kTagTrue = 0x02;
constexpr char kTagInt = 0x10;
constexpr char kTagFloat = 0x11;
constexpr char kTagString = 0x20;

}  // namespace

void append_u32(std::string& out, uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(value >> shift));
}

void append_u64(std::string& out, uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(value >> shift));
}

uint32_t read_u32(std::string_view bytes, size_t offset) {
  uint32_t value = 0;
  for (size_t i = 0; i < 4; ++i) value = (value << 8) | static_cast<uint8_t>(bytes[offset + i]);
  return value;
}

uint64_t read_u64(std::string_view bytes, size_t offset) {
  uint64_t value = 0;
  for (size_t i = 0; i < 8; ++i) value = (value << 8) | static_cast<uint8_t>(bytes[offset + i]);
  return value;
}

std::string node_key(NodeId id) {
  std::string key;
  append_u64(key, id);
  return key;
}

NodeId node_id_from_key(std::string_view key) { return read_u64(key, 0); }

std::string external_key(SymbolId type, std::string_view key) {
  std::string out = external_key_prefix(type);
  out.append(key);
  return out;
}

std::string external_key_prefix(SymbolId type) {
  std::string out;
  append_u32(out, type);
  return out;
}

std::string_view external_key_suffix(std::string_view key) { return key.substr(4); }

std::string adjacency_key(NodeId first, SymbolId edge_type, NodeId second) {
  std::string key;
  key.reserve(20);
  append_adjacency_key(key, first, edge_type, second);
  return key;
}

void append_adjacency_key(std::string& out, NodeId first, SymbolId edge_type, NodeId second) {
  append_u64(out, first);
  append_u32(out, edge_type);
  append_u64(out, second);
}

std::string adjacency_prefix(NodeId first) { return node_key(first); }

std::string adjacency_prefix(NodeId first, SymbolId edge_type) {
  std::string key = node_key(first);
  append_u32(key, edge_type);
  return key;
}

AdjacencyKey decode_adjacency_key(std::string_view key) {
  return AdjacencyKey{read_u64(key, 0), read_u32(key, 8), read_u64(key, 12)};
}

std::optional<std::string> encode_index_value(const nlohmann::json& value) {
  std::string out;
  if (value.is_boolean()) {
    out.push_back(value.get<bool>() ? kTagTrue : kTagFalse);
  } else if (value.is_number_integer()) {
    // Flipping the sign bit makes two's complement order match unsigned byte order.
    out.push_back(kTagInt);
    int64_t number = value.is_number_unsigned()
                         ? static_cast<int64_t>(value.get<uint64_t>())
                         : value.get<int64_t>();
    append_u64(out, static_cast<uint64_t>(number) ^ (uint64_t{1} << 63));
  } else if (value.is_number_float()) {
    // IEEE 754 order: flip all bits of negatives, only the sign bit of positives.
    out.push_back(kTagFloat);
    double number = value.get<double>();
    if (number == 0.0) number = 0.0;  // -0.0 and 0.0 are one key
    uint64_t bits = std::bit_cast<uint64_t>(number);
    bits = (bits & (uint64_t{1} << 63)) ? ~bits : bits ^ (uint64_t{1} << 63);
    append_u64(out, bits);
  } else if (value.is_string()) {
    // 0x00 is escaped as 0x00 0xff and the string ends with 0x00 0x00, so no encoded string is
    // a prefix of another and the node id that follows cannot be confused with its bytes.
    out.push_back(kTagString);
    for (char c : value.get_ref<const std::string&>()) {
      out.push_back(c);
      if (c == '\0') out.push_back('\xff');
    }
    out.push_back('\0');
    out.push_back('\0');
  } else {
    return std::nullopt;
  }
  return out;
}

std::string index_prefix(SymbolId type, SymbolId property, std::string_view encoded_value) {
  std::string out;
  append_u32(out, type);
  append_u32(out, property);
  out.append(encoded_value);
  return out;
}

std::string index_key(SymbolId type, SymbolId property, std::string_view encoded_value,
                      NodeId node) {
  std::string out = index_prefix(type, property, encoded_value);
  append_u64(out, node);
  return out;
}

NodeId index_key_node(std::string_view key) { return read_u64(key, key.size() - 8); }

std::string log_key(uint64_t sequence) { return node_key(sequence); }

uint64_t log_key_sequence(std::string_view key) { return read_u64(key, 0); }

std::string history_prefix(SymbolId type, std::string_view key) {
  std::string out = external_key(type, key);
  out.push_back('\0');
  return out;
}

std::string history_key(SymbolId type, std::string_view key, uint64_t sequence) {
  std::string out = history_prefix(type, key);
  append_u64(out, sequence);
  return out;
}

uint64_t history_key_sequence(std::string_view key) { return read_u64(key, key.size() - 8); }

std::string prefix_successor(std::string_view prefix) {
  std::string out(prefix);
  while (!out.empty()) {
    if (static_cast<uint8_t>(out.back()) != 0xff) {
      out.back() = static_cast<char>(static_cast<uint8_t>(out.back()) + 1);
      return out;
    }
    out.pop_back();
  }
  return out;
}

}  // namespace expgraph::keys
