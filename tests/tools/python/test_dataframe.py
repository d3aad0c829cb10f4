"""Client.query_df and the example job of tools/python/README.md against a real expgraphd with
the demo graph. Needs pandas: run as a script, it exits 77 (ctest reports the test as skipped)
when pandas is not installed (Debian: python3-pandas).
"""

from __future__ import annotations

import collections
import json
import os
import sys
import unittest

from live_server import SOURCE_DIR, LiveServerTest, user_environment

with open(os.path.join(SOURCE_DIR, "tools/demo/demo-graph.json"), encoding="utf-8") as _demo:
    DEMO_NODES = {(node["type"], node["key"]): node for node in json.load(_demo)["nodes"]}


class DataFrameTest(LiveServerTest):
    def test_query_df_keeps_columns_and_values(self):
        frame = self.reader.query_df(
            "MATCH (e:Experiment)-[:HAS_RESULT]->(r:Result) "
            "RETURN e.key AS experiment, r.key AS result, r.lift AS lift ORDER BY result")
        self.assertEqual(list(frame.columns), ["experiment", "result", "lift"])
        expected = {key: node["properties"]["lift"] for (kind, key), node in DEMO_NODES.items()
                    if kind == "Result" and "lift" in node["properties"]}
        self.assertEqual(len(frame), len(expected))
        for row in frame.itertuples():
            self.assertAlmostEqual(row.lift, expected[row.result])

    def test_query_df_with_no_rows_keeps_the_columns(self):
        frame = self.reader.query_df("MATCH (e:Experiment {key: 'none'}) RETURN e.key AS key")
        self.assertEqual(list(frame.columns), ["key"])
        self.assertEqual(len(frame), 0)

    def test_readme_example_job_runs(self):
        # The job in tools/python/README.md, run as a user would, against this server.
        with open(os.path.join(SOURCE_DIR, "tools/python/README.md"), encoding="utf-8") as readme:
            text = readme.read()
        job = text.split("## An example job", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
        output = collections.deque()
        namespace = {"print": lambda *args, **kwargs: output.append(args)}
        with user_environment(self.server):
            exec(compile(job, "tools/python/README.md", "exec"), namespace)
        self.assertTrue(output)
        pooled = namespace["pooled"]
        self.assertIn("email", set(pooled.index))


if __name__ == "__main__":
    try:
        import pandas  # noqa: F401
    except ImportError:
        print("SKIPPED: pandas is not installed (Debian: python3-pandas); query_df is not tested")
        sys.exit(77)
    unittest.main(verbosity=2)
