// Who may call which route: the one table of the role each route needs (by route label, e.g.
// "GET /v1/nodes/{type}/{key}"), and the check Router runs before every handler (Bearer key ->
// principal -> role). The principal's name is the request's actor, which write routes record in
// the change log. Stateless apart from the thread-local actor; thread-safe.
#pragma once

#include <httplib.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/auth/api_keys.h"
#include "ontology/status.h"

namespace expgraph::api {

// What a route needs: nothing (health probes), or a key with at least a role.
// The values of the roles match Role's, so that a role allows an access when it is not below it.
enum class Access { kOpen = 0, kReader = 1, kWriter = 2, kAdmin = 3 };
std::string_view access_name(Access access);

// Every route label with the access it needs. Reads are reader, writes and imports writer, key
// management admin, /healthz and /readyz open.
const std::vector<std::pair<std::string_view, Access>>& access_table();
// The access a route label needs; a label missing from the table needs admin (fail closed).
Access required_access(std::string_view label);
// The access of the route a request for `method` and (decoded) `path` goes to, matching the
// labels' templates ("{key}" is one path segment); nullopt when no label matches. For checking a
// key from a request's head, before its body is read.
std::optional<Access> route_access(std::string_view method, std::string_view path);

// Checks the request's `Authorization: Bearer <key>` (the scheme in any case):
// unauthenticated (401) when missing or unknown, permission_denied (403) when the key's role
// is below `access`. `keys` null means authentication is off: every request passes as
// "anonymous".
Result<Principal> authorize(const httplib::Request& request, Access access,
                            const ApiKeyStore* keys);
// Answers a failed authorize(): its JSON error, with `WWW-Authenticate: Bearer` on a 401.
void refuse_access(const Status& status, httplib::Response& response);

// The principal of the request this thread is serving (anonymous with the admin role when
// authentication is off). Set by Router around each handler; handlers serve one request on one
// thread.
const Principal& current_principal();
// Its name: the actor that write routes record in the change log.
const std::string& current_actor();

// Sets current_principal() for its lifetime.
class ActorScope {
 public:
  explicit ActorScope(Principal principal);
  ~ActorScope();
  ActorScope(const ActorScope&) = delete;
  ActorScope& operator=(const ActorScope&) = delete;

 private:
  Principal previous_;
};

}  // namespace expgraph::api
