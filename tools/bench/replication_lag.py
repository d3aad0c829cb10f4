#!/usr/bin/env python3
"""Replication lag and replica CPU, driven by tools/bench/replication_lag.sh (docs/scale-out.md).

Phase 1 (lag): PUTs a Learning on the primary at a steady rate; after each acknowledgement it
polls both replicas (GET of that node, every 0.5 ms) until each answers 200; the lag of a write is
the time from the primary's acknowledgement to the node being readable on a replica.
Phase 2 (CPU): the same writes at the same rate without polling; the replicas' CPU time (utime +
stime from /proc) over the phase, divided by the writes, against the same length of idle time.
Phase 3 (reads): GET of one node, N times, against the primary and a replica: each server's CPU
per request. Standard library only.
"""
import http.client
import json
import os
import statistics
import sys
import time

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def connect(port):
    return http.client.HTTPConnection("127.0.0.1", port, timeout=10)


def request(connection, method, path, body=None):
    headers = {"Content-Type": "application/json"} if body is not None else {}
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    data = response.read()
    return response.status, data


def put_learning(connection, key):
    body = json.dumps({"properties": {"text": f"bench {key}: social proof near the button lifts"}})
    status, data = request(connection, "PUT", f"/v1/nodes/Learning/{key}", body)
    if status not in (200, 201):
        sys.exit(f"PUT {key}: {status} {data[:200]}")


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def wait_caught_up(replica_ports, timeout=60):
    deadline = time.time() + timeout
    for port in replica_ports:
        connection = connect(port)
        while time.time() < deadline:
            status, data = request(connection, "GET", "/readyz")
            state = json.loads(data)["replication"]
            if state["lag_sequences"] == 0 and state["connected"]:
                break
            time.sleep(0.01)


def main():
    primary_port = int(sys.argv[1])
    replica_ports = [int(port) for port in sys.argv[2].split(",")]
    replica_pids = [int(pid) for pid in sys.argv[3].split(",")]
    primary_pid = int(sys.argv[4])
    rate = float(sys.argv[5])
    seconds = float(sys.argv[6])
    reads = int(sys.argv[7])
    writes = int(rate * seconds)
    interval = 1.0 / rate

    primary = connect(primary_port)
    replicas = [connect(port) for port in replica_ports]
    lags = [[] for _ in replica_ports]
    start = time.perf_counter()
    for i in range(writes):
        key = f"lag-{i}"
        put_learning(primary, key)
        acknowledged = time.perf_counter()
        for index, replica in enumerate(replicas):
            while True:
                status, _ = request(replica, "GET", f"/v1/nodes/Learning/{key}")
                if status == 200:
                    lags[index].append((time.perf_counter() - acknowledged) * 1000)
                    break
                time.sleep(0.0005)
        next_start = start + (i + 1) * interval
        time.sleep(max(0.0, next_start - time.perf_counter()))
    print(f"phase 1: {writes} writes at {rate:g}/s, lag from the primary's acknowledgement to "
          "readable on the replica (ms)")
    for index, values in enumerate(lags):
        print(f"  replica {index + 1}: median {statistics.median(values):.2f}  "
              f"p99 {percentile(values, 0.99):.2f}  max {max(values):.2f}")
    every = [value for values in lags for value in values]
    print(f"  both: median {statistics.median(every):.2f}  p99 {percentile(every, 0.99):.2f}")

    wait_caught_up(replica_ports)
    idle_before = [cpu_seconds(pid) for pid in replica_pids]
    time.sleep(seconds)
    idle = [cpu_seconds(pid) - before for pid, before in zip(replica_pids, idle_before)]
    before = [cpu_seconds(pid) for pid in replica_pids]
    primary_before = cpu_seconds(primary_pid)
    start = time.perf_counter()
    for i in range(writes):
        put_learning(primary, f"cpu-{i}")
        next_start = start + (i + 1) * interval
        time.sleep(max(0.0, next_start - time.perf_counter()))
    wait_caught_up(replica_ports)
    elapsed = time.perf_counter() - start
    used = [cpu_seconds(pid) - b for pid, b in zip(replica_pids, before)]
    primary_used = cpu_seconds(primary_pid) - primary_before
    print(f"phase 2: {writes} writes at {rate:g}/s over {elapsed:.1f} s, no reads")
    for index, (busy, quiet) in enumerate(zip(used, idle)):
        print(f"  replica {index + 1}: {busy * 1e6 / writes:.0f} us CPU per applied write "
              f"(busy {busy:.2f} s; idle over {seconds:g} s: {quiet:.2f} s, so "
              f"{max(0.0, busy - quiet) * 1e6 / writes:.0f} us net)")
    print(f"  primary: {primary_used * 1e6 / writes:.0f} us CPU per write (request, commit, "
          "streaming to two replicas)")

    if reads > 0:
        print(f"phase 3: {reads} GET /v1/nodes/Learning/lag-0, one client, CPU per request")
        for name, port, pid in [("primary", primary_port, primary_pid),
                                ("replica 1", replica_ports[0], replica_pids[0])]:
            connection = connect(port)
            cpu_before = cpu_seconds(pid)
            begin = time.perf_counter()
            for _ in range(reads):
                request(connection, "GET", "/v1/nodes/Learning/lag-0")
            wall = time.perf_counter() - begin
            used = cpu_seconds(pid) - cpu_before
            print(f"  {name}: {used * 1e6 / reads:.0f} us server CPU per request, "
                  f"{reads / wall:.0f} requests/s from one client")


if __name__ == "__main__":
    main()
