// The HTTP API as the pages use it: JSON in and out, the tab's API key on every request, and
// errors turned into one readable shape. The key lives in sessionStorage: it is kept for this
// tab only and is gone when the tab closes.

const keyStorage = 'expgraph.key';

export class ApiError extends Error {
  constructor(status, body) {
    const error = (body && body.error) || {};
    super(error.message || `the server answered ${status}`);
    this.status = status;
    this.code = error.code || 'http_' + status;
    this.details = Array.isArray(error.details) ? error.details : [];
    // The request field the error is about ("channel", "filter.segment"), when the server says.
    this.field = typeof error.field === 'string' ? error.field : null;
  }
}

export function storedKey() {
  return sessionStorage.getItem(keyStorage) || '';
}
export function storeKey(key) {
  if (key) sessionStorage.setItem(keyStorage, key);
  else sessionStorage.removeItem(keyStorage);
}

// One request; resolves to the parsed JSON body, rejects with ApiError.
export async function request(method, path, body, { key = storedKey(), signal } = {}) {
  const headers = {};
  if (key) headers.Authorization = `Bearer ${key}`;
  const init = { method, headers, signal };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const text = await response.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (!response.ok) throw new ApiError(response.status, parsed);
  return parsed;
}

export const get = (path, options) => request('GET', path, undefined, options);
export const post = (path, body, options) => request('POST', path, body, options);
export const put = (path, body, options) => request('PUT', path, body, options);

// "Type/key" path of a node, each part encoded.
export function nodePath(type, key) {
  return `/v1/nodes/${encodeURIComponent(type)}/${encodeURIComponent(key)}`;
}

export function cypher(query, params = {}, options = {}) {
  return post('/v1/query', { query, params, ...options });
}

const roles = ['reader', 'writer', 'admin'];
export function roleAtLeast(role, needed) {
  return roles.indexOf(role) >= roles.indexOf(needed);
}

// The probe: a small read every role may do (the ontology would be tens of kilobytes).
const probePath = '/v1/nodes/Channel?limit=1';

// Whether the server answers without a key (--auth off).
async function authIsOff() {
  try {
    await get(probePath, { key: '' });
    return true;
  } catch (error) {
    if (error.status !== 401) throw error;
    return false;
  }
}

const noAuth = { auth: 'off', role: 'admin' };

// What the server lets `key` do: {auth: 'off'|'on', role: 'reader'|'writer'|'admin'}, or
// null when the key is refused (or missing while the server needs one).
// The API has no "who am I" route, so the role is found by asking for what each role may do:
// the key list (admin), then a malformed batch, which a writer's key gets as 400 (the body is
// read and refused: nothing is written) and a reader's key as 403 before the body is read.
// `onKnown(session)`, when given, is told as soon as the key is known to be good (with the
// least role it has), before the role probes.
export async function probeSession(key, onKnown = () => {}) {
  if (!key) {
    if (!(await authIsOff())) return null;
    onKnown(noAuth);
    return noAuth;
  }
  try {
    await get(probePath, { key });
  } catch (error) {
    if (error.status === 401) return null;
    throw error;
  }
  // A server with auth off takes any key too.
  if (await authIsOff()) {
    onKnown(noAuth);
    return noAuth;
  }
  onKnown({ auth: 'on', role: 'reader' });
  try {
    await get('/v1/admin/keys', { key });
    return { auth: 'on', role: 'admin' };
  } catch (error) {
    if (error.status !== 403) throw error;
  }
  try {
    await post('/v1/batch', 'role probe: not JSON', { key });
  } catch (error) {
    if (error.status === 403) return { auth: 'on', role: 'reader' };
    if (error.status === 400) return { auth: 'on', role: 'writer' };
    throw error;
  }
  return { auth: 'on', role: 'writer' };
}
