// The export command's file formats beyond JSON Lines: a folder of CSV tables (one per node and
// edge type, from GET /v1/export/csv) and a GraphML document whose keys are the ontology's
// properties. Used by run_export (export_command.cc). Not thread-safe.
#pragma once

#include <fstream>
#include <functional>
#include <set>
#include <string>

#include "tools/cli/cli_client.h"

namespace expgraph::cli {

struct ExportRequest {
  std::set<std::string> types;  // node or edge types; empty: all
  std::string since;            // date or datetime; empty: everything
  std::string output;           // a path; empty: the format's default
};

// `path` opened for writing into `file`, or stdout when `path` is empty; null (after printing
// the error) when the file cannot be opened.
std::ostream* open_output(const std::string& path, std::ofstream& file);

// Calls `line_handler` for each line of GET `path` (JSON Lines) as it streams in; an exit code.
int stream_export_lines(CliClient& client, const std::string& path,
                        const std::function<bool(const std::string&)>& line_handler);

// Writes one CSV file per table into `request.output` (created), or, without it, into a new
// folder expgraph-export-YYYYMMDD-HHMMSS in the current directory; says where on stdout.
int export_csv_folder(CliClient& client, const ExportRequest& request);

// Writes GraphML to `request.output` or stdout: a <key> per property of the ontology with its
// GraphML type, then the nodes and edges of GET `jsonl_path` as they stream in.
int export_graphml(CliClient& client, const ExportRequest& request, const std::string& jsonl_path);

}  // namespace expgraph::cli
