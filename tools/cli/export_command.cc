// expgraph export: pulls the graph from the server and writes it as JSON Lines (the import
// format, GET /v1/export), a folder of CSV tables (GET /v1/export/csv) or GraphML
// (export_formats.h).
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "tools/cli/commands.h"
#include "tools/cli/export_formats.h"

namespace expgraph::cli {

namespace {

constexpr const char* kExportUsage =
    "usage: expgraph export [--format jsonl|csv|graphml] [--types A,B] [--since DATE]\n"
    "                       [--output PATH]\n"
    "  jsonl    (default) the import format, to PATH or stdout: export then import reproduces\n"
    "           the graph\n"
    "  csv      a folder with one CSV file per node type (nodes/Experiment.csv: key and one\n"
    "           column per property) and per edge type (edges/TESTS.csv: from_type, from_key,\n"
    "           to_type, to_key and the edge's properties), each with a header row, for\n"
    "           pandas.read_csv or DuckDB; PATH is the folder (default: a new folder\n"
    "           expgraph-export-YYYYMMDD-HHMMSS in the current directory)\n"
    "  graphml  one GraphML document to PATH or stdout, a <key> per property with its type\n"
    "  --types  node types to export (csv: node or edge types, one file each)\n"
    "  --since  only what changed at or after this date or RFC 3339 datetime\n";

std::set<std::string> split_types(const std::string& list) {
  std::set<std::string> types;
  std::stringstream stream(list);
  for (std::string type; std::getline(stream, type, ',');) {
    if (!type.empty()) types.insert(type);
  }
  return types;
}

}  // namespace

int run_export(CliClient& client, const Arguments& args) {
  std::string format = "jsonl", types;
  ExportRequest request;
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
      request.output = value;
    } else if (arg == "--types") {
      types = value;
      request.types = split_types(value);
    } else if (arg == "--since") {
      request.since = value;
    } else {
      std::fprintf(stderr, "expgraph export: unknown option \"%s\"\n%s", arg.c_str(), kExportUsage);
      return kExitUsage;
    }
  }
  if (format == "csv") return export_csv_folder(client, request);
  if (format != "jsonl" && format != "graphml") {
    std::fprintf(stderr, "expgraph export: unknown format \"%s\"\n%s", format.c_str(),
                 kExportUsage);
    return kExitUsage;
  }
  std::string query;
  if (!types.empty()) {
    query += "?types=";
    query += url_encode(types);
  }
  if (!request.since.empty()) {
    query += query.empty() ? "?since=" : "&since=";
    query += url_encode(request.since);
  }
  const std::string path = "/v1/export" + query;
  if (format == "graphml") return export_graphml(client, request, path);

  std::ofstream file;
  std::ostream* opened = open_output(request.output, file);
  if (opened == nullptr) return kExitUsage;
  std::ostream& out = *opened;
  return stream_export_lines(client, path, [&](const std::string& line) {
    out << line << '\n';
    return static_cast<bool>(out);
  });
}

}  // namespace expgraph::cli
