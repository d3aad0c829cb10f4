#include "api/auth/api_keys.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <mutex>
#include <nlohmann/json.hpp>

#include "api/util/hex.h"
#include "graph/records.h"

namespace expgraph::api {

namespace {

// `meta` keys of the API keys; the name follows the prefix.
constexpr std::string_view kKeyPrefix = "auth/key/";
constexpr size_t kMinimumKeyLength = 16;
constexpr size_t kMaximumNameLength = 64;
constexpr const char* kAdminName = "admin";

Status validate_name(const std::string& name) {
  if (name.empty() || name.size() > kMaximumNameLength) {
    return Status::invalid_argument("a key name has 1 to 64 characters");
  }
  for (char c : name) {
    bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '_' || c == '.' || c == '@' || c == '-';
    if (!allowed) {
      return Status::invalid_argument("key name \"" + name +
                                      "\" may only hold letters, digits and _ . @ -");
    }
  }
  return Status();
}

}  // namespace

std::optional<Role> parse_role(std::string_view name) {
  if (name == "reader") return Role::kReader;
  if (name == "writer") return Role::kWriter;
  if (name == "admin") return Role::kAdmin;
  return std::nullopt;
}

std::string_view role_name(Role role) {
  switch (role) {
    case Role::kReader:
      return "reader";
    case Role::kWriter:
      return "writer";
    case Role::kAdmin:
      return "admin";
  }
  return "reader";
}

std::string sha256_hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(text.data(), text.size(), digest, &size, EVP_sha256(), nullptr);
  return to_hex(std::string_view(reinterpret_cast<const char*>(digest), size));
}

Result<std::string> generate_api_key() {
  auto random = random_hex(32);
  if (!random.ok()) return Status(random.status()).prepend("generating an API key");
  return "egk_" + *random;
}

Result<std::unique_ptr<ApiKeyStore>> ApiKeyStore::open(KvStore& store) {
  std::unique_ptr<ApiKeyStore> keys(new ApiKeyStore(store));
  EXPGRAPH_RETURN_IF_ERROR(keys->reload());
  return keys;
}

Status ApiKeyStore::reload() {
  std::map<std::string, Entry> entries;
  KvIterator it = store_.scan(Column::kMeta, kKeyPrefix);
  for (; it.valid(); it.next()) {
    nlohmann::json document = nlohmann::json::parse(it.value(), nullptr, false);
    std::string name(it.key().substr(kKeyPrefix.size()));
    std::optional<Role> role;
    if (document.is_object() && document["role"].is_string()) {
      role = parse_role(document["role"].get<std::string>());
    }
    if (!role || !document["sha256"].is_string()) {
      return Status::internal("stored API key \"" + name + "\" is corrupt");
    }
    Entry entry{{name, *role, document.value("created_at", int64_t{0})},
                document["sha256"].get<std::string>()};
    entries.emplace(name, std::move(entry));
  }
  EXPGRAPH_RETURN_IF_ERROR(it.status());
  std::unique_lock lock(mutex_);
  entries_ = std::move(entries);
  return Status();
}

Status ApiKeyStore::store_entry(const Entry& entry) {
  nlohmann::json document{{"role", role_name(entry.info.role)},
                          {"sha256", entry.hash},
                          {"created_at", entry.info.created_at_ms}};
  KvWriteBatch batch;
  batch.put(Column::kMeta, std::string(kKeyPrefix) + entry.info.name, document.dump());
  return store_.write(batch);
}

Status ApiKeyStore::add(const std::string& name, Role role, std::string_view clear_key) {
  EXPGRAPH_RETURN_IF_ERROR(validate_name(name));
  if (clear_key.size() < kMinimumKeyLength) {
    return Status::invalid_argument("an API key needs at least 16 characters");
  }
  std::unique_lock lock(mutex_);
  if (entries_.contains(name)) return Status::conflict("a key named \"" + name + "\" exists");
  Entry entry{{name, role, now_epoch_ms()}, sha256_hex(clear_key)};
  EXPGRAPH_RETURN_IF_ERROR(store_entry(entry));
  entries_.emplace(name, std::move(entry));
  return Status();
}

Result<std::string> ApiKeyStore::create(const std::string& name, Role role) {
  auto key = generate_api_key();
  if (!key.ok()) return key.status();
  EXPGRAPH_RETURN_IF_ERROR(add(name, role, *key));
  return key;
}

Status ApiKeyStore::revoke(const std::string& name) {
  std::unique_lock lock(mutex_);
  auto found = entries_.find(name);
  if (found == entries_.end()) return Status::not_found("no key named \"" + name + "\"");
  if (found->second.info.role == Role::kAdmin) {
    size_t admins = 0;
    for (const auto& [other, entry] : entries_) admins += entry.info.role == Role::kAdmin;
    if (admins == 1) {
      return Status::conflict("\"" + name +
                              "\" is the last admin key; create another admin key first");
    }
  }
  KvWriteBatch batch;
  batch.erase(Column::kMeta, std::string(kKeyPrefix) + name);
  EXPGRAPH_RETURN_IF_ERROR(store_.write(batch));
  entries_.erase(found);
  return Status();
}

std::vector<ApiKeyInfo> ApiKeyStore::list() const {
  std::shared_lock lock(mutex_);
  std::vector<ApiKeyInfo> out;
  for (const auto& [name, entry] : entries_) out.push_back(entry.info);
  return out;
}

std::optional<Principal> ApiKeyStore::authenticate(std::string_view clear_key) const {
  std::string hash = sha256_hex(clear_key);
  std::shared_lock lock(mutex_);
  const Entry* match = nullptr;
  for (const auto& [name, entry] : entries_) {
    bool same = entry.hash.size() == hash.size() &&
                CRYPTO_memcmp(entry.hash.data(), hash.data(), hash.size()) == 0;
    if (same) match = &entry;
  }
  if (match == nullptr) return std::nullopt;
  return Principal{match->info.name, match->info.role};
}

bool ApiKeyStore::empty() const {
  std::shared_lock lock(mutex_);
  return entries_.empty();
}

Result<std::optional<std::string>> bootstrap_admin_key(ApiKeyStore& keys, const char* env_key) {
  if (!keys.empty()) return std::optional<std::string>();
  if (env_key != nullptr && *env_key != '\0') {
    Status added = keys.add(kAdminName, Role::kAdmin, env_key);
    if (!added.ok()) return added.prepend("EXPGRAPH_ADMIN_KEY");
    return std::optional<std::string>();
  }
  auto created = keys.create(kAdminName, Role::kAdmin);
  if (!created.ok()) return created.status();
  return std::optional<std::string>(std::move(created).value());
}

}  // namespace expgraph::api
