// `icesync parquet schema|meta|cat FILE`: inspect Parquet files.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "core/canonical_json.h"
#include "parquet/canonical_rows.h"
#include "parquet/chunk_statistics.h"
#include "parquet/parquet_reader.h"

namespace icesync::cli {

namespace {

using parquet::ParquetReader;

const char* ConvertedTypeName(parquet::ConvertedType c) {
  static const char* kNames[] = {"UTF8",     "MAP",     "MAP_KEY_VALUE", "LIST",      "ENUM",         "DECIMAL",
                                 "DATE",     "TIME_MILLIS", "TIME_MICROS", "TIMESTAMP_MILLIS", "TIMESTAMP_MICROS",
                                 "UINT_8",   "UINT_16", "UINT_32",       "UINT_64",   "INT_8",        "INT_16",
                                 "INT_32",   "INT_64",  "JSON",          "BSON",      "INTERVAL"};
  const int i = static_cast<int>(c);
  return i >= 0 && i < static_cast<int>(sizeof kNames / sizeof kNames[0]) ? kNames[i] : "unknown";
}

const char* RepetitionName(const parquet::SchemaElement& e) {
  if (!e.repetition_type.has_value()) return "";
  switch (*e.repetition_type) {
    case parquet::FieldRepetitionType::REQUIRED: return "required ";
    case parquet::FieldRepetitionType::OPTIONAL: return "optional ";
    case parquet::FieldRepetitionType::REPEATED: return "repeated ";
  }
  return "";
}

// Iceberg-style type text, nested types included.
std::string TypeText(const DataType& t, const parquet::FileSchema& fs, int field_id) {
  switch (fs.FormatOf(field_id)) {
    case parquet::ValueFormat::kInt96: return "int96 timestamp (fixed[12])";
    case parquet::ValueFormat::kTimestampNanos: return "timestamp_ns (long)";
    case parquet::ValueFormat::kTimestampNanosUtc: return "timestamptz_ns (long)";
    case parquet::ValueFormat::kTimeNanos: return "time_ns (long)";
    case parquet::ValueFormat::kUnsigned32: return "uint32 (long)";
    case parquet::ValueFormat::kUnsigned64: return "uint64 (long)";
    case parquet::ValueFormat::kDefault: break;
  }
  auto field_text = [&](const Field& f) {
    return fmt::format("{}{}: {}{}", f.id, "", f.required ? "required " : "optional ", TypeText(f.type, fs, f.id));
  };
  switch (t.id()) {
    case TypeId::kStruct: {
      std::string s = "struct<";
      for (size_t i = 0; i < t.children().size(); ++i) {
        if (i) s += ", ";
        s += t.children()[i].name + " " + field_text(t.children()[i]);
      }
      return s + ">";
    }
    case TypeId::kList: return "list<" + field_text(t.children()[0]) + ">";
    case TypeId::kMap: return "map<" + field_text(t.children()[0]) + ", " + field_text(t.children()[1]) + ">";
    default: return t.ToString();
  }
}

void PrintParquetTree(const parquet::FileSchema& fs) {
  const auto& el = fs.elements();
  // Walk the flattened tree with a stack of remaining-children counts.
  std::vector<int> remaining;
  for (size_t i = 0; i < el.size(); ++i) {
    const parquet::SchemaElement& e = el[i];
    std::string line(2 * remaining.size(), ' ');
    line += RepetitionName(e);
    line += e.type.has_value() ? parquet::TypeName(*e.type) : "group";
    if (e.type == parquet::Type::FIXED_LEN_BYTE_ARRAY) line += fmt::format("({})", e.type_length.value_or(0));
    line += " " + e.name;
    if (e.field_id.has_value()) line += fmt::format(" = {}", *e.field_id);
    std::string annotation;
    if (e.logical_type.has_value() && e.logical_type->kind != parquet::LogicalType::kNone) {
      annotation = e.logical_type->ToString();
    } else if (e.converted_type.has_value()) {
      annotation = ConvertedTypeName(*e.converted_type);
      if (*e.converted_type == parquet::ConvertedType::DECIMAL) {
        annotation += fmt::format("({},{})", e.precision.value_or(0), e.scale.value_or(0));
      }
    }
    if (!annotation.empty()) line += " (" + annotation + ")";
    std::printf("%s\n", line.c_str());
    if (!remaining.empty()) --remaining.back();
    if (e.num_children.value_or(0) > 0) remaining.push_back(*e.num_children);
    while (!remaining.empty() && remaining.back() == 0) remaining.pop_back();
  }
}

int RunSchema(const std::string& file) {
  auto reader = ParquetReader::Open(file);
  if (!reader.ok()) return ReportError(reader.status());
  const parquet::FileSchema& fs = (*reader)->file_schema();
  std::printf("Parquet schema (\"= N\" is the field_id stored in the file):\n");
  PrintParquetTree(fs);
  std::printf("\nicesync schema (field ids; fields without a Parquet field_id are numbered after the\n"
              "largest id in the file, depth first):\n");
  for (const Field& f : fs.schema()->fields()) {
    std::printf("  %d: %s %s%s\n", f.id, f.name.c_str(), f.required ? "required " : "optional ",
                TypeText(f.type, fs, f.id).c_str());
  }
  std::printf("\ncolumns (max definition / repetition level):\n");
  for (const parquet::LeafColumn& l : fs.leaves()) {
    std::printf("  %s  field %d  def %d  rep %d\n", l.dotted_path.c_str(), l.field_id, l.max_def, l.max_rep);
  }
  return 0;
}

std::string BoundText(const parquet::ChunkBounds& b, bool upper) {
  const Value& v = upper ? b.upper : b.lower;
  if (v.is_null()) return "-";
  return v.ToString();
}

int RunMeta(const std::string& file) {
  auto opened = ParquetReader::Open(file);
  if (!opened.ok()) return ReportError(opened.status());
  const ParquetReader& r = **opened;
  const parquet::FileMetaData& md = r.metadata();
  std::printf("file: %s\nsize: %llu bytes\nformat version: %d\ncreated by: %s\nrows: %lld (footer says %lld)\n"
              "row groups: %d\n",
              file.c_str(), static_cast<unsigned long long>(r.file_size()), md.version,
              md.created_by.value_or("-").c_str(), static_cast<long long>(r.num_rows()),
              static_cast<long long>(md.num_rows), r.num_row_groups());
  if (!md.key_value_metadata.empty()) {
    std::printf("key-value metadata:\n");
    for (const auto& kv : md.key_value_metadata) {
      std::string v = kv.value.value_or("(no value)");
      if (v.size() > 200) v = v.substr(0, 200) + "... (" + std::to_string(v.size()) + " bytes)";
      std::printf("  %s: %s\n", kv.key.c_str(), v.c_str());
    }
  }
  const auto& leaves = r.file_schema().leaves();
  for (int g = 0; g < r.num_row_groups(); ++g) {
    const parquet::RowGroup& rg = md.row_groups[g];
    std::printf("row group %d: %lld rows (first row %lld), %lld bytes uncompressed\n", g,
                static_cast<long long>(rg.num_rows), static_cast<long long>(r.row_group_first_row(g)),
                static_cast<long long>(rg.total_byte_size));
    for (const parquet::LeafColumn& leaf : leaves) {
      const parquet::ColumnChunk& cc = rg.columns[leaf.column_index];
      if (!cc.meta_data.has_value()) {
        std::printf("  %s: (no metadata)\n", leaf.dotted_path.c_str());
        continue;
      }
      const parquet::ColumnMetaData& m = *cc.meta_data;
      std::string encodings;
      for (parquet::Encoding e : m.encodings) {
        if (!encodings.empty()) encodings += ",";
        encodings += parquet::EncodingName(e);
      }
      parquet::ChunkBounds b = parquet::BoundsOf(leaf, m, true);
      std::printf("  %s (field %d): %s %s [%s] values %lld, compressed %lld, uncompressed %lld, data page offset %lld",
                  leaf.dotted_path.c_str(), leaf.field_id, parquet::TypeName(m.type), parquet::CodecName(m.codec),
                  encodings.c_str(), static_cast<long long>(m.num_values),
                  static_cast<long long>(m.total_compressed_size), static_cast<long long>(m.total_uncompressed_size),
                  static_cast<long long>(m.data_page_offset));
      if (m.dictionary_page_offset.has_value()) {
        std::printf(", dictionary page offset %lld", static_cast<long long>(*m.dictionary_page_offset));
      }
      std::printf("\n");
      if (m.statistics.has_value()) {
        const parquet::Statistics& s = *m.statistics;
        std::printf("    statistics: nulls %s, min %s, max %s", s.null_count ? std::to_string(*s.null_count).c_str() : "-",
                    BoundText(b, false).c_str(), BoundText(b, true).c_str());
        if (s.distinct_count) std::printf(", distinct %lld", static_cast<long long>(*s.distinct_count));
        if (s.nan_count) std::printf(", NaNs %lld", static_cast<long long>(*s.nan_count));
        if (s.is_min_value_exact == false || s.is_max_value_exact == false) std::printf(" (bounds inexact)");
        std::printf("\n");
      }
    }
  }
  return 0;
}

// CSV cell: text of primitives (strings unquoted), JSON for nested values, empty for null.
std::string CsvCell(const Field& f, const ColumnVector& c, int64_t row, const parquet::FileSchema& fs) {
  if (c.IsNull(row)) return "";
  std::string text;
  parquet::AppendParquetValue(text, f, c, row, fs);
  if (!c.type().is_nested() && !text.empty() && text[0] == '"') {
    text = nlohmann::json::parse(text).get<std::string>();
  }
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char ch : text) {
    if (ch == '"') quoted += '"';
    quoted += ch;
  }
  return quoted + "\"";
}

struct CatOptions {
  std::string file;
  std::string format = "jsonl";
  int64_t limit = -1;
  std::vector<std::string> columns;
  bool verify_checksums = false;
};

int RunCat(const CatOptions& o) {
  auto opened = ParquetReader::Open(o.file, parquet::ReaderOptions{o.verify_checksums});
  if (!opened.ok()) return ReportError(opened.status());
  const ParquetReader& r = **opened;
  const parquet::FileSchema& fs = r.file_schema();
  parquet::ScanOptions scan;
  for (const std::string& name : o.columns) {
    auto idx = fs.schema()->FindTopLevelIndex(name);
    if (idx.has_value()) {
      scan.field_ids.push_back(fs.schema()->field(*idx).id);
      continue;
    }
    char* end = nullptr;
    long id = std::strtol(name.c_str(), &end, 10);
    if (!name.empty() && *end == '\0' && fs.schema()->FindFieldById(static_cast<int>(id)) != nullptr) {
      scan.field_ids.push_back(static_cast<int>(id));
      continue;
    }
    return ReportError(InvalidArgument("{}: no top-level column or field id '{}' (see `icesync parquet schema {}`)",
                                       o.file, name, o.file));
  }
  int64_t printed = 0;
  std::string out;
  if (o.format == "csv") {
    const auto schema = r.ProjectedSchema(scan);
    for (size_t i = 0; i < schema->num_fields(); ++i) {
      if (i) out += ',';
      out += schema->field(i).name;
    }
    out += '\n';
  }
  // Small batches when only a few rows are wanted: the scan decodes whole batches.
  if (o.limit >= 0) scan.batch_rows = std::clamp<int64_t>(o.limit, 1, parquet::kDefaultBatchRows);
  auto stream = r.Scan(scan);
  if (!stream.ok()) return ReportError(stream.status());
  RecordBatch batch;
  while (o.limit < 0 || printed < o.limit) {
    Result<bool> more = (*stream)->Next(&batch);
    if (!more.ok()) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      std::fflush(stdout);
      return ReportError(more.status());
    }
    if (!*more) break;
    for (int64_t row = 0; row < batch.num_rows() && (o.limit < 0 || printed < o.limit); ++row, ++printed) {
      if (o.format == "csv") {
        for (size_t c = 0; c < batch.num_columns(); ++c) {
          if (c) out += ',';
          out += CsvCell(batch.schema()->field(c), batch.column(c), row, fs);
        }
      } else {
        out += parquet::ParquetCanonicalRow(batch, row, fs);
      }
      out += '\n';
      if (out.size() > (1 << 20)) {
        std::fwrite(out.data(), 1, out.size(), stdout);
        out.clear();
      }
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

}  // namespace

void AddParquetCommands(CLI::App& app, CommandContext& ctx) {
  auto* parquet = app.add_subcommand("parquet", "Inspect Parquet files (schema with field ids, metadata, rows)");
  parquet->require_subcommand(1);
  parquet->footer(
      "Examples:\n"
      "  icesync parquet schema data.parquet\n"
      "  icesync parquet meta data.parquet\n"
      "  icesync parquet cat data.parquet --limit 10\n"
      "  icesync parquet cat data.parquet --format csv --columns id,name\n");

  auto file = std::make_shared<std::string>();
  auto* schema = parquet->add_subcommand(
      "schema", "Print the Parquet schema tree (repetition, physical and logical types, field ids), the icesync\n"
                "schema it maps to, and each column's max definition/repetition levels");
  schema->add_option("FILE", *file, "Parquet file")->required();
  schema->callback([file, &ctx] { ctx.exit_code = RunSchema(*file); });

  auto* meta = parquet->add_subcommand(
      "meta", "Print file metadata: created_by, key-value metadata, row groups and their column chunks\n"
              "(codec, encodings, sizes, offsets, statistics)");
  meta->add_option("FILE", *file, "Parquet file")->required();
  meta->callback([file, &ctx] { ctx.exit_code = RunMeta(*file); });

  auto cat_opts = std::make_shared<CatOptions>();
  auto* cat = parquet->add_subcommand(
      "cat", "Print the rows in file order. jsonl is icesync's lossless canonical form: one object per row,\n"
             "keys sorted, longs and decimals as strings, binary as hex (see ../shared/parquet-testing/README.md)");
  cat->add_option("FILE", cat_opts->file, "Parquet file")->required();
  cat->add_option("--format", cat_opts->format, "Output format")->check(CLI::IsMember({"jsonl", "csv"}))
      ->capture_default_str();
  cat->add_option("--limit", cat_opts->limit, "Print at most N rows")->check(CLI::NonNegativeNumber);
  cat->add_option("--columns", cat_opts->columns, "Top-level columns to print, by name or field id")
      ->delimiter(',');
  cat->add_flag("--verify-checksums", cat_opts->verify_checksums, "Fail on pages whose CRC32 does not match");
  cat->footer("Examples:\n"
              "  icesync parquet cat data.parquet\n"
              "  icesync parquet cat data.parquet --limit 5 --columns id,amount\n"
              "  icesync parquet cat data.parquet --format csv > data.csv\n");
  cat->callback([cat_opts, &ctx] { ctx.exit_code = RunCat(*cat_opts); });
}

}  // namespace icesync::cli
