#!/usr/bin/env node
// An in-memory Iceberg REST catalog for icesync's tests, written from the spec
// (apache/iceberg open-api/rest-catalog-open-api.yaml) and Java's TableMetadata.Builder rules.
//
// Why it exists: no REST catalog server can be installed on the build machines (no Docker, and
// Polaris, Nessie, Gravitino, Lakekeeper are not Debian packages), so this stands in for them.
// It follows the spec where icesync's client relies on it, and is strict where a real server is
// strict: every requirement of a commit is checked (409 CommitFailedException when one fails)
// and every update is applied or refused (400), none ignored. Node 18, built-ins only.
//
//   node rest_catalog_server.mjs --warehouse DIR [--prefix P] [--warehouse-name W]
//        [--client-id ID --client-secret S] [--token T] [--page-size N]
// prints "PORT <n>" once listening on 127.0.0.1 and serves until killed or stdin closes.
//
// State is in memory; metadata files are written as the spec's servers do:
// <location>/metadata/NNNNN-<uuid>.metadata.json, location = <warehouse>/<ns...>/<name> unless
// the create request names one.
//
// Routes: POST /v1/oauth/tokens (client_credentials, the fixed test client), GET /v1/config,
// /v1/{prefix}/namespaces[/{ns}[/tables[/{table}]]] (GET, HEAD, POST, DELETE as the spec).
// Every /v1 route but the token endpoint needs "Authorization: Bearer <issued or --token>".
// Test hooks (no auth): POST /test/inject {"commit": "conflict"|"500-before"|"500-after"|
// "drop-after"|"503"} fails the next commit that way ("-after": applied first, then the answer is
// an error or the connection is cut); POST /test/revoke-tokens forgets issued tokens;
// GET /test/state {commits, last_commit}.
//
// Snapshot ids are 64-bit: JSON is parsed with integers beyond 2^53 kept as BigInt and written
// back digit for digit; ids are compared as decimal strings.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

// ---------------------------------------------------------------- JSON with 64-bit integers
function parseJson(text) {
  let i = 0;
  const num = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const fail = (what) => { throw new SyntaxError(`bad JSON at ${i}: ${what}`); };
  const ws = () => { while (i < text.length && ' \t\n\r'.includes(text[i])) i++; };
  const str = () => {
    const start = i;
    if (text[i] !== '"') fail('expected string');
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail('unterminated string');
    i++;
    return JSON.parse(text.slice(start, i));
  };
  const value = () => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++; const o = {}; ws();
      if (text[i] === '}') { i++; return o; }
      for (;;) {
        ws(); const k = str(); ws();
        if (text[i++] !== ':') fail('expected :');
        o[k] = value(); ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i++] !== '}') fail('expected }');
        return o;
      }
    }
    if (c === '[') {
      i++; const a = []; ws();
      if (text[i] === ']') { i++; return a; }
      for (;;) {
        a.push(value()); ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i++] !== ']') fail('expected ]');
        return a;
      }
    }
    if (c === '"') return str();
    for (const [w, v] of [['true', true], ['false', false], ['null', null]]) {
      if (text.startsWith(w, i)) { i += w.length; return v; }
    }
    num.lastIndex = i;
    const m = num.exec(text);
    if (!m) fail('unexpected character');
    i += m[0].length;
    const n = Number(m[0]);
    return /^-?\d+$/.test(m[0]) && !Number.isSafeInteger(n) ? BigInt(m[0]) : n;
  };
  const v = value(); ws();
  if (i !== text.length) fail('trailing characters');
  return v;
}

function toJson(v, indent = '', step = '') {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v !== 'object') return JSON.stringify(v);
  const inner = indent + step;
  const nl = step ? '\n' : '';
  const sep = step ? ': ' : ':';
  if (Array.isArray(v)) {
    if (!v.length) return '[]';
    return '[' + nl + v.map((x) => inner + toJson(x, inner, step)).join(',' + nl) + nl + indent + ']';
  }
  const keys = Object.keys(v).filter((k) => v[k] !== undefined);
  if (!keys.length) return '{}';
  return '{' + nl + keys.map((k) => inner + JSON.stringify(k) + sep + toJson(v[k], inner, step)).join(',' + nl) + nl + indent + '}';
}
const clone = (v) => parseJson(toJson(v));
const same = (a, b) => a !== null && a !== undefined && b !== null && b !== undefined && String(a) === String(b);

// ---------------------------------------------------------------- arguments and state
const args = {};
for (let k = 2; k < process.argv.length; k += 2) args[process.argv[k].replace(/^--/, '')] = process.argv[k + 1];
const warehouse = path.resolve(args.warehouse || fail0('--warehouse is required'));
const prefix = args.prefix || '';
const pageSize = Number(args['page-size'] || 100);
function fail0(m) { console.error(m); process.exit(2); }

const tokens = new Set();
const namespaces = new Map();  // key(ns) -> {namespace, properties}
const tables = new Map();      // key(ns) + '\0' + name -> {location, metadata, version}
let inject = null;
let commits = 0;
let lastCommit = null;
const nsKey = (ns) => JSON.stringify(ns);
const tableKey = (ns, name) => nsKey(ns) + '\0' + name;

class HttpError extends Error {
  constructor(code, type, message) { super(message); this.code = code; this.type = type; }
}
const bad = (m) => new HttpError(400, 'BadRequestException', m);
const commitFailed = (m) => new HttpError(409, 'CommitFailedException', m);

// ---------------------------------------------------------------- table metadata rules
function highestFieldId(type) {
  let max = 0;
  const walk = (t) => {
    if (!t || typeof t !== 'object') return;
    for (const f of t.fields || []) { max = Math.max(max, Number(f.id)); walk(f.type); }
    if (t.type === 'list') { max = Math.max(max, Number(t['element-id'])); walk(t.element); }
    if (t.type === 'map') { max = Math.max(max, Number(t['key-id']), Number(t['value-id'])); walk(t.key); walk(t.value); }
  };
  walk(type);
  return max;
}
const withoutId = (o, idField) => { const c = { ...o }; delete c[idField]; return toJson(c); };

function emptyMetadata() {
  return {
    'format-version': 1, 'table-uuid': null, location: null, 'last-sequence-number': 0, 'last-updated-ms': 0,
    'last-column-id': 0, schemas: [], 'current-schema-id': -1, 'partition-specs': [], 'default-spec-id': -1,
    'last-partition-id': 999, 'sort-orders': [], 'default-sort-order-id': -1, properties: {},
    'current-snapshot-id': -1, snapshots: [], 'snapshot-log': [], 'metadata-log': [], refs: {},
  };
}

// Java's Builder: an added schema/spec/order identical to an existing one reuses its id,
// otherwise it gets highest + 1 (orders: the unsorted order is always 0).
function addVersioned(list, obj, idField, isUnsorted) {
  const existing = list.find((o) => withoutId(o, idField) === withoutId(obj, idField));
  if (existing) return existing[idField];
  const id = isUnsorted ? 0 : list.reduce((m, o) => Math.max(m, Number(o[idField])), idField === 'order-id' ? 0 : -1) + 1;
  list.push({ ...obj, [idField]: id });
  return id;
}

function checkRequirement(md, exists, r) {
  const t = r.type;
  if (t === 'assert-create') { if (exists) throw commitFailed('Requirement failed: table already exists'); return; }
  if (!exists) throw new HttpError(404, 'NoSuchTableException', 'Table does not exist');
  const eq = (field, want, what) => {
    if (!same(md[field], want)) throw commitFailed(`Requirement failed: ${what} changed: expected ${want} != ${md[field]}`);
  };
  switch (t) {
    case 'assert-table-uuid': eq('table-uuid', r.uuid, 'UUID'); return;
    case 'assert-ref-snapshot-id': {
      const ref = md.refs[r.ref];
      if (r['snapshot-id'] === null || r['snapshot-id'] === undefined) {
        if (ref) throw commitFailed(`Requirement failed: ref ${r.ref} was created concurrently`);
      } else if (!ref) {
        throw commitFailed(`Requirement failed: ref ${r.ref} is missing, expected ${r['snapshot-id']}`);
      } else if (!same(ref['snapshot-id'], r['snapshot-id'])) {
        throw commitFailed(`Requirement failed: ref ${r.ref} has changed: expected id ${r['snapshot-id']} != ${ref['snapshot-id']}`);
      }
      return;
    }
    case 'assert-last-assigned-field-id': eq('last-column-id', r['last-assigned-field-id'], 'last assigned field id'); return;
    case 'assert-current-schema-id': eq('current-schema-id', r['current-schema-id'], 'current schema id'); return;
    case 'assert-last-assigned-partition-id': eq('last-partition-id', r['last-assigned-partition-id'], 'last assigned partition id'); return;
    case 'assert-default-spec-id': eq('default-spec-id', r['default-spec-id'], 'default partition spec id'); return;
    case 'assert-default-sort-order-id': eq('default-sort-order-id', r['default-sort-order-id'], 'default sort order id'); return;
    default: throw bad(`unknown requirement type ${t}`);
  }
}

function applyUpdate(md, u, ctx) {
  const need = (field) => { if (u[field] === undefined) throw bad(`${u.action}: missing ${field}`); return u[field]; };
  const resolve = (value, last, what) => {
    const id = Number(value) === -1 ? last : Number(value);
    if (id === undefined) throw bad(`${u.action}: -1 but no ${what} was added in this commit`);
    return id;
  };
  switch (u.action) {
    case 'assign-uuid':
      if (md['table-uuid'] && md['table-uuid'] !== u.uuid) throw bad('cannot reassign the table uuid');
      md['table-uuid'] = need('uuid'); return;
    case 'upgrade-format-version': {
      const v = Number(need('format-version'));
      if (v < md['format-version'] || v > 3) throw bad(`cannot change format-version ${md['format-version']} to ${v}`);
      md['format-version'] = v; return;
    }
    case 'add-schema': {
      const s = need('schema');
      ctx.schema = addVersioned(md.schemas, s, 'schema-id', false);
      md['last-column-id'] = Math.max(md['last-column-id'], Number(u['last-column-id'] ?? 0), highestFieldId(s));
      return;
    }
    case 'set-current-schema': {
      const id = resolve(need('schema-id'), ctx.schema, 'schema');
      if (!md.schemas.some((s) => s['schema-id'] === id)) throw bad(`no schema ${id}`);
      md['current-schema-id'] = id; return;
    }
    case 'add-spec': {
      const s = need('spec');
      ctx.spec = addVersioned(md['partition-specs'], s, 'spec-id', false);
      for (const f of s.fields || []) md['last-partition-id'] = Math.max(md['last-partition-id'], Number(f['field-id']));
      return;
    }
    case 'set-default-spec': {
      const id = resolve(need('spec-id'), ctx.spec, 'spec');
      if (!md['partition-specs'].some((s) => s['spec-id'] === id)) throw bad(`no partition spec ${id}`);
      md['default-spec-id'] = id; return;
    }
    case 'add-sort-order': {
      const o = need('sort-order');
      ctx.order = addVersioned(md['sort-orders'], o, 'order-id', !(o.fields || []).length);
      return;
    }
    case 'set-default-sort-order': {
      const id = resolve(need('sort-order-id'), ctx.order, 'sort order');
      if (!md['sort-orders'].some((o) => o['order-id'] === id)) throw bad(`no sort order ${id}`);
      md['default-sort-order-id'] = id; return;
    }
    case 'add-snapshot': {
      const s = need('snapshot');
      if (md.snapshots.some((x) => same(x['snapshot-id'], s['snapshot-id']))) throw bad(`snapshot ${s['snapshot-id']} already exists`);
      const seq = Number(s['sequence-number'] ?? 0);
      if (md['format-version'] >= 2 && seq <= md['last-sequence-number'] && s['parent-snapshot-id'] !== undefined) {
        throw bad(`cannot add snapshot with sequence number ${seq} older than last sequence number ${md['last-sequence-number']}`);
      }
      md.snapshots.push(s);
      md['last-sequence-number'] = Math.max(md['last-sequence-number'], seq);
      ctx.added.add(String(s['snapshot-id']));
      return;
    }
    case 'set-snapshot-ref': {
      const id = need('snapshot-id');
      const snap = md.snapshots.find((x) => same(x['snapshot-id'], id));
      if (!snap) throw bad(`cannot set ${u['ref-name']} to unknown snapshot ${id}`);
      const ref = { 'snapshot-id': id, type: need('type') };
      for (const k of ['max-ref-age-ms', 'max-snapshot-age-ms', 'min-snapshots-to-keep']) if (u[k] !== undefined && u[k] !== null) ref[k] = u[k];
      md.refs[need('ref-name')] = ref;
      if (u['ref-name'] === 'main') {
        md['current-snapshot-id'] = id;
        const ts = ctx.added.has(String(id)) ? snap['timestamp-ms'] : Date.now();
        md['snapshot-log'].push({ 'timestamp-ms': ts, 'snapshot-id': id });
      }
      return;
    }
    case 'remove-snapshot-ref':
      delete md.refs[need('ref-name')];
      if (u['ref-name'] === 'main') md['current-snapshot-id'] = -1;
      return;
    case 'remove-snapshots': {
      const ids = new Set(need('snapshot-ids').map(String));
      md.snapshots = md.snapshots.filter((s) => !ids.has(String(s['snapshot-id'])));
      for (const [name, ref] of Object.entries(md.refs)) {
        if (ids.has(String(ref['snapshot-id']))) {
          delete md.refs[name];
          if (name === 'main') md['current-snapshot-id'] = -1;
        }
      }
      md['snapshot-log'] = md['snapshot-log'].filter((e) => !ids.has(String(e['snapshot-id'])));
      return;
    }
    case 'set-location': md.location = need('location'); return;
    case 'set-properties': Object.assign(md.properties, need('updates')); return;
    case 'remove-properties': for (const k of need('removals')) delete md.properties[k]; return;
    default: throw bad(`unsupported update action ${u.action}`);
  }
}

function writeMetadata(entry, md) {
  const location = md.location.replace(/^file:(\/\/)?/, '');
  const dir = path.join(location, 'metadata');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${String(entry.version).padStart(5, '0')}-${crypto.randomUUID()}.metadata.json`);
  fs.writeFileSync(file, toJson(md, '', '  ') + '\n', { flag: 'wx' });
  return file;
}

function validateNew(md) {
  for (const f of ['table-uuid', 'location']) if (!md[f]) throw bad(`the new table has no ${f}`);
  if (!md.schemas.some((s) => s['schema-id'] === md['current-schema-id'])) throw bad('the new table has no current schema');
  if (!md['partition-specs'].some((s) => s['spec-id'] === md['default-spec-id'])) throw bad('the new table has no default spec');
  if (!md['sort-orders'].some((o) => o['order-id'] === md['default-sort-order-id'])) throw bad('the new table has no sort order');
}

// ---------------------------------------------------------------- routes
function loadResult(entry) {
  return { 'metadata-location': entry.file, metadata: entry.metadata, config: {} };
}

function requireNamespace(ns) {
  if (!namespaces.has(nsKey(ns))) throw new HttpError(404, 'NoSuchNamespaceException', `Namespace does not exist: ${ns.join('.')}`);
}

function createTable(ns, body) {
  requireNamespace(ns);
  if (!body.name || !body.schema) throw bad('CreateTableRequest needs name and schema');
  if (tables.has(tableKey(ns, body.name))) throw new HttpError(409, 'AlreadyExistsException', `Table already exists: ${[...ns, body.name].join('.')}`);
  const md = emptyMetadata();
  md['format-version'] = 2;
  md['table-uuid'] = crypto.randomUUID();
  md.location = body.location || path.join(warehouse, ...ns, body.name);
  const ctx = { added: new Set() };
  applyUpdate(md, { action: 'add-schema', schema: body.schema }, ctx);
  md['current-schema-id'] = ctx.schema;
  applyUpdate(md, { action: 'add-spec', spec: body['partition-spec'] || { 'spec-id': 0, fields: [] } }, ctx);
  md['default-spec-id'] = ctx.spec;
  applyUpdate(md, { action: 'add-sort-order', 'sort-order': body['write-order'] || { 'order-id': 0, fields: [] } }, ctx);
  md['default-sort-order-id'] = ctx.order;
  md.properties = { ...(body.properties || {}) };
  md['last-updated-ms'] = Date.now();
  if (body['stage-create']) return { metadata: md, config: {} };  // nothing persisted
  const entry = { version: 0, metadata: md };
  entry.file = writeMetadata(entry, md);
  tables.set(tableKey(ns, body.name), entry);
  return loadResult(entry);
}

// Returns [status, body] or throws; `res` for the connection-cutting hook.
function commitTable(ns, name, body, res) {
  lastCommit = body;
  const hook = inject;
  inject = null;
  if (hook === 'conflict') throw commitFailed('injected: another writer committed first');
  if (hook === '503') throw new HttpError(503, 'ServiceUnavailableException', 'injected: try again later');
  if (hook === '500-before') throw new HttpError(500, 'CommitStateUnknownException', 'injected: failed before applying');
  const key = tableKey(ns, name);
  const existing = tables.get(key);
  const reqs = body.requirements || [];
  if (!existing) requireNamespace(ns);
  if (!existing && !reqs.some((r) => r.type === 'assert-create')) throw new HttpError(404, 'NoSuchTableException', `Table does not exist: ${[...ns, name].join('.')}`);
  const base = existing ? existing.metadata : emptyMetadata();
  for (const r of reqs) checkRequirement(base, !!existing, r);
  const md = clone(base);
  const ctx = { added: new Set() };
  for (const u of body.updates || []) applyUpdate(md, u, ctx);
  if (!existing) validateNew(md);
  md['last-updated-ms'] = Math.max(Date.now(), base['last-updated-ms']);
  const entry = { version: existing ? existing.version + 1 : 0, metadata: md };
  if (existing) md['metadata-log'].push({ 'timestamp-ms': base['last-updated-ms'], 'metadata-file': existing.file });
  entry.file = writeMetadata(entry, md);
  tables.set(key, entry);
  commits++;
  if (hook === '500-after') throw new HttpError(500, 'CommitStateUnknownException', 'injected: applied, then failed');
  if (hook === 'drop-after') { res.socket.destroy(); return null; }
  return [200, { 'metadata-location': entry.file, metadata: md }];
}

function page(items, query) {
  const start = Number(query.get('pageToken') || 0);
  const size = Math.min(Number(query.get('pageSize') || pageSize), pageSize);
  const next = start + size < items.length ? String(start + size) : undefined;
  return [items.slice(start, start + size), next];
}

function route(req, url, body, res) {
  const parts = url.pathname.split('/').filter((p) => p !== '').map(decodeURIComponent);
  if (parts[0] !== 'v1') throw new HttpError(404, 'NotFoundException', `no route ${url.pathname}`);
  if (req.method === 'GET' && parts[1] === 'config' && parts.length === 2) {
    const w = url.searchParams.get('warehouse');
    if (args['warehouse-name'] && w !== args['warehouse-name']) throw bad(`unknown warehouse ${w}`);
    return [200, { defaults: { 'test-default': 'd' }, overrides: prefix ? { prefix } : {} }];
  }
  let p = parts.slice(1);
  if (prefix) {
    if (p[0] !== prefix) throw new HttpError(404, 'NotFoundException', `no route ${url.pathname} (prefix ${prefix} expected)`);
    p = p.slice(1);
  }
  if (p[0] !== 'namespaces') throw new HttpError(404, 'NotFoundException', `no route ${url.pathname}`);
  if (p.length === 1) {
    if (req.method === 'GET') {
      const parent = url.searchParams.get('parent');
      const pl = parent ? parent.split('\x1f') : [];
      const all = [...namespaces.values()].map((n) => n.namespace)
        .filter((ns) => ns.length === pl.length + 1 && pl.every((l, k) => ns[k] === l));
      const [items, next] = page(all, url.searchParams);
      return [200, { namespaces: items, 'next-page-token': next }];
    }
    if (req.method === 'POST') {
      const ns = body.namespace;
      if (!Array.isArray(ns) || !ns.length) throw bad('CreateNamespaceRequest needs a namespace');
      if (namespaces.has(nsKey(ns))) throw new HttpError(409, 'AlreadyExistsException', `Namespace already exists: ${ns.join('.')}`);
      if (ns.length > 1) requireNamespace(ns.slice(0, -1));
      namespaces.set(nsKey(ns), { namespace: ns, properties: body.properties || {} });
      return [200, { namespace: ns, properties: body.properties || {} }];
    }
  }
  const ns = p[1].split('\x1f');
  if (p.length === 2) {
    requireNamespace(ns);
    if (req.method === 'GET') return [200, namespaces.get(nsKey(ns))];
    if (req.method === 'HEAD') return [204, null];
  }
  if (p[2] !== 'tables') throw new HttpError(404, 'NotFoundException', `no route ${url.pathname}`);
  if (p.length === 3) {
    requireNamespace(ns);
    if (req.method === 'GET') {
      const names = [...tables.keys()].filter((k) => k.startsWith(nsKey(ns) + '\0')).map((k) => k.split('\0')[1]).sort();
      const [items, next] = page(names, url.searchParams);
      return [200, { identifiers: items.map((name) => ({ namespace: ns, name })), 'next-page-token': next }];
    }
    if (req.method === 'POST') return [200, createTable(ns, body)];
  }
  if (p.length === 4) {
    const name = p[3];
    if (req.method === 'POST') return commitTable(ns, name, body, res);
    const entry = tables.get(tableKey(ns, name));
    if (!entry) throw new HttpError(404, 'NoSuchTableException', `Table does not exist: ${[...ns, name].join('.')}`);
    if (req.method === 'GET') return [200, loadResult(entry)];
    if (req.method === 'HEAD') return [204, null];
    if (req.method === 'DELETE') {
      tables.delete(tableKey(ns, name));
      const loc = path.resolve(entry.metadata.location.replace(/^file:(\/\/)?/, ''));
      if (url.searchParams.get('purgeRequested') === 'true' && loc.startsWith(warehouse + path.sep)) {
        fs.rmSync(loc, { recursive: true, force: true });
      }
      return [204, null];
    }
  }
  throw new HttpError(405, 'MethodNotAllowed', `${req.method} ${url.pathname}`);
}

function tokenEndpoint(raw) {
  const form = new URLSearchParams(raw);
  if (form.get('grant_type') !== 'client_credentials') return [400, { error: 'unsupported_grant_type', error_description: 'only client_credentials' }];
  if (!args['client-id'] || form.get('client_id') !== args['client-id'] || form.get('client_secret') !== args['client-secret']) {
    return [401, { error: 'invalid_client', error_description: 'Invalid client credentials' }];
  }
  if (!(form.get('scope') || '').split(' ').includes('catalog')) return [400, { error: 'invalid_scope', error_description: 'scope must include catalog' }];
  const token = crypto.randomBytes(16).toString('hex');
  tokens.add(token);
  return [200, { access_token: token, token_type: 'bearer', expires_in: 3600, issued_token_type: 'urn:ietf:params:oauth:token-type:access_token' }];
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url, 'http://localhost');
    const send = (status, body) => {
      const text = body === null || body === undefined ? '' : toJson(body);
      res.writeHead(status, text ? { 'Content-Type': 'application/json' } : {});
      res.end(req.method === 'HEAD' ? undefined : text);
    };
    try {
      if (url.pathname.startsWith('/test/')) {
        if (url.pathname === '/test/inject') { inject = parseJson(raw).commit; return send(200, {}); }
        if (url.pathname === '/test/revoke-tokens') { tokens.clear(); return send(200, {}); }
        if (url.pathname === '/test/state') return send(200, { commits, last_commit: lastCommit });
        return send(404, {});
      }
      if (url.pathname === '/v1/oauth/tokens' && req.method === 'POST') return send(...tokenEndpoint(raw));
      const auth = req.headers.authorization || '';
      const bearer = auth.startsWith('Bearer ') ? auth.slice(7) : '';
      if (!bearer || !(tokens.has(bearer) || (args.token && bearer === args.token))) {
        throw new HttpError(401, 'NotAuthorizedException', 'Not authorized: missing or invalid bearer token');
      }
      const body = raw && ['POST', 'PUT'].includes(req.method) ? parseJson(raw) : {};
      const out = route(req, url, body, res);
      if (out) send(...out);
    } catch (e) {
      if (!(e instanceof HttpError) && !(e instanceof SyntaxError)) console.error(e);
      const code = e instanceof HttpError ? e.code : e instanceof SyntaxError ? 400 : 500;
      const type = e instanceof HttpError ? e.type : e instanceof SyntaxError ? 'BadRequestException' : 'ServerError';
      send(code, { error: { message: e.message, type, code } });
    }
  });
});

server.listen(0, '127.0.0.1', () => { process.stdout.write(`PORT ${server.address().port}\n`); });
// The test process holds our stdin: when it goes away, so do we.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
