// The OpenAPI 3.1 description of the HTTP API, served at GET /v1/openapi.json. Paths,
// parameters, bodies, responses and examples are written in api/openapi/expgraph.openapi.json;
// the role each operation needs is filled in here from the access table
// (api/auth/access_control.cc), so it cannot disagree with what the server enforces. Which
// routes exist is the router's to say: coverage_gaps compares the two, and the test suite
// fails on any gap (tests/api/openapi_coverage_test.cc). Stateless functions, thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/routes/router.h"
#include "ontology/status.h"

namespace expgraph::api {

// The description with `security` and `x-required-role` set on every operation. An error only
// when the embedded description is not valid JSON (a build defect).
Result<nlohmann::json> openapi_document();

// One line per route served but not described ("GET /v1/x is served but not described") and
// per operation described but not served; empty when the two agree. Paths compare as labels:
// "/v1/nodes/{type}/{key}" in both.
std::vector<std::string> coverage_gaps(const nlohmann::json& document,
                                       const std::vector<RouteInfo>& served);

}  // namespace expgraph::api
