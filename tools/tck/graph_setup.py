"""Turns the TCK's `having executed:` CREATE statements into graph writes for expgraph, and
derives an ontology that admits what the graph and the query use.

expgraph's data model: every node has exactly one type (its label) and a key; an edge is
identified by (type, from, to), so two edges of one type between the same two nodes in the same
direction are one edge. A set-up the model cannot hold raises NotExpressible with the reason;
one this translator does not read (a MATCH before CREATE, an expression as a property value)
raises NotTranslated. Both are counted apart from passes and failures.
"""

import re

from cypher_values import LiteralError, Reader, name_text, to_plain


class NotExpressible(Exception):
    pass


class NotTranslated(Exception):
    pass


_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class Graph:
    def __init__(self):
        self.nodes = []  # dicts: labels, properties, key
        self.edges = []  # dicts: type, from (index), to (index), properties

    def add_node(self, labels, properties):
        self.nodes.append({"labels": labels, "properties": properties,
                           "key": "n%d" % len(self.nodes)})
        return len(self.nodes) - 1


def _properties(reader):
    if not reader.at("{"):
        return {}
    try:
        raw = reader.map()
        return {key: to_plain(value) for key, value in raw.items()}
    except LiteralError as error:
        raise NotTranslated("a property value that is not a literal (%s)" % error)


def _node_pattern(reader, graph, variables):
    reader.take("(")
    variable = None
    if reader.peek()[0] == "name":
        variable = name_text(reader.take())
    labels = reader.labels()
    properties = _properties(reader)
    reader.take(")")
    if variable is not None and variable in variables:
        if labels or properties:
            raise NotTranslated("a bound variable with new labels or properties")
        return variables[variable]
    index = graph.add_node(labels, properties)
    if variable is not None:
        variables[variable] = index
    return index


def _relationship_pattern(reader):
    """-[r:T {..}]-> or <-[r:T {..}]-: (type, properties, points_right)."""
    left_arrow = reader.at("<-")
    reader.take("<-" if left_arrow else "-")
    reader.take("[")
    if reader.peek()[0] == "name":
        reader.take()  # the relationship variable is not used again in set-ups
    types = reader.labels()
    properties = _properties(reader)
    reader.take("]")
    right_arrow = reader.at("->")
    reader.take("->" if right_arrow else "-")
    if left_arrow == right_arrow:
        raise NotTranslated("a CREATE relationship needs exactly one direction")
    if len(types) != 1:
        raise NotTranslated("a CREATE relationship needs exactly one type")
    return types[0], properties, right_arrow


def _create_patterns(reader, graph, variables):
    while True:
        if reader.peek()[0] == "name" and reader.peek(1)[1] == "=":
            raise NotTranslated("a named path in CREATE")
        left = _node_pattern(reader, graph, variables)
        while reader.at("-") or reader.at("<-"):
            rel_type, properties, points_right = _relationship_pattern(reader)
            right = _node_pattern(reader, graph, variables)
            source, target = (left, right) if points_right else (right, left)
            graph.edges.append({"type": rel_type, "from": source, "to": target,
                                "properties": properties})
            left = right
        if not reader.at(","):
            return
        reader.take(",")


def apply_statement(graph, text):
    """Adds the nodes and edges of one `having executed:` statement (CREATE clauses only)."""
    try:
        reader = Reader(text)
    except LiteralError as error:
        raise NotTranslated("set-up text not read: %s" % error)
    variables = {}
    try:
        while not reader.done():
            keyword = reader.peek()
            if keyword[0] == "name" and keyword[1].upper() == "CREATE":
                reader.take()
                _create_patterns(reader, graph, variables)
            else:
                raise NotTranslated("set-up clause %s (only CREATE is translated)"
                                    % keyword[1].upper())
    except LiteralError as error:
        raise NotTranslated("set-up pattern not read: %s" % error)


def give_unlabeled_nodes(graph, stand_in):
    """The --unlabeled-type mode: nodes without a label get the type `stand_in`, which the
    harness prints as no label. Queries that read labels then see it, so this mode is a probe
    for wrong rows, not the measurement."""
    for node in graph.nodes:
        if not node["labels"]:
            node["labels"] = [stand_in]


def check_expressible(graph):
    for node in graph.nodes:
        if not node["labels"]:
            raise NotExpressible("a node without a label (a node has exactly one type)")
        if len(node["labels"]) > 1:
            raise NotExpressible("a node with several labels (a node has exactly one type)")
        if "key" in node["properties"]:
            raise NotExpressible("a node property named key (the key is not a stored property)")
    seen = set()
    for edge in graph.edges:
        identity = (edge["type"], edge["from"], edge["to"])
        if identity in seen:
            raise NotExpressible("two relationships of one type between the same nodes in the "
                                 "same direction (an edge is identified by type, from and to)")
        seen.add(identity)
    for name in names_used(graph):
        if not _IDENTIFIER.match(name):
            raise NotExpressible("a label, type or property name that is not an identifier: %r"
                                 % name)


def names_used(graph):
    for node in graph.nodes:
        yield from node["labels"]
        yield from node["properties"]
    for edge in graph.edges:
        yield edge["type"]
        yield from edge["properties"]


def query_labels(query):
    """Labels and relationship types the query names, by the bracket they appear in:
    `(n:A)` and `n:A` are labels, `[:T]` types. Strings and comments are skipped."""
    labels, types = set(), set()
    stack = []
    i = 0
    text = query
    while i < len(text):
        c = text[i]
        if c in "'\"":
            j = i + 1
            while j < len(text) and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            i = j + 1
            continue
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = len(text) if j < 0 else j
            continue
        if c in "([{":
            stack.append(c)
        elif c in ")]}":
            if stack:
                stack.pop()
        elif c == ":":
            match = re.match(r":\s*([A-Za-z_][A-Za-z0-9_]*|`[^`]+`)", text[i:])
            if match:
                name = match.group(1).strip("`")
                inner = stack[-1] if stack else None
                if inner == "[":
                    types.add(name)
                elif inner == "{":
                    pass  # a map key's value
                else:
                    labels.add(name)
                i += match.end()
                continue
        i += 1
    return labels, types


def union_ontology(graphs_and_queries):
    """One ontology for a whole run: every label and type of the graphs and the queries, each
    property typed json (any value), every edge type allowed between any node types. A name
    the queries use is declared both as a label and as a type (one name may be both), since
    the TCK expects no rows, not an error, for a label no node has."""
    node_props, edge_props = {}, {}
    for graph, query in graphs_and_queries:
        for node in graph.nodes:
            for label in node["labels"]:
                node_props.setdefault(label, set()).update(node["properties"])
        for edge in graph.edges:
            edge_props.setdefault(edge["type"], set()).update(edge["properties"])
        labels, types = query_labels(query)
        for name in labels | types:
            if _IDENTIFIER.match(name):
                node_props.setdefault(name, set())
                edge_props.setdefault(name, set())

    def props(names):
        return [{"name": name, "type": "json"} for name in sorted(names)]

    return {
        "name": "tck",
        "version": 1,
        "node_types": [{"name": label, "properties": props(names)}
                       for label, names in sorted(node_props.items())],
        "edge_types": [{"name": rel_type, "domain": "*", "range": "*", "properties": props(names)}
                       for rel_type, names in sorted(edge_props.items())],
    }


def write_request(graph):
    nodes = [{"type": n["labels"][0], "key": n["key"], "properties": n["properties"]}
             for n in graph.nodes]
    refs = [{"type": n["type"], "key": n["key"]} for n in nodes]
    edges = [{"type": e["type"], "from": refs[e["from"]], "to": refs[e["to"]],
              "properties": e["properties"]} for e in graph.edges]
    return nodes, edges
