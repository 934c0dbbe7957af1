#pragma once
// Test data for the Parquet writer tests: a schema with one column per Iceberg primitive
// type (each both required and optional), batches full of edge values, and helpers to write
// them and to run the independent readers in tests/js.
#include <memory>
#include <string>
#include <vector>

#include "core/batch.h"
#include "core/schema.h"
#include "parquet/writer.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "core/canonical_json.h"
#include "core/decimal.h"
#include "core/temporal.h"
#include "testing/test_util.h"


namespace icesync::parquet::testdata {
namespace detail {

inline std::vector<std::pair<std::string, DataType>> Types() {
  return {
      {"bool", DataType::Boolean()},       {"int", DataType::Int32()},
      {"long", DataType::Int64()},         {"float", DataType::Float32()},
      {"double", DataType::Float64()},     {"dec9", DataType::Decimal(9, 2)},
      {"dec18", DataType::Decimal(18, 4)}, {"dec38", DataType::Decimal(38, 0)},
      {"dec25", DataType::Decimal(25, 5)}, {"date", DataType::Date()},
      {"time", DataType::Time()},          {"ts", DataType::Timestamp()},
      {"tstz", DataType::TimestampTz()},   {"str", DataType::String()},
      {"uuid", DataType::Uuid()},          {"fixed", DataType::Fixed(5)},
      {"bin", DataType::Binary()},
  };
}

template <typename T>
T Pick(const std::vector<T>& v, int64_t row) {
  return v[static_cast<size_t>(row % static_cast<int64_t>(v.size()))];
}

inline void AppendValue(ColumnVector& c, int64_t row, bool huge_binary) {
  const DataType& t = c.type();
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  switch (t.id()) {
    case TypeId::kBoolean: c.Append<uint8_t>(row % 2 == 0); break;
    case TypeId::kInt32:
      c.Append(Pick<int32_t>({INT32_MIN, INT32_MAX, 0, -1, 42, static_cast<int32_t>(row)}, row));
      break;
    case TypeId::kInt64:
      c.Append(Pick<int64_t>({INT64_MIN, INT64_MAX, 0, -7, row * 1000003}, row));
      break;
    case TypeId::kFloat32:
      c.Append(Pick<float>({static_cast<float>(nan), static_cast<float>(inf), -static_cast<float>(inf), -0.0f,
                            1.1f, 3.4e38f, static_cast<float>(row) / 8}, row));
      break;
    case TypeId::kFloat64:
      c.Append(Pick<double>({nan, inf, -inf, -0.0, 1e-7, 1.5e300, 0.1, static_cast<double>(row) * 0.25}, row));
      break;
    case TypeId::kDecimal: {
      Int128 max = MaxUnscaled(t.precision());
      c.Append(Pick<Int128>({max, -max, 0, 1, -1, static_cast<Int128>(row) * 12345}, row));
      break;
    }
    case TypeId::kDate:
      c.Append(Pick<int32_t>({static_cast<int32_t>(DaysFromCivil(1, 1, 1)),
                              static_cast<int32_t>(DaysFromCivil(9999, 12, 31)), 0, -1,
                              static_cast<int32_t>(row % 20000)}, row));
      break;
    case TypeId::kTime:
      c.Append(Pick<int64_t>({0, 86'399'999'999LL, 43'200'000'001LL, (row * 1'000'003LL) % 86'400'000'000LL}, row));
      break;
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      c.Append(Pick<int64_t>({DaysFromCivil(1, 1, 1) * 86'400'000'000LL,
                              DaysFromCivil(9999, 12, 31) * 86'400'000'000LL + 86'399'999'999LL, 0, -1,
                              1'700'000'000'123'456LL + row * 1'000'000LL}, row));
      break;
    case TypeId::kString: {
      static const std::vector<std::string> strings = {
          "", "héllo wörld", "emoji 😀 𝄞 four-byte", "plain ascii", "quote \" backslash \\ newline \n tab \t",
          std::string("a\0b", 3), "a string that is much longer than sixty-four bytes so statistics get truncated ok",
          "\xF4\x8F\xBF\xBF max code point"};
      if (row % 11 == 10) {
        c.AppendBytes("unique-" + std::to_string(row));
      } else {
        c.AppendBytes(Pick(strings, row));
      }
      break;
    }
    case TypeId::kUuid: {
      std::string u(16, '\0');
      for (int k = 0; k < 16; ++k) u[k] = static_cast<char>((row * 31 + k * 17) & 0xFF);
      if (row % 4 == 1) u.assign(16, '\xFF');
      if (row % 4 == 2) u.assign(16, '\0');
      c.AppendBytes(u);
      break;
    }
    case TypeId::kFixed: {
      std::string f(static_cast<size_t>(t.length()), '\0');
      for (size_t k = 0; k < f.size(); ++k) f[k] = static_cast<char>((row + k * 101) & 0xFF);
      c.AppendBytes(f);
      break;
    }
    case TypeId::kBinary: {
      if (huge_binary && row == 1) {
        std::string big(1 << 20, '\0');
        for (size_t k = 0; k < big.size(); ++k) big[k] = static_cast<char>(k * 7 + 3);
        c.AppendBytes(big);
      } else {
        c.AppendBytes(Pick<std::string>({"", std::string("\x00\xFF\x80", 3), "bytes", std::to_string(row)}, row));
      }
      break;
    }
    default:
      ADD_FAILURE() << "unexpected type " << t.ToString();
  }
}

}  // namespace detail

inline std::shared_ptr<const Schema> AllTypesSchema() {
  std::vector<Field> fields;
  int id = 1;
  for (auto& [name, type] : detail::Types()) {
    fields.push_back(Field{id++, name + "_req", type, true, "", ""});
    fields.push_back(Field{id++, name + "_opt", type, false, "", ""});
  }
  return std::make_shared<const Schema>(std::move(fields));
}

// `rows` rows cycling through edge values (extremes, NaN/±inf/-0, empty and 4-byte UTF-8
// strings, dates 0001-01-01 and 9999-12-31, ...); optional columns are null every third row.
// With `huge_binary`, row 1 of binary columns holds a 1 MiB value.
inline RecordBatch AllTypesBatch(const std::shared_ptr<const Schema>& schema, int64_t rows, int64_t first_row = 0,
                                 bool huge_binary = false) {
  RecordBatch batch(schema);
  for (size_t c = 0; c < schema->num_fields(); ++c) {
    ColumnVector& col = batch.column(c);
    // Different columns cycle with different phases, so rows mix values.
    for (int64_t r = first_row; r < first_row + rows; ++r) {
      if (!schema->field(c).required && (r + static_cast<int64_t>(c)) % 3 == 0) {
        col.AppendNull();
      } else {
        detail::AppendValue(col, r + static_cast<int64_t>(c / 2), huge_binary);
      }
    }
  }
  return batch;
}

inline std::string CanonicalJsonl(const std::vector<const RecordBatch*>& batches) {
  std::string out;
  for (const RecordBatch* b : batches) {
    for (int64_t r = 0; r < b->num_rows(); ++r) {
      out += CanonicalRow(*b, r);
      out.push_back('\n');
    }
  }
  return out;
}

// How WriteBatches hands the batches over: all with Write, all with WriteAsync (a copy of
// each, which must come back empty), or alternately (Write waits for the async batch).
enum class WriteCall { kWrite, kWriteAsync, kAlternate };

inline FileMetrics WriteBatches(const std::string& path, const std::shared_ptr<const Schema>& schema,
                         const std::vector<const RecordBatch*>& batches, const WriterOptions& options,
                         WriteCall call = WriteCall::kWrite) {
  auto w = ParquetWriter::Open(path, schema, options);
  EXPECT_TRUE(w.ok()) << w.status().ToString();
  if (!w.ok()) return {};
  RecordBatch scratch;
  for (size_t i = 0; i < batches.size(); ++i) {
    const bool async = call == WriteCall::kWriteAsync || (call == WriteCall::kAlternate && i % 2 == 0);
    Status st;
    if (async) {
      scratch = *batches[i];
      st = (*w)->WriteAsync(&scratch);
      EXPECT_EQ(scratch.num_rows(), 0);
    } else {
      st = (*w)->Write(*batches[i]);
    }
    EXPECT_TRUE(st.ok()) << st.ToString();
  }
  auto m = (*w)->Close();
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return m.ok() ? *m : FileMetrics{};
}

// Writes `batch` once per writable codec, with and without dictionary encoding, each to a
// fresh file, and calls check(path, options) on it (inside a SCOPED_TRACE naming the variant).
template <typename Check>
void ForEachCodecAndEncoding(const std::shared_ptr<const Schema>& schema, const RecordBatch& batch, Check check) {
  for (CompressionCodec codec : {CompressionCodec::UNCOMPRESSED, CompressionCodec::SNAPPY, CompressionCodec::ZSTD,
                                 CompressionCodec::GZIP}) {
    for (bool dictionary : {true, false}) {
      SCOPED_TRACE(std::string(CodecName(codec)) + (dictionary ? " dictionary" : " plain"));
      icesync::testing::TempDir dir;
      WriterOptions options;
      options.compression = codec;
      options.enable_dictionary = dictionary;
      std::string path = dir.file("t.parquet");
      WriteBatches(path, schema, {&batch}, options);
      check(path, options);
    }
  }
}

}  // namespace icesync::parquet::testdata
