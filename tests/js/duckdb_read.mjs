// Prints the rows of a Parquet file as read by DuckDB, in canonical JSONL form.
//   node tests/js/duckdb_read.mjs FILE            rows
//   node tests/js/duckdb_read.mjs FILE --schema   parquet_schema(): one JSON object per column
//   node tests/js/duckdb_read.mjs FILE --stats    parquet_metadata(): column chunk statistics
import { DuckDBInstance, DuckDBDecimalValue, DuckDBDateValue, DuckDBTimeValue, DuckDBTimestampValue,
  DuckDBTimestampTZValue, DuckDBBlobValue, DuckDBUUIDValue } from '@duckdb/node-api'
import { jsonDouble, formatDate, formatTimeMicros, formatTimestampMicros, formatDecimal, hex, rowLine } from './canonical.mjs'

const [file, mode] = process.argv.slice(2)
const instance = await DuckDBInstance.create(':memory:')
const conn = await instance.connect()
const quoted = `'${file.replaceAll("'", "''")}'`

function plain(v) {
  if (typeof v === 'bigint') return v.toString()
  if (v && typeof v === 'object') {
    if (v.bytes instanceof Uint8Array) return hex(v.bytes)
    return v.toString()
  }
  return v
}

function cell(v, typeName) {
  if (v === null || v === undefined) return 'null'
  if (typeof v === 'boolean') return v ? 'true' : 'false'
  if (typeof v === 'number') {
    return typeName === 'INTEGER' || typeName === 'SMALLINT' || typeName === 'TINYINT' ? String(v) : jsonDouble(v)
  }
  if (typeof v === 'bigint') return JSON.stringify(v.toString())
  if (typeof v === 'string') return JSON.stringify(v)
  if (v instanceof DuckDBDecimalValue) return JSON.stringify(formatDecimal(v.value, v.scale))
  if (v instanceof DuckDBDateValue) return JSON.stringify(formatDate(v.days))
  if (v instanceof DuckDBTimeValue) return JSON.stringify(formatTimeMicros(v.micros))
  if (v instanceof DuckDBTimestampTZValue) return JSON.stringify(formatTimestampMicros(v.micros, true))
  if (v instanceof DuckDBTimestampValue) return JSON.stringify(formatTimestampMicros(v.micros, false))
  if (v instanceof DuckDBBlobValue) return JSON.stringify(hex(v.bytes))
  if (v instanceof DuckDBUUIDValue) return JSON.stringify(v.toString())
  throw new Error(`unhandled DuckDB value ${v} (${typeName})`)
}

if (mode === '--schema' || mode === '--stats') {
  const sql = mode === '--schema'
    ? `SELECT name, type, logical_type, converted_type, field_id, repetition_type, type_length, scale, "precision" FROM parquet_schema(${quoted})`
    : `SELECT row_group_id, path_in_schema, num_values, stats_min_value, stats_max_value, stats_null_count, compression, encodings FROM parquet_metadata(${quoted}) ORDER BY row_group_id, column_id`
  const reader = await conn.runAndReadAll(sql)
  const names = reader.columnNames()
  for (const row of reader.getRows()) {
    const o = {}
    names.forEach((n, i) => { o[n] = plain(row[i]) })
    console.log(JSON.stringify(o))
  }
} else {
  // TIMESTAMPTZ values print in UTC whatever the session time zone; set it anyway.
  await conn.run("SET TimeZone='UTC'")
  const reader = await conn.runAndReadAll(`SELECT * FROM read_parquet(${quoted})`)
  const names = reader.columnNames()
  const types = reader.columnTypes().map(t => t.toString())
  const out = []
  for (const row of reader.getRows()) {
    const cells = {}
    names.forEach((n, i) => { cells[n] = cell(row[i], types[i]) })
    out.push(rowLine(cells))
  }
  process.stdout.write(out.length ? out.join('\n') + '\n' : '')
}
