// The abstract syntax tree of a read-only openCypher query, as the parser produces it and the
// planner consumes it. An owned tree (unique_ptr / vector) where every node carries the source
// position it came from. Names are not resolved here: the binder checks variables, labels
// (ontology node types), relationship types and function names. Not thread-safe to mutate;
// safe to read from several threads.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "query/cypher/token.h"
#include "query/cypher/value.h"

namespace expgraph::cypher {

struct Expr;

// A syntax-tree node that is one of several alternatives, with where it began in the text.
// `Kind` enumerates the alternatives in the same order, for switch statements.
template <typename Kind, typename... Alternatives>
struct TaggedNode {
  using Node = std::variant<Alternatives...>;
  SourcePosition position;
  Node node;

  Kind kind() const { return static_cast<Kind>(node.index()); }
  template <typename T>
  const T& as() const {
    return std::get<T>(node);
  }
  template <typename T>
  T& as() {
    return std::get<T>(node);
  }
  template <typename T>
  bool is() const {
    return std::holds_alternative<T>(node);
  }
};

using ExprPtr = std::unique_ptr<Expr>;

// --- Patterns -------------------------------------------------------------------------------

// (variable:Label {key: value})
struct NodePattern {
  SourcePosition position;
  std::string variable;             // empty when anonymous
  std::vector<std::string> labels;  // all must hold
  ExprPtr properties;               // MapExpr or ParameterExpr; null when absent
};

enum class Direction {
  kOutgoing,  // (a)-[]->(b)
  kIncoming,  // (a)<-[]-(b)
  kBoth,      // (a)-[]-(b): either direction
};

// *, *2, *1..3, *..3, *2..: an absent min means 1, an absent max means unbounded; *2 sets both.
struct VarLength {
  std::optional<int64_t> min;
  std::optional<int64_t> max;
  int64_t min_hops() const { return min.value_or(1); }
};

// -[variable:T1|T2 *1..3 {key: value}]->
struct RelationshipPattern {
  SourcePosition position;
  std::string variable;            // empty when anonymous
  std::vector<std::string> types;  // alternatives; empty means any type
  Direction direction = Direction::kBoth;
  std::optional<VarLength> length;  // absent: exactly one hop
  ExprPtr properties;               // MapExpr or ParameterExpr; null when absent
};

// [path =] (n0) -r0- (n1) -r1- ... : nodes.size() == relationships.size() + 1, and
// relationships[i] connects nodes[i] to nodes[i + 1] (direction relative to that order).
struct PatternPart {
  SourcePosition position;
  std::string path_variable;  // empty unless named (p = ...)
  std::vector<NodePattern> nodes;
  std::vector<RelationshipPattern> relationships;
};

// --- Expressions ----------------------------------------------------------------------------

enum class UnaryOp { kNot, kNegate, kPlus, kIsNull, kIsNotNull };

enum class BinaryOp {
  kOr,
  kXor,
  kAnd,
  kEq,
  kNotEq,
  kLess,
  kLessEq,
  kGreater,
  kGreaterEq,
  kIn,
  kStartsWith,
  kEndsWith,
  kContains,
  kAdd,
  kSubtract,
  kMultiply,
  kDivide,
  kModulo,
  kPower,
};

// A scalar literal: null, true/false, integer, float or string. List and map literals are
// ListExpr and MapExpr because their elements may be arbitrary expressions.
struct LiteralExpr {
  Value value;
};
// $name (or $0): looked up in the request's parameters at execution.
struct ParameterExpr {
  std::string name;
};
struct VariableExpr {
  std::string name;
};
// object.key: a node/relationship property or a map entry.
struct PropertyExpr {
  ExprPtr object;
  std::string key;
};
// object:A:B, true when the node has every listed label (expgraph nodes have exactly one: their
// ontology type). Also used for relationships (r:TYPE).
struct LabelsExpr {
  ExprPtr object;
  std::vector<std::string> labels;
};
struct ListExpr {
  std::vector<ExprPtr> items;
};
// {key: expr, ...}, keys in source order (duplicates: the last one wins at evaluation).
struct MapExpr {
  std::vector<std::pair<std::string, ExprPtr>> entries;
};
// container[index]
struct IndexExpr {
  ExprPtr container;
  ExprPtr index;
};
// list[from..to]; either bound may be absent (null pointer).
struct SliceExpr {
  ExprPtr list;
  ExprPtr from;
  ExprPtr to;
};
struct UnaryExpr {
  UnaryOp op;
  ExprPtr operand;
};
struct BinaryExpr {
  BinaryOp op;
  ExprPtr left;
  ExprPtr right;
};
// name(args) or name(DISTINCT args). `name` is as written (possibly dotted: "a.b.c"); function
// names are case-insensitive, so compare with is_aggregate_function() / call_function().
struct FunctionCallExpr {
  std::string name;
  bool distinct = false;
  std::vector<ExprPtr> args;
};
// count(*)
struct CountStarExpr {};
// CASE [subject] WHEN w THEN t ... [ELSE e] END. Without a subject each `when` is a predicate;
// with one, each `when` is compared to the subject with `=`.
struct CaseExpr {
  ExprPtr subject;  // may be null
  std::vector<std::pair<ExprPtr, ExprPtr>> branches;
  ExprPtr otherwise;  // may be null (then the result is null)
};

// [x IN list WHERE predicate | projection]: `where` and `projection` may be null. `variable`
// is visible only inside `where` and `projection`.
struct ListComprehensionExpr {
  std::string variable;
  ExprPtr list;
  ExprPtr where;
  ExprPtr projection;
};

enum class Quantifier { kAll, kAny, kNone, kSingle };

// all / any / none / single(x IN list WHERE predicate).
struct QuantifierExpr {
  Quantifier quantifier = Quantifier::kAny;
  std::string variable;
  ExprPtr list;
  ExprPtr where;
};

// reduce(accumulator = initial, variable IN list | expression).
struct ReduceExpr {
  std::string accumulator;
  ExprPtr initial;
  std::string variable;
  ExprPtr list;
  ExprPtr expression;
};

// What a pattern inside an expression evaluates to.
enum class PatternMode {
  kPredicate,      // (a)-->(b) in WHERE: true when it matches (null when an endpoint is null)
  kExists,         // EXISTS { ... }: true when its clauses give a row
  kCount,          // COUNT { ... }: the number of rows its clauses give
  kComprehension,  // [p = (a)-->(b) WHERE ... | projection]: a list, one item per match
};

struct Clause;

// A pattern evaluated once per row against the graph (a predicate or a comprehension), or an
// EXISTS { } / COUNT { } subquery. Variables that the enclosing scope binds are read from the
// row; the others are local to the expression.
struct PatternExpr {
  PatternMode mode = PatternMode::kPredicate;
  // kPredicate and kComprehension: the patterns, their WHERE and (kComprehension) projection.
  std::vector<PatternPart> patterns;
  ExprPtr where;       // may be null
  ExprPtr projection;  // kComprehension only
  // kExists and kCount: the subquery's clauses (MATCH, OPTIONAL MATCH, UNWIND, WITH, and a
  // closing RETURN or none), run as the clauses of a query are, starting from the outer row.
  // The short form `EXISTS { (a)-->(b) WHERE ... }` and `exists((a)-->(b))` are one MATCH.
  std::vector<Clause> body;
  // The names bound outside the expression that it reads: for a pattern, its variables bound
  // outside, in pattern order; for a subquery, every outer variable its clauses read (they are
  // copied into its first row). Resolved by the binder (bind_query), the one writer, since only
  // it knows the enclosing scope.
  mutable std::vector<std::string> outer_variables;

  bool is_subquery() const { return mode == PatternMode::kExists || mode == PatternMode::kCount; }
};

enum class ExprKind {
  kLiteral,
  kParameter,
  kVariable,
  kProperty,
  kLabels,
  kList,
  kMap,
  kIndex,
  kSlice,
  kUnary,
  kBinary,
  kFunctionCall,
  kCountStar,
  kCase,
  kListComprehension,
  kQuantifier,
  kReduce,
  kPattern,
};

struct Expr : TaggedNode<ExprKind, LiteralExpr, ParameterExpr, VariableExpr, PropertyExpr,
                         LabelsExpr, ListExpr, MapExpr, IndexExpr, SliceExpr, UnaryExpr, BinaryExpr,
                         FunctionCallExpr, CountStarExpr, CaseExpr, ListComprehensionExpr,
                         QuantifierExpr, ReduceExpr, PatternExpr> {};

// A deep copy (the planner may need the same expression in two operators).
ExprPtr clone(const Expr& expr);
// The conjuncts of `expr` (A AND B AND C gives A, B, C; anything else gives itself), appended in
// the order the evaluator reaches them.
void split_and(const Expr& expr, std::vector<const Expr*>& out);
// Whether the expression calls an aggregate (count(*), sum(...), ...) anywhere inside it.
bool contains_aggregate(const Expr& expr);
// Calls visit(child) for each direct sub-expression of `expr`, in source order (for a
// comprehension, quantifier, reduce or pattern also the parts that see its local variables).
void for_each_child(const Expr& expr, const std::function<void(const Expr&)>& visit);

PatternPart clone(const PatternPart& part);
// A copy of `expr` where each sub-expression written like items[i] (compared as to_string
// writes them) becomes the variable names[i]: how an ORDER BY key reads projected columns.
// The local parts of comprehensions and patterns are left as they are.
ExprPtr substitute_items(const Expr& expr, const std::vector<const Expr*>& items,
                         const std::vector<std::string>& names);

// --- Clauses --------------------------------------------------------------------------------

struct MatchClause {
  bool optional = false;
  std::vector<PatternPart> patterns;  // comma-separated, at least one
  ExprPtr where;                      // null when absent
};

struct UnwindClause {
  ExprPtr list;
  std::string variable;
};

struct ProjectionItem {
  SourcePosition position;
  ExprPtr expr;
  // The result column name: the alias when given, else the expression's source text as written
  // (so `RETURN n.name` has the column "n.name", as in other Cypher engines).
  std::string name;
  bool has_alias = false;
};

struct SortItem {
  ExprPtr expr;
  bool descending = false;
};

// The shared body of WITH and RETURN.
struct Projection {
  bool distinct = false;
  bool star = false;  // `*`: every variable in scope, before `items`
  std::vector<ProjectionItem> items;
  std::vector<SortItem> order_by;
  ExprPtr skip;   // null when absent; must evaluate to a non-negative integer
  ExprPtr limit;  // null when absent; must evaluate to a non-negative integer
};

struct WithClause {
  Projection projection;
  ExprPtr where;  // filters after projection; null when absent
  // When the WITH is DISTINCT or aggregates: where_reading_columns(projection, *where), the
  // filter the planner runs. Made by the binder (bind_query), which checks this copy, so that
  // the patterns and subqueries inside it carry their outer variables; null otherwise.
  mutable ExprPtr where_over_columns;
};

struct ReturnClause {
  Projection projection;
};

enum class ClauseKind { kMatch, kUnwind, kWith, kReturn };

struct Clause : TaggedNode<ClauseKind, MatchClause, UnwindClause, WithClause, ReturnClause> {};

// A deep copy (a subquery's clauses are copied with the expression that holds them).
Clause clone(const Clause& clause);
// Calls visit(e) for each expression written directly in `clause`, in source order: its
// patterns' property maps, WHERE (of a bound aggregating or DISTINCT WITH: the copy that runs,
// where_over_columns), UNWIND's list, the projection's items, ORDER BY keys, SKIP and LIMIT (not
// their sub-expressions: for_each_child walks those).
void for_each_expression(const Clause& clause, const std::function<void(const Expr&)>& visit);

// Builds an expression node at `position`. Declared after Clause: building an Expr destroys one,
// and a PatternExpr's clauses must be a complete type by then (clang checks it where the
// template is defined; GCC only where it is used).
template <typename T>
ExprPtr make_expr(SourcePosition position, T node) {
  return std::make_unique<Expr>(Expr{{position, Expr::Node(std::move(node))}});
}

// A whole query. The parser guarantees at least one clause and that the last clause, and only
// the last, is a RETURN.
struct Query {
  bool explain = false;  // EXPLAIN prefix: plan only, do not execute
  std::vector<Clause> clauses;
};

// --- Printing -------------------------------------------------------------------------------
// Deterministic renderings for tests, EXPLAIN output and error messages. The output is valid
// Cypher that parses back to the same tree: every operator application is parenthesized, so the
// tree shape is visible (`((n.name = 'x') AND (n.n > 1))`), and names are backquoted as needed.

std::string to_string(const Expr& expr);
std::string to_string(const PatternPart& pattern);
std::string to_string(const Clause& clause);
// The WHERE of a WITH that is DISTINCT or aggregates, with each part written like one of its
// grouping items (those without aggregates) reading that item's column, as an ORDER BY key
// does: `WITH DISTINCT a.name AS name WHERE a.name = 'B'`. Null when the WITH does neither
// (then the WHERE reads the variables before it directly).
ExprPtr where_reading_columns(const Projection& projection, const Expr& where);

std::string to_string(const Query& query);     // clauses separated by a single space
std::string_view binary_op_name(BinaryOp op);  // "AND", "=", "STARTS WITH", "+", ...
std::string_view unary_op_name(UnaryOp op);    // "NOT", "-", "+", "IS NULL", "IS NOT NULL"

}  // namespace expgraph::cypher
