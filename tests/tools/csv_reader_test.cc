// CsvReader: RFC 4180 quoting, line endings, separators and the errors with line numbers.
#include "tools/importers/csv_reader.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace expgraph {
namespace {

// Reads every record of `text`; fails the test on an error.
std::vector<CsvRow> read_all(const std::string& text, CsvOptions options = {}) {
  std::istringstream in(text);
  Result<CsvReader> reader = CsvReader::open(in, options);
  EXPECT_TRUE(reader.ok()) << reader.status().to_string();
  std::vector<CsvRow> rows;
  if (!reader.ok()) return rows;
  CsvRow row;
  for (;;) {
    Result<bool> more = reader->next(&row);
    EXPECT_TRUE(more.ok()) << more.status().to_string();
    if (!more.ok() || !*more) break;
    rows.push_back(row);
  }
  return rows;
}

// The error of the first failing step (open or next) on `text`.
Status first_error(const std::string& text, CsvOptions options = {}) {
  std::istringstream in(text);
  Result<CsvReader> reader = CsvReader::open(in, options);
  if (!reader.ok()) return reader.status();
  CsvRow row;
  for (;;) {
    Result<bool> more = reader->next(&row);
    if (!more.ok()) return more.status();
    if (!*more) return Status::ok_status();
  }
}

TEST(CsvReaderTest, HeaderMapsColumnNames) {
  std::istringstream in("id,name,score\n1,a,3\n");
  Result<CsvReader> reader = CsvReader::open(in);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(reader->header(), (std::vector<std::string>{"id", "name", "score"}));
  EXPECT_EQ(reader->column("score"), 2u);
  EXPECT_FALSE(reader->column("missing").has_value());
  Result<std::vector<size_t>> columns = reader->require_columns({"score", "id"});
  ASSERT_TRUE(columns.ok());
  EXPECT_EQ(*columns, (std::vector<size_t>{2, 0}));
  Result<std::vector<size_t>> missing = reader->require_columns({"id", "x", "y"});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(missing.status().message().find("'x', 'y'"), std::string::npos);
}

// R's write.csv and pandas' to_csv put row labels in an unnamed first column.
TEST(CsvReaderTest, AnUnnamedFirstColumnHoldsRowLabels) {
  std::istringstream in("\"\",id,name\n1,a,x\n2,b,y\n");
  Result<CsvReader> reader = CsvReader::open(in);
  ASSERT_TRUE(reader.ok()) << reader.status().to_string();
  EXPECT_EQ(reader->column("id"), 1u);
  EXPECT_EQ(reader->column("name"), 2u);
  EXPECT_FALSE(reader->column("").has_value());
  EXPECT_EQ(read_all(",id\n1,a\n").size(), 1u);
  EXPECT_EQ(first_error(",\n").message(), "line 1: column 2 has no name");
}

TEST(CsvReaderTest, QuotedFieldsHoldSeparatorsQuotesAndNewlines) {
  std::vector<CsvRow> rows = read_all(
      "a,b,c\n"
      "\"x, y\",\"say \"\"hi\"\"\",plain\n"
      "\"two\nlines\",\"\",\"\"\"\"\n"
      "last,row,here\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].fields, (std::vector<std::string>{"x, y", "say \"hi\"", "plain"}));
  EXPECT_EQ(rows[0].line, 2u);
  EXPECT_EQ(rows[1].fields, (std::vector<std::string>{"two\nlines", "", "\""}));
  EXPECT_EQ(rows[1].line, 3u);
  EXPECT_EQ(rows[2].line, 5u);  // the record above spans lines 3 and 4
}

TEST(CsvReaderTest, LineEndingsBlankLinesAndEmptyFields) {
  std::vector<CsvRow> rows = read_all("a,b\r\n1,\r\n\r\n\n,2\r\n3,4");  // no final newline
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].fields, (std::vector<std::string>{"1", ""}));
  EXPECT_EQ(rows[1].fields, (std::vector<std::string>{"", "2"}));
  EXPECT_EQ(rows[1].line, 5u);
  EXPECT_EQ(rows[2].fields, (std::vector<std::string>{"3", "4"}));
  EXPECT_EQ(rows[2].line, 6u);
}

TEST(CsvReaderTest, QuotedLineBreakKeepsCarriageReturn) {
  std::vector<CsvRow> rows = read_all("a\n\"x\r\ny\"\n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].fields[0], "x\r\ny");
}

TEST(CsvReaderTest, SemicolonSeparator) {
  CsvOptions options;
  options.separator = ';';
  std::vector<CsvRow> rows = read_all("Campaign Name;Spend [USD]\n\"A;B\";2,5\n", options);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].fields, (std::vector<std::string>{"A;B", "2,5"}));
}

TEST(CsvReaderTest, ByteOrderMarkIsNotPartOfTheFirstName) {
  std::istringstream in("\xEF\xBB\xBFid,name\n1,a\n");
  Result<CsvReader> reader = CsvReader::open(in);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(reader->column("id"), 0u);
}

TEST(CsvReaderTest, QuoteInsideUnquotedFieldIsKept) {
  std::vector<CsvRow> rows = read_all("a,b\n5\" screen,x\n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].fields[0], "5\" screen");
}

TEST(CsvReaderTest, ErrorsNameTheLine) {
  Status unterminated = first_error("a,b\n1,2\n3,\"open\nstill open\n");
  EXPECT_EQ(unterminated.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(unterminated.message(), "line 3: unterminated quoted field");

  Status after_quote = first_error("a,b\n\"x\"y,2\n");
  EXPECT_EQ(after_quote.message(),
            "line 2: unexpected character after the closing quote of field 1");

  Status too_many = first_error("a,b\n1,2\n1,2,3\n");
  EXPECT_EQ(too_many.message(), "line 3: expected 2 fields, got 3");
  Status too_few = first_error("a,b\n1,2\n\n\n1\n");
  EXPECT_EQ(too_few.message(), "line 5: expected 2 fields, got 1");

  Status bad_utf8 = first_error("a,b\n1,caf\xE9\n");
  EXPECT_EQ(bad_utf8.message(), "line 2: field 2 is not valid UTF-8");
  CsvOptions latin1;
  latin1.require_utf8 = false;
  EXPECT_TRUE(first_error("a,b\n1,caf\xE9\n", latin1).ok());

  EXPECT_EQ(first_error("").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(first_error("\n\n").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(first_error("a,a\n").message(), "line 1: duplicate column name 'a'");
  EXPECT_EQ(first_error("a,,b\n").message(), "line 1: column 2 has no name");
}

TEST(CsvReaderTest, HeaderOnlyHasNoRecords) {
  EXPECT_TRUE(read_all("a,b\n").empty());
  EXPECT_TRUE(read_all("a,b").empty());
}

}  // namespace
}  // namespace expgraph
