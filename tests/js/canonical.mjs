// Canonical JSONL row form (see ../shared/parquet-testing/README.md, "Canonical row format",
// and src/core/canonical_json.h), built from raw physical values so that readers which
// convert lossily by default (decimals to floats, timestamps to milliseconds) can be
// checked exactly.

// JSON number text of a double, ECMAScript style; non-finite values as strings; -0 kept.
export function jsonDouble(v) {
  if (Number.isNaN(v)) return '"NaN"'
  if (v === Infinity) return '"Infinity"'
  if (v === -Infinity) return '"-Infinity"'
  if (Object.is(v, -0)) return '-0'
  return String(v)
}

function pad(n, width) {
  const s = String(n)
  return s.length >= width ? s : '0'.repeat(width - s.length) + s
}

// Days since 1970-01-01 to proleptic Gregorian y, m, d (H. Hinnant's civil_from_days).
function civil(days) {
  const z = days + 719468
  const era = Math.floor(z / 146097)
  const doe = z - era * 146097
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365)
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1
  const m = mp < 10 ? mp + 3 : mp - 9
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0)
  return [y, m, d]
}

function year(y) {
  return y < 0 ? '-' + pad(-y, 4) : pad(y, 4)
}

export function formatDate(days) {
  const [y, m, d] = civil(Number(days))
  return `${year(y)}-${pad(m, 2)}-${pad(d, 2)}`
}

const MICROS_PER_DAY = 86400000000n

export function formatTimeMicros(micros) {
  let us = BigInt(micros)
  const h = us / 3600000000n
  us -= h * 3600000000n
  const mi = us / 60000000n
  us -= mi * 60000000n
  const s = us / 1000000n
  us -= s * 1000000n
  return `${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}.${pad(us, 6)}`
}

export function formatTimestampMicros(micros, utc) {
  const us = BigInt(micros)
  let days = us / MICROS_PER_DAY
  let rem = us % MICROS_PER_DAY
  if (rem < 0n) {
    rem += MICROS_PER_DAY
    days -= 1n
  }
  return `${formatDate(Number(days))}T${formatTimeMicros(rem)}${utc ? '+00:00' : ''}`
}

// Unscaled integer (bigint) with `scale` fraction digits.
export function formatDecimal(unscaled, scale) {
  const neg = unscaled < 0n
  let digits = (neg ? -unscaled : unscaled).toString()
  if (scale > 0) {
    if (digits.length <= scale) digits = '0'.repeat(scale - digits.length + 1) + digits
    digits = digits.slice(0, digits.length - scale) + '.' + digits.slice(digits.length - scale)
  }
  return (neg ? '-' : '') + digits
}

// Big-endian two's complement bytes to bigint.
export function bigEndianToBigInt(bytes) {
  let v = 0n
  for (const b of bytes) v = (v << 8n) | BigInt(b)
  if (bytes.length && bytes[0] & 0x80) v -= 1n << BigInt(8 * bytes.length)
  return v
}

export function hex(bytes) {
  return Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('')
}

export function uuidString(bytes) {
  const h = hex(bytes)
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`
}

// One row object (key -> already canonical JSON text) as a line with sorted keys.
export function rowLine(cells) {
  const keys = Object.keys(cells).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  return '{' + keys.map(k => JSON.stringify(k) + ':' + cells[k]).join(',') + '}'
}
