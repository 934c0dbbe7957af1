// Prints the rows of a Parquet file as read by hyparquet, in canonical JSONL form, from the
// raw physical values: decimal annotations are removed before reading so that hyparquet
// returns unscaled integers instead of floats, and dates/timestamps come back as raw
// numbers through custom parsers.
//   node tests/js/hyparquet_read.mjs FILE [--schema]
import { readFileSync } from 'node:fs'
import { parquetMetadata, parquetReadObjects } from 'hyparquet'
import { compressors } from 'hyparquet-compressors'
import { jsonDouble, formatDate, formatTimeMicros, formatTimestampMicros, formatDecimal, bigEndianToBigInt,
  hex, uuidString, rowLine } from './canonical.mjs'

const [file, mode] = process.argv.slice(2)
const buf = readFileSync(file)
const arrayBuffer = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength)
const metadata = parquetMetadata(arrayBuffer)
const leaves = metadata.schema.slice(1)

if (mode === '--schema') {
  for (const e of leaves) {
    console.log(JSON.stringify({ name: e.name, type: e.type, field_id: e.field_id, repetition_type: e.repetition_type,
      logical_type: e.logical_type?.type, converted_type: e.converted_type }))
  }
  process.exit(0)
}

// Strip decimal annotations (keeping them here) so values arrive unscaled and exact.
const kinds = {}
for (const e of leaves) {
  const lt = e.logical_type
  let kind = e.type
  if (e.converted_type === 'DECIMAL' || lt?.type === 'DECIMAL') {
    kind = { decimal: e.scale ?? lt.scale }
    e.converted_type = undefined
    e.logical_type = undefined
  } else if (lt?.type === 'DATE' || e.converted_type === 'DATE') kind = 'DATE'
  else if (lt?.type === 'TIME') kind = 'TIME'
  else if (lt?.type === 'TIMESTAMP') kind = lt.isAdjustedToUTC ? 'TIMESTAMPTZ' : 'TIMESTAMP'
  else if (lt?.type === 'UUID') kind = 'UUID'
  else if (lt?.type === 'STRING' || e.converted_type === 'UTF8') kind = 'STRING'
  kinds[e.name] = kind
}

const identity = v => v
const rows = await parquetReadObjects({
  file: arrayBuffer, metadata, compressors, utf8: false,
  parsers: { dateFromDays: identity, timestampFromMicroseconds: identity, timestampFromMilliseconds: identity,
    timestampFromNanoseconds: identity, uuidFromBytes: b => b && uuidString(b) },
})

function cell(v, kind) {
  if (v === null || v === undefined) return 'null'
  if (typeof kind === 'object') {
    const unscaled = v instanceof Uint8Array ? bigEndianToBigInt(v) : BigInt(v)
    return JSON.stringify(formatDecimal(unscaled, kind.decimal))
  }
  switch (kind) {
    case 'BOOLEAN': return v ? 'true' : 'false'
    case 'INT32': return String(v)
    case 'INT64': return JSON.stringify(BigInt(v).toString())
    case 'FLOAT': case 'DOUBLE': return jsonDouble(v)
    case 'DATE': return JSON.stringify(formatDate(v))
    case 'TIME': return JSON.stringify(formatTimeMicros(v))
    case 'TIMESTAMP': return JSON.stringify(formatTimestampMicros(v, false))
    case 'TIMESTAMPTZ': return JSON.stringify(formatTimestampMicros(v, true))
    case 'UUID': return JSON.stringify(v)
    case 'STRING': return JSON.stringify(typeof v === 'string' ? v : new TextDecoder().decode(v))
    case 'BYTE_ARRAY': case 'FIXED_LEN_BYTE_ARRAY': return JSON.stringify(hex(v))
  }
  throw new Error(`unhandled kind ${JSON.stringify(kind)}`)
}

const out = rows.map(r => {
  const cells = {}
  for (const e of leaves) cells[e.name] = cell(r[e.name], kinds[e.name])
  return rowLine(cells)
})
process.stdout.write(out.length ? out.join('\n') + '\n' : '')
