// Reads an exported table back with an independent reader and prints its rows as canonical
// JSON Lines (sorted), for comparison with the source rows:
//
//   node tests/js/export_readback.mjs duckdb <file listing data file paths, one per line> [<table dir>]
//       DuckDB's Parquet reader over the committed data files: exact values for every type
//       (long/decimal as strings, dates/timestamps ISO with microseconds, binary as hex).
//       With the table directory, columns are named as in the table's current schema, matched
//       by the field ids in the files (Parquet names are Avro-compatible forms of them).
//   node tests/js/export_readback.mjs duckdb-deletes <data file list> <table dir> <delete file list>
//       The same, with the position-delete files applied by DuckDB itself: an anti-join of
//       (filename, file_row_number) against the delete files' (file_path, pos).
//   node tests/js/export_readback.mjs icebird <table dir> [<metadata file name>]
//       icebird reading the Iceberg table (the given metadata version: time travel).
//   node tests/js/export_readback.mjs icebird-form <table dir> <jsonl file>
//       The exact canonical rows of <jsonl file> (the table's current schema) converted into
//       the form `icebird` prints, to compare with it.
//   node tests/js/export_readback.mjs icebird-rounds <list file>
//       Both of the above for many table versions in one process (node's start-up costs more
//       than reading a small table): each line of <list file> is
//       "<table dir>\t<metadata file name>\t<jsonl file>", and each prints one JSON line
//       {"rows": [icebird's sorted lines], "form": [the jsonl file's rows in icebird's form]}.
//
// icebird (through its pinned hyparquet 1.19 with default parsers) loses precision for three
// types, so its rows are printed in a reduced form, and `icebird-form` reduces expected rows
// by the same arithmetic hyparquet uses:
//   decimal      Number(unscaled) * 10 ** -scale, printed with toFixed(scale)
//   timestamp(tz) new Date(Number(micros / 1000n)): milliseconds, truncated toward zero
//   binary       the bytes decoded as UTF-8 (invalid sequences become U+FFFD)
// Every other type (uuid, fixed, time included) is printed exactly, as canonical JSON.
import { readFileSync, statSync } from 'node:fs'
import { DuckDBInstance } from '@duckdb/node-api'
import { icebergRead } from 'icebird'
import { formatTimeMicros, formatTimestampMicros, hex, uuidString } from './canonical.mjs'

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

async function duckdbRows(listFile, tableDir, deletesFile) {
  const files = readFileSync(listFile, 'utf8').split('\n').filter(Boolean)
  const db = await DuckDBInstance.create(':memory:')
  const con = await db.connect()
  if (files.length === 0) return []
  // Parquet column name -> table column name, through the field id (from the first file: one
  // snapshot's files share a schema).
  const tableName = new Map()
  if (tableDir) {
    const byId = new Map(currentSchema(latestMetadata(tableDir)).fields.map(f => [f.id, f.name]))
    const fileSchema = (await con.runAndReadAll(
      `SELECT name, field_id FROM parquet_schema('${files[0].replaceAll("'", "''")}') WHERE field_id IS NOT NULL`)).getRowObjectsJS()
    for (const c of fileSchema) {
      if (!byId.has(Number(c.field_id))) throw new Error(`column ${c.name}: field id ${c.field_id} is not in the table schema`)
      tableName.set(c.name, byId.get(Number(c.field_id)))
    }
  }
  // hive_partitioning off: DuckDB would otherwise replace columns by the values it decodes from
  // partition directory names (txt=a+b), which are not what the files hold.
  const quotedList = list => `[${list.map(f => `'${f.replaceAll("'", "''")}'`).join(',')}]`
  let source = `read_parquet(${quotedList(files)}, hive_partitioning = false${deletesFile ? ', union_by_name = true' : ''})`
  const deletes = deletesFile ? readFileSync(deletesFile, 'utf8').split('\n').filter(Boolean) : []
  if (deletes.length > 0) {
    // union_by_name: files written before a column was added lack it (it reads as null).
    source = `(SELECT * EXCLUDE (filename, file_row_number) FROM read_parquet(${quotedList(files)}, hive_partitioning = false, ` +
      `union_by_name = true, filename = true, file_row_number = true) AS d WHERE NOT EXISTS (SELECT 1 FROM read_parquet(${quotedList(deletes)}) ` +
      `AS x WHERE x.file_path = d.filename AND x.pos = d.file_row_number))`
  }
  const described = (await con.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`)).getRowObjectsJS()
  // Each column selected in a form that converts to canonical JSON without loss.
  const cols = described.map(d => {
    const q = '"' + d.column_name.replaceAll('"', '""') + '"'
    const t = d.column_type
    const name = tableName.get(d.column_name) ?? d.column_name
    if (t === 'BIGINT' || t === 'HUGEINT' || t.startsWith('DECIMAL') || t === 'UUID') return { name, sql: `CAST(${q} AS VARCHAR)`, kind: 'string' }
    if (t === 'DATE') return { name, sql: `CAST(${q} AS VARCHAR)`, kind: 'string' }
    if (t === 'TIMESTAMP') return { name, sql: `CAST(epoch_us(${q}) AS VARCHAR)`, kind: 'ts' }
    if (t === 'TIMESTAMP WITH TIME ZONE') return { name, sql: `CAST(epoch_us(${q}) AS VARCHAR)`, kind: 'tstz' }
    if (t === 'TIME') return { name, sql: `CAST(${q} AS VARCHAR)`, kind: 'time' }
    if (t === 'BLOB') return { name, sql: `lower(hex(${q}))`, kind: 'string' }
    if (t === 'BOOLEAN' || t === 'INTEGER' || t === 'SMALLINT' || t === 'TINYINT' || t === 'DOUBLE' || t === 'FLOAT') {
      return { name, sql: q, kind: 'number' }
    }
    return { name, sql: q, kind: 'string' }
  })
  const reader = await con.runAndReadAll(`SELECT ${cols.map(c => c.sql).join(', ')} FROM ${source}`)
  const lines = []
  for (const row of reader.getRowsJS()) {
    lines.push(canonicalObject(cols.map((c, i) => {
      const v = row[i]
      if (v === null || v === undefined) return [c.name, 'null']
      switch (c.kind) {
        case 'number': return [c.name, typeof v === 'boolean' ? String(v) : jsonNumber(Number(v))]
        case 'ts': return [c.name, JSON.stringify(formatTimestampMicros(BigInt(v), false))]
        case 'tstz': return [c.name, JSON.stringify(formatTimestampMicros(BigInt(v), true))]
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
    // Plain paths are used verbatim: partition directories hold literal %XX escapes.
    const path = String(url).startsWith('file://') ? decodeURIComponent(String(url).slice(7)) : String(url)
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

// A value as icebird returns it for Iceberg type `type` -> canonical JSON text (reduced for
// decimal, timestamp and binary: see the header).
function icebirdValue(type, v) {
  if (v === null || v === undefined) return 'null'
  const dec = /^decimal\(\d+,\s*(\d+)\)$/.exec(type)
  if (dec) return JSON.stringify(Number(v).toFixed(Number(dec[1])))
  if (type === 'long') return JSON.stringify(String(v))
  if (type === 'time') return JSON.stringify(formatTimeMicros(v))
  if (type === 'uuid') return JSON.stringify(uuidString(v))
  if (v instanceof Uint8Array) return JSON.stringify(hex(v))  // fixed[n]
  if (v instanceof Date) {
    const iso = v.toISOString()  // ...T..:..:..sssZ
    if (type === 'date') return JSON.stringify(iso.slice(0, 10))
    return JSON.stringify(iso.slice(0, 23) + (type === 'timestamptz' ? '+00:00' : ''))
  }
  if (typeof v === 'bigint') return String(v)
  if (typeof v === 'number') return jsonNumber(v)
  if (typeof v === 'boolean') return String(v)
  return JSON.stringify(v)
}

function currentSchema(metadata) {
  return metadata.schemas.find(s => s['schema-id'] === metadata['current-schema-id'])
}

async function icebirdRows(tableDir, metadataFileName) {
  installLocalFetch()
  const metadata = JSON.parse(readFileSync(`${tableDir}/metadata/${metadataFileName}`, 'utf8'))
  const schema = currentSchema(metadata)
  const rows = await icebergRead({ tableUrl: tableDir, metadata })
  return rows.map(r => canonicalObject(schema.fields.map(f => [f.name, icebirdValue(f.type, r[f.name])])))
}

// "YYYY-MM-DDTHH:MM:SS.ffffff[+00:00]" -> microseconds since the epoch (BigInt).
function parseMicros(text) {
  const ms = Date.parse(text.slice(0, 19) + 'Z')
  return BigInt(ms) * 1000n + BigInt(text.slice(20, 26))
}

const utf8 = new TextDecoder()

// An exact canonical value (parsed JSON) -> the JS value icebird returns for it.
function asIcebirdReturns(type, v) {
  if (v === null) return null
  const dec = /^decimal\(\d+,\s*(\d+)\)$/.exec(type)
  if (dec) return Number(BigInt(v.replace('.', ''))) * 10 ** -Number(dec[1])
  if (type === 'timestamp' || type === 'timestamptz') return new Date(Number(parseMicros(v) / 1000n))
  if (type === 'date') return new Date(Date.parse(v + 'T00:00:00Z'))
  if (type === 'binary') return utf8.decode(Buffer.from(v, 'hex'))
  if (type === 'time') {
    const [h, m, s] = v.split(':')
    return (BigInt(h) * 3600n + BigInt(m) * 60n + BigInt(s.slice(0, 2))) * 1000000n + BigInt(s.slice(3, 9))
  }
  if (type === 'uuid') return Buffer.from(v.replaceAll('-', ''), 'hex')
  if (type.startsWith('fixed')) return Buffer.from(v, 'hex')
  if (type === 'long') return BigInt(v)
  if (v === 'NaN') return NaN
  if (v === 'Infinity') return Infinity
  if (v === '-Infinity') return -Infinity
  return v
}

function latestMetadata(tableDir) {
  const hint = readFileSync(`${tableDir}/metadata/version-hint.text`, 'utf8').trim()
  return JSON.parse(readFileSync(`${tableDir}/metadata/v${hint}.metadata.json`, 'utf8'))
}

function icebirdForm(tableDir, jsonlFile, metadata = latestMetadata(tableDir)) {
  const schema = currentSchema(metadata)
  return readFileSync(jsonlFile, 'utf8').split('\n').filter(Boolean).map(line => {
    const row = JSON.parse(line)
    return canonicalObject(schema.fields.map(f => [f.name, icebirdValue(f.type, asIcebirdReturns(f.type, row[f.name] ?? null))]))
  })
}

const [mode, arg, extra, third] = process.argv.slice(2)
let lines
if (mode === 'duckdb') {
  lines = await duckdbRows(arg, extra)
} else if (mode === 'duckdb-deletes') {
  lines = await duckdbRows(arg, extra, third)
} else if (mode === 'icebird') {
  let name = extra
  if (!name) name = 'v' + readFileSync(`${arg}/metadata/version-hint.text`, 'utf8').trim() + '.metadata.json'
  lines = await icebirdRows(arg, name)
} else if (mode === 'icebird-form') {
  lines = icebirdForm(arg, extra)
} else if (mode === 'icebird-rounds') {
  lines = []
  for (const entry of readFileSync(arg, 'utf8').split('\n').filter(Boolean)) {
    const [tableDir, metadataFile, jsonlFile] = entry.split('\t')
    const metadata = JSON.parse(readFileSync(`${tableDir}/metadata/${metadataFile}`, 'utf8'))
    // icebird refuses a snapshot without data manifests (a table whose rows were all deleted,
    // or created empty) instead of returning no rows; the comparison then expects none.
    const rows = (await icebirdRows(tableDir, metadataFile).catch(e => {
      if (/No data manifest files found/.test(e.message)) return []
      throw e
    })).sort()
    const form = icebirdForm(tableDir, jsonlFile, metadata).sort()
    process.stdout.write(JSON.stringify({ rows, form }) + '\n')
  }
} else {
  console.error('usage: export_readback.mjs duckdb LISTFILE [TABLE_DIR] | icebird TABLE_DIR [METADATA_FILE] | icebird-form TABLE_DIR JSONL | icebird-rounds LISTFILE')
  process.exit(2)
}
lines.sort()
process.stdout.write(lines.map(l => l + '\n').join(''))
