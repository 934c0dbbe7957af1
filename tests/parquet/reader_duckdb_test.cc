// Files DuckDB writes (several codecs, row-group sizes, v1 and v2 pages) read with exactly
// the values DuckDB itself returns; and, on one of them, row-group pruning, projection by
// field id and row positions.
#include "reader_test_util.h"
#include "testing/test_util.h"

namespace icesync::parquet {
namespace {

using testing::CompareJsonRows;
using testing::ReadLines;
using testing::ReadRows;

class DuckDbFiles : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new icesync::testing::TempDir();
    auto r = icesync::testing::RunNode("duckdb_write_parquet.mjs", icesync::testing::ShellQuote(dir_->path().string()) + " 5000");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) {
      if (!line.empty()) files_.push_back(line);
    }
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
    files_.clear();
  }
  static std::string File(const std::string& variant) { return dir_->file("duckdb_" + variant + ".parquet"); }

  static icesync::testing::TempDir* dir_;
  static std::vector<std::string> files_;
};
icesync::testing::TempDir* DuckDbFiles::dir_ = nullptr;
std::vector<std::string> DuckDbFiles::files_;

TEST_F(DuckDbFiles, ValuesMatchWhatDuckDbReads) {
  ASSERT_EQ(files_.size(), 5u);
  for (const std::string& path : files_) {
    SCOPED_TRACE(path);
    auto rows = ReadRows(path);
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    EXPECT_EQ(rows->size(), 5000u);
    EXPECT_EQ(CompareJsonRows(ReadLines(path + ".expected.jsonl"), *rows), "");
  }
}

Predicate Compare(Predicate::Op op, int field, int64_t v) {
  return Predicate{op, field, Value(DataType::Int64(), v), Value()};
}

// duckdb_gzip_rg2048: rows sorted by id 0..4999 in row groups [0, 2047], [2048, 4095], [4096, 4999].
TEST_F(DuckDbFiles, RowGroupsArePrunedByStatistics) {
  auto opened = ParquetReader::Open(File("gzip_rg2048"));
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  const ParquetReader& r = **opened;
  ASSERT_EQ(r.num_row_groups(), 3);
  const int id = r.schema()->field(*r.schema()->FindTopLevelIndex("id")).id;
  const int b = r.schema()->field(*r.schema()->FindTopLevelIndex("b")).id;
  const int i32 = r.schema()->field(*r.schema()->FindTopLevelIndex("i32")).id;
  using Op = Predicate::Op;
  EXPECT_EQ(r.SelectRowGroups({Compare(Op::kLt, id, 1000)}), (std::vector<int>{0}));
  EXPECT_EQ(r.SelectRowGroups({Compare(Op::kEq, id, 2500)}), (std::vector<int>{1}));
  EXPECT_EQ(r.SelectRowGroups({Compare(Op::kGt, id, 4095)}), (std::vector<int>{2}));
  EXPECT_EQ(r.SelectRowGroups({Compare(Op::kGt, id, 4999)}), (std::vector<int>{}));
  Predicate between{Op::kBetween, id, Value(DataType::Int64(), int64_t{1500}), Value(DataType::Int64(), int64_t{2500})};
  EXPECT_EQ(r.SelectRowGroups({between}), (std::vector<int>{0, 1}));
  // A conjunction prunes by every member.
  EXPECT_EQ(r.SelectRowGroups({between, Compare(Op::kGt, id, 2047)}), (std::vector<int>{1}));
  // is null: i32 has nulls in every group, b none.
  EXPECT_EQ(r.SelectRowGroups({Predicate{Op::kIsNull, i32, Value(), Value()}}).size(), 3u);
  EXPECT_TRUE(r.SelectRowGroups({Predicate{Op::kIsNull, b, Value(), Value()}}).empty());
  // An operand of another type is not compared with the statistics: nothing is pruned.
  EXPECT_EQ(r.SelectRowGroups({Predicate{Op::kLt, id, Value(DataType::String(), std::string("0")), Value()}}).size(), 3u);
  // Pruned groups really hold no matching row.
  RecordBatch batch;
  auto scan = r.Scan(ScanOptions{.field_ids = {id}, .row_groups = std::vector<int>{1}, .batch_rows = 4096});
  ASSERT_TRUE(scan.ok()) << scan.status().ToString();
  ASSERT_TRUE(*(*scan)->Next(&batch));
  ASSERT_EQ(batch.num_rows(), 2048);
  EXPECT_EQ((*scan)->first_row(), 2048);
  EXPECT_EQ(batch.column(0).Value<int64_t>(0), 2048);
  EXPECT_EQ(batch.column(0).Value<int64_t>(2047), 4095);
  EXPECT_FALSE(*(*scan)->Next(&batch));
  // A scan with the filter reads only the groups that may match.
  Predicate between_ids{Op::kBetween, id, Value(DataType::Int64(), int64_t{2100}), Value(DataType::Int64(), int64_t{4200})};
  auto filtered = r.Scan(ScanOptions{.field_ids = {id}, .filter = {between_ids}, .batch_rows = 1000});
  ASSERT_TRUE(filtered.ok());
  std::vector<int64_t> first_rows;
  while (*(*filtered)->Next(&batch)) {
    first_rows.push_back((*filtered)->first_row());
    EXPECT_EQ(batch.column(0).Value<int64_t>(0), (*filtered)->first_row());
  }
  EXPECT_EQ(first_rows, (std::vector<int64_t>{2048, 3048, 4048, 4096}));  // 1000 + 1000 + 48 rows, then 904
  EXPECT_EQ(r.Scan(ScanOptions{.row_groups = std::vector<int>{3}}).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.Scan(ScanOptions{.batch_rows = 0}).status().code(), ErrorCode::kInvalidArgument);
}

TEST_F(DuckDbFiles, ProjectionByFieldIdAndRowPositions) {
  auto opened = ParquetReader::Open(File("gzip_rg2048"));
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  const ParquetReader& r = **opened;
  ASSERT_EQ(r.num_row_groups(), 3);  // 2048 + 2048 + 904
  const Schema& s = *r.schema();
  const int id = s.field(*s.FindTopLevelIndex("id")).id;
  const int str = s.field(*s.FindTopLevelIndex("s")).id;
  const Field& li = s.field(*s.FindTopLevelIndex("li"));
  const int li_element = li.type.children()[0].id;
  ScanOptions scan{.field_ids = {str, id, li_element, 999999}, .with_row_position = true};
  auto projected = r.ProjectedSchema(scan);
  ASSERT_EQ(projected->num_fields(), 4u);  // file order; the nested id selects its list; unknown ids are ignored
  EXPECT_EQ(projected->field(0).name, "id");
  EXPECT_EQ(projected->field(1).name, "s");
  EXPECT_EQ(projected->field(2).name, "li");
  EXPECT_EQ(projected->field(3).name, "_pos");
  EXPECT_EQ(projected->field(3).id, kRowPositionFieldId);
  EXPECT_EQ(r.row_group_first_row(1), 2048);
  EXPECT_EQ(r.row_group_first_row(2), 4096);
  // Batches of 700 rows: boundaries fall inside pages and never span row groups.
  scan.batch_rows = 700;
  auto stream = r.Scan(scan);
  ASSERT_TRUE(stream.ok()) << stream.status().ToString();
  int64_t expected_pos = 0;
  RecordBatch batch;
  while (true) {
    auto more = (*stream)->Next(&batch);
    ASSERT_TRUE(more.ok()) << more.status().ToString();
    if (!*more) break;
    ASSERT_TRUE(batch.Validate().ok()) << batch.Validate().ToString();
    EXPECT_EQ((*stream)->first_row(), expected_pos);
    const int g = (*stream)->row_group();
    EXPECT_LE(expected_pos + batch.num_rows(), r.row_group_first_row(g) + r.row_group_num_rows(g));
    for (int64_t i = 0; i < batch.num_rows(); ++i, ++expected_pos) {
      // The file is sorted by id, so a row's id is its position.
      ASSERT_EQ(batch.column(3).Value<int64_t>(i), expected_pos);
      ASSERT_EQ(batch.column(0).Value<int64_t>(i), expected_pos);
    }
  }
  EXPECT_EQ(expected_pos, 5000);
  EXPECT_EQ(r.num_rows(), 5000);
}

}  // namespace
}  // namespace icesync::parquet
