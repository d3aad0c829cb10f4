// expgraph get / query / stats: read commands that print what the server answers.
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "tools/cli/commands.h"

namespace expgraph::cli {

namespace {

bool wants_help(const Arguments& args) {
  return std::find_if(args.begin(), args.end(), [](const std::string& arg) {
           return arg == "--help" || arg == "-h";
         }) != args.end();
}

// A cell as the table shows it: strings bare, everything else as compact JSON.
std::string cell_text(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "null";
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void print_table(const nlohmann::json& result) {
  std::vector<std::string> columns;
  for (const auto& column : result.value("columns", nlohmann::json::array())) {
    columns.push_back(cell_text(column));
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& row : result.value("rows", nlohmann::json::array())) {
    std::vector<std::string> cells;
    for (const auto& value : row) cells.push_back(cell_text(value));
    rows.push_back(std::move(cells));
  }
  constexpr size_t kMaxWidth = 60;
  std::vector<size_t> widths(columns.size());
  for (size_t i = 0; i < columns.size(); ++i) widths[i] = std::min(columns[i].size(), kMaxWidth);
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::min(std::max(widths[i], row[i].size()), kMaxWidth);
    }
  }
  auto print_row = [&](const std::vector<std::string>& cells) {
    for (size_t i = 0; i < widths.size(); ++i) {
      std::string text = i < cells.size() ? cells[i] : "";
      if (text.size() > kMaxWidth) text = text.substr(0, kMaxWidth - 3) + "...";
      std::printf("%s%-*s", i == 0 ? "" : " | ", static_cast<int>(widths[i]), text.c_str());
    }
    std::printf("\n");
  };
  print_row(columns);
  for (size_t i = 0; i < widths.size(); ++i) {
    std::printf("%s%s", i == 0 ? "" : "-+-", std::string(widths[i], '-').c_str());
  }
  std::printf("\n");
  for (const auto& row : rows) print_row(row);
  std::printf("(%zu rows", rows.size());
  if (result.contains("stats")) {
    std::printf(", %.1f ms", result["stats"].value("elapsed_ms", 0.0));
  }
  std::printf(")\n");
  if (result.contains("warnings") && result["warnings"].is_array()) {
    for (const auto& warning : result["warnings"]) {
      if (warning.is_string())
        std::fprintf(stderr, "warning: %s\n", warning.get<std::string>().c_str());
    }
  }
}

constexpr const char* kQueryUsage =
    "usage: expgraph query 'CYPHER' [--param NAME=JSON]... [--limit N] [--timeout-ms N] [--json]\n"
    "  Runs a read-only openCypher query. A table on a terminal, JSON with --json or when piped.\n"
    "  --param NAME=JSON  a query parameter, e.g. --param segment='\"smb\"' --param n=3\n";

}  // namespace

std::string url_encode(const std::string& text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

int run_get(CliClient& client, const Arguments& args) {
  if (args.size() != 1 || wants_help(args) || args[0].find('/') == std::string::npos) {
    std::fputs("usage: expgraph get Type/key\n  Prints the node as JSON.\n",
               wants_help(args) ? stdout : stderr);
    return wants_help(args) ? kExitOk : kExitUsage;
  }
  size_t slash = args[0].find('/');
  Reply reply = client.get("/v1/nodes/" + url_encode(args[0].substr(0, slash)) + "/" +
                           url_encode(args[0].substr(slash + 1)));
  if (!reply.ok()) return CliClient::report_failure(reply);
  std::printf("%s\n", nlohmann::json::parse(reply.body, nullptr, false).dump(2).c_str());
  return kExitOk;
}

int run_query(CliClient& client, const Arguments& args) {
  if (wants_help(args)) {
    std::fputs(kQueryUsage, stdout);
    return kExitOk;
  }
  nlohmann::json body{{"params", nlohmann::json::object()}};
  bool json_output = isatty(STDOUT_FILENO) == 0;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--json") {
      json_output = true;
    } else if (arg == "--param" && i + 1 < args.size()) {
      const std::string& assignment = args[++i];
      size_t equals = assignment.find('=');
      nlohmann::json value =
          equals == std::string::npos
              ? nlohmann::json()
              : nlohmann::json::parse(assignment.substr(equals + 1), nullptr, false);
      if (equals == std::string::npos || value.is_discarded()) {
        std::fprintf(stderr, "expgraph query: --param needs NAME=JSON, got \"%s\"\n%s",
                     assignment.c_str(), kQueryUsage);
        return kExitUsage;
      }
      body["params"][assignment.substr(0, equals)] = value;
    } else if ((arg == "--limit" || arg == "--timeout-ms") && i + 1 < args.size()) {
      body[arg == "--limit" ? "limit" : "timeout_ms"] =
          std::strtoll(args[++i].c_str(), nullptr, 10);
    } else if (!body.contains("query") && arg.rfind("--", 0) != 0) {
      body["query"] = arg;
    } else {
      std::fprintf(stderr, "expgraph query: unexpected argument \"%s\"\n%s", arg.c_str(),
                   kQueryUsage);
      return kExitUsage;
    }
  }
  if (!body.contains("query")) {
    std::fputs(kQueryUsage, stderr);
    return kExitUsage;
  }
  Reply reply = client.post("/v1/query", body.dump());
  if (!reply.ok()) return CliClient::report_failure(reply);
  nlohmann::json result = nlohmann::json::parse(reply.body, nullptr, false);
  if (json_output || !result.is_object() || !result.contains("rows")) {
    std::printf("%s\n", result.dump(2).c_str());
  } else {
    print_table(result);
  }
  return kExitOk;
}

int run_stats(CliClient& client, const Arguments& args) {
  if (!args.empty()) {
    std::fputs("usage: expgraph stats\n  Prints the server's node and edge counts.\n",
               wants_help(args) ? stdout : stderr);
    return wants_help(args) ? kExitOk : kExitUsage;
  }
  Reply reply = client.get("/readyz");
  if (!reply.ok()) return CliClient::report_failure(reply);
  nlohmann::json ready = nlohmann::json::parse(reply.body, nullptr, false);
  std::printf("nodes %zu\nedges %zu\n", ready.value("nodes", size_t{0}),
              ready.value("edges", size_t{0}));
  return kExitOk;
}

int run_whoami(CliClient& client, const Arguments& args) {
  if (!args.empty()) {
    std::fputs(
        "usage: expgraph whoami\n  Prints the name and role of the key in EXPGRAPH_API_KEY as the\n"
        "  server sees it, and whether the server checks keys (authentication on or off).\n",
        wants_help(args) ? stdout : stderr);
    return wants_help(args) ? kExitOk : kExitUsage;
  }
  Reply reply = client.get("/v1/auth/me");
  if (!reply.ok()) return CliClient::report_failure(reply);
  nlohmann::json me = nlohmann::json::parse(reply.body, nullptr, false);
  std::printf("name %s\nrole %s\nauthentication %s\n", me.value("name", "").c_str(),
              me.value("role", "").c_str(), me.value("authentication", "").c_str());
  return kExitOk;
}

}  // namespace expgraph::cli
