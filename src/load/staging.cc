#include "load/staging.h"

#include <unistd.h>

#include <chrono>
#include <functional>
#include <random>

namespace icesync::load {

namespace {

// A short stable tag of the target's name: staging tables of one target share it, so a run
// drops only its own target's leftovers, never another import's live staging table.
std::string TargetTag(const db::TableName& target) {
  uint32_t h = 2166136261u;  // FNV-1a
  for (unsigned char c : target.ToString()) h = (h ^ c) * 16777619u;
  return fmt::format("{:08x}", h);
}

std::string StagePrefix(const db::TableName& target) { return "icesync_stage_" + TargetTag(target) + "_"; }

}  // namespace

Status DropStaleStagingTables(db::Connection& conn, const db::TableName& target) {
  const db::Dialect& d = conn.dialect();
  const db::CatalogQuery q = d.TablesLikeQuery(target.schema, StagePrefix(target));
  if (q.sql.empty()) return Status::OK();
  ASSIGN_OR_RETURN(std::vector<db::TextRow> rows, conn.QueryText(q.sql, q.params));
  for (const db::TextRow& r : rows) {
    if (r.empty() || !r[0]) continue;
    // IF EXISTS: another import of the target may have dropped it since the listing.
    RETURN_IF_ERROR(conn.Execute(d.DropTableIfExists(db::TableName{target.schema, *r[0]}))
                        .WithContext("dropping the staging table " + *r[0] + " a killed import left behind"));
  }
  return Status::OK();
}

Result<std::unique_ptr<StagingTable>> StagingTable::Create(db::Connection& conn, const db::TableName& target,
                                                           const std::string& role,
                                                           std::shared_ptr<const Schema> schema) {
  std::random_device rd;
  const std::string base = StagePrefix(target) + role + fmt::format("_{:x}{:08x}", getpid() & 0xffff, rd());
  db::TableName name = conn.dialect().ImportStagingName(target.schema, base);
  RETURN_IF_ERROR(conn.Execute(conn.dialect().CreateImportStaging(name, *schema))
                      .WithContext("creating the staging table for " + target.ToString()));
  return std::unique_ptr<StagingTable>(new StagingTable(conn, std::move(name), std::move(schema)));
}

StagingTable::~StagingTable() { (void)Drop(); }

Status StagingTable::Begin() {
  // PostgreSQL loads through COPY on a companion session only in autocommit; elsewhere one
  // transaction around the whole load saves a commit per batch.
  own_transaction_ = conn_.dialect().kind() != db::DialectKind::kPostgres && !conn_.in_transaction();
  if (own_transaction_) RETURN_IF_ERROR(conn_.Begin());
  ASSIGN_OR_RETURN(loader_, db::BulkLoader::Open(conn_, name_, schema_));
  method_ = loader_->method();
  return Status::OK();
}

Status StagingTable::Append(const RecordBatch& batch) { return loader_->Append(batch); }

Result<int64_t> StagingTable::Finish() {
  Result<int64_t> loaded = loader_->Finish();
  const int64_t sent = loader_->rows_sent();
  loader_.reset();
  if (own_transaction_) {
    own_transaction_ = false;
    if (!loaded.ok()) {
      (void)conn_.Rollback();
      return loaded.status();
    }
    RETURN_IF_ERROR(conn_.Commit());
  }
  // BulkLoader::Finish counted the table against the rows sent (some bulk paths, FreeTDS BCP,
  // report success having stored nothing).
  ASSIGN_OR_RETURN(int64_t stored, loaded);
  if (stored != sent) {
    return DatabaseError("the staging table {} holds {} rows after loading {}; nothing was applied to the target",
                         name_.ToString(), stored, sent);
  }
  const std::string analyze = conn_.dialect().AnalyzeTable(name_);
  if (!analyze.empty()) RETURN_IF_ERROR(conn_.Execute(analyze));
  return stored;
}

Status StagingTable::Drop() {
  if (dropped_) return Status::OK();
  loader_.reset();
  if (conn_.in_transaction()) return Status::OK();  // the caller's transaction decides; dropped later
  dropped_ = true;
  // IF EXISTS: another import of the target, starting meanwhile, may have taken it for a
  // killed import's leftover (DropStaleStagingTables); the import itself is done by then.
  return conn_.Execute(conn_.dialect().DropTableIfExists(name_));
}

}  // namespace icesync::load
