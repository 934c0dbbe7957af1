// change-tracking (SQL Server Change Tracking) — the changes the server recorded since the
// stored version, deletes included, without a column of the table:
//
//   1. CHANGE_TRACKING_MIN_VALID_VERSION(OBJECT_ID(table)): the oldest version whose changes
//      are still kept. A stored version older than that has lost changes to the retention
//      period: a clear error offering --reinit (read every row once and compare) or --detect
//      full; NULL means tracking is not enabled for the table.
//   2. CHANGE_TRACKING_CURRENT_VERSION(): the version this run reads up to, and the watermark
//      it stores.
//   3. CHANGETABLE(CHANGES table, @last) LEFT JOINed to the table on its key: one row per
//      changed key, the key from the change table (so deletes carry it), the other columns
//      from the table, and SYS_CHANGE_OPERATION ('D': deleted).
//
// All three must see one state of the database, so the read transaction must run under
// SNAPSHOT isolation (ALLOW_SNAPSHOT_ISOLATION ON); the first run reads the table itself
// after taking the current version in the same snapshot.
#include "sync/detect/change_detection.h"

namespace icesync::sync {

namespace {

class ChangeTrackingDetection final : public ChangeDetection {
 public:
  explicit ChangeTrackingDetection(const DetectionOptions& o) : reinit_(o.reinit) {}

  std::string spec() const override { return "change-tracking"; }

  Status Bind(const db::SourceTable& table) override {
    table_ = table.name;
    columns_.clear();
    for (const Field& f : table.schema->fields()) columns_.push_back(f.name);
    keys_ = table.key_columns;
    if (keys_.empty()) {
      return InvalidArgument("--detect change-tracking: table {} has no primary key, which Change Tracking requires",
                             table.name.ToString());
    }
    return Status::OK();
  }

  Result<DetectionPlan> Plan(const std::optional<std::string>& previous, const ChangeSource& source) override {
    const db::Dialect& d = source.dialect();
    if (d.ChangeTrackingCurrentVersionQuery().empty()) {
      return Unsupported("--detect change-tracking works on SQL Server only ({}); use --detect timestamp:COL, id:COL "
                         "or full",
                         d.name());
    }
    if (source.isolation().find("SNAPSHOT") == std::string::npos &&
        source.isolation().find("snapshot") == std::string::npos) {
      return Unsupported("--detect change-tracking reads versions and changes in one snapshot, but the read ran under "
                         "{}; enable it with ALTER DATABASE <db> SET ALLOW_SNAPSHOT_ISOLATION ON",
                         source.isolation());
    }
    Result<std::string> min_valid = source.QueryScalar(d.ChangeTrackingMinValidVersionQuery(), {d.QualifiedName(table_)});
    if (!min_valid.ok()) {
      if (min_valid.status().code() != ErrorCode::kNotFound) return min_valid.status();
      return InvalidArgument("Change Tracking is not enabled for table {}: ALTER DATABASE <db> SET CHANGE_TRACKING = "
                             "ON, then ALTER TABLE {} ENABLE CHANGE_TRACKING; or use --detect rowversion:COL, "
                             "timestamp:COL or full",
                             table_.ToString(), d.QualifiedName(table_));
    }
    ASSIGN_OR_RETURN(current_, ParseVersion(source.QueryScalar(d.ChangeTrackingCurrentVersionQuery()), "current"));
    ASSIGN_OR_RETURN(const int64_t oldest, ParseVersion(min_valid, "minimum valid"));
    DetectionPlan plan;
    if (!previous || previous->empty()) return plan;  // first run: the table itself
    ASSIGN_OR_RETURN(const int64_t last, ParseVersion(Result<std::string>(*previous), "stored"));
    previous_ = last;
    if (last < oldest) {
      if (!reinit_) {
        return InvalidArgument("Change Tracking no longer holds the changes of {} since version {} (the oldest it "
                               "keeps is {}: the retention period passed since the last sync, or tracking was "
                               "re-enabled). Run this sync once with --reinit (reads every row and compares it with "
                               "the table), or use --detect full",
                               table_.ToString(), last, oldest);
      }
      plan.full_read = true;
      return plan;
    }
    plan.from = d.ChangeTrackingChanges(table_, columns_, keys_, kChangeOperationColumn);
    plan.from_params.push_back(Value(DataType::Int64(), last));
    plan.op_column = kChangeOperationColumn;
    return plan;
  }

  Status Observe(const RecordBatch&) override { return Status::OK(); }
  std::string NewWatermark() const override {
    if (current_) return std::to_string(*current_);
    return previous_ ? std::to_string(*previous_) : "";
  }

 private:
  static Result<int64_t> ParseVersion(const Result<std::string>& text, const char* what) {
    if (!text.ok()) return text.status();
    char* end = nullptr;
    const long long v = std::strtoll(text->c_str(), &end, 10);
    if (text->empty() || *end != '\0') return InvalidArgument("the {} Change Tracking version '{}' is not a number", what, *text);
    return static_cast<int64_t>(v);
  }

  bool reinit_;
  db::TableName table_;
  std::vector<std::string> columns_;
  std::vector<std::string> keys_;
  std::optional<int64_t> current_;
  std::optional<int64_t> previous_;
};

}  // namespace

std::unique_ptr<ChangeDetection> MakeChangeTrackingDetection(const DetectionOptions& options) {
  return std::make_unique<ChangeTrackingDetection>(options);
}

}  // namespace icesync::sync
