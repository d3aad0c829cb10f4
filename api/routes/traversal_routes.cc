// Traversal routes: k-hop neighbourhoods and shortest paths over the topology mirror.
// Properties are read from storage only for the nodes returned.
#include <chrono>
#include <thread>

#include "api/http/http_json.h"
#include "api/routes/routes.h"
#include "query/traversal.h"

namespace expgraph::api {

namespace {

constexpr int kMaxHops = 4;
constexpr int kMaxPathHops = 12;

// direction= and types=EdgeA,EdgeB from the query string.
Result<TraversalFilter> traversal_filter(const GraphStore& graph, const httplib::Request& request) {
  TraversalFilter filter;
  if (request.has_param("direction")) {
    auto direction = parse_direction(request.get_param_value("direction"));
    if (!direction) return Status::invalid_argument("direction must be out, in or both");
    filter.direction = *direction;
  }
  for (const std::string& name : list_parameter(request, "types")) {
    if (graph.ontology().edge_type(name) == nullptr) {
      return Status::invalid_argument("unknown edge type \"" + name + "\" in types");
    }
    filter.edge_types.insert(*graph.symbols().find(SymbolKind::kEdgeType, name));
  }
  return filter;
}

Result<NodeId> node_id_of(const GraphStore& graph, const NodeRef& ref) {
  if (graph.ontology().node_type(ref.type) == nullptr) {
    return Status::not_found("unknown node type \"" + ref.type + "\"");
  }
  auto id = graph.find_node_id(ref);
  if (!id.ok()) return id.status();
  if (!id->has_value()) return Status::not_found("node " + ref.to_string() + " does not exist");
  return **id;
}

nlohmann::json edges_json(const GraphStore& graph, const std::vector<TraversedEdge>& edges,
                          const std::map<NodeId, std::string>& refs) {
  nlohmann::json list = nlohmann::json::array();
  for (const TraversedEdge& edge : edges) {
    list.push_back({{"type", graph.symbols().name(SymbolKind::kEdgeType, edge.type)},
                    {"from", refs.at(edge.from)},
                    {"to", refs.at(edge.to)}});
  }
  return list;
}

Status neighborhood(const GraphStore& graph, const httplib::Request& request,
                    httplib::Response& response) {
  auto path_ref = path_node(request);
  if (!path_ref.ok()) return path_ref.status();
  const NodeRef& start_ref = *path_ref;
  auto start = node_id_of(graph, start_ref);
  if (!start.ok()) return start.status();
  auto hops = integer_parameter(request, "hops", 1, 1, kMaxHops);
  if (!hops.ok()) return hops.status();
  auto limit = integer_parameter(request, "limit", 1000, 1, 100000);
  if (!limit.ok()) return limit.status();
  auto filter = traversal_filter(graph, request);
  if (!filter.ok()) return filter.status();
  std::string count_only =
      request.has_param("count_only") ? request.get_param_value("count_only") : "false";
  if (count_only != "true" && count_only != "false") {
    return Status::invalid_argument("count_only must be true or false");
  }
  if (count_only == "true") {
    // Only the size: no node list and no property reads (the limit does not apply).
    send_json(response, 200,
              {{"count", count_k_hop(graph.topology(), *start, static_cast<int>(*hops), *filter)}});
    return Status();
  }

  Neighborhood found = k_hop_neighborhood(graph.topology(), *start, static_cast<int>(*hops),
                                          *filter, static_cast<size_t>(*limit));
  nlohmann::json nodes = nlohmann::json::array();
  std::map<NodeId, std::string> refs;
  for (size_t i = 0; i < found.nodes.size(); ++i) {
    auto node = graph.get_node(found.nodes[i]);
    // The walk read the mirror; a node deleted since (with its edges) is left out rather than
    // failing the answer with "no node with id N".
    if (!node.ok() && node.status().code() == StatusCode::kNotFound) {
      if (i == 0) return Status::not_found("node " + start_ref.to_string() + " does not exist");
      continue;
    }
    if (!node.ok()) return node.status();
    refs[node->id] = node->ref().to_string();
    nlohmann::json item = node->to_json();
    item["depth"] = found.depth[i];
    nodes.push_back(std::move(item));
  }
  std::erase_if(found.edges, [&refs](const TraversedEdge& edge) {
    return !refs.contains(edge.from) || !refs.contains(edge.to);
  });
  send_json(response, 200,
            {{"nodes", std::move(nodes)},
             {"edges", edges_json(graph, found.edges, refs)},
             {"truncated", found.truncated}});
  return Status();
}

Status path(const GraphStore& graph, const httplib::Request& request, httplib::Response& response) {
  NodeRef ends[2];
  NodeId ids[2];
  const char* names[2] = {"from", "to"};
  for (int i = 0; i < 2; ++i) {
    if (!request.has_param(names[i])) {
      return Status::invalid_argument(std::string("parameter \"") + names[i] +
                                      "\" (Type/key) is required");
    }
    auto ref = parse_node_ref(request.get_param_value(names[i]));
    if (!ref.ok()) return ref.status();
    auto id = node_id_of(graph, *ref);
    if (!id.ok()) return id.status();
    ends[i] = *ref;
    ids[i] = *id;
  }
  auto max_hops = integer_parameter(request, "max_hops", 6, 1, kMaxPathHops);
  if (!max_hops.ok()) return max_hops.status();
  auto filter = traversal_filter(graph, request);
  if (!filter.ok()) return filter.status();

  // The search reads the mirror and the nodes are read after it: a node of the path deleted in
  // between means the path is gone, so the search runs again rather than failing with "no node
  // with id N". A delete is committed to storage before the mirror forgets the node, so the
  // next try waits a moment; a path whose nodes keep vanishing is 429 path_changed, retry shortly.
  std::optional<std::vector<TraversedEdge>> found;
  nlohmann::json nodes;
  std::map<NodeId, std::string> refs;
  constexpr int kAttempts = 5;
  for (int attempt = 1;; ++attempt) {
    found = shortest_path(graph.topology(), ids[0], ids[1], static_cast<int>(*max_hops), *filter);
    if (!found) {
      send_json(response, 200,
                {{"found", false},
                 {"nodes", nlohmann::json::array()},
                 {"edges", nlohmann::json::array()}});
      return Status();
    }
    std::vector<NodeId> order{ids[0]};
    for (const TraversedEdge& edge : *found) {
      order.push_back(edge.from == order.back() ? edge.to : edge.from);
    }
    nodes = nlohmann::json::array();
    refs.clear();
    Status read;
    for (NodeId id : order) {
      auto node = graph.get_node(id);
      if (!node.ok()) {
        read = node.status();
        break;
      }
      refs[id] = node->ref().to_string();
      nodes.push_back(node->to_json());
    }
    if (read.ok()) break;
    if (read.code() != StatusCode::kNotFound) return read;
    if (attempt == kAttempts) {
      response.set_header("Retry-After", "1");
      return Status(StatusCode::kOverloaded,
                    "the nodes of the path were being deleted while it was read; retry shortly", {},
                    "path_changed");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(attempt));
  }
  send_json(response, 200,
            {{"found", true},
             {"length", found->size()},
             {"nodes", std::move(nodes)},
             {"edges", edges_json(graph, *found, refs)}});
  return Status();
}

}  // namespace

void add_traversal_routes(Router& router, GraphStore& graph) {
  router.get(std::string("/v1/nodes/") + kTypePattern + "/" + kKeyPattern + "/neighborhood",
             "/v1/nodes/{type}/{key}/neighborhood", [&graph](const auto& request, auto& response) {
               return neighborhood(graph, request, response);
             });
  router.get("/v1/paths", "/v1/paths", [&graph](const auto& request, auto& response) {
    return path(graph, request, response);
  });
}

}  // namespace expgraph::api
