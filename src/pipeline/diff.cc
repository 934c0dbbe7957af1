#include "pipeline/diff.h"

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "core/canonical_json.h"
#include "core/decimal.h"
#include "db/connection.h"
#include "db/extractor.h"
#include "db/table_schema.h"
#include "iceberg/filesystem_catalog.h"
#include "iceberg/scan_planner.h"
#include "iceberg/table_reader.h"

namespace icesync::pipeline {
namespace {

using BatchSink = std::function<Status(const RecordBatch&)>;

// One table being compared: a database table or an Iceberg snapshot, read whole, in any order.
class Side {
 public:
  explicit Side(std::string name) : name_(std::move(name)) {}
  virtual ~Side() = default;
  const std::string& name() const { return name_; }
  virtual const Schema& schema() const = 0;
  virtual Status Scan(const BatchSink& sink) = 0;

 private:
  std::string name_;
};

class DatabaseSide final : public Side {
 public:
  static Result<std::unique_ptr<DatabaseSide>> Open(std::string name, const std::string& url, const std::string& table,
                                                    int64_t batch_rows) {
    ASSIGN_OR_RETURN(std::unique_ptr<db::Connection> conn, db::Connection::Open(url));
    ASSIGN_OR_RETURN(db::SourceTable t, db::DiscoverTable(*conn, table));
    return std::unique_ptr<DatabaseSide>(new DatabaseSide(std::move(name), std::move(conn), std::move(t), batch_rows));
  }
  const Schema& schema() const override { return *table_.schema; }
  const std::vector<std::string>& key_columns() const { return table_.key_columns; }
  Status Scan(const BatchSink& sink) override {
    db::ExtractOptions options;
    options.batch_rows = batch_rows_;
    ASSIGN_OR_RETURN(std::unique_ptr<db::Extractor> extractor, db::Extractor::Open(*conn_, table_, options));
    RecordBatch batch;
    while (true) {
      ASSIGN_OR_RETURN(bool more, extractor->Next(&batch));
      if (!more) return Status::OK();
      RETURN_IF_ERROR(sink(batch));
    }
  }

 private:
  DatabaseSide(std::string name, std::unique_ptr<db::Connection> conn, db::SourceTable table, int64_t batch_rows)
      : Side(std::move(name)), conn_(std::move(conn)), table_(std::move(table)), batch_rows_(batch_rows) {}
  std::unique_ptr<db::Connection> conn_;
  db::SourceTable table_;
  int64_t batch_rows_;
};

class IcebergSide final : public Side {
 public:
  static Result<std::unique_ptr<IcebergSide>> Open(const std::string& warehouse, const iceberg::Catalog* catalog,
                                                   const std::string& table,
                                                   std::optional<iceberg::SnapshotId> snapshot_id) {
    ASSIGN_OR_RETURN(iceberg::Table t, iceberg::LoadTableArgument(warehouse, table, catalog));
    iceberg::ScanOptions options;
    options.snapshot_id = snapshot_id;
    ASSIGN_OR_RETURN(iceberg::ScanPlan plan, iceberg::PlanScan(t, options));
    return std::unique_ptr<IcebergSide>(new IcebergSide(std::move(t), std::move(plan)));
  }
  const Schema& schema() const override { return plan_.schema; }
  const iceberg::ScanPlan& plan() const { return plan_; }
  Status Scan(const BatchSink& sink) override {
    iceberg::TableReader reader(table_, plan_, /*allow_moved_paths=*/false);
    return reader.Read([&](const RecordBatch& batch) -> Result<bool> {
      RETURN_IF_ERROR(sink(batch));
      return true;
    });
  }

 private:
  IcebergSide(iceberg::Table table, iceberg::ScanPlan plan)
      : Side("iceberg"), table_(std::move(table)), plan_(std::move(plan)) {}
  iceberg::Table table_;
  iceberg::ScanPlan plan_;
};

// splitmix64's finaliser: spreads a hash over all bits before it is summed or bucketed.
uint64_t Mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t Hash(std::string_view s) { return Mix(std::hash<std::string_view>{}(s)); }

// A row in the form sides are compared in: its key (JSON object text) and the comparable
// values of the compared columns, in column order.
struct Row {
  std::string key;
  std::vector<std::string> values;
};

// Where a side's compared columns and key columns sit in its batches.
struct Layout {
  std::vector<size_t> columns;  // per compared column
  std::vector<size_t> keys;     // per key column
};

struct BucketDigest {
  int64_t count = 0;
  uint64_t sum = 0;
  bool operator==(const BucketDigest&) const = default;
};

class Differ {
 public:
  Differ(const DiffOptions& options, std::vector<Side*> sides) : options_(options), sides_(std::move(sides)) {}

  Result<DiffResult> Run() {
    RETURN_IF_ERROR(MatchColumns());
    result_.buckets = options_.buckets;
    // Pass 1: per side, per bucket, count and hash sum.
    std::vector<std::vector<BucketDigest>> digests(sides_.size());
    std::vector<int64_t> rows(sides_.size(), 0);
    for (size_t s = 0; s < sides_.size(); ++s) {
      digests[s].assign(static_cast<size_t>(options_.buckets), {});
      RETURN_IF_ERROR(ForEachRow(s, [&](Row& row, uint64_t key_hash) {
        BucketDigest& d = digests[s][key_hash % static_cast<uint64_t>(options_.buckets)];
        ++d.count;
        d.sum += Mix(key_hash ^ RowHash(row));
        ++rows[s];
      }));
    }
    result_.source_rows = rows[0];
    result_.iceberg_rows = rows[1];
    if (sides_.size() > 2) result_.target_rows = rows[2];

    // Buckets that differ between a compared pair (source/iceberg, iceberg/target).
    std::vector<size_t> differing;
    std::vector<int64_t> bucket_rows;
    for (size_t b = 0; b < static_cast<size_t>(options_.buckets); ++b) {
      bool differs = false;
      int64_t most = 0;
      for (size_t s = 0; s < sides_.size(); ++s) {
        most = std::max(most, digests[s][b].count);
        if (s > 0 && !(digests[s][b] == digests[s - 1][b])) differs = true;
      }
      if (differs) {
        differing.push_back(b);
        bucket_rows.push_back(most);
      }
    }
    result_.buckets_compared = static_cast<int>(differing.size());

    // Pass 2: groups of differing buckets, each group's rows held on every side at once.
    for (size_t begin = 0; begin < differing.size();) {
      size_t end = begin;
      int64_t held = 0;
      while (end < differing.size() && (end == begin || held + bucket_rows[end] <= options_.max_rows_in_memory)) {
        held += bucket_rows[end++];
      }
      RETURN_IF_ERROR(CompareBuckets(std::set<size_t>(differing.begin() + static_cast<ptrdiff_t>(begin),
                                                      differing.begin() + static_cast<ptrdiff_t>(end))));
      ++result_.passes;
      begin = end;
    }
    for (auto* list : {&result_.missing, &result_.extra, &result_.different, &result_.duplicates}) {
      std::sort(list->begin(), list->end(), [](const RowDifference& a, const RowDifference& b) {
        return std::tie(a.left, a.right, a.key) < std::tie(b.left, b.right, b.key);
      });
    }
    result_.equal = result_.unmatched_columns.empty() && result_.missing.empty() && result_.extra.empty() &&
                    result_.different.empty() && result_.duplicates.empty();
    return std::move(result_);
  }

 private:
  // Compared columns: those of the first side that every side has, matched by name.
  Status MatchColumns() {
    const Schema& first = sides_[0]->schema();
    for (const Field& f : first.fields()) {
      bool everywhere = true;
      for (Side* side : sides_) everywhere &= FieldIndex(side->schema(), f.name).has_value();
      if (everywhere) result_.columns.push_back(f.name);
    }
    for (Side* side : sides_) {
      for (const Field& f : side->schema().fields()) {
        if (std::find(result_.columns.begin(), result_.columns.end(), f.name) == result_.columns.end()) {
          result_.unmatched_columns.push_back(side->name() + "." + f.name);
        }
      }
    }
    for (const std::string& k : options_.key) {
      if (std::find(result_.columns.begin(), result_.columns.end(), k) == result_.columns.end()) {
        std::vector<std::string> where;
        for (Side* side : sides_) {
          if (FieldIndex(side->schema(), k)) where.push_back(side->name());
        }
        return InvalidArgument("key column {} is not a column of {}; --key takes columns every side has ({})", k,
                               where.empty() ? "any side" : "every side (only of " + fmt::format("{}", fmt::join(where, ", ")) + ")",
                               fmt::format("{}", fmt::join(result_.columns, ", ")));
      }
    }
    result_.key_columns = options_.key;
    for (Side* side : sides_) {
      Layout layout;
      for (const std::string& c : result_.columns) layout.columns.push_back(*FieldIndex(side->schema(), c));
      for (const std::string& k : options_.key) layout.keys.push_back(*FieldIndex(side->schema(), k));
      layouts_.push_back(std::move(layout));
    }
    return Status::OK();
  }

  static std::optional<size_t> FieldIndex(const Schema& schema, const std::string& name) {
    for (size_t i = 0; i < schema.num_fields(); ++i) {
      if (schema.field(i).name == name) return i;
    }
    return std::nullopt;
  }

  static uint64_t RowHash(const Row& row) {
    uint64_t h = 0;
    for (const std::string& v : row.values) h = Mix(h ^ Hash(v)) + v.size();
    return h;
  }

  // Calls `fn(row, key hash)` for every row of side `s`.
  Status ForEachRow(size_t s, const std::function<void(Row&, uint64_t)>& fn) {
    const Layout& layout = layouts_[s];
    Row row;
    Status st = sides_[s]->Scan([&](const RecordBatch& batch) -> Status {
      for (int64_t r = 0; r < batch.num_rows(); ++r) {
        row.values.resize(layout.columns.size());
        for (size_t c = 0; c < layout.columns.size(); ++c) {
          row.values[c] = ComparableValue(batch.column(layout.columns[c]), r);
        }
        row.key = "{";
        for (size_t k = 0; k < layout.keys.size(); ++k) {
          if (k) row.key += ',';
          AppendJsonString(row.key, options_.key[k]);
          row.key += ':';
          row.key += ComparableValue(batch.column(layout.keys[k]), r);
        }
        row.key += '}';
        fn(row, Hash(row.key));
      }
      return Status::OK();
    });
    return st.WithContext("reading " + sides_[s]->name());
  }

  // Reads the rows of `buckets` on every side and records how each compared pair differs.
  Status CompareBuckets(const std::set<size_t>& buckets) {
    std::vector<std::unordered_map<std::string, std::vector<std::string>>> held(sides_.size());
    for (size_t s = 0; s < sides_.size(); ++s) {
      RETURN_IF_ERROR(ForEachRow(s, [&](Row& row, uint64_t key_hash) {
        if (!buckets.count(key_hash % static_cast<uint64_t>(options_.buckets))) return;
        auto [it, inserted] = held[s].try_emplace(row.key, row.values);
        if (!inserted) result_.duplicates.push_back(RowDifference{sides_[s]->name(), "", row.key, "", "", ""});
      }));
    }
    for (size_t s = 1; s < sides_.size(); ++s) ComparePair(*sides_[s - 1], held[s - 1], *sides_[s], held[s]);
    return Status::OK();
  }

  void ComparePair(const Side& left, const std::unordered_map<std::string, std::vector<std::string>>& l,
                   const Side& right, const std::unordered_map<std::string, std::vector<std::string>>& r) {
    auto cut = [](const std::string& v) { return v.size() > 200 ? v.substr(0, 200) + "..." : v; };
    for (const auto& [key, values] : l) {
      auto it = r.find(key);
      if (it == r.end()) {
        result_.missing.push_back(RowDifference{left.name(), right.name(), key, "", "", ""});
        continue;
      }
      for (size_t c = 0; c < values.size(); ++c) {
        if (values[c] != it->second[c]) {
          result_.different.push_back(
              RowDifference{left.name(), right.name(), key, result_.columns[c], cut(values[c]), cut(it->second[c])});
          break;
        }
      }
    }
    for (const auto& [key, values] : r) {
      if (!l.count(key)) result_.extra.push_back(RowDifference{left.name(), right.name(), key, "", "", ""});
    }
  }

  const DiffOptions& options_;
  std::vector<Side*> sides_;  // source, iceberg[, target]: pairs are neighbours
  std::vector<Layout> layouts_;
  DiffResult result_;
};

// "123.4500" -> "123.45", "-0.000" -> "0", "100" -> "100".
std::string PlainDecimal(std::string text) {
  if (text.find('.') != std::string::npos) {
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
  }
  if (text == "-0") text = "0";
  return text;
}

}  // namespace

std::string ComparableValue(const ColumnVector& column, int64_t row) {
  std::string out;
  if (column.IsNull(row)) return "null";
  switch (column.type().id()) {
    case TypeId::kInt32: AppendJsonString(out, std::to_string(column.Value<int32_t>(row))); return out;
    case TypeId::kInt64: AppendJsonString(out, std::to_string(column.Value<int64_t>(row))); return out;
    case TypeId::kDecimal:
      AppendJsonString(out, PlainDecimal(DecimalToString(column.Value<Int128>(row), column.type().scale())));
      return out;
    default: AppendCanonicalValue(out, column, row); return out;
  }
}

Result<DiffResult> Diff(const DiffOptions& options_in) {
  DiffOptions options = options_in;
  if (options.buckets < 1) return InvalidArgument("the number of buckets must be at least 1");
  if (options.max_rows_in_memory < 1) return InvalidArgument("--max-rows-in-memory must be at least 1");
  ASSIGN_OR_RETURN(std::unique_ptr<DatabaseSide> source,
                   DatabaseSide::Open("source", options.source, options.table, options.batch_rows));
  ASSIGN_OR_RETURN(std::unique_ptr<IcebergSide> lake,
                   IcebergSide::Open(options.warehouse, options.catalog.get(), options.iceberg, options.snapshot_id));
  std::unique_ptr<DatabaseSide> target;
  if (!options.target.empty()) {
    ASSIGN_OR_RETURN(target, DatabaseSide::Open("target", options.target,
                                                options.target_table.empty() ? options.table : options.target_table,
                                                options.batch_rows));
  }
  if (options.key.empty()) options.key = source->key_columns();
  if (options.key.empty()) {
    const Schema& s = lake->schema();
    for (int id : s.identifier_field_ids()) {
      for (const Field& f : s.fields()) {
        if (f.id == id) options.key.push_back(f.name);
      }
    }
  }
  if (options.key.empty()) {
    return InvalidArgument("source table {} has no primary key and Iceberg table {} no identifier fields: name the "
                           "columns that identify a row with --key",
                           options.table, options.iceberg);
  }
  std::vector<Side*> sides = {source.get(), lake.get()};
  if (target) sides.push_back(target.get());
  Differ differ(options, sides);
  ASSIGN_OR_RETURN(DiffResult result, differ.Run());
  if (lake->plan().snapshot) result.snapshot_id = lake->plan().snapshot->snapshot_id;
  return result;
}

}  // namespace icesync::pipeline
