#include "query/cypher/ast.h"

#include "query/cypher/functions.h"
#include "query/cypher/lexer.h"

namespace expgraph::cypher {

namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
// Spelled out for clang before 17 (the fuzz build), which lacks C++20 aggregate deduction.
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

ExprPtr clone_or_null(const ExprPtr& expr) { return expr ? clone(*expr) : nullptr; }

// Names print bare when they are plain identifiers, else backquoted, so output re-parses.
std::string name_text(const std::string& name) {
  bool plain = !name.empty() && !(name[0] >= '0' && name[0] <= '9');
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || static_cast<unsigned char>(c) >= 0x80;
    if (!ok) plain = false;
  }
  if (plain) return name;
  std::string quoted = "`";
  for (char c : name) {
    quoted += c;
    if (c == '`') quoted += '`';
  }
  quoted += '`';
  return quoted;
}

// Variables and aliases additionally need quotes when they are reserved words (`match`).
std::string variable_text(const std::string& name) {
  if (is_reserved_word(name)) return "`" + name + "`";
  return name_text(name);
}

std::string parameter_text(const std::string& name) {
  bool digits = !name.empty();
  for (char c : name) digits = digits && c >= '0' && c <= '9';
  return "$" + (digits ? name : name_text(name));
}

void print(std::string& out, const Expr& expr);

// "x IN list [WHERE predicate]", shared by list comprehensions and quantifiers.
void print_in_where(std::string& out, const std::string& variable, const Expr& list,
                    const Expr* where) {
  out += variable_text(variable);
  out += " IN ";
  print(out, list);
  if (where != nullptr) {
    out += " WHERE ";
    print(out, *where);
  }
}
void print_pattern_part(std::string& out, const PatternPart& pattern);

std::string_view quantifier_name(Quantifier quantifier) {
  switch (quantifier) {
    case Quantifier::kAll:
      return "all";
    case Quantifier::kAny:
      return "any";
    case Quantifier::kNone:
      return "none";
    case Quantifier::kSingle:
      return "single";
  }
  return "any";
}

void print_list(std::string& out, const std::vector<ExprPtr>& items) {
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    print(out, *items[i]);
  }
}

void print_map(std::string& out, const MapExpr& map) {
  out += '{';
  for (size_t i = 0; i < map.entries.size(); ++i) {
    if (i > 0) out += ", ";
    out += name_text(map.entries[i].first);
    out += ": ";
    print(out, *map.entries[i].second);
  }
  out += '}';
}

bool is_number_literal(const Expr& expr) {
  return expr.is<LiteralExpr>() && expr.as<LiteralExpr>().value.is_number();
}

void print(std::string& out, const Expr& expr) {
  std::visit(Overloaded{
                 [&](const LiteralExpr& e) { out += e.value.debug_string(); },
                 [&](const ParameterExpr& e) { out += parameter_text(e.name); },
                 [&](const VariableExpr& e) { out += variable_text(e.name); },
                 [&](const PropertyExpr& e) {
                   print(out, *e.object);
                   out += '.';
                   out += name_text(e.key);
                 },
                 [&](const LabelsExpr& e) {
                   out += '(';
                   print(out, *e.object);
                   for (const std::string& label : e.labels) {
                     out += ':';
                     out += name_text(label);
                   }
                   out += ')';
                 },
                 [&](const ListExpr& e) {
                   out += '[';
                   print_list(out, e.items);
                   out += ']';
                 },
                 [&](const MapExpr& e) { print_map(out, e); },
                 [&](const IndexExpr& e) {
                   print(out, *e.container);
                   out += '[';
                   print(out, *e.index);
                   out += ']';
                 },
                 [&](const SliceExpr& e) {
                   print(out, *e.list);
                   out += '[';
                   if (e.from) print(out, *e.from);
                   out += "..";
                   if (e.to) print(out, *e.to);
                   out += ']';
                 },
                 [&](const UnaryExpr& e) {
                   out += '(';
                   if (e.op == UnaryOp::kIsNull || e.op == UnaryOp::kIsNotNull) {
                     print(out, *e.operand);
                     out += ' ';
                     out += unary_op_name(e.op);
                   } else {
                     out += unary_op_name(e.op);
                     out += e.op == UnaryOp::kNot ? " " : "";
                     // -(1) must not print as -1, which would read back as a negative literal.
                     bool wrap = e.op != UnaryOp::kNot && is_number_literal(*e.operand);
                     if (wrap) out += '(';
                     print(out, *e.operand);
                     if (wrap) out += ')';
                   }
                   out += ')';
                 },
                 [&](const BinaryExpr& e) {
                   out += '(';
                   print(out, *e.left);
                   out += ' ';
                   out += binary_op_name(e.op);
                   out += ' ';
                   print(out, *e.right);
                   out += ')';
                 },
                 [&](const FunctionCallExpr& e) {
                   out += e.name;
                   out += '(';
                   if (e.distinct) out += "DISTINCT ";
                   print_list(out, e.args);
                   out += ')';
                 },
                 [&](const CountStarExpr&) { out += "count(*)"; },
                 [&](const CaseExpr& e) {
                   out += "CASE";
                   if (e.subject) {
                     out += ' ';
                     print(out, *e.subject);
                   }
                   for (const auto& [when, then] : e.branches) {
                     out += " WHEN ";
                     print(out, *when);
                     out += " THEN ";
                     print(out, *then);
                   }
                   if (e.otherwise) {
                     out += " ELSE ";
                     print(out, *e.otherwise);
                   }
                   out += " END";
                 },
                 [&](const ListComprehensionExpr& e) {
                   out += '[';
                   print_in_where(out, e.variable, *e.list, e.where.get());
                   if (e.projection) {
                     out += " | ";
                     print(out, *e.projection);
                   }
                   out += ']';
                 },
                 [&](const QuantifierExpr& e) {
                   out += quantifier_name(e.quantifier);
                   out += '(';
                   print_in_where(out, e.variable, *e.list, e.where.get());
                   out += ')';
                 },
                 [&](const ReduceExpr& e) {
                   out += "reduce(";
                   out += variable_text(e.accumulator);
                   out += " = ";
                   print(out, *e.initial);
                   out += ", ";
                   out += variable_text(e.variable);
                   out += " IN ";
                   print(out, *e.list);
                   out += " | ";
                   print(out, *e.expression);
                   out += ')';
                 },
                 [&](const PatternExpr& e) {
                   bool subquery = e.mode == PatternMode::kExists || e.mode == PatternMode::kCount;
                   if (subquery) {
                     out += e.mode == PatternMode::kExists ? "EXISTS {" : "COUNT {";
                     for (const Clause& clause : e.body) {
                       out += ' ';
                       out += to_string(clause);
                     }
                     out += " }";
                     return;
                   }
                   if (e.mode == PatternMode::kComprehension) out += '[';
                   for (size_t i = 0; i < e.patterns.size(); ++i) {
                     if (i > 0) out += ", ";
                     print_pattern_part(out, e.patterns[i]);
                   }
                   if (e.where) {
                     out += " WHERE ";
                     print(out, *e.where);
                   }
                   if (e.projection) {
                     out += " | ";
                     print(out, *e.projection);
                   }
                   if (e.mode == PatternMode::kComprehension) out += ']';
                 },
             },
             expr.node);
}

void print_properties(std::string& out, const ExprPtr& properties) {
  if (!properties) return;
  out += ' ';
  print(out, *properties);
}

void print_node(std::string& out, const NodePattern& node) {
  out += '(';
  out += node.variable.empty() ? "" : variable_text(node.variable);
  for (const std::string& label : node.labels) {
    out += ":";
    out += name_text(label);
  }
  if (node.properties && node.variable.empty() && node.labels.empty()) {
    print(out, *node.properties);
  } else {
    print_properties(out, node.properties);
  }
  out += ')';
}

void print_relationship(std::string& out, const RelationshipPattern& rel) {
  out += rel.direction == Direction::kIncoming ? "<-" : "-";
  out += '[';
  out += rel.variable.empty() ? "" : variable_text(rel.variable);
  for (size_t i = 0; i < rel.types.size(); ++i) {
    out += i == 0 ? ":" : "|";
    out += name_text(rel.types[i]);
  }
  if (rel.length) {
    out += '*';
    const VarLength& length = *rel.length;
    if (length.min && length.max && *length.min == *length.max) {
      out += std::to_string(*length.min);
    } else if (length.min || length.max) {
      if (length.min) out += std::to_string(*length.min);
      out += "..";
      if (length.max) out += std::to_string(*length.max);
    }
  }
  print_properties(out, rel.properties);
  out += ']';
  out += rel.direction == Direction::kOutgoing ? "->" : "-";
}

void print_projection(std::string& out, const Projection& projection) {
  if (projection.distinct) out += " DISTINCT";
  out += ' ';
  bool first = true;
  if (projection.star) {
    out += '*';
    first = false;
  }
  for (const ProjectionItem& item : projection.items) {
    if (!first) out += ", ";
    first = false;
    print(out, *item.expr);
    if (item.has_alias) {
      out += " AS ";
      out += variable_text(item.name);
    }
  }
  if (!projection.order_by.empty()) {
    out += " ORDER BY ";
    for (size_t i = 0; i < projection.order_by.size(); ++i) {
      if (i > 0) out += ", ";
      print(out, *projection.order_by[i].expr);
      if (projection.order_by[i].descending) out += " DESC";
    }
  }
  if (projection.skip) {
    out += " SKIP ";
    print(out, *projection.skip);
  }
  if (projection.limit) {
    out += " LIMIT ";
    print(out, *projection.limit);
  }
}

}  // namespace

void split_and(const Expr& expr, std::vector<const Expr*>& out) {
  if (expr.is<BinaryExpr>() && expr.as<BinaryExpr>().op == BinaryOp::kAnd) {
    split_and(*expr.as<BinaryExpr>().left, out);
    split_and(*expr.as<BinaryExpr>().right, out);
    return;
  }
  out.push_back(&expr);
}

ExprPtr clone(const Expr& expr) {
  auto clone_all = [](const std::vector<ExprPtr>& items) {
    std::vector<ExprPtr> copies;
    copies.reserve(items.size());
    for (const ExprPtr& item : items) copies.push_back(clone(*item));
    return copies;
  };
  Expr::Node node =
      std::visit(Overloaded{
                     [](const LiteralExpr& e) -> Expr::Node { return e; },
                     [](const ParameterExpr& e) -> Expr::Node { return e; },
                     [](const VariableExpr& e) -> Expr::Node { return e; },
                     [](const PropertyExpr& e) -> Expr::Node {
                       return PropertyExpr{clone(*e.object), e.key};
                     },
                     [](const LabelsExpr& e) -> Expr::Node {
                       return LabelsExpr{clone(*e.object), e.labels};
                     },
                     [&](const ListExpr& e) -> Expr::Node { return ListExpr{clone_all(e.items)}; },
                     [](const MapExpr& e) -> Expr::Node {
                       MapExpr copy;
                       for (const auto& [key, value] : e.entries)
                         copy.entries.emplace_back(key, clone(*value));
                       return copy;
                     },
                     [](const IndexExpr& e) -> Expr::Node {
                       return IndexExpr{clone(*e.container), clone(*e.index)};
                     },
                     [](const SliceExpr& e) -> Expr::Node {
                       return SliceExpr{clone(*e.list), clone_or_null(e.from), clone_or_null(e.to)};
                     },
                     [](const UnaryExpr& e) -> Expr::Node {
                       return UnaryExpr{e.op, clone(*e.operand)};
                     },
                     [](const BinaryExpr& e) -> Expr::Node {
                       return BinaryExpr{e.op, clone(*e.left), clone(*e.right)};
                     },
                     [&](const FunctionCallExpr& e) -> Expr::Node {
                       return FunctionCallExpr{e.name, e.distinct, clone_all(e.args)};
                     },
                     [](const CountStarExpr& e) -> Expr::Node { return e; },
                     [](const CaseExpr& e) -> Expr::Node {
                       CaseExpr copy;
                       copy.subject = clone_or_null(e.subject);
                       for (const auto& [when, then] : e.branches) {
                         copy.branches.emplace_back(clone(*when), clone(*then));
                       }
                       copy.otherwise = clone_or_null(e.otherwise);
                       return copy;
                     },
                     [](const ListComprehensionExpr& e) -> Expr::Node {
                       return ListComprehensionExpr{e.variable, clone(*e.list),
                                                    clone_or_null(e.where),
                                                    clone_or_null(e.projection)};
                     },
                     [](const QuantifierExpr& e) -> Expr::Node {
                       return QuantifierExpr{e.quantifier, e.variable, clone(*e.list),
                                             clone_or_null(e.where)};
                     },
                     [](const ReduceExpr& e) -> Expr::Node {
                       return ReduceExpr{e.accumulator, clone(*e.initial), e.variable,
                                         clone(*e.list), clone(*e.expression)};
                     },
                     [](const PatternExpr& e) -> Expr::Node {
                       PatternExpr copy;
                       copy.mode = e.mode;
                       for (const PatternPart& part : e.patterns) copy.patterns.push_back(clone(part));
                       copy.where = clone_or_null(e.where);
                       copy.projection = clone_or_null(e.projection);
                       for (const Clause& clause : e.body) copy.body.push_back(clone(clause));
                       copy.outer_variables = e.outer_variables;
                       return copy;
                     },
                 },
                 expr.node);
  return std::make_unique<Expr>(Expr{{expr.position, std::move(node)}});
}

namespace {

// Replaces sub-expressions of `slot` (owned) that print like an item by its column variable.
void substitute_in(ExprPtr& slot, const std::vector<std::string>& texts,
                   const std::vector<std::string>& names) {
  std::string text = to_string(*slot);
  for (size_t i = 0; i < texts.size(); ++i) {
    if (texts[i] == text) {
      slot = make_expr(slot->position, VariableExpr{names[i]});
      return;
    }
  }
  auto each = [&](ExprPtr& child) {
    if (child) substitute_in(child, texts, names);
  };
  std::visit(Overloaded{
                 [](LiteralExpr&) {},
                 [](ParameterExpr&) {},
                 [](VariableExpr&) {},
                 [](CountStarExpr&) {},
                 [&](PropertyExpr& e) { each(e.object); },
                 [&](LabelsExpr& e) { each(e.object); },
                 [&](ListExpr& e) {
                   for (ExprPtr& item : e.items) each(item);
                 },
                 [&](MapExpr& e) {
                   for (auto& entry : e.entries) each(entry.second);
                 },
                 [&](IndexExpr& e) {
                   each(e.container);
                   each(e.index);
                 },
                 [&](SliceExpr& e) {
                   each(e.list);
                   each(e.from);
                   each(e.to);
                 },
                 [&](UnaryExpr& e) { each(e.operand); },
                 [&](BinaryExpr& e) {
                   each(e.left);
                   each(e.right);
                 },
                 [&](FunctionCallExpr& e) {
                   for (ExprPtr& arg : e.args) each(arg);
                 },
                 [&](CaseExpr& e) {
                   each(e.subject);
                   for (auto& [when, then] : e.branches) {
                     each(when);
                     each(then);
                   }
                   each(e.otherwise);
                 },
                 [&](ListComprehensionExpr& e) { each(e.list); },
                 [&](QuantifierExpr& e) { each(e.list); },
                 [&](ReduceExpr& e) {
                   each(e.initial);
                   each(e.list);
                 },
                 [](PatternExpr&) {},
             },
             slot->node);
}

}  // namespace

ExprPtr where_reading_columns(const Projection& projection, const Expr& where) {
  bool aggregating = false;
  for (const ProjectionItem& item : projection.items) {
    aggregating = aggregating || contains_aggregate(*item.expr);
  }
  if (!aggregating && !projection.distinct) return nullptr;
  std::vector<const Expr*> items;
  std::vector<std::string> names;
  for (const ProjectionItem& item : projection.items) {
    if (contains_aggregate(*item.expr)) continue;
    items.push_back(item.expr.get());
    names.push_back(item.name);
  }
  return substitute_items(where, items, names);
}

ExprPtr substitute_items(const Expr& expr, const std::vector<const Expr*>& items,
                         const std::vector<std::string>& names) {
  std::vector<std::string> texts;
  for (const Expr* item : items) texts.push_back(to_string(*item));
  ExprPtr copy = clone(expr);
  substitute_in(copy, texts, names);
  return copy;
}

PatternPart clone(const PatternPart& part) {
  PatternPart copy;
  copy.position = part.position;
  copy.path_variable = part.path_variable;
  for (const NodePattern& node : part.nodes) {
    copy.nodes.push_back(NodePattern{node.position, node.variable, node.labels,
                                     clone_or_null(node.properties)});
  }
  for (const RelationshipPattern& rel : part.relationships) {
    copy.relationships.push_back(RelationshipPattern{rel.position, rel.variable, rel.types,
                                                     rel.direction, rel.length,
                                                     clone_or_null(rel.properties)});
  }
  return copy;
}

void for_each_child(const Expr& expr, const std::function<void(const Expr&)>& visit) {
  auto each = [&](const std::vector<ExprPtr>& items) {
    for (const ExprPtr& item : items) visit(*item);
  };
  auto maybe = [&](const ExprPtr& child) {
    if (child) visit(*child);
  };
  std::visit(Overloaded{
                 [](const LiteralExpr&) {},
                 [](const ParameterExpr&) {},
                 [](const VariableExpr&) {},
                 [](const CountStarExpr&) {},
                 [&](const PropertyExpr& e) { visit(*e.object); },
                 [&](const LabelsExpr& e) { visit(*e.object); },
                 [&](const ListExpr& e) { each(e.items); },
                 [&](const MapExpr& e) {
                   for (const auto& entry : e.entries) visit(*entry.second);
                 },
                 [&](const IndexExpr& e) {
                   visit(*e.container);
                   visit(*e.index);
                 },
                 [&](const SliceExpr& e) {
                   visit(*e.list);
                   maybe(e.from);
                   maybe(e.to);
                 },
                 [&](const UnaryExpr& e) { visit(*e.operand); },
                 [&](const BinaryExpr& e) {
                   visit(*e.left);
                   visit(*e.right);
                 },
                 [&](const FunctionCallExpr& e) { each(e.args); },
                 [&](const CaseExpr& e) {
                   maybe(e.subject);
                   for (const auto& [when, then] : e.branches) {
                     visit(*when);
                     visit(*then);
                   }
                   maybe(e.otherwise);
                 },
                 [&](const ListComprehensionExpr& e) {
                   visit(*e.list);
                   maybe(e.where);
                   maybe(e.projection);
                 },
                 [&](const QuantifierExpr& e) {
                   visit(*e.list);
                   maybe(e.where);
                 },
                 [&](const ReduceExpr& e) {
                   visit(*e.initial);
                   visit(*e.list);
                   visit(*e.expression);
                 },
                 [&](const PatternExpr& e) {
                   for (const PatternPart& part : e.patterns) {
                     for (const NodePattern& node : part.nodes) maybe(node.properties);
                     for (const RelationshipPattern& rel : part.relationships) maybe(rel.properties);
                   }
                   maybe(e.where);
                   maybe(e.projection);
                   // A subquery's clauses are a query of their own, not parts of this expression:
                   // their aggregates and variables are not the enclosing clause's.
                 },
             },
             expr.node);
}

bool contains_aggregate(const Expr& expr) {
  if (expr.is<CountStarExpr>()) return true;
  if (expr.is<FunctionCallExpr>() && is_aggregate_function(expr.as<FunctionCallExpr>().name)) {
    return true;
  }
  bool found = false;
  for_each_child(expr, [&found](const Expr& child) { found = found || contains_aggregate(child); });
  return found;
}

std::string_view binary_op_name(BinaryOp op) {
  switch (op) {
    case BinaryOp::kOr:
      return "OR";
    case BinaryOp::kXor:
      return "XOR";
    case BinaryOp::kAnd:
      return "AND";
    case BinaryOp::kEq:
      return "=";
    case BinaryOp::kNotEq:
      return "<>";
    case BinaryOp::kLess:
      return "<";
    case BinaryOp::kLessEq:
      return "<=";
    case BinaryOp::kGreater:
      return ">";
    case BinaryOp::kGreaterEq:
      return ">=";
    case BinaryOp::kIn:
      return "IN";
    case BinaryOp::kStartsWith:
      return "STARTS WITH";
    case BinaryOp::kEndsWith:
      return "ENDS WITH";
    case BinaryOp::kContains:
      return "CONTAINS";
    case BinaryOp::kAdd:
      return "+";
    case BinaryOp::kSubtract:
      return "-";
    case BinaryOp::kMultiply:
      return "*";
    case BinaryOp::kDivide:
      return "/";
    case BinaryOp::kModulo:
      return "%";
    case BinaryOp::kPower:
      return "^";
  }
  return "?";
}

std::string_view unary_op_name(UnaryOp op) {
  switch (op) {
    case UnaryOp::kNot:
      return "NOT";
    case UnaryOp::kNegate:
      return "-";
    case UnaryOp::kPlus:
      return "+";
    case UnaryOp::kIsNull:
      return "IS NULL";
    case UnaryOp::kIsNotNull:
      return "IS NOT NULL";
  }
  return "?";
}

std::string to_string(const Expr& expr) {
  std::string out;
  print(out, expr);
  return out;
}

std::string to_string(const PatternPart& pattern) {
  std::string out;
  print_pattern_part(out, pattern);
  return out;
}

namespace {

void print_pattern_part(std::string& out, const PatternPart& pattern) {
  if (!pattern.path_variable.empty()) {
    out += variable_text(pattern.path_variable);
    out += " = ";
  }
  for (size_t i = 0; i < pattern.nodes.size(); ++i) {
    if (i > 0 && i - 1 < pattern.relationships.size()) {
      print_relationship(out, pattern.relationships[i - 1]);
    }
    print_node(out, pattern.nodes[i]);
  }
}

}  // namespace

std::string to_string(const Clause& clause) {
  std::string out;
  std::visit(Overloaded{
                 [&](const MatchClause& c) {
                   out += c.optional ? "OPTIONAL MATCH " : "MATCH ";
                   for (size_t i = 0; i < c.patterns.size(); ++i) {
                     if (i > 0) out += ", ";
                     out += to_string(c.patterns[i]);
                   }
                   if (c.where) out += " WHERE " + to_string(*c.where);
                 },
                 [&](const UnwindClause& c) {
                   out += "UNWIND " + to_string(*c.list) + " AS ";
                   out += variable_text(c.variable);
                 },
                 [&](const WithClause& c) {
                   out += "WITH";
                   print_projection(out, c.projection);
                   if (c.where) out += " WHERE " + to_string(*c.where);
                 },
                 [&](const ReturnClause& c) {
                   out += "RETURN";
                   print_projection(out, c.projection);
                 },
             },
             clause.node);
  return out;
}

namespace {

Projection clone(const Projection& projection) {
  Projection copy;
  copy.distinct = projection.distinct;
  copy.star = projection.star;
  for (const ProjectionItem& item : projection.items) {
    copy.items.push_back(
        ProjectionItem{item.position, clone(*item.expr), item.name, item.has_alias});
  }
  for (const SortItem& item : projection.order_by) {
    copy.order_by.push_back(SortItem{clone(*item.expr), item.descending});
  }
  copy.skip = clone_or_null(projection.skip);
  copy.limit = clone_or_null(projection.limit);
  return copy;
}

}  // namespace

Clause clone(const Clause& clause) {
  Clause::Node node = std::visit(
      Overloaded{
          [](const MatchClause& c) -> Clause::Node {
            MatchClause copy;
            copy.optional = c.optional;
            for (const PatternPart& part : c.patterns) copy.patterns.push_back(clone(part));
            copy.where = clone_or_null(c.where);
            return copy;
          },
          [](const UnwindClause& c) -> Clause::Node {
            return UnwindClause{clone(*c.list), c.variable};
          },
          [](const WithClause& c) -> Clause::Node {
            return WithClause{clone(c.projection), clone_or_null(c.where)};
          },
          [](const ReturnClause& c) -> Clause::Node { return ReturnClause{clone(c.projection)}; },
      },
      clause.node);
  return Clause{{clause.position, std::move(node)}};
}

void for_each_expression(const Clause& clause, const std::function<void(const Expr&)>& visit) {
  auto maybe = [&](const ExprPtr& expr) {
    if (expr) visit(*expr);
  };
  auto projection = [&](const Projection& p) {
    for (const ProjectionItem& item : p.items) visit(*item.expr);
    for (const SortItem& key : p.order_by) visit(*key.expr);
    maybe(p.skip);
    maybe(p.limit);
  };
  std::visit(Overloaded{
                 [&](const MatchClause& c) {
                   for (const PatternPart& part : c.patterns) {
                     for (const NodePattern& node : part.nodes) maybe(node.properties);
                     for (const RelationshipPattern& rel : part.relationships) maybe(rel.properties);
                   }
                   maybe(c.where);
                 },
                 [&](const UnwindClause& c) { visit(*c.list); },
                 [&](const WithClause& c) {
                   projection(c.projection);
                   maybe(c.where_over_columns ? c.where_over_columns : c.where);
                 },
                 [&](const ReturnClause& c) { projection(c.projection); },
             },
             clause.node);
}

std::string to_string(const Query& query) {
  std::string out = query.explain ? "EXPLAIN " : "";
  for (size_t i = 0; i < query.clauses.size(); ++i) {
    if (i > 0) out += ' ';
    out += to_string(query.clauses[i]);
  }
  return out;
}

}  // namespace expgraph::cypher
