// S3FileIO against a real S3-compatible server (s3rver, tests/testing/s3_server.h), and through
// the strict proxy for what s3rver lacks (signature checks, If-None-Match: *).
#include "io/s3_file_io.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <random>
#include <thread>

#include "io/s3_input_file.h"
#include "testing/s3_server.h"

namespace icesync::io {
namespace {

using ::icesync::testing::S3Server;

std::string RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

class S3FileIOTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_S3_SERVER(server);
    server_ = server;
    // Each test works under its own prefix of the shared bucket.
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    prefix_ = std::string("t/") + info->name() + "-" + std::to_string(std::random_device{}());
  }
  std::string Loc(const std::string& name) const { return server_->Location(prefix_ + "/" + name); }
  std::string Dir() const { return server_->Location(prefix_); }

  S3Server* server_ = nullptr;
  std::string prefix_;
};

TEST_F(S3FileIOTest, SmallRoundTrip) {
  S3FileIO io(server_->Config());
  const std::string loc = Loc("metadata/v1.metadata.json");
  EXPECT_FALSE(*io.Exists(loc));
  ASSERT_TRUE(io.WriteReplace(loc, "{\"a\":1}").ok());
  EXPECT_TRUE(*io.Exists(loc));
  Result<std::string> all = io.ReadAll(loc);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(*all, "{\"a\":1}");

  Result<std::unique_ptr<OutputFile>> out = io.CreateOutput(Loc("data/small.parquet"));
  ASSERT_TRUE(out.ok());
  ASSERT_TRUE((*out)->Write("hello ", 6).ok());
  ASSERT_TRUE((*out)->Write("world", 5).ok());
  EXPECT_FALSE(*io.Exists(Loc("data/small.parquet")));  // nothing visible before Finish
  ASSERT_TRUE((*out)->Finish().ok());
  (*out)->Abort();  // after Finish: a no-op
  Result<std::unique_ptr<InputFile>> in = io.OpenInput(Loc("data/small.parquet"));
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  EXPECT_EQ((*in)->size(), 11u);
  EXPECT_EQ((*in)->name(), Loc("data/small.parquet"));
  std::string s;
  ASSERT_TRUE((*in)->ReadAt(6, 5, &s).ok());
  EXPECT_EQ(s, "world");

  // Empty objects exist and read as empty.
  ASSERT_TRUE(io.WriteReplace(Loc("empty"), "").ok());
  Result<std::unique_ptr<InputFile>> empty = io.OpenInput(Loc("empty"));
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ((*empty)->size(), 0u);
  ASSERT_TRUE((*empty)->ReadAt(0, 0, &s).ok());
  EXPECT_EQ(s, "");
}

TEST_F(S3FileIOTest, MultipartRoundTripIsInvisibleUntilFinished) {
  S3FileIO io(server_->Config(), {.part_size = 5 << 20});
  const std::string data = RandomBytes((20 << 20) + 12345, 7);
  const std::string loc = Loc("data/big.parquet");
  Result<std::unique_ptr<OutputFile>> out = io.CreateOutput(loc);
  ASSERT_TRUE(out.ok());
  size_t pos = 0;
  size_t chunk = 777777;  // odd sizes: parts never align with writes
  while (pos < data.size()) {
    const size_t n = std::min(chunk, data.size() - pos);
    ASSERT_TRUE((*out)->Write(data.data() + pos, n).ok());
    pos += n;
    if (pos > (12 << 20) && pos - n <= (12 << 20)) {
      // Two parts uploaded by now: still no object.
      EXPECT_FALSE(*io.Exists(loc));
      EXPECT_TRUE(io.List(Dir())->empty());
    }
  }
  ASSERT_TRUE((*out)->Finish().ok());
  Result<std::string> all = io.ReadAll(loc);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_TRUE(*all == data) << "multipart object differs (" << all->size() << " bytes read)";

  Result<std::unique_ptr<InputFile>> in = io.OpenInput(loc);
  ASSERT_TRUE(in.ok());
  EXPECT_EQ((*in)->size(), data.size());
  std::mt19937 rng(3);
  for (int i = 0; i < 20; ++i) {
    const uint64_t off = rng() % data.size();
    const uint64_t len = std::min<uint64_t>(rng() % (1 << 20), data.size() - off);
    std::string got;
    ASSERT_TRUE((*in)->ReadAt(off, len, &got).ok());
    EXPECT_TRUE(got == data.substr(off, len)) << off << "+" << len;
  }
}

TEST_F(S3FileIOTest, RangedReadsAtTheEdgesAndTheTailCache) {
  S3FileIO io(server_->Config());
  const std::string data = RandomBytes(200000, 11);
  ASSERT_TRUE(io.WriteReplace(Loc("f"), data).ok());
  Result<std::unique_ptr<InputFile>> in = io.OpenInput(Loc("f"));
  ASSERT_TRUE(in.ok());
  const auto* s3in = dynamic_cast<const S3InputFile*>(in->get());
  ASSERT_NE(s3in, nullptr);
  std::string got;
  // A Parquet reader's first reads: the 8-byte footer trailer, then the footer before it. Both
  // fall in the last 64 KiB, fetched once.
  ASSERT_TRUE((*in)->ReadAt(data.size() - 8, 8, &got).ok());
  EXPECT_EQ(got, data.substr(data.size() - 8));
  ASSERT_TRUE((*in)->ReadAt(data.size() - 5000, 4992, &got).ok());
  EXPECT_EQ(got, data.substr(data.size() - 5000, 4992));
  EXPECT_EQ(s3in->gets(), 1u);
  ASSERT_TRUE((*in)->ReadAt(0, 10, &got).ok());
  EXPECT_EQ(got, data.substr(0, 10));
  EXPECT_EQ(s3in->gets(), 2u);
  // Straddling the tail's start: a plain ranged GET.
  const uint64_t tail_start = data.size() - (64 << 10);
  ASSERT_TRUE((*in)->ReadAt(tail_start - 3, 6, &got).ok());
  EXPECT_EQ(got, data.substr(tail_start - 3, 6));
  ASSERT_TRUE((*in)->ReadAt(data.size(), 0, &got).ok());
  EXPECT_EQ(got, "");
  std::string buf(10, 'x');
  ASSERT_TRUE((*in)->ReadInto(100, 10, reinterpret_cast<uint8_t*>(buf.data())).ok());
  EXPECT_EQ(buf, data.substr(100, 10));

  for (auto [off, len] : {std::pair<uint64_t, uint64_t>{data.size() - 5, 10}, {data.size() + 1, 0}, {0, data.size() + 1},
                          {UINT64_MAX - 2, 8}}) {
    Status st = (*in)->ReadAt(off, len, &got);
    ASSERT_FALSE(st.ok()) << off << "+" << len;
    EXPECT_EQ(st.code(), ErrorCode::kCorrupt);
    EXPECT_NE(st.message().find(Loc("f")), std::string::npos) << st.message();
  }

  // Without the tail cache every read is its own ranged GET.
  S3FileIO plain(server_->Config(), {.tail_bytes = 0});
  Result<std::unique_ptr<InputFile>> in2 = plain.OpenInput(Loc("f"));
  ASSERT_TRUE(in2.ok());
  ASSERT_TRUE((*in2)->ReadAt(data.size() - 8, 8, &got).ok());
  ASSERT_TRUE((*in2)->ReadAt(data.size() - 5000, 4992, &got).ok());
  EXPECT_EQ(got, data.substr(data.size() - 5000, 4992));
  EXPECT_EQ(dynamic_cast<const S3InputFile*>(in2->get())->gets(), 2u);
}

TEST_F(S3FileIOTest, AbortLeavesNothing) {
  S3FileIO io(server_->Config(), {.part_size = 5 << 20});
  {
    Result<std::unique_ptr<OutputFile>> small = io.CreateOutput(Loc("small"));
    ASSERT_TRUE((*small)->Write("abc", 3).ok());
    (*small)->Abort();
    (*small)->Abort();  // twice is fine
    EXPECT_FALSE((*small)->Finish().ok());
  }
  {
    // Mid-multipart: two parts uploaded, then aborted.
    Result<std::unique_ptr<OutputFile>> big = io.CreateOutput(Loc("big"));
    const std::string part = RandomBytes(11 << 20, 5);
    ASSERT_TRUE((*big)->Write(part.data(), part.size()).ok());
    (*big)->Abort();
  }
  {
    // Destroyed unfinished (a failed job): the same as Abort.
    Result<std::unique_ptr<OutputFile>> dropped = io.CreateOutput(Loc("dropped"));
    const std::string part = RandomBytes(6 << 20, 6);
    ASSERT_TRUE((*dropped)->Write(part.data(), part.size()).ok());
  }
  Result<std::vector<FileInfo>> listed = io.List(Dir());
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  EXPECT_TRUE(listed->empty()) << listed->front().location;
  for (const char* name : {"small", "big", "dropped"}) EXPECT_FALSE(*io.Exists(Loc(name))) << name;
}

TEST_F(S3FileIOTest, DeleteIsIdempotent) {
  S3FileIO io(server_->Config());
  ASSERT_TRUE(io.Delete(Loc("never-written")).ok());
  ASSERT_TRUE(io.WriteReplace(Loc("x"), "1").ok());
  ASSERT_TRUE(io.Delete(Loc("x")).ok());
  EXPECT_FALSE(*io.Exists(Loc("x")));
  ASSERT_TRUE(io.Delete(Loc("x")).ok());
}

TEST_F(S3FileIOTest, ListFollowsContinuationTokensAndKeepsThePrefixExact) {
  S3FileIO io(server_->Config(), {.list_page_size = 7});
  std::vector<std::string> expected;
  for (int i = 0; i < 25; ++i) {
    const std::string name = (i % 3 == 0 ? "data/sub/" : "data/") + std::to_string(1000 + i) + ".parquet";
    ASSERT_TRUE(io.WriteReplace(Loc(name), std::string(i, 'x')).ok());
    expected.push_back(Loc(name));
  }
  ASSERT_TRUE(io.WriteReplace(Loc("data2/not-under-data"), "y").ok());  // shares the string prefix "data"
  std::sort(expected.begin(), expected.end());
  const int64_t now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  for (const std::string& prefix : {Loc("data"), Loc("data/")}) {
    Result<std::vector<FileInfo>> listed = io.List(prefix);
    ASSERT_TRUE(listed.ok()) << listed.status().ToString();
    ASSERT_EQ(listed->size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
      EXPECT_EQ((*listed)[i].location, expected[i]);
      EXPECT_LT(std::llabs((*listed)[i].modified_ms - now_ms), 10 * 60 * 1000);
    }
  }
  Result<std::vector<FileInfo>> sub = io.List(Loc("data/sub"));
  ASSERT_TRUE(sub.ok());
  EXPECT_EQ(sub->size(), 9u);
  EXPECT_EQ((*sub)[1].size, 3u);  // data/sub/1003.parquet
  // The listing answers in the caller's scheme.
  Result<std::vector<FileInfo>> s3a = io.List("s3a" + Loc("data/sub").substr(2));
  ASSERT_TRUE(s3a.ok());
  ASSERT_FALSE(s3a->empty());
  EXPECT_EQ(s3a->front().location.rfind("s3a://", 0), 0u);
  EXPECT_TRUE(io.List(Loc("nothing-here"))->empty());
}

// More than one default page (1000 keys), written by several threads through one S3FileIO.
TEST_F(S3FileIOTest, ManyKeysFromManyThreads) {
  S3FileIO io(server_->Config());
  constexpr int kThreads = 6;
  constexpr int kKeys = 1001;
  std::atomic<int> next{0};
  std::mutex mu;
  std::vector<std::string> failures;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i; (i = next++) < kKeys;) {
        Status st = io.WriteReplace(Loc("k/" + std::to_string(i)), std::to_string(i));
        if (!st.ok()) {
          std::lock_guard<std::mutex> lock(mu);
          failures.push_back(st.ToString());
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_TRUE(failures.empty()) << failures.size() << " failed, first: " << failures.front();
  Result<std::vector<FileInfo>> listed = io.List(Loc("k"));
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), static_cast<size_t>(kKeys));
  std::vector<std::string> names;
  for (int i = 0; i < kKeys; ++i) names.push_back(Loc("k/" + std::to_string(i)));
  std::sort(names.begin(), names.end());
  for (int i = 0; i < kKeys; ++i) EXPECT_EQ((*listed)[i].location, names[i]);
  // Spot checks of contents, in parallel too.
  threads.clear();
  std::atomic<int> bad{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < kKeys; i += 97) {
        Result<std::string> back = io.ReadAll(Loc("k/" + std::to_string(i)));
        if (!back.ok() || *back != std::to_string(i)) ++bad;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(bad.load(), 0);
}

// Partition folder names and other keys that URL encoding could change must round-trip
// exactly, also through the strict proxy, whose signature check needs the same canonical path.
TEST_F(S3FileIOTest, NamesRoundTripExactly) {
  const std::vector<std::string> names = {
      "ts_day=2024-01-01/part 1.parquet", "name=a%20b/x.parquet", "plus+sign/a+b.avro",
      "unicode/\xC3\xBC\xC3\xB1\xC3\xAF \xE2\x9C\x93.parquet", "pct%25/%2F.json", "eq==/q?x&y=z#frag", "tilde~/(paren)!*'",
      // libcurl squashes "/.." unless told not to (s3rver itself squashes "/./x/../", so that
      // form is left out here; S3 keeps both as written).
      "dots/.."};
  for (bool strict : {false, true}) {
    SCOPED_TRACE(strict ? "through the strict proxy" : "s3rver");
    S3FileIO io(server_->Config(strict));
    const std::string base = strict ? "strict/" : "plain/";
    std::vector<std::string> expected;
    for (const std::string& name : names) {
      const std::string loc = Loc(base + name);
      ASSERT_TRUE(io.WriteReplace(loc, name).ok()) << name;
      Result<std::string> back = io.ReadAll(loc);
      ASSERT_TRUE(back.ok()) << name << ": " << back.status().ToString();
      EXPECT_EQ(*back, name);
      Result<std::unique_ptr<InputFile>> in = io.OpenInput(loc);
      ASSERT_TRUE(in.ok()) << name << ": " << in.status().ToString();
      std::string s;
      ASSERT_TRUE((*in)->ReadAt(1, 3, &s).ok()) << name;
      EXPECT_EQ(s, name.substr(1, 3));
      expected.push_back(loc);
    }
    std::sort(expected.begin(), expected.end());
    Result<std::vector<FileInfo>> listed = io.List(Loc(base));
    ASSERT_TRUE(listed.ok()) << listed.status().ToString();
    std::vector<std::string> got;
    for (const FileInfo& f : *listed) got.push_back(f.location);
    EXPECT_EQ(got, expected);
    for (const std::string& loc : expected) {
      ASSERT_TRUE(io.Delete(loc).ok());
      EXPECT_FALSE(*io.Exists(loc));
    }
  }
}

TEST_F(S3FileIOTest, NotFoundNamesTheObjectOrTheBucket) {
  S3FileIO io(server_->Config());
  const std::string loc = Loc("missing/x.parquet");
  Result<std::unique_ptr<InputFile>> in = io.OpenInput(loc);
  ASSERT_FALSE(in.ok());
  EXPECT_EQ(in.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(in.status().message().find(loc), std::string::npos) << in.status().message();
  Result<std::string> all = io.ReadAll(loc);
  ASSERT_FALSE(all.ok());
  EXPECT_EQ(all.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(all.status().message().find(loc), std::string::npos) << all.status().message();

  Result<std::string> no_bucket = io.ReadAll("s3://no-such-bucket-here/x");
  ASSERT_FALSE(no_bucket.ok());
  EXPECT_EQ(no_bucket.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(no_bucket.status().message().find("bucket 'no-such-bucket-here'"), std::string::npos)
      << no_bucket.status().message();
  Status write = io.WriteReplace("s3://no-such-bucket-here/x", "1");
  EXPECT_EQ(write.code(), ErrorCode::kNotFound) << write.ToString();
  EXPECT_FALSE(io.Delete("s3://no-such-bucket-here/x").ok());
  {
    // A multipart output fails at its first part, and keeps failing.
    S3FileIO parts(server_->Config(), {.part_size = 5 << 20});
    Result<std::unique_ptr<OutputFile>> out = parts.CreateOutput("s3://no-such-bucket-here/big");
    ASSERT_TRUE(out.ok());
    const std::string part = RandomBytes(5 << 20, 1);
    Status st = (*out)->Write(part.data(), part.size());
    EXPECT_EQ(st.code(), ErrorCode::kNotFound) << st.ToString();
    EXPECT_EQ((*out)->Finish().code(), ErrorCode::kNotFound);
  }
  EXPECT_FALSE(io.List("s3://no-such-bucket-here/x").ok());
  EXPECT_EQ(io.OpenInput("gs://bucket/x").status().code(), ErrorCode::kInvalidArgument);
}

TEST_F(S3FileIOTest, S3rverHasNoExclusiveCreate) {
  S3FileIO io(server_->Config());
  Result<bool> supported = io.SupportsExclusiveCreate(Loc("metadata/v1.metadata.json"));
  ASSERT_TRUE(supported.ok()) << supported.status().ToString();
  EXPECT_FALSE(*supported);
  EXPECT_TRUE(io.List(Dir())->empty());  // the probe is gone
}

TEST_F(S3FileIOTest, StrictProxyHasExclusiveCreateAndASecondWriteNewIsAlreadyExists) {
  S3FileIO io(server_->Config(/*strict=*/true));
  // As the filesystem catalog asks: for the file it is about to create.
  Result<bool> supported = io.SupportsExclusiveCreate(Loc("metadata/v2.metadata.json"));
  ASSERT_TRUE(supported.ok()) << supported.status().ToString();
  EXPECT_TRUE(*supported);
  EXPECT_TRUE(io.List(Dir())->empty());  // the probe is gone

  const std::string loc = Loc("metadata/v2.metadata.json");
  ASSERT_TRUE(io.WriteNew(loc, "first").ok());
  Status second = io.WriteNew(loc, "second");
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.code(), ErrorCode::kAlreadyExists);
  EXPECT_NE(second.message().find(loc), std::string::npos) << second.message();
  EXPECT_EQ(*io.ReadAll(loc), "first");
  // The same bytes again are what a retried PUT whose first answer was lost sees: success.
  EXPECT_TRUE(io.WriteNew(loc, "first").ok());

  // Racing writers: exactly one wins.
  const std::string race = Loc("metadata/v3.metadata.json");
  std::atomic<int> won{0}, lost{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      Status st = io.WriteNew(race, "writer " + std::to_string(t));
      if (st.ok()) ++won;
      else if (st.code() == ErrorCode::kAlreadyExists) ++lost;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(lost.load(), 5);
}

// SlowDown and 5xx answers are retried (HttpClient's backoff); a conditional PUT whose answer
// was lost after it landed meets its own object on the retry, which is success, not
// AlreadyExists (a commit must not report a conflict for a version it wrote).
TEST_F(S3FileIOTest, TransientFailuresAreRetried) {
  S3FileIO io(server_->Config(/*strict=*/true), {.retry = {.max_attempts = 5, .initial_backoff_ms = 5}});
  const std::string slow = Loc("__slowdown_2__/x");
  ASSERT_TRUE(io.WriteReplace(slow, "after two SlowDowns").ok());
  EXPECT_EQ(*io.ReadAll(slow), "after two SlowDowns");

  const std::string lost = Loc("__lost_answer__/v1.metadata.json");
  Status st = io.WriteNew(lost, "mine");
  EXPECT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(*io.ReadAll(lost), "mine");
  EXPECT_EQ(io.WriteNew(lost, "another writer's").code(), ErrorCode::kAlreadyExists);

  // Retries run out: the last answer is the error, with S3's code.
  S3FileIO impatient(server_->Config(/*strict=*/true), {.retry = {.max_attempts = 2, .initial_backoff_ms = 5}});
  Status gave_up = impatient.WriteReplace(Loc("__slowdown_3__/y"), "1");
  ASSERT_FALSE(gave_up.ok());
  EXPECT_NE(gave_up.message().find("503 SlowDown"), std::string::npos) << gave_up.message();
}

// One input read from several threads at once (the tail is fetched once for all of them).
TEST_F(S3FileIOTest, OneInputFromManyThreads) {
  S3FileIO io(server_->Config());
  const std::string data = RandomBytes(300000, 21);
  ASSERT_TRUE(io.WriteReplace(Loc("f"), data).ok());
  Result<std::unique_ptr<InputFile>> in = io.OpenInput(Loc("f"));
  ASSERT_TRUE(in.ok());
  std::atomic<int> bad{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(t);
      for (int i = 0; i < 20; ++i) {
        const uint64_t off = i % 2 ? data.size() - 1 - rng() % 60000 : rng() % data.size();
        const uint64_t len = std::min<uint64_t>(1 + rng() % 5000, data.size() - off);
        std::string got;
        if (!(*in)->ReadAt(off, len, &got).ok() || got != data.substr(off, len)) ++bad;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(bad.load(), 0);
}

TEST_F(S3FileIOTest, WrongSecretIsAClearErrorWithoutTheSecret) {
  S3Config config = server_->Config(/*strict=*/true);
  const std::string secret = "wrong-secret-d41d8cd98f";
  config.credentials.secret_access_key = secret;
  config.credentials_source = "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY";
  S3FileIO io(config);
  const std::string loc = Loc("x");
  std::vector<Status> errors = {io.WriteReplace(loc, "1"), io.ReadAll(loc).status(), io.OpenInput(loc).status(),
                                io.Exists(loc).status(), io.List(Dir()).status()};
  for (const Status& st : errors) {
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.code(), ErrorCode::kIOError) << st.ToString();
    EXPECT_NE(st.message().find("AWS_SECRET_ACCESS_KEY"), std::string::npos) << st.message();
    EXPECT_NE(st.message().find(S3Server::kBucket), std::string::npos) << st.message();
    EXPECT_EQ(st.message().find(secret), std::string::npos) << st.message();
  }
  EXPECT_NE(errors[0].message().find("SignatureDoesNotMatch"), std::string::npos) << errors[0].message();
}

TEST_F(S3FileIOTest, SessionTokenIsSentAndSigned) {
  // The proxy requires the token: with it every call works (the tests above), without it none.
  S3Config config = server_->Config(/*strict=*/true);
  config.credentials.session_token.clear();
  S3FileIO io(config);
  Status st = io.WriteReplace(Loc("x"), "1");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("InvalidToken"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("AWS_SESSION_TOKEN"), std::string::npos) << st.message();

  S3FileIO with_token(server_->Config(/*strict=*/true));
  Status ok = with_token.WriteReplace(Loc("x"), "1");
  EXPECT_TRUE(ok.ok()) << ok.ToString();
}

TEST_F(S3FileIOTest, ProcessInstanceComesFromTheEnvironment) {
  setenv("AWS_ENDPOINT_URL", server_->endpoint().c_str(), 1);
  setenv("AWS_ACCESS_KEY_ID", S3Server::kAccessKey, 1);
  setenv("AWS_SECRET_ACCESS_KEY", S3Server::kSecretKey, 1);
  unsetenv("AWS_SESSION_TOKEN");
  unsetenv("AWS_ENDPOINT_URL_S3");
  unsetenv("AWS_PROFILE");
  Result<FileIO*> io = S3FileIOForProcess();
  ASSERT_TRUE(io.ok()) << io.status().ToString();
  EXPECT_EQ(*S3FileIOForProcess(), *io);  // one per process
  ASSERT_TRUE((*io)->WriteReplace(Loc("p"), "process").ok());
  EXPECT_EQ(*(*io)->ReadAll(Loc("p")), "process");
}

}  // namespace
}  // namespace icesync::io
