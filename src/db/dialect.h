#pragma once
// A SQL dialect owns every piece of SQL text icesync sends: identifier quoting, catalog
// queries, SELECTs with key ranges, staging-table DDL and the set-based merge statements
// (UPDATE … FROM / INSERT … WHERE NOT EXISTS / DELETE … FROM; never MERGE). Dialects are
// pure text generators, so generated SQL can be tested without a server.
#include <memory>
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
  std::string KeyRangePredicate(const std::vector<std::string>& key_columns, bool has_lower, bool has_upper,
                                std::vector<int>* lower_param_keys, std::vector<int>* upper_param_keys) const;
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
