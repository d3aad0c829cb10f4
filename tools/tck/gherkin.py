"""The part of Gherkin the openCypher TCK features use: Feature, Background, Scenario, Scenario
Outline with Examples tables, steps with doc strings ("\"\"\"") and tables (| a | b |)."""

import re


class Step:
    def __init__(self, keyword, text, line):
        self.keyword = keyword  # Given, When, Then, And, But
        self.text = text
        self.line = line
        self.doc = None  # the doc string, dedented
        self.table = None  # a list of rows, each a list of cell texts


class Scenario:
    def __init__(self, feature, name, line, steps, tags):
        self.feature = feature
        self.name = name
        self.line = line
        self.steps = steps
        self.tags = tags


def _cells(line):
    body = line.strip()
    assert body.startswith("|") and body.endswith("|"), line
    cells = []
    current = []
    i = 1
    while i < len(body) - 1:
        c = body[i]
        if c == "\\" and i + 1 < len(body) - 1:
            nxt = body[i + 1]
            current.append({"|": "|", "n": "\n", "\\": "\\"}.get(nxt, "\\" + nxt))
            i += 2
            continue
        if c == "|":
            cells.append("".join(current).strip())
            current = []
        else:
            current.append(c)
        i += 1
    cells.append("".join(current).strip())
    return cells


def _substitute(text, values):
    if text is None:
        return None
    return re.sub(r"<([^<>\s]+)>", lambda m: values.get(m.group(1), m.group(0)), text)


def parse_feature(text, feature_name):
    """The feature's scenarios, with outlines expanded (one Scenario per Examples row)."""
    lines = text.split("\n")
    background = []
    blocks = []  # (kind, name, line, steps, examples, tags)
    current_steps = None
    current_examples = None
    pending_tags = []
    i = 0
    while i < len(lines):
        raw = lines[i]
        stripped = raw.strip()
        i += 1
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("@"):
            pending_tags.extend(stripped.split())
            continue
        if stripped.startswith("Feature:"):
            continue
        if stripped.startswith("Background:"):
            current_steps = background
            current_examples = None
            continue
        match = re.match(r"(Scenario Outline|Scenario Template|Scenario|Example):\s*(.*)", stripped)
        if match:
            current_steps = []
            current_examples = []
            blocks.append((match.group(1), match.group(2), i, current_steps, current_examples,
                           pending_tags))
            pending_tags = []
            continue
        if stripped.startswith("Examples:") or stripped.startswith("Scenarios:"):
            table = []
            while i < len(lines) and (not lines[i].strip() or lines[i].strip().startswith("|")
                                      or lines[i].strip().startswith("#")):
                if lines[i].strip().startswith("|"):
                    table.append(_cells(lines[i]))
                i += 1
            current_examples.append(table)
            continue
        match = re.match(r"(Given|When|Then|And|But)\s+(.*)", stripped)
        if match:
            current_steps.append(Step(match.group(1), match.group(2), i))
            continue
        if stripped.startswith('"""') or stripped.startswith("```"):
            fence = stripped[:3]
            indent = len(raw) - len(raw.lstrip())
            body = []
            while i < len(lines) and lines[i].strip() != fence:
                piece = lines[i]
                body.append(piece[indent:] if piece[:indent].strip() == "" else piece.lstrip())
                i += 1
            i += 1
            current_steps[-1].doc = "\n".join(body)
            continue
        if stripped.startswith("|"):
            step = current_steps[-1]
            if step.table is None:
                step.table = []
            step.table.append(_cells(raw))
            continue
        # free description text under Feature/Scenario: ignored

    scenarios = []
    for kind, name, line, steps, examples, tags in blocks:
        if not examples:
            scenarios.append(Scenario(feature_name, name, line, background + steps, tags))
            continue
        for table in examples:
            header = table[0]
            for number, row in enumerate(table[1:], 1):
                values = dict(zip(header, row))
                expanded = []
                for step in background + steps:
                    copy = Step(step.keyword, _substitute(step.text, values), step.line)
                    copy.doc = _substitute(step.doc, values)
                    if step.table is not None:
                        copy.table = [[_substitute(c, values) for c in r] for r in step.table]
                    expanded.append(copy)
                scenarios.append(Scenario(feature_name, "%s [%d]" % (_substitute(name, values),
                                                                     number),
                                          line, expanded, tags))
    return scenarios
