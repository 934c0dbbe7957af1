#pragma once
// The demo behind `icesync demo` (and scripts/demo.sh), the product's story on the embedded
// default (SQLite, no server): a sample shop is synced by a pipeline (demo/sync.yaml) into an
// Iceberg warehouse and imported into a target database; simulated changes
// (demo/changes.sql) follow, and a second run commits only them (row-level deletes in Iceberg,
// upserts and SCD2 history in the target); time travel shows both snapshots; `diff` proves
// source, Iceberg and target equal. Every run starts afresh in its directory.
#include <cstdint>
#include <cstdio>
#include <string>

#include "core/status.h"

namespace icesync::pipeline {

struct DemoOptions {
  std::string dir = ".";  // holds demo-source.db, demo-target.db, demo-warehouse/, sync.yaml
  int64_t orders = 200'000;
};

// Runs the demo, printing what it does to `out`; an error if source, Iceberg and target do
// not end equal.
Status RunDemo(const DemoOptions& options, std::FILE* out);

}  // namespace icesync::pipeline
