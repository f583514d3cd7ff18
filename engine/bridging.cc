#include "engine/bridging.h"

#include <algorithm>

#include "engine/enum_count.h"
#include "engine/invariant.h"
#include "engine/target_calendar.h"

namespace ontzorg {

namespace {
constexpr const char* IncomeKindName(IncomeKind kind) {
  switch (kind) {
    case IncomeKind::kRentAllowance: return "rent_allowance";
    case IncomeKind::kCareAllowance: return "care_allowance";
    case IncomeKind::kChildBudget: return "child_budget";
    case IncomeKind::kHolidayAllowance: return "holiday_allowance";
    case IncomeKind::kEnergyRefund: return "energy_refund";
    case IncomeKind::kCreditorRefund: return "creditor_refund";
  }
  return "?";
}
static_assert(CountsEveryEnumerator(IncomeKindName, kIncomeKindCount));
}  // namespace

const char* ToString(IncomeKind kind) { return IncomeKindName(kind); }

std::optional<IncomeKind> ParseIncomeKind(std::string_view text) {
  for (int i = 0; i < kIncomeKindCount; ++i) {
    const auto kind = static_cast<IncomeKind>(i);
    if (text == ToString(kind)) return kind;
  }
  return std::nullopt;
}

const char* DutchName(IncomeKind kind) {
  switch (kind) {
    case IncomeKind::kRentAllowance: return "huurtoeslag";
    case IncomeKind::kCareAllowance: return "zorgtoeslag";
    case IncomeKind::kChildBudget: return "kindgebonden budget";
    case IncomeKind::kHolidayAllowance: return "vakantietoeslag";
    case IncomeKind::kEnergyRefund: return "teruggave energie";
    case IncomeKind::kCreditorRefund: return "terugbetaling schuldeiser";
  }
  return "?";
}

bool IsToeslag(IncomeKind kind) {
  return kind == IncomeKind::kRentAllowance || kind == IncomeKind::kCareAllowance ||
         kind == IncomeKind::kChildBudget;
}

const char* ToString(Destination destination) {
  return destination == Destination::kManaged ? "managed" : "own";
}

std::optional<Destination> ParseDestination(std::string_view text) {
  if (text == "managed") return Destination::kManaged;
  if (text == "own") return Destination::kOwn;
  return std::nullopt;
}

const char* ToString(CreditForm form) { return form == CreditForm::kLoan ? "loan" : "gift"; }

std::vector<ExpectedPayment> ExpectedPayments(const ToeslagExpectation& e,
                                              const PaymentSchedule& schedule) {
  const int lag_days = schedule.lag_days, count = schedule.count;
  std::vector<ExpectedPayment> out;
  if (count <= 0) return out;
  const Date first = BusinessDayOnOrAfter(e.first_payment.value_or(e.applied_on.AddDays(lag_days)));
  YearMonth last_covered = YearMonth::Of(first).AddMonths(1);
  if (last_covered < e.right_from) last_covered = e.right_from;  // a payment ahead of the right
  const int months = last_covered.MonthsSince(e.right_from) + 1;
  out.push_back({first, e.right_from, last_covered, e.monthly.Times(months)});
  for (int i = 1; i < count; ++i) {
    const YearMonth paid_in = last_covered;  // paid on the 20th of the month before it covers
    const YearMonth covers = last_covered.AddMonths(1);
    out.push_back({BusinessDayOnOrAfter(paid_in.DayClamped(20)), covers, covers, e.monthly});
    last_covered = covers;
  }
  return out;
}

const BridgingPolicy* PolicyOn(const std::vector<BridgingPolicy>& policies, Date day) {
  const BridgingPolicy* found = nullptr;
  for (const BridgingPolicy& p : policies) {
    if (p.valid_from <= day && (found == nullptr || found->valid_from < p.valid_from)) found = &p;
  }
  return found;
}

Money MinimumAllowance(const BridgingPolicy& policy, const Client& client) {
  const Money per_period = policy.minimum_per_adult.Times(client.adults) +
                           policy.minimum_per_child.Times(client.children);
  if (!policy.minimum_per_week) return per_period;
  // x 52 / 12, rounded up to the cent, in integer cents.
  const int64_t weeks52 = per_period.Times(52).cents();
  return Money::FromCents(weeks52 / 12 + (weeks52 % 12 > 0 ? 1 : 0));
}

Money Ceiling(const BridgingPolicy& policy, Household household) {
  switch (household) {
    case Household::kSingle: return policy.ceiling_single;
    case Household::kCouple: return policy.ceiling_couple;
    case Household::kFamily: return policy.ceiling_family;
  }
  return Money::Zero();
}

Money ExpectedCover(const std::vector<ToeslagExpectation>& expectations,
                    const std::vector<Receipt>& receipts, YearMonth month, Date known_on) {
  Money cover;
  for (const ToeslagExpectation& e : expectations) {
    if (e.paid_to != Destination::kManaged || month < e.right_from) continue;
    // A month a received payment covers is settled, whatever it paid (a shortfall is a question
    // for the coach, not money still to lend against); money without months counts as paid.
    int open_months = 0;
    for (YearMonth m = e.right_from; m <= month; m = m.AddMonths(1)) {
      const bool settled = std::any_of(receipts.begin(), receipts.end(), [&](const Receipt& r) {
        return r.kind == e.kind && r.received_on <= known_on && r.covers_from && r.covers_to &&
               *r.covers_from <= m && m <= *r.covers_to;
      });
      if (!settled) ++open_months;
    }
    Money expected = e.monthly.Times(open_months);
    for (const Receipt& r : receipts) {
      if (r.kind == e.kind && r.received_on <= known_on && !(r.covers_from && r.covers_to)) {
        expected -= r.amount;
      }
    }
    if (expected.IsPositive()) cover += expected;
  }
  return cover;
}

const Receipt* SameMoney(const Receipt& r, const std::vector<Receipt>& recorded, int window_days) {
  for (const Receipt& x : recorded) {
    if (x.id == r.id || x.client != r.client || x.kind != r.kind || x.amount != r.amount ||
        x.landed_on != r.landed_on) {
      continue;
    }
    const int apart = x.received_on.DaysSince(r.received_on);
    if (apart <= window_days && -apart <= window_days) return &x;
  }
  return nullptr;
}

}  // namespace ontzorg
