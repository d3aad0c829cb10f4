// The node a /v1/nodes/{type}/{key}/... route names. Every such route checks the key the same
// way before it looks anything up, so a key no node can have (over 512 bytes, a control
// character, invalid UTF-8) is the same 400 on each, never a 404 on some of them.
#include "api/routes/routes.h"

namespace expgraph::api {

Result<NodeRef> path_node(const httplib::Request& request) {
  NodeRef ref{request.matches[1].str(), request.matches[2].str()};
  EXPGRAPH_RETURN_IF_ERROR(validate_external_key(ref.key));
  return ref;
}

}  // namespace expgraph::api
