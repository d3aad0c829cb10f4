// expgraph export: pulls GET /v1/export (JSON Lines) and writes it as JSON Lines, GraphML
// (Boost.Graph's writer) or CSV (nodes.csv and edges.csv in a directory).
// GCC 12 reports a false -Wmaybe-uninitialized inside Boost's edge iterator (an optional it
// never reads unset) when write_graphml is instantiated here.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/graphml.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include "tools/cli/commands.h"

namespace expgraph::cli {

namespace {

constexpr const char* kExportUsage =
    "usage: expgraph export [--format jsonl|graphml|csv] [--types A,B] [--since DATE]\n"
    "                       [--output PATH]\n"
    "  jsonl    (default) the import format, to PATH or stdout: export then import reproduces\n"
    "           the graph\n"
    "  graphml  one GraphML document (node attributes type, key, properties as JSON)\n"
    "  csv      PATH is a directory that gets nodes.csv and edges.csv\n";

struct GraphmlVertex {
  std::string id, type, key, properties;
};
struct GraphmlEdge {
  std::string type, properties;
};
using GraphmlGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS,
                                           GraphmlVertex, GraphmlEdge>;

std::string csv_field(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// Calls `line_handler` for each line of the export as it streams in.
int stream_export(CliClient& client, const std::string& path,
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

}  // namespace

int run_export(CliClient& client, const Arguments& args) {
  std::string format = "jsonl", output, query;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kExportUsage, stdout);
      return kExitOk;
    }
    if (i + 1 >= args.size()) {
      std::fprintf(stderr, "expgraph export: unexpected argument \"%s\"\n%s", arg.c_str(),
                   kExportUsage);
      return kExitUsage;
    }
    const std::string& value = args[++i];
    if (arg == "--format") {
      format = value;
    } else if (arg == "--output") {
      output = value;
    } else if (arg == "--types" || arg == "--since") {
      query += (query.empty() ? "?" : "&") + arg.substr(2) + "=" + url_encode(value);
    } else {
      std::fprintf(stderr, "expgraph export: unknown option \"%s\"\n%s", arg.c_str(), kExportUsage);
      return kExitUsage;
    }
  }
  if (format != "jsonl" && format != "graphml" && format != "csv") {
    std::fprintf(stderr, "expgraph export: unknown format \"%s\"\n%s", format.c_str(),
                 kExportUsage);
    return kExitUsage;
  }
  if (format == "csv" && output.empty()) {
    std::fprintf(stderr, "expgraph export: --format csv needs --output DIR\n");
    return kExitUsage;
  }
  std::string path = "/v1/export" + query;

  if (format == "jsonl") {
    std::ofstream file;
    if (!output.empty()) file.open(output, std::ios::binary);
    std::ostream& out = output.empty() ? std::cout : file;
    if (!out) {
      std::fprintf(stderr, "expgraph export: cannot write %s\n", output.c_str());
      return kExitUsage;
    }
    return stream_export(client, path, [&](const std::string& line) {
      out << line << '\n';
      return static_cast<bool>(out);
    });
  }

  if (format == "csv") {
    std::filesystem::create_directories(output);
    std::ofstream nodes(output + "/nodes.csv"), edges(output + "/edges.csv");
    nodes << "type,key,properties\n";
    edges << "type,from,to,properties\n";
    return stream_export(client, path, [&](const std::string& line) {
      nlohmann::json item = nlohmann::json::parse(line, nullptr, false);
      if (item.contains("node")) {
        const auto& node = item["node"];
        nodes << csv_field(node["type"]) << ',' << csv_field(node["key"]) << ','
              << csv_field(node["properties"].dump()) << '\n';
      } else if (item.contains("edge")) {
        const auto& edge = item["edge"];
        edges << csv_field(edge["type"]) << ',' << csv_field(edge["from"]) << ','
              << csv_field(edge["to"]) << ',' << csv_field(edge["properties"].dump()) << '\n';
      } else {
        return false;
      }
      return static_cast<bool>(nodes) && static_cast<bool>(edges);
    });
  }

  // GraphML needs the whole graph before writing: built in memory on the client.
  GraphmlGraph graph;
  std::map<std::string, GraphmlGraph::vertex_descriptor> vertices;
  int status = stream_export(client, path, [&](const std::string& line) {
    nlohmann::json item = nlohmann::json::parse(line, nullptr, false);
    if (item.contains("node")) {
      const auto& node = item["node"];
      std::string id = node["type"].get<std::string>() + "/" + node["key"].get<std::string>();
      vertices[id] = boost::add_vertex(
          GraphmlVertex{id, node["type"], node["key"], node["properties"].dump()}, graph);
      return true;
    }
    if (item.contains("edge")) {
      const auto& edge = item["edge"];
      auto from = vertices.find(edge["from"].get<std::string>());
      auto to = vertices.find(edge["to"].get<std::string>());
      if (from == vertices.end() || to == vertices.end()) return false;
      boost::add_edge(from->second, to->second, GraphmlEdge{edge["type"], edge["properties"].dump()},
                      graph);
      return true;
    }
    return false;
  });
  if (status != kExitOk) return status;
  boost::dynamic_properties properties;
  properties.property("type", boost::get(&GraphmlVertex::type, graph));
  properties.property("key", boost::get(&GraphmlVertex::key, graph));
  properties.property("properties", boost::get(&GraphmlVertex::properties, graph));
  properties.property("edge_type", boost::get(&GraphmlEdge::type, graph));
  properties.property("edge_properties", boost::get(&GraphmlEdge::properties, graph));
  std::ofstream file;
  if (!output.empty()) file.open(output);
  std::ostream& out = output.empty() ? std::cout : file;
  boost::write_graphml(out, graph, boost::get(&GraphmlVertex::id, graph), properties, true);
  return out ? kExitOk : kExitUsage;
}

}  // namespace expgraph::cli
