"""The server answers as its OpenAPI description says: a real expgraphd with the demo graph is
asked what a planner, a forecasting job, a writer and an admin ask (successes and the usual
errors), every answer is recorded with its operation, and api/openapi/check_responses.mjs
checks each status is documented and each JSON body matches its response schema. The
description's own examples are test_openapi_description.py's to check.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

from live_server import ADMIN_KEY, SOURCE_DIR, LiveServerTest

CHECKER = os.path.join(SOURCE_DIR, "api/openapi/check_responses.mjs")


def check(document: dict, answers: list) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as folder:
        paths = [os.path.join(folder, name) for name in ("openapi.json", "answers.json")]
        for path, value in zip(paths, (document, answers)):
            with open(path, "w") as file:
                json.dump(value, file)
        return subprocess.run(["node", CHECKER, *paths], capture_output=True, text=True,
                              timeout=120)


class OpenApiResponsesTest(LiveServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.document = cls.reader.openapi()
        cls.answers = []
        cls.ask_everything()

    @classmethod
    def ask(cls, role: str, method: str, template: str, path: str, body=None,
            expect: int = None) -> dict:
        """Sends one request with the key of `role` ("none" for no key) and records the answer
        under its operation (`template`, the path as the description writes it)."""
        keys = {"reader": cls.server.reader_key, "writer": cls.server.writer_key,
                "admin": ADMIN_KEY, "none": None}
        # A bytes body is JSON Lines, sent as it is; anything else is sent as JSON.
        lines = isinstance(body, bytes)
        headers = {"Content-Type": "application/x-ndjson" if lines else "application/json"}
        if keys[role]:
            headers["Authorization"] = "Bearer " + keys[role]
        data = body if lines or body is None else json.dumps(body).encode()
        request = urllib.request.Request(cls.server.url + path, data=data, method=method,
                                         headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                status, raw, kind = response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:
            status, raw, kind = error.code, error.read(), error.headers
        parsed = None
        if (kind.get("Content-Type") or "").startswith("application/json"):
            parsed = json.loads(raw)
        cls.answers.append({"method": method.lower(), "path": template, "status": status,
                            "body": parsed, "sent": path})
        if expect is not None and status != expect:
            raise AssertionError(f"{method} {path}: {status}, expected {expect}: {raw[:300]!r}")
        return parsed

    @classmethod
    def ask_everything(cls) -> None:
        node = "/v1/nodes/{type}/{key}"
        exp = "/v1/nodes/Experiment/EXP-2041"
        ask = cls.ask
        # Open and reader routes.
        ask("none", "GET", "/healthz", "/healthz", expect=200)
        ask("none", "GET", "/readyz", "/readyz", expect=200)
        ask("reader", "GET", "/v1/ontology", "/v1/ontology", expect=200)
        ask("reader", "GET", "/v1/openapi.json", "/v1/openapi.json", expect=200)
        ask("none", "GET", "/v1/ontology", "/v1/ontology", expect=401)
        for role in ("reader", "writer", "admin"):
            me = ask(role, "GET", "/v1/auth/me", "/v1/auth/me", expect=200)
            assert me["role"] == role and me["authentication"] == "on", me
        ask("none", "GET", "/v1/auth/me", "/v1/auth/me", expect=401)
        ask("reader", "GET", node, exp, expect=200)
        ask("reader", "GET", node, "/v1/nodes/Experiment/NO-SUCH-TEST", expect=404)
        ask("reader", "GET", node, "/v1/nodes/Experiment/" + "k" * 2000, expect=400)
        ask("reader", "GET", "/v1/nodes/{type}", "/v1/nodes/Experiment?limit=2", expect=200)
        ask("reader", "GET", "/v1/nodes/{type}", "/v1/nodes/NoSuchType", expect=404)
        ask("reader", "GET", node + "/edges", exp + "/edges", expect=200)
        ask("reader", "GET", node + "/neighborhood", exp + "/neighborhood?hops=2", expect=200)
        ask("reader", "GET", node + "/neighborhood", exp + "/neighborhood?count_only=true",
            expect=200)
        ask("reader", "GET", node + "/history", exp + "/history", expect=200)
        ask("reader", "GET", "/v1/paths", "/v1/paths?from=Experiment/EXP-2041&to=Channel/web",
            expect=200)
        ask("reader", "GET", "/v1/paths", "/v1/paths?from=Experiment/EXP-2041", expect=400)
        ask("reader", "POST", "/v1/query", "/v1/query",
            {"query": "MATCH (e:Experiment)-[:RUNS_ON]->(c:Channel) "
                      "RETURN c.key AS channel, count(*) AS tests ORDER BY tests DESC"},
            expect=200)
        ask("reader", "POST", "/v1/query", "/v1/query",
            {"query": "MATCH (e:Experiment) RETURN e.started_at AS d, "
                      "duration.inDays(e.started_at, e.ended_at) AS days LIMIT 3"}, expect=200)
        ask("reader", "POST", "/v1/query", "/v1/query", {"query": "MATCH (e RETURN e"},
            expect=400)
        ask("reader", "POST", "/v1/search", "/v1/search",
            {"text": "discount in the subject line", "k": 3}, expect=200)
        ask("reader", "POST", "/v1/search", "/v1/search",
            {"text": "discount", "filter": {"channel": "e-mail"}}, expect=422)
        ask("reader", "POST", "/v1/recommendations/similar-tests",
            "/v1/recommendations/similar-tests",
            {"hypothesis": "a concrete discount in the subject line", "channel": "email",
             "k": 3}, expect=200)
        ask("reader", "GET", "/v1/patterns", "/v1/patterns?min_tests=1", expect=200)
        ask("reader", "POST", "/v1/forecast", "/v1/forecast",
            {"hypothesis": "a concrete discount in the subject line", "channel": "email",
             "candidates": [{"name": "A", "text": "Take 25% off this weekend"},
                            {"name": "B", "text": "Our weekend offer is here"}]}, expect=200)
        ask("reader", "POST", "/v1/forecast", "/v1/forecast",
            {"hypothesis": "x", "candidates": []}, expect=422)
        ask("reader", "GET", "/v1/models/forecast", "/v1/models/forecast", expect=200)
        # With a learned model: the candidates carry p_best, p_beats, expected_lift and
        # contributions, against the set's mean and against a control.
        cls.write_trainable_tests()
        cls.wait_for_model()
        ask("reader", "GET", "/v1/models/forecast", "/v1/models/forecast", expect=200)
        draft = {"hypothesis": "an amazing opening", "metric": "contract-ctr",
                 "candidates": [{"name": "A", "text": "Amazing story about dogs"},
                                {"name": "B", "text": "Ancient story about dogs"},
                                {"name": "C", "text": "Something else entirely"}]}
        learned = ask("reader", "POST", "/v1/forecast", "/v1/forecast", draft, expect=200)
        assert learned["method"] == "learned_model", learned["model"]
        ask("reader", "POST", "/v1/forecast", "/v1/forecast", dict(draft, control="B"),
            expect=200)
        ask("reader", "GET", "/v1/stats/program", "/v1/stats/program", expect=200)
        ask("reader", "GET", "/v1/changes", "/v1/changes?limit=5", expect=200)
        ask("reader", "GET", "/v1/export/csv", "/v1/export/csv", expect=200)
        # Writes: a reader may not; a writer creates, updates, links, batches, deletes.
        hypothesis = {"properties": {"statement": "Shorter subject lines are opened more",
                                     "status": "draft"}}
        ask("reader", "PUT", node, "/v1/nodes/Hypothesis/contract-h", hypothesis, expect=403)
        ask("writer", "PUT", node, "/v1/nodes/Hypothesis/contract-h", hypothesis, expect=201)
        ask("writer", "PUT", node, "/v1/nodes/Hypothesis/contract-h", hypothesis, expect=200)
        ask("writer", "PUT", node, "/v1/nodes/Hypothesis/contract-bad",
            {"properties": {"status": "draft", "no_such_property": 1}}, expect=422)
        edge = {"type": "TESTS", "from": "Experiment/EXP-2041", "to": "Hypothesis/contract-h"}
        ask("writer", "POST", "/v1/edges", "/v1/edges", edge, expect=201)
        ask("writer", "DELETE", "/v1/edges", "/v1/edges", edge, expect=200)
        ask("writer", "POST", "/v1/batch", "/v1/batch",
            {"nodes": [{"type": "Segment", "key": "contract-students",
                        "properties": {"name": "Students"}}],
             "edges": [{"type": "SUBSEGMENT_OF", "from": "Segment/contract-students",
                        "to": "Segment/all_customers"}]}, expect=200)
        ask("writer", "POST", "/v1/batch", "/v1/batch",
            {"edges": [{"type": "SUBSEGMENT_OF", "from": "Segment/contract-students",
                        "to": "Segment/nowhere"}]}, expect=404)
        ask("writer", "DELETE", node, "/v1/nodes/Hypothesis/contract-h", expect=200)
        imported = (b'{"node": {"type": "Segment", "key": "contract-imported", '
                    b'"properties": {"name": "Imported"}}}\n')
        ask("writer", "POST", "/v1/import", "/v1/import", imported, expect=200)
        ask("writer", "POST", "/v1/import", "/v1/import?atomic=true",
            imported + b'{"node": {"type": "Segment"}}\n', expect=400)
        # Admin routes.
        ask("admin", "GET", "/v1/admin/keys", "/v1/admin/keys", expect=200)
        ask("admin", "POST", "/v1/admin/keys", "/v1/admin/keys",
            {"name": "contract-key", "role": "reader"}, expect=201)
        ask("admin", "POST", "/v1/admin/keys", "/v1/admin/keys",
            {"name": "contract-key", "role": "reader"}, expect=409)
        ask("admin", "DELETE", "/v1/admin/keys/{name}", "/v1/admin/keys/contract-key",
            expect=200)
        hook = ask("admin", "POST", "/v1/admin/webhooks", "/v1/admin/webhooks",
                   {"url": "http://127.0.0.1:9/hook", "events": ["learning.created"],
                    "secret": "a-long-shared-secret-0123"}, expect=201)
        ask("admin", "GET", "/v1/admin/webhooks", "/v1/admin/webhooks", expect=200)
        hook_path = "/v1/admin/webhooks/" + urllib.parse.quote(str(hook["id"]))
        ask("admin", "GET", "/v1/admin/webhooks/{id}/deliveries", hook_path + "/deliveries",
            expect=200)
        ask("admin", "DELETE", "/v1/admin/webhooks/{id}", hook_path, expect=200)
        ask("writer", "GET", "/v1/admin/keys", "/v1/admin/keys", expect=403)
        # Replication's JSON routes (no replica follows this server: an empty list, and replies
        # naming no live stream).
        ask("admin", "GET", "/v1/replication/replicas", "/v1/replication/replicas", expect=200)
        ask("admin", "POST", "/v1/replication/replies", "/v1/replication/replies",
            {"stream_id": "0123456789abcdef", "applied_sequence": 1}, expect=404)
        ask("admin", "POST", "/v1/replication/replies", "/v1/replication/replies",
            {"stream_id": "0123456789abcdef"}, expect=400)
        ask("admin", "GET", "/v1/audit", "/v1/audit?limit=5", expect=200)
        # Edge changes too: their subject is {edge, from, to}, a node's is {node}.
        ask("admin", "GET", "/v1/audit", "/v1/audit?type=TESTS&limit=5", expect=200)
        ask("admin", "POST", "/v1/admin/backup", "/v1/admin/backup",
            {"path": "contract-backup"}, expect=201)

    @classmethod
    def write_trainable_tests(cls) -> None:
        """30 concluded two-arm tests on their own metric in which the headline opening with
        "Amazing" beats the one opening with "Ancient": enough for the server to train."""
        nodes = [{"type": "Metric", "key": "contract-ctr",
                  "properties": {"name": "contract ctr", "direction": "increase"}}]
        edges = []
        for i in range(30):
            test = f"contract-T{i}"
            nodes.append({"type": "Experiment", "key": test,
                          "properties": {"name": test, "status": "concluded",
                                         "started_at": f"2024-05-{1 + i % 28:02d}"}})
            edges.append({"type": "MEASURES", "from": f"Experiment/{test}",
                          "to": "Metric/contract-ctr", "properties": {"role": "primary"}})
            for arm, opening, clicks in (("a", "Amazing", 150), ("b", "Ancient", 100)):
                variant = f"{test}-{arm}"
                topic = ("dogs", "cats", "rain", "money", "music")[i % 5]
                nodes += [
                    {"type": "Asset", "key": variant,
                     "properties": {"kind": "headline", "text": f"{opening} story about {topic}"}},
                    {"type": "Variant", "key": variant, "properties": {"name": variant}},
                    {"type": "Result", "key": variant + "-r",
                     "properties": {"name": variant, "users": 2000, "conversions": clicks}}]
                edges += [
                    {"type": "HAS_VARIANT", "from": f"Experiment/{test}", "to": f"Variant/{variant}"},
                    {"type": "USES_ASSET", "from": f"Variant/{variant}", "to": f"Asset/{variant}"},
                    {"type": "HAS_RESULT", "from": f"Experiment/{test}", "to": f"Result/{variant}-r"},
                    {"type": "FOR_VARIANT", "from": f"Result/{variant}-r", "to": f"Variant/{variant}"},
                    {"type": "ON_METRIC", "from": f"Result/{variant}-r", "to": "Metric/contract-ctr"}]
        cls.ask("writer", "POST", "/v1/batch", "/v1/batch", {"nodes": nodes, "edges": edges},
                expect=200)

    @classmethod
    def wait_for_model(cls) -> None:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if cls.server.request("GET", "/v1/models/forecast").get("model"):
                return
            time.sleep(0.2)
        raise AssertionError("no forecast model after 90 s")

    def test_every_answer_matches_the_description(self):
        checked = check(self.document, self.answers)
        self.assertEqual(checked.returncode, 0, checked.stderr)
        self.assertIn(f"{len(self.answers)} answers match", checked.stdout)

    def test_the_check_can_fail(self):
        # A body that lost a required field, a forecast whose contribution is not a number, a
        # status the description does not list, and an operation it does not have: each is
        # named.
        answers = json.loads(json.dumps(self.answers))
        node = next(a for a in answers if a["path"] == "/v1/nodes/{type}/{key}"
                    and a["status"] == 200 and a["method"] == "get")
        del node["body"]["version"]
        learned = next(a for a in answers if a["path"] == "/v1/forecast" and a["status"] == 200
                       and a["body"]["method"] == "learned_model")
        learned["body"]["candidates"][0]["contributions"]["up"][0]["value"] = "high"
        # The ontology's types and the change subjects are described field by field (they
        # were bare objects, which took anything).
        ontology = next(a for a in answers if a["path"] == "/v1/ontology" and a["status"] == 200)
        ontology["body"]["node_types"][0]["properties"][0]["type"] = "integer"
        del ontology["body"]["edge_types"][0]["cardinality"]["per_target"]
        audit = next(a for a in answers if a["path"] == "/v1/audit" and a["status"] == 200)
        audit["body"]["changes"][0]["subject"] = {"node": "Experiment/EXP-2041", "edge": "TESTS"}
        answers.append({"method": "get", "path": "/v1/ontology", "status": 418, "body": {}})
        answers.append({"method": "get", "path": "/v1/nowhere", "status": 200, "body": {}})
        checked = check(self.document, answers)
        self.assertEqual(checked.returncode, 1)
        self.assertIn("GET /v1/nodes/{type}/{key} 200", checked.stderr)
        self.assertIn("POST /v1/forecast 200: data/candidates/0/contributions/up/0/value must be "
                      "number", checked.stderr)
        self.assertIn("GET /v1/ontology 418: status not documented", checked.stderr)
        self.assertIn("data/node_types/0/properties/0/type must be equal to one of the allowed "
                      "values", checked.stderr)
        self.assertIn("data/edge_types/0/cardinality must have required property 'per_target'",
                      checked.stderr)
        self.assertIn("data/changes/0/subject must match exactly one schema in oneOf",
                      checked.stderr)
        self.assertIn("GET /v1/nowhere 200: no such operation", checked.stderr)

    def test_the_described_shapes_were_answered(self):
        # The answers checked against the ontology and change-subject schemas hold every
        # variant those schemas describe: a lifecycle, an enum's values, node and edge subjects.
        ontology = next(a["body"] for a in self.answers
                        if a["path"] == "/v1/ontology" and a["status"] == 200)
        self.assertTrue(any("lifecycle" in t for t in ontology["node_types"]))
        self.assertTrue(any("values" in p for t in ontology["node_types"]
                            for p in t["properties"]))
        self.assertTrue(any(t["properties"] for t in ontology["edge_types"]))
        subjects = [change["subject"] for a in self.answers if a["status"] == 200
                    and a["path"] in ("/v1/audit", "/v1/nodes/{type}/{key}/history")
                    for change in a["body"].get("changes", a["body"].get("versions", []))]
        self.assertTrue(any("node" in s for s in subjects), subjects[:3])
        self.assertTrue(any("edge" in s for s in subjects), subjects[:3])

    def test_most_operations_are_asked(self):
        asked = {(a["method"], a["path"]) for a in self.answers}
        described = {(method, path) for path, item in self.document["paths"].items()
                     for method in item}
        self.assertLessEqual(asked, described)
        # Not asked: the web UI's files, the API page, /metrics (text), the import and export
        # streams, replication, whose bodies are not JSON documents of a schema.
        self.assertGreaterEqual(len(asked), 34, sorted(described - asked))


if __name__ == "__main__":
    unittest.main(verbosity=2)
