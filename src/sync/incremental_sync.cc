#include "sync/incremental_sync.h"

#include <chrono>
#include <filesystem>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "core/crash_point.h"
#include "iceberg/column_fill.h"
#include "iceberg/delete_filter.h"
#include "iceberg/filesystem_catalog.h"
#include "iceberg/snapshot_producer.h"
#include "io/file_io.h"
#include "sync/data_file_stage.h"
#include "sync/iceberg_target.h"
#include "sync/partitioned_writer.h"
#include "sync/position_delete_writer.h"
#include "sync/source_reader.h"
#include "sync/source_stream.h"
#include "sync/table_key_index.h"
#include "sync/watermark.h"
#include "sync/watermark_store.h"

namespace icesync::sync {

namespace fs = std::filesystem;

const char* SyncModeName(SyncMode mode) { return mode == SyncMode::kMirror ? "mirror" : "changelog"; }

Status ValidateSyncOptions(const SyncOptions& o) {
  if (o.source.empty()) return InvalidArgument("--source is required (e.g. sqlite:///path/shop.db)");
  if (o.table.empty()) return InvalidArgument("--table is required ([schema.]table in the source)");
  if (o.warehouse.empty() && !o.catalog) {
    return InvalidArgument("--warehouse is required (a directory or s3://bucket/prefix)");
  }
  RETURN_IF_ERROR(iceberg::TableIdentifier::Parse(o.target).status().WithContext("--to"));
  if (!o.make_detection) {
    Result<std::unique_ptr<ChangeDetection>> detection = MakeChangeDetection(o.detect, o.detection);
    RETURN_IF_ERROR(detection.status());
  }
  if (o.detection.lag_micros < 0) return InvalidArgument("--lag must not be negative");
  if (o.detection.lag_micros > 0 && o.detect.rfind("timestamp:", 0) != 0) {
    return InvalidArgument("--lag applies to --detect timestamp:COL only");
  }
  if (o.target_file_size < 1024) return InvalidArgument("--target-file-size {} is too small (at least 1KB)", o.target_file_size);
  if (o.batch_rows < 1) return InvalidArgument("--batch-rows must be positive");
  return Status::OK();
}

namespace {

constexpr char kInsert = 'I', kUpdate = 'U', kDelete = 'D';

// One sync run; the steps in the order Run() takes them.
class SyncJob {
 public:
  SyncJob(const SyncOptions& o, ProgressReporter* progress, JobPhase* phase)
      : o_(o), progress_(progress), phase_{phase}, start_(std::chrono::steady_clock::now()) {}

  Result<SyncResult> Run();

 private:
  Status OpenTable();
  Status OpenSource();
  Status PlanLayout();
  Status ReadChanges();
  Result<SyncResult> PlanOnly();
  Status ResolveBufferedRows();
  Status DetectDeletes();
  Result<SyncResult> Commit();
  // A run that finds nothing to do rewrites a mirror that a kill after the last commit left
  // stale or missing.
  void RepairWatermarkMirror(const SyncResult& r) const;

  // Writes the rows of `batch` (source columns) whose keep byte is set, with their changelog
  // operation (ops[i]) in changelog mode.
  Status WriteRows(RecordBatch& batch, const std::vector<uint8_t>& keep, const std::vector<char>& ops);
  Status DeleteRow(const IndexedRow& row, const KeyIndex& index);
  // Pointers to a batch's key columns and hashed columns (source order), taken once per batch
  // rather than per row.
  struct BatchColumns {
    std::vector<const ColumnVector*> key;
    std::vector<const ColumnVector*> hashed;
  };
  BatchColumns ColumnsOf(const RecordBatch& batch) const;
  // The first key column's range of the keys looked up, for pruning files.
  void WidenKeyRange(const RecordBatch& batch, int64_t r);
  std::vector<Predicate> KeyPrune() const;
  KeyIndexOptions IndexOptions(bool hash) const;
  bool changelog() const { return mode_ == SyncMode::kChangelog; }

  const SyncOptions& o_;
  ProgressReporter* progress_;
  PhaseTracker phase_;
  std::chrono::steady_clock::time_point start_;

  iceberg::TableIdentifier id_;
  iceberg::TableRef ref_{std::string()};
  std::string warehouse_;  // for the watermark mirror; empty: none
  std::string table_dir_;
  std::optional<iceberg::Table> base_;
  std::optional<StoredWatermark> previous_;
  std::unique_ptr<SourceReader> source_;
  std::unique_ptr<ChangeDetection> detection_;
  SyncMode mode_ = SyncMode::kMirror;
  std::vector<std::string> key_names_;
  std::vector<size_t> key_source_;  // key columns' indexes in the source batch
  std::shared_ptr<const Schema> rows_schema_;  // source columns (+ changelog columns)
  iceberg::TableLayout layout_;
  std::vector<int> key_field_ids_;    // in layout_.schema
  std::vector<int> hash_field_ids_;   // layout fields filled from the source
  std::vector<int> hash_source_;      // the same fields' source column indexes
  std::optional<int> seq_field_id_, op_field_id_;
  std::string extracted_at_;
  std::string note_;

  // Whether the source's key may repeat (a --key that is not its primary key): every key read
  // is then checked, on a first run too.
  bool check_unique_ = false;
  // Whether every row read is compared with the table as it streams (the table exists and this
  // run reads all rows: full detection, or no usable watermark yet).
  bool compare_all_ = false;
  KeyIndex table_index_;               // with compare_all_: every key of the table
  std::unordered_set<std::string> seen_;  // keys read this run
  std::optional<Value> key_min_, key_max_;
  // Cursor runs: rows read that may be re-reads, or (changelog) every row, kept until the
  // table has been looked up; with their keys.
  RecordBatch buffered_;
  std::vector<std::string> buffered_keys_;
  std::vector<uint8_t> buffered_reread_;
  // Mirror cursor runs: keys written straight away (their old versions are deleted later).
  std::vector<std::string> written_keys_;
  // Keys the read reported deleted (change tracking).
  std::vector<std::string> deleted_keys_;

  std::unique_ptr<DataFileStage> stage_;
  std::unique_ptr<PositionDeleteWriter> deletes_;
  std::vector<RowLocation> changelog_deletes_;
  int64_t seq_ = 0;
  int64_t rows_read_ = 0, inserted_ = 0, updated_ = 0, deleted_ = 0;
};

Status SyncJob::OpenTable() {
  ASSIGN_OR_RETURN(id_, iceberg::TableIdentifier::Parse(o_.target));
  // The watermark mirror sits beside the tables when the warehouse is a place (a directory or
  // an s3:// prefix); a REST catalog's warehouse may be just a name ("analytics").
  if (!o_.catalog || io::HasRemoteScheme(o_.warehouse) || o_.warehouse.find('/') != std::string::npos) {
    std::error_code ec;
    warehouse_ = io::HasRemoteScheme(o_.warehouse) ? o_.warehouse
                                                    : fs::absolute(o_.warehouse, ec).lexically_normal().string();
  }
  ASSIGN_OR_RETURN(IcebergTarget target, OpenIcebergTarget(o_.catalog, o_.warehouse, id_));
  ref_ = std::move(target.ref);
  base_ = std::move(target.base);
  table_dir_ = std::move(target.table_dir);
  if (base_) previous_ = FindWatermark(base_->metadata);
  return Status::OK();
}

Status SyncJob::OpenSource() {
  phase_.Set(JobPhase::kSource);
  if (progress_) progress_->Note("reading " + o_.table + " from the source");
  ASSIGN_OR_RETURN(source_, SourceReader::Open(o_.source, o_.table, "", SourceReadOptions{o_.pg_copy}));
  extracted_at_ = IsoNow();
  phase_.Set(JobPhase::kValidate);
  if (o_.make_detection) {
    detection_ = o_.make_detection();
  } else {
    ASSIGN_OR_RETURN(detection_, MakeChangeDetection(o_.detect, o_.detection));
  }
  RETURN_IF_ERROR(detection_->Bind(source_->table()));
  key_names_ = o_.key.empty() ? source_->table().key_columns : o_.key;
  check_unique_ = !key_names_.empty() && key_names_ != source_->table().key_columns;
  const Schema& src = *source_->schema();
  for (const std::string& k : key_names_) {
    auto idx = src.FindTopLevelIndex(k);
    if (!idx) {
      std::string names;
      for (const Field& f : src.fields()) names += (names.empty() ? "" : ", ") + f.name;
      return NotFound("--key {}: table {} has no such column (columns: {})", k, source_->table().name.ToString(), names);
    }
    key_source_.push_back(*idx);
  }
  // The mode a table was created with stays (a changelog cannot turn into a mirror).
  if (o_.mode) {
    mode_ = *o_.mode;
  } else if (previous_ && previous_->mode == "changelog") {
    mode_ = SyncMode::kChangelog;
  } else if (base_ && base_->metadata.CurrentSchema() &&
             base_->metadata.CurrentSchema()->FindTopLevelIndex(kChangeSeqColumn)) {
    mode_ = SyncMode::kChangelog;
  } else {
    mode_ = key_names_.empty() ? SyncMode::kChangelog : SyncMode::kMirror;
  }
  if (previous_ && !previous_->mode.empty() && previous_->mode != SyncModeName(mode_)) {
    return InvalidArgument("table {} is synced in {} mode; --mode {} cannot change that (sync into a new table)",
                           id_.ToString(), previous_->mode, SyncModeName(mode_));
  }
  if (key_names_.empty()) {
    if (mode_ == SyncMode::kMirror) {
      return InvalidArgument("table {} has no primary key, and a mirror needs one to find the rows that changed: pass "
                             "--key COL[,COL...] or --mode changelog",
                             source_->table().name.ToString());
    }
    if (detection_->reads_all_rows() || o_.detect_deletes) {
      return InvalidArgument("--detect full and --detect-deletes compare rows by key, and table {} has no primary "
                             "key: pass --key COL[,COL...]",
                             source_->table().name.ToString());
    }
    if (!detection_->inserts_only()) {
      return InvalidArgument("table {} has no primary key: --detect {} re-reads rows at its watermark, and only a key "
                             "tells a re-read from a new row; pass --key COL[,COL...], or use --detect id:COL",
                             source_->table().name.ToString(), detection_->spec());
    }
  }
  return Status::OK();
}

Status SyncJob::PlanLayout() {
  const Schema& src = *source_->schema();
  std::vector<Field> fields = src.fields();
  std::vector<int> identifiers;
  for (size_t i : key_source_) identifiers.push_back(fields[i].id);
  for (const Field& f : fields) {
    if (f.name == kChangeOpColumn || f.name == kChangeSeqColumn) {
      return InvalidArgument("source column '{}' is named like a column icesync adds to changelog tables; rename it "
                             "in a view",
                             f.name);
    }
  }
  if (changelog()) {
    // A history holds deletes (nulls outside the key) and many rows per key.
    for (Field& f : fields) f.required = false;
    identifiers.clear();
    int next = src.highest_field_id();
    fields.push_back(Field{++next, kChangeOpColumn, DataType::String(), true});
    fields.push_back(Field{++next, kChangeSeqColumn, DataType::Int64(), true});
  } else {
    // Iceberg identifier fields must be required: a nullable key column stays a plain column.
    for (size_t i : key_source_) {
      if (!fields[i].required) identifiers.clear();
    }
  }
  rows_schema_ = std::make_shared<const Schema>(Schema(fields, 0, identifiers));
  ASSIGN_OR_RETURN(layout_, iceberg::LayoutForSource(*rows_schema_, o_.partition_by, base_ ? &base_->metadata : nullptr,
                                                     base_ ? o_.on_schema_change : iceberg::SchemaChangePolicy::kReplace));
  for (size_t i = 0; i < layout_.schema.num_fields(); ++i) {
    const Field& f = layout_.schema.field(i);
    const int src_col = layout_.source_column[i];
    for (size_t k = 0; k < key_source_.size(); ++k) {
      if (src_col == static_cast<int>(key_source_[k])) {
        if (key_field_ids_.size() < k + 1) key_field_ids_.resize(k + 1);
        key_field_ids_[k] = f.id;
      }
    }
    if (f.name == kChangeOpColumn) op_field_id_ = f.id;
    if (f.name == kChangeSeqColumn) seq_field_id_ = f.id;
    if (src_col >= 0 && src_col < static_cast<int>(src.num_fields())) {
      hash_field_ids_.push_back(f.id);
      hash_source_.push_back(src_col);
    }
  }
  return Status::OK();
}

SyncJob::BatchColumns SyncJob::ColumnsOf(const RecordBatch& batch) const {
  BatchColumns c;
  for (size_t i : key_source_) c.key.push_back(&batch.column(i));
  for (int i : hash_source_) c.hashed.push_back(&batch.column(static_cast<size_t>(i)));
  return c;
}

void SyncJob::WidenKeyRange(const RecordBatch& batch, int64_t r) {
  if (key_source_.empty()) return;
  const ColumnVector& c = batch.column(key_source_[0]);
  if (c.IsNull(r)) return;
  Value v = ValueAt(c, r);
  if (!key_min_ || v.Compare(*key_min_) < 0) key_min_ = v;
  if (!key_max_ || v.Compare(*key_max_) > 0) key_max_ = v;
}

std::vector<Predicate> SyncJob::KeyPrune() const {
  // Bounds of the first key column prune files; a promoted key column's bounds in older files
  // have the old type, so no pruning then.
  if (!key_min_ || key_field_ids_.empty() || layout_.new_schema) return {};
  return {Predicate{Predicate::Op::kBetween, key_field_ids_[0], *key_min_, *key_max_}};
}

KeyIndexOptions SyncJob::IndexOptions(bool hash) const {
  KeyIndexOptions io;
  io.key_field_ids = key_field_ids_;
  if (changelog()) {
    io.latest_by_field_id = seq_field_id_;
    io.tag_field_id = op_field_id_;
  }
  if (hash) io.hash_field_ids = hash_field_ids_;
  return io;
}

Status SyncJob::WriteRows(RecordBatch& batch, const std::vector<uint8_t>& keep, const std::vector<char>& ops) {
  if (!changelog()) return stage_->Write(batch, &keep);
  const int64_t rows = batch.num_rows();
  ColumnVector op(DataType::String()), seq(DataType::Int64());
  for (int64_t r = 0; r < rows; ++r) {
    op.AppendBytes(std::string_view(&ops[static_cast<size_t>(r)], 1));
    seq.Append<int64_t>(keep[static_cast<size_t>(r)] ? ++seq_ : 0);
  }
  batch.columns().push_back(std::move(op));
  batch.columns().push_back(std::move(seq));
  Status st = stage_->Write(batch, &keep);
  batch.columns().resize(batch.columns().size() - 2);
  return st;
}

Status SyncJob::DeleteRow(const IndexedRow& row, const KeyIndex& index) {
  if (changelog()) {
    if (row.tag == std::string(1, kDelete)) return Status::OK();  // already deleted in the history
    changelog_deletes_.push_back(index.At(row));
  } else {
    RETURN_IF_ERROR(deletes_->Add(index.At(row)));
  }
  ++deleted_;
  return Status::OK();
}

Status SyncJob::ReadChanges() {
  const std::optional<std::string> usable =
      previous_ && previous_->detect == detection_->spec() ? std::optional<std::string>(previous_->value) : std::nullopt;
  if (base_ && previous_ && previous_->detect != detection_->spec()) {
    note_ = fmt::format("the table was synced with --detect {}; this first run with --detect {} reads every row and "
                        "compares it with the table",
                        previous_->detect, detection_->spec());
  } else if (base_ && !previous_) {
    note_ = "the table has no sync watermark yet (made by export or another tool): every row is read and compared";
  }
  phase_.Set(JobPhase::kSource);
  std::unique_ptr<ChangeSource> change_source = ChangeSourceFor(source_->connection(), source_->isolation());
  ASSIGN_OR_RETURN(DetectionPlan plan, detection_->Plan(usable, *change_source));
  if (usable) detection_->LoadRereadState(previous_->reread);
  compare_all_ = base_ && (!usable || detection_->reads_all_rows() || plan.full_read);
  seq_ = previous_ ? previous_->change_seq : 0;

  DataFileStageOptions so;
  so.table_dir = table_dir_;
  so.schema = std::make_shared<const Schema>(layout_.schema);
  so.spec = layout_.spec;
  so.source_column = layout_.source_column;
  so.target_file_size = o_.target_file_size;
  so.compression = o_.compression;
  so.writers = std::max(1, o_.concurrent_jobs);
  ASSIGN_OR_RETURN(stage_, DataFileStage::Open(std::move(so)));
  deletes_ = std::make_unique<PositionDeleteWriter>(table_dir_, layout_.spec, stage_->job_id());

  if (compare_all_) {
    if (progress_) progress_->Note("indexing the keys and row hashes of " + id_.ToString());
    phase_.Set(JobPhase::kWrite);
    ASSIGN_OR_RETURN(table_index_, IndexTableKeys(*base_, layout_.schema, IndexOptions(true), KeyFilter{}, {}));
  }
  buffered_ = RecordBatch(source_->schema());

  db::ExtractOptions eo;
  eo.batch_rows = o_.batch_rows;
  eo.where = plan.where;
  eo.where_params = plan.params;
  eo.from = plan.from;
  eo.from_params = plan.from_params;
  phase_.Set(JobPhase::kSource);
  // A read that names each row's operation (change tracking) has one more column, last.
  db::SourceTable read_table = source_->table();
  const size_t op_index = read_table.schema->num_fields();
  const bool has_op = !plan.op_column.empty();
  if (has_op) {
    db::SourceColumn op{plan.op_column, "nchar", 1};
    ASSIGN_OR_RETURN(db::ColumnMapping mapping, db::MapSourceType(db::DialectKind::kSqlServer, op));
    std::vector<Field> fields = read_table.schema->fields();
    fields.push_back(Field{read_table.schema->highest_field_id() + 1, plan.op_column, mapping.type, false});
    read_table.schema = std::make_shared<const Schema>(fields, 0, read_table.schema->identifier_field_ids());
    read_table.columns.push_back(op);
    read_table.mappings.push_back(mapping);
    read_table.field_ids.push_back(fields.back().id);
  }
  ASSIGN_OR_RETURN(std::unique_ptr<db::BatchReader> reader, source_->ExtractTable(read_table, eo));
  if (progress_) progress_->Note("reading changes: " + (plan.where.empty() ? std::string("every row") : reader->sql()));
  std::vector<uint8_t> keep;
  std::vector<char> ops;
  RETURN_IF_ERROR(StreamSourceBatches(*reader, *source_, phase_, [&](RecordBatch& batch) -> Status {
    RETURN_IF_ERROR(detection_->Observe(batch));
    const int64_t n = batch.num_rows();
    rows_read_ += n;
    const BatchColumns cols = ColumnsOf(batch);
    keep.assign(static_cast<size_t>(n), 0);
    ops.assign(static_cast<size_t>(n), kInsert);
    for (int64_t r = 0; r < n; ++r) {
      if (detection_->InRereadWindow(batch, r)) detection_->Remember(batch, r, ContentHash64(cols.hashed, r));
      if (!base_ && !check_unique_) {
        keep[static_cast<size_t>(r)] = 1;  // a new table from a primary key: every row an insert
        ++inserted_;
        continue;
      }
      std::string key;
      if (!key_source_.empty()) {
        key = iceberg::EqualityKey(cols.key, r);
        if (!seen_.insert(key).second) {
          return InvalidArgument("the key ({}) of {} is not unique: the source returned it twice; pass a unique --key",
                                 fmt::join(key_names_, ", "), source_->table().name.ToString());
        }
      }
      if (has_op && batch.column(op_index).GetBytes(r) == "D") {
        WidenKeyRange(batch, r);
        deleted_keys_.push_back(std::move(key));  // removed once the table has been looked up
        continue;
      }
      if (!base_) {
        keep[static_cast<size_t>(r)] = 1;  // a new table: everything is an insert
        ++inserted_;
      } else if (compare_all_) {
        auto it = table_index_.rows.find(key);
        const bool live = it != table_index_.rows.end() && it->second.tag != std::string(1, kDelete);
        if (live && it->second.content_hash == ContentHash(cols.hashed, r)) continue;  // unchanged
        keep[static_cast<size_t>(r)] = 1;
        if (live) {
          ops[static_cast<size_t>(r)] = kUpdate;
          ++updated_;
          if (!changelog()) RETURN_IF_ERROR(deletes_->Add(table_index_.At(it->second)));
        } else {
          ++inserted_;
        }
      } else if (changelog() || detection_->MayBeReread(batch, r)) {
        // A re-read the previous run saw with this content is skipped without reading the
        // table; one it proves changed is a change; otherwise it is compared with the table.
        bool compare = false;
        if (detection_->MayBeReread(batch, r)) {
          const std::optional<bool> known = detection_->KnownUnchanged(batch, r, ContentHash64(cols.hashed, r));
          if (known.value_or(false)) continue;
          compare = !known.has_value();
        }
        if (!changelog() && !compare) {
          keep[static_cast<size_t>(r)] = 1;
          WidenKeyRange(batch, r);
          written_keys_.push_back(std::move(key));
          continue;
        }
        // Decided once the table has been looked up (ResolveBufferedRows).
        WidenKeyRange(batch, r);
        for (size_t c = 0; c < batch.num_columns(); ++c) iceberg::AppendValueFrom(buffered_.column(c), batch.column(c), r);
        buffered_keys_.push_back(std::move(key));
        buffered_reread_.push_back(compare ? 1 : 0);
      } else {
        keep[static_cast<size_t>(r)] = 1;  // certainly a change: its old version is found later
        WidenKeyRange(batch, r);
        written_keys_.push_back(std::move(key));
      }
    }
    // The operation column is not written: it leaves the batch while it is (and comes back,
    // since the extractor reuses the batch).
    ColumnVector op_column;
    if (has_op) {
      op_column = std::move(batch.columns().back());
      batch.columns().pop_back();
    }
    Status written = WriteRows(batch, keep, ops);
    if (has_op) batch.columns().push_back(std::move(op_column));
    RETURN_IF_ERROR(written);
    if (progress_) progress_->Update(rows_read_, stage_->bytes_written());
    return Status::OK();
  }));
  phase_.Set(JobPhase::kSource);
  RETURN_IF_ERROR(detection_->Finish());
  if (compare_all_ && !key_source_.empty()) {
    // Every row was read: the table's keys that the read did not return were deleted.
    for (const auto& [key, row] : table_index_.rows) {
      if (!seen_.count(key)) RETURN_IF_ERROR(DeleteRow(row, table_index_));
    }
  }
  return Status::OK();
}

Status SyncJob::ResolveBufferedRows() {
  if (buffered_keys_.empty() && written_keys_.empty() && deleted_keys_.empty()) return Status::OK();
  // Changelog without a key (id detection: no re-reads): nothing to look up, all inserts.
  if (key_source_.empty()) {
    std::vector<uint8_t> keep(buffered_keys_.size(), 1);
    std::vector<char> ops(buffered_keys_.size(), kInsert);
    inserted_ += static_cast<int64_t>(keep.size());
    buffered_.set_num_rows(static_cast<int64_t>(keep.size()));
    return WriteRows(buffered_, keep, ops);
  }
  std::unordered_set<std::string> wanted(written_keys_.begin(), written_keys_.end());
  wanted.insert(buffered_keys_.begin(), buffered_keys_.end());
  wanted.insert(deleted_keys_.begin(), deleted_keys_.end());
  phase_.Set(JobPhase::kWrite);
  if (progress_) progress_->Note("looking up " + FormatCount(static_cast<int64_t>(wanted.size())) + " changed keys");
  const auto lookup_start = std::chrono::steady_clock::now();
  ASSIGN_OR_RETURN(KeyIndex found,
                   IndexTableKeys(*base_, layout_.schema, IndexOptions(false), KeyFilter{&wanted}, KeyPrune()));
  if (progress_) {
    progress_->Note(fmt::format("found {} of them in {} data files ({:.0f} ms, key columns only)",
                                FormatCount(static_cast<int64_t>(found.rows.size())), found.files.size(),
                                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - lookup_start).count()));
  }
  auto live = [&](const std::string& key) -> const IndexedRow* {
    auto it = found.rows.find(key);
    if (it == found.rows.end() || it->second.tag == std::string(1, kDelete)) return nullptr;
    return &it->second;
  };
  // Rows written straight away: their previous versions go.
  for (const std::string& key : written_keys_) {
    if (const IndexedRow* old = live(key)) {
      ++updated_;
      RETURN_IF_ERROR(deletes_->Add(found.At(*old)));
    } else {
      ++inserted_;
    }
  }
  for (const std::string& key : deleted_keys_) {
    auto it = found.rows.find(key);
    if (it != found.rows.end()) RETURN_IF_ERROR(DeleteRow(it->second, found));
  }
  // Buffered rows: re-reads are compared with the table's row (whole rows, from the few files
  // holding them); the rest are changes.
  std::vector<RowLocation> compare;
  for (size_t i = 0; i < buffered_keys_.size(); ++i) {
    const IndexedRow* old = live(buffered_keys_[i]);
    if (old && buffered_reread_[i]) compare.push_back(found.At(*old));
  }
  std::map<std::pair<std::string, int64_t>, std::string> table_hash;
  std::vector<size_t> hash_columns;
  for (int id : hash_field_ids_) {
    for (size_t c = 0; c < layout_.schema.num_fields(); ++c) {
      if (layout_.schema.field(c).id == id) hash_columns.push_back(c);
    }
  }
  RETURN_IF_ERROR(ReadRowsAt(*base_, layout_.schema, compare,
                             [&](const RecordBatch& batch, int64_t row, const RowLocation& at) -> Status {
                               std::vector<const ColumnVector*> cols;
                               for (size_t c : hash_columns) cols.push_back(&batch.column(c));
                               table_hash[{at.file_path, at.pos}] = ContentHash(cols, row);
                               return Status::OK();
                             }));
  const size_t n = buffered_keys_.size();
  buffered_.set_num_rows(static_cast<int64_t>(n));
  const BatchColumns buffered_cols = ColumnsOf(buffered_);
  std::vector<uint8_t> keep(n, 0);
  std::vector<char> ops(n, kInsert);
  for (size_t i = 0; i < n; ++i) {
    const IndexedRow* old = live(buffered_keys_[i]);
    if (old && buffered_reread_[i]) {
      auto h = table_hash.find({found.files[old->file].file_path, old->pos});
      if (h != table_hash.end() && h->second == ContentHash(buffered_cols.hashed, static_cast<int64_t>(i))) continue;  // unchanged
    }
    keep[i] = 1;
    if (old) {
      ops[i] = kUpdate;
      ++updated_;
      if (!changelog()) RETURN_IF_ERROR(deletes_->Add(found.At(*old)));
    } else {
      ++inserted_;
    }
  }
  return WriteRows(buffered_, keep, ops);
}

Status SyncJob::DetectDeletes() {
  if (!o_.detect_deletes || !base_ || compare_all_) return Status::OK();
  phase_.Set(JobPhase::kSource);
  if (progress_) progress_->Note("reading the source's keys to find deleted rows");
  db::ExtractOptions eo;
  eo.batch_rows = std::max<int64_t>(o_.batch_rows, 65536);
  ASSIGN_OR_RETURN(std::unique_ptr<db::BatchReader> reader, source_->ExtractColumns(key_names_, eo));
  // A single integer key is kept as sorted numbers (8 bytes a key), any other as key strings.
  const bool int_key = key_source_.size() == 1 && (source_->schema()->field(key_source_[0]).type.id() == TypeId::kInt64 ||
                                                   source_->schema()->field(key_source_[0]).type.id() == TypeId::kInt32);
  std::unordered_set<std::string> source_keys;
  std::vector<int64_t> source_ints;
  RETURN_IF_ERROR(StreamSourceBatches(*reader, *source_, phase_, [&](RecordBatch& batch) -> Status {
    if (int_key) {
      const ColumnVector& c = batch.column(0);
      const bool wide = c.type().id() == TypeId::kInt64;
      for (int64_t r = 0; r < batch.num_rows(); ++r) {
        if (!c.IsNull(r)) source_ints.push_back(wide ? c.Value<int64_t>(r) : c.Value<int32_t>(r));
      }
      return Status::OK();
    }
    std::vector<const ColumnVector*> cols;
    for (size_t c = 0; c < batch.num_columns(); ++c) cols.push_back(&batch.column(c));
    for (int64_t r = 0; r < batch.num_rows(); ++r) source_keys.insert(iceberg::EqualityKey(cols, r));
    return Status::OK();
  }));
  std::sort(source_ints.begin(), source_ints.end());
  phase_.Set(JobPhase::kWrite);
  KeyFilter gone{&source_keys, int_key ? &source_ints : nullptr, /*absent=*/true};
  ASSIGN_OR_RETURN(KeyIndex all, IndexTableKeys(*base_, layout_.schema, IndexOptions(false), gone, {}));
  for (const auto& [key, row] : all.rows) RETURN_IF_ERROR(DeleteRow(row, all));
  return Status::OK();
}

Result<SyncResult> SyncJob::Commit() {
  // Changelog deletes are rows too: the key as the table last held it, the rest null.
  if (!changelog_deletes_.empty()) {
    const std::vector<RowLocation>& at = changelog_deletes_;
    RecordBatch rows(source_->schema());
    int64_t n = 0;
    RETURN_IF_ERROR(ReadRowsAt(*base_, layout_.schema, at, [&](const RecordBatch& batch, int64_t row, const RowLocation&) {
      for (size_t c = 0; c < rows.num_columns(); ++c) {
        // The table column filled by source column c, if it is a key column.
        bool is_key = std::find(key_source_.begin(), key_source_.end(), c) != key_source_.end();
        size_t table_col = layout_.schema.num_fields();
        for (size_t t = 0; t < layout_.source_column.size(); ++t) {
          if (layout_.source_column[t] == static_cast<int>(c)) table_col = t;
        }
        if (is_key && table_col < layout_.schema.num_fields()) {
          iceberg::AppendValueFrom(rows.column(c), batch.column(table_col), row);
        } else {
          rows.column(c).AppendNull();
        }
      }
      ++n;
      return Status::OK();
    }));
    rows.set_num_rows(n);
    std::vector<uint8_t> keep(static_cast<size_t>(n), 1);
    std::vector<char> ops(static_cast<size_t>(n), kDelete);
    RETURN_IF_ERROR(WriteRows(rows, keep, ops));
  }
  phase_.Set(JobPhase::kWrite);
  ASSIGN_OR_RETURN(std::vector<iceberg::DataFile> files, stage_->Finish());
  CrashPoint("data-written");
  ASSIGN_OR_RETURN(std::vector<iceberg::DataFile> delete_files, deletes_->Write());
  phase_.Set(JobPhase::kSource);
  RETURN_IF_ERROR(source_->Finish());
  CrashPoint("files-written");

  SyncResult r;
  r.table = id_.ToString();
  r.detect = detection_->spec();
  r.mode = SyncModeName(mode_);
  r.created = !base_;
  r.rows_extracted = rows_read_;
  r.inserted = inserted_;
  r.updated = updated_;
  r.deleted = deleted_;
  r.schema_changes = layout_.changes;
  r.source = source_->redacted_source();
  r.note = note_;
  r.data_files = static_cast<int64_t>(files.size());
  r.delete_files = static_cast<int64_t>(delete_files.size());
  const std::string watermark = detection_->NewWatermark();
  if (base_ && files.empty() && delete_files.empty()) {
    r.status = "unchanged";
    r.watermark = previous_ ? previous_->value : watermark;
    RepairWatermarkMirror(r);
    return r;
  }

  phase_.Set(JobPhase::kCommit);
  if (progress_) {
    progress_->Note(fmt::format("committing {} data and {} delete files", files.size(), delete_files.size()));
  }
  iceberg::SnapshotChange change;
  change.operation = delete_files.empty() ? iceberg::SnapshotOperation::kAppend : iceberg::SnapshotOperation::kRowDelta;
  change.added_data_files = files;
  change.added_delete_files = delete_files;
  change.required_data_files = deletes_->TargetFiles();
  auto& s = change.summary_properties;
  s[kWatermarkKey] = watermark;
  s[kDetectKey] = detection_->spec();
  s[kModeKey] = SyncModeName(mode_);
  if (changelog()) s[kChangeSeqKey] = std::to_string(seq_);
  s[kRunIdKey] = stage_->job_id();
  if (std::string reread = detection_->RereadState(); !reread.empty()) s[kRereadKey] = reread;
  s["icesync.source"] = source_->redacted_source();
  s["icesync.source-table"] = source_->table().name.ToString();
  s["icesync.extracted-at"] = extracted_at_;
  s["icesync.isolation"] = source_->isolation();
  s["icesync.extract-method"] = source_->extract_method();
  change.set_properties["icesync.source"] = source_->redacted_source();
  change.set_properties["icesync.source-table"] = source_->table().name.ToString();
  Result<iceberg::Table> committed = Status::OK();
  if (!base_) {
    change.set_properties["write.parquet.compression-codec"] = o_.compression == "none" ? "uncompressed" : o_.compression;
    committed = iceberg::CreateTableWithSnapshot(ref_, layout_.schema, layout_.spec, change.set_properties, change);
    if (!committed.ok() && committed.status().code() == ErrorCode::kAlreadyExists) {
      committed = Conflict("table {} was created by another writer while this sync ran; this sync committed nothing; "
                           "run it again",
                           id_.ToString());
    }
  } else {
    if (layout_.new_schema) change.schema = layout_.schema;
    if (layout_.new_spec) change.spec = layout_.spec;
    const std::optional<int64_t> started_from = previous_ ? std::optional<int64_t>(previous_->snapshot_id) : std::nullopt;
    change.validate = [this, started_from](const iceberg::Table& b) -> Status {
      std::optional<StoredWatermark> now = FindWatermark(b.metadata);
      const std::optional<int64_t> now_id = now ? std::optional<int64_t>(now->snapshot_id) : std::nullopt;
      if (now_id != started_from) {
        return Conflict("another sync of {} committed (snapshot {}) while this one ran; this one committed nothing. "
                        "Run it again: it continues from the new watermark",
                        id_.ToString(), now_id ? std::to_string(*now_id) : "?");
      }
      return Status::OK();
    };
    committed = iceberg::CommitSnapshot(ref_, change);
  }
  if (!committed.ok()) return committed.status().WithContext("committing " + id_.ToString());
  stage_->Keep();
  r.status = "ok";
  r.snapshot_id = committed->metadata.current_snapshot_id;
  r.watermark = watermark;
  WatermarkRecord mirror{r.table, r.detect, r.mode, watermark, *r.snapshot_id,
                         r.inserted + r.updated + r.deleted, IsoNow()};
  // Only a mirror for people and tools: the commit above is what counts.
  if (!warehouse_.empty()) (void)WriteWatermarkMirror(warehouse_, mirror);
  return r;
}

void SyncJob::RepairWatermarkMirror(const SyncResult& r) const {
  if (!previous_ || !base_ || warehouse_.empty()) return;
  if (MirroredSnapshotId(warehouse_, r.table) == previous_->snapshot_id) return;
  const iceberg::Snapshot* snapshot = base_->metadata.SnapshotById(previous_->snapshot_id);
  if (snapshot == nullptr) return;
  WatermarkRecord mirror{r.table,
                         previous_->detect,
                         previous_->mode,
                         previous_->value,
                         previous_->snapshot_id,
                         snapshot->SummaryInt(iceberg::summary::kAddedRecords),
                         IsoNow()};
  (void)WriteWatermarkMirror(warehouse_, mirror);
}

Result<SyncResult> SyncJob::PlanOnly() {
  SyncResult r;
  r.status = "planned";
  r.table = id_.ToString();
  r.detect = detection_->spec();
  r.mode = SyncModeName(mode_);
  r.created = !base_;
  r.source = source_->redacted_source();
  r.schema_changes = layout_.changes;
  const bool usable = previous_ && previous_->detect == detection_->spec();
  if (previous_) r.watermark = previous_->value;
  std::unique_ptr<ChangeSource> change_source = ChangeSourceFor(source_->connection(), source_->isolation());
  ASSIGN_OR_RETURN(DetectionPlan plan,
                   detection_->Plan(usable ? std::optional<std::string>(previous_->value) : std::nullopt, *change_source));
  if (plan.where.empty() && plan.from.empty()) {
    ASSIGN_OR_RETURN(r.rows_extracted, source_->CountRows(""));
    r.note = base_ ? "every row is read and compared with the table" : "first run: the whole table";
  } else {
    // The rows the read selects, counted by reading them (one column: cost follows the change).
    db::ExtractOptions eo;
    eo.where = plan.where;
    eo.where_params = plan.params;
    eo.from = plan.from;
    eo.from_params = plan.from_params;
    const std::string column = key_names_.empty() ? source_->schema()->field(0).name : key_names_[0];
    ASSIGN_OR_RETURN(db::SourceTable one, db::SelectColumns(source_->table(), {column}));
    ASSIGN_OR_RETURN(std::unique_ptr<db::BatchReader> reader, source_->ExtractTable(one, eo));
    RETURN_IF_ERROR(StreamSourceBatches(*reader, *source_, phase_, [&](RecordBatch& b) -> Status {
      r.rows_extracted += b.num_rows();
      return Status::OK();
    }));
    r.note = "rows changed since the watermark: " + reader->sql();
  }
  RETURN_IF_ERROR(source_->Finish());
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  return r;
}

Result<SyncResult> SyncJob::Run() {
  phase_.Set(JobPhase::kValidate);
  RETURN_IF_ERROR(ValidateSyncOptions(o_));
  RETURN_IF_ERROR(OpenTable());
  RETURN_IF_ERROR(OpenSource());
  RETURN_IF_ERROR(PlanLayout());
  if (o_.dry_run) return PlanOnly();
  RETURN_IF_ERROR(ReadChanges());
  RETURN_IF_ERROR(ResolveBufferedRows());
  RETURN_IF_ERROR(DetectDeletes());
  ASSIGN_OR_RETURN(SyncResult r, Commit());
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  return r;
}

}  // namespace

Result<SyncResult> Sync(const SyncOptions& options, ProgressReporter* progress, JobPhase* failed_phase) {
  SyncJob job(options, progress, failed_phase);
  return job.Run();
}

}  // namespace icesync::sync
