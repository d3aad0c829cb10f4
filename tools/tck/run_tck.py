#!/usr/bin/env python3
"""Runs openCypher TCK features against expgraph's Cypher engine and counts, per folder, the
scenarios that pass, fail, cannot be expressed in expgraph's data model, or whose set-up this
harness does not translate.

    tools/tck/run_tck.py [--features DIR] [--runner build/tools/tck_runner] [--report FILE]
                         [--verbose] [--only TEXT]

DIR holds the feature folders (default: tests/tck/features, a copy of the TCK's in-scope read
folders). Each scenario's graph is written into a fresh store by tools/tck/tck_runner (C++, the
real engine in-process) under an ontology derived from the set-up and the query; the query runs
with its parameters and the rows are compared with the TCK's semantics: in any order or in
order, lists optionally ignoring element order, nodes, relationships and paths by labels, types
and properties, integers and floats apart, and expected errors (any engine error passes; a
note says when it came at run time where the TCK expects it at compile time, or the other way
round: tck_runner calls an error compile-time when EXPLAIN of the query fails the same way).

A failure is classed as:
  wrong rows      the engine answered rows without an error and they differ (the worst kind)
  missing error   the TCK expects an error and the engine answered rows
  refused         the engine gave an error where the TCK expects rows
  columns         the rows are right but a column name differs
"""

import argparse
import json
import os
import subprocess
import sys
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from cypher_values import LiteralError, canonical, from_json, node, parse_value, relationship, to_plain  # noqa: E402
from gherkin import parse_feature  # noqa: E402
import graph_setup  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WRITE_CLAUSES = ("CREATE", "MERGE", "SET", "DELETE", "REMOVE", "DETACH", "FOREACH", "CALL")



class Runner:
    def __init__(self, path):
        self.process = subprocess.Popen([path], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True, bufsize=1)

    def run(self, request):
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("tck_runner stopped")
        return json.loads(line)

    def close(self):
        self.process.stdin.close()
        self.process.wait()


def words(text):
    out, quote = [], None
    current = []
    for c in text:
        if quote:
            if c == quote:
                quote = None
            continue
        if c in "'\"`":
            quote = c
            continue
        if c.isalnum() or c == "_":
            current.append(c)
        else:
            if current:
                out.append("".join(current).upper())
            current = []
    if current:
        out.append("".join(current).upper())
    return out


def actual_value(item, unlabeled_type):
    """A value of the engine's JSON answer as a tagged value. Nodes are {"type", "key",
    "properties"}, relationships {"type", "from", "to", "properties"}, paths {"nodes",
    "relationships"}. A node of type `unlabeled_type` is printed without a label."""
    if isinstance(item, dict):
        keys = set(item)
        if keys == {"type", "key", "properties"}:
            props = {k: from_json(v) for k, v in item["properties"].items()}
            labels = [] if item["type"] == unlabeled_type else [item["type"]]
            return node(labels, props)
        if keys == {"type", "from", "to", "properties"}:
            props = {k: from_json(v) for k, v in item["properties"].items()}
            return relationship(item["type"], props)
        if keys == {"nodes", "relationships"}:
            nodes = item["nodes"]
            parts = [actual_value(nodes[0], unlabeled_type)]
            for i, rel in enumerate(item["relationships"]):
                here = "%s/%s" % (nodes[i]["type"], nodes[i]["key"])
                direction = "->" if rel["from"] == here else "<-"
                parts.append((direction, actual_value(rel, unlabeled_type)))
                parts.append(actual_value(nodes[i + 1], unlabeled_type))
            return ("path", tuple(parts))
        return ("map", {k: actual_value(v, unlabeled_type) for k, v in item.items()})
    if isinstance(item, list):
        return ("list", tuple(actual_value(v, unlabeled_type) for v in item))
    if isinstance(item, str) and item in ("NaN", "Infinity", "-Infinity"):
        return ("float", float(item.replace("Infinity", "inf")))
    return from_json(item)


class Outcome:
    def __init__(self, status, detail=""):
        self.status = status  # pass, fail, not expressible, not translated
        self.kind = ""  # for a failure: wrong rows, missing error, refused, columns
        self.detail = detail


def expectation(scenario):
    """(kind, payload) of the Then step: ("rows", (table, ordered, sort_lists)),
    ("empty", None) or ("error", "SyntaxError at compile time: X")."""
    for step in scenario.steps:
        if step.keyword != "Then":
            continue
        text = step.text
        if text.startswith("the result should be empty"):
            return "empty", None
        if text.startswith("the result should be"):
            ordered = "in order" in text
            sort_lists = "ignoring element order for lists" in text
            return "rows", (step.table or [], ordered, sort_lists)
        if " should be raised" in text:
            return "error", text[2:] if text.startswith("a ") else text
    return None, None


def prepare_scenario(scenario, unlabeled_type=None):
    """An Outcome when the scenario cannot run, else (graph, request, kind, payload); the
    request gets its ontology later (one for the whole run, see union_ontology)."""
    graph = graph_setup.Graph()
    query, params = None, {}
    for step in scenario.steps:
        if step.text.startswith("having executed"):
            try:
                graph_setup.apply_statement(graph, step.doc)
            except graph_setup.NotTranslated as error:
                return Outcome("not translated", str(error))
        elif step.text.startswith("parameters are"):
            for row in step.table:
                try:
                    params[row[0]] = to_plain(parse_value(row[1]))
                except LiteralError as error:
                    return Outcome("not translated", "parameter %s: %s" % (row[0], error))
        elif step.text.startswith("executing query") or step.text.startswith("executing control"):
            query = step.doc
        elif step.keyword == "Given" and "graph" not in step.text:
            return Outcome("not translated", "step %r" % step.text)
    if query is None:
        return Outcome("not translated", "no query")
    if unlabeled_type:
        graph_setup.give_unlabeled_nodes(graph, unlabeled_type)
    try:
        graph_setup.check_expressible(graph)
    except graph_setup.NotExpressible as error:
        return Outcome("not expressible", str(error))
    if any(w in WRITE_CLAUSES for w in words(query)):
        return Outcome("not expressible", "a write query (the engine is read-only)")
    kind, payload = expectation(scenario)
    if kind is None:
        return Outcome("not translated", "no Then step")
    nodes, edges = graph_setup.write_request(graph)
    request = {"nodes": nodes, "edges": edges, "query": query, "params": params}
    return graph, request, kind, payload


def run_prepared(prepared, ontology, runner, unlabeled_type):
    _, request, kind, payload = prepared
    request = dict(request, ontology=ontology)
    reply = runner.run(request)
    if not reply["ok"] and reply["stage"] != "query":
        return Outcome("not translated", "set-up failed at %s: %s: %s"
                       % (reply["stage"], reply["code"], reply["message"]))
    return compare(reply, kind, payload, unlabeled_type)


def failure(kind, detail):
    outcome = Outcome("fail", detail)
    outcome.kind = kind
    return outcome


def compare(reply, kind, payload, unlabeled_type):
    if kind == "error":
        if reply["ok"]:
            rows = reply["result"].get("rows", [])
            return failure("missing error", "expected %s; got %d rows: %s"
                           % (payload, len(rows), json.dumps(rows)[:300]))
        code = reply["code"]
        expected_compile = "compile time" in payload
        # Compile time: tck_runner found that EXPLAIN of the query fails the same way, so the
        # query is refused before it runs; else the error came from running it.
        got_compile = reply.get("compile", False)
        outcome = Outcome("pass")
        if expected_compile != got_compile:
            outcome.detail = "error kind differs: expected %s, got %s" % (payload, code)
        return outcome
    if not reply["ok"]:
        return failure("refused", "%s: %s" % (reply["code"], reply["message"]))
    result = reply["result"]
    got = [[actual_value(v, unlabeled_type) for v in row] for row in result.get("rows", [])]
    if kind == "empty":
        if got:
            return failure("wrong rows", "expected no rows; got %s"
                           % json.dumps(result["rows"])[:400])
        return Outcome("pass")
    table, ordered, sort_lists = payload
    header, body = (table[0], table[1:]) if table else ([], [])
    try:
        expected = [[parse_value(cell) for cell in row] for row in body]
    except LiteralError as error:
        return Outcome("not translated", "expected value not read: %s" % error)
    def key(row):
        return "|".join(canonical(v, sort_lists) for v in row)
    want = [key(r) for r in expected]
    have = [key(r) for r in got]
    if not ordered:
        want.sort()
        have.sort()
    if want != have:
        return failure("wrong rows", "expected %s\n      got      %s"
                       % (" ; ".join(want)[:600], " ; ".join(have)[:600]))
    if header and result.get("columns") != header:
        return failure("columns", "expected columns %s, got %s" % (header, result.get("columns")))
    warnings = result.get("warnings")
    outcome = Outcome("pass")
    if warnings:
        outcome.detail = "warnings: %s" % warnings
    return outcome


def feature_files(root):
    for directory, _, files in sorted(os.walk(root)):
        for name in sorted(files):
            if name.endswith(".feature"):
                yield os.path.join(directory, name)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--features", default=os.path.join(REPO, "tests/tck/features"))
    parser.add_argument("--runner", default=os.path.join(REPO, "build/tools/tck_runner"))
    parser.add_argument("--report", help="write a Markdown report here")
    parser.add_argument("--verbose", action="store_true", help="print every failure")
    parser.add_argument("--only", help="run the scenarios whose feature or name contains this")
    parser.add_argument("--unlabeled-type", metavar="NAME",
                        help="give nodes without a label this type (a probe for wrong rows; "
                             "queries reading labels see it)")
    parser.add_argument("--min-rate", type=float,
                        help="exit 1 when the pass rate (percent) is below this")
    args = parser.parse_args()

    prepared = []
    for path in feature_files(args.features):
        folder = os.path.basename(os.path.dirname(path))
        feature = os.path.splitext(os.path.basename(path))[0]
        with open(path, encoding="utf-8") as handle:
            scenarios = parse_feature(handle.read(), feature)
        for scenario in scenarios:
            title = "%s:%d %s" % (feature, scenario.line, scenario.name)
            if args.only and args.only not in title:
                continue
            prepared.append((folder, title, prepare_scenario(scenario, args.unlabeled_type)))
    # One ontology for the run, so the runner opens one store (each scenario deletes its nodes).
    ontology = graph_setup.union_ontology(
        [(p[0], p[1]["query"]) for _, _, p in prepared if not isinstance(p, Outcome)])
    runner = Runner(args.runner)
    counts = defaultdict(lambda: defaultdict(int))
    listed = []
    for folder, title, item in prepared:
        outcome = item if isinstance(item, Outcome) else run_prepared(item, ontology, runner,
                                                                       args.unlabeled_type)
        counts[folder][outcome.status] += 1
        if outcome.status == "fail":
            counts[folder]["fail: " + outcome.kind] += 1
        listed.append((folder, title, outcome))
    runner.close()

    lines = ["| folder | pass | fail | not expressible | not translated | pass rate |",
             "| --- | --- | --- | --- | --- | --- |"]
    total = defaultdict(int)
    for folder in sorted(counts):
        c = counts[folder]
        for k, v in c.items():
            total[k] += v
        lines.append(row_line(folder, c))
    lines.append(row_line("**all**", total))
    kinds = ", ".join("%s %d" % (k[6:], v) for k, v in sorted(total.items())
                      if k.startswith("fail: "))
    summary = "\n".join(lines) + "\n\nfailures by kind: " + (kinds or "none") + "\n"
    print(summary)
    details = []
    for status in ("fail", "not expressible", "not translated"):
        details.append("\n## %s\n" % status)
        for folder, title, outcome in listed:
            if outcome.status == status:
                prefix = ("[%s] " % outcome.kind) if outcome.kind else ""
                details.append("- %s/%s: %s%s" % (folder, title, prefix,
                                                   outcome.detail.replace("\n", " ")))
    notes = [o for o in listed if o[2].status == "pass" and o[2].detail]
    details.append("\n## passed with a note\n")
    for folder, title, outcome in notes:
        details.append("- %s/%s: %s" % (folder, title, outcome.detail))
    if args.verbose:
        print("\n".join(details))
    if args.report:
        with open(args.report, "w", encoding="utf-8") as handle:
            handle.write("# openCypher TCK run\n\n" + summary + "\n".join(details) + "\n")
    passed, failed = total["pass"], total["fail"]
    rate = 100.0 * passed / (passed + failed) if passed + failed else 0.0
    if args.min_rate is not None and rate < args.min_rate:
        print("pass rate %.1f%% is below %.1f%%" % (rate, args.min_rate))
        return 1
    return 0


def row_line(folder, c):
    passed, failed = c["pass"], c["fail"]
    rate = "%.1f%%" % (100.0 * passed / (passed + failed)) if passed + failed else "-"
    return "| %s | %d | %d | %d | %d | %s |" % (folder, passed, failed, c["not expressible"],
                                               c["not translated"], rate)


if __name__ == "__main__":
    sys.exit(main())
