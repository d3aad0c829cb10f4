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

// What the server lets `key` do, from GET /v1/auth/me: {auth: 'off'|'on', role:
// 'reader'|'writer'|'admin', name}, or null when the key is refused (or missing while the
// server needs one). With auth off the server takes any key, or none, as "anonymous" admin.
export async function fetchSession(key) {
  try {
    const me = await get('/v1/auth/me', { key });
    return { auth: me.authentication, role: me.role, name: me.name };
  } catch (error) {
    if (error.status === 401) return null;
    throw error;
  }
}
