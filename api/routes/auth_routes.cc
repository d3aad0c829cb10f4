// GET /v1/auth/me: the name and role of the key a request carries, so that a client (the web
// UI, a script checking its configuration) learns what it may do with one read instead of
// trying routes of each role.
#include "api/auth/access_control.h"
#include "api/http/http_json.h"
#include "api/routes/routes.h"

namespace expgraph::api {

void add_auth_routes(Router& router, bool checks_keys) {
  router.get("/v1/auth/me", "/v1/auth/me",
             [checks_keys](const httplib::Request&, httplib::Response& response) {
               // Router authorised the request and set its principal; with authentication off
               // that is "anonymous" with every right.
               const Principal& principal = current_principal();
               send_json(response, 200,
                         {{"name", principal.name},
                          {"role", role_name(principal.role)},
                          {"authentication", checks_keys ? "on" : "off"}});
               return Status();
             });
}

}  // namespace expgraph::api
