// The export as tables: one table per node type and per edge type, one column per property the
// ontology declares, so that a data scientist loads a type with pandas.read_csv or DuckDB and
// gets typed columns (not one JSON string per row). Used by GraphExporter's CSV format, by the
// export routes' table listing and by the CLI's GraphML keys. Pure functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ontology/ontology.h"

namespace expgraph {

struct TableColumn {
  std::string name;
  std::string type;  // the ontology's property type name ("int", "date", "string[]", ...)
};

// A node table is `key` then the type's properties; an edge table is `from_type`, `from_key`,
// `to_type`, `to_key` then the edge type's properties (an edge type may join several node
// types, e.g. OWNED_BY, so the endpoint types are columns too).
struct ExportTable {
  std::string type;  // the node or edge type
  bool is_edge = false;
  std::vector<TableColumn> columns;
  size_t identity_columns = 1;  // the leading columns that are not properties

  // "nodes/Experiment.csv", "edges/TESTS.csv" (a node type and an edge type may share a name).
  std::string file_name() const;
};

// The table of the node type (or, with `is_edge`, the edge type) `type`; nullopt when unknown.
std::optional<ExportTable> export_table(const Ontology& ontology, std::string_view type,
                                        bool is_edge);
// Every table: node types, then edge types, in ontology order.
std::vector<ExportTable> export_tables(const Ontology& ontology);
// {"type", "kind": "node"|"edge", "file", "columns": [{"name", "type"}]}.
nlohmann::json export_table_json(const ExportTable& table);

// RFC 4180 CSV, as pandas and DuckDB read it by default: a cell is quoted when it holds a comma,
// a quote, a line break or leading/trailing spaces, quotes doubled; rows end with "\n".
void append_csv_text(std::string& out, std::string_view text);
// A property value as one cell: absent or null is empty; strings as they are; numbers in JSON
// form (shortest round-trip); booleans true/false; lists and JSON values as compact JSON text.
void append_csv_value(std::string& out, const nlohmann::json* value);
// The header row of `table`, with its "\n".
void append_csv_header(std::string& out, const ExportTable& table);
// One row: `identity` fills the leading columns, `properties` the rest (undeclared ones are
// left out: they can only be left by an older ontology).
void append_csv_row(std::string& out, const ExportTable& table,
                    const std::vector<std::string_view>& identity,
                    const nlohmann::json& properties);

}  // namespace expgraph
