#include "sync/detect/change_detection.h"

namespace icesync::sync {

Result<std::unique_ptr<ChangeDetection>> MakeChangeDetection(const std::string& spec, const DetectionOptions& options) {
  if (spec == "full") return MakeFullDetection();
  const size_t colon = spec.find(':');
  const std::string kind = spec.substr(0, colon);
  const std::string column = colon == std::string::npos ? "" : spec.substr(colon + 1);
  if ((kind == "timestamp" || kind == "id" || kind == "rowversion") && column.empty()) {
    return InvalidArgument("--detect {} needs its column: {}:COLUMN", kind, kind);
  }
  if (kind == "timestamp") return MakeTimestampDetection(column, options);
  if (kind == "id") return MakeIdDetection(column, options);
  if (kind == "rowversion") return MakeRowversionDetection(column);
  if (spec == "change-tracking") return MakeChangeTrackingDetection(options);
  return InvalidArgument("--detect '{}' is not one of: full, timestamp:COL, id:COL, rowversion:COL, change-tracking",
                         spec);
}

Result<size_t> FindCursorColumn(const db::SourceTable& table, const std::string& column, const char* strategy) {
  std::string names;
  for (size_t i = 0; i < table.schema->num_fields(); ++i) {
    if (table.schema->field(i).name == column) return i;
    names += (names.empty() ? "" : ", ") + table.schema->field(i).name;
  }
  return NotFound("--detect {}:{}: table {} has no column '{}' (columns: {})", strategy, column,
                  table.name.ToString(), column, names);
}

}  // namespace icesync::sync

namespace icesync::sync {

namespace {

class ConnectionChangeSource final : public ChangeSource {
 public:
  ConnectionChangeSource(const db::Connection& c, std::string isolation) : conn_(c), isolation_(std::move(isolation)) {}
  const db::Dialect& dialect() const override { return conn_.dialect(); }
  std::string isolation() const override { return isolation_; }
  Result<std::string> QueryScalar(const std::string& sql, const std::vector<std::string>& params) const override {
    ASSIGN_OR_RETURN(std::vector<db::TextRow> rows, conn_.QueryText(sql, params));
    if (rows.empty() || rows[0].empty() || !rows[0][0]) return NotFound("{} returned no value", sql);
    return *rows[0][0];
  }

 private:
  const db::Connection& conn_;
  std::string isolation_;
};

}  // namespace

std::unique_ptr<ChangeSource> ChangeSourceFor(const db::Connection& connection, std::string isolation) {
  return std::make_unique<ConnectionChangeSource>(connection, std::move(isolation));
}

}  // namespace icesync::sync
