#!/usr/bin/env bash
# ODBC extract/load benchmark on PostgreSQL, next to psql COPY on the same server and run.
#   bench/run-odbc.sh [ROWS...]     default: 1000000 (add 10000000 for the large run)
# Starts a throwaway PostgreSQL on a free port of 127.0.0.1 (as the unprivileged user
# icesync-pg when run as root), creates a mixed table of ROWS rows, then times:
#   COPY … TO STDOUT  vs  db_bench extract (Extractor, block cursors)
#   COPY … FROM STDIN vs  db_bench load    (BulkLoader, parameter arrays, one transaction)
# and prints RESULT lines. Standalone for now; bench/run will dispatch `bench/run odbc` here.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
ROWS_LIST=("$@")
[ ${#ROWS_LIST[@]} -gt 0 ] || ROWS_LIST=(1000000)

BUILD=${BUILD:-build/release}
if [ ! -x "$BUILD/bench/db_bench" ]; then
  cmake --preset release -G Ninja >/dev/null
  cmake --build "$BUILD" -j2 --target db_bench >/dev/null
fi
DB_BENCH="$ROOT/$BUILD/bench/db_bench"

PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
WORK=$(mktemp -d /tmp/icesync-bench-pg.XXXXXX)
RUN_AS=()
if [ "$(id -u)" -eq 0 ]; then
  id -u icesync-pg >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin icesync-pg
  chown icesync-pg "$WORK"
  RUN_AS=(runuser -u icesync-pg --)
fi
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cleanup() {
  (cd / && "${RUN_AS[@]}" "$PGBIN/pg_ctl" -D "$WORK/data" -m fast -w stop >/dev/null 2>&1) || true
  rm -rf "$WORK"
}
trap cleanup EXIT
(cd / && "${RUN_AS[@]}" "$PGBIN/initdb" -D "$WORK/data" -U bench --auth=trust -E UTF8 --locale=C >/dev/null)
(cd / && "${RUN_AS[@]}" "$PGBIN/pg_ctl" -D "$WORK/data" -l "$WORK/log" -w \
  -o "-p $PORT -k $WORK -c listen_addresses=127.0.0.1 -c shared_buffers=256MB -c max_wal_size=4GB" start >/dev/null)

unset ICESYNC_PASSWORD
PSQL=("$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U bench -d postgres)
URL="postgresql://bench@127.0.0.1:$PORT/postgres"
DDL="(id bigint PRIMARY KEY, qty integer, amount numeric(12,2), price double precision,
      created timestamp, name varchar(32), active boolean)"
now() { date +%s.%N; }
ratio() { python3 -c "print(f'{$1/$2:.3f}')"; }

for ROWS in "${ROWS_LIST[@]}"; do
  "${PSQL[@]}" -c "DROP SCHEMA IF EXISTS bench CASCADE; CREATE SCHEMA bench;
    CREATE TABLE bench.src $DDL; CREATE TABLE bench.copy_dst $DDL;
    INSERT INTO bench.src SELECT g, CASE WHEN g % 10 = 0 THEN NULL ELSE g % 1000 END, (g % 100000) * 0.07,
      g / 3.0, timestamp '2023-11-14 22:13:20' + g * interval '1.000003 second', 'name-' || g, g % 2 = 1
      FROM generate_series(1, $ROWS) g;" 2>/dev/null
  "${PSQL[@]}" -c "VACUUM ANALYZE bench.src"

  t0=$(now); "${PSQL[@]}" -c "COPY bench.src TO STDOUT" >/dev/null; t1=$(now)
  copy_out=$(python3 -c "print($t1-$t0)")
  "${PSQL[@]}" -c "COPY bench.src TO STDOUT" >"$WORK/src.copy"
  t0=$(now); "${PSQL[@]}" -c "COPY bench.copy_dst FROM STDIN" <"$WORK/src.copy"; t1=$(now)
  copy_in=$(python3 -c "print($t1-$t0)")
  rm -f "$WORK/src.copy"

  extract_out=$("$DB_BENCH" extract "$URL" bench.src)
  load_out=$("$DB_BENCH" load "$URL" bench.dst "$ROWS")
  extract_s=$(awk '/^TIME extract/ {print $3}' <<<"$extract_out")
  extract_rows=$(awk '/^TIME extract/ {print $4}' <<<"$extract_out")
  load_s=$(awk '/^TIME load/ {print $3}' <<<"$load_out")
  rss=$(printf '%s\n%s\n' "$extract_out" "$load_out" | awk '/^RSS/ {if ($2 > m) m = $2} END {print m}')
  [ "$extract_rows" = "$ROWS" ] || { echo "extracted $extract_rows rows, expected $ROWS" >&2; exit 1; }
  stored=$("${PSQL[@]}" -At -c "SELECT count(*) FROM bench.dst")
  [ "$stored" = "$ROWS" ] || { echo "loaded $stored rows, expected $ROWS" >&2; exit 1; }

  echo "# rows=$ROWS copy_to_stdout_s=$copy_out copy_from_stdin_s=$copy_in extract_s=$extract_s load_s=$load_s" \
       "rowset=$(awk '/^ROWSET/ {print $2}' <<<"$extract_out") load_method='$(sed -n 's/^METHOD //p' <<<"$load_out")'"
  echo "RESULT extract_rows_per_s rows=$ROWS $(python3 -c "print(int($ROWS/$extract_s))")"
  echo "RESULT extract_vs_copy rows=$ROWS $(ratio "$extract_s" "$copy_out")"
  echo "RESULT load_vs_copy rows=$ROWS $(ratio "$load_s" "$copy_in")"
  echo "RESULT odbc_peak_rss_mib rows=$ROWS $rss"
done
