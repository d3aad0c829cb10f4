"""The Python client (tools/python/expgraph) against a real expgraphd holding the demo graph:
queries, search and insights, the change feed, the streamed export, imports (chunked and
atomic), a full export -> import round trip into a second server, and the typed errors with the
server's codes. The pandas calls are test_dataframe.py's.
Expected values are read from tools/demo/demo-graph.json, not written here.
"""

from __future__ import annotations

import json
import os
import socket
import tempfile
import threading
import time
import types
import unittest
import urllib.parse

from live_server import ADMIN_KEY, SOURCE_DIR, LiveServer, LiveServerTest, user_environment

import expgraph
from expgraph import Client

with open(os.path.join(SOURCE_DIR, "tools/demo/demo-graph.json"), encoding="utf-8") as _demo:
    DEMO = json.load(_demo)
DEMO_NODES = {(node["type"], node["key"]): node for node in DEMO["nodes"]}


def demo_result(key: str) -> dict:
    return DEMO_NODES[("Result", key)]["properties"]


class ClientTest(LiveServerTest):
    def test_query_returns_rows_keyed_by_column(self):
        rows = self.reader.query(
            "MATCH (e:Experiment {key: $key})-[:HAS_RESULT]->(r:Result) "
            "RETURN r.key AS result, r.lift AS lift, r.ci_low AS ci_low, r.ci_high AS ci_high "
            "ORDER BY result", {"key": "EXP-2041"})
        self.assertTrue(rows)
        for row in rows:
            self.assertEqual(list(row), ["result", "lift", "ci_low", "ci_high"])
            expected = demo_result(row["result"])
            self.assertAlmostEqual(row["lift"], expected["lift"])
            self.assertAlmostEqual(row["ci_low"], expected["ci_low"])
            self.assertAlmostEqual(row["ci_high"], expected["ci_high"])
        self.assertIn("EXP-2041-B-conversion", [row["result"] for row in rows])

    def test_query_counts_match_the_demo_graph(self):
        # Experiments: no other test here writes one.
        rows = self.reader.query("MATCH (e:Experiment) RETURN count(*) AS experiments")
        expected = sum(1 for kind, _ in DEMO_NODES if kind == "Experiment")
        self.assertEqual(rows, [{"experiments": expected}])

    def test_query_errors_carry_the_server_code(self):
        with self.assertRaises(expgraph.BadRequest) as syntax:
            self.reader.query("MATCH (e:Experiment RETURN e")
        self.assertEqual(syntax.exception.status, 400)
        self.assertEqual(syntax.exception.code, "invalid_argument")
        self.assertTrue(syntax.exception.details)
        with self.assertRaises(expgraph.Unprocessable) as write:
            self.reader.query("CREATE (n:Channel {key: 'x'})")
        self.assertEqual(write.exception.code, "read_only_query")
        with self.assertRaises(expgraph.Unprocessable) as limit:
            self.reader.query("MATCH (n) RETURN n.key", limit=1)
        self.assertEqual(limit.exception.code, "row_limit_exceeded")

    def test_auth_errors(self):
        with self.assertRaises(expgraph.Unauthenticated) as unknown:
            Client(self.server.url, api_key="egk_not-a-key-at-all").query("RETURN 1 AS one")
        self.assertEqual(unknown.exception.status, 401)
        self.assertEqual(unknown.exception.code, "unauthenticated")
        with self.assertRaises(expgraph.PermissionDenied) as denied:
            self.reader.put_node("Segment", "py-denied", {"name": "No"})
        self.assertEqual(denied.exception.code, "permission_denied")
        with self.assertRaises(expgraph.NotFound):
            self.reader.get_node("Segment", "py-denied")

    def test_whoami_names_the_key_and_its_role(self):
        self.assertEqual(self.reader.whoami(),
                         {"name": "py-reader", "role": "reader", "authentication": "on"})
        self.assertEqual(self.writer.whoami()["role"], "writer")
        with self.assertRaises(expgraph.Unauthenticated):
            Client(self.server.url, api_key="egk_not-a-key-at-all").whoami()

    def test_nodes_and_ontology_violations(self):
        written = self.writer.put_node("Segment", "py students 2024",
                                       {"name": "Students", "definition": "Verified students"})
        self.assertEqual(written["outcome"], "created")
        node = self.reader.get_node("Segment", "py students 2024")
        self.assertEqual(node["properties"]["name"], "Students")
        with self.assertRaises(expgraph.OntologyViolation) as violation:
            self.writer.put_node("Experiment", "EXP-2041", {"name": "x", "status": "planned"})
        self.assertIsInstance(violation.exception, expgraph.Unprocessable)
        self.assertEqual(violation.exception.status, 422)
        self.assertIn("illegal status transition", " ".join(violation.exception.details))
        # Refused, so unchanged.
        self.assertEqual(self.reader.get_node("Experiment", "EXP-2041")["properties"]["status"],
                         "concluded")

    def test_search_finds_the_learning(self):
        hits = self.reader.search("discount in the subject line", types=["Learning"], k=3)
        self.assertTrue(hits)
        self.assertEqual(hits[0]["node"]["type"], "Learning")
        self.assertIn("EXP-2041-L1", [hit["node"]["key"] for hit in hits])
        self.assertFalse(hits.nothing_similar)
        self.assertEqual(hits.answer["mode"], "hybrid")
        # Nothing near: an empty list that says so and how close the closest text came.
        far = self.reader.search("zqxj vbnm plokij", types=["Learning"], k=3)
        self.assertEqual(far, [])
        self.assertTrue(far.nothing_similar)
        self.assertIn("below the floor", far.answer["message"])
        with self.assertRaises(expgraph.BadRequest) as bad:
            self.reader.search("x", mode="telepathy")
        self.assertEqual(bad.exception.code, "invalid_argument")

    def test_similar_tests_patterns_forecast_and_stats(self):
        recommendations = self.reader.similar_tests(
            "a concrete discount in the subject line", channel="email", k=3)
        self.assertTrue(recommendations)
        self.assertIn("EXP-2041", [item["experiment"]["key"] for item in recommendations])
        self.assertFalse(recommendations.nothing_similar)
        self.assertGreater(recommendations.closest_similarity, 0.1)
        unrelated = self.reader.similar_tests("zqxj vbnm plokij", k=3)
        self.assertEqual(unrelated, [])
        self.assertTrue(unrelated.nothing_similar)
        self.assertIsInstance(self.reader.patterns(min_tests=1, limit=5), list)
        forecast = self.reader.forecast([{"name": "B", "text": "Take 25% off this weekend"}],
                                        "a concrete discount in the subject line",
                                        channel="email")
        self.assertEqual([candidate["name"] for candidate in forecast["candidates"]], ["B"])
        stats = self.reader.program_stats()
        concluded = sum(1 for (kind, _), node in DEMO_NODES.items()
                        if kind == "Experiment" and node["properties"].get("status") == "concluded")
        self.assertEqual(stats["concluded"], concluded)
        with self.assertRaises(expgraph.BadRequest):
            self.reader.similar_tests()  # describes no draft test

    def test_patterns_say_when_they_come_from_a_broader_context(self):
        # The demo has one SMS test: too few for patterns of its own, so the server mines every
        # channel's and says so. The client returned the bare list, passing them off as SMS
        # patterns to a job that pools by channel.
        sms = self.reader.patterns(channel="sms", min_tests=2)
        self.assertTrue(sms)
        self.assertEqual(sms.fallback, "any_channel")
        self.assertIsNone(sms.context["channel"])
        self.assertEqual(sms.answer["requested_context"]["channel"], "sms")
        self.assertIn("every segment and channel", sms.message)
        self.assertNotIn("patterns", sms.answer)
        everything = self.reader.patterns(min_tests=1, limit=5)
        self.assertEqual(len(everything), 5)
        self.assertIsNone(everything.fallback)
        self.assertIsNone(everything.message)
        self.assertEqual(everything.answer["status"], "ok")

    def test_export_is_a_stream_of_import_records(self):
        stream = self.reader.export(types=["Channel"])
        self.assertIsInstance(stream, types.GeneratorType)
        records = list(stream)
        expected = sorted(key for kind, key in DEMO_NODES if kind == "Channel")
        self.assertEqual(sorted(record["node"]["key"] for record in records), expected)
        # Stopping early closes the connection and leaves the server serving.
        first = next(iter(self.reader.export()))
        self.assertIn(next(iter(first)), ("node", "edge"))
        self.assertEqual(len(self.reader.query("RETURN 1 AS one")), 1)

    def test_import_reports_and_is_idempotent(self):
        records = [{"node": {"type": "Channel", "key": "py-fax", "properties": {"name": "Fax"}}},
                   {"node": {"type": "NoSuchType", "key": "x"}},
                   {"node": {"type": "Segment", "key": "py-faxers",
                             "properties": {"name": "Fax users"}}},
                   {"edge": {"type": "SUBSEGMENT_OF", "from": "Segment/py-faxers",
                             "to": "Segment/all_customers"}}]
        report = self.writer.import_jsonl(records)
        self.assertEqual(report["lines"], 4)
        self.assertEqual(report["nodes"]["created"], 2)
        self.assertEqual(report["edges"]["created"], 1)
        self.assertEqual(report["rejected"], 1)
        self.assertEqual(report["rejections"][0]["line"], 2)
        # Small pieces: line numbers stay those of the whole input, counts add up.
        again = self.writer.import_jsonl(records, chunk_bytes=1)
        self.assertEqual(again["lines"], 4)
        self.assertEqual(again["nodes"]["unchanged"], 2)
        self.assertEqual(again["edges"]["unchanged"], 1)
        self.assertEqual([rejection["line"] for rejection in again["rejections"]], [2])
        # Atomic: one bad line and nothing is written.
        text = ('{"node": {"type": "Channel", "key": "py-telex", "properties": {"name": "T"}}}\n'
                '{"node": {"type": "NoSuchType", "key": "y"}}\n')
        with self.assertRaises(expgraph.OntologyViolation) as refused:
            self.writer.import_jsonl(text, atomic=True)
        self.assertIn("NoSuchType", refused.exception.message)
        with self.assertRaises(expgraph.NotFound):
            self.reader.get_node("Channel", "py-telex")

    def test_export_then_import_round_trips_into_another_server(self):
        copy = LiveServer(load_demo=False)
        try:
            target = Client(copy.url, api_key="python-tests-admin-key-5d1e7a")
            report = target.import_jsonl(self.reader.export(), chunk_bytes=64 * 1024)
            self.assertEqual(report["rejected"], 0, report["rejections"][:3])
            count = "MATCH (n) RETURN n.key AS key ORDER BY key"
            self.assertEqual(target.query(count), self.reader.query(count))
            edges = "MATCH (a)-[r]->(b) RETURN a.key AS a, type(r) AS type, b.key AS b " \
                    "ORDER BY a, type, b"
            self.assertEqual(target.query(edges, limit=100000),
                             self.reader.query(edges, limit=100000))
            lift = ("MATCH (e:Experiment {key: 'EXP-2041'})-[:HAS_RESULT]->(r:Result) "
                    "RETURN r.key AS key, r.lift AS lift ORDER BY key")
            self.assertEqual(target.query(lift), self.reader.query(lift))
        finally:
            copy.stop()

    def test_change_feed(self):
        records, next_since = self.reader.changes(0, limit=5)
        self.assertEqual([record["sequence"] for record in records], [1, 2, 3, 4, 5])
        self.assertEqual(next_since, 5)
        # A type no change has: the whole log is examined and the feed says how far.
        nothing, head = self.reader.changes(0, types=["DataSource"], limit=10000)
        self.assertTrue(all(record["subject"]["node"].startswith("DataSource/")
                            for record in nothing))
        self.assertGreaterEqual(head, len(DEMO["nodes"]) + len(DEMO["edges"]))
        self.writer.put_node("Segment", "py-feed", {"name": "Feed"})
        follower = self.reader.follow(head, types=["Segment"], wait=5)
        first = next(follower)
        self.assertEqual(first["subject"], {"node": "Segment/py-feed"})
        self.assertGreater(first["sequence"], head)
        empty, same = self.reader.changes(first["sequence"], types=["Segment"], wait=1)
        self.assertEqual(empty, [])
        self.assertGreaterEqual(same, first["sequence"])

    def test_program_stats_takes_a_date_range_and_a_team(self):
        # "from" is a Python keyword: the argument is from_, sent as the server's "from".
        query = {"from": "2024-02-01", "to": "2024-03-31", "team": "crm"}
        expected = self.server.request("GET", "/v1/stats/program?" + urllib.parse.urlencode(query))
        stats = self.reader.program_stats(from_="2024-02-01", to="2024-03-31", team="crm")
        self.assertEqual(stats, expected)
        self.assertNotEqual(stats["started"], self.reader.program_stats()["started"])
        self.assertEqual(self.reader.program_stats(**query), expected)
        with self.assertRaises(expgraph.BadRequest) as reversed_range:
            self.reader.program_stats(from_="2024-05-01", to="2024-03-31")
        self.assertIn("from must not be after to", reversed_range.exception.message)
        # A team naming no Team is refused with the closest keys (it answered zero experiments).
        with self.assertRaises(expgraph.Unprocessable) as unknown:
            self.reader.program_stats(team="crmm")
        self.assertEqual(unknown.exception.code, "unknown_context_key")
        self.assertEqual(unknown.exception.details, ["crm"])
        self.assertEqual(unknown.exception.field, "team")

    def test_import_reads_a_path_given_as_a_str(self):
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as file:
            file.write('{"node": {"type": "Channel", "key": "py-path", '
                       '"properties": {"name": "From a path"}}}\n')
        try:
            report = self.writer.import_jsonl(file.name)
        finally:
            os.unlink(file.name)
        self.assertEqual(report["rejected"], 0, report["rejections"])
        self.assertEqual(report["nodes"]["created"], 1)
        self.assertEqual(self.reader.get_node("Channel", "py-path")["properties"]["name"],
                         "From a path")
        # A missing file says so before anything is sent.
        with self.assertRaises(FileNotFoundError):
            self.writer.import_jsonl(file.name)

    def test_readme_error_example_runs_as_written(self):
        # The first example of tools/python/README.md, as a user would paste it.
        with open(os.path.join(SOURCE_DIR, "tools/python/README.md"), encoding="utf-8") as readme:
            example = readme.read().split("```python\n", 1)[1].split("```", 1)[0]
        printed = []
        with user_environment(self.server):
            exec(compile(example, "tools/python/README.md", "exec"),
                 {"print": lambda *args: printed.append(args)})
        self.assertEqual(printed, [("row_limit_exceeded",)])

    def test_connection_failure_is_typed(self):
        with self.assertRaises(expgraph.ConnectionFailed) as failed:
            Client("http://127.0.0.1:9", timeout=2).query("RETURN 1 AS one")
        self.assertIsNone(failed.exception.status)
        self.assertEqual(failed.exception.code, "connection_failed")

    def test_no_answer_in_time_is_a_timeout(self):
        # A listener that takes the connection and never answers.
        with socket.socket() as silent:
            silent.bind(("127.0.0.1", 0))
            silent.listen(1)
            client = Client(f"http://127.0.0.1:{silent.getsockname()[1]}", timeout=0.5)
            with self.assertRaises(expgraph.Timeout) as late:
                client.query("RETURN 1 AS one")
        self.assertIsInstance(late.exception, expgraph.ConnectionFailed)
        self.assertEqual(late.exception.code, "timeout")
        self.assertIn("no answer in time", late.exception.message)


class RetryTest(unittest.TestCase):
    """A server that takes one /v1 request at a time: while a long poll holds that slot, others
    are refused with 429 and Retry-After, and the client sends them again after the wait."""

    def test_refused_requests_are_sent_again_after_the_wait(self):
        server = LiveServer(load_demo=False, extra_args=("--max-concurrent-requests", "1"))
        try:
            holder = Client(server.url, api_key=ADMIN_KEY)
            head = holder.changes(0, limit=1)[1]
            poll_errors = []

            def long_poll():
                try:
                    holder.changes(head + 1000, wait=5)
                except expgraph.ExpgraphError as error:
                    poll_errors.append(error)

            poll = threading.Thread(target=long_poll)
            poll.start()
            impatient = Client(server.url, api_key=ADMIN_KEY, retries=0)
            refused = None
            deadline = time.monotonic() + 2.0
            while refused is None and time.monotonic() < deadline:
                try:
                    impatient.query("RETURN 1 AS one")
                except expgraph.Overloaded as error:
                    refused = error
            self.assertIsNotNone(refused,
                                 f"the long poll did not take the only slot: {poll_errors}")
            self.assertEqual(refused.code, "overloaded")
            self.assertEqual(refused.retry_after, 1.0)
            started = time.monotonic()
            patient = Client(server.url, api_key=ADMIN_KEY, retries=10)
            self.assertEqual(patient.query("RETURN 1 AS one"), [{"one": 1}])
            self.assertGreater(time.monotonic() - started, 0.9, "it waited as asked")
            poll.join()
        finally:
            server.stop()


class ReadReplicaTest(unittest.TestCase):
    """A write sent to a read replica raises ReadReplica naming the primary; reads answer."""

    def test_a_write_to_a_replica_names_the_primary(self):
        primary = LiveServer()
        os.environ["EXPGRAPH_PRIMARY_KEY"] = ADMIN_KEY
        try:
            replica = LiveServer(load_demo=False, extra_args=("--replica-of", primary.url))
        finally:
            del os.environ["EXPGRAPH_PRIMARY_KEY"]
        try:
            client = Client(replica.url, api_key=ADMIN_KEY)
            with self.assertRaises(expgraph.ReadReplica) as refused:
                client.put_node("Segment", "students", {"name": "Students"})
            self.assertEqual(refused.exception.status, 421)
            self.assertEqual(refused.exception.code, "read_replica")
            self.assertEqual(refused.exception.primary, primary.url)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    client.get_node("Experiment", "EXP-2041")
                    break
                except expgraph.NotFound:
                    time.sleep(0.1)
            self.assertEqual(client.get_node("Experiment", "EXP-2041")["key"], "EXP-2041")
        finally:
            replica.stop()
            primary.stop()


if __name__ == "__main__":
    unittest.main(verbosity=2)
