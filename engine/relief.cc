#include "engine/relief.h"

#include <algorithm>

#include "engine/enum_count.h"

namespace ontzorg {
namespace {

template <typename E, size_t N>
std::optional<E> FindName(std::string_view text, const std::pair<E, const char*> (&names)[N]) {
  for (const auto& [value, name] : names) {
    if (text == name) return value;
  }
  return std::nullopt;
}

template <typename E, size_t N>
constexpr const char* NameOf(E value, const std::pair<E, const char*> (&names)[N]) {
  for (const auto& [v, name] : names) {
    if (v == value) return name;
  }
  return "?";
}

constexpr std::pair<BillKind, const char*> kBillKindNames[] = {
    {BillKind::kRent, "rent"},
    {BillKind::kEnergy, "energy"},
    {BillKind::kWater, "water"},
    {BillKind::kHealthInsurance, "health_insurance"}};
constexpr std::pair<Household, const char*> kHouseholdNames[] = {
    {Household::kSingle, "single"}, {Household::kCouple, "couple"}, {Household::kFamily, "family"}};
constexpr std::pair<Schedule, const char*> kScheduleNames[] = {
    {Schedule::kMonthly, "monthly"},
    {Schedule::kQuarterly, "quarterly"},
    {Schedule::kTenPerYear, "ten_per_year"},
    {Schedule::kOnce, "once"}};
constexpr std::pair<PlanKind, const char*> kPlanKindNames[] = {{PlanKind::kStatutory, "statutory"},
                                                               {PlanKind::kMaatwerk, "maatwerk"}};

constexpr const char* BillKindName(BillKind kind) { return NameOf(kind, kBillKindNames); }
static_assert(CountsEveryEnumerator(BillKindName, kBillKindCount));

// Whether `bill` has an occurrence in `month` by its schedule (ignoring start/end dates).
bool ScheduledIn(const Bill& bill, YearMonth month) {
  const int since = month.MonthsSince(YearMonth::Of(bill.start));
  if (since < 0) return false;
  switch (bill.schedule) {
    case Schedule::kMonthly: return true;
    case Schedule::kQuarterly: return since % 3 == 0;
    case Schedule::kTenPerYear: return since % 12 < 10;
    case Schedule::kOnce: return since == 0;
  }
  return false;
}

}  // namespace

bool IsValidId(std::string_view id) {
  if (id.empty() || id.size() > 20 || id.front() == '-' || id.back() == '-') return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

const char* ToString(BillKind kind) { return NameOf(kind, kBillKindNames); }
std::optional<BillKind> ParseBillKind(std::string_view t) { return FindName(t, kBillKindNames); }
const char* ToString(Household h) { return NameOf(h, kHouseholdNames); }
std::optional<Household> ParseHousehold(std::string_view t) { return FindName(t, kHouseholdNames); }
const char* ToString(Schedule s) { return NameOf(s, kScheduleNames); }
std::optional<Schedule> ParseSchedule(std::string_view t) { return FindName(t, kScheduleNames); }
const char* ToString(PlanKind k) { return NameOf(k, kPlanKindNames); }
std::optional<PlanKind> ParsePlanKind(std::string_view t) { return FindName(t, kPlanKindNames); }

std::optional<Date> DueDateIn(const Bill& bill, YearMonth month) {
  if (!ScheduledIn(bill, month)) return std::nullopt;
  const Date due = bill.schedule == Schedule::kOnce ? bill.start : month.DayClamped(bill.due_day);
  if (due < bill.start && bill.schedule != Schedule::kOnce) return std::nullopt;
  if (bill.end && due > *bill.end) return std::nullopt;
  return due;
}

const char* Describe(PlanError error) {
  switch (error) {
    case PlanError::kExtensionWithoutReason:
      return "an extension needs a reason (extension_reason)";
    case PlanError::kExtensionNotLater:
      return "the extension must end after the statutory six months";
    case PlanError::kStatutoryWithBillChoice:
      return "a statutory plan covers all four bills; use plan kind 'maatwerk' to choose bills";
    case PlanError::kMaatwerkWithoutReason:
      return "a maatwerk plan needs the coach's reason (reason)";
    case PlanError::kMaatwerkWithoutBills:
      return "a maatwerk plan must name at least one bill kind (bills)";
    case PlanError::kPeriodReversed: return "the relief period ends before it starts";
    case PlanError::kBenefitEndsBeforeStart: return "the bijstand ends before it starts";
  }
  return "unknown plan error";
}

Status<PlanError> ValidatePlan(const ReliefPlan& plan) {
  if (plan.benefit_end && *plan.benefit_end < plan.benefit_start) {
    return Unexpected(PlanError::kBenefitEndsBeforeStart);
  }
  const Date statutory_last = StatutoryLastDay(plan.benefit_start);
  if (plan.extension_end) {
    if (plan.extension_reason.empty()) return Unexpected(PlanError::kExtensionWithoutReason);
    if (*plan.extension_end <= statutory_last) return Unexpected(PlanError::kExtensionNotLater);
  }
  if (plan.kind == PlanKind::kStatutory) {
    if (!plan.bills.empty()) return Unexpected(PlanError::kStatutoryWithBillChoice);
    return {};
  }
  if (plan.reason.empty()) return Unexpected(PlanError::kMaatwerkWithoutReason);
  if (plan.bills.empty()) return Unexpected(PlanError::kMaatwerkWithoutBills);
  const Date first = plan.period_start.value_or(plan.benefit_start);
  const Date last = plan.period_end.value_or(statutory_last);
  if (last < first) return Unexpected(PlanError::kPeriodReversed);
  return {};
}

Date StatutoryLastDay(Date benefit_start) {
  const YearMonth target = YearMonth::Of(benefit_start).AddMonths(6);
  if (benefit_start.day() > target.LastDay().day()) return target.LastDay();
  return target.DayClamped(benefit_start.day()).AddDays(-1);
}

ReliefPeriod ComputePeriod(const ReliefPlan& plan) {
  const Date statutory_last = StatutoryLastDay(plan.benefit_start);
  ReliefPeriod period{plan.benefit_start, plan.extension_end.value_or(statutory_last)};
  if (plan.kind == PlanKind::kMaatwerk) {
    period.first = plan.period_start.value_or(plan.benefit_start);
    period.last = plan.period_end.value_or(period.last);
  }
  if (plan.benefit_end && *plan.benefit_end < period.last) period.last = *plan.benefit_end;
  return period;
}

bool Covers(const ReliefPlan& plan, BillKind kind) {
  if (plan.kind == PlanKind::kStatutory) return true;
  return std::find(plan.bills.begin(), plan.bills.end(), kind) != plan.bills.end();
}

}  // namespace ontzorg
