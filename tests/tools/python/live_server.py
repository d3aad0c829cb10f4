"""LiveServer: the real expgraphd for the Python tests, started by the test on a free loopback
port over a fresh temporary data directory, with --auth on, the demo graph loaded
(tools/demo/demo-graph.json) and a reader and a writer key made. Stopped with SIGTERM (and
the directory removed) by stop(). The binary and the source tree come from the environment
that ctest sets (tests/tools/python/CMakeLists.txt).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.request

SOURCE_DIR = os.environ.get("EXPGRAPH_SOURCE_DIR",
                            os.path.abspath(os.path.join(os.path.dirname(__file__), "../../..")))
SERVER_BINARY = os.environ.get("EXPGRAPH_SERVER_BINARY",
                               os.path.join(SOURCE_DIR, "build/api/expgraphd"))
ADMIN_KEY = "python-tests-admin-key-5d1e7a"

# The tests talk to 127.0.0.1 only: a proxy from the environment must not get in between.
for _name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
    os.environ.pop(_name, None)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LiveServer:
    def __init__(self, load_demo: bool = True, extra_args: tuple = ()):
        self.extra_args = list(extra_args)
        self.root = tempfile.mkdtemp(prefix="expgraph-python-")
        self.data = os.path.join(self.root, "data")
        self.port = 0
        self.process = None
        self.log = None
        self.reader_key = self.writer_key = None
        self._start()
        if load_demo:
            with open(os.path.join(SOURCE_DIR, "tools/demo/demo-graph.json"), "rb") as demo:
                self.request("POST", "/v1/batch", demo.read())
            self.reader_key = self._make_key("py-reader", "reader")
            self.writer_key = self._make_key("py-writer", "writer")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _start(self) -> None:
        for _ in range(5):  # the port may be taken between the probe and the bind
            self.port = _free_port()
            self.log = open(os.path.join(self.root, "server.log"), "wb")
            environment = dict(os.environ, EXPGRAPH_ADMIN_KEY=ADMIN_KEY)
            self.process = subprocess.Popen(
                [SERVER_BINARY, "--data", self.data, "--port", str(self.port), "--bind",
                 "127.0.0.1", "--auth", "on", "--quiet", "--threads", "8", *self.extra_args],
                stdout=self.log, stderr=subprocess.STDOUT, env=environment)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and self.process.poll() is None:
                try:
                    with urllib.request.urlopen(self.url + "/healthz", timeout=1):
                        pass
                except OSError:
                    time.sleep(0.05)
                    continue
                # Another process may have taken the port between the probe and our bind (the
                # tests run in parallel): the answer counts once our own server says it serves
                # there and still runs.
                if (f"on http://127.0.0.1:{self.port}\n" in self.server_log()
                        and self.process.poll() is None):
                    return
                time.sleep(0.05)
            self.process.kill()
            self.process.wait()
        raise RuntimeError("expgraphd did not start: " + self.server_log())

    def server_log(self) -> str:
        with open(os.path.join(self.root, "server.log"), "rb") as log:
            return log.read().decode("utf-8", "replace")

    def request(self, method: str, path: str, body: bytes = None, key: str = ADMIN_KEY):
        headers = {"Content-Type": "application/json"}
        if key:
            headers["Authorization"] = "Bearer " + key
        request = urllib.request.Request(self.url + path, data=body, method=method,
                                         headers=headers)
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def _make_key(self, name: str, role: str) -> str:
        body = json.dumps({"name": name, "role": role}).encode()
        return self.request("POST", "/v1/admin/keys", body)["key"]

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.log:
            self.log.close()
        shutil.rmtree(self.root, ignore_errors=True)


@contextlib.contextmanager
def user_environment(server: LiveServer):
    """EXPGRAPH_URL and EXPGRAPH_API_KEY set to ``server`` and its reader key, as a user running
    the README's examples has them; restored afterwards."""
    values = {"EXPGRAPH_URL": server.url, "EXPGRAPH_API_KEY": server.reader_key}
    old = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in old.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class LiveServerTest(unittest.TestCase):
    """A test case whose tests share one LiveServer with the demo graph (self.server), and
    clients with its reader and writer keys (self.reader, self.writer)."""

    @classmethod
    def setUpClass(cls):
        from expgraph import Client
        cls.server = LiveServer()
        cls.reader = Client(cls.server.url, api_key=cls.server.reader_key)
        cls.writer = Client(cls.server.url, api_key=cls.server.writer_key)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
