#include "core/durable_file.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "testing/test_util.h"

namespace icesync {
namespace {

int EntriesIn(const std::string& dir) {
  int n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}

TEST(DurableFile, NewFileNeverOverwritesAndLeavesNoTempFile) {
  testing::TempDir dir;
  const std::string path = dir.file("x.avro");
  ASSERT_TRUE(WriteNewFile(path, "first").ok());
  Status st = WriteNewFile(path, "second");
  EXPECT_EQ(st.code(), ErrorCode::kAlreadyExists);
  EXPECT_NE(st.message().find(path), std::string::npos) << st.message();
  EXPECT_EQ(testing::ReadFile(path), "first");
  EXPECT_EQ(EntriesIn(dir.path()), 1);
}

TEST(DurableFile, ReplaceSwapsContentsAtomically) {
  testing::TempDir dir;
  const std::string path = dir.file("version-hint.text");
  ASSERT_TRUE(ReplaceFile(path, "1").ok());
  ASSERT_TRUE(ReplaceFile(path, "2").ok());
  EXPECT_EQ(testing::ReadFile(path), "2");
  EXPECT_EQ(EntriesIn(dir.path()), 1);
}

TEST(DurableFile, ErrorsNameThePath) {
  testing::TempDir dir;
  const std::string missing_dir = dir.file("no/such/dir/f");
  Status st = WriteNewFile(missing_dir, "x");
  EXPECT_EQ(st.code(), ErrorCode::kIOError);
  EXPECT_NE(st.message().find(dir.file("no/such/dir/")), std::string::npos) << st.message();
  EXPECT_FALSE(ReplaceFile(missing_dir, "x").ok());
  ASSERT_TRUE(WriteFileSynced(dir.file("once"), "a").ok());
  EXPECT_FALSE(WriteFileSynced(dir.file("once"), "b").ok());
  EXPECT_EQ(testing::ReadFile(dir.file("once")), "a");
}

}  // namespace
}  // namespace icesync
