#include "core/temporal.h"

#include <gtest/gtest.h>

namespace icesync {
namespace {

TEST(Temporal, DateExtremes) {
  EXPECT_EQ(FormatDate(0), "1970-01-01");
  int64_t lo = DaysFromCivil(1, 1, 1), hi = DaysFromCivil(9999, 12, 31);
  EXPECT_EQ(FormatDate(lo), "0001-01-01");
  EXPECT_EQ(FormatDate(hi), "9999-12-31");
  EXPECT_EQ(*ParseDate("0001-01-01"), lo);
  EXPECT_EQ(*ParseDate("9999-12-31"), hi);
  EXPECT_FALSE(ParseDate("2023-02-30").ok());
  EXPECT_FALSE(ParseDate("2023-2-3").ok());
}

TEST(Temporal, TimestampsAndTimes) {
  EXPECT_EQ(FormatTimestampMicros(-1, false), "1969-12-31T23:59:59.999999");
  EXPECT_EQ(FormatTimestampMicros(1684161045000000, true), "2023-05-15T14:30:45.000000+00:00");
  EXPECT_EQ(*ParseTimestampMicros("2023-05-15T14:30:45+00:00"), 1684161045000000);
  EXPECT_EQ(*ParseTimestampMicros("2023-05-15 16:30:45.5+02:00"), 1684161045500000);
  EXPECT_EQ(*ParseTimestampMicros("2023-05-15"), 1684108800000000);
  EXPECT_EQ(FormatTimeMicros(12345), "00:00:00.012345");
  EXPECT_EQ(*ParseTimeMicros("23:59:59.999999"), 86399999999);
  EXPECT_EQ(FormatTimestampNanos(0, false), "1970-01-01T00:00:00.000000000");
}

}  // namespace
}  // namespace icesync
