#include "sync/parquet_file_sink.h"

#include <optional>

#include <fmt/format.h>

#include "parquet/writer.h"
#include "iceberg/key_runs.h"

namespace icesync::sync {

namespace {

// The column of the schema's single integer identifier field, whose key runs the footer gets
// (iceberg/key_runs.h); nullopt for other keys.
std::optional<size_t> KeyRunsColumn(const Schema& schema) {
  if (schema.identifier_field_ids().size() != 1) return std::nullopt;
  for (size_t i = 0; i < schema.num_fields(); ++i) {
    const Field& f = schema.field(i);
    if (f.id != schema.identifier_field_ids()[0]) continue;
    if (f.type.id() == TypeId::kInt64 || f.type.id() == TypeId::kInt32) return i;
  }
  return std::nullopt;
}

class ParquetFileSink : public DataFileSink {
 public:
  ParquetFileSink(std::unique_ptr<parquet::ParquetWriter> writer, std::string uri, std::optional<size_t> key_column,
                  int key_field_id)
      : writer_(std::move(writer)), uri_(std::move(uri)), key_column_(key_column) {
    if (key_column_) key_runs_.emplace(key_field_id);
  }

  Status Write(const RecordBatch& batch) override {
    if (key_runs_) key_runs_->Add(batch.column(*key_column_));
    return writer_->Write(batch);
  }
  int64_t EstimatedSize() const override { return writer_->estimated_file_size(); }

  Result<iceberg::DataFile> Close() override {
    std::vector<parquet::KeyValue> footer;
    if (key_runs_) {
      if (std::optional<std::string> runs = key_runs_->Encode()) footer.push_back({iceberg::kKeyRunsFooterKey, *runs});
    }
    ASSIGN_OR_RETURN(parquet::FileMetrics m, writer_->Close(std::move(footer)));
    iceberg::DataFile f;
    f.content = iceberg::FileContent::kData;
    f.file_path = uri_;
    f.file_format = "PARQUET";
    f.record_count = m.record_count;
    f.file_size_in_bytes = m.file_size_in_bytes;
    f.column_sizes = std::move(m.column_sizes);
    f.value_counts = std::move(m.value_counts);
    f.null_value_counts = std::move(m.null_value_counts);
    f.nan_value_counts = std::move(m.nan_value_counts);
    f.lower_bounds = std::move(m.lower_bounds);
    f.upper_bounds = std::move(m.upper_bounds);
    f.split_offsets = std::move(m.split_offsets);
    f.sort_order_id = 0;  // unsorted
    return f;
  }

 private:
  std::unique_ptr<parquet::ParquetWriter> writer_;
  std::string uri_;
  std::optional<size_t> key_column_;
  std::optional<iceberg::KeyRunsBuilder> key_runs_;
};

// Decodes one UTF-8 sequence at s[*i] (advancing *i); invalid bytes decode as themselves.
uint32_t NextCodePoint(const std::string& s, size_t* i) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  const uint8_t b = byte(*i);
  int extra = b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : b >= 0xC0 ? 1 : 0;
  if (*i + static_cast<size_t>(extra) >= s.size()) extra = 0;
  uint32_t cp = extra == 0 ? b : (b & (0x3F >> extra));
  for (int k = 1; k <= extra; ++k) cp = (cp << 6) | (byte(*i + static_cast<size_t>(k)) & 0x3F);
  *i += static_cast<size_t>(extra) + 1;
  return cp;
}

bool IsAsciiLetter(uint32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAsciiDigit(uint32_t c) { return c >= '0' && c <= '9'; }

// Names with Avro-compatible column names; ids, types and order unchanged.
std::shared_ptr<const Schema> WithParquetColumnNames(const std::shared_ptr<const Schema>& schema) {
  std::vector<Field> fields = schema->fields();
  for (Field& f : fields) f.name = ParquetColumnName(f.name);
  return std::make_shared<const Schema>(std::move(fields), schema->schema_id(), schema->identifier_field_ids());
}

}  // namespace

std::string ParquetColumnName(const std::string& name) {
  std::string out;
  bool first = true;
  for (size_t i = 0; i < name.size();) {
    const size_t start = i;
    const uint32_t c = NextCodePoint(name, &i);
    const bool letter = IsAsciiLetter(c) || c == '_' || (c >= 0x80 && c <= 0xFFFF);
    if (letter || (!first && IsAsciiDigit(c))) {
      out.append(name, start, i - start);
    } else if (IsAsciiDigit(c)) {
      out += '_';
      out += static_cast<char>(c);
    } else if (c > 0xFFFF) {
      const uint32_t v = c - 0x10000;
      out += fmt::format("_x{:X}_x{:X}", 0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF));
    } else {
      out += fmt::format("_x{:X}", c);
    }
    first = false;
  }
  return out;
}

Result<DataFileSinkFactory> ParquetSinkFactory(std::shared_ptr<const Schema> schema, const ParquetSinkOptions& options) {
  ASSIGN_OR_RETURN(parquet::CompressionCodec codec,
                   parquet::ParseCompressionCodec(options.compression == "none" ? "uncompressed" : options.compression));
  parquet::WriterOptions wo;
  wo.compression = codec;
  wo.row_group_size = options.row_group_size;
  wo.threads = options.threads;
  std::shared_ptr<const Schema> file_schema = WithParquetColumnNames(schema);
  const std::optional<size_t> key_column = KeyRunsColumn(*schema);
  const int key_field_id = key_column ? schema->field(*key_column).id : 0;
  return DataFileSinkFactory([file_schema, wo, key_column, key_field_id](
                                 const std::string& local_path,
                                 const std::string& uri) -> Result<std::unique_ptr<DataFileSink>> {
    ASSIGN_OR_RETURN(std::unique_ptr<parquet::ParquetWriter> w,
                     parquet::ParquetWriter::Open(local_path, file_schema, wo));
    return std::unique_ptr<DataFileSink>(new ParquetFileSink(std::move(w), uri, key_column, key_field_id));
  });
}

}  // namespace icesync::sync
