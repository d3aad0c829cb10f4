#include "graph/msgpack_writer.h"

namespace expgraph::msgpack {

namespace {

void append_big_endian(std::string& out, uint64_t value, int bytes) {
  for (int shift = 8 * (bytes - 1); shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>(value >> shift));
  }
}

}  // namespace

void append_map_header(std::string& out, size_t entries) {
  if (entries < 16) {
    out.push_back(static_cast<char>(0x80 | entries));
  } else if (entries <= 0xffff) {
    out.push_back(static_cast<char>(0xde));
    append_big_endian(out, entries, 2);
  } else {
    out.push_back(static_cast<char>(0xdf));
    append_big_endian(out, entries, 4);
  }
}

size_t string_size(std::string_view text) {
  size_t size = text.size();
  if (size < 32) return 1 + size;
  if (size <= 0xff) return 2 + size;
  if (size <= 0xffff) return 3 + size;
  return 5 + size;
}

void append_string_header(std::string& out, size_t size) {
  if (size < 32) {
    out.push_back(static_cast<char>(0xa0 | size));
  } else if (size <= 0xff) {
    out.push_back(static_cast<char>(0xd9));
    append_big_endian(out, size, 1);
  } else if (size <= 0xffff) {
    out.push_back(static_cast<char>(0xda));
    append_big_endian(out, size, 2);
  } else {
    out.push_back(static_cast<char>(0xdb));
    append_big_endian(out, size, 4);
  }
}

void append_string(std::string& out, std::string_view text) {
  append_string_header(out, text.size());
  out.append(text);
}

void append_uint(std::string& out, uint64_t value) {
  if (value < 128) {
    out.push_back(static_cast<char>(value));
  } else if (value <= 0xff) {
    out.push_back(static_cast<char>(0xcc));
    append_big_endian(out, value, 1);
  } else if (value <= 0xffff) {
    out.push_back(static_cast<char>(0xcd));
    append_big_endian(out, value, 2);
  } else if (value <= 0xffffffff) {
    out.push_back(static_cast<char>(0xce));
    append_big_endian(out, value, 4);
  } else {
    out.push_back(static_cast<char>(0xcf));
    append_big_endian(out, value, 8);
  }
}

void append_int(std::string& out, int64_t value) {
  if (value >= 0) {
    append_uint(out, static_cast<uint64_t>(value));
  } else if (value >= -32) {
    out.push_back(static_cast<char>(value));  // negative fixint
  } else if (value >= INT8_MIN) {
    out.push_back(static_cast<char>(0xd0));
    append_big_endian(out, static_cast<uint64_t>(value), 1);
  } else if (value >= INT16_MIN) {
    out.push_back(static_cast<char>(0xd1));
    append_big_endian(out, static_cast<uint64_t>(value), 2);
  } else if (value >= INT32_MIN) {
    out.push_back(static_cast<char>(0xd2));
    append_big_endian(out, static_cast<uint64_t>(value), 4);
  } else {
    out.push_back(static_cast<char>(0xd3));
    append_big_endian(out, static_cast<uint64_t>(value), 8);
  }
}

void append_nil(std::string& out) { out.push_back(static_cast<char>(0xc0)); }

// Null and {} (an edge without properties) are written directly: nlohmann's writer allocates
// an output adapter per call, and an edge import logs both for every edge.
void append_json(std::string& out, const nlohmann::json& value) {
  if (value.is_null()) {
    append_nil(out);
  } else if (value.is_object() && value.empty()) {
    append_map_header(out, 0);
  } else {
    nlohmann::json::to_msgpack(value, out);
  }
}

nlohmann::json parse(std::string_view bytes) {
  return nlohmann::json::from_msgpack(bytes, /*strict=*/true, /*allow_exceptions=*/false);
}

}  // namespace expgraph::msgpack
