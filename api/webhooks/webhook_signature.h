// How a webhook delivery is signed, so that a receiver can tell it came from this server and was
// not replayed: HMAC-SHA256 with the webhook's secret over "<timestamp>.<body>", sent as
// `Expgraph-Signature: t=<unix seconds>,v1=<hex digest>` (docs/integrations.md shows how to
// check it). Used by WebhookDispatcher and by tests. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace expgraph::api {

// HMAC-SHA256 of `message` under `key`, as 64 lowercase hex digits.
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

// The value of the Expgraph-Signature header for `body` sent at `unix_seconds`.
std::string webhook_signature(std::string_view secret, int64_t unix_seconds, std::string_view body);

}  // namespace expgraph::api
