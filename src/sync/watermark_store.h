#pragma once
// A mirror of each synced table's watermark for people and tools:
//   <warehouse>/_icesync/watermarks/<ns>.<table>.json
//   {"table", "detect", "mode", "watermark", "snapshot_id", "rows", "synced_at"}
// Written after each committed sync (temp file + rename). It is never read back as truth: the
// watermark in force is the one in the table's snapshot summaries (watermark.h), so a stale or
// missing mirror (a crash between commit and mirror) changes nothing, and the next sync that
// finds nothing to do puts it right (then `rows` is the snapshot's added-records).
#include <cstdint>
#include <optional>
#include <string>

#include "core/status.h"

namespace icesync::sync {

struct WatermarkRecord {
  std::string table;  // ns.table
  std::string detect;
  std::string mode;
  std::string watermark;
  int64_t snapshot_id = 0;
  int64_t rows = 0;  // rows the sync wrote
  std::string synced_at;
};

std::string WatermarkMirrorPath(const std::string& warehouse, const std::string& table);
Status WriteWatermarkMirror(const std::string& warehouse, const WatermarkRecord& record);
// The snapshot id the mirror names; nullopt when it is missing or unreadable.
std::optional<int64_t> MirroredSnapshotId(const std::string& warehouse, const std::string& table);

}  // namespace icesync::sync
