// ApiKeyStore: expgraphd's API keys and their roles. Keys are kept in RocksDB (`meta` column
// family, "auth/key/<name>" -> {role, sha256, created_at}) as SHA-256 hashes only: the clear key
// is returned once, at creation, and never written anywhere. Used by the access check in Router
// and by the admin routes. Thread-safe: a shared_mutex guards the in-memory copy of the keys.
// It reads and writes the KvStore directly, not through graph/, on purpose: keys are not graph
// data, so they must never pass the ontology, enter the change log or history, or be exported.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "ontology/status.h"
#include "storage/kv_store.h"

namespace expgraph::api {

// Ordered: a role may do everything the roles below it may.
enum class Role { kReader = 1, kWriter = 2, kAdmin = 3 };
std::optional<Role> parse_role(std::string_view name);
std::string_view role_name(Role role);

// What a valid key stands for; `name` is the actor recorded in the change log.
struct Principal {
  std::string name;
  Role role = Role::kReader;
};

struct ApiKeyInfo {
  std::string name;
  Role role = Role::kReader;
  int64_t created_at_ms = 0;
};

// The SHA-256 digest of `text` as 64 lowercase hex digits.
std::string sha256_hex(std::string_view text);
// A new random key: "egk_" and 64 hex digits (32 bytes from the OS's random source,
// api/util/hex.h); internal when that source fails.
Result<std::string> generate_api_key();

class ApiKeyStore {
 public:
  // Loads the stored keys. `store` must outlive the ApiKeyStore.
  static Result<std::unique_ptr<ApiKeyStore>> open(KvStore& store);

  // A new key named `name` (1-64 of A-Z a-z 0-9 _ . @ -) with a random secret; returns the
  // clear key, which cannot be retrieved later. conflict when the name is taken.
  Result<std::string> create(const std::string& name, Role role);
  // Stores an operator-chosen key (at least 16 characters), e.g. from EXPGRAPH_ADMIN_KEY.
  Status add(const std::string& name, Role role, std::string_view clear_key);
  // Removes a key: not_found when absent; conflict when it is the last admin key (which would
  // leave nobody able to manage keys).
  Status revoke(const std::string& name);
  // Every key's name, role and creation time (never the key), by name.
  std::vector<ApiKeyInfo> list() const;
  // The key's principal, nullopt when no stored key matches. Hashes are compared in constant
  // time, and every stored hash is compared, so the timing does not tell which prefix matched.
  std::optional<Principal> authenticate(std::string_view clear_key) const;
  bool empty() const;
  // Reads the stored keys again (a read replica, after the primary's key changes arrived).
  Status reload();

 private:
  struct Entry {
    ApiKeyInfo info;
    std::string hash;  // sha256_hex of the key
  };
  explicit ApiKeyStore(KvStore& store) : store_(store) {}
  Status store_entry(const Entry& entry);

  KvStore& store_;
  mutable std::shared_mutex mutex_;  // guards entries_; held across the RocksDB write
  std::map<std::string, Entry> entries_;
};

// At first start (no key stored) creates the admin key "admin": from `env_key`
// (EXPGRAPH_ADMIN_KEY) when given, otherwise a generated one, which is returned so that the
// caller prints it once. Returns nullopt when nothing was generated.
Result<std::optional<std::string>> bootstrap_admin_key(ApiKeyStore& keys, const char* env_key);

}  // namespace expgraph::api
