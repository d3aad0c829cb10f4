// Hex text: bytes as lowercase hex digits, and random identifiers made of them. One place for
// both, used by the API keys (api/auth/api_keys.cc: the keys and their SHA-256 digests), webhooks
// (their ids, and their HMAC signatures) and the replication streams' and checkpoint downloads'
// ids (api/replication/update_streams.cc, checkpoint_downloads.cc). Thread-safe (no shared
// state).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "ontology/status.h"

namespace expgraph::api {

// `bytes` as 2 x bytes.size() lowercase hex digits.
std::string to_hex(std::string_view bytes);

// `byte_count` bytes from the operating system's cryptographic random source (getrandom(2)), as
// 2 x byte_count lowercase hex digits: unguessable, for keys and for ids that must not be
// predicted from one another. internal when the source cannot give them (the error says why);
// never a weaker fallback.
Result<std::string> random_hex(size_t byte_count);

}  // namespace expgraph::api
