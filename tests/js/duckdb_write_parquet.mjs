// Writes Parquet files with DuckDB (several codecs, row-group sizes and page versions) and,
// beside each, DuckDB's own reading of it in icesync's canonical JSONL form
// (<file>.expected.jsonl): the reader test checks that icesync reads identical values.
//
//   node tests/js/duckdb_write_parquet.mjs OUT_DIR [ROWS]
// Prints the written Parquet paths, one per line.
import { DuckDBInstance } from '@duckdb/node-api';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const outDir = process.argv[2];
const rows = Number(process.argv[3] || 5000);
if (!outDir) {
  console.error('usage: duckdb_write_parquet.mjs OUT_DIR [ROWS]');
  process.exit(2);
}

const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
await conn.run(`CREATE TABLE t AS SELECT
    i::BIGINT AS id,
    CASE WHEN i % 7 = 0 THEN NULL ELSE (i * 37 % 1000 - 500)::INTEGER END AS i32,
    CASE WHEN i % 11 = 0 THEN NULL ELSE (i * 1234567 - 3000000000)::BIGINT END AS i64,
    CASE WHEN i % 5 = 0 THEN NULL ELSE (((i * 7919) % 2000000 - 1000000) / 100)::DECIMAL(18,4) END AS dec18,
    (((i * 7919) % 100000 - 50000) / 7)::DECIMAL(9,2) AS dec9,
    (i::HUGEINT * 12345678901234567 - 99999999999999999)::DECIMAL(38,6) AS dec38,
    CASE WHEN i % 13 = 0 THEN NULL ELSE DATE '1970-01-01' + (i * 97 % 40000 - 20000)::INTEGER END AS d,
    TIMESTAMP '2001-02-03 04:05:06.789012' + to_microseconds(i * 3600000123) AS ts,
    CASE WHEN i % 3 = 0 THEN NULL ELSE 'name-' || (i % 50)::VARCHAR || CASE WHEN i % 4 = 0 THEN ' äö€😀' ELSE '' END END AS s,
    (i % 2 = 0) AS b,
    CASE WHEN i % 17 = 0 THEN NULL ELSE i / 8.0 - 100 END::DOUBLE AS dbl,
    CASE WHEN i % 9 = 0 THEN NULL WHEN i % 9 = 1 THEN []::INTEGER[]
         ELSE [i::INTEGER, NULL, (i * 2)::INTEGER] END AS li,
    CASE WHEN i % 6 = 0 THEN NULL ELSE ['x' || (i % 5)::VARCHAR, 'y'] END AS ls
  FROM range(${rows}) r(i)`);

// Canonical JSON fragments computed by DuckDB from its own reading of the file.
const fragments = `
  CASE WHEN id IS NULL THEN 'null' ELSE '"' || id::VARCHAR || '"' END AS id,
  coalesce(i32::VARCHAR, 'null') AS i32,
  coalesce('"' || i64::VARCHAR || '"', 'null') AS i64,
  coalesce('"' || dec18::VARCHAR || '"', 'null') AS dec18,
  coalesce('"' || dec9::VARCHAR || '"', 'null') AS dec9,
  coalesce('"' || dec38::VARCHAR || '"', 'null') AS dec38,
  coalesce('"' || strftime(d, '%Y-%m-%d') || '"', 'null') AS d,
  coalesce('"' || strftime(ts, '%Y-%m-%dT%H:%M:%S.%f') || '"', 'null') AS ts,
  coalesce(to_json(s)::VARCHAR, 'null') AS s,
  coalesce(to_json(b)::VARCHAR, 'null') AS b,
  coalesce(to_json(dbl)::VARCHAR, 'null') AS dbl,
  coalesce(to_json(li)::VARCHAR, 'null') AS li,
  coalesce(to_json(ls)::VARCHAR, 'null') AS ls`;

// DuckDB rounds ROW_GROUP_SIZE up to whole 2048-row vectors.
const variants = [
  { name: 'zstd_rg1000', options: "COMPRESSION zstd, ROW_GROUP_SIZE 1000" },
  { name: 'snappy_default', options: "COMPRESSION snappy" },
  { name: 'gzip_rg2048', options: "COMPRESSION gzip, ROW_GROUP_SIZE 2048" },
  { name: 'uncompressed_rg1000', options: "COMPRESSION uncompressed, ROW_GROUP_SIZE 1000" },
  { name: 'zstd_v2_pages', options: "COMPRESSION zstd, PARQUET_VERSION v2, ROW_GROUP_SIZE 3000" },
];

for (const v of variants) {
  const path = join(outDir, `duckdb_${v.name}.parquet`);
  await conn.run(`COPY (SELECT * FROM t ORDER BY id) TO '${path}' (FORMAT parquet, ${v.options})`);
  const reader = await conn.runAndReadAll(`SELECT ${fragments} FROM read_parquet('${path}')`);
  const names = reader.columnNames();
  const order = names.map((n, i) => [n, i]).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const lines = reader.getRows().map(
    (row) => '{' + order.map(([n, i]) => JSON.stringify(n) + ':' + row[i]).join(',') + '}');
  writeFileSync(path + '.expected.jsonl', lines.length ? lines.join('\n') + '\n' : '');
  console.log(path);
}
