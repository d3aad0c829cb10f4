#include "graph/graph_store.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <utility>

#include "graph/change_log.h"
#include "graph/property_columns.h"
#include "graph/value_codec.h"
#include "graph/write_plan.h"

namespace expgraph {

namespace {

// meta keys
constexpr std::string_view kOntologyVersionKey = "ontology/version";

Result<uint64_t> read_counter(const KvStore& store, std::string_view key, uint64_t fallback) {
  auto value = store.get(Column::kMeta, key);
  if (!value.ok()) return value.status();
  if (!value->has_value()) return fallback;
  if ((*value)->size() != 8) return Status::internal("corrupt counter " + std::string(key));
  return keys::read_u64(**value, 0);
}

// Base64url without padding: cursors are opaque to clients but safe in a query string.
constexpr char kBase64Alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string encode_cursor(std::string_view bytes) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kBase64Alphabet[(buffer >> bits) & 0x3f]);
    }
  }
  if (bits > 0) out.push_back(kBase64Alphabet[(buffer << (6 - bits)) & 0x3f]);
  return out;
}

Result<std::string> decode_cursor(std::string_view text) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    const char* position = std::strchr(kBase64Alphabet, c);
    if (c == '\0' || position == nullptr) return Status::invalid_argument("malformed cursor");
    buffer = (buffer << 6) | static_cast<uint32_t>(position - kBase64Alphabet);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  // encode_cursor leaves 2 or 4 zero bits after the last byte, never 6 and never non-zero ones:
  // anything else is a truncated or altered cursor, which would silently restart the listing.
  if (bits == 6 || (buffer & ((uint32_t{1} << bits) - 1)) != 0) {
    return Status::invalid_argument("malformed cursor");
  }
  return out;
}

// Converts a filter's text to the JSON value the property's type stores.
Result<nlohmann::json> filter_value(const PropertyDef& def, const std::string& text) {
  switch (def.type) {
    case PropertyType::kInt: {
      int64_t number = 0;
      auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
      if (error != std::errc() || end != text.data() + text.size()) break;
      return nlohmann::json(number);
    }
    case PropertyType::kFloat: {
      char* end = nullptr;
      double number = std::strtod(text.c_str(), &end);
      if (text.empty() || end != text.c_str() + text.size()) break;
      return nlohmann::json(number);
    }
    case PropertyType::kBool:
      if (text == "true") return nlohmann::json(true);
      if (text == "false") return nlohmann::json(false);
      break;
    case PropertyType::kJson:
      return Status::invalid_argument("property \"" + def.name +
                                      "\" is of type json and cannot be filtered on");
    default:
      return nlohmann::json(text);
  }
  return Status::invalid_argument("filter value \"" + text + "\" is not a valid " +
                                  std::string(property_type_name(def.type)) + " for property \"" +
                                  def.name + "\"");
}

bool property_matches(const nlohmann::json& properties, const std::string& name,
                      const nlohmann::json& wanted) {
  auto it = properties.find(name);
  if (it == properties.end()) return false;
  if (it->is_array()) {
    for (const auto& element : *it) {
      if (element == wanted) return true;
    }
    return false;
  }
  return *it == wanted;
}

}  // namespace

GraphStore::~GraphStore() = default;

Result<std::unique_ptr<GraphStore>> GraphStore::open(const std::string& directory,
                                                     std::shared_ptr<const Ontology> ontology,
                                                     const GraphStoreOptions& options) {
  auto store = KvStore::open(directory, options.storage);
  if (!store.ok()) return store.status();
  std::unique_ptr<GraphStore> graph(new GraphStore());
  graph->ontology_ = std::move(ontology);
  graph->options_ = options;
  graph->store_ = std::move(store).value();

  auto symbols = SymbolTable::load(*graph->store_);
  if (!symbols.ok()) return symbols.status();
  graph->symbols_ = std::move(symbols).value();
  std::vector<std::string> node_types, edge_types, properties;
  for (const NodeType& type : graph->ontology_->node_types()) {
    node_types.push_back(type.name);
    for (const PropertyDef& property : type.properties) properties.push_back(property.name);
  }
  for (const EdgeType& type : graph->ontology_->edge_types()) edge_types.push_back(type.name);
  EXPGRAPH_RETURN_IF_ERROR(
      graph->symbols_.register_names(*graph->store_, SymbolKind::kNodeType, node_types));
  EXPGRAPH_RETURN_IF_ERROR(
      graph->symbols_.register_names(*graph->store_, SymbolKind::kEdgeType, edge_types));
  EXPGRAPH_RETURN_IF_ERROR(
      graph->symbols_.register_names(*graph->store_, SymbolKind::kProperty, properties));

  EXPGRAPH_RETURN_IF_ERROR(graph->store_ontology());
  EXPGRAPH_RETURN_IF_ERROR(graph->load_counters());
  EXPGRAPH_RETURN_IF_ERROR(graph->rebuild_mirror());
  EXPGRAPH_RETURN_IF_ERROR(backfill_history(*graph));
  // Empty until a query scans a type; the first observer, so it follows every write.
  graph->columns_ = std::make_unique<PropertyColumns>(*graph->store_, graph->mirror_,
                                                      graph->symbols_, options.column_cache_bytes);
  graph->observers_.push_back(graph->columns_.get());
  return graph;
}

Status GraphStore::load_counters() {
  auto next_id = read_counter(*store_, kNextNodeIdKey, 1);
  if (!next_id.ok()) return next_id.status();
  auto next_sequence = read_counter(*store_, kNextSequenceKey, 1);
  if (!next_sequence.ok()) return next_sequence.status();
  next_node_id_ = *next_id;
  next_sequence_ = *next_sequence;
  return Status();
}

// Keeps the ontology in force in the database, with a version that grows on every change.
Status GraphStore::store_ontology() {
  std::string document = ontology_->to_json().dump();
  auto stored = store_->get(Column::kMeta, kOntologyKey);
  if (!stored.ok()) return stored.status();
  if (stored->has_value() && **stored == document) return Status();
  auto version = read_counter(*store_, kOntologyVersionKey, 0);
  if (!version.ok()) return version.status();
  std::string encoded_version;
  keys::append_u64(encoded_version, *version + 1);
  KvWriteBatch batch;
  batch.put(Column::kMeta, kOntologyKey, document);
  batch.put(Column::kMeta, kOntologyVersionKey, encoded_version);
  batch.put(Column::kMeta, "ontology/v" + std::to_string(*version + 1), document);
  return store_->write(batch);
}

// The key map gives every node's id and type without decoding records, and the `out` keys give
// every edge: the mirror and the key index are rebuilt from keys alone.
Status GraphStore::rebuild_mirror() {
  // A scan cut short by a read error must fail the open, not serve a partial mirror.
  KvIterator nodes = store_->scan(Column::kKeys, "");
  for (; nodes.valid(); nodes.next()) {
    SymbolId type = keys::read_u32(nodes.key(), 0);
    NodeId id = keys::read_u64(nodes.value(), 0);
    mirror_.add_node(id, type);
    key_index_.insert(type, keys::external_key_suffix(nodes.key()), id);
  }
  EXPGRAPH_RETURN_IF_ERROR(nodes.status());
  KvIterator edges = store_->scan(Column::kOut, "");
  for (; edges.valid(); edges.next()) {
    keys::AdjacencyKey edge = keys::decode_adjacency_key(edges.key());
    mirror_.add_edge(edge.first, edge.edge_type, edge.second);
  }
  return edges.status();
}

Result<std::optional<std::string>> GraphStore::stored_ontology(const KvStore& store) {
  return store.get(Column::kMeta, kOntologyKey);
}

uint64_t GraphStore::last_sequence() const {
  std::lock_guard lock(write_mutex_);
  return next_sequence_ - 1;
}

Result<std::optional<NodeId>> GraphStore::stored_node_id(SymbolId type,
                                                         std::string_view key) const {
  NodeKeyIndex::Lookup lookup = key_index_.find(type, key);
  if (lookup.answer == NodeKeyIndex::Answer::kFound) return std::optional<NodeId>(lookup.id);
  if (lookup.answer == NodeKeyIndex::Answer::kAbsent) return std::optional<NodeId>();
  auto id = store_->get(Column::kKeys, keys::external_key(type, key));
  if (!id.ok()) return id.status();
  if (!id->has_value()) return std::optional<NodeId>();
  return std::optional<NodeId>(keys::read_u64(**id, 0));
}

Result<NodeRecord> GraphStore::get_node(NodeId id) const {
  auto bytes = store_->get(Column::kNodes, keys::node_key(id));
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) return Status::not_found("no node with id " + std::to_string(id));
  return decode_node_record(id, **bytes);
}

Result<std::optional<NodeId>> GraphStore::find_node_id(const NodeRef& ref) const {
  auto type = symbols_.find(SymbolKind::kNodeType, ref.type);
  if (!type || ontology_->node_type(ref.type) == nullptr) return std::optional<NodeId>();
  return stored_node_id(*type, ref.key);
}

Result<NodeRecord> GraphStore::get_node(const NodeRef& ref) const {
  if (ontology_->node_type(ref.type) == nullptr) {
    return Status::not_found("unknown node type \"" + ref.type + "\"");
  }
  auto id = find_node_id(ref);
  if (!id.ok()) return id.status();
  if (!id->has_value()) return Status::not_found("node " + ref.to_string() + " does not exist");
  return get_node(**id);
}

Result<std::optional<nlohmann::json>> GraphStore::edge_properties(NodeId from, SymbolId type,
                                                                  NodeId to) const {
  auto bytes = store_->get(Column::kOut, keys::adjacency_key(from, type, to));
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) return std::optional<nlohmann::json>();
  auto decoded = decode_edge_properties(**bytes);
  if (!decoded.ok()) return decoded.status();
  return std::optional<nlohmann::json>(std::move(decoded).value());
}

Result<std::vector<EdgeRecord>> GraphStore::edges_of(const NodeRef& ref, Direction direction,
                                                     const std::optional<std::string>& edge_type,
                                                     size_t limit) const {
  auto node = get_node(ref);
  if (!node.ok()) return node.status();
  std::optional<SymbolId> type_filter;
  if (edge_type) {
    if (ontology_->edge_type(*edge_type) == nullptr) {
      return Status::invalid_argument("unknown edge type \"" + *edge_type + "\"");
    }
    // Every type of the ontology got a symbol when the store opened.
    type_filter = *symbols_.find(SymbolKind::kEdgeType, *edge_type);
  }
  std::vector<EdgeRecord> edges;
  // One edge with its properties (MessagePack, empty when none) and its other end. An end
  // deleted since the scan or the mirror saw the edge (a delete takes its edges with it) is
  // left out, as the edge would be by a read a moment later.
  auto add = [&](bool outgoing, SymbolId type, NodeId other_id,
                 std::string_view properties) -> Status {
    auto other = get_node(other_id);
    if (!other.ok() && other.status().code() == StatusCode::kNotFound) return Status();
    if (!other.ok()) return other.status();
    EdgeRecord edge;
    edge.type = symbols_.name(SymbolKind::kEdgeType, type);
    edge.from_id = outgoing ? node->id : other->id;
    edge.to_id = outgoing ? other->id : node->id;
    edge.from = outgoing ? node->ref() : other->ref();
    edge.to = outgoing ? other->ref() : node->ref();
    auto decoded = decode_edge_properties(properties);
    if (!decoded.ok()) return decoded.status();
    edge.properties = std::move(decoded).value();
    edges.push_back(std::move(edge));
    return Status();
  };
  if (direction != Direction::kIn) {
    std::string prefix = type_filter ? keys::adjacency_prefix(node->id, *type_filter)
                                     : keys::adjacency_prefix(node->id);
    KvIterator it = store_->scan(Column::kOut, prefix);
    for (; it.valid() && edges.size() < limit; it.next()) {
      keys::AdjacencyKey key = keys::decode_adjacency_key(it.key());
      EXPGRAPH_RETURN_IF_ERROR(add(true, key.edge_type, key.second, it.value()));
    }
    EXPGRAPH_RETURN_IF_ERROR(it.status());
  }
  if (direction != Direction::kOut && edges.size() < limit) {
    // In-edges come from the mirror (there is no reverse index on disk), in the order a scan of
    // `out` keys would give them: by edge type, then source. Their properties live in `out`.
    std::vector<TopologyMirror::Neighbor> sources =
        mirror_.neighbors(node->id, Direction::kIn, type_filter);
    // Only the first `limit` need ordering: a hub's in-edges may number millions.
    auto sorted_end = sources.begin() +
                      static_cast<std::ptrdiff_t>(std::min(sources.size(), limit - edges.size()));
    std::partial_sort(sources.begin(), sorted_end, sources.end(), [](const auto& a, const auto& b) {
      return std::pair(a.edge_type, a.node) < std::pair(b.edge_type, b.node);
    });
    for (auto source_it = sources.begin(); source_it != sorted_end; ++source_it) {
      const TopologyMirror::Neighbor& source = *source_it;
      auto stored =
          store_->get(Column::kOut, keys::adjacency_key(source.node, source.edge_type, node->id));
      if (!stored.ok()) return stored.status();
      // Deleted after the mirror was read (a concurrent write): left out, the page one short.
      if (!stored->has_value()) continue;
      EXPGRAPH_RETURN_IF_ERROR(add(false, source.edge_type, source.node, **stored));
    }
  }
  return edges;
}

Result<NodePage> GraphStore::list_nodes(std::string_view type_name,
                                        const std::vector<PropertyFilter>& filters, size_t limit,
                                        std::string_view cursor) const {
  // With a limit of 0 the first match would end the scan with an empty cursor, which reads as
  // "last page" while nodes remain.
  if (limit == 0) return Status::invalid_argument("limit must be at least 1");
  const NodeType* type = ontology_->node_type(type_name);
  if (type == nullptr)
    return Status::not_found("unknown node type \"" + std::string(type_name) + "\"");
  SymbolId type_id = *symbols_.find(SymbolKind::kNodeType, type->name);

  // Resolve filters; the first one on an indexed property becomes the scan anchor.
  std::vector<std::pair<std::string, nlohmann::json>> conditions;
  std::optional<size_t> anchor;
  for (const PropertyFilter& filter : filters) {
    const PropertyDef* def = type->property(filter.property);
    if (def == nullptr) {
      return Status::invalid_argument("type " + type->name + " has no property \"" +
                                      filter.property + "\"");
    }
    auto value = filter_value(*def, filter.value);
    if (!value.ok()) return value.status();
    if (def->indexed && !anchor) anchor = conditions.size();
    conditions.emplace_back(def->name, std::move(value).value());
  }
  auto decoded_cursor = decode_cursor(cursor);
  if (!decoded_cursor.ok()) return decoded_cursor.status();

  // A filter on unindexed properties may match few nodes of a large type: each page examines
  // at most this many nodes and then returns what it has with a cursor to go on from.
  constexpr size_t kScanBudget = 100000;
  NodePage page;
  std::string last_position;
  bool more = false;
  size_t examined = 0;
  auto consider = [&](NodeId id, std::string_view position) -> Status {
    if (examined == kScanBudget) {
      more = true;
      return Status();
    }
    ++examined;
    auto record = get_node(id);
    if (!record.ok() && record.status().code() == StatusCode::kNotFound) {
      // Deleted since the scan saw its key: not in the listing, as a moment later.
      last_position = std::string(position);
      return Status();
    }
    if (!record.ok()) return record.status();
    for (const auto& [name, wanted] : conditions) {
      if (!property_matches(record->properties, name, wanted)) {
        last_position = std::string(position);
        return Status();
      }
    }
    if (page.nodes.size() == limit) {
      more = true;
      return Status();
    }
    page.nodes.push_back(std::move(record).value());
    last_position = std::string(position);
    return Status();
  };

  std::string prefix;
  if (anchor) {
    SymbolId property_id = *symbols_.find(SymbolKind::kProperty, conditions[*anchor].first);
    prefix = keys::index_prefix(type_id, property_id,
                                *keys::encode_index_value(conditions[*anchor].second));
  } else {
    prefix = keys::external_key_prefix(type_id);
  }
  Column column = anchor ? Column::kIndex : Column::kKeys;
  KvIterator it = store_->scan(column, prefix);
  if (!decoded_cursor->empty()) {
    // The cursor is the last key returned: resume just after it.
    std::string start = prefix + *decoded_cursor;
    start.push_back('\0');
    it.seek(start);
  }
  for (; it.valid() && !more; it.next()) {
    NodeId id = anchor ? keys::index_key_node(it.key()) : keys::read_u64(it.value(), 0);
    EXPGRAPH_RETURN_IF_ERROR(consider(id, it.key().substr(prefix.size())));
  }
  EXPGRAPH_RETURN_IF_ERROR(it.status());
  if (more) page.next_cursor = encode_cursor(last_position);
  return page;
}

Result<WriteSummary> GraphStore::write(const WriteRequest& request) {
  return write(request, nullptr);
}

Result<WriteSummary> GraphStore::write(WriteRequest&& request) { return write(request, &request); }

Result<WriteSummary> GraphStore::write(const WriteRequest& request, WriteRequest* movable) {
  size_t items = request.nodes.size() + request.edges.size() + request.node_deletes.size() +
                 request.edge_deletes.size();
  if (items > options_.max_request_items) {
    return Status::too_large("a write may hold at most " +
                             std::to_string(options_.max_request_items) + " items, this one has " +
                             std::to_string(items));
  }
  std::lock_guard lock(write_mutex_);
  WritePlan plan(*this, request, movable);
  plan.remember_counters();
  Status planned = plan.plan();
  if (!planned.ok()) {
    plan.restore_counters();
    return planned;
  }
  return plan.commit();
}

}  // namespace expgraph
