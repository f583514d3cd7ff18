#include "engine/target_calendar.h"

#include <gtest/gtest.h>

#include "tests/engine/printers.h"

namespace ontzorg {
namespace {

Date D(const char* s) { return Date::Parse(s).value(); }

TEST(TargetCalendarTest, EasterKnownYears) {
  EXPECT_EQ(EasterSunday(2024), D("2024-03-31"));
  EXPECT_EQ(EasterSunday(2025), D("2025-04-20"));
  EXPECT_EQ(EasterSunday(2026), D("2026-04-05"));
  EXPECT_EQ(EasterSunday(2027), D("2027-03-28"));  // DOMAIN.md: Good Friday 26 March 2027
  EXPECT_EQ(EasterSunday(2038), D("2038-04-25"));  // latest possible
}

TEST(TargetCalendarTest, ClosingDays) {
  for (const char* closed :
       {"2027-01-01", "2027-03-26", "2027-03-29", "2027-05-01", "2026-12-25", "2026-12-26",
        "2026-04-03", "2026-04-06", "2026-11-28", "2026-11-29"}) {
    EXPECT_FALSE(IsTargetBusinessDay(D(closed))) << closed;
  }
  // Dutch-only holidays are TARGET business days: King's Day, Liberation Day, Ascension 2027.
  for (const char* open : {"2027-04-27", "2026-05-05", "2027-05-06", "2026-12-24", "2026-12-31"}) {
    EXPECT_TRUE(IsTargetBusinessDay(D(open))) << open;
  }
}

TEST(TargetCalendarTest, Stepping) {
  EXPECT_EQ(NextBusinessDay(D("2026-12-24")), D("2026-12-28"));
  EXPECT_EQ(PreviousBusinessDay(D("2027-03-30")), D("2027-03-25"));
  EXPECT_EQ(BusinessDayOnOrBefore(D("2027-05-01")), D("2027-04-30"));
  EXPECT_EQ(BusinessDayOnOrAfter(D("2027-01-01")), D("2027-01-04"));
  EXPECT_EQ(AddBusinessDays(D("2027-03-25"), 1), D("2027-03-30"));
}

}  // namespace
}  // namespace ontzorg
