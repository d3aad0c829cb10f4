"""Cypher literal text as the openCypher TCK writes it, and the values the harness compares.

The TCK writes expected results, parameters and the property maps of its CREATE set-ups in
Cypher literal syntax: 1, 1.0, 'text', true, null, [list], {map}, nodes (:A {p: 1}),
relationships [:T {p: 1}] and paths <(:A)-[:T]->(:B)>. `parse_value` reads them into tagged
tuples; `canonical` turns a tagged value into a string that is equal for equal values, so rows
can be compared as multisets of strings.
"""

import math
import re

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
    | (?P<number>-?(?:0x[0-9a-fA-F]+|0o[0-7]+|(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?))
    | (?P<name>[A-Za-z_][A-Za-z0-9_]*|`(?:[^`]|``)*`)
    | (?P<punct><-|->|[-()\[\]{}:,<>.$*|])
    )""",
    re.VERBOSE,
)

_COMMENT = re.compile(r"\s*//[^\n]*")

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "\\": "\\", "'": "'", '"': '"'}


class LiteralError(ValueError):
    """The text is not a literal this reader knows (e.g. an expression in a CREATE property)."""


def tokenize(text):
    tokens = []
    position = 0
    text = text.rstrip()
    while position < len(text):
        comment = _COMMENT.match(text, position)
        if comment and comment.end() > position:
            position = comment.end()
            continue
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise LiteralError("cannot read %r" % text[position:position + 20])
        kind = match.lastgroup
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


def unquote(text):
    body = text[1:-1]
    out = []
    i = 0
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            if nxt == "u" and i + 5 < len(body) + 0:
                out.append(chr(int(body[i + 2:i + 6], 16)))
                i += 6
                continue
            out.append(_ESCAPES.get(nxt, nxt))
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


def name_text(token):
    kind, text = token
    if kind != "name":
        raise LiteralError("expected a name, got %r" % text)
    if text.startswith("`"):
        return text[1:-1].replace("``", "`")
    return text


class Reader:
    """A cursor over tokens with the literal grammar of the TCK's tables."""

    def __init__(self, text):
        self.tokens = tokenize(text)
        self.index = 0

    def peek(self, offset=0):
        i = self.index + offset
        return self.tokens[i] if i < len(self.tokens) else (None, None)

    def take(self, expected=None):
        token = self.peek()
        if token[0] is None:
            raise LiteralError("unexpected end")
        if expected is not None and token[1] != expected:
            raise LiteralError("expected %r, got %r" % (expected, token[1]))
        self.index += 1
        return token

    def at(self, text):
        return self.peek()[1] == text and self.peek()[0] in ("punct", "name")

    def done(self):
        return self.index >= len(self.tokens)

    def value(self):
        kind, text = self.peek()
        if kind == "string":
            self.take()
            return ("str", unquote(text))
        if kind == "number":
            self.take()
            return number(text)
        if kind == "name":
            lowered = text.lower()
            if lowered in ("null", "true", "false"):
                self.take()
                return ("null",) if lowered == "null" else ("bool", lowered == "true")
            if text == "NaN":
                self.take()
                return ("float", math.nan)
            if text == "Infinity":
                self.take()
                return ("float", math.inf)
            raise LiteralError("not a literal: %r" % text)
        if text == "-" and self.peek(1)[0] == "name" and self.peek(1)[1] == "Infinity":
            self.take()
            self.take()
            return ("float", -math.inf)
        if text == "[":
            if self.peek(1)[1] == ":":
                return self.relationship()
            return self.list()
        if text == "{":
            return ("map", self.map())
        if text == "(":
            return self.node()
        if text == "<":
            return self.path()
        raise LiteralError("not a literal: %r" % text)

    def list(self):
        self.take("[")
        items = []
        while not self.at("]"):
            items.append(self.value())
            if not self.at("]"):
                self.take(",")
        self.take("]")
        return ("list", tuple(items))

    def map(self):
        self.take("{")
        items = {}
        while not self.at("}"):
            key = name_text(self.take())
            self.take(":")
            items[key] = self.value()
            if not self.at("}"):
                self.take(",")
        self.take("}")
        return items

    def labels(self):
        labels = []
        while self.at(":"):
            self.take(":")
            labels.append(name_text(self.take()))
        return labels

    def node(self):
        self.take("(")
        labels = self.labels()
        properties = self.map() if self.at("{") else {}
        self.take(")")
        return node(labels, properties)

    def relationship(self):
        self.take("[")
        types = self.labels()
        properties = self.map() if self.at("{") else {}
        self.take("]")
        return relationship(types[0] if types else "", properties)

    def path(self):
        self.take("<")
        items = [self.node()]
        while not self.at(">"):
            if self.at("<-"):
                self.take("<-")
                rel = self.relationship()
                self.take("-")
                items.append(("<-", rel))
            else:
                self.take("-")
                rel = self.relationship()
                self.take("->")
                items.append(("->", rel))
            items.append(self.node())
        self.take(">")
        return ("path", tuple(items))


def number(text):
    negative = text.startswith("-")
    body = text[1:] if negative else text
    if body.lower().startswith("0x"):
        value = int(body, 16)
    elif body.lower().startswith("0o"):
        value = int(body[2:], 8)
    elif re.fullmatch(r"\d+", body):
        value = int(body)
    else:
        result = float(body)
        return ("float", -result if negative else result)
    return ("int", -value if negative else value)


def node(labels, properties):
    return ("node", tuple(sorted(labels)), tuple(sorted(properties.items())))


def relationship(rel_type, properties):
    return ("rel", rel_type, tuple(sorted(properties.items())))


def parse_value(text):
    reader = Reader(text)
    value = reader.value()
    if not reader.done():
        raise LiteralError("trailing text in %r" % text)
    return value


def to_plain(value):
    """A tagged literal as plain JSON-able Python (for parameters and stored properties)."""
    tag = value[0]
    if tag == "null":
        return None
    if tag in ("bool", "int", "str"):
        return value[1]
    if tag == "float":
        return value[1]
    if tag == "list":
        return [to_plain(item) for item in value[1]]
    if tag == "map":
        return {key: to_plain(item) for key, item in value[1].items()}
    raise LiteralError("a %s cannot be a parameter or a property" % tag)


def from_json(item):
    """A plain JSON value from the engine (no nodes) as a tagged value."""
    if item is None:
        return ("null",)
    if isinstance(item, bool):
        return ("bool", item)
    if isinstance(item, int):
        return ("int", item)
    if isinstance(item, float):
        return ("float", item)
    if isinstance(item, str):
        return ("str", item)
    if isinstance(item, list):
        return ("list", tuple(from_json(x) for x in item))
    if isinstance(item, dict):
        return ("map", {k: from_json(v) for k, v in item.items()})
    raise LiteralError("unknown JSON value %r" % (item,))


def _float_text(x):
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return "%.12g" % x


def canonical(value, sort_lists=False):
    """A string equal for equal values. Floats are compared to 12 significant digits."""
    tag = value[0]
    if tag == "null":
        return "null"
    if tag == "bool":
        return "true" if value[1] else "false"
    if tag == "int":
        return "i%d" % value[1]
    if tag == "float":
        return "f" + _float_text(value[1])
    if tag == "str":
        return "s" + repr(value[1])
    if tag == "list":
        items = [canonical(item, sort_lists) for item in value[1]]
        if sort_lists:
            items.sort()
        return "[" + ",".join(items) + "]"
    if tag == "map":
        items = value[1].items() if isinstance(value[1], dict) else value[1]
        return "{" + ",".join("%s:%s" % (k, canonical(v, sort_lists))
                              for k, v in sorted(items)) + "}"
    if tag == "node":
        return "(%s %s)" % (":".join(value[1]), canonical(("map", value[2]), sort_lists))
    if tag == "rel":
        return "[%s %s]" % (value[1], canonical(("map", value[2]), sort_lists))
    if tag == "path":
        parts = []
        for item in value[1]:
            if item[0] in ("<-", "->"):
                parts.append(item[0] + canonical(item[1], sort_lists))
            else:
                parts.append(canonical(item, sort_lists))
        return "<" + "".join(parts) + ">"
    raise LiteralError("unknown value %r" % (value,))
