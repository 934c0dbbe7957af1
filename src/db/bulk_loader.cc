#include "db/bulk_loader.h"

namespace icesync::db {

Result<std::unique_ptr<BulkLoader>> BulkLoader::Open(Connection& conn, const TableName& target,
                                                     std::shared_ptr<const Schema> schema, LoadOptions options) {
  std::unique_ptr<BulkLoader> loader;
  if (options.use_bulk_copy && conn.dialect().kind() == DialectKind::kSqlServer && conn.bulk_copy_enabled()) {
    ASSIGN_OR_RETURN(loader, OpenBcpLoader(conn, target, schema, options));
  }
  if (!loader && options.use_pg_copy && conn.dialect().kind() == DialectKind::kPostgres) {
    ASSIGN_OR_RETURN(loader, OpenPgCopyLoader(conn, target, schema, options));
  }
  if (!loader && conn.dialect().kind() == DialectKind::kPostgres) {
    ASSIGN_OR_RETURN(loader, OpenUnnestLoader(conn, target, schema, options));
  }
  if (!loader) {
    ASSIGN_OR_RETURN(loader, OpenArrayLoader(conn, target, schema, options));
  }
  if (options.verify_row_count) {
    auto before = conn.QueryInt64(conn.dialect().CountRows(target));
    if (!before.ok()) return before.status().WithContext("loading into " + target.ToString());
    loader->rows_before_ = *before;
  }
  return loader;
}

Status BulkLoader::CheckBatch(const RecordBatch& batch) const {
  if (batch.num_columns() != schema_->num_fields()) {
    return InvalidArgument("loading into {}: a batch has {} columns, the load schema {}", target_.ToString(),
                           batch.num_columns(), schema_->num_fields());
  }
  for (size_t i = 0; i < batch.num_columns(); ++i) {
    if (!(batch.column(i).type() == schema_->field(i).type)) {
      return InvalidArgument("loading into {}: column {} has type {} in the batch, {} in the load schema",
                             target_.ToString(), schema_->field(i).name, batch.column(i).type().ToString(),
                             schema_->field(i).type.ToString());
    }
  }
  return Status::OK();
}

Result<int64_t> BulkLoader::Finish() {
  RETURN_IF_ERROR(Flush());
  if (options_.verify_row_count) {
    ASSIGN_OR_RETURN(int64_t after, conn_.QueryInt64(conn_.dialect().CountRows(target_)));
    if (after - rows_before_ != rows_sent_) {
      return DatabaseError(
          "loading into {} with {}: {} rows were sent but the table holds {} more rows than before; the "
          "driver reported success without storing every row (check triggers, constraints and the driver)",
          target_.ToString(), method_, rows_sent_, after - rows_before_);
    }
  }
  return rows_sent_;
}

}  // namespace icesync::db
