// Reads an Avro object container file (a manifest or manifest list) with icebird's own
// Avro reader — an implementation independent of ours — and prints
// {"metadata": {...user keys...}, "records": [...]} as JSON on stdout.
// longs are printed as decimal strings, bytes as lowercase hex, dates as ISO strings.
// Usage: node tests/js/read_avro_icebird.mjs <file.avro>
import { readFileSync } from 'node:fs'
import { avroMetadata, avroRead } from 'icebird'

const path = process.argv[2]
const buf = readFileSync(path)
const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
const reader = { view, offset: 0 }
const { metadata, syncMarker } = avroMetadata(reader)
const records = avroRead({ reader, metadata, syncMarker })

function plain(v) {
  if (typeof v === 'bigint') return v.toString()
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex')
  if (v instanceof Date) return v.toISOString()
  if (Array.isArray(v)) return v.map(plain)
  if (v && typeof v === 'object') {
    const out = {}
    for (const [k, x] of Object.entries(v)) out[k] = plain(x)
    return out
  }
  return v === undefined ? null : v
}

const userMetadata = {}
for (const [k, v] of Object.entries(metadata)) {
  if (k === 'avro.schema') continue
  userMetadata[k] = typeof v === 'string' ? v : JSON.stringify(v)
}
process.stdout.write(JSON.stringify({ metadata: userMetadata, records: plain(records) }) + '\n')
