#include "tools/cli/export_formats.h"

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "tools/cli/commands.h"

namespace expgraph::cli {

namespace {

using nlohmann::json;

// The tables GET /v1/export/csv lists, those named in `types` only (all when empty);
// nullopt after printing the error.
std::optional<json> listed_tables(CliClient& client, const std::set<std::string>& types) {
  Reply reply = client.get("/v1/export/csv");
  if (!reply.ok()) {
    CliClient::report_failure(reply);
    return std::nullopt;
  }
  json listing = json::parse(reply.body, nullptr, false);
  if (!listing.is_object() || !listing["tables"].is_array()) {
    std::fprintf(stderr, "expgraph export: the server sent an unreadable table list\n");
    return std::nullopt;
  }
  json tables = json::array();
  std::set<std::string> unknown = types;
  for (const json& table : listing["tables"]) {
    const std::string type = table.value("type", "");
    unknown.erase(type);
    if (types.empty() || types.contains(type)) tables.push_back(table);
  }
  if (!unknown.empty()) {
    std::fprintf(stderr, "expgraph export: no node or edge type \"%s\" in the ontology\n",
                 unknown.begin()->c_str());
    return std::nullopt;
  }
  return tables;
}

// A new folder in the current directory, named after the time (UTC) with a counter when taken.
std::filesystem::path new_export_folder() {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &utc);
  std::filesystem::path base = std::string("expgraph-export-") + stamp;
  std::filesystem::path folder = base;
  for (int n = 2; std::filesystem::exists(folder); ++n) {
    folder = base.string() + "-" + std::to_string(n);
  }
  return folder;
}

// Counts the CSV records in a stream, as it arrives: line breaks outside quoted cells.
class RecordCounter {
 public:
  void add(const char* data, size_t size) {
    for (size_t i = 0; i < size; ++i) {
      if (data[i] == '"') quoted_ = !quoted_;  // a doubled quote toggles twice
      if (data[i] == '\n' && !quoted_) ++records_;
    }
  }
  size_t records() const { return records_; }

 private:
  bool quoted_ = false;
  size_t records_ = 0;
};

// Text for XML character data and attributes; characters XML 1.0 cannot hold are dropped.
std::string xml_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        if (static_cast<unsigned char>(c) >= 0x20 || c == '\t' || c == '\n' || c == '\r') {
          out += c;
        }
    }
  }
  return out;
}

// GraphML's attr.type for an ontology property type: numbers and booleans keep their type,
// everything else (dates, enums, lists and JSON as their JSON text) is a string.
std::string graphml_type(const std::string& property_type) {
  if (property_type == "int") return "long";
  if (property_type == "float") return "double";
  if (property_type == "bool") return "boolean";
  return "string";
}

std::string graphml_value(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// The GraphML keys of node or edge properties: name -> attr.type (string when two types of the
// same name disagree).
std::map<std::string, std::string> property_keys(const json& tables, const std::string& kind) {
  std::map<std::string, std::string> keys;
  for (const json& table : tables) {
    if (table.value("kind", "") != kind) continue;
    const size_t identity = kind == "node" ? 1 : 4;  // key / from_type, from_key, to_type, to_key
    const json& columns = table["columns"];
    for (size_t i = identity; i < columns.size(); ++i) {
      const std::string name = columns[i].value("name", "");
      const std::string type = graphml_type(columns[i].value("type", ""));
      auto [it, inserted] = keys.emplace(name, type);
      if (!inserted && it->second != type) it->second = "string";
    }
  }
  return keys;
}

}  // namespace

std::ostream* open_output(const std::string& path, std::ofstream& file) {
  if (path.empty()) return &std::cout;
  file.open(path, std::ios::binary);
  if (!file) {
    std::fprintf(stderr, "expgraph export: cannot write %s\n", path.c_str());
    return nullptr;
  }
  return &file;
}

int stream_export_lines(CliClient& client, const std::string& path,
                        const std::function<bool(const std::string&)>& line_handler) {
  std::string pending;
  bool ok = true;
  Reply reply = client.get_streamed(path, [&](const char* data, size_t size) {
    pending.append(data, size);
    size_t begin = 0;
    for (size_t end; (end = pending.find('\n', begin)) != std::string::npos; begin = end + 1) {
      if (!line_handler(pending.substr(begin, end - begin))) {
        ok = false;
        return false;
      }
    }
    pending.erase(0, begin);
    return true;
  });
  if (!reply.ok()) return CliClient::report_failure(reply);
  if (!ok || !pending.empty()) {
    std::fprintf(stderr, "expgraph export: the export ended early or was malformed\n");
    return kExitServerError;
  }
  return kExitOk;
}

int export_csv_folder(CliClient& client, const ExportRequest& request) {
  auto tables = listed_tables(client, request.types);
  if (!tables) return kExitServerError;
  const std::filesystem::path folder =
      request.output.empty() ? new_export_folder() : std::filesystem::path(request.output);
  std::error_code error;
  std::filesystem::create_directories(folder / "nodes", error);
  if (!error) std::filesystem::create_directories(folder / "edges", error);
  if (error) {
    std::fprintf(stderr, "expgraph export: cannot create %s: %s\n", folder.c_str(),
                 error.message().c_str());
    return kExitUsage;
  }
  std::string since;
  if (!request.since.empty()) {
    since = "?since=";
    since += url_encode(request.since);
  }
  size_t total_rows = 0;
  std::vector<std::pair<std::string, size_t>> written;  // file, rows
  for (const json& table : *tables) {
    const std::string file = table.value("file", "");
    std::ofstream out(folder / file, std::ios::binary);
    if (!out) {
      std::fprintf(stderr, "expgraph export: cannot write %s\n", (folder / file).c_str());
      return kExitUsage;
    }
    RecordCounter counter;
    Reply reply =
        client.get_streamed(table.value("url", "") + since, [&](const char* data, size_t size) {
          counter.add(data, size);
          out.write(data, static_cast<std::streamsize>(size));
          return static_cast<bool>(out);
        });
    if (!reply.ok()) return CliClient::report_failure(reply);
    if (!out) {
      std::fprintf(stderr, "expgraph export: cannot write %s\n", (folder / file).c_str());
      return kExitUsage;
    }
    const size_t rows = counter.records() > 0 ? counter.records() - 1 : 0;  // minus the header
    total_rows += rows;
    written.emplace_back(file, rows);
  }
  std::printf("wrote %zu CSV files (%zu rows) to %s/\n", written.size(), total_rows,
              folder.c_str());
  for (const auto& [file, rows] : written) {
    if (rows > 0) std::printf("  %-40s %zu %s\n", file.c_str(), rows, rows == 1 ? "row" : "rows");
  }
  std::printf(
      "each file has a header row; pandas.read_csv(\"%s/nodes/Experiment.csv\") or DuckDB "
      "read_csv loads it\n",
      folder.c_str());
  return kExitOk;
}

int export_graphml(CliClient& client, const ExportRequest& request, const std::string& jsonl_path) {
  auto tables = listed_tables(client, {});
  if (!tables) return kExitServerError;
  json node_tables = json::array();
  for (const json& table : *tables) {
    if (request.types.empty() || request.types.contains(table.value("type", ""))) {
      node_tables.push_back(table);
    }
  }
  const std::map<std::string, std::string> node_keys = property_keys(node_tables, "node");
  const std::map<std::string, std::string> edge_keys = property_keys(*tables, "edge");

  std::ofstream file;
  std::ostream* opened = open_output(request.output, file);
  if (opened == nullptr) return kExitUsage;
  std::ostream& out = *opened;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" "
         "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
         "xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns "
         "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n"
         "  <key id=\"type\" for=\"node\" attr.name=\"type\" attr.type=\"string\"/>\n"
         "  <key id=\"key\" for=\"node\" attr.name=\"key\" attr.type=\"string\"/>\n";
  for (const auto& [name, type] : node_keys) {
    out << "  <key id=\"n." << xml_escape(name) << "\" for=\"node\" attr.name=\""
        << xml_escape(name) << "\" attr.type=\"" << type << "\"/>\n";
  }
  out << "  <key id=\"edge_type\" for=\"edge\" attr.name=\"type\" attr.type=\"string\"/>\n";
  for (const auto& [name, type] : edge_keys) {
    out << "  <key id=\"e." << xml_escape(name) << "\" for=\"edge\" attr.name=\""
        << xml_escape(name) << "\" attr.type=\"" << type << "\"/>\n";
  }
  out << "  <graph id=\"G\" edgedefault=\"directed\">\n";

  // An edge is written when both its ends were (an export `since` a time may name an endpoint
  // that did not change, which a GraphML reader could not resolve).
  std::unordered_set<std::string> nodes_written;
  size_t edges_left_out = 0;
  const auto write_data = [&](const json& properties, const char* prefix,
                              const std::map<std::string, std::string>& keys) {
    for (const auto& [name, value] : properties.items()) {
      if (value.is_null() || !keys.contains(name)) continue;
      out << "      <data key=\"" << prefix << xml_escape(name) << "\">"
          << xml_escape(graphml_value(value)) << "</data>\n";
    }
  };
  int status = stream_export_lines(client, jsonl_path, [&](const std::string& line) {
    json item = json::parse(line, nullptr, false);
    if (item.contains("node")) {
      const json& node = item["node"];
      const std::string type = node.value("type", ""), key = node.value("key", "");
      const std::string id = type + "/" + key;
      nodes_written.insert(id);
      out << "    <node id=\"" << xml_escape(id) << "\">\n"
          << "      <data key=\"type\">" << xml_escape(type) << "</data>\n"
          << "      <data key=\"key\">" << xml_escape(key) << "</data>\n";
      write_data(node["properties"], "n.", node_keys);
      out << "    </node>\n";
      return static_cast<bool>(out);
    }
    if (item.contains("edge")) {
      const json& edge = item["edge"];
      const std::string from = edge.value("from", ""), to = edge.value("to", "");
      if (!nodes_written.contains(from) || !nodes_written.contains(to)) {
        ++edges_left_out;
        return true;
      }
      out << "    <edge source=\"" << xml_escape(from) << "\" target=\"" << xml_escape(to)
          << "\">\n"
          << "      <data key=\"edge_type\">" << xml_escape(edge.value("type", "")) << "</data>\n";
      write_data(edge["properties"], "e.", edge_keys);
      out << "    </edge>\n";
      return static_cast<bool>(out);
    }
    return false;
  });
  if (status != kExitOk) return status;
  out << "  </graph>\n</graphml>\n";
  out.flush();
  if (edges_left_out > 0) {
    std::fprintf(stderr, "expgraph export: %zu edges left out: an end of each was not exported\n",
                 edges_left_out);
  }
  return out ? kExitOk : kExitUsage;
}

}  // namespace expgraph::cli
