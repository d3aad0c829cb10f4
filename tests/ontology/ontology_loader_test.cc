// Ontology::from_json and load_file: a valid document loads, and each kind of mistake in a
// document is reported with a message that names where it is and what is wrong. All problems of a
// document are reported together, not just the first.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "ontology/ontology.h"

namespace expgraph {
namespace {

using json = nlohmann::json;

// A small valid document; each test breaks one thing in it.
json small_document() {
  return json::parse(R"({
    "name": "small", "version": 2,
    "node_types": [
      {"name": "Experiment", "description": "a test",
       "properties": [
         {"name": "name", "type": "string", "required": true},
         {"name": "status", "type": "enum", "values": ["planned", "running", "concluded"],
          "indexed": true},
         {"name": "notes", "type": "text"}],
       "lifecycle": {"property": "status", "initial": ["planned"],
                     "transitions": {"planned": ["running"], "running": ["concluded"]}},
       "text_properties": ["notes"]},
      {"name": "Campaign", "properties": [{"name": "name", "type": "string"}]},
      {"name": "Team", "properties": [{"name": "name", "type": "string"}]}],
    "edge_types": [
      {"name": "PART_OF", "domain": "Experiment", "range": ["Campaign"],
       "cardinality": {"per_source": "one"},
       "properties": [{"name": "weight", "type": "float"}]},
      {"name": "OWNED_BY", "domain": "*", "range": "Team"}]
  })");
}

// Loads `document`, expects it to fail, and returns all problem details joined by newlines.
std::string load_errors(const json& document) {
  Result<Ontology> result = Ontology::from_json(document);
  EXPECT_FALSE(result.ok()) << "the document was accepted: " << document.dump();
  if (result.ok()) return {};
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(result.status().message().rfind("invalid ontology", 0), 0u)
      << result.status().message();
  EXPECT_FALSE(result.status().details().empty());
  std::string all;
  for (const std::string& detail : result.status().details()) all += detail + "\n";
  return all;
}

TEST(OntologyLoaderTest, LoadsAValidDocument) {
  Result<Ontology> result = Ontology::from_json(small_document());
  ASSERT_TRUE(result.ok()) << result.status().to_string();
  const Ontology& ontology = *result;
  EXPECT_EQ(ontology.name(), "small");
  EXPECT_EQ(ontology.version(), 2);
  ASSERT_EQ(ontology.node_types().size(), 3u);
  const NodeType* experiment = ontology.node_type("Experiment");
  ASSERT_NE(experiment, nullptr);
  EXPECT_EQ(experiment->description, "a test");
  const PropertyDef* status = experiment->property("status");
  ASSERT_NE(status, nullptr);
  EXPECT_EQ(status->type, PropertyType::kEnum);
  EXPECT_TRUE(status->indexed);
  EXPECT_FALSE(status->required);
  EXPECT_EQ(status->enum_values, (std::vector<std::string>{"planned", "running", "concluded"}));
  EXPECT_TRUE(experiment->property("name")->required);
  EXPECT_EQ(experiment->property("nope"), nullptr);
  ASSERT_TRUE(experiment->lifecycle.has_value());
  EXPECT_EQ(experiment->lifecycle->initial, (std::vector<std::string>{"planned"}));
  EXPECT_EQ(experiment->lifecycle->transitions.at("planned"), (std::set<std::string>{"running"}));
  EXPECT_EQ(experiment->text_properties, (std::vector<std::string>{"notes"}));

  const EdgeType* part_of = ontology.edge_type("PART_OF");
  ASSERT_NE(part_of, nullptr);
  EXPECT_EQ(part_of->domain, (std::vector<std::string>{"Experiment"}));
  EXPECT_EQ(part_of->range, (std::vector<std::string>{"Campaign"}));
  EXPECT_EQ(part_of->per_source, Cardinality::kOne);
  EXPECT_EQ(part_of->per_target, Cardinality::kMany);  // the default
  ASSERT_NE(part_of->property("weight"), nullptr);
  EXPECT_EQ(part_of->property("weight")->type, PropertyType::kFloat);
  EXPECT_EQ(ontology.edge_type("TARGETS"), nullptr);
}

TEST(OntologyLoaderTest, VersionDefaultsToOneAndEdgeTypesAreOptional) {
  json document = small_document();
  document.erase("version");
  document.erase("edge_types");
  Result<Ontology> result = Ontology::from_json(document);
  ASSERT_TRUE(result.ok()) << result.status().to_string();
  EXPECT_EQ(result->version(), 1);
  EXPECT_TRUE(result->edge_types().empty());
}

TEST(OntologyLoaderTest, AnyNodeTypeDomain) {
  Result<Ontology> result = Ontology::from_json(small_document());
  ASSERT_TRUE(result.ok()) << result.status().to_string();
  const EdgeType* owned_by = result->edge_type("OWNED_BY");
  ASSERT_NE(owned_by, nullptr);
  EXPECT_EQ(owned_by->domain, (std::vector<std::string>{"*"}));
  EXPECT_TRUE(owned_by->allows_source("Experiment"));
  EXPECT_TRUE(owned_by->allows_source("Campaign"));
  EXPECT_TRUE(owned_by->allows_source("AnythingAtAll"));
  EXPECT_TRUE(owned_by->allows_target("Team"));
  EXPECT_FALSE(owned_by->allows_target("Experiment"));
  const EdgeType* part_of = result->edge_type("PART_OF");
  EXPECT_TRUE(part_of->allows_source("Experiment"));
  EXPECT_FALSE(part_of->allows_source("Campaign"));
  EXPECT_FALSE(part_of->allows_target("Experiment"));
}

TEST(OntologyLoaderTest, ToJsonIsNormalisedAndRoundTrips) {
  Result<Ontology> first = Ontology::from_json(small_document());
  ASSERT_TRUE(first.ok()) << first.status().to_string();
  json normalised = first->to_json();
  // Single names become lists and defaults are spelled out.
  EXPECT_EQ(normalised["edge_types"][0]["domain"], json::array({"Experiment"}));
  EXPECT_EQ(normalised["edge_types"][0]["cardinality"],
            json({{"per_source", "one"}, {"per_target", "many"}}));
  EXPECT_EQ(normalised["edge_types"][1]["cardinality"],
            json({{"per_source", "many"}, {"per_target", "many"}}));
  EXPECT_EQ(normalised["node_types"][0]["properties"][2],
            json({{"name", "notes"}, {"type", "text"}, {"required", false}, {"indexed", false}}));
  EXPECT_EQ(normalised["version"], 2);

  Result<Ontology> second = Ontology::from_json(normalised);
  ASSERT_TRUE(second.ok()) << second.status().to_string();
  EXPECT_EQ(second->to_json(), normalised);
}

TEST(OntologyLoaderTest, DocumentMustBeAnObject) {
  EXPECT_NE(load_errors(json::array()).find("must be a JSON object"), std::string::npos);
}

TEST(OntologyLoaderTest, MissingNames) {
  json document = small_document();
  document.erase("name");
  document["node_types"][1].erase("name");
  document["node_types"][0]["properties"][2].erase("name");
  document["edge_types"][0].erase("name");
  std::string errors = load_errors(document);
  EXPECT_NE(errors.find("\"name\" must be a non-empty string"), std::string::npos) << errors;
  EXPECT_NE(errors.find("node_types[1]: missing \"name\""), std::string::npos) << errors;
  EXPECT_NE(errors.find("node_types[0] \"Experiment\".properties[2]: missing \"name\""),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("edge_types[0]: missing \"name\""), std::string::npos) << errors;
}

TEST(OntologyLoaderTest, InvalidNames) {
  json document = small_document();
  document["node_types"][1]["name"] = "Ad Campaign";
  document["node_types"][2]["properties"][0]["name"] = "2name";
  std::string errors = load_errors(document);
  EXPECT_NE(errors.find("invalid name \"Ad Campaign\""), std::string::npos) << errors;
  EXPECT_NE(errors.find("invalid name \"2name\""), std::string::npos) << errors;
}

TEST(OntologyLoaderTest, UnknownPropertyType) {
  json document = small_document();
  document["node_types"][0]["properties"][2]["type"] = "strng";
  std::string errors = load_errors(document);
  EXPECT_NE(errors.find("node_types[0] \"Experiment\".properties[2] \"notes\": unknown property "
                        "type \"strng\" (expected one of string, text, int, float, bool, date, "
                        "datetime, enum, string[], json)"),
            std::string::npos)
      << errors;
}

TEST(OntologyLoaderTest, MissingPropertyType) {
  json document = small_document();
  document["edge_types"][0]["properties"][0].erase("type");
  std::string errors = load_errors(document);
  EXPECT_NE(errors.find("edge_types[0] \"PART_OF\".properties[0] \"weight\": missing \"type\""),
            std::string::npos)
      << errors;
}

TEST(OntologyLoaderTest, EdgeEndpointsNamingNoNodeType) {
  json document = small_document();
  document["edge_types"][0]["domain"] = "Experimnt";
  document["edge_types"][0]["range"] = json::array({"Campaign", "Campain"});
  std::string errors = load_errors(document);
  EXPECT_NE(errors.find("edge_types[0] \"PART_OF\": domain names no node type \"Experimnt\""),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("edge_types[0] \"PART_OF\": range names no node type \"Campain\""),
            std::string::npos)
      << errors;
}

TEST(OntologyLoaderTest, MissingOrEmptyEndpoints) {
  json document = small_document();
  document["edge_types"][0].erase("domain");
  document["edge_types"][1]["range"] = json::array();
  std::string errors = load_errors(document);
  EXPECT_NE(errors.find("edge_types[0] \"PART_OF\": missing \"domain\""), std::string::npos)
      << errors;
  EXPECT_NE(errors.find("edge_types[1] \"OWNED_BY\": \"range\" must be"), std::string::npos)
      << errors;
}

TEST(OntologyLoaderTest, StarMustStandAlone) {
  json document = small_document();
  document["edge_types"][1]["domain"] = json::array({"*", "Experiment"});
  std::string errors = load_errors(document);
  EXPECT_NE(errors.find("edge_types[1] \"OWNED_BY\": domain: \"*\" already means any node type"),
            std::string::npos)
      << errors;
}

TEST(OntologyLoaderTest, DuplicateNodeTypeNames) {
  json document = small_document();
  document["node_types"][2]["name"] = "Campaign";
  std::string errors = load_errors(document);
  EXPECT_NE(errors.find("node_types[2] \"Campaign\": duplicate node type name \"Campaign\" "
                        "(first defined at node_types[1] \"Campaign\")"),
            std::string::npos)
      << errors;
}

TEST(OntologyLoaderTest, DuplicateEdgeTypeNames) {
  json document = small_document();
  document["edge_types"][1]["name"] = "PART_OF";
  std::string errors = load_errors(document);
  EXPECT_NE(errors.find("edge_types[1] \"PART_OF\": duplicate edge type name \"PART_OF\""),
            std::string::npos)
      << errors;
}

TEST(OntologyLoaderTest, DuplicatePropertyNames) {
  json document = small_document();
  document["node_types"][0]["properties"][2]["name"] = "name";
  std::string errors = load_errors(document);
  EXPECT_NE(
      errors.find("node_types[0] \"Experiment\".properties[2] \"name\": duplicate property "
                  "name \"name\" (first defined at node_types[0] \"Experiment\".properties[0]"),
      std::string::npos)
      << errors;
}

TEST(OntologyLoaderTest, EnumWithoutValues) {
  json document = small_document();
  document["node_types"][0]["properties"][1].erase("values");
  document["node_types"][1]["properties"][0] = {
      {"name", "kind"}, {"type", "enum"}, {"values", json::array()}};
  std::string errors = load_errors(document);
  EXPECT_NE(errors.find("node_types[0] \"Experiment\".properties[1] \"status\": an enum property "
                        "needs a non-empty \"values\" list"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("node_types[1] \"Campaign\".properties[0] \"kind\": an enum property"),
            std::string::npos)
      << errors;
}

TEST(OntologyLoaderTest, BadEnumValues) {
  json document = small_document();
  document["node_types"][0]["properties"][1]["values"] = json::array({"planned", "planned", 3});
  std::string errors = load_errors(document);
  EXPECT_NE(errors.find("duplicate enum value \"planned\""), std::string::npos) << errors;
  EXPECT_NE(errors.find("values[2] must be a non-empty string, got int"), std::string::npos)
      << errors;
}

TEST(OntologyLoaderTest, ValuesOnANonEnumProperty) {
  json document = small_document();
  document["node_types"][0]["properties"][0]["values"] = json::array({"a"});
  std::string errors = load_errors(document);
  EXPECT_NE(errors.find("\"values\" is only allowed for enum properties (type is string)"),
            std::string::npos)
      << errors;
}

TEST(OntologyLoaderTest, IndexedTextOrJsonIsRejected) {
  json document = small_document();
  document["node_types"][0]["properties"][2]["indexed"] = true;
  std::string errors = load_errors(document);
  EXPECT_NE(errors.find("\"notes\": a text property cannot be indexed"), std::string::npos)
      << errors;
}

TEST(OntologyLoaderTest, NonBooleanFlags) {
  json document = small_document();
  document["node_types"][0]["properties"][0]["required"] = "yes";
  std::string errors = load_errors(document);
  EXPECT_NE(errors.find("\"name\": \"required\" must be true or false, got string"),
            std::string::npos)
      << errors;
}

TEST(OntologyLoaderTest, UnknownKeysCatchTypos) {
  json document = small_document();
  document["node_types"][0]["properties"][0]["requried"] = true;
  document["edge_types"][0]["cardinalty"] = json::object();
  document["node_type"] = json::array();
  std::string errors = load_errors(document);
  EXPECT_NE(errors.find("\"name\": unknown key \"requried\""), std::string::npos) << errors;
  EXPECT_NE(errors.find("edge_types[0] \"PART_OF\": unknown key \"cardinalty\""), std::string::npos)
      << errors;
  EXPECT_NE(errors.find("unknown key \"node_type\""), std::string::npos) << errors;
}

TEST(OntologyLoaderTest, LifecycleOnAnUnknownProperty) {
  json document = small_document();
  document["node_types"][0]["lifecycle"]["property"] = "state";
  std::string errors = load_errors(document);
  EXPECT_NE(errors.find("node_types[0] \"Experiment\".lifecycle: property \"state\" is not a "
                        "property of Experiment"),
            std::string::npos)
      << errors;
}

TEST(OntologyLoaderTest, LifecycleOnANonEnumProperty) {
  json document = small_document();
  document["node_types"][0]["lifecycle"]["property"] = "name";
  std::string errors = load_errors(document);
  EXPECT_NE(errors.find("lifecycle: property \"name\" must be an enum, it is string"),
            std::string::npos)
      << errors;
}

TEST(OntologyLoaderTest, LifecycleStatesOutsideTheEnum) {
  json document = small_document();
  json& lifecycle = document["node_types"][0]["lifecycle"];
  lifecycle["initial"] = json::array({"planed"});
  lifecycle["transitions"]["running"] = json::array({"concluded", "archived"});
  lifecycle["transitions"]["paused"] = json::array({"running"});
  std::string errors = load_errors(document);
  EXPECT_NE(errors.find("initial state \"planed\" is not a value of \"status\" (values: planned, "
                        "running, concluded)"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("transition target (from running) \"archived\" is not a value"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("transition source \"paused\" is not a value"), std::string::npos)
      << errors;
}

TEST(OntologyLoaderTest, LifecycleWithoutInitialStates) {
  json document = small_document();
  document["node_types"][0]["lifecycle"].erase("initial");
  std::string errors = load_errors(document);
  EXPECT_NE(errors.find("lifecycle: \"initial\" must be a non-empty list"), std::string::npos)
      << errors;
}

TEST(OntologyLoaderTest, TextPropertiesNamingUnknownOrNonTextProperties) {
  json document = small_document();
  document["node_types"][0]["text_properties"] = json::array({"notes", "summary", "status"});
  std::string errors = load_errors(document);
  EXPECT_NE(errors.find("node_types[0] \"Experiment\".text_properties: \"summary\" is not a "
                        "property of Experiment"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("\"status\" must be a text or string property"), std::string::npos)
      << errors;
}

TEST(OntologyLoaderTest, BadCardinalityWords) {
  json document = small_document();
  document["edge_types"][0]["cardinality"] = {{"per_source", "single"}, {"per_target", 1}};
  std::string errors = load_errors(document);
  EXPECT_NE(errors.find("edge_types[0] \"PART_OF\": cardinality.per_source: unknown cardinality "
                        "\"single\" (expected \"one\" or \"many\")"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("cardinality.per_target: unknown cardinality 1"), std::string::npos)
      << errors;
}

TEST(OntologyLoaderTest, BadVersion) {
  json document = small_document();
  document["version"] = 0;
  EXPECT_NE(load_errors(document).find("\"version\" must be a positive integer, got 0"),
            std::string::npos);
  document["version"] = "2";
  EXPECT_NE(load_errors(document).find("\"version\" must be a positive integer"),
            std::string::npos);
}

TEST(OntologyLoaderTest, ReportsEveryProblemAtOnce) {
  json document = small_document();
  document["node_types"][0]["properties"][2]["type"] = "strng";
  document["edge_types"][0]["domain"] = "Experimnt";
  document["edge_types"][1]["cardinality"] = {{"per_target", "few"}};
  Result<Ontology> result = Ontology::from_json(document);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().details().size(), 3u);
  EXPECT_NE(result.status().message().find("and 2 more problems"), std::string::npos)
      << result.status().message();
}

// Every member with the wrong JSON shape is reported; nothing throws or crashes.
TEST(OntologyLoaderTest, WrongShapesAreReportedNotThrown) {
  const std::vector<json> kDocuments = {
      json::parse(R"({"name": "x", "node_types": {}})"),
      json::parse(R"({"name": "x", "node_types": [1, "A", null, []]})"),
      json::parse(R"({"name": "x", "node_types": [{"name": 3, "properties": "p"}]})"),
      json::parse(R"({"name": "x", "node_types": [{"name": "A", "properties": [1, null]}]})"),
      json::parse(R"({"name": "x", "node_types": [{"name": "A", "description": 5,
                      "properties": [{"name": "p", "type": 7, "description": []}]}]})"),
      json::parse(R"({"name": "x", "node_types": [{"name": "A", "lifecycle": 5}]})"),
      json::parse(R"({"name": "x", "node_types": [{"name": "A",
                      "properties": [{"name": "s", "type": "enum", "values": "a"}],
                      "lifecycle": {"property": "s", "initial": "a", "transitions": []}}]})"),
      json::parse(R"({"name": "x", "node_types": [{"name": "A",
                      "properties": [{"name": "s", "type": "enum", "values": ["a"]}],
                      "lifecycle": {"property": 1, "initial": [1], "transitions": {"a": "a"}}}]})"),
      json::parse(R"({"name": "x", "node_types": [{"name": "A", "text_properties": "t"}]})"),
      json::parse(R"({"name": "x", "node_types": [{"name": "A"}], "edge_types": {}})"),
      json::parse(R"({"name": "x", "node_types": [{"name": "A"}], "edge_types": [1, null,
                      {"name": "E", "domain": 1, "range": [2], "cardinality": "one",
                       "properties": {}}]})"),
      json::parse(R"({"name": ["x"], "version": 1.5, "node_types": [], "description": 1})"),
  };
  for (const json& document : kDocuments) {
    Result<Ontology> result = Ontology::from_json(document);
    ASSERT_FALSE(result.ok()) << document.dump();
    EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument)
        << document.dump() << ": " << result.status().to_string();
    EXPECT_FALSE(result.status().details().empty()) << document.dump();
  }
}

class OntologyFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = std::filesystem::temp_directory_path() /
                 ("expgraph_ontology_test_" +
                  std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(directory_);
  }
  void TearDown() override { std::filesystem::remove_all(directory_); }

  std::string write(const std::string& file_name, const std::string& contents) {
    std::filesystem::path path = directory_ / file_name;
    std::ofstream(path) << contents;
    return path.string();
  }

  std::filesystem::path directory_;
};

TEST_F(OntologyFileTest, LoadsAFile) {
  Result<Ontology> result = Ontology::load_file(write("good.json", small_document().dump(2)));
  ASSERT_TRUE(result.ok()) << result.status().to_string();
  EXPECT_EQ(result->name(), "small");
}

TEST_F(OntologyFileTest, MissingFile) {
  std::string path = (directory_ / "absent.json").string();
  Result<Ontology> result = Ontology::load_file(path);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kNotFound);
  EXPECT_NE(result.status().message().find(path), std::string::npos);
}

TEST_F(OntologyFileTest, DirectoryIsNotAFile) {
  Result<Ontology> result = Ontology::load_file(directory_.string());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(result.status().message().find("not a regular file"), std::string::npos);
}

TEST_F(OntologyFileTest, MalformedJsonNamesTheParseError) {
  std::string path = write("bad.json", "{\"name\": \"x\",\n \"node_types\": [}\n");
  Result<Ontology> result = Ontology::load_file(path);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  const std::string& message = result.status().message();
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_NE(message.find("is not valid JSON"), std::string::npos) << message;
  EXPECT_NE(message.find("line 2"), std::string::npos) << message;
}

TEST_F(OntologyFileTest, InvalidOntologyNamesTheFile) {
  json document = small_document();
  document["node_types"][0]["properties"][0]["type"] = "strng";
  std::string path = write("invalid.json", document.dump());
  Result<Ontology> result = Ontology::load_file(path);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(result.status().message().rfind(path + ": invalid ontology", 0), 0u)
      << result.status().message();
  ASSERT_EQ(result.status().details().size(), 1u);
  EXPECT_NE(result.status().details()[0].find("\"strng\""), std::string::npos);
}

TEST(PropertyTypeNameTest, ParseAndPrintAgree) {
  const std::vector<std::string> kNames = {"string", "text",     "int",  "float",    "bool",
                                           "date",   "datetime", "enum", "string[]", "json"};
  for (const std::string& name : kNames) {
    std::optional<PropertyType> type = parse_property_type(name);
    ASSERT_TRUE(type.has_value()) << name;
    EXPECT_EQ(property_type_name(*type), name);
  }
  EXPECT_FALSE(parse_property_type("strng").has_value());
  EXPECT_FALSE(parse_property_type("String").has_value());
  EXPECT_FALSE(parse_property_type("").has_value());
  EXPECT_EQ(property_type_names(),
            "string, text, int, float, bool, date, datetime, enum, "
            "string[], json");
}

}  // namespace
}  // namespace expgraph
