// Validates an OpenAPI description file: first with @apidevtools/swagger-parser (the document
// against the OpenAPI 3.1 schema, every $ref resolved), then every example in it against the
// schema it illustrates (JSON Schema 2020-12, with ajv), so a stale example fails as surely as
// a malformed document. Run by the test suite (tests/tools/python/test_openapi_description.py)
// on what GET /v1/openapi.json serves.
// usage: node api/openapi/validate.mjs FILE       exit 0 valid, 1 invalid (reasons on stderr)
import { readFileSync } from "node:fs";
import SwaggerParser from "@apidevtools/swagger-parser";
import Ajv2020 from "ajv/dist/2020.js";

const file = process.argv[2];
if (!file) {
  console.error("usage: node validate.mjs OPENAPI.json");
  process.exit(2);
}
const text = readFileSync(file, "utf8");

const problems = [];
try {
  // validate() changes the object it is given; each step gets its own copy.
  await SwaggerParser.validate(JSON.parse(text));
} catch (error) {
  problems.push(`swagger-parser: ${error.message}`);
}

// Formats (date, date-time) are documentation here: the server checks them itself.
const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
let resolved = null;
try {
  resolved = await SwaggerParser.dereference(JSON.parse(text));
} catch (error) {
  problems.push(`dereference: ${error.message}`);
}

let examples = 0;
function check(where, schema, value) {
  examples += 1;
  if (!schema) return;
  let validate;
  try {
    validate = ajv.compile(schema);
  } catch (error) {
    problems.push(`${where}: schema does not compile: ${error.message}`);
    return;
  }
  if (!validate(value)) {
    problems.push(`${where}: example does not match its schema: ${ajv.errorsText(validate.errors)}`);
  }
}

// Media types (request bodies and responses) and parameters hold `example` or `examples`.
function checkExamples(where, holder, schema) {
  if (holder.example !== undefined) check(`${where} example`, schema, holder.example);
  for (const [name, example] of Object.entries(holder.examples ?? {})) {
    if (example.value !== undefined) check(`${where} examples.${name}`, schema, example.value);
  }
}

if (resolved) {
  for (const [path, item] of Object.entries(resolved.paths ?? {})) {
    for (const [method, operation] of Object.entries(item)) {
      if (typeof operation !== "object" || !operation.responses) continue;
      const at = `${method.toUpperCase()} ${path}`;
      // swagger-parser checks path parameters for Swagger 2.0 only: every {name} in the path
      // must be a path parameter of the operation, and the reverse.
      const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]).sort();
      const declared = [...(item.parameters ?? []), ...(operation.parameters ?? [])]
        .filter((parameter) => parameter.in === "path")
        .map((parameter) => parameter.name)
        .sort();
      if (inPath.join() !== declared.join()) {
        problems.push(`${at}: path parameters [${declared}] do not match the path's [${inPath}]`);
      }
      for (const parameter of operation.parameters ?? []) {
        checkExamples(`${at} parameter ${parameter.name}`, parameter, parameter.schema);
      }
      for (const [type, media] of Object.entries(operation.requestBody?.content ?? {})) {
        if (type.endsWith("json")) checkExamples(`${at} request ${type}`, media, media.schema);
      }
      for (const [status, response] of Object.entries(operation.responses)) {
        for (const [type, media] of Object.entries(response.content ?? {})) {
          if (type.endsWith("json")) checkExamples(`${at} ${status} ${type}`, media, media.schema);
        }
      }
    }
  }
}

if (problems.length > 0) {
  for (const problem of problems) console.error(problem);
  console.error(`${file}: ${problems.length} problem(s)`);
  process.exit(1);
}
console.log(`${file}: valid OpenAPI ${resolved.openapi}, ${examples} examples match their schemas`);
