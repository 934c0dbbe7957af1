#!/usr/bin/env bash
# Runs the tests that feed untrusted input to our readers under AddressSanitizer and
# UndefinedBehaviorSanitizer (the `asan` preset): the Parquet reader's (conformance corpus,
# bad_data files, corrupt-input and random-flip tests, batch scans, decoders, schemas), the
# Avro container reader's, and the Iceberg metadata/manifest readers' on damaged files.
# Called by scripts/test.sh; exit status is non-zero when a test fails or a sanitizer fires.
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${JOBS:-$(nproc)}
cmake --preset asan -G Ninja >/dev/null
cmake --build build/asan -j"$JOBS" --target parquet_tests avro_tests iceberg_tests
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
ctest --test-dir build/asan -j"$JOBS" --output-on-failure \
  -R '^([A-Za-z]+/)?(ParquetConformance|CorruptInput|CorruptInputFuzz|ParquetSchema|ReaderBatches|DecodedValues|DeltaBinaryPacked|DeltaByteArray|ByteStreamSplit|Plain|ParquetCli|AvroContainer|AvroSchema|AvroResolve|Manifest|ManifestFixtures|TableMetadata|ScanFixturesMetaTest)\.'
