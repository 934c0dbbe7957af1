#pragma once
// A SQL dialect owns every piece of SQL text icesync sends: identifier quoting, catalog
// queries, SELECTs with key ranges, staging-table DDL and the set-based merge statements
// (UPDATE … FROM / INSERT … WHERE NOT EXISTS / DELETE … FROM; never MERGE). Dialects are
// pure text generators, so generated SQL can be tested without a server.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/schema.h"
#include "db/table_name.h"
#include "db/type_mapping.h"

namespace icesync::db {

// A catalog query and its text parameters (bound in order).
struct CatalogQuery {
  std::string sql;
  std::vector<std::string> params;
};

// A column read by a SELECT: the quoted source expression and how to convert it.
struct SelectColumn {
  std::string name;
  ReadAs read_as = ReadAs::kNative;
  DataType type;
};

class Dialect {
 public:
  virtual ~Dialect() = default;
  virtual DialectKind kind() const = 0;
  const char* name() const { return DialectName(kind()); }

  // Quotes an identifier, doubling the closing quote inside it.
  virtual std::string QuoteIdentifier(std::string_view id) const = 0;
  // "schema"."table" (or just "table" when no schema is given).
  std::string QualifiedName(const TableName& t) const;

  // Statements run once after connecting (e.g. PostgreSQL's time zone = UTC).
  virtual std::vector<std::string> SessionSetup() const { return {}; }

  // Columns of a table in ordinal order; each row: column name, type name, character
  // length, numeric precision, numeric scale, datetime precision, nullable ("YES"/"NO").
  virtual CatalogQuery ColumnsQuery(const TableName& t) const = 0;
  // Primary-key column names of a table in key order (one row each).
  virtual CatalogQuery PrimaryKeyQuery(const TableName& t) const = 0;

  // The SQL text selecting a column so that it arrives as its mapping expects.
  virtual std::string SelectExpression(const SelectColumn& c) const;
  // SELECT cols FROM table [WHERE where] [ORDER BY order_by...].
  std::string Select(const TableName& t, const std::vector<SelectColumn>& cols, const std::string& where,
                     const std::vector<std::string>& order_by) const;
  // The same from any FROM clause text (a derived table with the columns' names).
  std::string SelectFrom(const std::string& from, const std::vector<SelectColumn>& cols, const std::string& where,
                         const std::vector<std::string>& order_by) const;
  // Predicate selecting rows whose composite key is > (lower) and/or <= (upper) a bound, with
  // `?` placeholders; `param_keys` receives, per placeholder, the index of the key column
  // whose bound it takes (expanded form: (a > ?) OR (a = ? AND b > ?), valid everywhere).
  // With `literal`, a bound it returns text for is written in place (no placeholder, no entry
  // in the param_keys); it is asked per (upper, key index) and must return only SQL literals
  // it formatted itself from typed values (never text from outside).
  std::string KeyRangePredicate(
      const std::vector<std::string>& key_columns, bool has_lower, bool has_upper, std::vector<int>* lower_param_keys,
      std::vector<int>* upper_param_keys,
      const std::function<std::optional<std::string>(bool upper, int key)>& literal = {}) const;
  std::string CountRows(const TableName& t) const;

  // Column type in DDL for a core type (staging tables and tests' fixtures).
  virtual std::string ColumnType(const DataType& type) const = 0;
  // CREATE TABLE with every column nullable: bulk paths never meet a NOT NULL fixed-width
  // column (FreeTDS asserts on those) and the merge decides what lands in the target.
  std::string CreateTable(const TableName& t, const Schema& schema, bool all_nullable) const;
  // A session-private staging table: SQL Server #name, elsewhere CREATE TEMP TABLE.
  virtual TableName StagingTableName(const std::string& base) const { return TableName{"", base}; }
  virtual std::string CreateStagingTable(const TableName& staging, const Schema& schema) const;
  std::string DropTable(const TableName& t) const;
  // The same, and no error when it is gone already (SQL Server 2016+).
  std::string DropTableIfExists(const TableName& t) const;
  // INSERT INTO t (cols) VALUES (?, …): the parameter-array load statement.
  virtual std::string Insert(const TableName& t, const Schema& schema) const;

  // Set-based merge from a staging table with the target's columns. `keys` are the key
  // column names; every statement runs inside the caller's transaction.
  // Default: UPDATE target AS t SET c = s.c … FROM staging AS s WHERE keys match
  // (PostgreSQL, SQLite 3.33+); "" for a key-only table, which has nothing to update.
  virtual std::string UpdateFromStaging(const TableName& target, const TableName& staging,
                                        const std::vector<std::string>& columns,
                                        const std::vector<std::string>& keys) const;
  std::string InsertMissingFromStaging(const TableName& target, const TableName& staging,
                                       const std::vector<std::string>& columns,
                                       const std::vector<std::string>& keys) const;
  // Deletes target rows whose key appears in `staging` (which needs only the key columns).
  virtual std::string DeleteFromStaging(const TableName& target, const TableName& staging,
                                        const std::vector<std::string>& keys) const = 0;

  // Change detection by rowversion (SQL Server): a query returning, as '0x' + 16 hex digits,
  // the lowest rowversion any open transaction may still commit (MIN_ACTIVE_ROWVERSION()):
  // every row below it is committed, so reading up to it (exclusive) misses no late commit,
  // which max(rowversion) would. "" where the DBMS has no rowversion.
  virtual std::string MinActiveRowversionQuery() const { return ""; }

  // Change detection by SQL Server Change Tracking; "" elsewhere. The min-valid-version query
  // takes the quoted table name as its one text parameter (OBJECT_ID(?)).
  virtual std::string ChangeTrackingMinValidVersionQuery() const { return ""; }
  virtual std::string ChangeTrackingCurrentVersionQuery() const { return ""; }
  // A derived table of the changes since a version (its one `?`): CHANGETABLE(CHANGES t, ?)
  // LEFT JOINed to the table on the key, the key columns from the change table (present for
  // deletes too), the others from the table (NULL for deleted rows), plus `op_column` holding
  // SYS_CHANGE_OPERATION (I, U or D).
  virtual std::string ChangeTrackingChanges(const TableName& /*t*/, const std::vector<std::string>& /*columns*/,
                                            const std::vector<std::string>& /*keys*/,
                                            const std::string& /*op_column*/) const {
    return "";
  }

  // ---- Import (src/load): staging, set-based merges, SCD2 and the icesync_state table.
  // Generic forms in dialect_import.cc; T-SQL overrides in sqlserver_dialect.cc.

  // A `?` typed for the server: CAST(? AS <type>) (text parameters are varchar to the
  // driver); SQLite stores what it gets, so a bare `?`.
  virtual std::string TypedParameter(const DataType& type) const;
  // A bounded text column type for small catalog tables (SQL Server: NVARCHAR).
  virtual std::string VarcharType(int length) const { return "VARCHAR(" + std::to_string(length) + ")"; }
  // TRUE/FALSE (SQL Server's bit: 1/0).
  virtual std::string BooleanLiteral(bool value) const { return value ? "TRUE" : "FALSE"; }
  // The import staging table for `base` in `schema`: a regular table that a companion COPY
  // session can see (SQL Server: a #table, which its BCP on the same session can see).
  virtual TableName ImportStagingName(const std::string& schema, const std::string& base) const {
    return TableName{schema, base};
  }
  // CREATE [UNLOGGED] TABLE for the import staging table, every column nullable.
  virtual std::string CreateImportStaging(const TableName& staging, const Schema& schema) const {
    return CreateTable(staging, schema, /*all_nullable=*/true);
  }
  // Names of tables in `schema` (empty: the default) whose name starts with `prefix`: import
  // staging tables left by killed runs. Empty sql where staging tables die with the session.
  virtual CatalogQuery TablesLikeQuery(const std::string& /*schema*/, const std::string& /*prefix*/) const { return {}; }

  // Refreshes the planner's statistics of a just-filled staging table ("" where not needed):
  // without them PostgreSQL may hash-join the whole target instead of probing its key index.
  virtual std::string AnalyzeTable(const TableName& /*t*/) const { return ""; }
  // INSERT INTO target (cols) SELECT cols FROM staging.
  std::string InsertFromStaging(const TableName& target, const TableName& staging,
                                const std::vector<std::string>& columns) const;
  // UPDATE target (alias t) SET `set` [WHERE `where`]; `set` names columns unqualified.
  virtual std::string UpdateWhere(const TableName& target, const std::string& set, const std::string& where) const;
  // UPDATE target (alias t) SET `set` joined to staging (alias s) on the keys [AND `where`].
  virtual std::string UpdateJoin(const TableName& target, const TableName& staging, const std::string& set,
                                 const std::vector<std::string>& keys, const std::string& where) const;
  // DELETE FROM target (alias t) [WHERE `where`].
  virtual std::string DeleteWhere(const TableName& target, const std::string& where) const;
  // Deletes target rows whose key is not in staging (a full read of a snapshot, upsert).
  std::string DeleteMissingFromStaging(const TableName& target, const TableName& staging,
                                       const std::vector<std::string>& keys) const;
  // COUNT of key values held by more than one staged row / of staged rows with a NULL key.
  std::string CountDuplicateKeys(const TableName& staging, const std::vector<std::string>& keys) const;
  std::string CountNullKeys(const TableName& staging, const std::vector<std::string>& keys) const;
  // COUNT of staged rows whose key the target already holds (target rows matching
  // `target_where`, e.g. the current SCD2 versions) and `deleted` (a key-only staging table;
  // nullptr: none) does not delete: an incremental change whose snapshot then holds the key twice.
  std::string CountKeysStillLive(const TableName& target, const TableName& staging, const TableName* deleted,
                                 const std::vector<std::string>& keys, const std::string& target_where) const;

  // SCD2 (columns valid_from, valid_to, is_current in the target; the staging table holds the
  // data columns and `changed_at`, the commit time of the snapshot that carried the row):
  struct Scd2Columns {
    std::string valid_from, valid_to, is_current, changed_at;
  };
  // Closes the current version of staged keys whose values differ from the staged row.
  std::string Scd2CloseChanged(const TableName& target, const TableName& staging, const std::vector<std::string>& columns,
                               const std::vector<std::string>& keys, const Scd2Columns& scd) const;
  // Inserts staged rows whose key has no current version as the current version.
  std::string Scd2InsertCurrent(const TableName& target, const TableName& staging,
                                const std::vector<std::string>& columns, const std::vector<std::string>& keys,
                                const Scd2Columns& scd) const;
  // Closes the current version of keys in a key-only staging table (deleted in Iceberg).
  std::string Scd2CloseDeleted(const TableName& target, const TableName& staging, const std::vector<std::string>& keys,
                               const Scd2Columns& scd) const;
  // Closes current versions whose key is not staged (full read), at the bound time (one `?`).
  std::string Scd2CloseMissing(const TableName& target, const TableName& staging, const std::vector<std::string>& keys,
                               const Scd2Columns& scd) const;

  // The icesync_state table: one row per target table, the Iceberg snapshot it holds.
  std::string CreateImportState(const TableName& state) const;
  // Row: table_uuid, table_location, snapshot_id, sequence_number, strategy; one `?`: target.
  std::string SelectImportState(const TableName& state) const;
  // One `?`: target table.
  std::string DeleteImportState(const TableName& state) const;
  // `?` in order: target_table, table_uuid, table_location, snapshot_id, sequence_number,
  // snapshot_time, strategy, applied_at.
  std::string InsertImportState(const TableName& state) const;
  // The snapshot id the state holds for the target, -1 without a row; one `?`: target.
  std::string SelectImportSnapshot(const TableName& state) const;
  // Serialises imports into one target: the first statement of the transaction that applies
  // an import, one `?` (the target); it waits while another import of that target holds its
  // transaction open. Generic: a no-op UPDATE of the state row (SQLite takes the database
  // write lock even when no row matches). PostgreSQL: a transaction-scoped advisory lock on
  // the target's name (a SELECT, to be fetched), which holds before the first state row exists.
  virtual std::string LockImportTarget(const TableName& state) const;

  // Whether date/time/timestamp values travel as ISO text (SQLite stores them as text) rather
  // than ODBC date/time structs.
  virtual bool temporal_as_text() const { return false; }
  // Whether the extractor reads date/timestamp columns as their ISO text. True where parsing
  // the text ourselves is cheaper than the driver's conversion into structs (psqlODBC parses
  // every timestamp with sscanf, a sixth of an extract's client CPU).
  virtual bool reads_temporal_as_text() const { return temporal_as_text(); }
  // Whether float/double values travel as text with every digit (sqliteodbc converts REALs
  // through 15-digit text, which loses doubles).
  virtual bool floats_as_text() const { return false; }
  // Whether the driver honours per-row lengths of binary parameters in parameter arrays
  // (sqliteodbc 0.9998 does not: loads with binary columns then run row by row).
  virtual bool binary_parameter_arrays() const { return true; }
  // True when the driver reads a statement with bound parameters whole into memory before the
  // first row (sqliteodbc steps only parameterless statements): extracts then write the key
  // bounds they computed themselves (integers) as literals, so a --parallel range streams.
  virtual bool parameters_defeat_streaming() const { return false; }

 protected:
  // The INFORMATION_SCHEMA forms of ColumnsQuery/PrimaryKeyQuery (SQL Server, PostgreSQL);
  // `current_schema` is the SQL function naming the user's default schema, used when the
  // table name has none. Upper-case names suit both: PostgreSQL folds them to lower case.
  CatalogQuery InformationSchemaColumns(const TableName& t, const char* current_schema) const;
  CatalogQuery InformationSchemaPrimaryKey(const TableName& t, const char* current_schema) const;
  // "<prefix>c1 = s.c1, <prefix>c2 = s.c2" over the non-key columns.
  std::string SetFromStaging(const std::vector<std::string>& columns, const std::vector<std::string>& keys,
                             const std::string& target_prefix) const;
  // "t.k1 = s.k1 AND t.k2 = s.k2".
  std::string KeyJoin(const std::string& target_alias, const std::string& staging_alias,
                      const std::vector<std::string>& keys) const;
  std::string ColumnList(const std::vector<std::string>& columns, const std::string& alias = "") const;
};

// The dialect of a DBMS by its SQL_DBMS_NAME ("Microsoft SQL Server", "PostgreSQL", "SQLite").
Result<std::unique_ptr<Dialect>> DialectForDbms(const std::string& dbms_name);
std::unique_ptr<Dialect> MakeDialect(DialectKind kind);

}  // namespace icesync::db
