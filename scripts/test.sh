#!/usr/bin/env bash
# Installs dependencies, builds (release preset) and runs every test. This is what CI runs.
# Exit status is non-zero when any test fails.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
# install-deps installed s3rver (npm) for the S3 tests: here a missing one fails them, not skips.
export ICESYNC_REQUIRE_S3RVER=1
JOBS=$(nproc)
# Compiler cache: a re-run (or another clone, paths taken relative to the clone) recompiles
# only what changed. The sanitizer and fuzz builds below inherit it.
if command -v ccache >/dev/null; then
  export CMAKE_CXX_COMPILER_LAUNCHER=${CMAKE_CXX_COMPILER_LAUNCHER:-ccache}
  export CMAKE_C_COMPILER_LAUNCHER=${CMAKE_C_COMPILER_LAUNCHER:-ccache}
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
fi
cmake --preset release -G Ninja >/dev/null
cmake --build --preset release -j"$JOBS"
ctest --preset release -j"$JOBS"
# The Parquet reader also runs its malformed-input tests under address/undefined sanitizers.
if [ -x scripts/test-sanitizers.sh ]; then
  bash scripts/test-sanitizers.sh
fi
# Every libFuzzer target runs for a bounded time (clang; about 15 s each, the build cached).
if [ -x scripts/test-fuzz.sh ]; then
  bash scripts/test-fuzz.sh
fi
