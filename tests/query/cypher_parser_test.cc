// Parser scenarios: each query is written next to the AST it must produce (printed by
// to_string(Query)), the error it must raise (code, message, line and column), or, for the
// robustness tests, only the promise that the parser returns instead of crashing.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "query/cypher/parser.h"

namespace expgraph::cypher {
namespace {

// The printed AST of a query that must parse.
std::string parsed(std::string_view text) {
  Result<Query> query = parse_cypher(text);
  if (!query.ok()) return "ERROR " + query.status().to_string();
  return to_string(*query);
}

// The Status of a query that must fail.
Status failure(std::string_view text) {
  Result<Query> query = parse_cypher(text);
  EXPECT_FALSE(query.ok()) << text << " parsed as " << (query.ok() ? to_string(*query) : "");
  return query.status();
}

// The WHERE of `MATCH (n) WHERE <expr> RETURN n`, printed.
std::string where(std::string_view expr) {
  Result<Query> query = parse_cypher("MATCH (n) WHERE " + std::string(expr) + " RETURN n");
  if (!query.ok()) return "ERROR " + query.status().to_string();
  return to_string(*query->clauses[0].as<MatchClause>().where);
}

// The expression of `RETURN <expr>`, printed.
std::string expr(std::string_view text) {
  Result<Query> query = parse_cypher("RETURN " + std::string(text));
  if (!query.ok()) return "ERROR " + query.status().to_string();
  return to_string(*query->clauses[0].as<ReturnClause>().projection.items[0].expr);
}

// --- Patterns -------------------------------------------------------------------------------

TEST(CypherParser, NodePatterns) {
  EXPECT_EQ(parsed("MATCH (n) RETURN n"), "MATCH (n) RETURN n");
  EXPECT_EQ(parsed("MATCH () RETURN 1"), "MATCH () RETURN 1");
  EXPECT_EQ(parsed("MATCH (:Experiment) RETURN 1"), "MATCH (:Experiment) RETURN 1");
  EXPECT_EQ(parsed("MATCH (e:Experiment {name: 'x', n: $p}) RETURN e"),
            "MATCH (e:Experiment {name: 'x', n: $p}) RETURN e");
  EXPECT_EQ(parsed("MATCH ({status: 'running'}) RETURN 1"), "MATCH ({status: 'running'}) RETURN 1");
  EXPECT_EQ(parsed("MATCH (n:A:B $props) RETURN n"), "MATCH (n:A:B $props) RETURN n");
}

TEST(CypherParser, RelationshipPatterns) {
  EXPECT_EQ(parsed("MATCH (a)-[r:TESTS]->(b) RETURN r"), "MATCH (a)-[r:TESTS]->(b) RETURN r");
  EXPECT_EQ(parsed("MATCH (a)<-[r:TESTS]-(b) RETURN r"), "MATCH (a)<-[r:TESTS]-(b) RETURN r");
  EXPECT_EQ(parsed("MATCH (a)-[r]-(b) RETURN r"), "MATCH (a)-[r]-(b) RETURN r");
  EXPECT_EQ(parsed("MATCH (a)-->(b)<--(c)--(d) RETURN a"),
            "MATCH (a)-[]->(b)<-[]-(c)-[]-(d) RETURN a");
  EXPECT_EQ(parsed("MATCH (a)<-->(b) RETURN a"), "MATCH (a)-[]-(b) RETURN a");
  EXPECT_EQ(parsed("MATCH (a)-[:A|B]->(b) RETURN a"), "MATCH (a)-[:A|B]->(b) RETURN a");
  EXPECT_EQ(parsed("MATCH (a)-[:A|:B|C]->(b) RETURN a"), "MATCH (a)-[:A|B|C]->(b) RETURN a");
  EXPECT_EQ(parsed("MATCH (a)-[r:T {since: 2020}]->(b) RETURN a"),
            "MATCH (a)-[r:T {since: 2020}]->(b) RETURN a");
}

TEST(CypherParser, DirectionsAreRecordedRelativeToTextOrder) {
  Result<Query> query = parse_cypher("MATCH (a)<-[:T]-(b)-[:U]->(c)-[:V]-(d) RETURN a");
  ASSERT_TRUE(query.ok()) << query.status().to_string();
  const PatternPart& part = query->clauses[0].as<MatchClause>().patterns[0];
  ASSERT_EQ(part.nodes.size(), 4u);
  ASSERT_EQ(part.relationships.size(), 3u);
  EXPECT_EQ(part.relationships[0].direction, Direction::kIncoming);
  EXPECT_EQ(part.relationships[1].direction, Direction::kOutgoing);
  EXPECT_EQ(part.relationships[2].direction, Direction::kBoth);
  EXPECT_EQ(part.nodes[3].variable, "d");
}

TEST(CypherParser, VariableLengthRelationships) {
  struct Case {
    const char* pattern;
    std::optional<int64_t> min;
    std::optional<int64_t> max;
    const char* printed;
  };
  const Case cases[] = {
      {"-[*]->", std::nullopt, std::nullopt, "-[*]->"},
      {"-[*2]->", 2, 2, "-[*2]->"},
      {"-[*1..3]->", 1, 3, "-[*1..3]->"},
      {"-[*..3]->", std::nullopt, 3, "-[*..3]->"},
      {"-[*2..]->", 2, std::nullopt, "-[*2..]->"},
      {"-[r:TESTS|RUNS_ON*0..5]->", 0, 5, "-[r:TESTS|RUNS_ON*0..5]->"},
      {"-[* 1 .. 3]->", 1, 3, "-[*1..3]->"},
  };
  for (const Case& c : cases) {
    std::string text = std::string("MATCH (a)") + c.pattern + "(b) RETURN a";
    Result<Query> query = parse_cypher(text);
    ASSERT_TRUE(query.ok()) << text << ": " << query.status().to_string();
    const RelationshipPattern& rel =
        query->clauses[0].as<MatchClause>().patterns[0].relationships[0];
    ASSERT_TRUE(rel.length.has_value()) << text;
    EXPECT_EQ(rel.length->min, c.min) << text;
    EXPECT_EQ(rel.length->max, c.max) << text;
    EXPECT_EQ(to_string(*query), std::string("MATCH (a)") + c.printed + "(b) RETURN a");
  }
  Result<Query> single = parse_cypher("MATCH (a)-[r]->(b) RETURN a");
  ASSERT_TRUE(single.ok());
  EXPECT_FALSE(single->clauses[0].as<MatchClause>().patterns[0].relationships[0].length);
  EXPECT_EQ(VarLength{}.min_hops(), 1);

  // An inverted range parses: it is an empty range, which matches nothing (openCypher).
  Result<Query> inverted = parse_cypher("MATCH (a)-[*3..1]->(b) RETURN a");
  ASSERT_TRUE(inverted.ok());
  EXPECT_EQ(to_string(*inverted), "MATCH (a)-[*3..1]->(b) RETURN a");
}

TEST(CypherParser, SeveralPatternsAndNamedPaths) {
  EXPECT_EQ(parsed("MATCH (a:Experiment), (b:Hypothesis) WHERE a.name = b.name RETURN a, b"),
            "MATCH (a:Experiment), (b:Hypothesis) WHERE (a.name = b.name) RETURN a, b");
  EXPECT_EQ(parsed("MATCH p = (a)-->(b) RETURN p"), "MATCH p = (a)-[]->(b) RETURN p");
  Result<Query> query = parse_cypher("MATCH p = (a)-->(b), (c) RETURN p");
  ASSERT_TRUE(query.ok());
  const MatchClause& match = query->clauses[0].as<MatchClause>();
  EXPECT_EQ(match.patterns[0].path_variable, "p");
  EXPECT_EQ(match.patterns[1].path_variable, "");
}

TEST(CypherParser, OptionalMatch) {
  EXPECT_EQ(parsed("MATCH (e:Experiment) OPTIONAL MATCH (e)-[:YIELDED]->(l:Learning) "
                   "RETURN e.name, l.text"),
            "MATCH (e:Experiment) OPTIONAL MATCH (e)-[:YIELDED]->(l:Learning) "
            "RETURN e.name, l.text");
  Result<Query> query = parse_cypher("optional match (n) return n");
  ASSERT_TRUE(query.ok());
  EXPECT_TRUE(query->clauses[0].as<MatchClause>().optional);
}

// --- Expressions ----------------------------------------------------------------------------

TEST(CypherParser, ComparisonsAndBooleanOperators) {
  EXPECT_EQ(where("n.a = 1"), "(n.a = 1)");
  EXPECT_EQ(where("n.a <> 1"), "(n.a <> 1)");
  EXPECT_EQ(where("n.a != 1"), "(n.a <> 1)");
  EXPECT_EQ(where("n.a < 1 AND n.b <= 2"), "((n.a < 1) AND (n.b <= 2))");
  EXPECT_EQ(where("n.a > 1 OR n.b >= 2"), "((n.a > 1) OR (n.b >= 2))");
  EXPECT_EQ(where("n.a XOR n.b"), "(n.a XOR n.b)");
  EXPECT_EQ(where("NOT n.a"), "(NOT n.a)");
  EXPECT_EQ(where("NOT NOT n.a"), "(NOT (NOT n.a))");
  // Precedence: NOT > AND > XOR > OR.
  EXPECT_EQ(where("a OR b XOR c AND NOT d"), "(a OR (b XOR (c AND (NOT d))))");
  EXPECT_EQ(where("NOT a = b"), "(NOT (a = b))");
  EXPECT_EQ(where("(a OR b) AND c"), "((a OR b) AND c)");
  // Keywords are case-insensitive.
  EXPECT_EQ(where("a and b Or not c"), "((a AND b) OR (NOT c))");
}

TEST(CypherParser, ChainedComparisonsAreConjunctions) {
  EXPECT_EQ(where("1 < n.x <= 10"), "((1 < n.x) AND (n.x <= 10))");
  EXPECT_EQ(where("a = b = c"), "((a = b) AND (b = c))");
}

TEST(CypherParser, StringListAndNullPredicates) {
  EXPECT_EQ(where("n.name STARTS WITH 'Sub'"), "(n.name STARTS WITH 'Sub')");
  EXPECT_EQ(where("n.name ENDS WITH $suffix"), "(n.name ENDS WITH $suffix)");
  EXPECT_EQ(where("n.name CONTAINS 'x'"), "(n.name CONTAINS 'x')");
  EXPECT_EQ(where("n.status IN ['running', 'stopped']"), "(n.status IN ['running', 'stopped'])");
  EXPECT_EQ(where("n.lift IS NULL"), "(n.lift IS NULL)");
  EXPECT_EQ(where("n.lift IS NOT NULL AND n.x"), "((n.lift IS NOT NULL) AND n.x)");
  EXPECT_EQ(where("n.a + 1 IN $xs"), "((n.a + 1) IN $xs)");
  EXPECT_EQ(where("n.name starts with 'a' = true"), "((n.name STARTS WITH 'a') = true)");
}

TEST(CypherParser, Arithmetic) {
  EXPECT_EQ(expr("1 + 2 * 3"), "(1 + (2 * 3))");
  EXPECT_EQ(expr("(1 + 2) * 3"), "((1 + 2) * 3)");
  EXPECT_EQ(expr("1 - 2 - 3"), "((1 - 2) - 3)");
  EXPECT_EQ(expr("10 / 3 % 2"), "((10 / 3) % 2)");
  EXPECT_EQ(expr("2 ^ 3 ^ 2"), "((2 ^ 3) ^ 2)");
  EXPECT_EQ(expr("2 * 3 ^ 2"), "(2 * (3 ^ 2))");
  EXPECT_EQ(expr("-n.x"), "(-n.x)");
  EXPECT_EQ(expr("- -1"), "(-(-1))");
  EXPECT_EQ(expr("+n.x"), "(+n.x)");
  EXPECT_EQ(expr("-2 ^ 2"), "(-2 ^ 2)");
  EXPECT_EQ(expr("1 -1"), "(1 - 1)");
  EXPECT_EQ(expr("a<-1"), "(a < -1)");
  EXPECT_EQ(expr("-(1)"), "(-(1))");
}

TEST(CypherParser, Literals) {
  EXPECT_EQ(expr("42"), "42");
  EXPECT_EQ(expr("0x1F"), "31");
  EXPECT_EQ(expr("0xff"), "255");
  EXPECT_EQ(expr("9223372036854775807"), "9223372036854775807");
  EXPECT_EQ(expr("-9223372036854775808"), "-9223372036854775808");
  EXPECT_EQ(expr("1.5"), "1.5");
  EXPECT_EQ(expr(".5"), "0.5");
  EXPECT_EQ(expr("1e3"), "1000.0");
  EXPECT_EQ(expr("2.5E-3"), "0.0025");
  EXPECT_EQ(expr("-1.5"), "-1.5");
  EXPECT_EQ(expr("true"), "true");
  EXPECT_EQ(expr("FALSE"), "false");
  EXPECT_EQ(expr("Null"), "null");
  EXPECT_EQ(expr("[]"), "[]");
  EXPECT_EQ(expr("[1, 'a', [true]]"), "[1, 'a', [true]]");
  EXPECT_EQ(expr("{}"), "{}");
  EXPECT_EQ(expr("{a: 1, `b c`: {d: null}}"), "{a: 1, `b c`: {d: null}}");
  EXPECT_EQ(expr("{limit: 1, order: 2}"), "{limit: 1, order: 2}");
}

TEST(CypherParser, StringLiteralsAndEscapes) {
  auto literal = [](std::string_view text) -> std::string {
    Result<Query> query = parse_cypher("RETURN " + std::string(text));
    if (!query.ok()) return "ERROR " + query.status().to_string();
    const Expr& e = *query->clauses[0].as<ReturnClause>().projection.items[0].expr;
    return e.as<LiteralExpr>().value.as_string();
  };
  EXPECT_EQ(literal("'single'"), "single");
  EXPECT_EQ(literal("\"double\""), "double");
  EXPECT_EQ(literal(R"('it\'s')"), "it's");
  EXPECT_EQ(literal(R"("say \"hi\"")"), "say \"hi\"");
  EXPECT_EQ(literal(R"("it's")"), "it's");
  EXPECT_EQ(literal(R"('a\nb\tc\\d')"), "a\nb\tc\\d");
  EXPECT_EQ(literal(R"('\u00e9\u20AC')"), "\xC3\xA9\xE2\x82\xAC");
  EXPECT_EQ(literal(R"('\uD83D\uDE00')"), "\xF0\x9F\x98\x80");
  EXPECT_EQ(literal("'multi\nline'"), "multi\nline");
  EXPECT_EQ(literal("'caf\xC3\xA9'"), "caf\xC3\xA9");
  EXPECT_EQ(literal("''"), "");
}

TEST(CypherParser, PropertiesParametersLabelsAndIndexing) {
  EXPECT_EQ(expr("n.name"), "n.name");
  EXPECT_EQ(expr("n.`weird key`"), "n.`weird key`");
  EXPECT_EQ(expr("m.a.b"), "m.a.b");
  EXPECT_EQ(expr("$name"), "$name");
  EXPECT_EQ(expr("$0"), "$0");
  EXPECT_EQ(where("n:Experiment"), "(n:Experiment)");
  EXPECT_EQ(where("n:A:B AND m:C"), "((n:A:B) AND (m:C))");
  EXPECT_EQ(expr("xs[0]"), "xs[0]");
  EXPECT_EQ(expr("xs[-1]"), "xs[-1]");
  EXPECT_EQ(expr("m['key']"), "m['key']");
  EXPECT_EQ(expr("xs[1..3]"), "xs[1..3]");
  EXPECT_EQ(expr("xs[..3]"), "xs[..3]");
  EXPECT_EQ(expr("xs[1..]"), "xs[1..]");
  EXPECT_EQ(expr("xs[0][1].a"), "xs[0][1].a");
  EXPECT_EQ(expr("[1, 2, 3][0]"), "[1, 2, 3][0]");
}

TEST(CypherParser, FunctionCalls) {
  EXPECT_EQ(expr("count(*)"), "count(*)");
  EXPECT_EQ(expr("COUNT(*)"), "count(*)");
  EXPECT_EQ(expr("count(n)"), "count(n)");
  EXPECT_EQ(expr("count(DISTINCT n.name)"), "count(DISTINCT n.name)");
  EXPECT_EQ(expr("collect(distinct x)"), "collect(DISTINCT x)");
  EXPECT_EQ(expr("coalesce(n.a, n.b, 0)"), "coalesce(n.a, n.b, 0)");
  EXPECT_EQ(expr("toInteger('42') + size([])"), "(toInteger('42') + size([]))");
  EXPECT_EQ(expr("rand()"), "rand()");
  EXPECT_EQ(expr("noSuchFunction(1)"), "noSuchFunction(1)");  // the binder rejects it, not us
  EXPECT_EQ(expr("apoc.text.join(xs, ',')"), "apoc.text.join(xs, ',')");
  EXPECT_EQ(expr("exists(n.name)"), "exists(n.name)");
  Result<Query> query = parse_cypher("RETURN Sum(x)");
  ASSERT_TRUE(query.ok());
  const auto& call =
      query->clauses[0].as<ReturnClause>().projection.items[0].expr->as<FunctionCallExpr>();
  EXPECT_EQ(call.name, "Sum");  // as written; function names compare case-insensitively
}

TEST(CypherParser, CaseExpressions) {
  EXPECT_EQ(expr("CASE WHEN n.lift > 0 THEN 'up' WHEN n.lift < 0 THEN 'down' ELSE 'flat' END"),
            "CASE WHEN (n.lift > 0) THEN 'up' WHEN (n.lift < 0) THEN 'down' ELSE 'flat' END");
  EXPECT_EQ(expr("case n.status when 'running' then 1 end"),
            "CASE n.status WHEN 'running' THEN 1 END");
  Status missing = failure("RETURN CASE ELSE 1 END");
  EXPECT_EQ(missing.message(), "syntax error at line 1, column 13: expected WHEN but found 'ELSE'");
}

TEST(CypherParser, IdentifiersAndComments) {
  EXPECT_EQ(parsed("MATCH (`my node`:`Odd Label`) RETURN `my node`"),
            "MATCH (`my node`:`Odd Label`) RETURN `my node`");
  EXPECT_EQ(parsed("MATCH (`a``b`) RETURN 1"), "MATCH (`a``b`) RETURN 1");
  // Identifiers are case-sensitive; keywords are not.
  Result<Query> query = parse_cypher("match (N) return n, N");
  ASSERT_TRUE(query.ok());
  const Projection& projection = query->clauses[1].as<ReturnClause>().projection;
  EXPECT_EQ(projection.items[0].expr->as<VariableExpr>().name, "n");
  EXPECT_EQ(projection.items[1].expr->as<VariableExpr>().name, "N");
  EXPECT_EQ(parsed("// leading comment\nMATCH (n) /* inline\n comment */ RETURN n // trailing"),
            "MATCH (n) RETURN n");
  EXPECT_EQ(parsed("MATCH (n) RETURN n;"), "MATCH (n) RETURN n");
  // Backquoted keywords are plain names.
  EXPECT_EQ(parsed("MATCH (`match`) RETURN `match`"), "MATCH (`match`) RETURN `match`");
}

// --- Projections --------------------------------------------------------------------------

TEST(CypherParser, ReturnProjection) {
  EXPECT_EQ(parsed("MATCH (n) RETURN n.name AS name, n.status"),
            "MATCH (n) RETURN n.name AS name, n.status");
  EXPECT_EQ(parsed("MATCH (n) RETURN DISTINCT n.status"), "MATCH (n) RETURN DISTINCT n.status");
  EXPECT_EQ(parsed("MATCH (n) RETURN *"), "MATCH (n) RETURN *");
  EXPECT_EQ(parsed("MATCH (n) RETURN *, count(*) AS c"), "MATCH (n) RETURN *, count(*) AS c");
  EXPECT_EQ(parsed("MATCH (n) RETURN n ORDER BY n.name DESC, n.id SKIP 5 LIMIT $limit"),
            "MATCH (n) RETURN n ORDER BY n.name DESC, n.id SKIP 5 LIMIT $limit");
  EXPECT_EQ(parsed("MATCH (n) RETURN n ORDER BY n.a ASCENDING, n.b DESCENDING, n.c ASC"),
            "MATCH (n) RETURN n ORDER BY n.a, n.b DESC, n.c");
  EXPECT_EQ(parsed("RETURN 1"), "RETURN 1");
  EXPECT_EQ(parsed("EXPLAIN MATCH (n) RETURN n"), "EXPLAIN MATCH (n) RETURN n");
  Result<Query> explain = parse_cypher("explain RETURN 1");
  ASSERT_TRUE(explain.ok());
  EXPECT_TRUE(explain->explain);
}

TEST(CypherParser, ColumnNamesAreAliasesOrSourceText) {
  Result<Query> query =
      parse_cypher("MATCH (n) RETURN n.name, count( * ), n.lift * 100 AS pct, `n`");
  ASSERT_TRUE(query.ok()) << query.status().to_string();
  const Projection& projection = query->clauses[1].as<ReturnClause>().projection;
  ASSERT_EQ(projection.items.size(), 4u);
  EXPECT_EQ(projection.items[0].name, "n.name");
  EXPECT_FALSE(projection.items[0].has_alias);
  EXPECT_EQ(projection.items[1].name, "count( * )");
  EXPECT_EQ(projection.items[2].name, "pct");
  EXPECT_TRUE(projection.items[2].has_alias);
  EXPECT_EQ(projection.items[3].name, "`n`");
}

TEST(CypherParser, WithAndUnwind) {
  EXPECT_EQ(parsed("MATCH (e:Experiment)-[:RUNS_ON]->(c:Channel) "
                   "WITH c, count(e) AS n WHERE n > 2 RETURN c.name, n ORDER BY n DESC LIMIT 10"),
            "MATCH (e:Experiment)-[:RUNS_ON]->(c:Channel) WITH c, count(e) AS n WHERE (n > 2) "
            "RETURN c.name, n ORDER BY n DESC LIMIT 10");
  EXPECT_EQ(parsed("MATCH (n) WITH DISTINCT n.status AS s ORDER BY s SKIP 1 LIMIT 2 RETURN s"),
            "MATCH (n) WITH DISTINCT n.status AS s ORDER BY s SKIP 1 LIMIT 2 RETURN s");
  EXPECT_EQ(parsed("WITH * MATCH (n) RETURN n"), "WITH * MATCH (n) RETURN n");
  EXPECT_EQ(parsed("UNWIND [1, 2, 3] AS x RETURN x"), "UNWIND [1, 2, 3] AS x RETURN x");
  EXPECT_EQ(parsed("UNWIND $ids AS id MATCH (n {key: id}) RETURN n"),
            "UNWIND $ids AS id MATCH (n {key: id}) RETURN n");
  Status unaliased = failure("MATCH (n) WITH n.name RETURN 1");
  EXPECT_EQ(unaliased.message(),
            "syntax error at line 1, column 16: expression in WITH must be aliased (use AS)");
}

TEST(CypherParser, EveryNodeCarriesItsPosition) {
  Result<Query> query = parse_cypher("MATCH (a)\n  -[r:T]->(b)\nWHERE a.x = 1\nRETURN b");
  ASSERT_TRUE(query.ok());
  const Clause& match_clause = query->clauses[0];
  EXPECT_EQ(match_clause.position, (SourcePosition{1, 1, 0}));
  const MatchClause& match = match_clause.as<MatchClause>();
  EXPECT_EQ(match.patterns[0].relationships[0].position.line, 2u);
  EXPECT_EQ(match.patterns[0].relationships[0].position.column, 3u);
  EXPECT_EQ(match.patterns[0].nodes[1].position.column, 11u);
  EXPECT_EQ(match.where->position.line, 3u);
  EXPECT_EQ(match.where->position.column, 11u);                        // the '=' operator
  EXPECT_EQ(match.where->as<BinaryExpr>().left->position.column, 8u);  // the '.'
  EXPECT_EQ(query->clauses[1].position.line, 4u);
}

TEST(CypherParser, AstHelpers) {
  Result<Query> query =
      parse_cypher("RETURN 1 + count(x), size([1]), CASE WHEN sum(y) > 1 THEN 1 END");
  ASSERT_TRUE(query.ok());
  const Projection& projection = query->clauses[0].as<ReturnClause>().projection;
  EXPECT_TRUE(contains_aggregate(*projection.items[0].expr));
  EXPECT_FALSE(contains_aggregate(*projection.items[1].expr));
  EXPECT_TRUE(contains_aggregate(*projection.items[2].expr));
  ExprPtr copy = clone(*projection.items[2].expr);
  EXPECT_EQ(to_string(*copy), to_string(*projection.items[2].expr));
  EXPECT_EQ(copy->position, projection.items[2].expr->position);
}

TEST(CypherParser, SubqueriesHoldReadingClausesAndMayEndWithReturn) {
  // The short form and a single MATCH print alike.
  EXPECT_EQ(where("EXISTS { (n)-->(m) WHERE m.x > 1 }"),
            "EXISTS { MATCH (n)-[]->(m) WHERE (m.x > 1) }");
  EXPECT_EQ(where("exists { match (n)-->(m) where m.x > 1 }"),
            "EXISTS { MATCH (n)-[]->(m) WHERE (m.x > 1) }");
  // Several clauses, each with its WHERE, OPTIONAL MATCH first or later, and a RETURN.
  EXPECT_EQ(where("EXISTS { MATCH (n)-->(m) WHERE m.x > 1 MATCH (m)-->(k), (k)-->(j) "
                  "OPTIONAL MATCH (j)-->(i) WHERE i.y = 2 RETURN k, 1 AS one }"),
            "EXISTS { MATCH (n)-[]->(m) WHERE (m.x > 1) MATCH (m)-[]->(k), (k)-[]->(j) "
            "OPTIONAL MATCH (j)-[]->(i) WHERE (i.y = 2) RETURN k, 1 AS one }");
  // WITH (aggregating, with its WHERE) and UNWIND, first or later; no RETURN needed.
  EXPECT_EQ(where("EXISTS { MATCH (n)-->(m) WITH n, count(*) AS c WHERE c > 1 RETURN true }"),
            "EXISTS { MATCH (n)-[]->(m) WITH n, count(*) AS c WHERE (c > 1) RETURN true }");
  EXPECT_EQ(expr("COUNT { UNWIND n.xs AS x WITH DISTINCT x ORDER BY x LIMIT 3 }"),
            "COUNT { UNWIND n.xs AS x WITH DISTINCT x ORDER BY x LIMIT 3 }");
  // exists() on a pattern is the short form.
  EXPECT_EQ(where("exists((n)-->(m))"), "EXISTS { MATCH (n)-[]->(m) }");
  EXPECT_EQ(expr("COUNT { OPTIONAL MATCH (a)-->(b) RETURN * }"),
            "COUNT { OPTIONAL MATCH (a)-[]->(b) RETURN * }");
  // A subquery nested in a clause's WHERE.
  EXPECT_EQ(where("EXISTS { MATCH (m) WHERE EXISTS { MATCH (n)-->(m) RETURN true } RETURN true }"),
            "EXISTS { MATCH (m) WHERE EXISTS { MATCH (n)-[]->(m) RETURN true } RETURN true }");
  // The short form takes no further clause.
  Status short_form = failure("MATCH (n) WHERE EXISTS { (n)-->(m) MATCH (m)-->() } RETURN n");
  EXPECT_EQ(short_form.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(short_form.message().find("expected '}'"), std::string::npos) << short_form.message();
  // Write clauses inside are refused as everywhere else.
  Status write = failure("MATCH (n) WHERE EXISTS { MATCH (n)-->(m) SET m.x = 1 } RETURN n");
  EXPECT_EQ(write.error_code(), "read_only_query");
  EXPECT_EQ(write.message(),
            "SET is a write clause; expgraph queries are read-only (line 1, column 42)");
}

TEST(CypherParser, PrintedQueriesParseBackToTheSameTree) {
  const char* queries[] = {
      "MATCH (a:Experiment {name: 'x'})-[r:TESTS|RUNS_ON*1..3]->(b) WHERE a.x IN [1, 2] "
      "RETURN DISTINCT a.name AS name ORDER BY name DESC SKIP 1 LIMIT 2",
      "UNWIND $xs AS x WITH x, count(*) AS c WHERE c > 1 RETURN x, c",
      "OPTIONAL MATCH p = (`a b`)<-[:T]-() RETURN p",
      "MATCH (n) WHERE EXISTS { MATCH (n)-->(m) OPTIONAL MATCH (m)-->(k) WHERE k.x > 1 RETURN k } "
      "RETURN COUNT { MATCH (n)--(a) MATCH (a)--(b) RETURN * } AS c",
      "MATCH (n) WHERE EXISTS { MATCH (n)-->(m) WITH n, count(*) AS c WHERE c > 1 RETURN true } "
      "RETURN COUNT { UNWIND n.xs AS x WITH x ORDER BY x SKIP 1 RETURN DISTINCT x AS y } AS c",
  };
  for (const char* text : queries) {
    std::string once = parsed(text);
    EXPECT_EQ(parsed(once), once);
  }
}

// --- Errors ---------------------------------------------------------------------------------

TEST(CypherParser, SyntaxErrorsPointAtTheOffendingToken) {
  Status status = failure("MATCH (n WHERE n.x = 1) RETURN n");
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "syntax error at line 1, column 10: expected ')' but found 'WHERE'");
  ASSERT_EQ(status.details().size(), 1u);
  EXPECT_EQ(status.details()[0], "line:1 column:10");

  Status multiline = failure("MATCH (n)\nWHERE n.x = \nRETURN n");
  EXPECT_EQ(multiline.message(),
            "syntax error at line 3, column 1: expected an expression but found 'RETURN'");
  EXPECT_EQ(multiline.details()[0], "line:3 column:1");

  struct Case {
    const char* query;
    const char* message;
  };
  const Case cases[] = {
      {"MATCH (n) RETURN",
       "syntax error at line 1, column 17: expected an expression but found end of input"},
      {"MATCH (n)", "syntax error at line 1, column 10: a query must end with RETURN"},
      {"MATCH (n) RETURN n LIMIT",
       "syntax error at line 1, column 25: expected an expression but found end of input"},
      {"MATCH (n) RETURN n n",
       "syntax error at line 1, column 20: expected end of query but found 'n'"},
      {"MATCH (n)-[r->(m) RETURN n",
       "syntax error at line 1, column 13: expected ']' but found '-'"},
      {"MATCH (n) WHERE n.x = 'abc RETURN n",
       "syntax error at line 1, column 23: unterminated string literal"},
      {"RETURN 'a\\qb'", "syntax error at line 1, column 10: invalid escape sequence '\\q'"},
      {"RETURN 1 /* open", "syntax error at line 1, column 10: unterminated comment"},
      {"RETURN 12abc", "syntax error at line 1, column 8: invalid number literal"},
      {"RETURN 9223372036854775808",
       "syntax error at line 1, column 8: integer literal is too large"},
      {"RETURN 1e999", "syntax error at line 1, column 8: float literal is out of range"},
      {"RETURN #", "syntax error at line 1, column 8: unexpected character '#'"},
      {"RETURN $", "syntax error at line 1, column 8: expected a parameter name after '$'"},
      {"RETURN [1, 2", "syntax error at line 1, column 13: expected ']' but found end of input"},
      {"RETURN {a 1}", "syntax error at line 1, column 11: expected ':' but found '1'"},
      {"MATCH (n) RETURN n ORDER n",
       "syntax error at line 1, column 26: expected BY but found 'n'"},
      {"WHERE n.x = 1 RETURN n",
       "syntax error at line 1, column 1: expected a clause (MATCH, OPTIONAL MATCH, UNWIND, WITH "
       "or RETURN) but found 'WHERE'"},
      {"RETURN '\xC3\xA9' 1",
       "syntax error at line 1, column 12: expected end of query but found '1'"},
      {"UNWIND [1] AS RETURN 1",
       "syntax error at line 1, column 15: expected a variable name but found 'RETURN'"},
      {"EXPLAIN",
       "syntax error at line 1, column 8: expected a clause (MATCH, UNWIND, WITH or RETURN) but "
       "found end of input"},
  };
  for (const Case& c : cases) {
    Status s = failure(c.query);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << c.query;
    EXPECT_EQ(s.message(), c.message) << c.query;
  }
}

TEST(CypherParser, WriteClausesAreRejectedByNameAndPosition) {
  struct Case {
    const char* query;
    const char* message;
  };
  const Case cases[] = {
      {"CREATE (n:Experiment {name: 'x'}) RETURN n",
       "CREATE is a write clause; expgraph queries are read-only (line 1, column 1)"},
      {"MATCH (n) SET n.name = 'x' RETURN n",
       "SET is a write clause; expgraph queries are read-only (line 1, column 11)"},
      {"MATCH (n)\nDETACH DELETE n",
       "DETACH DELETE is a write clause; expgraph queries are read-only (line 2, column 1)"},
      {"MATCH (n) delete n",
       "DELETE is a write clause; expgraph queries are read-only (line 1, column 11)"},
      {"MERGE (n:Team {name: 'a'}) RETURN n",
       "MERGE is a write clause; expgraph queries are read-only (line 1, column 1)"},
      {"MATCH (n) REMOVE n.x RETURN n",
       "REMOVE is a write clause; expgraph queries are read-only (line 1, column 11)"},
      {"MATCH (n) RETURN n CREATE (m)",
       "CREATE is a write clause; expgraph queries are read-only (line 1, column 20)"},
  };
  for (const Case& c : cases) {
    Status s = failure(c.query);
    EXPECT_EQ(s.code(), StatusCode::kUnprocessable) << c.query;
    EXPECT_EQ(s.error_code(), "read_only_query") << c.query;
    EXPECT_EQ(s.message(), c.message) << c.query;
  }
}

TEST(CypherParser, UnsupportedConstructsAreNamed) {
  struct Case {
    const char* query;
    const char* message_start;
  };
  const Case cases[] = {
      {"CALL db.labels()", "CALL is not supported"},
      {"FOREACH (x IN [1] | CREATE ())", "FOREACH is not supported"},
      {"LOAD CSV FROM 'f' AS row RETURN row", "LOAD CSV is not supported"},
      {"RETURN 1 UNION RETURN 2", "UNION is not supported (line 1, column 10)"},
      {"MATCH (n) WHERE n.name =~ 'a.*' RETURN n", "regular expression match =~ is not supported"},
      {"MATCH p = shortestPath((a)-[*]-(b)) RETURN p", "shortestPath is not supported"},
      {"PROFILE MATCH (n) RETURN n", "PROFILE is not supported"},
      {"RETURN filter(x IN [1] WHERE x > 0)",
       "the list function filter(... IN ...) is not supported"},
      {"RETURN EXISTS { MATCH (n) RETURN n MATCH (m) }",
       "MATCH after the RETURN of EXISTS { } is not supported; RETURN ends the subquery"},
      {"RETURN COUNT { MATCH (n) RETURN n WITH n }",
       "WITH after the RETURN of COUNT { } is not supported; RETURN ends the subquery "
       "(line 1, column 35)"},
      {"RETURN EXISTS { MATCH (n) CALL db.labels() }", "CALL is not supported"},
      {"RETURN EXISTS { MATCH (n) RETURN n UNION RETURN 1 }", "UNION is not supported"},
      {"RETURN COUNT { CALL { MATCH (n) RETURN n } }", "CALL is not supported"},
      {"MATCH (a:Experiment) USING INDEX a:Experiment(status) WHERE a.status = 'x' RETURN a",
       "a USING hint (USING INDEX, SCAN or JOIN) is not supported (line 1, column 22)"},
      {"USING PERIODIC COMMIT LOAD CSV FROM 'f' AS row RETURN row",
       "USING PERIODIC COMMIT is not supported"},
      {"MATCH (n:Experiment) RETURN n{.name, .status}",
       "a map projection (n{...}) is not supported; build the map with a literal"},
      {"MATCH (n:Experiment|Hypothesis) RETURN n",
       "a label alternative (:A|B) is not supported; write WHERE n:A OR n:B (line 1, column 20)"},
      {"MATCH (n) WHERE n:Experiment|Hypothesis RETURN n",
       "a label alternative (:A|B) is not supported; write n:A OR n:B (line 1, column 29)"},
      {"MATCH ((a)-[:TESTS]->(b)){1,3} RETURN a",
       "a parenthesized path pattern ((a)-->(b)) is not supported; to repeat a pattern"},
      {"MATCH (a)-[:TESTS]->{1,3}(b) RETURN a",
       "a quantified path pattern ({m,n}) is not supported; write a variable-length"},
  };
  for (const Case& c : cases) {
    Status s = failure(c.query);
    EXPECT_EQ(s.error_code(), "unsupported_construct") << c.query << ": " << s.to_string();
    EXPECT_EQ(s.message().rfind(c.message_start, 0), 0u) << c.query << ": " << s.message();
  }
}

TEST(CypherParser, EmptyAndBlankQueries) {
  for (const char* text : {"", "   ", "\n\t", "// only a comment", "/* */"}) {
    Status s = failure(text);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << text;
    EXPECT_NE(s.message().find("empty query"), std::string::npos) << s.message();
  }
  Status semicolon = failure(";");
  EXPECT_EQ(semicolon.code(), StatusCode::kInvalidArgument);
}

TEST(CypherParser, InvalidUtf8IsRejectedWithItsPosition) {
  Status s = failure("MATCH (n)\nWHERE n.name = 'caf\xE9' RETURN n");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(
      s.message(),
      "query is not valid UTF-8: invalid byte sequence at line 2, column 20 (byte offset 29)");
  EXPECT_EQ(s.details()[0], "line:2 column:20");
  // Overlong encodings, surrogates, truncated sequences and stray continuation bytes.
  for (std::string bad : {"RETURN '\xC0\xAF'", "RETURN '\xED\xA0\x80'", "RETURN '\xF0\x9F\x98'",
                          "RETURN '\x80'", "RETURN '\xF5\x80\x80\x80'", "\xFF"}) {
    EXPECT_EQ(failure(bad).code(), StatusCode::kInvalidArgument);
  }
  // A NUL byte is valid UTF-8 but not a token.
  EXPECT_EQ(failure(std::string("RETURN 1\0", 9)).message(),
            "syntax error at line 1, column 9: unexpected character '\\x00'");
}

TEST(CypherParser, NestingDepthIsCapped) {
  auto nested = [](int depth, std::string_view open, std::string_view close) {
    std::string text = "RETURN ";
    for (int i = 0; i < depth; ++i) text += open;
    text += "1";
    for (int i = 0; i < depth; ++i) text += close;
    return text;
  };
  EXPECT_TRUE(parse_cypher(nested(100, "(", ")")).ok());
  EXPECT_TRUE(parse_cypher(nested(100, "[", "]")).ok());
  for (auto [open, close] :
       std::vector<std::pair<std::string, std::string>>{{"(", ")"},
                                                        {"[", "]"},
                                                        {"{a: ", "}"},
                                                        {"NOT ", ""},
                                                        {"-", ""},
                                                        {"size(", ")"},
                                                        {"CASE WHEN true THEN ", " END"}}) {
    Status s = failure(nested(20000, open, close));
    EXPECT_EQ(s.error_code(), "nesting_too_deep") << open;
    EXPECT_NE(s.message().find("exceeds the limit of 256 levels"), std::string::npos);
    ASSERT_FALSE(s.details().empty());
  }
  // Long left-associative chains build deep trees too.
  std::string chain = "RETURN 1";
  for (int i = 0; i < 100000; ++i) chain += " + 1";
  EXPECT_EQ(failure(chain).error_code(), "nesting_too_deep");
  std::string ands = "RETURN true";
  for (int i = 0; i < 100000; ++i) ands += " AND true";
  EXPECT_EQ(failure(ands).error_code(), "nesting_too_deep");
  std::string properties = "RETURN m";
  for (int i = 0; i < 100000; ++i) properties += ".a";
  EXPECT_EQ(failure(properties).error_code(), "nesting_too_deep");
  // Wide is fine: a long flat list and a long pattern are not deep. A pattern is bounded by
  // its own limit, kMaxPatternNodes node patterns (planning it is not under the query budget).
  std::string wide = "RETURN [1";
  for (int i = 0; i < 50000; ++i) wide += ", 1";
  EXPECT_TRUE(parse_cypher(wide + "]").ok());
  std::string path = "MATCH (a)";
  for (int i = 1; i < kMaxPatternNodes; ++i) path += "-->()";
  EXPECT_TRUE(parse_cypher(path + " RETURN a").ok());
  EXPECT_EQ(failure(path + "-->() RETURN a").error_code(), "too_many_patterns");
  for (int i = 0; i < 5000; ++i) path += "-->()";
  EXPECT_EQ(failure(path + " RETURN a").error_code(), "too_many_patterns");
}

// --- Robustness -----------------------------------------------------------------------------

TEST(CypherParser, TruncationsAndMutationsNeverCrash) {
  const std::vector<std::string> seeds = {
      "MATCH (e:Experiment {name: 'x', n: $p})-[r:TESTS|:RUNS_ON*1..3]->(h:Hypothesis) "
      "WHERE e.lift >= 0.5 AND NOT h.status IN ['draft', null] OR e.name STARTS WITH \"A\\n\" "
      "WITH e, count(DISTINCT h) AS n, collect(h.name)[0..2] AS names WHERE n > 1 "
      "UNWIND names AS name RETURN DISTINCT e.name AS e, n, name ORDER BY n DESC SKIP 1 LIMIT 5",
      "EXPLAIN OPTIONAL MATCH p = (a)<-[:T]-(b)--(c) RETURN *, CASE a.x WHEN 1 THEN -2 ^ 3 % 4 "
      "ELSE coalesce(a.y, 0x1F, .5e3) END AS v // comment\n",
      "MATCH (n) WHERE n.a IS NOT NULL XOR n:Label AND n.b[-1] <> {k: [1, {m: `q`}]} /* c */ "
      "RETURN toInteger(n.c) + size($xs), n.`odd name`;",
      "MATCH (n) WHERE EXISTS { MATCH (n)-[r]->(m) WHERE m.x > 1 OPTIONAL MATCH (m)-->(k) "
      "RETURN k } AND COUNT { (n)--() } > 2 RETURN n",
  };
  const std::string alphabet = "()[]{}<>-=:,.|*$'\"`\\/ \n09aZ_\xC3\xA9\xFF";
  std::mt19937 rng(20240611);
  size_t parsed_ok = 0;
  size_t runs = 0;
  for (const std::string& seed : seeds) {
    ASSERT_TRUE(parse_cypher(seed).ok()) << parse_cypher(seed).status().to_string();
    for (size_t cut = 0; cut <= seed.size(); ++cut) {
      Result<Query> result = parse_cypher(std::string_view(seed).substr(0, cut));
      parsed_ok += result.ok();
      ++runs;
    }
    for (int i = 0; i < 3000; ++i) {
      std::string mutated = seed;
      int edits = 1 + static_cast<int>(rng() % 4);
      for (int e = 0; e < edits && !mutated.empty(); ++e) {
        size_t at = rng() % mutated.size();
        switch (rng() % 4) {
          case 0:
            mutated.erase(at, 1);
            break;
          case 1:
            mutated.insert(at, 1, alphabet[rng() % alphabet.size()]);
            break;
          case 2:
            mutated[at] = alphabet[rng() % alphabet.size()];
            break;
          default: {
            size_t length = rng() % 8;
            mutated.insert(at, mutated.substr(rng() % mutated.size(), length));
          }
        }
      }
      Result<Query> result = parse_cypher(mutated);
      if (result.ok()) {
        // Whatever parses must print and re-parse to the same tree.
        std::string printed = to_string(*result);
        Result<Query> again = parse_cypher(printed);
        ASSERT_TRUE(again.ok()) << mutated << "\nprinted: " << printed << "\n"
                                << again.status().to_string();
        EXPECT_EQ(to_string(*again), printed) << mutated;
        ++parsed_ok;
      } else {
        EXPECT_FALSE(result.status().message().empty());
      }
      ++runs;
    }
  }
  EXPECT_GT(runs, 9000u);
  EXPECT_GT(parsed_ok, 0u);
}

TEST(CypherParser, AllByteStringsOfLengthTwoAreHandled) {
  for (int a = 0; a < 256; ++a) {
    for (int b = 0; b < 256; b += 3) {
      std::string text = "RETURN ";
      text += static_cast<char>(a);
      text += static_cast<char>(b);
      Result<Query> result = parse_cypher(text);
      if (!result.ok()) {
        EXPECT_FALSE(result.status().message().empty());
      }
    }
  }
}

}  // namespace
}  // namespace expgraph::cypher
