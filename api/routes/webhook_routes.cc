// Webhook administration (admin role): POST /v1/admin/webhooks {url, events, secret,
// max_attempts?, retry_base_ms?} registers one, GET lists them with their delivery counts and
// last delivery, GET /v1/admin/webhooks/{id}/deliveries lists one webhook's queued and recent
// deliveries, DELETE removes one. Delivery itself is WebhookDispatcher's (api/webhooks/).
#include "api/http/http_json.h"
#include "api/routes/routes.h"
#include "api/webhooks/webhook_dispatcher.h"

namespace expgraph::api {

namespace {

Status register_webhook(WebhookDispatcher& webhooks, const httplib::Request& request,
                        httplib::Response& response) {
  auto body = parse_json_object(request.body);
  if (!body.ok()) return body.status();
  EXPGRAPH_RETURN_IF_ERROR(check_fields(
      *body, {"url", "events", "secret", "max_attempts", "retry_base_ms"}, "the body"));
  auto hook = webhook_from_request(*body);
  if (!hook.ok()) return hook.status();
  auto added = webhooks.add(std::move(hook).value());
  if (!added.ok()) return added.status();
  nlohmann::json answer = added->to_public_json();
  answer["pending"] = 0;
  send_json(response, 201, answer);
  return Status();
}

}  // namespace

void add_webhook_routes(Router& router, WebhookDispatcher& webhooks) {
  router.post("/v1/admin/webhooks", "/v1/admin/webhooks",
              [&webhooks](const httplib::Request& request, httplib::Response& response) {
                return register_webhook(webhooks, request, response);
              });
  router.get("/v1/admin/webhooks", "/v1/admin/webhooks",
             [&webhooks](const httplib::Request&, httplib::Response& response) {
               send_json(response, 200, {{"webhooks", webhooks.list()}});
               return Status();
             });
  router.get("/v1/admin/webhooks/([^/]+)/deliveries", "/v1/admin/webhooks/{id}/deliveries",
             [&webhooks](const httplib::Request& request, httplib::Response& response) {
               auto deliveries = webhooks.deliveries(request.matches[1].str());
               if (!deliveries.ok()) return deliveries.status();
               send_json(response, 200, {{"deliveries", std::move(deliveries).value()}});
               return Status();
             });
  router.del("/v1/admin/webhooks/([^/]+)", "/v1/admin/webhooks/{id}",
             [&webhooks](const httplib::Request& request, httplib::Response& response) {
               std::string id = request.matches[1].str();
               EXPGRAPH_RETURN_IF_ERROR(webhooks.remove(id));
               send_json(response, 200, {{"deleted", id}});
               return Status();
             });
}

}  // namespace expgraph::api
