// Writes a graph as the CSV files and the schema that tools/bench/kuzu/kuzu_compare.js loads
// into Kuzu, so that Kuzu holds exactly the nodes, scalar properties and edges that
// bench_kuzu_compare wrote into expgraph. Header-only because each tools/bench/*.cc is its own
// executable. Not thread-safe.
//
// Layout of `directory`: one CSV per node type (key first, then its scalar properties, with a
// header line), one CSV per (edge type, source type, target type) triple, and schema.json:
//   {"nodes": [{"table", "csv", "columns": [{"name", "type"}]}],
//    "rels": [{"table", "pairs": [{"from", "to", "csv"}]}]}
// Column types are Kuzu's (STRING, INT64, DOUBLE, BOOLEAN). Only scalar ontology properties
// are exported (lists, json and long text are not read by the benchmark's queries); dates and
// datetimes stay ISO-8601 strings on both sides of the comparison's answers.
#pragma once

#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <tuple>
#include <vector>

#include "ontology/ontology.h"

namespace expgraph::bench {

class KuzuExport {
 public:
  KuzuExport(std::string directory, const Ontology& ontology)
      : directory_(std::move(directory)), ontology_(ontology) {}

  // One node with its properties (a JSON object); properties outside the exported columns
  // are left out.
  bool node(const std::string& type, const std::string& key, const nlohmann::json& properties) {
    NodeTable* table = node_table(type);
    if (table == nullptr) return false;
    std::string line = csv_field(key);
    for (const auto& [name, kuzu_type] : table->columns) {
      line += ',';
      auto it = properties.find(name);
      if (it == properties.end() || it->is_null()) continue;  // empty field: Kuzu reads NULL
      if (it->is_string()) {
        line += csv_field(it->get<std::string>());
      } else if (it->is_boolean()) {
        line += it->get<bool>() ? "true" : "false";
      } else if (it->is_number_integer()) {
        line += std::to_string(it->get<int64_t>());
      } else if (it->is_number()) {
        char buffer[40];
        std::snprintf(buffer, sizeof buffer, "%.17g", it->get<double>());
        line += buffer;
      }
    }
    line += '\n';
    table->out << line;
    return true;
  }

  void edge(const std::string& type, const std::string& from_type, const std::string& from_key,
            const std::string& to_type, const std::string& to_key) {
    auto key = std::make_tuple(type, from_type, to_type);
    auto it = rels_.find(key);
    if (it == rels_.end()) {
      std::string file = "rel_" + type + "_" + from_type + "_" + to_type + ".csv";
      auto out = std::make_unique<std::ofstream>(directory_ + "/" + file);
      it = rels_.emplace(key, RelFile{file, std::move(out)}).first;
    }
    *it->second.out << csv_field(from_key) << ',' << csv_field(to_key) << '\n';
  }

  // Closes the files and writes schema.json; false when a file could not be written.
  bool finish() {
    nlohmann::json schema = {{"nodes", nlohmann::json::array()},
                             {"rels", nlohmann::json::array()}};
    bool ok = true;
    for (auto& [type, table] : nodes_) {
      table.out.close();
      ok = ok && !table.out.fail();
      nlohmann::json columns = nlohmann::json::array();
      for (const auto& [name, kuzu_type] : table.columns) {
        columns.push_back({{"name", name}, {"type", kuzu_type}});
      }
      schema["nodes"].push_back({{"table", type}, {"csv", table.file}, {"columns", columns}});
    }
    std::map<std::string, nlohmann::json> rel_tables;
    for (auto& [key, file] : rels_) {
      file.out->close();
      ok = ok && !file.out->fail();
      auto& [type, from_type, to_type] = key;
      rel_tables[type].push_back({{"from", from_type}, {"to", to_type}, {"csv", file.file}});
    }
    for (auto& [type, pairs] : rel_tables) {
      schema["rels"].push_back({{"table", type}, {"pairs", pairs}});
    }
    std::ofstream out(directory_ + "/schema.json");
    out << schema.dump(2) << '\n';
    return ok && !out.fail();
  }

 private:
  struct NodeTable {
    std::string file;
    std::vector<std::pair<std::string, std::string>> columns;  // name, Kuzu type
    std::ofstream out;
  };
  struct RelFile {
    std::string file;
    std::unique_ptr<std::ofstream> out;
  };

  static const char* kuzu_type(PropertyType type) {
    switch (type) {
      case PropertyType::kString:
      case PropertyType::kEnum:
      case PropertyType::kDate:
      case PropertyType::kDateTime:
        return "STRING";
      case PropertyType::kInt:
        return "INT64";
      case PropertyType::kFloat:
        return "DOUBLE";
      case PropertyType::kBool:
        return "BOOLEAN";
      default:
        return nullptr;  // text, lists, json: not exported
    }
  }

  // RFC 4180 quoting; line breaks become spaces so that Kuzu's parallel CSV reader, which
  // splits the file at line breaks, reads one record per line.
  static std::string csv_field(const std::string& text) {
    std::string out = "\"";
    for (char c : text) {
      if (c == '"') {
        out += "\"\"";
      } else if (c == '\n' || c == '\r') {
        out += ' ';
      } else {
        out += c;
      }
    }
    out += '"';
    return out;
  }

  NodeTable* node_table(const std::string& type) {
    auto it = nodes_.find(type);
    if (it != nodes_.end()) return &it->second;
    const NodeType* def = ontology_.node_type(type);
    if (def == nullptr) return nullptr;
    NodeTable& table = nodes_[type];
    table.file = "node_" + type + ".csv";
    std::string header = "key";
    for (const PropertyDef& property : def->properties) {
      const char* kuzu = kuzu_type(property.type);
      if (kuzu == nullptr || property.name == "key") continue;
      table.columns.emplace_back(property.name, kuzu);
      header += "," + property.name;
    }
    table.out.open(directory_ + "/" + table.file);
    table.out << header << '\n';
    return &table;
  }

  std::string directory_;
  const Ontology& ontology_;
  std::map<std::string, NodeTable> nodes_;
  std::map<std::tuple<std::string, std::string, std::string>, RelFile> rels_;
};

}  // namespace expgraph::bench
