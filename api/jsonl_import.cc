#include "api/jsonl_import.h"

#include "api/graph_json.h"

namespace expgraph::api {

namespace {

// One parsed line, kept with its number so a failed batch can be retried line by line.
struct ParsedLine {
  size_t number = 0;
  bool is_node = false;
  NodeWrite node;
  EdgeWrite edge;
};

Result<ParsedLine> parse_line(std::string_view text, size_t number) {
  std::string what = "line " + std::to_string(number);
  if (!is_valid_utf8(text)) return Status::invalid_argument(what + " is not valid UTF-8");
  nlohmann::json item = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (item.is_discarded()) return Status::invalid_argument(what + " is not valid JSON");
  if (!item.is_object() || item.size() != 1 || (!item.contains("node") && !item.contains("edge"))) {
    return Status::invalid_argument(what + " must be {\"node\": {...}} or {\"edge\": {...}}");
  }
  ParsedLine line;
  line.number = number;
  line.is_node = item.contains("node");
  if (line.is_node) {
    auto node = node_write_from_json(item["node"], what);
    if (!node.ok()) return node.status();
    line.node = std::move(node).value();
  } else {
    auto edge = edge_write_from_json(item["edge"], what);
    if (!edge.ok()) return edge.status();
    line.edge = std::move(edge).value();
  }
  return line;
}

void add_to_request(WriteRequest& request, const ParsedLine& line) {
  if (line.is_node) {
    request.nodes.push_back(line.node);
  } else {
    request.edges.push_back(line.edge);
  }
}

class Importer {
 public:
  Importer(GraphStore& graph, const ImportOptions& options) : graph_(graph), options_(options) {}

  void reject(size_t line, const Status& status) {
    ++report_.rejected;
    if (report_.rejections.size() < options_.max_reported_rejections) {
      report_.rejections.push_back(
          {{"line", line}, {"code", status.error_code()}, {"message", status.message()}});
    }
  }

  void record(const WriteSummary& summary) {
    report_.node_outcomes.insert(report_.node_outcomes.end(), summary.nodes.begin(),
                                 summary.nodes.end());
    report_.edge_outcomes.insert(report_.edge_outcomes.end(), summary.edges.begin(),
                                 summary.edges.end());
  }

  // Writes a batch; when it fails on some line, writes its lines one by one so that only the
  // bad ones are rejected. Internal errors (I/O) stop the import.
  Status flush(std::vector<ParsedLine>& batch) {
    if (batch.empty()) return Status();
    WriteRequest request;
    request.actor = options_.actor;
    for (const ParsedLine& line : batch) add_to_request(request, line);
    auto summary = graph_.write(request);
    if (summary.ok()) {
      record(*summary);
    } else if (summary.status().code() == StatusCode::kInternal) {
      return summary.status();
    } else {
      for (const ParsedLine& line : batch) {
        WriteRequest single;
        single.actor = options_.actor;
        add_to_request(single, line);
        auto one = graph_.write(single);
        if (one.ok()) {
          record(*one);
        } else if (one.status().code() == StatusCode::kInternal) {
          return one.status();
        } else {
          reject(line.number, one.status());
        }
      }
    }
    batch.clear();
    return Status();
  }

  Result<ImportReport> run(std::string_view body) {
    std::vector<ParsedLine> batch;
    WriteRequest atomic_request;
    atomic_request.actor = options_.actor;
    size_t number = options_.first_line_number;
    for (size_t begin = 0; begin < body.size(); ++number) {
      size_t end = body.find('\n', begin);
      if (end == std::string_view::npos) end = body.size();
      std::string_view text = body.substr(begin, end - begin);
      begin = end + 1;
      if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
      if (text.find_first_not_of(" \t") == std::string_view::npos) continue;
      ++report_.lines;
      auto line = parse_line(text, number);
      if (!line.ok()) {
        if (options_.atomic) return line.status();
        reject(number, line.status());
        continue;
      }
      if (options_.atomic) {
        add_to_request(atomic_request, *line);
        continue;
      }
      batch.push_back(std::move(line).value());
      if (batch.size() >= options_.batch_size) EXPGRAPH_RETURN_IF_ERROR(flush(batch));
    }
    if (options_.atomic) {
      auto summary = graph_.write(atomic_request);
      if (!summary.ok()) return summary.status();
      record(*summary);
    } else {
      EXPGRAPH_RETURN_IF_ERROR(flush(batch));
    }
    return report_;
  }

 private:
  GraphStore& graph_;
  const ImportOptions& options_;
  ImportReport report_;
};

}  // namespace

nlohmann::json ImportReport::to_json() const {
  return {{"lines", lines},
          {"nodes", outcome_counts(node_outcomes)},
          {"edges", outcome_counts(edge_outcomes)},
          {"rejected", rejected},
          {"rejections", rejections}};
}

Result<ImportReport> import_jsonl(GraphStore& graph, std::string_view body,
                                  const ImportOptions& options) {
  Importer importer(graph, options);
  return importer.run(body);
}

}  // namespace expgraph::api
