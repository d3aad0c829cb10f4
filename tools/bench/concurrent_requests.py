#!/usr/bin/env python3
"""Throughput of a route through HTTP with several clients at once (docs/similarity.md,
docs/insights.md).

Starts expgraphd on a fresh temporary data directory with the given embedder and loads the demo
graph (tools/demo/demo-graph.json), then sends requests from 1, 2 and 4 client threads at once,
each its own keep-alive connection, and prints requests per second and the median and 90th
percentile latency per client count. Every request fails the run unless it answers 200.

  search    POST /v1/search (vector mode, k 10). Every request carries a different Upworthy
            headline as its text, so that none is answered from the query vector cache.
  forecast  first imports the Upworthy archive (build/tools/expgraph import) and waits for the
            learned forecast model, then POST /v1/forecast for one archive test per request:
            its distinct headlines as the candidates, its first headline as the hypothesis
            (a different text each time: the cache never answers), channel upworthy_web,
            metric ctr, no as_of (a plan for today, answered by the server's model).

--writes-per-second N: a further client writes N times a second while the rounds run (PUT of
one Segment node with a new description each time), as a graph that is being used changes:
every write moves the graph's change-log sequence, which the insight routes check.

Standard library only. Usage, from the repository root after tools/build:
  tools/bench/concurrent_requests.py search PORT use --sentence-encoder data/sentence-encoder/use-lite.bin
  tools/bench/concurrent_requests.py search PORT glove --word-vectors data/word-vectors/glove-100d.bin
  tools/bench/concurrent_requests.py forecast PORT use --sentence-encoder data/sentence-encoder/use-lite.bin
  tools/bench/concurrent_requests.py --writes-per-second 10 forecast PORT use ...
"""
import csv
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

SHARED = os.environ.get("EXPGRAPH_SHARED_DATA", "../shared/data")
UPWORTHY = os.path.join(SHARED, "upworthy/upworthy-packages-2013-2014.csv")
CLIENT_COUNTS = [1, 2, 4]


def archive_rows():
    with open(UPWORTHY, newline="") as f:
        yield from csv.DictReader(f)


def search_bodies(count):
    seen, out = set(), []
    for row in archive_rows():
        text = row["headline"]
        if text and text not in seen:
            seen.add(text)
            out.append({"text": text, "mode": "vector", "k": 10})
            if len(out) == count:
                break
    return out


def forecast_bodies(count):
    """One body per archive test with at least two distinct headlines, in file order."""
    tests = {}
    for row in archive_rows():
        headlines = tests.setdefault(row["clickability_test_id"], [])
        if row["headline"] and row["headline"] not in headlines:
            headlines.append(row["headline"])
    out, hypotheses = [], set()
    for headlines in tests.values():
        if len(headlines) < 2 or headlines[0] in hypotheses:
            continue
        hypotheses.add(headlines[0])
        out.append({"hypothesis": headlines[0], "channel": "upworthy_web", "metric": "ctr",
                    "candidates": [{"name": f"h{i + 1}", "text": text}
                                   for i, text in enumerate(headlines)]})
        if len(out) == count:
            break
    return out


def request(connection, method, path, body=None):
    headers = {"Content-Type": "application/json"} if body is not None else {}
    connection.request(method, path, body, headers)
    response = connection.getresponse()
    return response.status, response.read()


def start_expgraphd(binary, port, db, args, log_path, seconds=120):
    """Starts `binary` on `db` without auth and returns it once /healthz answers."""
    log = open(log_path, "w")
    server = subprocess.Popen([binary, "--data", db, "--port", str(port), "--auth", "off",
                               "--quiet"] + args, stdout=log, stderr=log)
    deadline = time.time() + seconds
    while time.time() < deadline:
        if server.poll() is not None:
            sys.exit(f"{binary} exited: see {log_path}")
        try:
            status, _ = request(http.client.HTTPConnection("127.0.0.1", port, timeout=2), "GET",
                                "/healthz")
            if status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.1)
    server.kill()
    sys.exit(f"{binary} did not answer /healthz")


def start_server(port, kind, extra, data):
    return start_expgraphd("./build/api/expgraphd", port, os.path.join(data, "db"),
                           ["--embedder", kind] + extra, os.path.join(data, "server.log"))


def wait_for_model(port, seconds=600):
    """Asking for the model brings the insights up to date, which starts its training."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        status, body = request(http.client.HTTPConnection("127.0.0.1", port, timeout=30), "GET",
                               "/v1/models/forecast")
        model = json.loads(body).get("model") if status == 200 else None
        if model and model.get("cutoff") is not None:
            return model
        time.sleep(1)
    sys.exit(f"no forecast model after {seconds} s")


def load_demo_graph(port):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    with open("tools/demo/demo-graph.json", "rb") as demo:
        status, _ = request(connection, "POST", "/v1/batch", demo.read())
    if status != 200:
        sys.exit(f"loading the demo graph: HTTP {status}")


def import_archive(port):
    """Imports the Upworthy archive, waits for the forecast model and says how long it took."""
    started = time.time()
    subprocess.run(["./build/tools/expgraph", "--url", f"http://127.0.0.1:{port}", "import",
                    "--format", "upworthy", UPWORTHY], check=True, stdout=subprocess.DEVNULL)
    model = wait_for_model(port)
    print(f"imported the archive and trained the model in {time.time() - started:.0f} s"
          f" ({model.get('experiments')} experiments, {model.get('pairs')} pairs)")


class Writer(threading.Thread):
    """PUTs one Segment node `rate` times a second, with a new description each time."""

    def __init__(self, port, rate):
        super().__init__(daemon=True)
        self.port, self.rate, self.writes, self.failure = port, rate, 0, None
        self.stopping = threading.Event()

    def run(self):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        while not self.stopping.wait(1 / self.rate):
            body = json.dumps({"properties": {"name": "Bench writer",
                                              "description": f"write {self.writes}"}})
            status, answer = request(connection, "PUT", "/v1/nodes/Segment/bench-writer", body)
            if status not in (200, 201):
                self.failure = f"a write failed: HTTP {status}: {answer[:300]}"
                return
            self.writes += 1


def round_of(port, path, bodies, clients):
    """Sends every body once, spread over `clients` threads; returns (seconds, latencies)."""
    latencies, failures = [], []
    lock = threading.Lock()

    def client(share):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for body in share:
            started = time.perf_counter()
            status, answer = request(connection, "POST", path, json.dumps(body))
            elapsed = time.perf_counter() - started
            with lock:
                if status != 200:
                    failures.append((status, answer[:300]))
                latencies.append(elapsed)

    threads = [threading.Thread(target=client, args=(bodies[i::clients],))
               for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        sys.exit(f"{len(failures)} requests failed, e.g. HTTP {failures[0][0]}: {failures[0][1]}")
    return time.perf_counter() - started, latencies


def main():
    args = sys.argv[1:]
    writes_per_second = 0.0
    if args[:1] == ["--writes-per-second"] and len(args) > 1:
        writes_per_second = float(args[1])
        args = args[2:]
    if len(args) < 3 or args[0] not in ("search", "forecast"):
        sys.exit(__doc__.split("Usage", 1)[1])
    route, port, kind, extra = args[0], int(args[1]), args[2], args[3:]
    per_round = 400 if route == "search" else 150
    path = "/v1/search" if route == "search" else "/v1/forecast"
    # One warm-up round, then one round per client count, each with texts never sent.
    count = per_round * (1 + len(CLIENT_COUNTS))
    bodies = search_bodies(count) if route == "search" else forecast_bodies(count)
    if len(bodies) < count:
        sys.exit(f"only {len(bodies)} distinct requests in {UPWORTHY}, {count} needed")
    data = tempfile.mkdtemp(prefix=f"expgraph-concurrent-{route}-{kind}.")
    server = None
    try:
        server = start_server(port, kind, extra, data)
        load_demo_graph(port)
        if route == "forecast":
            import_archive(port)
        writer = None
        if writes_per_second > 0:
            writer = Writer(port, writes_per_second)
            writer.start()
        round_of(port, path, bodies[:per_round], 2)
        print(f"{kind}: POST {path}, {per_round} distinct requests a round, "
              f"{os.cpu_count()} cores, {writes_per_second:g} writes a second beside")
        print(f"{'clients':>8} {'requests/s':>11} {'median ms':>10} {'p90 ms':>8}")
        for i, clients in enumerate(CLIENT_COUNTS, start=1):
            share = bodies[i * per_round:(i + 1) * per_round]
            seconds, latencies = round_of(port, path, share, clients)
            latencies.sort()
            print(f"{clients:>8} {len(share) / seconds:>11.1f} "
                  f"{1000 * statistics.median(latencies):>10.2f} "
                  f"{1000 * latencies[int(0.9 * len(latencies))]:>8.2f}")
        if writer is not None:
            writer.stopping.set()
            writer.join()
            if writer.failure:
                sys.exit(writer.failure)
            print(f"writes made: {writer.writes}")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
