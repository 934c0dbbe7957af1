// Reads an exported table back with an independent reader and prints its rows as canonical
// JSON Lines (sorted), for comparison with the source rows:
//
//   node tests/js/export_readback.mjs duckdb <file listing data file paths, one per line>
//       DuckDB's Parquet reader over the committed data files: exact values for every type
//       (long/decimal as strings, dates/timestamps ISO with microseconds, binary as hex).
//   node tests/js/export_readback.mjs icebird <table dir> [<metadata file name>]
//       icebird reading the Iceberg table (the given metadata version: time travel). icebird
//       returns decimals as float64 and timestamps as milliseconds, so its rows are printed
//       in a reduced form: decimals with the column's scale, timestamps to the millisecond.
import { readFileSync, statSync } from 'node:fs'
import { DuckDBInstance } from '@duckdb/node-api'
import { icebergRead } from 'icebird'

function canonicalObject(entries) {
  entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  return '{' + entries.map(([k, v]) => JSON.stringify(k) + ':' + v).join(',') + '}'
}

function jsonNumber(x) {
  if (Number.isNaN(x)) return '"NaN"'
  if (x === Infinity) return '"Infinity"'
  if (x === -Infinity) return '"-Infinity"'
  if (Object.is(x, -0)) return '-0'
  return String(x)
}

function pad(n, w) { return String(n).padStart(w, '0') }

// Microseconds since the epoch (BigInt) -> "YYYY-MM-DDTHH:MM:SS.ffffff".
function formatMicros(us) {
  let ms = us / 1000n
  let frac = us % 1000000n
  if (frac < 0n) frac += 1000000n
  const d = new Date(Number(ms - (ms % 1000n + 1000n) % 1000n))
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}T` +
    `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.${pad(frac, 6)}`
}

async function duckdbRows(listFile) {
  const files = readFileSync(listFile, 'utf8').split('\n').filter(Boolean)
  const db = await DuckDBInstance.create(':memory:')
  const con = await db.connect()
  if (files.length === 0) return []
  const source = `read_parquet([${files.map(f => `'${f.replaceAll("'", "''")}'`).join(',')}])`
  const described = (await con.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`)).getRowObjectsJS()
  // Each column selected in a form that converts to canonical JSON without loss.
  const cols = described.map(d => {
    const q = '"' + d.column_name.replaceAll('"', '""') + '"'
    const t = d.column_type
    if (t === 'BIGINT' || t === 'HUGEINT' || t.startsWith('DECIMAL') || t === 'UUID') return { name: d.column_name, sql: `CAST(${q} AS VARCHAR)`, kind: 'string' }
    if (t === 'DATE') return { name: d.column_name, sql: `CAST(${q} AS VARCHAR)`, kind: 'string' }
    if (t === 'TIMESTAMP') return { name: d.column_name, sql: `CAST(epoch_us(${q}) AS VARCHAR)`, kind: 'ts' }
    if (t === 'TIMESTAMP WITH TIME ZONE') return { name: d.column_name, sql: `CAST(epoch_us(${q}) AS VARCHAR)`, kind: 'tstz' }
    if (t === 'TIME') return { name: d.column_name, sql: `CAST(${q} AS VARCHAR)`, kind: 'time' }
    if (t === 'BLOB') return { name: d.column_name, sql: `lower(hex(${q}))`, kind: 'string' }
    if (t === 'BOOLEAN' || t === 'INTEGER' || t === 'SMALLINT' || t === 'TINYINT' || t === 'DOUBLE' || t === 'FLOAT') {
      return { name: d.column_name, sql: q, kind: 'number' }
    }
    return { name: d.column_name, sql: q, kind: 'string' }
  })
  const reader = await con.runAndReadAll(`SELECT ${cols.map(c => c.sql).join(', ')} FROM ${source}`)
  const lines = []
  for (const row of reader.getRowsJS()) {
    lines.push(canonicalObject(cols.map((c, i) => {
      const v = row[i]
      if (v === null || v === undefined) return [c.name, 'null']
      switch (c.kind) {
        case 'number': return [c.name, typeof v === 'boolean' ? String(v) : jsonNumber(Number(v))]
        case 'ts': return [c.name, JSON.stringify(formatMicros(BigInt(v)))]
        case 'tstz': return [c.name, JSON.stringify(formatMicros(BigInt(v)) + '+00:00')]
        case 'time': return [c.name, JSON.stringify(v.includes('.') ? v.padEnd(15, '0') : v + '.000000')]
        default: return [c.name, JSON.stringify(String(v))]
      }
    })))
  }
  return lines
}

// icebird reads through fetch(); serve local paths (and file:// URLs), byte ranges included.
function installLocalFetch() {
  globalThis.fetch = async (url, init = {}) => {
    const path = decodeURIComponent(String(url).replace(/^file:\/\//, ''))
    let data
    try {
      data = readFileSync(path)
    } catch {
      return new Response(null, { status: 404, statusText: `Not Found: ${path}` })
    }
    const headers = new Headers(init.headers || {})
    if ((init.method || 'GET') === 'HEAD') {
      return new Response(null, { status: 200, headers: { 'content-length': String(statSync(path).size) } })
    }
    const range = headers.get('range')
    if (range) {
      const m = /bytes=(\d+)-(\d*)/.exec(range)
      const start = Number(m[1])
      const end = m[2] === '' ? data.length : Number(m[2]) + 1
      const slice = data.subarray(start, end)
      return new Response(slice, { status: 206, headers: { 'content-length': String(slice.length) } })
    }
    return new Response(data, { status: 200, headers: { 'content-length': String(data.length) } })
  }
}

async function icebirdRows(tableDir, metadataFileName) {
  installLocalFetch()
  const metadata = JSON.parse(readFileSync(`${tableDir}/metadata/${metadataFileName}`, 'utf8'))
  const schema = metadata.schemas.find(s => s['schema-id'] === metadata['current-schema-id'])
  const rows = await icebergRead({ tableUrl: tableDir, metadata })
  return rows.map(r => canonicalObject(schema.fields.map(f => {
    const v = r[f.name]
    if (v === null || v === undefined) return [f.name, 'null']
    const dec = /^decimal\(\d+,\s*(\d+)\)$/.exec(f.type)
    if (dec) return [f.name, JSON.stringify(Number(v).toFixed(Number(dec[1])))]
    if (f.type === 'long') return [f.name, JSON.stringify(String(v))]
    if (v instanceof Date) {
      const iso = v.toISOString()  // ...T..:..:..sssZ
      if (f.type === 'date') return [f.name, JSON.stringify(iso.slice(0, 10))]
      return [f.name, JSON.stringify(iso.slice(0, 23) + (f.type === 'timestamptz' ? '+00:00' : ''))]
    }
    if (typeof v === 'bigint') return [f.name, String(v)]
    if (typeof v === 'number' || typeof v === 'boolean') return [f.name, typeof v === 'number' ? jsonNumber(v) : String(v)]
    return [f.name, JSON.stringify(v)]
  })))
}

const [mode, arg, extra] = process.argv.slice(2)
let lines
if (mode === 'duckdb') {
  lines = await duckdbRows(arg)
} else if (mode === 'icebird') {
  let name = extra
  if (!name) name = 'v' + readFileSync(`${arg}/metadata/version-hint.text`, 'utf8').trim() + '.metadata.json'
  lines = await icebirdRows(arg, name)
} else {
  console.error('usage: export_readback.mjs duckdb LISTFILE | icebird TABLE_DIR [METADATA_FILE]')
  process.exit(2)
}
lines.sort()
process.stdout.write(lines.map(l => l + '\n').join(''))
