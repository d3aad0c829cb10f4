// MessagePack, the encoding of every value graph/ stores (node records, edge properties,
// change-log records; see value_codec.h and change_record.h for their layouts). JSON values are
// encoded and decoded by nlohmann/json (to_msgpack, from_msgpack); these functions add only
// the framing nlohmann has no public streaming API for, so that a record can be written from
// its parts without first copying a large property value into a JSON document of its own.
// Integers are written in their shortest form, as nlohmann writes them, so a record written
// here has the same bytes as nlohmann's encoding of the same document in the same key order.
// Stateless functions, thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace expgraph::msgpack {

// Appends a map header announcing `entries` key/value pairs (which the caller then appends).
void append_map_header(std::string& out, size_t entries);
void append_string(std::string& out, std::string_view text);
// The header of a string of `size` bytes, which the caller appends itself (in pieces).
void append_string_header(std::string& out, size_t size);
void append_uint(std::string& out, uint64_t value);
void append_int(std::string& out, int64_t value);
void append_nil(std::string& out);
// Appends `value` as nlohmann::json::to_msgpack encodes it.
void append_json(std::string& out, const nlohmann::json& value);

// The number of bytes append_string appends for `text`.
size_t string_size(std::string_view text);

// Decodes one MessagePack value; a discarded JSON value (is_discarded()) when `bytes` are not
// exactly one well-formed value.
nlohmann::json parse(std::string_view bytes);

}  // namespace expgraph::msgpack
