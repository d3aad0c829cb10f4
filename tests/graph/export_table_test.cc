// The CSV form of the export tables: columns from the ontology and cells as RFC 4180 readers
// (pandas, DuckDB, Python's csv module) read them back.
#include "graph/export_table.h"

#include <gtest/gtest.h>

#include <string>

namespace expgraph {
namespace {

using nlohmann::json;

Ontology test_ontology() {
  auto ontology = Ontology::from_json(json::parse(R"({
    "name": "t", "version": 1,
    "node_types": [{"name": "Thing", "properties": [
      {"name": "name", "type": "string"}, {"name": "size", "type": "int"},
      {"name": "tags", "type": "string[]"}, {"name": "ok", "type": "bool"}]}],
    "edge_types": [{"name": "LINKS", "domain": ["*"], "range": ["Thing"],
      "properties": [{"name": "weight", "type": "float"}]}]})"));
  EXPECT_TRUE(ontology.ok()) << ontology.status().to_string();
  return std::move(ontology).value();
}

TEST(ExportTableTest, ColumnsComeFromTheOntology) {
  Ontology ontology = test_ontology();
  auto node = export_table(ontology, "Thing", false);
  ASSERT_TRUE(node);
  std::string header;
  append_csv_header(header, *node);
  EXPECT_EQ(header, "key,name,size,tags,ok\n");
  EXPECT_EQ(node->file_name(), "nodes/Thing.csv");
  auto edge = export_table(ontology, "LINKS", true);
  ASSERT_TRUE(edge);
  header.clear();
  append_csv_header(header, *edge);
  EXPECT_EQ(header, "from_type,from_key,to_type,to_key,weight\n");
  EXPECT_EQ(edge->file_name(), "edges/LINKS.csv");
  EXPECT_FALSE(export_table(ontology, "LINKS", false));
  EXPECT_FALSE(export_table(ontology, "Nope", true));
  EXPECT_EQ(export_tables(ontology).size(), 2u);
  EXPECT_EQ(export_table_json(*node)["columns"][2], (json{{"name", "size"}, {"type", "int"}}));
}

TEST(ExportTableTest, CellsAreQuotedOnlyWhenTheyMustBe) {
  Ontology ontology = test_ontology();
  auto table = export_table(ontology, "Thing", false);
  ASSERT_TRUE(table);
  std::string row;
  append_csv_row(row, *table, {"k1"},
                 {{"name", "say \"hi\", then\nleave"},
                  {"size", 3},
                  {"tags", {"a", "b"}},
                  {"ok", false},
                  {"undeclared", 1}});
  EXPECT_EQ(row, "k1,\"say \"\"hi\"\", then\nleave\",3,\"[\"\"a\"\",\"\"b\"\"]\",false\n");
  row.clear();
  append_csv_row(row, *table, {"k2"}, {{"name", " padded "}, {"size", nullptr}});
  EXPECT_EQ(row, "k2,\" padded \",,,\n");  // absent and null are empty cells
  row.clear();
  append_csv_value(row, nullptr);
  EXPECT_EQ(row, "");
  json number = 0.1;
  append_csv_value(row, &number);
  EXPECT_EQ(row, "0.1");
}

}  // namespace
}  // namespace expgraph
