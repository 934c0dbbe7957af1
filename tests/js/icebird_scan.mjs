// Reads an Iceberg table with icebird (an independent JavaScript reader) and prints its rows
// as canonical JSON Lines (see src/core/canonical_json.h), sorted bytewise, so a test can
// compare them with `icesync scan --format jsonl`.
//
//   node tests/js/icebird_scan.mjs <table_dir> [snapshot_id]
//   node tests/js/icebird_scan.mjs <.../metadata/NAME.metadata.json> [snapshot_id]
//   ICEBIRD_S3_ENDPOINT=http://127.0.0.1:PORT node tests/js/icebird_scan.mjs s3://bucket/.../x.metadata.json
//
// With ICEBIRD_S3_ENDPOINT, icebird reads an s3:// table over real HTTP from an S3-compatible
// server (path-style): its own translation of s3://bucket/key to https://bucket.s3.amazonaws.com
// is pointed at the endpoint, so every manifest, data and delete file travels as a ranged GET.
//
// icebird reads through the global fetch, so fetch is replaced by one that reads local
// files (absolute paths or file:// URLs; Range requests honoured). Time travel: icebird only
// reads a metadata object's current snapshot, so the newest metadata is loaded and its
// current-snapshot-id (and current-schema-id, the snapshot's schema) replaced.
//
// Types are printed the canonical way where icebird returns exact values: int, long
// (BigInt), double, boolean, string, date. Other types are printed as `{"unsupported":...}`
// so a comparison fails loudly rather than passing on a lossy value (INTEROP-NOTES.md:
// decimals come back as floats, timestamps as millisecond Dates, binary as text).
import { readFileSync, statSync, readdirSync } from 'node:fs'
import { icebergRead } from 'icebird'

// Optional: ICEBIRD_MAP_FROM/ICEBIRD_MAP_TO replace a URL prefix with a local directory (for
// tables copied from elsewhere; icebird turns s3a://bucket/key into https://bucket.s3...).
const mapFrom = process.env.ICEBIRD_MAP_FROM
const mapTo = process.env.ICEBIRD_MAP_TO

function localPath(url) {
  if (mapFrom && url.startsWith(mapFrom + '/')) return mapTo + url.slice(mapFrom.length)
  if (url.startsWith('file://')) return decodeURIComponent(new URL(url).pathname)
  if (url.startsWith('file:')) return url.slice(5)
  return url
}

const s3Endpoint = process.env.ICEBIRD_S3_ENDPOINT
const httpFetch = globalThis.fetch

globalThis.fetch = async (url, init = {}) => {
  if (s3Endpoint) {
    const m = /^https:\/\/([^/]+)\.s3\.amazonaws\.com(\/.*)$/.exec(String(url))
    if (m) return httpFetch(`${s3Endpoint}/${m[1]}${m[2]}`, init)
  }
  const path = localPath(String(url))
  let data
  try {
    data = readFileSync(path)
  } catch {
    return new Response(null, { status: 404, statusText: `not found: ${path}` })
  }
  if (init.method === 'HEAD') {
    return new Response(null, { status: 200, headers: { 'Content-Length': String(statSync(path).size) } })
  }
  const headers = new Headers(init.headers || {})
  const range = headers.get('Range')
  if (range) {
    const m = /^bytes=(\d+)-(\d*)$/.exec(range)
    const start = Number(m[1])
    const end = m[2] === '' ? data.length : Number(m[2]) + 1
    return new Response(data.subarray(start, end), { status: 206 })
  }
  return new Response(data, { status: 200 })
}

const [tableDir, snapshotId] = process.argv.slice(2)
if (!tableDir) {
  console.error('usage: icebird_scan.mjs <table_dir> [snapshot_id]')
  process.exit(2)
}

// A metadata file named directly (any catalog's), else the newest vN.metadata.json (the
// filesystem catalog's layout).
let text
let tableUrl = tableDir
if (tableDir.endsWith('.metadata.json')) {
  tableUrl = tableDir.slice(0, tableDir.lastIndexOf('/metadata/'))
  if (tableDir.startsWith('s3://')) {
    const response = await globalThis.fetch(tableDir.replace(/^s3:\/\/([^/]+)/, 'https://$1.s3.amazonaws.com'))
    if (!response.ok) throw new Error(`${tableDir}: HTTP ${response.status}`)
    text = await response.text()
  } else {
    text = readFileSync(tableDir, 'utf8')
  }
} else {
  const versions = readdirSync(`${tableDir}/metadata`)
    .map(f => /^v(\d+)\.metadata\.json$/.exec(f))
    .filter(Boolean)
    .map(m => Number(m[1]))
  const newest = Math.max(...versions)
  text = readFileSync(`${tableDir}/metadata/v${newest}.metadata.json`, 'utf8')
}
// Snapshot ids exceed 2^53: parse them as text so none is rounded.
const metadata = JSON.parse(text.replace(/("(?:current-)?snapshot-id"|"parent-snapshot-id")\s*:\s*(-?\d+)/g, '$1:"$2"'))
if (snapshotId !== undefined) {
  const snapshot = metadata.snapshots.find(s => s['snapshot-id'] === snapshotId)
  if (!snapshot) throw new Error(`no snapshot ${snapshotId}`)
  metadata['current-snapshot-id'] = snapshotId
  if (snapshot['schema-id'] !== undefined) metadata['current-schema-id'] = snapshot['schema-id']
}
const schema = metadata.schemas.find(s => s['schema-id'] === metadata['current-schema-id'])

const rows = await icebergRead({ tableUrl, metadata })

function canonical(type, v) {
  if (v === undefined || v === null) return 'null'
  switch (type) {
    case 'int':
      return String(Number(v))
    case 'long':
      return JSON.stringify(String(BigInt(v)))
    case 'double':
      return Number.isFinite(v) ? String(v) : JSON.stringify(String(v))
    case 'boolean':
      return v ? 'true' : 'false'
    case 'string':
      return JSON.stringify(v)
    case 'date': {
      const d = v instanceof Date ? v : new Date(Number(v) * 86400000)
      return JSON.stringify(d.toISOString().slice(0, 10))
    }
    default:
      return JSON.stringify({ unsupported: type, value: String(v) })
  }
}

const fields = [...schema.fields].sort((a, b) => (Buffer.from(a.name) < Buffer.from(b.name) ? -1 : 1))
const lines = rows.map(row => '{' + fields.map(f => JSON.stringify(f.name) + ':' + canonical(f.type, row[f.name])).join(',') + '}')
lines.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
process.stdout.write(lines.map(l => l + '\n').join(''))
