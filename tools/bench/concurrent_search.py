#!/usr/bin/env python3
"""Search throughput through HTTP with several clients at once (docs/similarity.md).

Starts expgraphd on a fresh temporary data directory with the given embedder, loads the demo
graph (tools/demo/demo-graph.json), then sends POST /v1/search requests (vector mode, k 10) from
1, 2 and 4 client threads at once, each its own keep-alive connection. Every request carries a
different Upworthy headline as its text, so that none is answered from the query vector cache:
each request embeds its text. Prints requests per second and the median and 90th percentile
latency per client count. Standard library only.

Usage, from the repository root after tools/build:
  tools/bench/concurrent_search.py PORT use --sentence-encoder data/sentence-encoder/use-lite.bin
  tools/bench/concurrent_search.py PORT glove --word-vectors data/word-vectors/glove-100d.bin
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
REQUESTS_PER_ROUND = 400


def headlines(count):
    seen, out = set(), []
    with open(os.path.join(SHARED, "upworthy/upworthy-packages-2013-2014.csv"), newline="") as f:
        for row in csv.DictReader(f):
            text = row["headline"]
            if text and text not in seen:
                seen.add(text)
                out.append(text)
                if len(out) == count:
                    break
    return out


def start_server(port, kind, extra, data):
    log = open(os.path.join(data, "server.log"), "w")
    server = subprocess.Popen(
        ["./build/api/expgraphd", "--data", os.path.join(data, "db"), "--port", str(port),
         "--auth", "off", "--quiet", "--embedder", kind] + extra, stdout=log, stderr=log)
    deadline = time.time() + 120
    while time.time() < deadline:
        if server.poll() is not None:
            sys.exit("expgraphd exited: see " + log.name)
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.1)
    server.kill()
    sys.exit("expgraphd did not answer /healthz")


def round_of(port, texts, clients):
    """Sends every text once, spread over `clients` threads; returns (seconds, latencies)."""
    latencies, failures = [], []
    lock = threading.Lock()

    def client(share):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for text in share:
            body = json.dumps({"text": text, "mode": "vector", "k": 10})
            started = time.perf_counter()
            connection.request("POST", "/v1/search", body, {"Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            with lock:
                if response.status != 200:
                    failures.append(response.status)
                latencies.append(elapsed)

    threads = [threading.Thread(target=client, args=(texts[i::clients],)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        sys.exit(f"{len(failures)} searches failed, e.g. HTTP {failures[0]}")
    return time.perf_counter() - started, latencies


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__.split("Usage", 1)[1])
    port, kind, extra = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
    client_counts = [1, 2, 4]
    # One warm-up round, then one round per client count, each with texts never searched.
    texts = headlines(REQUESTS_PER_ROUND * (1 + len(client_counts)))
    data = tempfile.mkdtemp(prefix=f"expgraph-concurrent-{kind}.")
    server = None
    try:
        server = start_server(port, kind, extra, data)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        with open("tools/demo/demo-graph.json", "rb") as demo:
            connection.request("POST", "/v1/batch", demo.read(), {"Content-Type": "application/json"})
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            sys.exit(f"loading the demo graph: HTTP {response.status}")
        round_of(port, texts[:REQUESTS_PER_ROUND], 2)
        print(f"{kind}: POST /v1/search (vector, k 10), {REQUESTS_PER_ROUND} distinct texts a round,"
              f" {os.cpu_count()} cores")
        print(f"{'clients':>8} {'requests/s':>11} {'median ms':>10} {'p90 ms':>8}")
        for i, clients in enumerate(client_counts, start=1):
            share = texts[i * REQUESTS_PER_ROUND:(i + 1) * REQUESTS_PER_ROUND]
            seconds, latencies = round_of(port, share, clients)
            latencies.sort()
            print(f"{clients:>8} {len(share) / seconds:>11.1f} "
                  f"{1000 * statistics.median(latencies):>10.2f} "
                  f"{1000 * latencies[int(0.9 * len(latencies))]:>8.2f}")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
