#pragma once
// Shared fixtures of the db tests: a table holding every mapped type with NULLs and extreme
// values, loaded through BulkLoader and read back through Extractor on a real database.
#include <gtest/gtest.h>

#include <cfloat>
#include <climits>
#include <string>
#include <vector>

#include "core/canonical_json.h"
#include "core/decimal.h"
#include "core/temporal.h"
#include "db/bulk_loader.h"
#include "db/extractor.h"
#include "db/table_schema.h"

namespace icesync::db::testing {

inline std::shared_ptr<const Schema> AllTypesSchema() {
  std::vector<Field> f = {
      {1, "id", DataType::Int64(), true},
      {2, "flag", DataType::Boolean()},
      {3, "i32", DataType::Int32()},
      {4, "i64", DataType::Int64()},
      {5, "f32", DataType::Float32()},
      {6, "f64", DataType::Float64()},
      {7, "dec38_0", DataType::Decimal(38, 0)},
      {8, "dec38_10", DataType::Decimal(38, 10)},
      {9, "dec9_2", DataType::Decimal(9, 2)},
      {10, "day", DataType::Date()},
      {11, "clock", DataType::Time()},
      {12, "ts", DataType::Timestamp()},
      {13, "tstz", DataType::TimestampTz()},
      {14, "txt", DataType::String()},
      {15, "guid", DataType::Uuid()},
      {16, "blob", DataType::Binary()},
  };
  return std::make_shared<Schema>(std::move(f), 0, std::vector<int>{1});
}

inline int64_t Micros(const std::string& ts) { return *ParseTimestampMicros(ts); }

// Four rows: minimum extremes, maximum extremes, all NULL, ordinary values.
// `exact_extreme_doubles`: SQLite 3.40 converts reals to and from text with ~16 significant
// digits, so the largest/smallest doubles come back one ulp off; its round trip uses doubles
// with fewer digits (documented in docs/type-mapping.md).
inline RecordBatch AllTypesRows(const std::shared_ptr<const Schema>& schema, bool exact_extreme_doubles = true) {
  RecordBatch b(schema);
  const Int128 max38 = MaxUnscaled(38);
  std::string mib(1 << 20, '\0');
  for (size_t i = 0; i < mib.size(); ++i) mib[i] = static_cast<char>(i * 131 + 7);
  const std::string uuid1 = *UuidFromText("00000000-0000-0000-0000-000000000000");
  const std::string uuid2 = *UuidFromText("ffffffff-ffff-ffff-ffff-ffffffffffff");
  const std::string uuid3 = *UuidFromText("123e4567-e89b-12d3-a456-426614174000");
  auto& c = b.columns();
  // row 0: minimums
  c[0].Append<int64_t>(1);
  c[1].Append<uint8_t>(0);
  c[2].Append<int32_t>(INT32_MIN);
  c[3].Append<int64_t>(INT64_MIN);
  c[4].Append<float>(-1.5f);
  c[5].Append<double>(exact_extreme_doubles ? -1.7976931348623157e308 : -1.25e308);
  c[6].Append<Int128>(-max38);
  c[7].Append<Int128>(-max38);
  c[8].Append<Int128>(-MaxUnscaled(9));
  c[9].Append<int32_t>(static_cast<int32_t>(DaysFromCivil(1, 1, 1)));
  c[10].Append<int64_t>(0);
  c[11].Append<int64_t>(Micros("0001-01-01T00:00:00.000001"));
  c[12].Append<int64_t>(Micros("1970-01-01T00:00:00"));
  c[13].AppendBytes("h\xc3\xa9llo \xf0\x9f\x8e\x89 \xe6\x97\xa5\xe6\x9c\xac 'quoted' \"dq\" \\ back\nnewline");
  c[14].AppendBytes(uuid1);
  c[15].AppendBytes(mib);
  // row 1: maximums; empty string and empty binary (not NULL)
  c[0].Append<int64_t>(2);
  c[1].Append<uint8_t>(1);
  c[2].Append<int32_t>(INT32_MAX);
  c[3].Append<int64_t>(INT64_MAX);
  c[4].Append<float>(3.25f);
  c[5].Append<double>(exact_extreme_doubles ? 2.2250738585072014e-308 : 2.5e-308);
  c[6].Append<Int128>(max38);
  c[7].Append<Int128>(max38);
  c[8].Append<Int128>(MaxUnscaled(9));
  c[9].Append<int32_t>(static_cast<int32_t>(DaysFromCivil(9999, 12, 31)));
  c[10].Append<int64_t>(86'400'000'000LL - 1);
  c[11].Append<int64_t>(Micros("9999-12-31T23:59:59.999999"));
  c[12].Append<int64_t>(Micros("2024-02-29T12:34:56.789012+00:00"));
  c[13].AppendBytes("");
  c[14].AppendBytes(uuid2);
  c[15].AppendBytes("");
  // row 2: NULL everywhere but the key
  c[0].Append<int64_t>(3);
  for (size_t i = 1; i < c.size(); ++i) c[i].AppendNull();
  // row 3: ordinary values
  c[0].Append<int64_t>(4);
  c[1].Append<uint8_t>(1);
  c[2].Append<int32_t>(42);
  c[3].Append<int64_t>(1234567890123LL);
  c[4].Append<float>(0.5f);
  c[5].Append<double>(0.1);
  c[6].Append<Int128>(*ParseDecimal("100000000000000000000", 38, 0));
  c[7].Append<Int128>(*ParseDecimal("-0.0000000001", 38, 10));
  c[8].Append<Int128>(*ParseDecimal("1.50", 9, 2));
  c[9].Append<int32_t>(static_cast<int32_t>(DaysFromCivil(2024, 2, 29)));
  c[10].Append<int64_t>(*ParseTimeMicros("12:34:56.123456"));
  c[11].Append<int64_t>(Micros("1969-12-31T23:59:59.999999"));
  c[12].Append<int64_t>(Micros("2000-01-01T00:00:00.5+00:00"));
  c[13].AppendBytes("plain");
  c[14].AppendBytes(uuid3);
  c[15].AppendBytes(std::string("\x00\x01\xff", 3));
  return b;
}

// Every remaining batch of `reader` appended into one batch.
inline RecordBatch ReadAll(BatchReader& reader) {
  RecordBatch all(reader.schema());
  RecordBatch batch;
  while (true) {
    auto more = reader.Next(&batch);
    EXPECT_TRUE(more.ok()) << more.status().ToString();
    if (!more.ok() || !*more) break;
    for (int64_t r = 0; r < batch.num_rows(); ++r) {
      for (size_t c = 0; c < batch.num_columns(); ++c) {
        const ColumnVector& col = batch.column(c);
        ColumnVector& out = all.column(c);
        if (col.IsNull(r)) {
          out.AppendNull();
        } else if (col.type().is_variable_length() || col.type().id() == TypeId::kUuid ||
                   col.type().id() == TypeId::kFixed) {
          out.AppendBytes(col.GetBytes(r));
        } else {
          int w = col.type().fixed_width();
          std::string bytes(reinterpret_cast<const char*>(col.data().data()) + r * w, static_cast<size_t>(w));
          out.mutable_data().insert(out.mutable_data().end(), bytes.begin(), bytes.end());
          if (out.has_nulls()) out.mutable_validity().push_back(1);
          out.SetSize(out.size() + 1);
        }
      }
    }
  }
  return all;
}

// Extracts the whole table (ordered by key) into one batch through ODBC.
inline RecordBatch ExtractAll(const Connection& conn, const SourceTable& table, ExtractOptions options = {}) {
  options.order_by_key = !table.key_columns.empty();
  auto ex = Extractor::Open(conn, table, options);
  EXPECT_TRUE(ex.ok()) << ex.status().ToString();
  if (!ex.ok()) return RecordBatch(table.schema);
  return ReadAll(**ex);
}

inline void ExpectSameRows(const RecordBatch& expected, const RecordBatch& actual) {
  ASSERT_EQ(expected.num_rows(), actual.num_rows());
  for (int64_t r = 0; r < expected.num_rows(); ++r) {
    std::string e = CanonicalRow(expected, r), a = CanonicalRow(actual, r);
    if (e != a) {
      for (size_t c = 0; c < expected.num_columns(); ++c) {
        std::string ev, av;
        AppendCanonicalValue(ev, expected.column(c), r);
        AppendCanonicalValue(av, actual.column(c), r);
        EXPECT_EQ(ev.substr(0, 200), av.substr(0, 200)) << "row " << r << " column " << expected.schema()->field(c).name;
      }
    }
  }
}

// One row whose column names need quoting in every dialect: a reserved word, a space, a
// quote, brackets, and `last_name` (a reserved word in some letter case).
inline RecordBatch AwkwardIdentifierRow(const std::string& last_name, std::vector<int> key_ids) {
  std::vector<Field> f = {{1, "select", DataType::Int64(), true},
                          {2, "with space", DataType::String()},
                          {3, "quote\"d", DataType::Int32()},
                          {4, "[bracket]", DataType::Boolean()},
                          {5, last_name, DataType::Float64()}};
  RecordBatch rows(std::make_shared<Schema>(f, 0, std::move(key_ids)));
  rows.column(0).Append<int64_t>(7);
  rows.column(1).AppendBytes("x");
  rows.column(2).Append<int32_t>(-3);
  rows.column(3).Append<uint8_t>(1);
  rows.column(4).Append<double>(2.5);
  return rows;
}

// `n` rows of ten mixed columns (long key, int, decimal(12,2), double, timestamp, date,
// string, uuid, boolean, binary) with NULLs, quotes, backslashes, braces, commas, the text
// "NULL", empty values, non-ASCII text, uuids and binary in every position.
inline RecordBatch ManyMixedRows(int64_t n) {
  std::vector<Field> f = {{1, "id", DataType::Int64(), true},   {2, "qty", DataType::Int32()},
                          {3, "amount", DataType::Decimal(12, 2)}, {4, "price", DataType::Float64()},
                          {5, "at", DataType::Timestamp()},       {6, "day", DataType::Date()},
                          {7, "name", DataType::String()},        {8, "u", DataType::Uuid()},
                          {9, "ok", DataType::Boolean()},         {10, "raw", DataType::Binary()}};
  RecordBatch rows(std::make_shared<Schema>(f, 0, std::vector<int>{1}));
  for (int64_t i = 0; i < n; ++i) {
    auto& c = rows.columns();
    c[0].Append<int64_t>(i * 7 - 1000);
    if (i % 5 == 0) c[1].AppendNull(); else c[1].Append<int32_t>(static_cast<int32_t>(i * 31 - 500));
    if (i % 9 == 0) c[2].AppendNull(); else c[2].Append<Int128>(static_cast<Int128>(i * 1234567 - 99999));
    c[3].Append<double>(static_cast<double>(i) / 3.0 - 11.0);
    if (i % 4 == 0) c[4].AppendNull(); else c[4].Append<int64_t>(1'700'000'000'000'000LL + i * 1'000'003);
    c[5].Append<int32_t>(static_cast<int32_t>(19000 + i % 400 - 200));
    if (i % 6 == 0) c[6].AppendNull();
    else if (i % 13 == 0) c[6].AppendBytes("NULL");  // the string, not a null
    else if (i % 17 == 0) c[6].AppendBytes("");
    else c[6].AppendBytes("it's \"n\" {a,b} \\ NULL " + std::to_string(i) + " \u00e9\u6f22");
    std::string uuid(16, '\0');
    for (int b = 0; b < 16; ++b) uuid[static_cast<size_t>(b)] = static_cast<char>((i * 37 + b * 11) & 0xff);
    if (i % 7 == 0) c[7].AppendNull(); else c[7].AppendBytes(uuid);
    c[8].Append<uint8_t>(i % 3 == 0);
    if (i % 8 == 0) c[9].AppendNull(); else c[9].AppendBytes(std::string("\x00\xff", 2) + std::to_string(i));
  }
  return rows;
}

// How RoundTrip loads: in one transaction (the default), or with the connection in
// autocommit (PostgreSQL then loads through COPY on a companion session).
enum class LoadIn { kTransaction, kAutocommit };

// Creates `name` with the dialect's DDL for `schema`, loads `rows` (expecting the loader
// `method` when given), discovers the table and extracts it again; expects the same schema
// types and rows.
inline void RoundTrip(Connection& conn, const TableName& name, const std::shared_ptr<const Schema>& schema,
                      const RecordBatch& rows, LoadIn load_in = LoadIn::kTransaction,
                      const std::string& method = "") {
  ASSERT_TRUE(conn.Execute(conn.dialect().CreateTable(name, *schema, false)).ok());
  if (load_in == LoadIn::kTransaction) {
    ASSERT_TRUE(conn.Begin().ok());
  }
  auto loader = BulkLoader::Open(conn, name, schema);
  ASSERT_TRUE(loader.ok()) << loader.status().ToString();
  if (!method.empty()) {
    EXPECT_EQ((*loader)->method(), method);
  }
  ASSERT_TRUE((*loader)->Append(rows).ok());
  auto loaded = (*loader)->Finish();
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(*loaded, rows.num_rows());
  if (load_in == LoadIn::kTransaction) {
    ASSERT_TRUE(conn.Commit().ok());
  }

  auto table = DiscoverTable(conn, name);
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  ASSERT_EQ(table->schema->num_fields(), schema->num_fields());
  for (size_t i = 0; i < schema->num_fields(); ++i) {
    EXPECT_EQ(table->schema->field(i).name, schema->field(i).name);
    EXPECT_EQ(table->schema->field(i).type.ToString(), schema->field(i).type.ToString()) << schema->field(i).name;
    EXPECT_EQ(table->schema->field(i).id, static_cast<int>(i + 1));
  }
  EXPECT_EQ(table->schema->identifier_field_ids(), schema->identifier_field_ids());
  RecordBatch back = ExtractAll(conn, *table);
  ExpectSameRows(rows, back);
}

}  // namespace icesync::db::testing
