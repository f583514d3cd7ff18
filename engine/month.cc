#include "engine/month.h"

#include <algorithm>

#include "engine/invariant.h"
#include "engine/target_calendar.h"

namespace ontzorg {
namespace {

struct DueBill {
  const Bill* bill;
  Date due;
  int rank;  // position in the policy's priority order
};

int PriorityRank(const MonthPolicy& policy, BillKind kind) {
  const auto it = std::find(policy.priority.begin(), policy.priority.end(), kind);
  return static_cast<int>(it - policy.priority.begin());
}

std::vector<DueBill> DueBills(const ClientCase& input, const ReliefPeriod& period,
                              const MonthPolicy& policy, YearMonth month) {
  std::vector<DueBill> due;
  for (const Bill& bill : input.bills) {
    if (!Covers(input.plan, bill.kind)) continue;
    const std::optional<Date> date = DueDateIn(bill, month);
    if (date && period.Contains(*date)) {
      due.push_back({&bill, *date, PriorityRank(policy, bill.kind)});
    }
  }
  std::sort(due.begin(), due.end(), [](const DueBill& a, const DueBill& b) {
    if (a.rank != b.rank) return a.rank < b.rank;
    if (a.due != b.due) return a.due < b.due;
    return a.bill->id < b.bill->id;
  });
  return due;
}

std::string MonthName(YearMonth month) {
  static constexpr const char* kNames[] = {"januari", "februari", "maart",     "april",
                                           "mei",     "juni",     "juli",      "augustus",
                                           "september", "oktober", "november", "december"};
  return std::string(kNames[month.month() - 1]) + " " + std::to_string(month.year());
}

// Builds the state machine of one client's month: a running balance and the outputs.
class MonthBuilder {
 public:
  MonthBuilder(const ClientCase& input, YearMonth month, Date run_date, ClientMonth* out)
      : input_(input), month_(month), run_date_(run_date), out_(out) {
    balance_ = input.opening_balance;
  }

  bool Booked(const std::string& key) const {
    return std::find(input_.booked_keys.begin(), input_.booked_keys.end(), key) !=
           input_.booked_keys.end();
  }
  Money balance() const { return balance_; }

  void Credit(const std::string& key, EntryKind kind, Money amount) {
    out_->entries.push_back(MakeTransfer(key, input_.client.id, month_, kind, run_date_,
                                         accounts::ManagedBank(),
                                         accounts::ClientFunds(input_.client.id), amount));
    balance_ += amount;
  }
  void Pay(Payment payment, EntryKind kind) {
    OZ_INVARIANT(payment.amount <= balance_, "a payment never overdraws the client");
    out_->entries.push_back(MakeTransfer(payment.key, input_.client.id, month_, kind, run_date_,
                                         accounts::ClientFunds(input_.client.id),
                                         accounts::ManagedBank(), payment.amount));
    balance_ -= payment.amount;
    out_->payments.push_back(std::move(payment));
  }

 private:
  const ClientCase& input_;
  YearMonth month_;
  Date run_date_;
  ClientMonth* out_;
  Money balance_;
};

std::string Key(const ClientId& client, std::string_view what, YearMonth month) {
  return client.value + "|" + std::string(what) + "|" + month.ToString();
}

}  // namespace

const char* ToString(PaymentPurpose purpose) {
  return purpose == PaymentPurpose::kBill ? "bill" : "allowance";
}

const char* Describe(UnpaidReason reason) {
  switch (reason) {
    case UnpaidReason::kInsufficientFunds:
      return "the bijstand left after higher-priority bills does not cover this bill";
    case UnpaidReason::kUnknownCreditor: return "the bill's creditor is not on record";
  }
  return "?";
}

ExecutionPlan PlanExecution(Date due, Date run_date, int settlement_business_days) {
  Date latest = BusinessDayOnOrBefore(due);
  for (int i = 0; i < settlement_business_days; ++i) latest = PreviousBusinessDay(latest);
  const Date earliest = BusinessDayOnOrAfter(run_date);
  if (latest >= earliest) return {latest, false};
  return {earliest, true};
}

std::string BillEndToEndId(const BillId& bill, YearMonth period) {
  return "OZ-B-" + period.ToCompactString() + "-" + bill.value;
}

std::string AllowanceEndToEndId(const ClientId& client, YearMonth period) {
  return "OZ-L-" + period.ToCompactString() + "-" + client.value;
}

std::optional<ClientMonth> ComputeClientMonth(const ClientCase& input,
                                              const std::map<CreditorId, Creditor>& creditors,
                                              const MonthPolicy& policy, YearMonth month,
                                              Date run_date) {
  const ReliefPeriod period = ComputePeriod(input.plan);
  if (!period.Overlaps(month)) return std::nullopt;

  ClientMonth out;
  out.client = input.client.id;
  out.period = period;
  out.relief_month = month.MonthsSince(YearMonth::Of(period.first)) + 1;
  out.opening_balance = input.opening_balance;
  MonthBuilder builder(input, month, run_date, &out);

  const std::string benefit_key = Key(input.client.id, "benefit", month);
  if (builder.Booked(benefit_key)) {
    out.already_booked.push_back(benefit_key);
  } else if (input.benefit && input.benefit->IsPositive()) {
    builder.Credit(benefit_key, EntryKind::kBenefitReceived, *input.benefit);
  } else if (!input.benefit) {
    out.benefit_missing = true;
  }

  for (const DueBill& due : DueBills(input, period, policy, month)) {
    const Bill& bill = *due.bill;
    const std::string key = Key(input.client.id, "bill:" + bill.id.value, month);
    if (builder.Booked(key)) {
      out.already_booked.push_back(key);
      continue;
    }
    const auto creditor = creditors.find(bill.creditor);
    if (creditor == creditors.end()) {
      out.unpaid.push_back({bill.id, bill.kind, bill.amount, due.due,
                            UnpaidReason::kUnknownCreditor, builder.balance()});
      continue;
    }
    if (bill.amount > builder.balance()) {
      out.unpaid.push_back({bill.id, bill.kind, bill.amount, due.due,
                            UnpaidReason::kInsufficientFunds, builder.balance()});
      continue;
    }
    const ExecutionPlan plan = PlanExecution(due.due, run_date, policy.settlement_business_days);
    const Creditor& c = creditor->second;
    builder.Pay({key, BillEndToEndId(bill.id, month), input.client.id, PaymentPurpose::kBill,
                 bill.id, bill.kind, month, Payee{c.name, c.iban, c.bic, c.address}, bill.amount,
                 due.due, plan.execution, plan.late, bill.reference},
                EntryKind::kBillPaid);
  }

  const std::string allowance_key = Key(input.client.id, "allowance", month);
  if (builder.Booked(allowance_key)) {
    out.already_booked.push_back(allowance_key);
  } else if (builder.balance().IsPositive()) {
    const Date due = month.DayClamped(policy.allowance_day);
    const ExecutionPlan plan = PlanExecution(due, run_date, policy.settlement_business_days);
    PaymentReference text{ReferenceKind::kFreeText,
                          "Leefgeld " + MonthName(month) + " / living allowance"};
    builder.Pay({allowance_key, AllowanceEndToEndId(input.client.id, month), input.client.id,
                 PaymentPurpose::kAllowance, std::nullopt, std::nullopt, month,
                 Payee{input.client.name, input.client.own_iban, std::nullopt, std::nullopt},
                 builder.balance(), due, plan.execution, plan.late, std::move(text)},
                EntryKind::kAllowancePaid);
  }

  out.closing_balance = builder.balance();
  OZ_INVARIANT(!out.closing_balance.IsNegative(), "a client's balance is never negative");
  return out;
}

}  // namespace ontzorg
