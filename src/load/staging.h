#pragma once
// A staging table in the target database, filled in bulk before the merge: BCP on SQL Server,
// binary COPY on PostgreSQL (the connection in autocommit, so the loader's companion session
// runs it; hence a regular UNLOGGED table, which that session can see, not a TEMPORARY one),
// batched prepared inserts on SQLite. The stored count is checked against the rows sent.
//
// Names are icesync_stage_<target tag>_<random>: a run drops the tables a killed run of the
// same target left behind before creating its own.
#include <memory>
#include <string>

#include "db/bulk_loader.h"
#include "db/connection.h"

namespace icesync::load {

class StagingTable {
 public:
  // Drops stale staging tables of `target` and creates a new one with `schema`'s columns.
  static Result<std::unique_ptr<StagingTable>> Create(db::Connection& conn, const db::TableName& target,
                                                      const std::string& role, std::shared_ptr<const Schema> schema);
  ~StagingTable();

  const db::TableName& name() const { return name_; }
  // Loading: Begin, Append batches, Finish (returns the rows stored, checked against the rows sent).
  Status Begin();
  Status Append(const RecordBatch& batch);
  Result<int64_t> Finish();
  const char* method() const { return method_; }
  // Drops the table (also attempted by the destructor).
  Status Drop();

 private:
  StagingTable(db::Connection& conn, db::TableName name, std::shared_ptr<const Schema> schema)
      : conn_(conn), name_(std::move(name)), schema_(std::move(schema)) {}

  db::Connection& conn_;
  db::TableName name_;
  std::shared_ptr<const Schema> schema_;
  std::unique_ptr<db::BulkLoader> loader_;
  const char* method_ = "";
  bool own_transaction_ = false;
  bool dropped_ = false;
};

// Drops the staging tables killed runs left for `target` (none on SQL Server: #tables).
Status DropStaleStagingTables(db::Connection& conn, const db::TableName& target);

}  // namespace icesync::load
