// --catalog values and ~/.icesync.yaml entries resolve to the configuration a user meant, and
// every mistake is an error naming the value, the file and the fix (never a secret).
#include "catalog/catalog_config.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "iceberg/filesystem_catalog.h"
#include "testing/test_util.h"

namespace icesync::catalog {
namespace {

using icesync::testing::TempDir;
using icesync::testing::WriteFile;

// Sets an environment variable for one test and restores it after.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old, had_ = true;
    setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (had_) setenv(name_, old_.c_str(), 1);
    else unsetenv(name_);
  }

 private:
  const char* name_;
  std::string old_;
  bool had_ = false;
};

TEST(CatalogConfigTest, FlagsForms) {
  Result<CatalogConfig> fs = ResolveCatalogConfig("", "/wh");
  ASSERT_TRUE(fs.ok());
  EXPECT_EQ(fs->type, "filesystem");
  EXPECT_EQ(fs->warehouse, "/wh");

  Result<CatalogConfig> sql = ResolveCatalogConfig("sql:sqlite:///cat.db", "s3://lake/wh");
  ASSERT_TRUE(sql.ok());
  EXPECT_EQ(sql->type, "sql");
  EXPECT_EQ(sql->uri, "sqlite:///cat.db");
  EXPECT_EQ(sql->name, "default");
  EXPECT_EQ(sql->warehouse, "s3://lake/wh");

  ScopedEnv cred("ICESYNC_REST_CREDENTIAL", "client:secret-value");
  Result<CatalogConfig> rest = ResolveCatalogConfig("rest:http://127.0.0.1:8181", "");
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(rest->type, "rest");
  EXPECT_EQ(rest->uri, "http://127.0.0.1:8181");
  EXPECT_EQ(rest->credential, "client:secret-value");

  Result<CatalogConfig> empty_uri = ResolveCatalogConfig("sql:", "/wh");
  ASSERT_FALSE(empty_uri.ok());
  EXPECT_NE(empty_uri.status().message().find("needs a uri"), std::string::npos) << empty_uri.status().message();
}

TEST(CatalogConfigTest, NamedEntriesFromTheConfigFile) {
  TempDir dir;
  const std::string path = dir.file("icesync.yaml");
  WriteFile(path,
            "catalog:\n"
            "  prod:\n"
            "    type: sql\n"
            "    uri: postgresql://etl@db1/lake?password_env=CATALOG_PW\n"
            "    warehouse: s3://lake/wh\n"
            "  polaris:\n"
            "    type: rest\n"
            "    uri: https://polaris.example.com/api/catalog\n"
            "    credential: ${TEST_POLARIS_ID}:${TEST_POLARIS_SECRET}\n"
            "  typo:\n"
            "    type: hive\n"
            "  badkey:\n"
            "    type: sql\n"
            "    url: x\n");
  ScopedEnv config("ICESYNC_CONFIG", path);

  Result<CatalogConfig> prod = ResolveCatalogConfig("prod", "");
  ASSERT_TRUE(prod.ok()) << prod.status().ToString();
  EXPECT_EQ(prod->name, "prod");
  EXPECT_EQ(prod->type, "sql");
  EXPECT_EQ(prod->warehouse, "s3://lake/wh");
  // --warehouse overrides the entry's.
  EXPECT_EQ(ResolveCatalogConfig("prod", "/elsewhere")->warehouse, "/elsewhere");

  {
    // An unset variable is named, and nothing of the other values leaks.
    ScopedEnv id("TEST_POLARIS_ID", "the-client");
    unsetenv("TEST_POLARIS_SECRET");
    Result<CatalogConfig> missing = ResolveCatalogConfig("polaris", "");
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.status().message().find("TEST_POLARIS_SECRET"), std::string::npos);
    EXPECT_EQ(missing.status().message().find("the-client"), std::string::npos);
    ScopedEnv secret("TEST_POLARIS_SECRET", "s3cr3t");
    Result<CatalogConfig> polaris = ResolveCatalogConfig("polaris", "");
    ASSERT_TRUE(polaris.ok()) << polaris.status().ToString();
    EXPECT_EQ(polaris->credential, "the-client:s3cr3t");
  }

  Result<CatalogConfig> unknown = ResolveCatalogConfig("staging", "");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(unknown.status().message().find("prod, polaris"), std::string::npos) << unknown.status().message();

  Result<CatalogConfig> typo = ResolveCatalogConfig("typo", "");
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(typo.status().message().find("'hive'"), std::string::npos) << typo.status().message();
  Result<CatalogConfig> badkey = ResolveCatalogConfig("badkey", "");
  ASSERT_FALSE(badkey.ok());
  EXPECT_NE(badkey.status().message().find("catalog.badkey.url"), std::string::npos) << badkey.status().message();
}

TEST(CatalogConfigTest, NoConfigFileNamesWhatWasExpected) {
  ScopedEnv config("ICESYNC_CONFIG", "/nonexistent/icesync.yaml");
  Result<CatalogConfig> r = ResolveCatalogConfig("prod", "");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("sql:<connection>"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("/nonexistent/icesync.yaml"), std::string::npos) << r.status().message();
}

TEST(CatalogConfigTest, OpenCatalogFlag) {
  // The filesystem catalog is the warehouse itself: jobs get null and use the warehouse.
  Result<std::shared_ptr<iceberg::Catalog>> fs = OpenCatalogFlag("", "/wh");
  ASSERT_TRUE(fs.ok());
  EXPECT_EQ(*fs, nullptr);
  TempDir dir;
  Result<std::shared_ptr<iceberg::Catalog>> sql = OpenCatalogFlag("sql:sqlite://" + dir.file("cat.db"), dir.file("wh"));
  ASSERT_TRUE(sql.ok()) << sql.status().ToString();
  ASSERT_NE(*sql, nullptr);
  EXPECT_NE((*sql)->Describe().find("cat.db"), std::string::npos);
  Result<std::shared_ptr<iceberg::Catalog>> no_wh = OpenCatalogFlag("sql:sqlite://" + dir.file("cat.db"), "");
  ASSERT_FALSE(no_wh.ok());
  EXPECT_NE(no_wh.status().message().find("--warehouse"), std::string::npos);
}

}  // namespace
}  // namespace icesync::catalog
