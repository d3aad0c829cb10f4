"""`pip install ./tools/python` in a clean virtual environment, with PyPI out of reach
(--no-index): the in-tree build backend needs nothing to download. The installed copy (not the
source tree) is imported and talks to a real server.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import unittest

from live_server import SOURCE_DIR, LiveServer


class PipInstallTest(unittest.TestCase):
    def test_installs_offline_into_a_clean_venv(self):
        with tempfile.TemporaryDirectory(prefix="expgraph-venv-") as root:
            venv = os.path.join(root, "venv")
            subprocess.run([sys.executable, "-m", "venv", venv], check=True, timeout=120)
            python = os.path.join(venv, "bin", "python")
            environment = {name: value for name, value in os.environ.items()
                           if name not in ("PYTHONPATH", "PIP_INDEX_URL", "PIP_FIND_LINKS")}
            installed = subprocess.run(
                [python, "-m", "pip", "install", "--no-index", "--no-cache-dir",
                 "--disable-pip-version-check", os.path.join(SOURCE_DIR, "tools/python")],
                capture_output=True, text=True, timeout=300, env=environment)
            self.assertEqual(installed.returncode, 0, installed.stdout + installed.stderr)

            server = LiveServer()
            try:
                program = ("import sys, expgraph\n"
                           "print(expgraph.__file__)\n"
                           "client = expgraph.Client(sys.argv[1], api_key=sys.argv[2])\n"
                           "print(client.get_node('Experiment', 'EXP-2041')['key'])\n")
                ran = subprocess.run([python, "-c", program, server.url, server.reader_key],
                                     capture_output=True, text=True, timeout=60, cwd=root,
                                     env=environment)
            finally:
                server.stop()
            self.assertEqual(ran.returncode, 0, ran.stderr)
            module_file, key = ran.stdout.split()
            self.assertTrue(module_file.startswith(venv), module_file)
            self.assertEqual(key, "EXP-2041")


if __name__ == "__main__":
    unittest.main(verbosity=2)
