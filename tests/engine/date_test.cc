#include "engine/date.h"

#include <gtest/gtest.h>

#include "tests/engine/printers.h"

namespace ontzorg {
namespace {

Date D(const char* s) { return Date::Parse(s).value(); }

TEST(DateTest, ParsesAndFormats) {
  EXPECT_EQ(D("2027-02-28").ToString(), "2027-02-28");
  EXPECT_EQ(Date::Parse("2027-02-29").error(), DateError::kOutOfRange);
  EXPECT_EQ(Date::Parse("2027-2-28").error(), DateError::kBadFormat);
  EXPECT_EQ(Date::Parse("28-02-2027").error(), DateError::kBadFormat);
  EXPECT_EQ(Date::Parse("2027-02-2x").error(), DateError::kBadFormat);
  EXPECT_EQ(Date::Parse("").error(), DateError::kBadFormat);
}

TEST(DateTest, Weekdays) {
  EXPECT_EQ(D("2026-11-23").IsoWeekday(), 1);  // Monday
  EXPECT_EQ(D("2027-01-03").IsoWeekday(), 7);  // Sunday
}

TEST(DateTest, MonthArithmeticClampsToMonthEnd) {
  EXPECT_EQ(D("2027-01-31").AddMonthsClamped(1), D("2027-02-28"));
  EXPECT_EQ(D("2028-01-31").AddMonthsClamped(1), D("2028-02-29"));
  EXPECT_EQ(D("2026-08-31").AddMonthsClamped(6), D("2027-02-28"));
  EXPECT_EQ(D("2026-09-15").AddMonthsClamped(6), D("2027-03-15"));
  EXPECT_EQ(D("2026-12-01").AddMonthsClamped(-12), D("2025-12-01"));
}

TEST(YearMonthTest, ParsesAndCounts) {
  const YearMonth m = YearMonth::Parse("2026-12").value();
  EXPECT_EQ(m.AddMonths(1).ToString(), "2027-01");
  EXPECT_EQ(m.AddMonths(-12).ToString(), "2025-12");
  EXPECT_EQ(m.AddMonths(3).MonthsSince(m), 3);
  EXPECT_EQ(m.LastDay(), D("2026-12-31"));
  EXPECT_EQ(YearMonth::Parse("2027-02").value().DayClamped(31), D("2027-02-28"));
  EXPECT_EQ(m.ToCompactString(), "202612");
  EXPECT_EQ(YearMonth::Parse("2026-13").error(), DateError::kOutOfRange);
  EXPECT_EQ(YearMonth::Parse("2026/12").error(), DateError::kBadFormat);
}

}  // namespace
}  // namespace ontzorg
