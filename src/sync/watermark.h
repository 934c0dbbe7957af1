#pragma once
// Watermarks: how far a sync has read the source, kept in the table itself.
//
// The table is the truth: a sync commits its watermark in the summary of the snapshot that
// holds the rows it covers (icesync.watermark, icesync.detect, icesync.source,
// icesync.run-id), in the same atomic commit. The watermark in force is found by walking the
// snapshot chain from the current snapshot back to the nearest snapshot that carries one
// (compactions and other writers' snapshots carry none). A crash before the commit leaves the
// previous watermark in force, so the next run re-reads exactly the interrupted window.
//
// A watermark is a typed value of the cursor column, stored as text: integers in decimal,
// dates and timestamps in ISO form at full (µs) precision, binary (rowversion) in hex.
#include <cstdint>
#include <optional>
#include <string>

#include "core/value.h"
#include "iceberg/table_metadata.h"

namespace icesync::sync {

// Snapshot summary keys written by sync.
inline constexpr const char* kWatermarkKey = "icesync.watermark";
inline constexpr const char* kDetectKey = "icesync.detect";
inline constexpr const char* kRunIdKey = "icesync.run-id";
inline constexpr const char* kModeKey = "icesync.mode";
inline constexpr const char* kChangeSeqKey = "icesync.change-seq";  // changelog: last _change_seq used
inline constexpr const char* kRereadKey = "icesync.reread-hashes";  // see ChangeDetection::RereadState
// Written by compaction (sync/maintain) with the watermark keys it copies forward: the id of the
// sync snapshot they came from. FindWatermark reports that id, so a sync that started before
// the compaction still sees "its" watermark as the latest (the copy is not another sync), and
// the copy keeps the watermark readable when the sync snapshot itself is expired.
inline constexpr const char* kWatermarkFromKey = "icesync.watermark-from";

struct StoredWatermark {
  std::string detect;  // e.g. "timestamp:updated_at"
  std::string value;   // as stored ("" for full detection: it keeps no position)
  std::string mode;    // mirror | changelog
  int64_t snapshot_id = 0;  // the sync snapshot that committed it (a compaction's copy names it)
  int64_t change_seq = 0;
  std::string reread;  // the detection's re-read state ("" if none)
};

// The watermark in force for the table's current snapshot (nullopt: never synced).
std::optional<StoredWatermark> FindWatermark(const iceberg::TableMetadata& metadata);
// The snapshot that carries it: the nearest one, from the current snapshot back along parent
// links, whose summary has icesync.detect (a sync's, or a compaction's copy); nullptr if none.
const iceberg::Snapshot* FindWatermarkSnapshot(const iceberg::TableMetadata& metadata);

// Text form of a watermark value, and back (InvalidArgument naming the text and the type).
std::string EncodeWatermark(const Value& value);
Result<Value> DecodeWatermark(const DataType& type, const std::string& text);

}  // namespace icesync::sync
