#include "parquet/parquet_reader.h"

#include <algorithm>
#include <cstring>
#include <set>

#include "parquet/chunk_statistics.h"
#include "parquet/column_chunk_reader.h"
#include "parquet/record_assembler.h"

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

// At most this many decoded-leaf buffers are kept between row groups.
constexpr size_t kMaxSpareLeaves = 4;

}  // namespace

// Buffers that ReadRowGroup reuses: the chunk scratch buffers, and the decoded leaves of
// fields already assembled (which include the previous batch's column buffers, exchanged
// when a column takes its decoded buffers without copying).
struct ScanScratch {
  ChunkBuffers buffers;
  std::vector<LeafData> spare;

  // The spare leaf whose value buffer best fits `bytes` (the smallest that holds them, else
  // the largest), or a new one.
  LeafData Take(size_t bytes) {
    if (spare.empty()) return LeafData();
    size_t best = 0;
    for (size_t i = 1; i < spare.size(); ++i) {
      const size_t c = spare[i].values.capacity_bytes(), b = spare[best].values.capacity_bytes();
      const bool fits = c >= bytes, best_fits = b >= bytes;
      if ((fits && (!best_fits || c < b)) || (!fits && !best_fits && c > b)) best = i;
    }
    LeafData d = std::move(spare[best]);
    spare.erase(spare.begin() + static_cast<std::ptrdiff_t>(best));
    return d;
  }
  // Keeps the largest kMaxSpareLeaves spare leaves.
  void Trim() {
    if (spare.size() <= kMaxSpareLeaves) return;
    std::sort(spare.begin(), spare.end(), [](const LeafData& a, const LeafData& b) {
      return a.values.capacity_bytes() > b.values.capacity_bytes();
    });
    spare.resize(kMaxSpareLeaves);
  }
};

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

Status ParquetReader::ReadRowGroup(int rg, const ScanOptions& scan, RecordBatch* out) const {
  if (rg < 0 || rg >= num_row_groups()) {
    return InvalidArgument("{}: row group {} does not exist (the file has {})", name(), rg, num_row_groups());
  }
  const RowGroup& group = metadata_.row_groups[rg];
  const std::string context = fmt::format("{}, row group {}", name(), rg);
  const FileSchema& fs = *file_schema_;
  std::vector<size_t> fields = ProjectedFields(scan);
  std::shared_ptr<const Schema> projected = ProjectedSchema(scan);
  // A batch of the same schema (the previous row group's) keeps its buffers' capacity.
  if (out->schema() != nullptr && *out->schema() == *projected) {
    out->Clear();
  } else {
    *out = RecordBatch(std::move(projected));
  }

  // Each field is decoded and then assembled before the next one is read; the decoded
  // leaves' buffers (and the chunk scratch buffers) go to the next field's leaves, so one
  // row group allocates them about once instead of once per column.
  std::unique_ptr<ScanScratch> scratch;
  {
    std::lock_guard<std::mutex> lock(scratch_mu_);
    scratch = std::move(scratch_);
  }
  if (scratch == nullptr) scratch = std::make_unique<ScanScratch>();
  std::vector<LeafData> data(fs.leaves().size());
  RecordAssembler assembler(fs, data, context);
  for (size_t i = 0; i < fields.size(); ++i) {
    const AssemblyNode& node = fs.top_level()[fields[i]];
    // An empty row group needs no pages (some writers give its chunks no valid offsets).
    for (int l = node.leaf_begin; l < node.leaf_end && group.num_rows > 0; ++l) {
      const LeafColumn& leaf = fs.leaves()[l];
      ColumnVector& column = out->column(i);
      if (node.kind == AssemblyNode::kLeaf && leaf.max_rep == 0 && SharesStorage(leaf, column)) {
        // Decode straight into the column's buffers (capacity kept from the previous row
        // group); assembly hands them back to the column, and the spare leaf's value
        // buffers back to the spare leaf. Its level buffers are used as they are.
        data[l] = scratch->Take(0);
        data[l].values.Reset(leaf.layout.width);
        data[l].values.SwapBuffers(&column.mutable_data(), &column.mutable_offsets());
      } else {
        // Byte arrays have no size known ahead: they take the largest buffer.
        data[l] = scratch->Take(leaf.layout.width == 0 ? SIZE_MAX
                                                       : static_cast<size_t>(leaf.layout.width) *
                                                             static_cast<size_t>(group.num_rows));
      }
      RETURN_IF_ERROR(ReadColumnChunk(*source_, group.columns[leaf.column_index], leaf, group.num_rows,
                                      ColumnReadOptions{options_.verify_checksums}, context, &scratch->buffers,
                                      &data[l]));
    }
    RETURN_IF_ERROR(assembler.AssembleField(node, group.num_rows, &out->column(i)));
    for (int l = node.leaf_begin; l < node.leaf_end; ++l) {
      scratch->spare.push_back(std::move(data[l]));
      data[l] = LeafData();
    }
  }
  scratch->Trim();
  {
    std::lock_guard<std::mutex> lock(scratch_mu_);
    scratch_ = std::move(scratch);
  }
  if (scan.with_row_position) {
    ColumnVector& pos = out->column(fields.size());
    pos.Reserve(group.num_rows);
    for (int64_t r = 0; r < group.num_rows; ++r) pos.Append<int64_t>(first_rows_[rg] + r);
  }
  out->set_num_rows(group.num_rows);
  return Status::OK();
}

}  // namespace icesync::parquet
