"""What GET /v1/openapi.json serves, from a real expgraphd: valid OpenAPI 3.1 with every example
matching its schema (api/openapi/validate.mjs: @apidevtools/swagger-parser and ajv, pinned in
api/openapi/package-lock.json), readable with any key and not without one, and the API page
open. That every route is described is tests/api/openapi_test.cc's to check.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import unittest
import urllib.error
import urllib.request

from live_server import SOURCE_DIR, LiveServerTest

from expgraph import Client, Unauthenticated

VALIDATOR = os.path.join(SOURCE_DIR, "api/openapi/validate.mjs")


def validate(path: str) -> subprocess.CompletedProcess:
    return subprocess.run(["node", VALIDATOR, path], capture_output=True, text=True, timeout=120)


class OpenApiDescriptionTest(LiveServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.document = cls.reader.openapi()

    def setUp(self):
        self.assertTrue(os.path.isdir(os.path.join(SOURCE_DIR, "api/openapi/node_modules")),
                        "the validator is not installed: run tools/install-openapi-tools")

    def test_served_document_validates(self):
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
            json.dump(self.document, file)
        try:
            checked = validate(file.name)
        finally:
            os.unlink(file.name)
        self.assertEqual(checked.returncode, 0, checked.stderr)
        self.assertIn("valid OpenAPI 3.1", checked.stdout)

    def test_validator_refuses_a_stale_example_and_a_missing_path_parameter(self):
        # The check must be able to fail: an example that no longer fits its schema, and a
        # path parameter dropped from an operation.
        broken = json.loads(json.dumps(self.document))
        get_node = broken["paths"]["/v1/nodes/{type}/{key}"]["get"]
        get_node["responses"]["200"]["content"]["application/json"]["example"]["version"] = "one"
        revoke = broken["paths"]["/v1/admin/keys/{name}"]["delete"]
        revoke["parameters"] = []
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
            json.dump(broken, file)
        try:
            checked = validate(file.name)
        finally:
            os.unlink(file.name)
        self.assertEqual(checked.returncode, 1)
        self.assertIn("GET /v1/nodes/{type}/{key} 200", checked.stderr)
        self.assertIn("DELETE /v1/admin/keys/{name}: path parameters", checked.stderr)

    def test_every_operation_names_its_role_and_error_envelope(self):
        for path, item in self.document["paths"].items():
            for method, operation in item.items():
                with self.subTest(route=f"{method.upper()} {path}"):
                    self.assertIn(operation["x-required-role"],
                                  ("open", "reader", "writer", "admin"))
                    self.assertTrue(operation.get("summary"))
                    for status, response in operation["responses"].items():
                        if int(status) < 400:
                            continue
                        # The one answer >= 400 that is not an error: a replica's readiness
                        # document, 503 so that load balancers stop sending it reads.
                        if (method, path, status) == ("get", "/readyz", "503"):
                            continue
                        if "$ref" in response:  # a shared error response
                            self.assertTrue(
                                response["$ref"].startswith("#/components/responses/"))
                        else:
                            schema = response["content"]["application/json"]["schema"]
                            self.assertEqual(schema["$ref"], "#/components/schemas/Error")

    def test_needs_a_key_but_any_role(self):
        with self.assertRaises(Unauthenticated):
            Client(self.server.url, api_key="").openapi()
        # The page and its script need none.
        with urllib.request.urlopen(self.server.url + "/v1/docs", timeout=10) as page:
            self.assertEqual(page.status, 200)
            self.assertIn(b"/v1/openapi.json", page.read())
        with urllib.request.urlopen(self.server.url + "/v1/docs/redoc.standalone.js",
                                    timeout=10) as script:
            self.assertGreater(len(script.read()), 100000)


if __name__ == "__main__":
    unittest.main(verbosity=2)
