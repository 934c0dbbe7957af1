#include "sync/sample_data.h"

#include <gtest/gtest.h>

#include <set>

#include "core/canonical_json.h"

namespace icesync::sync {
namespace {

TEST(SampleDataTest, DeterministicRowsWithUniqueCompositeKeysAndNulls) {
  SampleSpec spec{.orders = 5000};
  auto tables = SampleTables(spec);
  ASSERT_EQ(tables.size(), 2u);
  const SampleTable& orders = tables[1];
  EXPECT_EQ(orders.schema->identifier_field_ids(), (std::vector<int>{1, 2}));
  std::set<std::pair<int64_t, int32_t>> keys;
  int64_t rows = 0, null_discounts = 0;
  std::string first_run;
  ASSERT_TRUE(GenerateSampleRows(spec, orders, 1024, [&](const RecordBatch& b) {
                EXPECT_TRUE(b.Validate().ok());
                for (int64_t r = 0; r < b.num_rows(); ++r) {
                  keys.insert({b.column(0).Value<int64_t>(r), b.column(1).Value<int32_t>(r)});
                  null_discounts += b.column(7).IsNull(r);
                  if (rows + r < 3) first_run += CanonicalRow(b, r);
                }
                rows += b.num_rows();
                return Status::OK();
              }).ok());
  EXPECT_EQ(rows, 5000);
  EXPECT_EQ(keys.size(), 5000u) << "(customer_id, order_no) must be unique";
  EXPECT_GT(null_discounts, 0);
  EXPECT_LT(null_discounts, 5000);
  std::string second_run;
  int64_t seen = 0;
  ASSERT_TRUE(GenerateSampleRows(spec, orders, 2, [&](const RecordBatch& b) {
                for (int64_t r = 0; r < b.num_rows() && seen < 3; ++r, ++seen) second_run += CanonicalRow(b, r);
                return Status::OK();
              }).ok());
  EXPECT_EQ(first_run, second_run) << "same seed, same rows, whatever the batch size";
}

}  // namespace
}  // namespace icesync::sync
