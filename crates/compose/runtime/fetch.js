// kinema:fetch — fetch(), Headers and Response over the engine's synchronous fetch (see
// fetch.rs): the request is made when fetch() is called and its promise is settled by then.
// QuickJS has no TextEncoder/TextDecoder, so bodies are decoded by the host and encoded here.

import { abortReason } from 'kinema:events';

let hostFetch = null;
let hostDecode = null;

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function headerName(name) {
  const text = String(name);
  if (!TOKEN.test(text)) throw new TypeError(`Headers: "${text}" is not a valid header name.`);
  return text.toLowerCase();
}

function headerValue(value) {
  return String(value).replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '');
}

export class Headers {
  constructor(init) {
    Object.defineProperty(this, '_list', { value: [] });
    if (init === undefined || init === null) return;
    if (typeof init !== 'object' && typeof init !== 'function') {
      throw new TypeError('Headers: the init must be an object, an array of pairs or Headers.');
    }
    if (typeof init[Symbol.iterator] === 'function') {
      for (const pair of init) {
        const entry = Array.from(pair);
        if (entry.length !== 2) throw new TypeError('Headers: each header must be a [name, value] pair.');
        this.append(entry[0], entry[1]);
      }
    } else {
      for (const name of Object.keys(init)) this.append(name, init[name]);
    }
  }
  append(name, value) {
    this._list.push([headerName(name), headerValue(value)]);
  }
  delete(name) {
    const key = headerName(name);
    for (let i = this._list.length - 1; i >= 0; i--) if (this._list[i][0] === key) this._list.splice(i, 1);
  }
  get(name) {
    const key = headerName(name);
    const values = this._list.filter((e) => e[0] === key).map((e) => e[1]);
    return values.length === 0 ? null : values.join(', ');
  }
  has(name) {
    const key = headerName(name);
    return this._list.some((e) => e[0] === key);
  }
  set(name, value) {
    this.delete(name);
    this.append(name, value);
  }
  forEach(callback, thisArg) {
    for (const [name, value] of this) callback.call(thisArg, value, name, this);
  }
  *entries() {
    const names = [...new Set(this._list.map((e) => e[0]))].sort();
    for (const name of names) yield [name, this.get(name)];
  }
  *keys() {
    for (const [name] of this.entries()) yield name;
  }
  *values() {
    for (const [, value] of this.entries()) yield value;
  }
  [Symbol.iterator]() {
    return this.entries();
  }
}

function encodeUtf8(text) {
  const bytes = [];
  for (const ch of text) {
    let c = ch.codePointAt(0);
    // A lone surrogate is written as U+FFFD, as TextEncoder does.
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    if (c < 0x80) bytes.push(c);
    else if (c < 0x800) bytes.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) bytes.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else bytes.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return new Uint8Array(bytes).buffer;
}

// A body as a string (kept as given) or bytes (an ArrayBuffer), and the content type it implies.
function bodyOf(body) {
  if (body === undefined || body === null) return { value: null, type: null };
  if (typeof body === 'string') return { value: body, type: 'text/plain;charset=UTF-8' };
  if (body instanceof ArrayBuffer) return { value: body.slice(0), type: null };
  if (ArrayBuffer.isView(body)) {
    return { value: body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength), type: null };
  }
  return { value: String(body), type: 'text/plain;charset=UTF-8' };
}

function consume(response) {
  // The request was made when fetch() was called, so a signal aborted since fails the body's
  // reading, as an abort while a browser still streams the body does.
  const signal = response._signal;
  if (signal !== null && signal.aborted) throw abortReason(signal);
  if (response._used) throw new TypeError('Body is unusable: Body has already been read');
  response._used = true;
  return response._body;
}

export class Response {
  constructor(body = null, init = {}) {
    const status = init.status === undefined ? 200 : Number(init.status);
    if (!Number.isInteger(status) || status < 200 || status > 599) {
      throw new RangeError(`Response: status ${init.status} is outside the range [200, 599].`);
    }
    const { value, type } = bodyOf(body);
    const headers = new Headers(init.headers);
    if (type !== null && !headers.has('content-type')) headers.set('content-type', type);
    define(this, { status, statusText: init.statusText === undefined ? '' : String(init.statusText), headers, url: '', redirected: false, type: 'default', body: value });
  }
  get ok() {
    return this.status >= 200 && this.status <= 299;
  }
  get bodyUsed() {
    return this._used;
  }
  async text() {
    const body = consume(this);
    if (body === null) return '';
    return typeof body === 'string' ? body : hostDecode(body);
  }
  async json() {
    return JSON.parse(await this.text());
  }
  async arrayBuffer() {
    const body = consume(this);
    if (body === null) return new ArrayBuffer(0);
    return typeof body === 'string' ? encodeUtf8(body) : body.slice(0);
  }
  async bytes() {
    return new Uint8Array(await this.arrayBuffer());
  }
  clone() {
    if (this._used) throw new TypeError('Response.clone: Body has already been consumed.');
    const copy = Object.create(Response.prototype);
    define(copy, { status: this.status, statusText: this.statusText, headers: new Headers(this.headers), url: this.url, redirected: this.redirected, type: this.type, body: this._body, signal: this._signal });
    return copy;
  }
  static json(data, init = {}) {
    const text = JSON.stringify(data);
    if (text === undefined) throw new TypeError('Response.json: the data is not JSON-serializable.');
    const headers = new Headers(init.headers);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    return new Response(text, { ...init, headers });
  }
}

function define(response, { status, statusText, headers, url, redirected, type, body, signal }) {
  const fixed = (value) => ({ value, enumerable: true });
  Object.defineProperties(response, {
    status: fixed(status),
    statusText: fixed(statusText),
    headers: fixed(headers),
    url: fixed(url),
    redirected: fixed(redirected),
    type: fixed(type),
    _body: { value: body, writable: true },
    _used: { value: false, writable: true },
    _signal: { value: signal ?? null },
  });
}

const STANDARD_METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT'];
const FORBIDDEN_METHODS = ['CONNECT', 'TRACE', 'TRACK'];
// Headers the connection itself sets, which a page's fetch() may not set either: they are
// dropped, as a browser drops them.
const CONNECTION_HEADERS = ['connection', 'content-length', 'expect', 'host', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade'];

export async function fetch(input, init) {
  const options = init === undefined || init === null ? {} : init;
  let url;
  let method = 'GET';
  let headers;
  let body;
  let signal = null;
  if (typeof input === 'string') {
    url = input;
  } else if (input !== null && typeof input === 'object' && typeof input.url === 'string') {
    // A Request-like object.
    url = input.url;
    if (input.method !== undefined) method = String(input.method);
    headers = input.headers;
    body = input.body;
    signal = input.signal ?? null;
  } else {
    url = String(input);
  }
  if (options.method !== undefined) method = String(options.method);
  const upper = method.toUpperCase();
  if (STANDARD_METHODS.includes(upper)) method = upper;
  if (!TOKEN.test(method)) throw new TypeError(`fetch: "${method}" is not a valid HTTP method.`);
  if (FORBIDDEN_METHODS.includes(upper)) throw new TypeError(`fetch: the ${upper} method is not allowed.`);
  headers = new Headers(options.headers !== undefined ? options.headers : headers);
  if (options.body !== undefined) body = options.body;
  if (body !== undefined && body !== null && (method === 'GET' || method === 'HEAD')) {
    throw new TypeError('fetch: a request with a GET or HEAD method cannot have a body.');
  }
  const payload = bodyOf(body);
  if (payload.type !== null && !headers.has('content-type')) headers.set('content-type', payload.type);
  if (options.signal !== undefined) signal = options.signal;
  if (signal !== null && signal.aborted) throw abortReason(signal);
  const sent = headers._list.filter(([name]) => !CONNECTION_HEADERS.includes(name));
  const raw = hostFetch(url, method, JSON.stringify(sent), payload.value === null ? undefined : payload.value);
  // The answer is in, but a browser's would not be yet: an abort in the same turn as the call
  // (`const p = fetch(url, {signal}); controller.abort();`) still rejects it.
  await undefined;
  if (signal !== null && signal.aborted) throw abortReason(signal);
  const response = Object.create(Response.prototype);
  const empty = method === 'HEAD' || raw.status === 204 || raw.status === 304;
  define(response, {
    status: raw.status,
    statusText: raw.statusText,
    headers: new Headers(JSON.parse(raw.headers)),
    url: raw.url,
    redirected: raw.redirected,
    type: 'basic',
    body: empty ? null : raw.body,
    signal,
  });
  return response;
}

export function install(global, fetchFunction, decodeFunction) {
  hostFetch = fetchFunction;
  hostDecode = decodeFunction;
  global.fetch = fetch;
  global.Headers = Headers;
  global.Response = Response;
}
