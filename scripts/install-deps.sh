#!/usr/bin/env bash
# Installs everything icesync's build, tests and benchmarks need on Debian 12:
# apt packages (compiler, libraries, ODBC drivers, PostgreSQL for tests) and the npm
# test readers pinned by package-lock.json. Safe to re-run: does nothing when all is present.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  build-essential g++ cmake ninja-build pkg-config git ca-certificates
  libgtest-dev libgmock-dev libbenchmark-dev
  libzstd-dev libsnappy-dev zlib1g-dev liblz4-dev
  nlohmann-json3-dev libcli11-dev libfmt-dev
  unixodbc unixodbc-dev odbcinst tdsodbc freetds-dev odbc-postgresql libsqliteodbc sqlite3
  libpq-dev libyaml-cpp-dev libcurl4-openssl-dev
  postgresql postgresql-client
  nodejs npm
  clang libclang-rt-14-dev
  time procps python3
  ccache
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# nodejs/npm may come from elsewhere (e.g. a newer Node already on PATH): then skip them.
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  filtered=()
  for p in "${missing[@]}"; do
    case "$p" in nodejs|npm) ;; *) filtered+=("$p") ;; esac
  done
  missing=("${filtered[@]+"${filtered[@]}"}")
fi

if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-deps: installing apt packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# ODBC drivers: register them with unixODBC so that connection strings may name them
# (Driver={SQLite3}, Driver={PostgreSQL Unicode}, Driver={FreeTDS}) without hand edits.
register_driver() {  # name, library
  local name="$1" lib="$2"
  [ -f "$lib" ] || return 0
  if ! odbcinst -q -d -n "$name" >/dev/null 2>&1; then
    local tmp; tmp=$(mktemp)
    printf '[%s]\nDescription=%s\nDriver=%s\nSetup=%s\nUsageCount=1\n' "$name" "$name" "$lib" "$lib" >"$tmp"
    $SUDO odbcinst -i -d -f "$tmp" >/dev/null
    rm -f "$tmp"
  fi
}
ODBC_LIB=/usr/lib/x86_64-linux-gnu/odbc
[ -d "$ODBC_LIB" ] || ODBC_LIB=$(dirname "$(find /usr/lib -name libsqlite3odbc.so 2>/dev/null | head -1)" 2>/dev/null || echo /usr/lib)
register_driver "SQLite3" "$ODBC_LIB/libsqlite3odbc.so"
register_driver "PostgreSQL Unicode" "$ODBC_LIB/psqlodbcw.so"
register_driver "FreeTDS" "$ODBC_LIB/libtdsodbc.so"

# npm test readers (exact versions from package-lock.json).
if [ ! -d node_modules/@duckdb/node-api ] || [ ! -d node_modules/hyparquet ] || [ ! -d node_modules/icebird ] \
   || [ ! -d node_modules/s3rver ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "install-deps: installing npm test readers (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi
echo "install-deps: all dependencies present"
