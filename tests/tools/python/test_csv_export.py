"""The export as tables (issue 19, item 8) against a real expgraphd with the demo graph: each
node and edge type is a CSV file with a header and one column per property, read back with
Python's csv module (and pandas.read_csv on the URL when pandas is installed); `expgraph export
--format csv` without --output writes a new folder in the current directory and says where;
GraphML declares a <key> per property with its type.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import tempfile
import unittest
import urllib.error
import urllib.request
import xml.etree.ElementTree as ElementTree

from live_server import SOURCE_DIR, LiveServerTest

CLI_BINARY = os.environ.get("EXPGRAPH_CLI_BINARY", os.path.join(SOURCE_DIR, "build/tools/expgraph"))

with open(os.path.join(SOURCE_DIR, "tools/demo/demo-graph.json"), encoding="utf-8") as _demo:
    DEMO = json.load(_demo)
DEMO_NODES = {(node["type"], node["key"]): node["properties"] for node in DEMO["nodes"]}

GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"


def cell(value) -> str:
    """A demo property value as the CSV export writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return str(value)


class CsvExportTest(LiveServerTest):
    def fetch(self, path: str) -> bytes:
        request = urllib.request.Request(
            self.server.url + path, headers={"Authorization": "Bearer " + self.server.reader_key})
        with urllib.request.urlopen(request, timeout=30) as response:
            self.assertEqual(response.status, 200)
            return response.read()

    def run_cli(self, *arguments: str, cwd: str) -> subprocess.CompletedProcess:
        environment = dict(os.environ, EXPGRAPH_URL=self.server.url,
                           EXPGRAPH_API_KEY=self.server.reader_key)
        return subprocess.run([CLI_BINARY, *arguments], cwd=cwd, env=environment,
                              capture_output=True, text=True, timeout=120)

    def test_every_type_is_a_table_with_a_column_per_property(self):
        tables = json.loads(self.fetch("/v1/export/csv"))["tables"]
        ontology = self.server.request("GET", "/v1/ontology")
        ontology = ontology.get("ontology", ontology)
        self.assertEqual({t["type"] for t in tables if t["kind"] == "node"},
                         {t["name"] for t in ontology["node_types"]})
        self.assertEqual({t["type"] for t in tables if t["kind"] == "edge"},
                         {t["name"] for t in ontology["edge_types"]})
        experiment = next(t for t in tables if t["type"] == "Experiment")
        declared = next(t for t in ontology["node_types"] if t["name"] == "Experiment")
        self.assertEqual([c["name"] for c in experiment["columns"]],
                         ["key"] + [p["name"] for p in declared["properties"]])
        self.assertEqual(experiment["url"], "/v1/export/csv/nodes/Experiment.csv")

    def test_node_table_reads_back_with_the_csv_module(self):
        rows = list(csv.DictReader(io.StringIO(
            self.fetch("/v1/export/csv/nodes/Experiment.csv").decode("utf-8"))))
        expected = {key: p for (kind, key), p in DEMO_NODES.items() if kind == "Experiment"}
        self.assertEqual({row["key"] for row in rows}, set(expected))
        for row in rows:
            for name, value in expected[row["key"]].items():
                self.assertEqual(row[name], cell(value), (row["key"], name))
            self.assertIn("planned_sample_size", row)  # declared, absent here: an empty cell
        tags = json.loads(next(r for r in rows if r["key"] == "EXP-2041")["tags"])
        self.assertEqual(tags, ["subject line", "discount"])

    def test_edge_table_names_both_ends(self):
        rows = list(csv.DictReader(io.StringIO(
            self.fetch("/v1/export/csv/edges/HAS_VARIANT.csv").decode("utf-8"))))
        expected = {(e["from"], e["to"]): e["properties"] for e in DEMO["edges"]
                    if e["type"] == "HAS_VARIANT"}
        self.assertEqual(len(rows), len(expected))
        for row in rows:
            self.assertEqual(row["from_type"], "Experiment")
            self.assertEqual(row["to_type"], "Variant")
            ends = ("Experiment/" + row["from_key"], "Variant/" + row["to_key"])
            self.assertEqual(row["position"], cell(expected[ends]["position"]))

    def test_unknown_type_and_bad_since_are_errors(self):
        for path, status in (("/v1/export/csv/nodes/Nope.csv", 404),
                             ("/v1/export/csv/edges/Experiment.csv", 404),
                             ("/v1/export/csv/nodes/Experiment.csv?since=yesterday", 400)):
            with self.assertRaises(urllib.error.HTTPError) as raised:
                self.fetch(path)
            self.assertEqual(raised.exception.code, status, path)
        header_only = self.fetch("/v1/export/csv/nodes/Experiment.csv?since=2999-01-01")
        self.assertTrue(header_only.decode("utf-8").startswith("key,name,"))
        self.assertEqual(header_only.count(b"\n"), 1)

    def test_pandas_reads_the_url(self):
        try:
            import pandas  # noqa: F401 (optional: Debian python3-pandas)
        except ImportError:
            self.skipTest("pandas is not installed")
        frame = pandas.read_csv(
            self.server.url + "/v1/export/csv/nodes/Result.csv",
            storage_options={"Authorization": "Bearer " + self.server.reader_key})
        self.assertEqual(len(frame), sum(1 for kind, _ in DEMO_NODES if kind == "Result"))
        self.assertEqual(frame["lift"].dtype.kind, "f")
        self.assertEqual(frame["users"].dtype.kind, "i")

    def test_cli_csv_without_output_makes_a_new_folder_and_says_where(self):
        with tempfile.TemporaryDirectory() as work:
            done = self.run_cli("export", "--format", "csv", cwd=work)
            self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
            folders = os.listdir(work)
            self.assertEqual(len(folders), 1)
            self.assertTrue(folders[0].startswith("expgraph-export-"))
            self.assertIn(folders[0], done.stdout)
            with open(os.path.join(work, folders[0], "nodes", "Variant.csv"),
                      encoding="utf-8", newline="") as table:
                rows = list(csv.DictReader(table))
            self.assertEqual(len(rows), sum(1 for kind, _ in DEMO_NODES if kind == "Variant"))
            self.assertTrue(os.path.exists(os.path.join(work, folders[0], "edges", "TESTS.csv")))
            # A second export does not overwrite the first.
            again = self.run_cli("export", "--format", "csv", "--types", "Channel,RUNS_ON",
                                 cwd=work)
            self.assertEqual(again.returncode, 0, again.stdout + again.stderr)
            self.assertEqual(len(os.listdir(work)), 2)
            self.assertIn("2 CSV files", again.stdout)

    def test_graphml_declares_a_key_per_property(self):
        with tempfile.TemporaryDirectory() as work:
            done = self.run_cli("export", "--format", "graphml", "--output", "g.graphml", cwd=work)
            self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
            root = ElementTree.parse(os.path.join(work, "g.graphml")).getroot()
        keys = {(k.get("for"), k.get("attr.name")): k for k in root.iter(GRAPHML + "key")}
        self.assertEqual(keys[("node", "users")].get("attr.type"), "long")
        self.assertEqual(keys[("node", "lift")].get("attr.type"), "double")
        self.assertEqual(keys[("node", "is_control")].get("attr.type"), "boolean")
        self.assertEqual(keys[("node", "status")].get("attr.type"), "string")
        self.assertEqual(keys[("edge", "position")].get("attr.type"), "long")
        graph = root.find(GRAPHML + "graph")
        nodes = {n.get("id"): n for n in graph.iter(GRAPHML + "node")}
        self.assertEqual(len(nodes), len(DEMO_NODES))
        self.assertEqual(sum(1 for _ in graph.iter(GRAPHML + "edge")), len(DEMO["edges"]))
        result = nodes["Result/EXP-2041-B-conversion"]
        data = {d.get("key"): d.text for d in result.iter(GRAPHML + "data")}
        lift_key = keys[("node", "lift")].get("id")
        self.assertAlmostEqual(float(data[lift_key]), 0.167466)


if __name__ == "__main__":
    unittest.main()
