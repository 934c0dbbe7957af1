#include "testing/random_table.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cfloat>
#include <climits>
#include <cmath>
#include <cstring>
#include <set>

#include "core/decimal.h"
#include "core/temporal.h"
#include "db/bulk_loader.h"
#include "db/connection.h"
#include "testing/export_support.h"

namespace icesync::testing {

namespace {

// Column names every dialect must quote (reserved word, space, quote, brackets); never
// partitioned, since a partition expression names its columns bare.
const char* const kAwkwardNames[] = {"select", "with space", "quote\"d", "[bracket]", "Mixed Case"};

// Pieces of random strings: multi-byte UTF-8, emoji (one with a zero-width joiner), quotes,
// backslash, control characters, the text NULL, and what partition paths must escape.
const char* const kTextPieces[] = {"Z\xc3\xbcrich", "\xe6\x9d\xb1\xe4\xba\xac", "\xf0\x9f\x98\x80",
                                   "\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb", "it's", "\"dq\"", "back\\slash",
                                   "new\nline", "tab\t", "NULL", "null", "a/b=c%d e?&#", " ", "plain", "x"};

int64_t Micros(int64_t y, int m, int d) { return DaysFromCivil(y, m, d) * 86'400'000'000LL; }

void AppendValue(ColumnVector& c, const Value& v) {
  if (v.is_null()) return c.AppendNull();
  const Value::Storage& s = v.storage();
  if (const auto* b = std::get_if<bool>(&s)) return c.Append<uint8_t>(*b ? 1 : 0);
  if (const auto* i = std::get_if<int32_t>(&s)) return c.Append<int32_t>(*i);
  if (const auto* l = std::get_if<int64_t>(&s)) return c.Append<int64_t>(*l);
  if (const auto* f = std::get_if<float>(&s)) return c.Append<float>(*f);
  if (const auto* d = std::get_if<double>(&s)) return c.Append<double>(*d);
  if (const auto* n = std::get_if<Int128>(&s)) return c.Append<Int128>(*n);
  c.AppendBytes(std::get<std::string>(s));
}

void Check(const Status& st, const std::string& what) { ASSERT_TRUE(st.ok()) << what << ": " << st.ToString(); }

}  // namespace

RandomTable::RandomTable(uint64_t seed, Engine engine, std::string name)
    : rng_(seed), engine_(engine), name_(std::move(name)) {
  std::vector<DataType> keyable = {DataType::Int64(),  DataType::Int32(),     DataType::String(),
                                   DataType::Date(),   DataType::Uuid(),      DataType::Timestamp(),
                                   DataType::Decimal(static_cast<int>(1 + rng_() % 38), 0)};
  std::vector<DataType> others = {DataType::Boolean(),   DataType::Int32(),   DataType::Int64(),
                                  DataType::Float32(),   DataType::Float64(), DataType::Date(),
                                  DataType::Time(),      DataType::Timestamp(), DataType::TimestampTz(),
                                  DataType::String(),    DataType::Uuid(),    DataType::Binary(),
                                  DataType::Decimal(38, 0), DataType::Decimal(38, 10), DataType::Decimal(9, 2)};
  const int p = static_cast<int>(1 + rng_() % 38);
  others.push_back(DataType::Decimal(p, static_cast<int>(rng_() % (p + 1))));  // scale up to the precision
  std::vector<Field> fields;
  const size_t keys = 1 + rng_() % 3;
  std::shuffle(keyable.begin(), keyable.end(), rng_);
  for (size_t k = 0; k < keys; ++k) fields.push_back({0, fmt::format("k{}", k), keyable[k], true});
  for (size_t i = 0; i < others.size(); ++i) {
    if (rng_() % 3 == 0) continue;  // about two thirds of the types in each table
    fields.push_back({0, fmt::format("c{}_{}", i, others[i].ToString().substr(0, others[i].ToString().find('('))), others[i]});
  }
  for (const char* awkward : kAwkwardNames) {
    if (rng_() % 4 == 0) fields.push_back({0, awkward, others[rng_() % others.size()]});
  }
  fields.push_back({0, kCursor, DataType::Timestamp()});
  std::shuffle(fields.begin(), fields.end(), rng_);
  std::vector<int> key_ids;
  for (size_t i = 0; i < fields.size(); ++i) {
    fields[i].id = static_cast<int>(i + 1);
    if (fields[i].required) {
      key_columns_.push_back(i);
      key_ids.push_back(fields[i].id);
    }
    if (fields[i].name == kCursor) cursor_column_ = i;
  }
  const TypeId key_type = fields[key_columns_[0]].type.id();
  if (key_columns_.size() == 1 && (key_type == TypeId::kInt32 || key_type == TypeId::kInt64) && rng_() % 2 == 0) {
    const int64_t max = key_type == TypeId::kInt32 ? INT32_MAX : INT64_MAX;
    const int64_t starts[] = {1, -500, max - 2000, static_cast<int64_t>(rng_() % 1'000'000)};
    next_serial_ = starts[rng_() % std::size(starts)];
  }
  schema_ = std::make_shared<const Schema>(std::move(fields), 0, std::move(key_ids));
  clock_micros_ = Micros(2025, 1, 1);
}

std::string RandomTable::Describe() const {
  std::string out;
  for (const Field& f : schema_->fields()) {
    out += (out.empty() ? "" : ", ") + f.name + " " + f.type.ToString() + (f.required ? " (key)" : "");
  }
  return out;
}

std::string RandomTable::RandomPartitionBy() {
  std::vector<std::string> terms;
  for (const Field& f : schema_->fields()) {
    if (std::find(std::begin(kAwkwardNames), std::end(kAwkwardNames), f.name) != std::end(kAwkwardNames)) continue;
    const std::string& c = f.name;
    switch (f.type.id()) {
      case TypeId::kString:
        terms.push_back(c);  // identity: long strings make long directory names
        terms.push_back(fmt::format("truncate({}, {})", 1 + rng_() % 4, c));
        terms.push_back(fmt::format("bucket({}, {})", 1 + rng_() % 8, c));
        break;
      case TypeId::kInt32: case TypeId::kInt64: case TypeId::kBoolean:
        terms.push_back(c);
        if (f.type.id() != TypeId::kBoolean) terms.push_back(fmt::format("bucket({}, {})", 1 + rng_() % 8, c));
        break;
      case TypeId::kDate: case TypeId::kTimestamp: case TypeId::kTimestampTz:
        terms.push_back(fmt::format("month({})", c));
        terms.push_back(fmt::format("day({})", c));
        if (f.type.id() == TypeId::kDate) terms.push_back(c);
        break;
      case TypeId::kDecimal: case TypeId::kUuid:
        terms.push_back(fmt::format("bucket({}, {})", 1 + rng_() % 8, c));
        break;
      default:
        break;
    }
  }
  if (terms.empty() || rng_() % 3 == 0) return "";
  std::string expression = terms[rng_() % terms.size()];
  if (rng_() % 3 == 0) {
    const std::string& second = terms[rng_() % terms.size()];
    if (second.find('(') != std::string::npos && second != expression) expression += ", " + second;
  }
  return expression;
}

Value RandomTable::RandomValue(const DataType& type) {
  const uint64_t pick = rng_() % 8;  // 0 and 1: an edge of the type's range
  switch (type.id()) {
    case TypeId::kBoolean:
      return Value(type, rng_() % 2 == 0);
    case TypeId::kInt32:
      return Value(type, pick == 0 ? INT32_MIN : pick == 1 ? INT32_MAX : pick == 2 ? 0 : static_cast<int32_t>(rng_()));
    case TypeId::kInt64:
      return Value(type, pick == 0 ? INT64_MIN : pick == 1 ? INT64_MAX : pick == 2 ? int64_t{0} : static_cast<int64_t>(rng_()));
    case TypeId::kFloat32: {
      if (pick == 0) return Value(type, rng_() % 2 ? FLT_MAX : -FLT_MAX);
      if (pick == 1) return Value(type, FLT_MIN);
      float f;
      do {
        const uint32_t bits = static_cast<uint32_t>(rng_());
        std::memcpy(&f, &bits, sizeof f);
      } while (!std::isfinite(f));
      return Value(type, pick < 4 ? f : static_cast<float>(static_cast<int>(rng_() % 20001) - 10000) / 8.0f);
    }
    case TypeId::kFloat64: {
      // SQLite 3.40 converts REALs through about 16 significant digits (docs/type-mapping.md):
      // its doubles have at most 15, so each round-trips; PostgreSQL gets any finite double.
      if (engine_ == Engine::kSqlite) {
        if (pick == 0) return Value(type, rng_() % 2 ? -1.25e308 : 2.5e-308);
        const int64_t mantissa = static_cast<int64_t>(rng_() % 2'000'000'000'000ULL) - 1'000'000'000'000LL;
        return Value(type, std::stod(fmt::format("{}e{}", mantissa, static_cast<int>(rng_() % 591) - 300)));
      }
      if (pick == 0) return Value(type, rng_() % 2 ? DBL_MAX : -DBL_MAX);
      if (pick == 1) return Value(type, DBL_MIN);
      double d;
      do {
        const uint64_t bits = rng_();
        std::memcpy(&d, &bits, sizeof d);
      } while (!std::isfinite(d));
      return Value(type, pick < 4 ? d : static_cast<double>(static_cast<int64_t>(rng_() % 2001) - 1000) / 16.0);
    }
    case TypeId::kDecimal: {
      const Int128 max = MaxUnscaled(type.precision());
      if (pick == 0) return Value(type, rng_() % 2 ? max : -max);
      if (pick == 1) return Value(type, Int128{0});
      Int128 v = 0;
      const int digits = 1 + static_cast<int>(rng_() % type.precision());
      for (int d = 0; d < digits; ++d) v = v * 10 + static_cast<Int128>(rng_() % 10);
      return Value(type, rng_() % 2 ? v : -v);
    }
    case TypeId::kDate: {
      const int64_t lo = DaysFromCivil(1, 1, 1), hi = DaysFromCivil(9999, 12, 31);
      if (pick == 0) return Value(type, static_cast<int32_t>(rng_() % 2 ? lo : hi));
      // Mostly recent days, so that month and day partitions hold several rows.
      const int64_t from = pick == 1 ? lo : DaysFromCivil(2023, 1, 1);
      const int64_t span = pick == 1 ? hi - lo + 1 : 900;
      return Value(type, static_cast<int32_t>(from + static_cast<int64_t>(rng_() % span)));
    }
    case TypeId::kTime:
      return Value(type, static_cast<int64_t>(pick == 0 ? (rng_() % 2 ? 0 : 86'400'000'000ULL - 1)
                                                        : rng_() % 86'400'000'000ULL));
    case TypeId::kTimestamp: case TypeId::kTimestampTz: {
      const int64_t lo = Micros(1, 1, 1), hi = Micros(10000, 1, 1) - 1;
      if (pick == 0) return Value(type, rng_() % 2 ? lo : hi);
      const int64_t from = pick == 1 ? lo : Micros(2023, 1, 1);
      const uint64_t span = pick == 1 ? static_cast<uint64_t>(hi - lo) : 900ULL * 86'400'000'000ULL;
      return Value(type, from + static_cast<int64_t>(rng_() % span));
    }
    case TypeId::kString: {
      if (pick == 0) return Value(type, std::string());
      std::string s;
      const size_t pieces = 1 + rng_() % 4;
      for (size_t i = 0; i < pieces; ++i) s += kTextPieces[rng_() % std::size(kTextPieces)];
      if (pick == 1) {  // a long value (several hundred bytes)
        while (s.size() < 200 + rng_() % 800) s += kTextPieces[rng_() % std::size(kTextPieces)];
      }
      return Value(type, s);
    }
    case TypeId::kUuid: {
      std::string u(16, '\0');
      for (char& c : u) c = static_cast<char>(rng_());
      return Value(type, u);
    }
    case TypeId::kBinary: {
      if (pick == 0) return Value(type, std::string());
      std::string b(pick == 1 ? 1000 + rng_() % 4000 : rng_() % 33, '\0');
      for (char& c : b) c = static_cast<char>(rng_());
      return Value(type, b);
    }
    default:
      ADD_FAILURE() << "no random values of " << type.ToString();
      return Value::Null(type);
  }
}

Value RandomTable::NextStamp() {
  // Now and then the same instant as the last change, as a transaction that committed after
  // the sync that read up to it would stamp its rows.
  if (rng_() % 6 != 0) clock_micros_ += 1 + static_cast<int64_t>(rng_() % 5'000'000);
  return Value(DataType::Timestamp(), clock_micros_);
}

RandomTable::Row RandomTable::RandomRow() {
  Row row;
  for (const Field& f : schema_->fields()) {
    row.push_back(!f.required && rng_() % 7 == 0 ? Value::Null(f.type) : RandomValue(f.type));
  }
  return row;
}

std::string RandomTable::KeyOf(const Row& row) const {
  std::string key;
  for (size_t k : key_columns_) key += row[k].ToString() + '\x1f';
  return key;
}

void RandomTable::RandomFreshKey(Row& row, const std::vector<Row>& holders) {
  if (next_serial_) {  // never taken: serial numbers only grow
    const Value& key = row[key_columns_[0]];
    row[key_columns_[0]] = key.type().id() == TypeId::kInt32 ? Value(key.type(), static_cast<int32_t>(*next_serial_))
                                                             : Value(key.type(), *next_serial_);
    *next_serial_ += rng_() % 8 == 0 ? 1 + static_cast<int64_t>(rng_() % 3) : 1;
    return;
  }
  std::set<std::string> taken;
  for (const Row& r : holders) taken.insert(KeyOf(r));
  for (int attempt = 0; attempt < 1000; ++attempt) {
    for (size_t k : key_columns_) {
      row[k] = RandomValue(schema_->field(k).type);
      // Keys stay below PostgreSQL's btree limit (a third of a page) even when composite.
      while (row[k].type().id() == TypeId::kString && row[k].get<std::string>().size() > 300) {
        row[k] = RandomValue(schema_->field(k).type);
      }
    }
    if (!taken.count(KeyOf(row))) return;
  }
  ADD_FAILURE() << "no fresh key found for " << name_;
}

RecordBatch RandomTable::ToBatch(const std::shared_ptr<const Schema>& schema, const std::vector<Row>& rows) const {
  RecordBatch batch(schema);
  for (const Row& row : rows) {
    for (size_t c = 0; c < schema->num_fields(); ++c) AppendValue(batch.column(c), row[c]);
  }
  return batch;
}

RecordBatch RandomTable::Rows() const { return ToBatch(schema_, rows_); }

std::string RandomTable::ExpectedLines() const { return sync::testing::SortedCanonicalLines(Rows()); }

void RandomTable::Create(const std::string& url, int rows) {
  const Value stamp = NextStamp();
  for (int i = 0; i < rows; ++i) {
    Row row = RandomRow();
    RandomFreshKey(row, rows_);
    row[cursor_column_] = stamp;
    rows_.push_back(std::move(row));
  }
  sync::testing::CreateAndLoad(url, name_, schema_, Rows());
}

ChangeCounts RandomTable::ApplyRandomChanges(const std::string& url) {
  ChangeCounts counts;
  const Value stamp = NextStamp();
  // The model first, in the order the statements run: deletes, updates, inserts.
  std::vector<Row> deleted, updated_old, updated_new, inserted;
  std::shuffle(rows_.begin(), rows_.end(), rng_);
  const size_t deletes = std::min<size_t>(rng_() % 4, rows_.size());
  deleted.assign(rows_.end() - static_cast<std::ptrdiff_t>(deletes), rows_.end());
  rows_.resize(rows_.size() - deletes);
  // Keys the batch frees stay taken for updates (one UPDATE statement must not move a row onto
  // a key another row still holds while it runs), but an insert may take one back.
  std::vector<Row> live_and_deleted = rows_;
  live_and_deleted.insert(live_and_deleted.end(), deleted.begin(), deleted.end());
  const size_t updates = std::min<size_t>(rng_() % 6, rows_.size());
  for (size_t u = 0; u < updates; ++u) {
    Row& row = rows_[u];
    updated_old.push_back(row);
    Row next = row;
    const Row fresh = RandomRow();
    for (size_t c = 0; c < next.size(); ++c) {
      if (!schema_->field(c).required && rng_() % 2 == 0) next[c] = fresh[c];  // some columns change
    }
    if (rng_() % 4 == 0) {
      RandomFreshKey(next, live_and_deleted);  // fresh against every key the statement may meet
      live_and_deleted.push_back(next);
      ++counts.rekeyed;
    }
    next[cursor_column_] = stamp;
    updated_new.push_back(next);
    row = next;
  }
  counts.updated = static_cast<int>(updates);
  const size_t inserts = rng_() % 6;
  for (size_t i = 0; i < inserts; ++i) {
    Row row = RandomRow();
    if (!deleted.empty() && rng_() % 4 == 0) {
      for (size_t k : key_columns_) row[k] = deleted[i % deleted.size()][k];  // deleted and inserted again
      bool free = true;
      for (const Row& r : rows_) free = free && KeyOf(r) != KeyOf(row);
      if (!free) RandomFreshKey(row, rows_);
    } else {
      RandomFreshKey(row, rows_);
    }
    row[cursor_column_] = stamp;
    rows_.push_back(row);
    inserted.push_back(std::move(row));
  }
  counts.inserted = static_cast<int>(inserts);
  counts.deleted = static_cast<int>(deletes);

  // The database: staging tables bulk-loaded (every value bound), set-based statements.
  auto opened = db::Connection::Open(url);
  EXPECT_TRUE(opened.ok()) << opened.status().ToString();
  if (!opened.ok()) return counts;
  db::Connection& conn = **opened;
  const db::Dialect& d = conn.dialect();
  const db::TableName table{"", name_};
  std::vector<std::string> keys, columns;
  std::vector<Field> key_fields, update_fields = schema_->fields();
  for (const Field& f : schema_->fields()) columns.push_back(f.name);
  for (size_t k : key_columns_) {
    keys.push_back(schema_->field(k).name);
    Field old = schema_->field(k);
    old.id = static_cast<int>(update_fields.size() + 1);
    old.name = "old " + old.name;
    update_fields.push_back(old);
    key_fields.push_back(schema_->field(k));
  }
  auto load = [&](const db::TableName& into, const std::shared_ptr<const Schema>& schema, const RecordBatch& rows) {
    if (rows.num_rows() == 0) return;
    auto loader = db::BulkLoader::Open(conn, into, schema);
    ASSERT_TRUE(loader.ok()) << loader.status().ToString();
    Check((*loader)->Append(rows), "loading " + into.name);
    auto loaded = (*loader)->Finish();
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  };
  Check(conn.Begin(), "begin");
  if (!deleted.empty()) {
    const db::TableName stage{"", name_ + "_deleted"};
    auto key_schema = std::make_shared<const Schema>(key_fields, 0, std::vector<int>{});
    Check(conn.Execute(d.CreateTable(stage, *key_schema, true)), "staging deletes");
    std::vector<Row> key_rows;
    for (const Row& r : deleted) {
      Row k;
      for (size_t c : key_columns_) k.push_back(r[c]);
      key_rows.push_back(k);
    }
    load(stage, key_schema, ToBatch(key_schema, key_rows));
    Check(conn.Execute(d.DeleteFromStaging(table, stage, keys)), "delete");
    Check(conn.Execute(d.DropTable(stage)), "drop");
  }
  if (!updated_new.empty()) {
    const db::TableName stage{"", name_ + "_updated"};
    auto update_schema = std::make_shared<const Schema>(update_fields, 0, std::vector<int>{});
    Check(conn.Execute(d.CreateTable(stage, *update_schema, true)), "staging updates");
    std::vector<Row> update_rows;
    for (size_t u = 0; u < updated_new.size(); ++u) {
      Row r = updated_new[u];
      for (size_t k : key_columns_) r.push_back(updated_old[u][k]);
      update_rows.push_back(std::move(r));
    }
    load(stage, update_schema, ToBatch(update_schema, update_rows));
    // Every column set, keys included: a key-changing update is an UPDATE, as in applications.
    std::string set, where;
    for (const std::string& c : columns) set += (set.empty() ? "" : ", ") + d.QuoteIdentifier(c) + " = s." + d.QuoteIdentifier(c);
    for (const std::string& k : keys) {
      where += (where.empty() ? "" : " AND ") + std::string("t.") + d.QuoteIdentifier(k) + " = s." + d.QuoteIdentifier("old " + k);
    }
    Check(conn.Execute("UPDATE " + d.QualifiedName(table) + " AS t SET " + set + " FROM " + d.QualifiedName(stage) +
                       " AS s WHERE " + where),
          "update");
    Check(conn.Execute(d.DropTable(stage)), "drop");
  }
  load(table, schema_, ToBatch(schema_, inserted));
  Check(conn.Commit(), "commit");
  return counts;
}

}  // namespace icesync::testing
