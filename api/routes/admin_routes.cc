// Admin routes: API key management. POST /v1/admin/keys {name, role} returns the key once;
// GET lists names, roles and creation times (never keys); DELETE revokes.
#include "api/http/http_json.h"
#include "api/routes/routes.h"
#include "graph/records.h"

namespace expgraph::api {

namespace {

Status create_key(ApiKeyStore& keys, const httplib::Request& request, httplib::Response& response) {
  auto body = parse_json_object(request.body);
  if (!body.ok()) return body.status();
  EXPGRAPH_RETURN_IF_ERROR(check_fields(*body, {"name", "role"}, "the body"));
  auto name = string_field(*body, "name", "the body");
  if (!name.ok()) return name.status();
  auto role_text = string_field(*body, "role", "the body");
  if (!role_text.ok()) return role_text.status();
  std::optional<Role> role = parse_role(*role_text);
  if (!role) {
    return Status::invalid_argument("role must be reader, writer or admin, got \"" + *role_text +
                                    "\"");
  }
  auto key = keys.create(*name, *role);
  if (!key.ok()) return key.status();
  send_json(response, 201,
            {{"name", *name},
             {"role", role_name(*role)},
             {"key", *key},
             {"note", "store this key now: the server keeps only its hash"}});
  return Status();
}

nlohmann::json key_list(const ApiKeyStore& keys) {
  nlohmann::json list = nlohmann::json::array();
  for (const ApiKeyInfo& info : keys.list()) {
    list.push_back({{"name", info.name},
                    {"role", role_name(info.role)},
                    {"created_at", format_timestamp(info.created_at_ms)}});
  }
  return {{"keys", std::move(list)}};
}

}  // namespace

void add_admin_routes(Router& router, ApiKeyStore& keys) {
  router.post("/v1/admin/keys", "/v1/admin/keys", [&keys](const auto& request, auto& response) {
    return create_key(keys, request, response);
  });
  router.get("/v1/admin/keys", "/v1/admin/keys",
             [&keys](const httplib::Request&, httplib::Response& response) {
               send_json(response, 200, key_list(keys));
               return Status();
             });
  router.del("/v1/admin/keys/([^/]+)", "/v1/admin/keys/{name}",
             [&keys](const httplib::Request& request, httplib::Response& response) {
               std::string name = request.matches[1].str();
               EXPGRAPH_RETURN_IF_ERROR(keys.revoke(name));
               send_json(response, 200, {{"revoked", name}});
               return Status();
             });
}

}  // namespace expgraph::api
