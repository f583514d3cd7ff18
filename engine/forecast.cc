#include "engine/forecast.h"

#include "engine/target_calendar.h"

namespace ontzorg {

std::vector<Receipt> ProjectedReceipts(const ClientCase& c, const BridgingPolicy& policy,
                                       Date run_date, YearMonth until) {
  std::vector<Receipt> out;
  const ReliefPeriod period = ComputePeriod(c.plan);
  for (const ToeslagExpectation& e : c.toeslagen) {
    std::optional<YearMonth> covered;  // the last month the recorded receipts pay for
    for (const Receipt& r : c.receipts) {
      if (r.kind == e.kind && r.covers_to && (!covered || *covered < *r.covers_to)) {
        covered = r.covers_to;
      }
    }
    for (const ExpectedPayment& p :
         ExpectedPayments(e, {.lag_days = policy.toeslag_lag_days, .count = 48})) {
      if (p.covers_from > until) break;
      if (covered && p.covers_to <= *covered) continue;
      YearMonth from = p.covers_from;
      if (covered && from <= *covered) from = covered->AddMonths(1);
      const Date date = p.date > run_date ? p.date : BusinessDayOnOrAfter(run_date.AddDays(1));
      // The mandate ends with the relief: later payments go to the client's own account.
      const Destination where = date > period.last ? Destination::kOwn : e.paid_to;
      out.push_back({"P-" + std::string(ToString(e.kind)) + "-" + p.covers_to.ToCompactString(),
                     c.client.id, e.kind, date, e.monthly.Times(p.covers_to.MonthsSince(from) + 1),
                     from, p.covers_to, where, std::nullopt});
    }
  }
  return out;
}

std::vector<ForecastMonth> Forecast(const ClientCase& start,
                                    const std::map<YearMonth, Money>& benefits,
                                    const std::map<CreditorId, Creditor>& creditors,
                                    const MonthPolicy& policy, YearMonth from, Date run_date,
                                    int months, const std::map<YearMonth, CaseRecords>& changed) {
  ClientCase c = start;
  if (const BridgingPolicy* p = PolicyOn(policy.bridging, from.FirstDay())) {
    for (Receipt& r : ProjectedReceipts(c, *p, run_date, from.AddMonths(months))) {
      c.receipts.push_back(std::move(r));
    }
  }
  std::vector<ForecastMonth> out;
  for (int k = 0; k < months; ++k) {
    ForecastMonth f;
    f.month = from.AddMonths(k);
    f.run_date = run_date.AddMonthsClamped(k);
    if (const auto records = changed.find(f.month); records != changed.end() && k > 0) {
      c.client = records->second.client;
      c.plan = records->second.plan;
      c.bills = records->second.bills;
      c.toeslagen = records->second.toeslagen;
    }
    const auto recorded = benefits.find(f.month);
    if (recorded != benefits.end()) {
      c.benefit = recorded->second;
    } else {
      // The latest recorded amount before this month, else the earliest after it.
      c.benefit.reset();
      for (const auto& [m, amount] : benefits) {
        if (m < f.month || !c.benefit) c.benefit = amount;
      }
      f.bijstand_assumed = c.benefit.has_value();
    }
    const auto m = ComputeClientMonth(c, creditors, policy, f.month, f.run_date);
    if (!m) {
      out.push_back(f);
      continue;
    }
    f.in_relief = !m->after_relief;
    if (m->after_relief) f.bijstand_assumed = false;
    f.relief_month = m->relief_month;
    f.already_booked = !m->already_booked.empty();
    for (const Entry& e : m->entries) {
      if (e.kind == EntryKind::kBenefitReceived) f.bijstand += e.amount;
    }
    for (const Payment& p : m->payments) {
      (p.purpose == PaymentPurpose::kAllowance ? f.leefgeld : f.bills_paid) += p.amount;
    }
    for (const UnpaidBill& u : m->unpaid) f.bills_unpaid += u.amount;
    f.income = m->credit.income;
    f.credit_drawn = m->credit.drawn;
    f.credit_set_off = m->credit.set_off;
    f.credit_recovered = m->credit.recovered;
    f.minimum = m->credit.minimum;
    f.outstanding = m->credit.after.Outstanding();
    for (const Signal& s : m->signals) f.signals.push_back(s.kind);
    out.push_back(f);
    CarryForward(*m, &c);
  }
  return out;
}

}  // namespace ontzorg
