#include "tools/importers/csv_reader.h"

#include <streambuf>
#include <utility>

#include "graph/records.h"

namespace expgraph {
namespace {

constexpr int kEof = std::char_traits<char>::eof();

Status error_at(size_t line, const std::string& message) {
  return Status::invalid_argument("line " + std::to_string(line) + ": " + message);
}

}  // namespace

Result<CsvReader> CsvReader::open(std::istream& in, CsvOptions options) {
  if (options.separator == '"' || options.separator == '\n' || options.separator == '\r') {
    return Status::invalid_argument("csv: the separator cannot be a quote or a line break");
  }
  CsvReader reader(in, options);
  // A UTF-8 byte-order mark (written by spreadsheet exports) is not part of the first name.
  std::streambuf* buffer = in.rdbuf();
  if (buffer != nullptr && buffer->sgetc() == 0xEF) {
    buffer->sbumpc();
    if (buffer->sbumpc() != 0xBB || buffer->sbumpc() != 0xBF) {
      return Status::invalid_argument("line 1: invalid UTF-8 at the start of the file");
    }
  }
  CsvRow row;
  Result<bool> read = reader.read_record(&row);
  if (!read.ok()) return read.status();
  if (!*read) return Status::invalid_argument("csv: empty input, expected a header row");
  for (size_t i = 0; i < row.fields.size(); ++i) {
    std::string& name = row.fields[i];
    // An unnamed first column holds row labels (R's write.csv and pandas' to_csv write one, as
    // in the Upworthy archive's releases): kept out of the names. Elsewhere it is a broken header.
    if (name.empty() && i == 0 && row.fields.size() > 1) continue;
    if (name.empty()) return error_at(row.line, "column " + std::to_string(i + 1) + " has no name");
    if (!reader.columns_.emplace(name, i).second) {
      return error_at(row.line, "duplicate column name '" + name + "'");
    }
  }
  reader.header_ = std::move(row.fields);
  return reader;
}

Result<bool> CsvReader::next(CsvRow* row) {
  Result<bool> read = read_record(row);
  if (!read.ok() || !*read) return read;
  if (row->fields.size() != header_.size()) {
    return error_at(row->line, "expected " + std::to_string(header_.size()) + " fields, got " +
                                   std::to_string(row->fields.size()));
  }
  return true;
}

Result<bool> CsvReader::read_record(CsvRow* row) {
  std::streambuf* buffer = in_->rdbuf();
  if (buffer == nullptr) return false;
  row->fields.clear();
  // Skip blank lines: a record needs at least one character before its line break.
  for (;;) {
    int c = buffer->sgetc();
    if (c == kEof) return false;
    if (c == '\n') {
      buffer->sbumpc();
      ++line_;
    } else if (c == '\r') {
      buffer->sbumpc();
      if (buffer->sgetc() == '\n') buffer->sbumpc();
      ++line_;
    } else {
      break;
    }
  }
  row->line = line_;
  const char separator = options_.separator;
  std::string field;
  for (;;) {
    int c = buffer->sbumpc();
    if (c == '"' && field.empty()) {
      // A quoted field: runs to the quote that is not doubled.
      const size_t quote_line = line_;
      for (;;) {
        int q = buffer->sbumpc();
        if (q == kEof) return error_at(quote_line, "unterminated quoted field");
        if (q == '\n') ++line_;
        if (q == '"') {
          if (buffer->sgetc() == '"') {
            buffer->sbumpc();
            field.push_back('"');
            continue;
          }
          break;
        }
        field.push_back(static_cast<char>(q));
      }
      int after = buffer->sgetc();
      if (after != kEof && after != separator && after != '\n' && after != '\r') {
        return error_at(line_, "unexpected character after the closing quote of field " +
                                   std::to_string(row->fields.size() + 1));
      }
      // Marks the field as quoted so that an empty quoted field is not re-entered.
      c = buffer->sbumpc();
    }
    if (c == separator || c == '\n' || c == '\r' || c == kEof) {
      if (options_.require_utf8 && !is_valid_utf8(field)) {
        return error_at(row->line,
                        "field " + std::to_string(row->fields.size() + 1) + " is not valid UTF-8");
      }
      row->fields.push_back(std::move(field));
      field.clear();
      if (c == separator) continue;
      if (c == '\r' && buffer->sgetc() == '\n') buffer->sbumpc();
      if (c != kEof) ++line_;
      return true;
    }
    // A quote inside an unquoted field is kept as written (lenient, as most writers do).
    field.push_back(static_cast<char>(c));
  }
}

std::optional<size_t> CsvReader::column(std::string_view name) const {
  auto it = columns_.find(name);
  if (it == columns_.end()) return std::nullopt;
  return it->second;
}

Result<std::vector<size_t>> CsvReader::require_columns(
    const std::vector<std::string>& names) const {
  std::vector<size_t> indexes;
  std::vector<std::string> missing;
  for (const std::string& name : names) {
    std::optional<size_t> index = column(name);
    if (index) {
      indexes.push_back(*index);
    } else {
      missing.push_back(name);
    }
  }
  if (!missing.empty()) {
    std::string list;
    for (const std::string& name : missing) list += (list.empty() ? "'" : ", '") + name + "'";
    return Status::invalid_argument("csv: missing column(s) " + list, missing);
  }
  return indexes;
}

}  // namespace expgraph
