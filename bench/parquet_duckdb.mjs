// DuckDB's side of `bench/run parquet`: loads the rows of our file into a DuckDB table
// (not timed), writes them with COPY ... (FORMAT parquet, COMPRESSION zstd) (timed), and
// scans both files, decoding every column (timed).
//
// The scan figure compared with ours is DuckDB scanning OUR file on ONE thread: our reader
// decodes a row group on one thread (callers parallelise over files), and DuckDB
// parallelises over row groups, so its own file (122,880-row groups) against ours (few large
// groups) with its default thread count measured file layout and core count, not decoding.
// The default-thread scans are printed as INFO for context.
//   node bench/parquet_duckdb.mjs OURS.parquet DUCKDB_OUT.parquet ROWS
import { statSync } from 'node:fs'
import { DuckDBInstance } from '@duckdb/node-api'

const [ours, theirs, rowsArg] = process.argv.slice(2)
const rows = Number(rowsArg)
const q = s => `'${s.replaceAll("'", "''")}'`
const instance = await DuckDBInstance.create(':memory:')
const conn = await instance.connect()

await conn.run(`CREATE TABLE t AS SELECT * FROM read_parquet(${q(ours)})`)
const names = (await conn.runAndReadAll('SELECT * FROM t LIMIT 0')).columnNames()

let t0 = performance.now()
await conn.run(`COPY t TO ${q(theirs)} (FORMAT parquet, COMPRESSION zstd)`)
const writeSeconds = (performance.now() - t0) / 1000

// min() of every column: each value is decoded (EXPLAIN shows a full READ_PARQUET of every
// column; only count(*) alone is answered from the footer); the result is one row.
async function scan(file) {
  const sql = `SELECT count(*), ${names.map(n => `min("${n}")`).join(', ')} FROM read_parquet(${q(file)})`
  await conn.runAndReadAll(sql)  // warm the page cache and DuckDB's metadata cache
  // The best of 3 timed scans, as parquet_bench takes for ours (the machine may be shared).
  let best = Infinity
  for (let i = 0; i < 3; i++) {
    const start = performance.now()
    const reader = await conn.runAndReadAll(sql)
    best = Math.min(best, (performance.now() - start) / 1000)
    const count = Number(reader.getRows()[0][0])
    if (count !== rows) throw new Error(`DuckDB counted ${count} rows in ${file}, expected ${rows}`)
  }
  return best
}
const threads = (await conn.runAndReadAll("SELECT current_setting('threads')")).getRows()[0][0]
const scanTheirsDefault = await scan(theirs)
const scanOursDefault = await scan(ours)
await conn.run('SET threads = 1')
const scanTheirs = await scan(theirs)
const scanOurs = await scan(ours)

console.log(`RESULT duckdb_write_rows_per_s ${Math.round(rows / writeSeconds)}`)
console.log(`RESULT duckdb_file_size_bytes ${statSync(theirs).size}`)
console.log(`RESULT duckdb_scan_rows_per_s ${Math.round(rows / scanTheirs)}`)
console.log(`RESULT duckdb_scan_of_our_file_rows_per_s ${Math.round(rows / scanOurs)}`)
console.log(`INFO duckdb_default_threads ${threads} scan_rows_per_s ${Math.round(rows / scanTheirsDefault)}` +
            ` scan_of_our_file_rows_per_s ${Math.round(rows / scanOursDefault)}`)
