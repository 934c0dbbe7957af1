# Throwaway PostgreSQL for benchmarks; sourced by bench/run.
#
#   pg_start     initdb + start a server on a free port of 127.0.0.1 in a fresh temp dir
#                (as the unprivileged user icesync-pg when run as root: postgres refuses
#                root). Sets PG_WORK (scratch dir, readable by the server user), PG_URL,
#                PSQL (array: psql with connection options) and pg_stop as the EXIT trap.
#   pg_stop      stops the server and removes PG_WORK (idempotent).
#   pg_mixed_table TABLE ROWS
#                creates TABLE with the mixed columns db_bench's load generator also
#                produces, fills it with ROWS rows and analyzes it.

PG_MIXED_DDL="(id bigint PRIMARY KEY, qty integer, amount numeric(12,2), price double precision,
  created timestamp, name varchar(32), active boolean)"

pg_start() {
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  PG_WORK=$(mktemp -d /tmp/icesync-bench-pg.XXXXXX)
  PG_RUN_AS=()
  if [ "$(id -u)" -eq 0 ]; then
    id -u icesync-pg >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin icesync-pg
    chown icesync-pg "$PG_WORK"
    PG_RUN_AS=(runuser -u icesync-pg --)
  fi
  trap pg_stop EXIT
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  (cd / && "${PG_RUN_AS[@]}" "$PG_BIN/initdb" -D "$PG_WORK/data" -U bench --auth=trust -E UTF8 --locale=C >/dev/null)
  (cd / && "${PG_RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_WORK/data" -l "$PG_WORK/log" -w \
    -o "-p $port -k $PG_WORK -c listen_addresses=127.0.0.1 -c shared_buffers=256MB -c max_wal_size=4GB -c client_min_messages=warning" \
    start >/dev/null)
  unset ICESYNC_PASSWORD
  PSQL=("$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U bench -d postgres)
  PG_URL="postgresql://bench@127.0.0.1:$port/postgres"
}

pg_stop() {
  [ -n "${PG_WORK:-}" ] || return 0
  (cd / && "${PG_RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_WORK/data" -m fast -w stop >/dev/null 2>&1) || true
  rm -rf "$PG_WORK"
  PG_WORK=
}

pg_mixed_table() {
  local table=$1 rows=$2
  "${PSQL[@]}" -c "DROP TABLE IF EXISTS $table; CREATE TABLE $table $PG_MIXED_DDL;
    INSERT INTO $table SELECT g, CASE WHEN g % 10 = 0 THEN NULL ELSE g % 1000 END, (g % 100000) * 0.07,
      g / 3.0, timestamp '2023-11-14 22:13:20' + g * interval '1.000003 second', 'name-' || g, g % 2 = 1
      FROM generate_series(1, $rows) g;" 2>/dev/null
  "${PSQL[@]}" -c "VACUUM ANALYZE $table"
}
