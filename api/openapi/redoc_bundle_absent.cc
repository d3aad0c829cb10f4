// Built into expgraphd instead of the generated bundle when api/openapi/node_modules holds no
// Redoc (tools/install-openapi-tools was not run before the build): the API page then says so.
#include "api/openapi/embedded_files.h"

namespace expgraph::api::embedded {

std::string redoc_bundle() { return std::string(); }

}  // namespace expgraph::api::embedded
