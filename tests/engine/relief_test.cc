#include "engine/relief.h"

#include <gtest/gtest.h>

#include "tests/engine/printers.h"

namespace ontzorg {
namespace {

Date D(const char* s) { return Date::Parse(s).value(); }
YearMonth M(const char* s) { return YearMonth::Parse(s).value(); }

ReliefPlan Statutory(const char* start) {
  ReliefPlan plan;
  plan.client = {"C1"};
  plan.benefit_start = D(start);
  return plan;
}

TEST(ReliefPlanTest, StatutoryIsSixMonthsFromBenefitStart) {
  const ReliefPeriod p = ComputePeriod(Statutory("2026-09-15"));
  EXPECT_EQ(p.first, D("2026-09-15"));
  EXPECT_EQ(p.last, D("2027-03-14"));
  // Where six months later has no such date, the months run to that month's end (issue 16: the
  // relief ended three days early, so bills due on 28 February were left to the client unsaid).
  EXPECT_EQ(ComputePeriod(Statutory("2026-08-31")).last, D("2027-02-28"));
  EXPECT_EQ(ComputePeriod(Statutory("2026-08-30")).last, D("2027-02-28"));
  EXPECT_EQ(ComputePeriod(Statutory("2026-08-29")).last, D("2027-02-28"));
  EXPECT_EQ(ComputePeriod(Statutory("2026-08-28")).last, D("2027-02-27"));
  EXPECT_EQ(ComputePeriod(Statutory("2027-08-29")).last, D("2028-02-28"));  // 29 Feb 2028 exists
  EXPECT_EQ(ComputePeriod(Statutory("2027-08-30")).last, D("2028-02-29"));
  EXPECT_EQ(ComputePeriod(Statutory("2027-03-31")).last, D("2027-09-30"));
  EXPECT_EQ(ComputePeriod(Statutory("2026-12-31")).last, D("2027-06-30"));
  EXPECT_EQ(ComputePeriod(Statutory("2027-01-31")).last, D("2027-07-30"));
  EXPECT_EQ(ComputePeriod(Statutory("2027-01-01")).last, D("2027-06-30"));
  EXPECT_TRUE(p.Overlaps(M("2026-09")));
  EXPECT_TRUE(p.Overlaps(M("2027-03")));
  EXPECT_FALSE(p.Overlaps(M("2027-04")));
  EXPECT_FALSE(p.Overlaps(M("2026-08")));
}

TEST(ReliefPlanTest, EndsEarlyWhenBijstandEndsAndExtendsWithReason) {
  ReliefPlan plan = Statutory("2026-10-01");
  plan.benefit_end = D("2026-12-31");
  EXPECT_EQ(ComputePeriod(plan).last, D("2026-12-31"));

  ReliefPlan extended = Statutory("2026-10-01");
  extended.extension_end = D("2027-06-30");
  EXPECT_EQ(ValidatePlan(extended).error(), PlanError::kExtensionWithoutReason);
  extended.extension_reason = "schulden in kaart brengen";
  EXPECT_TRUE(ValidatePlan(extended));
  EXPECT_EQ(ComputePeriod(extended).last, D("2027-06-30"));
  extended.extension_end = D("2027-03-31");  // the statutory six months already run to this day
  EXPECT_EQ(ValidatePlan(extended).error(), PlanError::kExtensionNotLater);
}

TEST(ReliefPlanTest, MaatwerkNeedsReasonAndBills) {
  ReliefPlan plan = Statutory("2026-10-01");
  plan.kind = PlanKind::kMaatwerk;
  EXPECT_EQ(ValidatePlan(plan).error(), PlanError::kMaatwerkWithoutReason);
  plan.reason = "huur gaat al goed";
  EXPECT_EQ(ValidatePlan(plan).error(), PlanError::kMaatwerkWithoutBills);
  plan.bills = {BillKind::kEnergy, BillKind::kWater};
  plan.period_end = D("2026-12-31");
  EXPECT_TRUE(ValidatePlan(plan));
  EXPECT_TRUE(Covers(plan, BillKind::kEnergy));
  EXPECT_FALSE(Covers(plan, BillKind::kRent));
  EXPECT_EQ(ComputePeriod(plan).last, D("2026-12-31"));
  plan.period_start = D("2027-01-01");
  EXPECT_EQ(ValidatePlan(plan).error(), PlanError::kPeriodReversed);

  ReliefPlan statutory = Statutory("2026-10-01");
  statutory.bills = {BillKind::kRent};
  EXPECT_EQ(ValidatePlan(statutory).error(), PlanError::kStatutoryWithBillChoice);
}

Bill MakeBill(Schedule schedule, const char* start, int due_day) {
  Bill bill;
  bill.id = {"B1"};
  bill.schedule = schedule;
  bill.start = D(start);
  bill.due_day = due_day;
  return bill;
}

TEST(BillScheduleTest, DueDates) {
  const Bill monthly = MakeBill(Schedule::kMonthly, "2026-11-01", 31);
  EXPECT_EQ(DueDateIn(monthly, M("2027-02")), D("2027-02-28"));
  EXPECT_FALSE(DueDateIn(monthly, M("2026-10")));

  const Bill quarterly = MakeBill(Schedule::kQuarterly, "2026-11-01", 20);
  EXPECT_TRUE(DueDateIn(quarterly, M("2026-11")));
  EXPECT_FALSE(DueDateIn(quarterly, M("2026-12")));
  EXPECT_FALSE(DueDateIn(quarterly, M("2027-01")));
  EXPECT_EQ(DueDateIn(quarterly, M("2027-02")), D("2027-02-20"));

  const Bill ten = MakeBill(Schedule::kTenPerYear, "2026-01-01", 5);
  int due_months = 0;
  for (int i = 0; i < 12; ++i) due_months += DueDateIn(ten, M("2026-01").AddMonths(i)) ? 1 : 0;
  EXPECT_EQ(due_months, 10);
  EXPECT_FALSE(DueDateIn(ten, M("2026-11")));
  EXPECT_TRUE(DueDateIn(ten, M("2027-01")));

  Bill once = MakeBill(Schedule::kOnce, "2027-03-12", 1);
  EXPECT_EQ(DueDateIn(once, M("2027-03")), D("2027-03-12"));
  EXPECT_FALSE(DueDateIn(once, M("2027-04")));

  Bill ended = MakeBill(Schedule::kMonthly, "2026-11-01", 1);
  ended.end = D("2027-01-31");
  EXPECT_TRUE(DueDateIn(ended, M("2027-01")));
  EXPECT_FALSE(DueDateIn(ended, M("2027-02")));

  const Bill mid_month = MakeBill(Schedule::kMonthly, "2026-11-16", 1);
  EXPECT_FALSE(DueDateIn(mid_month, M("2026-11")));  // the 1st lies before the bill starts
  EXPECT_EQ(DueDateIn(mid_month, M("2026-12")), D("2026-12-01"));
}

TEST(IdTest, Syntax) {
  EXPECT_TRUE(IsValidId("C0001"));
  EXPECT_TRUE(IsValidId("GM-0363-a"));
  EXPECT_FALSE(IsValidId(""));
  EXPECT_FALSE(IsValidId("-C1"));
  EXPECT_FALSE(IsValidId("C 1"));
  EXPECT_FALSE(IsValidId("C/1"));
  EXPECT_FALSE(IsValidId(std::string(21, 'a')));
}

}  // namespace
}  // namespace ontzorg
