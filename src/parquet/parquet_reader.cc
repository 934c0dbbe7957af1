#include "parquet/parquet_reader.h"

#include <algorithm>
#include <cstring>
#include <set>

#include "parquet/chunk_statistics.h"

namespace icesync::parquet {

namespace {

constexpr uint64_t kMagicLength = 4;
constexpr uint64_t kTrailerLength = 8;  // footer length + magic

bool ContainsId(const Field& f, const std::set<int>& ids) {
  if (ids.count(f.id)) return true;
  for (const Field& c : f.type.children()) {
    if (ContainsId(c, ids)) return true;
  }
  return false;
}

}  // namespace

ParquetReader::~ParquetReader() = default;

Result<std::unique_ptr<ParquetReader>> ParquetReader::Open(const std::string& path, ReaderOptions options) {
  ASSIGN_OR_RETURN(auto source, OpenFileSource(path));
  return Open(std::move(source), options);
}

Result<std::unique_ptr<ParquetReader>> ParquetReader::Open(std::unique_ptr<ByteSource> source, ReaderOptions options) {
  std::unique_ptr<ParquetReader> r(new ParquetReader());
  r->source_ = std::move(source);
  r->options_ = options;
  RETURN_IF_ERROR(r->Init());
  return r;
}

Status ParquetReader::Init() {
  const std::string& file = source_->name();
  const uint64_t size = source_->size();
  if (size < kMagicLength + kTrailerLength) {
    return Corrupt("{}: not a Parquet file: {} bytes is too short for the header and footer", file, size);
  }
  std::string head, trailer;
  RETURN_IF_ERROR(source_->ReadAt(0, kMagicLength, &head));
  RETURN_IF_ERROR(source_->ReadAt(size - kTrailerLength, kTrailerLength, &trailer));
  if (trailer.compare(4, 4, "PARE") == 0) {
    return Unsupported("{}: the file uses Parquet modular encryption, which icesync does not read", file);
  }
  if (head != "PAR1" || trailer.compare(4, 4, "PAR1") != 0) {
    return Corrupt("{}: not a Parquet file (wrong magic bytes; the file must start and end with PAR1)", file);
  }
  uint32_t footer_length;
  std::memcpy(&footer_length, trailer.data(), 4);
  if (footer_length == 0 || footer_length > size - kMagicLength - kTrailerLength) {
    return Corrupt("{}: footer length {} does not fit in the {}-byte file (truncated file?)", file, footer_length, size);
  }
  std::string footer;
  RETURN_IF_ERROR(source_->ReadAt(size - kTrailerLength - footer_length, footer_length, &footer));
  Status st = ParseFileMetaData(footer, &metadata_);
  if (!st.ok()) return Corrupt("{}: invalid file metadata (footer): {}", file, st.message());
  ASSIGN_OR_RETURN(file_schema_, FileSchema::Make(metadata_.schema, file));

  const size_t leaves = file_schema_->leaves().size();
  first_rows_.assign(1, 0);
  for (size_t i = 0; i < metadata_.row_groups.size(); ++i) {
    const RowGroup& rg = metadata_.row_groups[i];
    if (rg.num_rows < 0) return Corrupt("{}: row group {} has a negative row count", file, i);
    if (rg.columns.size() != leaves) {
      return Corrupt("{}: row group {} has {} column chunks, the schema has {} columns", file, i, rg.columns.size(),
                     leaves);
    }
    int64_t next;
    if (__builtin_add_overflow(first_rows_.back(), rg.num_rows, &next)) {
      return Corrupt("{}: row counts overflow", file);
    }
    first_rows_.push_back(next);
  }
  return Status::OK();
}

std::vector<size_t> ParquetReader::ProjectedFields(const ScanOptions& scan) const {
  std::vector<size_t> out;
  const Schema& s = *schema();
  std::set<int> ids(scan.field_ids.begin(), scan.field_ids.end());
  for (size_t i = 0; i < s.num_fields(); ++i) {
    if (ids.empty() || ContainsId(s.field(i), ids)) out.push_back(i);
  }
  return out;
}

std::shared_ptr<const Schema> ParquetReader::ProjectedSchema(const ScanOptions& scan) const {
  std::vector<Field> fields;
  for (size_t i : ProjectedFields(scan)) fields.push_back(schema()->field(i));
  if (scan.with_row_position) fields.push_back(Field{kRowPositionFieldId, "_pos", DataType::Int64(), true});
  return std::make_shared<const Schema>(std::move(fields));
}

bool ParquetReader::RowGroupMightMatch(int rg, const std::vector<Predicate>& filter) const {
  const RowGroup& group = metadata_.row_groups[rg];
  for (const Predicate& p : filter) {
    for (const LeafColumn& leaf : file_schema_->leaves()) {
      if (leaf.field_id != p.field_id || leaf.max_rep != 0) continue;
      const ColumnChunk& chunk = group.columns[leaf.column_index];
      if (!chunk.meta_data.has_value()) continue;
      // Operands of another type cannot be compared with these statistics: keep the group.
      if (p.op != Predicate::Op::kIsNull && p.op != Predicate::Op::kNotNull && !(p.lo.type() == leaf.type)) continue;
      const size_t idx = static_cast<size_t>(leaf.column_index);
      const bool order_known = metadata_.column_orders.size() <= idx ||
                               metadata_.column_orders[idx].kind == ColumnOrder::kTypeDefinedOrder;
      ChunkBounds b = BoundsOf(leaf, *chunk.meta_data, order_known);
      if (!p.MightMatch(b.lower, b.upper, b.null_count, group.num_rows)) return false;
    }
  }
  return true;
}

std::vector<int> ParquetReader::SelectRowGroups(const std::vector<Predicate>& filter) const {
  std::vector<int> out;
  for (int i = 0; i < num_row_groups(); ++i) {
    if (RowGroupMightMatch(i, filter)) out.push_back(i);
  }
  return out;
}

Result<std::unique_ptr<BatchReader>> ParquetReader::Scan(ScanOptions scan) const {
  if (scan.batch_rows < 1) return InvalidArgument("{}: batch size {} must be at least 1 row", name(), scan.batch_rows);
  std::vector<int> groups;
  if (scan.row_groups.has_value()) {
    for (int rg : *scan.row_groups) {
      if (rg < 0 || rg >= num_row_groups()) {
        return InvalidArgument("{}: row group {} does not exist (the file has {})", name(), rg, num_row_groups());
      }
      if (RowGroupMightMatch(rg, scan.filter)) groups.push_back(rg);
    }
  } else {
    groups = SelectRowGroups(scan.filter);
  }
  return std::make_unique<BatchReader>(*this, std::move(scan), std::move(groups));
}

}  // namespace icesync::parquet
