#include "parquet/batch_reader.h"

#include <algorithm>

#include "parquet/parquet_reader.h"

namespace icesync::parquet {

BatchReader::BatchReader(const ParquetReader& reader, ScanOptions scan, std::vector<int> row_groups)
    : reader_(reader),
      scan_(std::move(scan)),
      row_groups_(std::move(row_groups)),
      fields_(reader.ProjectedFields(scan_)),
      schema_(reader.ProjectedSchema(scan_)),
      read_options_{reader.options().verify_checksums},
      chunks_(reader.file_schema().leaves().size()),
      data_(reader.file_schema().leaves().size()) {
  const FileSchema& fs = reader.file_schema();
  for (size_t i = 0; i < fields_.size(); ++i) {
    const AssemblyNode& node = fs.top_level()[fields_[i]];
    if (node.kind != AssemblyNode::kLeaf) continue;
    const LeafColumn& leaf = fs.leaves()[node.leaf];
    if (leaf.max_rep == 0 && SharesStorage(leaf, ColumnVector(schema_->field(i).type))) {
      decoded_in_place_.push_back({i, node.leaf});
    }
  }
}

Status BatchReader::StartRowGroup(int rg) {
  const FileSchema& fs = reader_.file_schema();
  const RowGroup& group = reader_.metadata().row_groups[rg];
  row_group_ = rg;
  context_ = fmt::format("{}, row group {}", reader_.name(), rg);
  group_rows_left_ = group.num_rows;
  next_row_ = reader_.row_group_first_row(rg);
  // An empty row group needs no pages (some writers give its chunks no valid offsets).
  if (group.num_rows == 0) return Status::OK();
  for (size_t field : fields_) {
    const AssemblyNode& node = fs.top_level()[field];
    for (int l = node.leaf_begin; l < node.leaf_end; ++l) {
      const LeafColumn& leaf = fs.leaves()[l];
      RETURN_IF_ERROR(chunks_[l].Open(&reader_.source(), group.columns[leaf.column_index], leaf, group.num_rows,
                                      read_options_, context_));
    }
  }
  return Status::OK();
}

Status BatchReader::FinishRowGroup() {
  const FileSchema& fs = reader_.file_schema();
  for (size_t field : fields_) {
    const AssemblyNode& node = fs.top_level()[field];
    for (int l = node.leaf_begin; l < node.leaf_end; ++l) RETURN_IF_ERROR(chunks_[l].Finish());
  }
  return Status::OK();
}

Result<bool> BatchReader::Next(RecordBatch* out) {
  while (group_rows_left_ == 0) {
    if (next_group_ == row_groups_.size()) return false;
    RETURN_IF_ERROR(StartRowGroup(row_groups_[next_group_++]));
  }
  const int64_t rows = std::min(scan_.batch_rows, group_rows_left_);
  // A batch of this scan's schema (the previous one) keeps its buffers' capacity.
  if (out->schema() == nullptr || (out->schema() != schema_ && !(*out->schema() == *schema_))) {
    *out = RecordBatch(schema_);
  }
  // Columns decoded in place lend their buffers to their leaf before the batch is cleared,
  // so that the leaf decodes over the previous batch's bytes (no zero-fill, no new pages);
  // assembly hands them back. One buffer serves every batch (same address).
  for (const auto& [column, leaf] : decoded_in_place_) {
    ColumnVector& c = out->column(column);
    data_[leaf].values.Reset(reader_.file_schema().leaves()[leaf].layout.width);
    data_[leaf].values.SwapBuffers(&c.mutable_data(), &c.mutable_offsets());
  }
  out->Clear();
  const FileSchema& fs = reader_.file_schema();
  RecordAssembler assembler(fs, data_, context_);
  for (size_t i = 0; i < fields_.size(); ++i) {
    const AssemblyNode& node = fs.top_level()[fields_[i]];
    ColumnVector& column = out->column(i);
    for (int l = node.leaf_begin; l < node.leaf_end; ++l) RETURN_IF_ERROR(chunks_[l].ReadRows(rows, &data_[l]));
    RETURN_IF_ERROR(assembler.AssembleField(node, rows, &column));
  }
  first_row_ = next_row_;
  if (scan_.with_row_position) {
    std::vector<uint8_t>& data = out->column(fields_.size()).mutable_data();
    data.resize(static_cast<size_t>(rows) * sizeof(int64_t));
    auto* pos = reinterpret_cast<int64_t*>(data.data());
    for (int64_t r = 0; r < rows; ++r) pos[r] = first_row_ + r;
    out->column(fields_.size()).SetSize(rows);
  }
  out->set_num_rows(rows);
  next_row_ += rows;
  group_rows_left_ -= rows;
  if (group_rows_left_ == 0) RETURN_IF_ERROR(FinishRowGroup());
  return true;
}

}  // namespace icesync::parquet
