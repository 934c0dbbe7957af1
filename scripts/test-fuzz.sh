#!/usr/bin/env bash
# Builds the libFuzzer targets (the `fuzz` preset, clang) and runs each for a bounded time
# (FUZZ_SECONDS, default 15) on a small seed corpus: the Parquet files, Avro manifests and
# metadata JSON of ../shared where present, plus a few built-in seeds. Fails when a target
# crashes, a sanitizer fires or an input times out; the input that did so is kept in
# build/fuzz/findings/<target>/ (add it to tests/ as a regression case once fixed).
# Called by scripts/test.sh after the sanitizer tests.
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${JOBS:-$(nproc)}
SECONDS_PER_TARGET=${FUZZ_SECONDS:-15}
TARGETS=(parquet_reader_fuzz avro_container_fuzz manifest_fuzz table_metadata_fuzz connection_string_fuzz sync_config_fuzz)
if command -v ccache >/dev/null; then
  export CMAKE_CXX_COMPILER_LAUNCHER=${CMAKE_CXX_COMPILER_LAUNCHER:-ccache}
  export CMAKE_C_COMPILER_LAUNCHER=${CMAKE_C_COMPILER_LAUNCHER:-ccache}
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
fi
cmake --preset fuzz -G Ninja >/dev/null
cmake --build build/fuzz -j"$JOBS" --target "${TARGETS[@]}"

shared=../shared
work=build/fuzz/corpus
findings=build/fuzz/findings
rm -rf "$work"
mkdir -p "$work" "$findings"

# seed TARGET FILE...: copies the files (at most 64 KiB each, 40 per target) into its corpus.
seed() {
  local target=$1 n=0
  shift
  mkdir -p "$work/$target"
  for f in "$@"; do
    [ -f "$f" ] || continue
    [ "$(stat -c %s "$f")" -le 65536 ] || continue
    cp "$f" "$work/$target/seed-$n"
    n=$((n + 1))
    [ "$n" -lt 40 ] || break
  done
}
shopt -s nullglob
seed parquet_reader_fuzz "$shared"/parquet-testing/data/*.parquet "$shared"/parquet-testing/bad_data/*.parquet
seed avro_container_fuzz "$shared"/iceberg-fixtures/*/metadata/*.avro
seed manifest_fuzz "$shared"/iceberg-fixtures/*/metadata/*.avro
seed table_metadata_fuzz "$shared"/iceberg-fixtures/*/metadata/*.metadata.json
mkdir -p "$work/connection_string_fuzz"
printf '%s' 'sqlite:///tmp/shop.db' >"$work/connection_string_fuzz/url-sqlite"
printf '%s' 'postgresql://etl:s%40cret@db1:5432/shop?sslmode=require&password_env=PGPW' >"$work/connection_string_fuzz/url-pg"
printf '%s' 'mssql://sa@sql1:1433/Sales' >"$work/connection_string_fuzz/url-mssql"
printf '%s' 'Driver={ODBC Driver 18};Server=sql1;UID=etl;PWD={p;w}}d};Database=x' >"$work/connection_string_fuzz/odbc"
seed sync_config_fuzz demo/sync.yaml fuzz/seeds/sync_config/*.yaml

# Undefined behaviour stops the run like a crash (the preset's checks are recoverable).
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1}
status=0
for target in "${TARGETS[@]}"; do
  mkdir -p "$work/$target" "$findings/$target"
  echo "fuzz: $target for ${SECONDS_PER_TARGET}s ($(ls "$work/$target" | wc -l) seeds)"
  # -rss_limit_mb/-timeout: an input using 2 GB or 10 s is a finding too (memory must stay
  # bounded by the input, work linear in it).
  if ! "build/fuzz/fuzz/$target" -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$findings/$target/" "$work/$target" \
      >"$findings/$target.log" 2>&1; then
    echo "fuzz: $target FAILED; its output: $findings/$target.log; inputs: $findings/$target/" >&2
    tail -40 "$findings/$target.log" >&2
    status=1
  fi
done
exit $status
