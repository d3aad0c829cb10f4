#!/usr/bin/env python3
"""How long a forecast asked right after a write takes (a client alone, which reads its own
writes: the insights bring their snapshot up to date before answering, docs/insights.md).

Usage: tools/bench/write_then_ask.py [--rounds N] PORT SERVER [SERVER ...] -- SERVER_ARGS...

Imports the demo graph and the Upworthy archive (../shared/data) once, with the first SERVER,
into a temporary directory; then, for each SERVER in turn on its own copy of that data (the
servers alternate round by round, so a noisy machine hurts them alike), N rounds of: a write,
then at once POST /v1/forecast for an archive test, then the same forecast again. The writes:
  segment     a Segment's description (nothing the insights read)
  result      an archive Result's conversions (one test's arms are read again)
  experiment  an archive Experiment's description (likewise)
  test        a new test recorded in one batch: the experiment, two variants with a headline
              each and their results (an experiment added, assets added: the text index too)
Prints, per server and write, the median and range of the forecast right after the write and
of the one after it. SERVER_ARGS go to every server (say --embedder glove --word-vectors F).
Run from the repository root after tools/build.
"""
import http.client
import json
import os
import shutil
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from concurrent_requests import (forecast_bodies, import_archive, load_demo_graph,  # noqa: E402
                                 request, start_expgraphd, wait_for_model)

WRITES = ("segment", "result", "experiment", "test")
logs = {}  # port -> the log of the server started on it
running = []  # servers started and not yet stopped


def start(binary, port, db, args, log_path):
    logs[port] = log_path
    server = start_expgraphd(binary, port, db, args, log_path, seconds=300)
    running.append(server)
    return server


def stop(server, port):
    running.remove(server)
    server.terminate()
    if server.wait(timeout=120) != 0:
        with open(logs[port]) as log:
            sys.exit(f"the server exited with {server.returncode}:\n{log.read()[-2000:]}")


def call(connection, method, path, body=None):
    status, answer = request(connection, method, path,
                             None if body is None else json.dumps(body))
    if status >= 300:
        sys.exit(f"{method} {path}: HTTP {status} {answer[:200]!r}")
    return json.loads(answer)


def recorded_test(key):
    """A concluded two-arm test as a planner records one after the fact."""
    nodes = [{"type": "Experiment", "key": key,
              "properties": {"name": f"Recorded {key}", "status": "concluded",
                             "started_at": "2014-09-01"}}]
    edges = []
    for v in range(2):
        arm = f"{key}-v{v}"
        nodes += [{"type": "Variant", "key": arm, "properties": {"name": f"Variant {v}"}},
                  {"type": "Asset", "key": arm + "-headline",
                   "properties": {"kind": "headline",
                                  "text": f"What teachers of {key} learned, take {v}"}},
                  {"type": "Result", "key": arm + "-ctr",
                   "properties": {"name": f"ctr of {arm}", "users": 5000,
                                  "conversions": 90 + v}}]
        edges += [{"type": "HAS_VARIANT", "from": "Experiment/" + key, "to": "Variant/" + arm},
                  {"type": "USES_ASSET", "from": "Variant/" + arm,
                   "to": "Asset/" + arm + "-headline"},
                  {"type": "HAS_RESULT", "from": "Experiment/" + key, "to": "Result/" + arm + "-ctr"},
                  {"type": "FOR_VARIANT", "from": "Result/" + arm + "-ctr", "to": "Variant/" + arm}]
    return {"nodes": nodes, "edges": edges}


def write(connection, kind, round_number, targets):
    """One write of `kind`; `targets` holds the nodes read once (their properties)."""
    if kind == "segment":
        call(connection, "PUT", "/v1/nodes/Segment/bench-write-then-ask",
             {"properties": {"name": "bench", "description": f"write {round_number}"}})
        return
    if kind == "test":
        call(connection, "POST", "/v1/batch", recorded_test(f"bench-recorded-{round_number}"))
        return
    node = targets[kind]
    properties = dict(node["properties"])
    if kind == "result":
        properties["conversions"] = properties["conversions"] + 1 + round_number % 2
    else:
        properties["description"] = f"described again, write {round_number}"
    call(connection, "PUT", f"/v1/nodes/{node['type']}/{node['key']}",
         {"properties": properties})


def timed_forecast(connection, body):
    started = time.perf_counter()
    call(connection, "POST", "/v1/forecast", body)
    return (time.perf_counter() - started) * 1000


def main(argv):
    rounds = 7
    if argv[:1] == ["--rounds"]:
        rounds, argv = int(argv[1]), argv[2:]
    if "--" not in argv or len(argv[:argv.index("--")]) < 2:
        sys.exit(__doc__.split("Usage: ", 1)[1].split("\n\n", 1)[0])
    port, servers = int(argv[0]), argv[1:argv.index("--")]
    server_args = argv[argv.index("--") + 1:]
    bodies = forecast_bodies(rounds * len(WRITES))
    work = tempfile.mkdtemp(prefix="expgraph-write-then-ask.")
    try:
        seed_db = os.path.join(work, "seed")
        server = start(servers[0], port, seed_db, server_args, os.path.join(work, "seed.log"))
        load_demo_graph(port)
        import_archive(port)
        stop(server, port)

        after, again = {}, {}
        for index, binary in enumerate(servers):
            db = os.path.join(work, f"db{index}")
            shutil.copytree(seed_db, db)
        for round_number in range(rounds):
            for index, binary in enumerate(servers):
                db = os.path.join(work, f"db{index}")
                server = start(binary, port, db, server_args,
                               os.path.join(work, f"server{index}.log"))
                wait_for_model(port, seconds=900)
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
                results = call(connection, "GET", "/v1/nodes/Result?limit=100")["nodes"]
                targets = {
                    "result": next(r for r in results
                                   if isinstance(r["properties"].get("conversions"), int)),
                    "experiment": call(connection, "GET",
                                       "/v1/nodes/Experiment?limit=1")["nodes"][0]}
                for w, kind in enumerate(WRITES):
                    body = bodies[round_number * len(WRITES) + w]
                    timed_forecast(connection, body)  # a snapshot of the graph as it is
                    write(connection, kind, round_number, targets)
                    after.setdefault((index, kind), []).append(timed_forecast(connection, body))
                    again.setdefault((index, kind), []).append(timed_forecast(connection, body))
                stop(server, port)
        print(f"{rounds} rounds, {os.cpu_count()} cores; forecast ms: median (min-max)")
        print(f"{'server':40s} {'write':11s} {'right after the write':>26s} {'asked again':>22s}")

        def summary(values):
            return f"{statistics.median(values):8.1f} ({min(values):.1f}-{max(values):.1f})"

        for index, binary in enumerate(servers):
            for kind in WRITES:
                print(f"{binary[-40:]:40s} {kind:11s} {summary(after[(index, kind)]):>26s} "
                      f"{summary(again[(index, kind)]):>22s}")
    finally:
        for server in running:
            server.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
