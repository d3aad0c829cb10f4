// Starts a real expgraphd for the browser tests on a free loopback port with API keys on, and
// loads the demo graph and (when ../shared/data has it) the Upworthy archive through the API
// and the CLI, as tools/run does.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import http from 'node:http';
import { join } from 'node:path';

export const adminKey = 'browser-test-admin-key-0123456789';

export async function startServer({ serverBinary, webDir }) {
  const data = mkdtempSync(join(tmpdir(), 'expgraph-browser-'));
  const child = spawn(serverBinary, ['--data', data, '--port', '0', '--auth', 'on', '--quiet',
    '--embedder', 'hashing', '--web-dir', webDir], {
    env: { ...process.env, EXPGRAPH_ADMIN_KEY: adminKey },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`expgraphd did not start:\n${log}`)), 60000);
    child.stderr.on('data', (chunk) => {
      log += chunk;
      const match = log.match(/serving .* on (http:\/\/[\d.]+:\d+)/);
      if (match) { clearTimeout(timer); resolve(match[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`expgraphd exited (${code}):\n${log}`)); });
  });
  child.removeAllListeners('exit');
  return {
    url,
    data,
    log: () => log,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(data, { recursive: true, force: true });
    },
  };
}

// One request on a connection of its own: a kept-alive one may have been closed by the server
// while the import ran, and a POST on it is not retried.
export function api(url, method, path, body, key = adminKey) {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = http.request(url + path, {
      method,
      agent: false,
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => { text += chunk; });
      response.on('end', () => {
        if (response.statusCode >= 300) reject(new Error(`${method} ${path}: ${response.statusCode} ${text}`));
        else resolve(text ? JSON.parse(text) : null);
      });
    });
    request.on('error', reject);
    request.end(payload);
  });
}

// The demo graph, then the Upworthy archive with the CLI (about half a minute); returns whether
// Upworthy was loaded.
export async function loadData(url, { sourceDir, cliBinary, sharedData }) {
  await api(url, 'POST', '/v1/batch', readFileSync(join(sourceDir, 'tools/demo/demo-graph.json'), 'utf8'));
  const upworthy = join(sharedData, 'upworthy/upworthy-packages-2013-2014.csv');
  if (!existsSync(upworthy)) return false;
  const imported = spawnSync(cliBinary, ['--url', url, 'import', '--format', 'upworthy', upworthy], {
    env: { ...process.env, EXPGRAPH_API_KEY: adminKey },
    encoding: 'utf8',
    timeout: 300000,
  });
  if (imported.status !== 0) {
    throw new Error(`upworthy import failed (${imported.status}):\n${imported.stdout}\n${imported.stderr}`);
  }
  return true;
}
