// The JSON API as the console calls it: the session cookie (same origin only) and, on every call that changes
// something, the CSRF token the sign-in answered. Errors become ApiError with the server's own message.
let csrf = sessionStorage.getItem('jmdm.csrf') || '';

export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

export function setCsrf(token) {
  csrf = token || '';
  if (csrf) sessionStorage.setItem('jmdm.csrf', csrf); else sessionStorage.removeItem('jmdm.csrf');
}

export async function api(method, path, body, options = {}) {
  // X-Requested-With: the server then answers 401 without a Basic challenge, which would make the browser prompt.
  const headers = { Accept: options.accept || 'application/json', 'X-Requested-With': 'jmdm-console' };
  if (method !== 'GET' && method !== 'HEAD') headers['X-CSRF-Token'] = csrf;
  let payload;
  if (body instanceof Blob || body instanceof ArrayBuffer || typeof body === 'string') {
    payload = body;
    headers['Content-Type'] = options.contentType || 'application/octet-stream';
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['Content-Type'] = 'application/json';
  }
  const res = await fetch(path, { method, headers, body: payload, credentials: 'same-origin', cache: 'no-store' });
  if (options.raw) return res;
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
  if (!res.ok && res.status !== 207) {
    if (res.status === 401 && !options.quiet) window.dispatchEvent(new CustomEvent('jmdm:signed-out'));
    throw new ApiError(res.status, (json && json.error) || `${res.status} ${res.statusText}`, json);
  }
  return json;
}

export const get = (path, options) => api('GET', path, undefined, options);
export const post = (path, body, options) => api('POST', path, body, options);
export const put = (path, body, options) => api('PUT', path, body, options);
export const del = (path, options) => api('DELETE', path, undefined, options);

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}
