#include "graph/export_table.h"

namespace expgraph {

namespace {

ExportTable table_of(const std::string& type, bool is_edge,
                     const std::vector<PropertyDef>& properties) {
  ExportTable table;
  table.type = type;
  table.is_edge = is_edge;
  if (is_edge) {
    for (const char* name : {"from_type", "from_key", "to_type", "to_key"}) {
      table.columns.push_back({name, "string"});
    }
  } else {
    table.columns.push_back({"key", "string"});
  }
  table.identity_columns = table.columns.size();
  for (const PropertyDef& property : properties) {
    table.columns.push_back({property.name, std::string(property_type_name(property.type))});
  }
  return table;
}

}  // namespace

std::string ExportTable::file_name() const {
  return (is_edge ? "edges/" : "nodes/") + type + ".csv";
}

std::optional<ExportTable> export_table(const Ontology& ontology, std::string_view type,
                                        bool is_edge) {
  if (is_edge) {
    const EdgeType* edge = ontology.edge_type(type);
    if (edge == nullptr) return std::nullopt;
    return table_of(edge->name, true, edge->properties);
  }
  const NodeType* node = ontology.node_type(type);
  if (node == nullptr) return std::nullopt;
  return table_of(node->name, false, node->properties);
}

std::vector<ExportTable> export_tables(const Ontology& ontology) {
  std::vector<ExportTable> tables;
  for (const NodeType& type : ontology.node_types()) {
    tables.push_back(table_of(type.name, false, type.properties));
  }
  for (const EdgeType& type : ontology.edge_types()) {
    tables.push_back(table_of(type.name, true, type.properties));
  }
  return tables;
}

nlohmann::json export_table_json(const ExportTable& table) {
  nlohmann::json columns = nlohmann::json::array();
  for (const TableColumn& column : table.columns) {
    columns.push_back({{"name", column.name}, {"type", column.type}});
  }
  return {{"type", table.type},
          {"kind", table.is_edge ? "edge" : "node"},
          {"file", table.file_name()},
          {"columns", std::move(columns)}};
}

void append_csv_text(std::string& out, std::string_view text) {
  bool quote = !text.empty() && (text.front() == ' ' || text.back() == ' ');
  for (char c : text) {
    if (c == ',' || c == '"' || c == '\n' || c == '\r') {
      quote = true;
      break;
    }
  }
  if (!quote) {
    out += text;
    return;
  }
  out += '"';
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

void append_csv_value(std::string& out, const nlohmann::json* value) {
  if (value == nullptr || value->is_null()) return;
  if (value->is_string()) {
    append_csv_text(out, value->get_ref<const std::string&>());
  } else if (value->is_boolean()) {
    out += value->get<bool>() ? "true" : "false";
  } else if (value->is_number()) {
    out += value->dump();
  } else {
    // Stored strings are valid UTF-8 (checked on write); replace guards an older record.
    append_csv_text(out, value->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
}

void append_csv_header(std::string& out, const ExportTable& table) {
  for (size_t i = 0; i < table.columns.size(); ++i) {
    if (i > 0) out += ',';
    append_csv_text(out, table.columns[i].name);
  }
  out += '\n';
}

void append_csv_row(std::string& out, const ExportTable& table,
                    const std::vector<std::string_view>& identity,
                    const nlohmann::json& properties) {
  for (size_t i = 0; i < table.columns.size(); ++i) {
    if (i > 0) out += ',';
    if (i < table.identity_columns) {
      if (i < identity.size()) append_csv_text(out, identity[i]);
      continue;
    }
    auto value = properties.find(table.columns[i].name);
    append_csv_value(out, value == properties.end() ? nullptr : &*value);
  }
  out += '\n';
}

}  // namespace expgraph
