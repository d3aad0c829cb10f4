// The Kuzu half of the Kuzu comparison (tools/bench/kuzu-compare runs both halves). For each
// data-set folder that bench_kuzu_compare prepared, it loads the exported CSVs into an on-disk
// Kuzu database in that folder (reused when already loaded), runs the same queries in-process
// through Kuzu's Node API with the same parameter sets and repetitions, checks that every
// answer equals expgraph's, and prints median and p99 wall time (and CPU time) of both engines
// with their ratio. Writes <folder>/summary.json.
//
//   node kuzu_compare.js [--threads N] FOLDER...
"use strict";

const fs = require("fs");
const path = require("path");
const kuzu = require("kuzu");

function parseArgs(argv) {
  const args = { threads: 2, folders: [] };
  for (let i = 0; i < argv.length; ++i) {
    if (argv[i] === "--threads") args.threads = Number(argv[++i]);
    else args.folders.push(argv[i]);
  }
  return args;
}

function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
  return sorted[Math.max(0, index)];
}

function stats(times) {
  const sorted = [...times].sort((a, b) => a - b);
  return { median: quantile(sorted, 0.5), p99: quantile(sorted, 0.99) };
}

// Kuzu returns INT64 as numbers or BigInt depending on magnitude: compare as numbers.
function normalise(value) {
  if (typeof value === "bigint") return Number(value);
  if (value === undefined) return null;
  return value;
}

// Equal answers: same rows in the same order (every query orders or returns one row), numbers
// equal up to a relative 1e-9 (sums of doubles may be added in another order).
function sameValue(a, b) {
  a = normalise(a);
  b = normalise(b);
  if (typeof a === "number" && typeof b === "number") {
    return a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
  }
  return JSON.stringify(a) === JSON.stringify(b);
}

function sameRows(expected, actual) {
  if (expected.length !== actual.length) return false;
  for (let i = 0; i < expected.length; ++i) {
    if (expected[i].length !== actual[i].length) return false;
    for (let j = 0; j < expected[i].length; ++j) {
      if (!sameValue(expected[i][j], actual[i][j])) return false;
    }
  }
  return true;
}

async function loadDatabase(folder, conn) {
  const schema = JSON.parse(fs.readFileSync(path.join(folder, "kuzu-csv", "schema.json")));
  const csv = (file) => path.resolve(folder, "kuzu-csv", file).replace(/\\/g, "/");
  const start = process.hrtime.bigint();
  for (const table of schema.nodes) {
    const columns = table.columns.map((c) => `${c.name} ${c.type}`);
    await conn.query(
      `CREATE NODE TABLE ${table.table}(key STRING, ${[...columns, "PRIMARY KEY(key)"].join(", ")})`
    );
  }
  for (const rel of schema.rels) {
    const pairs = rel.pairs.map((p) => `FROM ${p.from} TO ${p.to}`).join(", ");
    await conn.query(`CREATE REL TABLE ${rel.table}(${pairs})`);
  }
  for (const table of schema.nodes) {
    await conn.query(`COPY ${table.table} FROM "${csv(table.csv)}" (header=true)`);
  }
  for (const rel of schema.rels) {
    for (const pair of rel.pairs) {
      const ends = rel.pairs.length > 1 ? `, from="${pair.from}", to="${pair.to}"` : "";
      await conn.query(`COPY ${rel.table} FROM "${csv(pair.csv)}" (header=false${ends})`);
    }
  }
  return Number(process.hrtime.bigint() - start) / 1e9;
}

async function runOnce(conn, prepared, query, params) {
  const result =
    Object.keys(params).length === 0
      ? await conn.query(query.kuzu)
      : await conn.execute(prepared, params);
  const columns = result.getColumnNamesSync();
  const rows = (await result.getAll()).map((row) => columns.map((c) => normalise(row[c])));
  result.close();
  return rows;
}

async function compareFolder(folder, threads) {
  const dbPath = path.join(folder, "kuzu");
  const ready = path.join(folder, "KUZU_LOADED");
  if (!fs.existsSync(ready)) fs.rmSync(dbPath, { recursive: true, force: true });
  const db = new kuzu.Database(dbPath);
  const conn = new kuzu.Connection(db, threads);
  let loadSeconds = null;
  if (!fs.existsSync(ready)) {
    loadSeconds = await loadDatabase(folder, conn);
    fs.writeFileSync(path.join(folder, "kuzu_load.json"), JSON.stringify({ load_s: loadSeconds }));
    fs.writeFileSync(ready, "ok\n");
  }
  const queries = JSON.parse(fs.readFileSync(path.join(folder, "queries.json")));
  const expgraph = JSON.parse(fs.readFileSync(path.join(folder, "expgraph.json")));
  const summary = { folder, threads, kuzu_load_s: loadSeconds, queries: [] };
  let mismatches = 0;
  for (let q = 0; q < queries.length; ++q) {
    const query = queries[q];
    const mine = expgraph[q];
    const prepared = await conn.prepare(query.kuzu);
    if (!prepared.isSuccess()) throw new Error(`${query.name}: ${prepared.getErrorMessage()}`);
    const answers = [];
    for (const params of query.params) answers.push(await runOnce(conn, prepared, query, params));
    const agree = query.params.every((_, i) => sameRows(mine.answers[i], answers[i]));
    if (!agree) {
      ++mismatches;
      console.error(`ANSWERS DIFFER: ${query.name}`);
      console.error(`  expgraph: ${JSON.stringify(mine.answers).slice(0, 400)}`);
      console.error(`  kuzu:     ${JSON.stringify(answers).slice(0, 400)}`);
    }
    const wall = [];
    const cpu = [];
    for (let i = 0; i < query.reps; ++i) {
      const params = query.params[i % query.params.length];
      const cpuStart = process.cpuUsage();
      const start = process.hrtime.bigint();
      await runOnce(conn, prepared, query, params);
      wall.push(Number(process.hrtime.bigint() - start) / 1e6);
      const used = process.cpuUsage(cpuStart);
      cpu.push((used.user + used.system) / 1e3);
    }
    const k = stats(wall);
    const e = stats(mine.times_ms);
    const kc = stats(cpu);
    const ec = stats(mine.cpu_ms || []);
    summary.queries.push({
      name: query.name,
      kind: query.kind,
      reps: query.reps,
      answers_agree: agree,
      expgraph_ms: e,
      kuzu_ms: k,
      expgraph_cpu_ms: ec,
      kuzu_cpu_ms: kc,
      kuzu_over_expgraph: k.median / e.median,
    });
  }
  await conn.close();
  await db.close();
  fs.writeFileSync(path.join(folder, "summary.json"), JSON.stringify(summary, null, 2) + "\n");
  printSummary(summary);
  return mismatches;
}

function printSummary(summary) {
  const f = (x) => (x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(2) : x.toFixed(3));
  console.log(`\n${summary.folder} (Kuzu ${threadsNote(summary.threads)})`);
  if (summary.kuzu_load_s !== null) console.log(`Kuzu load: ${summary.kuzu_load_s.toFixed(1)} s`);
  console.log(
    "| query | kind | expgraph median / p99 ms | Kuzu median / p99 ms | Kuzu/expgraph | " +
      "CPU ms expgraph / Kuzu (median) | same answers |"
  );
  console.log("| --- | --- | --- | --- | --- | --- | --- |");
  for (const q of summary.queries) {
    console.log(
      `| ${q.name} | ${q.kind} | ${f(q.expgraph_ms.median)} / ${f(q.expgraph_ms.p99)} | ` +
        `${f(q.kuzu_ms.median)} / ${f(q.kuzu_ms.p99)} | ${q.kuzu_over_expgraph.toFixed(2)} | ` +
        `${f(q.expgraph_cpu_ms.median)} / ${f(q.kuzu_cpu_ms.median)} | ` +
        `${q.answers_agree ? "yes" : "NO"} |`
    );
  }
}

function threadsNote(threads) {
  return `${threads} thread${threads === 1 ? "" : "s"}`;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.folders.length === 0) {
    console.error("usage: node kuzu_compare.js [--threads N] FOLDER...");
    process.exit(2);
  }
  let mismatches = 0;
  for (const folder of args.folders) mismatches += await compareFolder(folder, args.threads);
  if (mismatches > 0) {
    console.error(`${mismatches} queries answered differently`);
    process.exit(1);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
