// Checks answers a real server gave against the OpenAPI description it serves: each recorded
// answer's status must be documented for its operation, and its JSON body must match that
// response's schema (JSON Schema 2020-12, with ajv). validate.mjs checks the description's own
// examples; this checks that the server says what the description says. Run by
// tests/tools/python/test_openapi_responses.py.
// usage: node api/openapi/check_responses.mjs OPENAPI.json ANSWERS.json
//   ANSWERS.json: [{"method": "get", "path": "/v1/nodes/{type}/{key}", "status": 200,
//                   "body": <the parsed JSON body, or null when it was not JSON>}, ...]
//   exit 0 when every answer matches, 1 otherwise (one line per mismatch on stderr).
import { readFileSync } from "node:fs";
import SwaggerParser from "@apidevtools/swagger-parser";
import Ajv2020 from "ajv/dist/2020.js";

const [documentFile, answersFile] = process.argv.slice(2);
if (!documentFile || !answersFile) {
  console.error("usage: node check_responses.mjs OPENAPI.json ANSWERS.json");
  process.exit(2);
}
const document = await SwaggerParser.dereference(JSON.parse(readFileSync(documentFile, "utf8")));
const answers = JSON.parse(readFileSync(answersFile, "utf8"));

// Formats (date, date-time) are documentation here, as in validate.mjs.
const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
const compiled = new Map();
function validator(schema) {
  if (!compiled.has(schema)) compiled.set(schema, ajv.compile(schema));
  return compiled.get(schema);
}

const problems = [];
for (const answer of answers) {
  const at = `${answer.method.toUpperCase()} ${answer.path} ${answer.status}`;
  const operation = document.paths?.[answer.path]?.[answer.method];
  if (!operation) {
    problems.push(`${at}: no such operation in the description`);
    continue;
  }
  const response = operation.responses[String(answer.status)] ?? operation.responses.default;
  if (!response) {
    const documented = Object.keys(operation.responses).join(", ");
    problems.push(`${at}: status not documented (documented: ${documented})`);
    continue;
  }
  const media = response.content?.["application/json"];
  if (!media) {
    if (answer.body !== null) problems.push(`${at}: answered JSON where none is documented`);
    continue;
  }
  if (answer.body === null) {
    problems.push(`${at}: documented as JSON, answered something else`);
    continue;
  }
  if (!media.schema) continue;
  const validate = validator(media.schema);
  if (!validate(answer.body)) {
    const body = JSON.stringify(answer.body).slice(0, 300);
    problems.push(`${at}: ${ajv.errorsText(validate.errors)} in ${body}`);
  }
}

if (problems.length > 0) {
  for (const problem of problems) console.error(problem);
  console.error(`${problems.length} of ${answers.length} answers do not match the description`);
  process.exit(1);
}
console.log(`${answers.length} answers match the description`);
