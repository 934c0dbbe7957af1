#!/usr/bin/env bash
# The main job on the embedded default: installs dependencies, builds icesync, then runs
# `icesync demo` (SQLite source -> Iceberg table in ./demo-warehouse, no server needed).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset release -G Ninja >/dev/null
cmake --build --preset release -j"$(nproc)" --target icesync
exec build/release/src/icesync demo "$@"
