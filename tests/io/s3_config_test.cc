// S3 configuration, locations, S3's XML and error messages: no network.
#include "io/s3_config.h"

#include <gtest/gtest.h>

#include <map>

#include "io/s3_client.h"
#include "io/s3_xml.h"
#include "testing/test_util.h"

namespace icesync::io {
namespace {

using ::icesync::testing::TempDir;
using ::icesync::testing::WriteFile;

EnvLookup Env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const char* name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(S3ConfigTest, EnvironmentKeysRegionAndToken) {
  TempDir home;
  Result<S3Config> c = S3ConfigFromEnvironment(Env({{"HOME", home.path().string()},
                                                    {"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"},
                                                    {"AWS_SECRET_ACCESS_KEY", "env-secret-value"},
                                                    {"AWS_SESSION_TOKEN", "env-token-value"},
                                                    {"AWS_REGION", "eu-west-1"},
                                                    {"AWS_DEFAULT_REGION", "us-west-2"}}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->credentials.access_key_id, "AKIDEXAMPLE");
  EXPECT_EQ(c->credentials.secret_access_key, "env-secret-value");
  EXPECT_EQ(c->credentials.session_token, "env-token-value");
  EXPECT_EQ(c->region, "eu-west-1");
  EXPECT_FALSE(c->path_style);
  EXPECT_EQ(c->endpoint, "");
  // The source names variables, never values.
  EXPECT_EQ(c->credentials_source.find("secret-value"), std::string::npos);
  EXPECT_NE(c->credentials_source.find("AWS_ACCESS_KEY_ID"), std::string::npos);
  EXPECT_EQ(c->ObjectUrl("lake", "wh/db/t/data/a b.parquet"),
            "https://lake.s3.eu-west-1.amazonaws.com/wh/db/t/data/a%20b.parquet");
}

TEST(S3ConfigTest, RegionFallsBackToDefaultRegionThenProfileThenUsEast1) {
  TempDir home;
  auto region = [&](std::map<std::string, std::string> vars) {
    vars["HOME"] = home.path().string();
    Result<S3Config> c = S3ConfigFromEnvironment(Env(vars));
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? c->region : "";
  };
  EXPECT_EQ(region({}), "us-east-1");
  EXPECT_EQ(region({{"AWS_DEFAULT_REGION", "us-west-2"}}), "us-west-2");
  std::filesystem::create_directories(home.path() / ".aws");
  WriteFile(home.file(".aws/config"), "[default]\nregion = ap-south-1\n[profile dev]\nregion=eu-central-1\n");
  EXPECT_EQ(region({}), "ap-south-1");
  EXPECT_EQ(region({{"AWS_PROFILE", "dev"}}), "eu-central-1");
  EXPECT_EQ(region({{"AWS_PROFILE", "dev"}, {"AWS_DEFAULT_REGION", "us-west-2"}}), "us-west-2");
  EXPECT_EQ(region({{"AWS_PROFILE", "dev"}, {"AWS_REGION", "sa-east-1"}, {"AWS_DEFAULT_REGION", "us-west-2"}}),
            "sa-east-1");
}

TEST(S3ConfigTest, ProfilesFromTheSharedFiles) {
  TempDir dir;
  WriteFile(dir.file("creds"),
            "# comment\n[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = default-secret\n\n"
            "[dev]\n  AWS_ACCESS_KEY_ID=AKIDDEV  \naws_secret_access_key= dev-secret \naws_session_token = dev-token\n");
  WriteFile(dir.file("conf"),
            "[profile cfgonly]\naws_access_key_id = AKIDCFG\naws_secret_access_key = cfg-secret\nregion = eu-north-1\n");
  auto load = [&](std::map<std::string, std::string> vars) {
    vars["AWS_SHARED_CREDENTIALS_FILE"] = dir.file("creds");
    vars["AWS_CONFIG_FILE"] = dir.file("conf");
    return S3ConfigFromEnvironment(Env(vars));
  };
  Result<S3Config> def = load({});
  ASSERT_TRUE(def.ok()) << def.status().ToString();
  EXPECT_EQ(def->credentials.access_key_id, "AKIDDEFAULT");
  EXPECT_EQ(def->credentials.secret_access_key, "default-secret");
  EXPECT_EQ(def->credentials.session_token, "");

  Result<S3Config> dev = load({{"AWS_PROFILE", "dev"}});
  ASSERT_TRUE(dev.ok()) << dev.status().ToString();
  EXPECT_EQ(dev->credentials.access_key_id, "AKIDDEV");
  EXPECT_EQ(dev->credentials.secret_access_key, "dev-secret");
  EXPECT_EQ(dev->credentials.session_token, "dev-token");
  EXPECT_NE(dev->credentials_source.find("profile 'dev'"), std::string::npos);
  EXPECT_EQ(dev->credentials_source.find("dev-secret"), std::string::npos);

  Result<S3Config> cfg = load({{"AWS_PROFILE", "cfgonly"}});
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->credentials.access_key_id, "AKIDCFG");
  EXPECT_EQ(cfg->region, "eu-north-1");

  // The environment's key pair wins over any profile.
  Result<S3Config> env = load({{"AWS_PROFILE", "dev"}, {"AWS_ACCESS_KEY_ID", "AKIDENV"}, {"AWS_SECRET_ACCESS_KEY", "s"}});
  ASSERT_TRUE(env.ok());
  EXPECT_EQ(env->credentials.access_key_id, "AKIDENV");
  EXPECT_EQ(env->credentials.session_token, "");

  Result<S3Config> missing = load({{"AWS_PROFILE", "nope"}});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(missing.status().message().find("'nope'"), std::string::npos) << missing.status().message();
  EXPECT_NE(missing.status().message().find(dir.file("creds")), std::string::npos) << missing.status().message();
  EXPECT_EQ(missing.status().message().find("secret"), std::string::npos) << missing.status().message();
}

TEST(S3ConfigTest, NoCredentialsMeansUnsignedAndHalfAPairIsRefused) {
  TempDir home;
  Result<S3Config> none = S3ConfigFromEnvironment(Env({{"HOME", home.path().string()}}));
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->credentials.empty());
  EXPECT_NE(none->credentials_source.find("unsigned"), std::string::npos);

  Result<S3Config> half = S3ConfigFromEnvironment(Env({{"HOME", home.path().string()}, {"AWS_ACCESS_KEY_ID", "AKID"}}));
  ASSERT_FALSE(half.ok());
  EXPECT_NE(half.status().message().find("AWS_SECRET_ACCESS_KEY"), std::string::npos);
  Result<S3Config> other_half =
      S3ConfigFromEnvironment(Env({{"HOME", home.path().string()}, {"AWS_SECRET_ACCESS_KEY", "lonely-secret"}}));
  ASSERT_FALSE(other_half.ok());
  EXPECT_NE(other_half.status().message().find("AWS_ACCESS_KEY_ID"), std::string::npos);
  EXPECT_EQ(other_half.status().message().find("lonely-secret"), std::string::npos);
}

TEST(S3ConfigTest, EndpointImpliesPathStyle) {
  TempDir home;
  auto load = [&](std::map<std::string, std::string> vars) {
    vars["HOME"] = home.path().string();
    return S3ConfigFromEnvironment(Env(vars));
  };
  Result<S3Config> c = load({{"AWS_ENDPOINT_URL", "http://127.0.0.1:9000/"}});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->endpoint, "http://127.0.0.1:9000");
  EXPECT_TRUE(c->path_style);
  EXPECT_EQ(c->ObjectUrl("lake", "wh/ts_day=2024-01-01/name=a%20b/x y+z.parquet"),
            "http://127.0.0.1:9000/lake/wh/ts_day%3D2024-01-01/name%3Da%2520b/x%20y%2Bz.parquet");
  EXPECT_EQ(c->ObjectUrl("lake", ""), "http://127.0.0.1:9000/lake/");

  Result<S3Config> s3_specific = load({{"AWS_ENDPOINT_URL", "http://a:1"}, {"AWS_ENDPOINT_URL_S3", "https://b:2"}});
  ASSERT_TRUE(s3_specific.ok());
  EXPECT_EQ(s3_specific->endpoint, "https://b:2");

  for (const char* bad : {"ftp://x", "127.0.0.1:9000", "http://host/path", "http://h?x=1"}) {
    Result<S3Config> r = load({{"AWS_ENDPOINT_URL", bad}});
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.status().message().find("AWS_ENDPOINT_URL"), std::string::npos);
  }
  // On AWS, a dotted bucket is addressed path-style (it would not match the TLS certificate).
  S3Config aws;
  aws.region = "us-west-2";
  EXPECT_EQ(aws.ObjectUrl("my.lake", "k"), "https://s3.us-west-2.amazonaws.com/my.lake/k");
  EXPECT_EQ(aws.ObjectUrl("Legacy_Lake", "k"), "https://s3.us-west-2.amazonaws.com/Legacy_Lake/k");
  EXPECT_EQ(aws.ObjectUrl("lake-1", "k"), "https://lake-1.s3.us-west-2.amazonaws.com/k");
}

TEST(S3LocationTest, ParsesSchemesBucketsAndKeys) {
  for (const char* scheme : {"s3", "s3a", "s3n"}) {
    Result<S3Location> l = ParseS3Location(std::string(scheme) + "://lake/wh/db/t/data/x.parquet");
    ASSERT_TRUE(l.ok()) << l.status().ToString();
    EXPECT_EQ(l->scheme, scheme);
    EXPECT_EQ(l->bucket, "lake");
    EXPECT_EQ(l->key, "wh/db/t/data/x.parquet");
    EXPECT_EQ(l->ToString(), std::string(scheme) + "://lake/wh/db/t/data/x.parquet");
  }
  Result<S3Location> bucket_only = ParseS3Location("s3://lake");
  ASSERT_TRUE(bucket_only.ok());
  EXPECT_EQ(bucket_only->key, "");
  Result<S3Location> spaced = ParseS3Location("s3://lake/a b/ts_day=2024-01-01/%/+");
  ASSERT_TRUE(spaced.ok());
  EXPECT_EQ(spaced->key, "a b/ts_day=2024-01-01/%/+");

  for (const char* bad : {"s3://", "s3:///key", "gs://lake/k", "/local/path", "s3:/lake/k", "s3://la ke/k"}) {
    Result<S3Location> r = ParseS3Location(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find("s3://"), std::string::npos) << r.status().message();
  }
  Result<S3Location> creds = ParseS3Location("s3://AKID:location-secret@lake/k");
  ASSERT_FALSE(creds.ok());
  EXPECT_EQ(creds.status().message().find("location-secret"), std::string::npos) << creds.status().message();
}

TEST(S3XmlTest, ElementsAndEntities) {
  const std::string xml =
      "<ListBucketResult xmlns=\"x\"><KeyCount>2</KeyCount><Contents><Key>a&amp;b &lt;c&gt; &#233;&#x2713;</Key>"
      "<Size>5</Size></Contents><Contents><Key>d&quot;e&apos;</Key><Size>0</Size></Contents><Empty/></ListBucketResult>";
  std::vector<std::string_view> contents = s3xml::Elements(xml, "Contents");
  ASSERT_EQ(contents.size(), 2u);
  EXPECT_EQ(s3xml::Text(contents[0], "Key"), "a&b <c> \xC3\xA9\xE2\x9C\x93");
  EXPECT_EQ(s3xml::Text(contents[1], "Key"), "d\"e'");
  EXPECT_EQ(s3xml::Elements(xml, "Key").size(), 2u);  // <KeyCount> is not <Key>
  EXPECT_EQ(s3xml::Text(xml, "KeyCount"), "2");
  EXPECT_EQ(s3xml::Elements(xml, "Empty").size(), 1u);
  EXPECT_EQ(s3xml::Text(xml, "Missing"), "");
  EXPECT_EQ(s3xml::Decode("&bogus; &#xZZ; & alone"), "&bogus; &#xZZ; & alone");
  EXPECT_EQ(s3xml::Escape("\"etag\"&<>'"), "&quot;etag&quot;&amp;&lt;&gt;&apos;");
}

TEST(S3ErrorTest, MessagesNameTheObjectAndTheFixButNoSecret) {
  S3Config config;
  config.credentials = {"AKIDEXAMPLE", "the-secret-key-value", "the-session-token"};
  config.credentials_source = "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN";
  S3Client client(config);
  auto error = [&](long status, const std::string& body) {
    HttpResponse r;
    r.status = status;
    r.body = body;
    return client.ErrorFor(r, "reading", "s3://lake/wh/x.parquet");
  };
  Status denied = error(403, "<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated "
                             "does not match</Message><StringToSign>AWS4-HMAC-SHA256...</StringToSign></Error>");
  EXPECT_EQ(denied.code(), ErrorCode::kIOError);
  for (const char* part : {"s3://lake/wh/x.parquet", "SignatureDoesNotMatch", "AWS_SECRET_ACCESS_KEY", "'lake'"}) {
    EXPECT_NE(denied.message().find(part), std::string::npos) << part << " in " << denied.message();
  }
  Status head_denied = error(403, "");  // HEAD answers carry no body
  EXPECT_NE(head_denied.message().find("AWS_ACCESS_KEY_ID"), std::string::npos);
  Status no_bucket = error(404, "<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message></Error>");
  EXPECT_EQ(no_bucket.code(), ErrorCode::kNotFound);
  EXPECT_NE(no_bucket.message().find("bucket 'lake'"), std::string::npos) << no_bucket.message();
  Status missing = error(404, "");
  EXPECT_EQ(missing.code(), ErrorCode::kNotFound);
  EXPECT_NE(missing.message().find("s3://lake/wh/x.parquet"), std::string::npos);
  Status other = error(400, "<Error><Code>InvalidArgument</Code><Message>Bad &amp; wrong</Message></Error>");
  EXPECT_NE(other.message().find("400 InvalidArgument: Bad & wrong"), std::string::npos) << other.message();
  for (const Status& s : {denied, head_denied, no_bucket, missing, other}) {
    EXPECT_EQ(s.message().find("the-secret-key-value"), std::string::npos) << s.message();
    EXPECT_EQ(s.message().find("the-session-token"), std::string::npos) << s.message();
  }
}

}  // namespace
}  // namespace icesync::io
