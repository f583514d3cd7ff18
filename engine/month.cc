#include "engine/month.h"

#include <algorithm>

#include "engine/enum_count.h"
#include "engine/invariant.h"
#include "engine/target_calendar.h"
#include "engine/text.h"

namespace ontzorg {
namespace {

struct DueBill {
  const Bill* bill;
  Date due;
  int rank;                     // position in the policy's priority order
  bool creditor_known = false;  // set when sorted out: a bill without one is never paid
};

// The month's due bills, sorted out.
struct BillsDue {
  std::vector<DueBill> to_pay;  // paid for the client, in priority order
  Money client_pays_total;      // due bills the client pays: their money goes with the leefgeld

  // What the bills to pay take when `budget` is all there is, as PayBill takes it: in priority
  // order, a bill that does not fit is left unpaid and a later, smaller one may still fit.
  Money FittingIn(Money budget) const {
    Money taken = Money::Zero();
    for (const DueBill& due : to_pay) {
      if (due.creditor_known && due.bill->amount <= budget - taken) taken += due.bill->amount;
    }
    return taken;
  }
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

// Bill kinds in Dutch words, for the Dutch sentences of signals.
const char* DutchKind(BillKind kind) {
  switch (kind) {
    case BillKind::kRent: return "huur";
    case BillKind::kEnergy: return "energie";
    case BillKind::kWater: return "water";
    case BillKind::kHealthInsurance: return "zorgverzekering";
  }
  return "?";
}
std::string Euro(Money m) { return FormatEuros(m); }
// "huurtoeslag" -> "Huurtoeslag": the start of a sentence (ASCII words only).
std::string Capitalised(const char* word) {
  std::string out = word;
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z')
    out[0] = static_cast<char>(out[0] - 'a' + 'A');
  return out;
}
std::string Day(Date d) { return FormatDutchDate(d); }

std::string MonthName(YearMonth month) {
  static constexpr const char* kNames[] = {"januari",   "februari", "maart",    "april",
                                           "mei",       "juni",     "juli",     "augustus",
                                           "september", "oktober",  "november", "december"};
  return std::string(kNames[month.month() - 1]) + " " + std::to_string(month.year());
}

// Which of the client's debts a repayment clears.
enum class Debt {
  kLoan,      // loan:<id>, credit covered by toeslagen on the managed account
  kRecovery,  // recovery:<id>, credit whose toeslagen went to the client's own account
};

// Builds the state machine of one client's month: a running balance and the outputs.
class MonthBuilder {
 public:
  MonthBuilder(const ClientCase& input, YearMonth month, Date run_date, ClientMonth* out)
      : input_(input),
        month_(month),
        run_date_(run_date),
        out_(out),
        funds_(accounts::ClientFunds(input.client.id)) {
    balance_ = input.opening_balance;
    reserved_ = input.reserved < balance_ ? input.reserved : balance_;
    if (reserved_.IsNegative()) reserved_ = Money::Zero();
    credit_ = input.credit;
  }

  bool Booked(const std::string& key) const {
    return std::find(input_.booked_keys.begin(), input_.booked_keys.end(), key) !=
           input_.booked_keys.end();
  }
  // What the run may spend: the client's funds less what is reserved for failed or held payments.
  Money balance() const { return balance_ - reserved_; }
  // Everything on the client's funds, reserved money included (the closing balance).
  Money total() const { return balance_; }
  // Keeps `amount` (<= balance()) on the client's funds, out of the leefgeld.
  void Reserve(Money amount) {
    OZ_INVARIANT(amount <= balance(), "only spendable money is reserved");
    reserved_ += amount;
  }
  const CreditBalances& credit() const { return credit_; }

  // Money entering the managed account for the client.
  void Credit(const std::string& key, EntryKind kind, Money amount) {
    Transfer(key, kind, DebitAccount{accounts::ManagedBank()}, CreditAccount{funds_}, amount);
  }
  void Pay(Payment payment, EntryKind kind) {
    OZ_INVARIANT(payment.amount <= balance(), "a payment never overdraws the client");
    Transfer(payment.key, kind, DebitAccount{funds_}, CreditAccount{accounts::ManagedBank()},
             payment.amount);
    out_->payments.push_back(std::move(payment));
  }
  // Bridging credit: money in for the client, and the debt (or grant) recorded.
  void Draw(const std::string& key, CreditForm form, Money amount) {
    const ClientId& id = input_.client.id;
    if (form == CreditForm::kLoan) {
      Credit(key, EntryKind::kCreditDrawn, amount);
      Transfer(key + ":debt", EntryKind::kCreditDrawn, DebitAccount{accounts::Loan(id)},
               CreditAccount{accounts::MunicipalityBridging()}, amount);
      credit_.loan += amount;
    } else {
      Credit(key, EntryKind::kGiftGranted, amount);
      Transfer(key + ":grant", EntryKind::kGiftGranted, DebitAccount{accounts::Grant(id)},
               CreditAccount{accounts::MunicipalitySpecialAssistance()}, amount);
      credit_.granted += amount;
    }
  }
  // Money back to the municipality out of the client's funds, clearing part of `debt`.
  void Repay(const std::string& key, EntryKind kind, Debt debt, Money amount) {
    const ClientId& id = input_.client.id;
    Money& owed = debt == Debt::kLoan ? credit_.loan : credit_.to_recover;
    OZ_INVARIANT(amount <= balance(), "a repayment never overdraws the client");
    OZ_INVARIANT(amount <= owed, "a repayment never exceeds what is owed");
    Transfer(key, kind, DebitAccount{funds_}, CreditAccount{accounts::ManagedBank()}, amount);
    Transfer(key + ":debt", kind, DebitAccount{accounts::MunicipalityBridging()},
             CreditAccount{debt == Debt::kLoan ? accounts::Loan(id) : accounts::Recovery(id)},
             amount);
    owed -= amount;
  }
  // Writes off from the amount to recover first, then from the loan; returns what was written off.
  Money WriteOffCredit(const std::string& key, Money amount) {
    const ClientId& id = input_.client.id;
    const Money from_recovery = amount < credit_.to_recover ? amount : credit_.to_recover;
    const Money rest = amount - from_recovery;
    const Money from_loan = rest < credit_.loan ? rest : credit_.loan;
    if (from_recovery.IsPositive()) {
      Transfer(key, EntryKind::kCreditWrittenOff, DebitAccount{accounts::MunicipalityBridging()},
               CreditAccount{accounts::Recovery(id)}, from_recovery);
      credit_.to_recover -= from_recovery;
    }
    if (from_loan.IsPositive()) {
      Transfer(key + ":loan", EntryKind::kCreditWrittenOff,
               DebitAccount{accounts::MunicipalityBridging()}, CreditAccount{accounts::Loan(id)},
               from_loan);
      credit_.loan -= from_loan;
    }
    return from_recovery + from_loan;
  }
  void MoveToRecovery(const std::string& key, Money amount) {
    const ClientId& id = input_.client.id;
    OZ_INVARIANT(amount <= credit_.loan, "only outstanding credit moves to recovery");
    Transfer(key, EntryKind::kCreditToRecover, DebitAccount{accounts::Recovery(id)},
             CreditAccount{accounts::Loan(id)}, amount);
    credit_.loan -= amount;
    credit_.to_recover += amount;
  }

 private:
  void Transfer(const std::string& key, EntryKind kind, DebitAccount debit, CreditAccount credit,
                Money amount) {
    if (credit.account == funds_) balance_ += amount;
    if (debit.account == funds_) balance_ -= amount;
    out_->entries.push_back(MakeTransfer(key, input_.client.id, month_, kind, run_date_,
                                         std::move(debit), std::move(credit), amount));
  }

  const ClientCase& input_;
  YearMonth month_;
  Date run_date_;
  ClientMonth* out_;
  Account funds_;
  Money balance_;
  Money reserved_;
  CreditBalances credit_;
};

std::string Key(const ClientId& client, std::string_view what, YearMonth month) {
  return client.value + "|" + std::string(what) + "|" + month.ToString();
}
std::string ReceiptKey(const ClientId& client, std::string_view what, const Receipt& r) {
  return client.value + "|" + std::string(what) + ":" + r.id;
}

// NOLINTNEXTLINE(bugprone-easily-swappable-parameters): symmetric, a swap changes nothing
Money Min(Money a, Money b) { return a < b ? a : b; }
Money Abs(Money a) { return a.IsNegative() ? -a : a; }

void AddSignal(ClientMonth* out, Signal signal) { out->signals.push_back(std::move(signal)); }

// The expected amount for the months a toeslag receipt covers, when the coach recorded one.
std::optional<Money> ExpectedFor(const ClientCase& input, const Receipt& r) {
  if (!IsToeslag(r.kind) || !r.covers_from || !r.covers_to) return std::nullopt;
  for (const ToeslagExpectation& e : input.toeslagen) {
    if (e.kind == r.kind) return e.monthly.Times(r.covers_to->MonthsSince(*r.covers_from) + 1);
  }
  return std::nullopt;
}

// The credit a toeslag landing on the client's own account takes its cover from: what the loan
// loses of the toeslagen still expected on the managed account through `month` because this
// payment went elsewhere, at most the payment itself. Nothing for a toeslag expected on the own
// account from the start (no credit was drawn against it) or for other income.
Money UncoveredBy(const ClientCase& input, const Receipt& r, YearMonth month, Money loan) {
  if (!IsToeslag(r.kind) || !loan.IsPositive()) return Money::Zero();
  std::vector<Receipt> before;
  for (const Receipt& x : input.receipts) {
    if (x.id != r.id && x.received_on <= r.received_on) before.push_back(x);
  }
  const Money cover_before = ExpectedCover(input.toeslagen, before, month, r.received_on);
  before.push_back(r);
  const Money cover_after = ExpectedCover(input.toeslagen, before, month, r.received_on);
  const Money moved = Min(Min(r.amount, cover_before - cover_after), loan - cover_after);
  return moved.IsPositive() ? moved : Money::Zero();
}

// Processes the receipts that arrived by the run date and no run has processed yet, in date
// order: income on the managed account sets off credit first; toeslagen on the client's own
// account turn outstanding credit into a receivable.
void ProcessReceipts(const ClientCase& input, const BridgingPolicy* policy, Date run_date,
                     MonthBuilder* b, ClientMonth* out) {
  std::vector<const Receipt*> due;
  for (const Receipt& r : input.receipts) {
    if (!r.processed_in && r.received_on <= run_date) due.push_back(&r);
  }
  std::sort(due.begin(), due.end(), [](const Receipt* x, const Receipt* y) {
    return x->received_on != y->received_on ? x->received_on < y->received_on : x->id < y->id;
  });
  const ClientId& id = input.client.id;
  for (const Receipt* r : due) {
    out->processed.push_back("receipt:" + r->id);
    const std::string key = ReceiptKey(id, "receipt", *r);
    if (b->Booked(key)) {  // processed by a run whose record of it was not passed in
      out->already_booked.push_back(key);
      continue;
    }
    if (const auto expected = ExpectedFor(input, *r);
        expected && policy && Abs(r->amount - *expected) > policy->difference_tolerance) {
      AddSignal(out, {.kind = SignalKind::kReceiptDiffers,
                      .amount = r->amount,
                      .expected = *expected,
                      .detail = std::string(DutchName(r->kind)) + " received " +
                                r->amount.ToDecimalString() + " on " + r->received_on.ToString() +
                                ", expected " + expected->ToDecimalString() + " for " +
                                r->covers_from->ToString() + ".." + r->covers_to->ToString() +
                                "; those months count as paid: correct the estimate if the "
                                "monthly amount changed",
                      .detail_nl = Capitalised(DutchName(r->kind)) + " van " + Euro(r->amount) +
                                   " ontvangen op " + Day(r->received_on) + ", verwacht was " +
                                   Euro(*expected) + " voor " + MonthName(*r->covers_from) +
                                   " t/m " + MonthName(*r->covers_to) +
                                   ". Die maanden tellen als betaald; pas de schatting aan als "
                                   "het maandbedrag veranderd is."});
    }
    if (r->landed_on == Destination::kManaged) {
      b->Credit(key, EntryKind::kIncomeReceived, r->amount);
      out->credit.income += r->amount;
      const Money set_off = Min(b->credit().loan, r->amount);
      if (set_off.IsPositive()) {
        b->Repay(ReceiptKey(id, "set_off", *r), EntryKind::kCreditSetOff, Debt::kLoan, set_off);
        out->credit.set_off += set_off;
      }
      const Money recover = Min(b->credit().to_recover, r->amount - set_off);
      if (recover.IsPositive()) {
        b->Repay(ReceiptKey(id, "recover", *r), EntryKind::kCreditRecovered, Debt::kRecovery,
                 recover);
        out->credit.recovered += recover;
      }
    } else if (const Money moved = UncoveredBy(input, *r, out->month, b->credit().loan);
               moved.IsPositive()) {
      b->MoveToRecovery(key, moved);
      out->credit.moved_to_recovery += moved;
      AddSignal(
          out,
          {.kind = SignalKind::kReceivedOnOwnAccount,
           .amount = moved,
           .expected = r->amount,
           .detail = std::string(DutchName(r->kind)) + " " + r->amount.ToDecimalString() +
                     " landed on the client's own account on " + r->received_on.ToString() + "; " +
                     moved.ToDecimalString() + " of credit is now recovered from leefgeld",
           .detail_nl = Capitalised(DutchName(r->kind)) + " van " + Euro(r->amount) + " op " +
                        Day(r->received_on) +
                        " op de eigen rekening van de cliënt gestort. Daarom wordt " + Euro(moved) +
                        " van de lening nu ingehouden op het leefgeld."});
    }
  }
}

// One signal per expected toeslag whose earliest unpaid payment is more than the policy's
// N days late.
void SignalOverdue(const ClientCase& input, const BridgingPolicy& policy, Date run_date,
                   ClientMonth* out) {
  for (const ToeslagExpectation& e : input.toeslagen) {
    for (const ExpectedPayment& p :
         ExpectedPayments(e, {.lag_days = policy.toeslag_lag_days, .count = 36})) {
      if (p.date.AddDays(policy.overdue_after_days) >= run_date) break;
      bool received = false;
      for (const Receipt& r : input.receipts) {
        if (r.kind == e.kind && r.received_on <= run_date && r.covers_to &&
            *r.covers_to >= p.covers_to) {
          received = true;
        }
      }
      if (received) continue;
      AddSignal(
          out, {.kind = SignalKind::kToeslagOverdue,
                .amount = Money::Zero(),
                .expected = p.amount,
                .detail = std::string(DutchName(e.kind)) + " expected on " + p.date.ToString() +
                          " (" + p.amount.ToDecimalString() + " for " + p.covers_from.ToString() +
                          ".." + p.covers_to.ToString() + ") has not been received " +
                          std::to_string(run_date.DaysSince(p.date)) + " days later",
                .detail_nl = Capitalised(DutchName(e.kind)) + " verwacht op " + Day(p.date) + " (" +
                             Euro(p.amount) + " voor " + MonthName(p.covers_from) + " t/m " +
                             MonthName(p.covers_to) + ") is " +
                             std::to_string(run_date.DaysSince(p.date)) +
                             " dagen later nog niet ontvangen."});
      break;
    }
  }
}

// After the relief period the managed account still holds what arrives for the client (a late
// toeslagen lump sum) and any credit still outstanding. Such a month only settles: receipts are
// processed (set off first), write-off decisions booked, and whatever the client has left is paid
// out. No bijstand, bills, new credit or recovery instalments.
bool NeedsSettlement(const ClientCase& input, Date run_date) {
  if (input.opening_balance.IsPositive() || input.credit.Outstanding().IsPositive()) return true;
  for (const Receipt& r : input.receipts) {
    if (!r.processed_in && r.received_on <= run_date) return true;
  }
  return false;
}

void PayAllowance(const ClientCase& input, const MonthPolicy& policy, YearMonth month,
                  Date run_date, Money amount, std::string text, MonthBuilder* builder) {
  // Leefgeld is due on the policy's day, but never before the right to bijstand starts (a start
  // mid-month: the first leefgeld is due on the start day, not before it).
  Date due = month.DayClamped(policy.allowance_day);
  if (month.Contains(input.plan.benefit_start) && due < input.plan.benefit_start) {
    due = input.plan.benefit_start;
  }
  const ExecutionPlan plan =
      PlanExecution({.due = due,
                     .run_date = run_date,
                     .settlement_business_days = policy.settlement_business_days});
  const ClientId& id = input.client.id;
  builder->Pay(Payment{.key = Key(id, "allowance", month),
                       .end_to_end_id = AllowanceEndToEndId(id, month),
                       .client = id,
                       .purpose = PaymentPurpose::kAllowance,
                       .period = month,
                       .payee = Payee{NameForBank(input.client), input.client.own_iban,
                                      std::nullopt, std::nullopt},
                       .amount = amount,
                       .due = due,
                       .execution = plan.execution,
                       .late = plan.late,
                       .remittance = PaymentReference{ReferenceKind::kFreeText, std::move(text)}},
               EntryKind::kAllowancePaid);
}

void ProcessWriteOffs(const ClientCase& input, Date run_date, MonthBuilder* builder,
                      ClientMonth* out) {
  for (const WriteOff& w : input.write_offs) {
    if (w.processed_in || w.decided_on > run_date) continue;
    out->processed.push_back("write_off:" + w.id);
    const std::string key = input.client.id.value + "|write_off:" + w.id;
    if (builder->Booked(key)) {
      out->already_booked.push_back(key);
      continue;
    }
    out->credit.written_off += builder->WriteOffCredit(key, w.amount);
  }
}

// The month's outcome before anything is booked.
ClientMonth StartMonth(const ClientCase& input, const ReliefPeriod& period, YearMonth month,
                       bool after_relief) {
  ClientMonth out;
  out.client = input.client.id;
  out.month = month;
  out.period = period;
  out.after_relief = after_relief;
  out.relief_month = month.MonthsSince(YearMonth::Of(period.first)) + 1;
  out.opening_balance = input.opening_balance;
  return out;
}

std::optional<ClientMonth> SettleAfterRelief(const ClientCase& input, const ReliefPeriod& period,
                                             YearMonth month, Date run_date,
                                             const BridgingPolicy* bridging,
                                             const MonthPolicy& policy) {
  ClientMonth out = StartMonth(input, period, month, /*after_relief=*/true);
  MonthBuilder builder(input, month, run_date, &out);
  ProcessReceipts(input, bridging, run_date, &builder, &out);
  ProcessWriteOffs(input, run_date, &builder, &out);
  const std::string allowance_key = Key(input.client.id, "allowance", month);
  if (builder.Booked(allowance_key)) {
    out.already_booked.push_back(allowance_key);
  } else if (builder.balance().IsPositive()) {
    PayAllowance(input, policy, month, run_date, builder.balance(),
                 "Uitbetaling " + MonthName(month) + " na ontzorgen / payout after relief",
                 &builder);
  }
  out.credit.applies = bridging != nullptr;
  if (bridging) out.credit.form = bridging->form;
  out.credit.after = builder.credit();
  if (out.credit.after.Outstanding().IsPositive()) {
    AddSignal(
        &out,
        {.kind = SignalKind::kCreditOutstandingAtEnd,
         .amount = out.credit.after.Outstanding(),
         .expected = Money::Zero(),
         .detail = "relief ended " + period.last.ToString() + "; " +
                   out.credit.after.Outstanding().ToDecimalString() +
                   " bridging credit is still outstanding (set off when toeslagen arrive on the "
                   "managed account, else recover or write off by decision)",
         .detail_nl = "Het ontzorgen eindigde op " + Day(period.last) + "; er staat nog " +
                      Euro(out.credit.after.Outstanding()) +
                      " overbruggingskrediet open. Het wordt verrekend als toeslagen op de "
                      "beheerrekening komen, anders teruggevorderd of bij besluit "
                      "kwijtgescholden."});
  }
  out.closing_balance = builder.total();
  OZ_INVARIANT(!out.closing_balance.IsNegative(), "a client's balance is never negative");
  return out;
}

// Bridging credit: enough for the bills still due and the minimum leefgeld, within the ceiling
// and (for a loan) the toeslagen expected on the managed account but not yet received. Never
// when the month's bijstand is missing: that is a data problem, not a gap to lend against.
void DrawCredit(const ClientCase& input, const BridgingPolicy& policy, YearMonth month,
                Date run_date, const BillsDue& bills, bool allowance_booked, MonthBuilder* builder,
                ClientMonth* out) {
  CreditMonth& c = out->credit;
  c.applies = true;
  c.form = policy.form;
  c.minimum = MinimumAllowance(policy, input.client);
  c.ceiling = Ceiling(policy, input.client.household);
  c.cover = ExpectedCover(input.toeslagen, input.receipts, month, run_date);
  const std::string key = Key(input.client.id, "credit", month);
  if (builder->Booked(key)) {
    out->already_booked.push_back(key);
    return;
  }
  if (out->benefit_missing) return;
  const CreditBalances& now = builder->credit();
  const Money headroom = policy.form == CreditForm::kLoan
                             ? Min(c.ceiling - now.Outstanding(), c.cover - now.loan)
                             : c.ceiling - now.granted;
  if (!headroom.IsPositive()) return;
  // Only for the bills that will be paid with it: a bill too large even with all the headroom
  // stays unpaid, and lending its money anyway would hand it out as leefgeld on credit. The
  // client also needs the money of the bills they pay themselves.
  const Money need = bills.FittingIn(builder->balance() + headroom) +
                     (allowance_booked ? Money::Zero() : c.minimum + bills.client_pays_total) -
                     builder->balance();
  const Money draw = Min(need, headroom);
  if (!draw.IsPositive()) return;
  builder->Draw(key, policy.form, draw);
  c.drawn = draw;
  if (policy.form == CreditForm::kLoan) {
    OZ_INVARIANT(builder->credit().Outstanding() <= c.ceiling, "credit within the ceiling");
    OZ_INVARIANT(builder->credit().loan <= c.cover, "credit within the expected toeslagen");
  } else {
    OZ_INVARIANT(builder->credit().granted <= c.ceiling, "gift within the ceiling");
  }
}

// Recovery of credit whose toeslagen went to the client's own account: one instalment, only
// from what lies above the minimum, and not in a month that needed new credit.
void RecoverInstalment(const BridgingPolicy& policy, YearMonth month, Money client_pays,
                       MonthBuilder* builder, ClientMonth* out) {
  if (out->credit.drawn.IsPositive() || !builder->credit().to_recover.IsPositive()) return;
  const std::string key = Key(out->client, "recovery", month);
  if (builder->Booked(key)) {
    out->already_booked.push_back(key);
    return;
  }
  const Money room = builder->balance() - out->credit.minimum - client_pays;
  const Money instalment = Min(Min(builder->credit().to_recover, policy.recovery_instalment), room);
  if (!instalment.IsPositive()) return;
  builder->Repay(key, EntryKind::kCreditRecovered, Debt::kRecovery, instalment);
  out->credit.recovered += instalment;
}

// Why leefgeld stays below the minimum even with credit: for the coach's signal.
struct Words {
  std::string en, nl;
};
Words BelowMinimumReason(const ClientCase& input, const ClientMonth& out,
                         const CreditBalances& now) {
  const CreditMonth& c = out.credit;
  if (out.benefit_missing) {
    return {"no bijstand is recorded for the month", "er is voor de maand geen bijstand bekend."};
  }
  if (c.form == CreditForm::kGift) {
    return {"the gift ceiling (" + c.ceiling.ToDecimalString() + ") is reached",
            "het plafond voor bijzondere bijstand (" + Euro(c.ceiling) + ") is bereikt."};
  }
  if (now.Outstanding() >= c.ceiling) {
    return {"the credit ceiling (" + c.ceiling.ToDecimalString() + ") is reached",
            "het kredietplafond (" + Euro(c.ceiling) + ") is bereikt."};
  }
  if (input.toeslagen.empty()) {
    return {
        "no toeslag is recorded as expected for this client; record the expected toeslagen "
        "so credit can bridge the gap",
        "er is voor deze cliënt geen verwachte toeslag vastgelegd. Leg de verwachte "
        "toeslagen vast, dan kan krediet het gat overbruggen."};
  }
  return {
      "the toeslagen still expected (" + c.cover.ToDecimalString() + ") cannot cover more credit",
      "de toeslagen die nog verwacht worden (" + Euro(c.cover) + ") dekken niet meer krediet."};
}

bool HeldEarlier(const ClientCase& input, const BillId& bill, YearMonth month) {
  for (const HeldBill& h : input.held) {
    if (h.bill == bill && h.period == month) return true;
  }
  return false;
}

// The month's bijstand credited to the client (once), or noted as missing.
void CreditBenefit(const ClientCase& input, YearMonth month, MonthBuilder* builder,
                   ClientMonth* out) {
  const std::string key = Key(input.client.id, "benefit", month);
  if (builder->Booked(key)) {
    out->already_booked.push_back(key);
  } else if (input.benefit && input.benefit->IsPositive()) {
    builder->Credit(key, EntryKind::kBenefitReceived, *input.benefit);
  } else {
    // None recorded, or 0.00 (the right paused or ended): the same signal; no credit is drawn
    // against a month without bijstand.
    out->benefit_missing = true;
  }
}

// What this month still has to pay: the due bills not booked or held by an earlier run, except
// those the client now pays (listed in out->client_pays; their money goes with the leefgeld).
BillsDue CollectDueBills(const ClientCase& input, const std::map<CreditorId, Creditor>& creditors,
                         const MonthPolicy& policy, const ReliefPeriod& period, YearMonth month,
                         const MonthBuilder& builder, ClientMonth* out) {
  out->hand_over =
      HandOverStates(input.plan, input.bills, input.hand_overs, input.confirmations, month);
  const auto state_of = [&](const BillId& bill) {
    for (const BillState& s : out->hand_over) {
      if (s.bill == bill) return s.state;
    }
    return HandOver::kPaidForClient;
  };
  BillsDue bills;
  for (const DueBill& due : DueBills(input, period, policy, month)) {
    const std::string key = Key(input.client.id, "bill:" + due.bill->id.value, month);
    // Held by an earlier run: reserved, paid by release-held only.
    if (builder.Booked(key) || HeldEarlier(input, due.bill->id, month)) {
      out->already_booked.push_back(key);
      continue;
    }
    if (const HandOver state = state_of(due.bill->id); ClientPays(state)) {
      const auto creditor = creditors.find(due.bill->creditor);
      out->client_pays.push_back(
          {due.bill->id, due.bill->kind, state,
           creditor == creditors.end() ? due.bill->creditor.value : creditor->second.name,
           due.bill->amount, due.due, due.bill->reference});
      bills.client_pays_total += due.bill->amount;
      continue;
    }
    bills.to_pay.push_back(due);
    bills.to_pay.back().creditor_known = creditors.count(due.bill->creditor) > 0;
  }
  return bills;
}

// One due bill: unpaid (unknown creditor, not enough money), held by the double-debit guard, or
// paid (with the guard's warning where it applies).
void PayBill(const ClientCase& input, const std::map<CreditorId, Creditor>& creditors,
             const MonthPolicy& policy, YearMonth month, Date run_date, const DueBill& due,
             MonthBuilder* builder, ClientMonth* out) {
  const Bill& bill = *due.bill;
  const auto creditor = creditors.find(bill.creditor);
  if (creditor == creditors.end() || bill.amount > builder->balance()) {
    out->unpaid.push_back({bill.id, bill.kind, bill.amount, due.due,
                           creditor == creditors.end() ? UnpaidReason::kUnknownCreditor
                                                       : UnpaidReason::kInsufficientFunds,
                           builder->balance()});
    return;
  }
  const Creditor& c = creditor->second;
  const auto record = DirectDebitOf(input.direct_debits, bill.id, run_date);
  const GuardDecision guard = DecideDoubleDebit(policy.double_debit, bill.kind, record);
  if (guard == GuardDecision::kHold) {
    builder->Reserve(bill.amount);
    out->holds.push_back({bill.id, bill.kind, month, bill.amount, due.due});
    AddSignal(
        out,
        {.kind = SignalKind::kDoubleDebitRisk,
         .amount = bill.amount,
         .expected = Money::Zero(),
         .detail = "bill " + bill.id.value + " (" + ToString(bill.kind) +
                   ") held: the client's own direct debit with " + c.name +
                   " is not confirmed cancelled; the money stays reserved until it is (or a coach "
                   "overrides)",
         .detail_nl = "Rekening " + bill.id.value + " (" + DutchKind(bill.kind) +
                      ") vastgehouden: de eigen automatische incasso van de cliënt bij " + c.name +
                      " is niet bevestigd opgezegd. Het geld blijft gereserveerd tot dat wel zo "
                      "is (of een coach het toch laat betalen)."});
    return;
  }
  if (guard == GuardDecision::kPayWithWarning) {
    AddSignal(out,
              {.kind = SignalKind::kDoubleDebitRisk,
               .amount = bill.amount,
               .expected = Money::Zero(),
               .detail = "bill " + bill.id.value + " (" + ToString(bill.kind) +
                         ") paid while the client's own direct debit with " + c.name + " is " +
                         (record ? "not confirmed cancelled (override: " + record->note + ")"
                                 : std::string("not confirmed cancelled")) +
                         "; watch for a double debit (reversible within 8 weeks)",
               .detail_nl = "Rekening " + bill.id.value + " (" + DutchKind(bill.kind) +
                            ") betaald terwijl de eigen automatische incasso van de cliënt "
                            "bij " +
                            c.name + " niet bevestigd opgezegd is" +
                            (record ? " (toch betalen: " + record->note + ")" : std::string()) +
                            ". Let op een dubbele afschrijving (binnen 8 weken terug te "
                            "boeken)."});
  }
  const ExecutionPlan plan =
      PlanExecution({.due = due.due,
                     .run_date = run_date,
                     .settlement_business_days = policy.settlement_business_days});
  builder->Pay(Payment{.key = Key(input.client.id, "bill:" + bill.id.value, month),
                       .end_to_end_id = BillEndToEndId(bill.id, month),
                       .client = input.client.id,
                       .purpose = PaymentPurpose::kBill,
                       .bill = bill.id,
                       .bill_kind = bill.kind,
                       .period = month,
                       .payee = Payee{c.name, c.iban, c.bic, c.address},
                       .amount = bill.amount,
                       .due = due.due,
                       .execution = plan.execution,
                       .late = plan.late,
                       .remittance = bill.reference,
                       .replaces = std::nullopt,
                       .double_debit_risk = guard == GuardDecision::kPayWithWarning},
               EntryKind::kBillPaid);
}

// The leefgeld: what the client may spend after the bills, with a signal when it (less the
// bills the client pays) stays below the minimum.
void PayMonthAllowance(const ClientCase& input, const MonthPolicy& policy,
                       const BridgingPolicy* bridging, YearMonth month, Date run_date,
                       Money client_pays, MonthBuilder* builder, ClientMonth* out) {
  const Money allowance = builder->balance();
  const Money free = allowance - client_pays;  // what is left after the client's own bills
  if (bridging && free < out->credit.minimum) {
    AddSignal(out,
              {.kind = SignalKind::kBelowMinimum,
               .amount = free,
               .expected = out->credit.minimum,
               .detail = "leefgeld " + free.ToDecimalString() +
                         (client_pays.IsPositive() ? " (after " + client_pays.ToDecimalString() +
                                                         " of bills the client pays)"
                                                   : std::string()) +
                         " is below the minimum " + out->credit.minimum.ToDecimalString() + ": " +
                         BelowMinimumReason(input, *out, builder->credit()).en,
               .detail_nl = "Leefgeld " + Euro(free) +
                            (client_pays.IsPositive() ? " (na " + Euro(client_pays) +
                                                            " aan rekeningen die de cliënt "
                                                            "zelf betaalt)"
                                                      : std::string()) +
                            " is lager dan het minimum van " + Euro(out->credit.minimum) + ": " +
                            BelowMinimumReason(input, *out, builder->credit()).nl});
  }
  if (allowance.IsPositive()) {
    PayAllowance(input, policy, month, run_date, allowance,
                 "Leefgeld " + MonthName(month) + " / living allowance", builder);
  }
}

// The signals about the month as a whole: no bijstand, a bill the client missed under the safety
// net, bills unpaid, toeslagen overdue.
void RaiseMonthSignals(const ClientCase& input, const BridgingPolicy* bridging, YearMonth month,
                       Date run_date, ClientMonth* out) {
  if (out->benefit_missing) {
    AddSignal(out, {.kind = SignalKind::kNoBenefit,
                    .amount = Money::Zero(),
                    .expected = Money::Zero(),
                    .detail = (input.benefit ? "bijstand of 0.00 recorded for "
                                             : "no bijstand recorded for ") +
                              month.ToString() + "; no credit was drawn",
                    .detail_nl = (input.benefit ? "Bijstand van € 0,00 vastgelegd voor "
                                                : "Geen bijstand vastgelegd voor ") +
                                 MonthName(month) + "; er is geen krediet opgenomen."});
  }
  for (const BillState& s : out->hand_over) {
    if (!s.missed) continue;
    AddSignal(
        out, {.kind = SignalKind::kPaymentMissed,
              .amount = Money::Zero(),
              .expected = Money::Zero(),
              .detail = "bill " + s.bill.value + " (" + ToString(s.kind) +
                        ") was not paid by the client for " + s.missed->ToString() +
                        " under the safety net; it is paid for the client again from " +
                        month.ToString() + " (ask the creditor about " + s.missed->ToString() + ")",
              .detail_nl = "Rekening " + s.bill.value + " (" + DutchKind(s.kind) + ") is voor " +
                           MonthName(*s.missed) + " niet door de cliënt betaald (vangnet). Vanaf " +
                           MonthName(month) + " betalen wij hem weer; vraag de schuldeiser naar " +
                           MonthName(*s.missed) + "."});
  }
  if (!out->unpaid.empty()) {
    Money unpaid_total;
    for (const UnpaidBill& u : out->unpaid) unpaid_total += u.amount;
    AddSignal(out, {.kind = SignalKind::kBillsUnpaid,
                    .amount = unpaid_total,
                    .expected = Money::Zero(),
                    .detail = std::to_string(out->unpaid.size()) + " bill(s) unpaid, " +
                              unpaid_total.ToDecimalString() + " in all",
                    .detail_nl = std::to_string(out->unpaid.size()) +
                                 (out->unpaid.size() == 1 ? " rekening" : " rekeningen") +
                                 " niet betaald, samen " + Euro(unpaid_total) + "."});
  }
  if (bridging) SignalOverdue(input, *bridging, run_date, out);
}

// The last month of the relief with bridging credit still outstanding.
void SignalCreditOutstanding(const ReliefPeriod& period, ClientMonth* out) {
  const Money outstanding = out->credit.after.Outstanding();
  if (!outstanding.IsPositive()) return;
  AddSignal(out, {.kind = SignalKind::kCreditOutstandingAtEnd,
                  .amount = outstanding,
                  .expected = Money::Zero(),
                  .detail = "relief ends " + period.last.ToString() + " with " +
                            outstanding.ToDecimalString() + " bridging credit outstanding",
                  .detail_nl = "Het ontzorgen eindigt op " + Day(period.last) + " met nog " +
                               Euro(outstanding) + " overbruggingskrediet open."});
}

}  // namespace

Payment ReleasedBillPayment(const ClientId& client, const Bill& bill, const Creditor& creditor,
                            const HeldBill& held, Date run_date, int settlement_business_days) {
  const ExecutionPlan plan = PlanExecution({.due = held.due,
                                            .run_date = run_date,
                                            .settlement_business_days = settlement_business_days});
  return Payment{.key = Key(client, "bill:" + bill.id.value, held.period),
                 .end_to_end_id = BillEndToEndId(bill.id, held.period),
                 .client = client,
                 .purpose = PaymentPurpose::kBill,
                 .bill = bill.id,
                 .bill_kind = bill.kind,
                 .period = held.period,
                 .payee = Payee{creditor.name, creditor.iban, creditor.bic, creditor.address},
                 .amount = held.amount,
                 .due = held.due,
                 .execution = plan.execution,
                 .late = plan.late,
                 .remittance = bill.reference};
}

Entry PaymentEntry(const Payment& p, Date on) {
  EntryKind kind = EntryKind::kBillPaid;
  if (p.purpose == PaymentPurpose::kAllowance) kind = EntryKind::kAllowancePaid;
  if (p.purpose == PaymentPurpose::kOneOff) kind = EntryKind::kOneOffPaid;
  return MakeTransfer(p.key, p.client, p.period, kind, on,
                      DebitAccount{accounts::ClientFunds(p.client)},
                      CreditAccount{accounts::ManagedBank()}, p.amount);
}

std::string OneOffEndToEndId(const std::string& decision) { return "OZ-E-" + decision; }

OneOffBooking BookOneOff(const OneOff& one_off, Payee payee, Date run_date,
                         int settlement_business_days) {
  const ExecutionPlan plan = PlanExecution({.due = one_off.due,
                                            .run_date = run_date,
                                            .settlement_business_days = settlement_business_days});
  const YearMonth month = YearMonth::Of(one_off.due);
  OneOffBooking out;
  out.payment = Payment{.key = Key(one_off.client, "one_off:" + one_off.decision, month),
                        .end_to_end_id = OneOffEndToEndId(one_off.decision),
                        .client = one_off.client,
                        .purpose = PaymentPurpose::kOneOff,
                        .period = month,
                        .payee = std::move(payee),
                        .amount = one_off.amount,
                        .due = one_off.due,
                        .execution = plan.execution,
                        .late = plan.late,
                        .remittance = {ReferenceKind::kFreeText, one_off.description}};
  if (one_off.funding == OneOffFunding::kSpecialAssistance) {
    out.entries.push_back(MakeTransfer(
        out.payment.key + "|funded", one_off.client, month, EntryKind::kSpecialAssistanceReceived,
        run_date, DebitAccount{accounts::ManagedBank()},
        CreditAccount{accounts::ClientFunds(one_off.client)}, one_off.amount));
  }
  out.entries.push_back(PaymentEntry(out.payment, run_date));
  return out;
}

namespace {
constexpr const char* OneOffFundingName(OneOffFunding funding) {
  switch (funding) {
    case OneOffFunding::kSpecialAssistance: return "special_assistance";
    case OneOffFunding::kClientFunds: return "client_funds";
  }
  return "?";
}
constexpr const char* PaymentPurposeName(PaymentPurpose purpose) {
  switch (purpose) {
    case PaymentPurpose::kBill: return "bill";
    case PaymentPurpose::kAllowance: return "allowance";
    case PaymentPurpose::kOneOff: return "one_off";
  }
  return "?";
}
static_assert(CountsEveryEnumerator(OneOffFundingName, kOneOffFundingCount));
static_assert(CountsEveryEnumerator(PaymentPurposeName, kPaymentPurposeCount));
}  // namespace

const char* ToString(OneOffFunding funding) { return OneOffFundingName(funding); }
std::optional<OneOffFunding> ParseOneOffFunding(std::string_view text) {
  return ParseByName<OneOffFunding, kOneOffFundingCount>(text, OneOffFundingName);
}
std::optional<PaymentPurpose> ParsePaymentPurpose(std::string_view text) {
  return ParseByName<PaymentPurpose, kPaymentPurposeCount>(text, PaymentPurposeName);
}

Entry PaymentReversal(const Payment& p, EntryKind kind, Date on) {
  return MakeTransfer(p.key + "|reversed", p.client, p.period, kind, on,
                      DebitAccount{accounts::ManagedBank()},
                      CreditAccount{accounts::ClientFunds(p.client)}, p.amount);
}

std::optional<Payment> ReissuedPayment(const Payment& original, int attempt, Payee payee,
                                       Date run_date, int settlement_business_days) {
  if (attempt < 2 || attempt > 9) return std::nullopt;
  const std::string& e2e = original.end_to_end_id;  // "OZ-B-..." or "OZB<n>-..."
  if (e2e.size() < 5 || e2e.compare(0, 2, "OZ") != 0) return std::nullopt;
  Payment p = original;
  const std::string root = original.key.substr(0, original.key.find('#'));
  p.key = root + "#" + std::to_string(attempt);
  p.end_to_end_id = std::string("OZ") + e2e[e2e[2] == '-' ? 3 : 2] + std::to_string(attempt) + "-" +
                    e2e.substr(5);
  p.payee = std::move(payee);
  p.replaces = original.key;
  const ExecutionPlan plan = PlanExecution({.due = original.due,
                                            .run_date = run_date,
                                            .settlement_business_days = settlement_business_days});
  p.execution = plan.execution;
  p.late = plan.late;
  return p;
}

const char* ToString(PaymentPurpose purpose) { return PaymentPurposeName(purpose); }

const char* PaymentKind(const Payment& p) {
  if (p.purpose == PaymentPurpose::kOneOff) return "one_off";
  return p.bill_kind ? ToString(*p.bill_kind) : "leefgeld";
}

namespace {
constexpr const char* SignalKindName(SignalKind kind) {
  switch (kind) {
    case SignalKind::kToeslagOverdue: return "toeslag_overdue";
    case SignalKind::kReceiptDiffers: return "receipt_differs";
    case SignalKind::kReceivedOnOwnAccount: return "received_on_own_account";
    case SignalKind::kCreditOutstandingAtEnd: return "credit_outstanding_at_end";
    case SignalKind::kBelowMinimum: return "below_minimum";
    case SignalKind::kBillsUnpaid: return "bills_unpaid";
    case SignalKind::kNoBenefit: return "no_benefit";
    case SignalKind::kPaymentMissed: return "payment_missed";
    case SignalKind::kDoubleDebitRisk: return "double_debit_risk";
    case SignalKind::kPaymentFailed: return "payment_failed";
    case SignalKind::kDoublePayment: return "double_payment";
    case SignalKind::kFeedbackHeld: return "feedback_held";
  }
  return "?";
}
static_assert(CountsEveryEnumerator(SignalKindName, kSignalKindCount));
}  // namespace

const char* ToString(SignalKind kind) { return SignalKindName(kind); }

const char* Describe(SignalKind kind) {
  switch (kind) {
    case SignalKind::kToeslagOverdue: return "toeslag te laat / toeslag overdue";
    case SignalKind::kReceiptDiffers: return "toeslag wijkt af / toeslag differs from expected";
    case SignalKind::kReceivedOnOwnAccount:
      return "toeslag op eigen rekening / toeslag paid to own account";
    case SignalKind::kCreditOutstandingAtEnd:
      return "krediet open bij einde ontzorgen / credit outstanding at end of relief";
    case SignalKind::kBelowMinimum: return "leefgeld onder minimum / leefgeld below minimum";
    case SignalKind::kBillsUnpaid: return "rekeningen onbetaald / bills unpaid";
    case SignalKind::kNoBenefit: return "geen bijstand bekend / no bijstand recorded";
    case SignalKind::kPaymentMissed:
      return "betaling gemist, terug naar ontzorgd / payment missed, paid for the client again";
    case SignalKind::kDoubleDebitRisk:
      return "eigen incasso niet bevestigd opgezegd / own direct debit not confirmed cancelled";
    case SignalKind::kPaymentFailed:
      return "betaling geweigerd of teruggekomen / payment rejected or returned";
    case SignalKind::kDoublePayment: return "dubbel betaald / paid twice";
    case SignalKind::kFeedbackHeld:
      return "bankbericht niet verwerkt, controleren / bank feedback held for a person";
  }
  return "?";
}

const char* Describe(UnpaidReason reason) {
  switch (reason) {
    case UnpaidReason::kInsufficientFunds:
      return "the bijstand left after higher-priority bills does not cover this bill";
    case UnpaidReason::kUnknownCreditor: return "the bill's creditor is not on record";
  }
  return "?";
}

ExecutionPlan PlanExecution(const PaymentTiming& timing) {
  const Date due = timing.due, run_date = timing.run_date;
  const int settlement_business_days = timing.settlement_business_days;
  Date latest = BusinessDayOnOrBefore(due);
  for (int i = 0; i < settlement_business_days; ++i) latest = PreviousBusinessDay(latest);
  const Date earliest = BusinessDayOnOrAfter(run_date);
  if (latest >= earliest) return {latest, false};
  return {earliest, true};
}

const char* ToString(ImplausibleAmount::What what) {
  switch (what) {
    case ImplausibleAmount::What::kBenefit: return "benefit";
    case ImplausibleAmount::What::kBill: return "bill";
    case ImplausibleAmount::What::kLeefgeld: return "leefgeld";
  }
  return "?";
}

std::vector<ImplausibleAmount> ImplausibleAmounts(const ClientCase& input, const ClientMonth& month,
                                                  const PlausibilityLimits& limits) {
  using What = ImplausibleAmount::What;
  std::vector<ImplausibleAmount> out;
  const auto beyond = [](Money amount, Money limit) {
    return limit.IsPositive() && limit < amount;
  };
  if (input.benefit && !month.after_relief && beyond(*input.benefit, limits.benefit)) {
    out.push_back({What::kBenefit, std::nullopt, *input.benefit, limits.benefit});
  }
  Money leefgeld;
  for (const Payment& p : month.payments) {
    if (p.purpose == PaymentPurpose::kAllowance) {
      leefgeld += p.amount;
    } else if (beyond(p.amount, limits.bill)) {
      out.push_back({What::kBill, p.bill, p.amount, limits.bill});
    }
  }
  if (beyond(leefgeld, limits.leefgeld)) {
    out.push_back({What::kLeefgeld, std::nullopt, leefgeld, limits.leefgeld});
  }
  return out;
}

std::optional<std::string> RunRefusal(YearMonth month, const RunDates& dates) {
  const Date run_date = dates.run_date, today = dates.today;
  const YearMonth latest = YearMonth::Of(today).AddMonths(kMonthsAhead);
  if (latest < month) {
    return "month " + month.ToString() + " lies more than " + std::to_string(kMonthsAhead) +
           " months ahead of today (" + today.ToString() + "): run it from " +
           month.AddMonths(-kMonthsAhead).FirstDay().ToString() + " on";
  }
  if (today.AddMonthsClamped(kMonthsAhead) < run_date) {
    return "run date " + run_date.ToString() + " lies more than " + std::to_string(kMonthsAhead) +
           " months after today (" + today.ToString() + ")";
  }
  if (month.FirstDay().AddDays(-364) > run_date) {
    return "month " + month.ToString() + " cannot be run on " + run_date.ToString() +
           ": banks take execution dates at most 364 days ahead";
  }
  return std::nullopt;
}

std::string BillEndToEndId(const BillId& bill, YearMonth period) {
  return "OZ-B-" + period.ToCompactString() + "-" + bill.value;
}

std::string BillPaymentKey(const ClientId& client, const BillId& bill, YearMonth period) {
  return Key(client, "bill:" + bill.value, period);
}

std::string AllowanceEndToEndId(const ClientId& client, YearMonth period) {
  return "OZ-L-" + period.ToCompactString() + "-" + client.value;
}

std::optional<ClientMonth> ComputeClientMonth(const ClientCase& input,
                                              const std::map<CreditorId, Creditor>& creditors,
                                              const MonthPolicy& policy, YearMonth month,
                                              Date run_date) {
  const ReliefPeriod period = ComputePeriod(input.plan);
  const bool after_relief = period.first <= period.last && YearMonth::Of(period.last) < month;
  if (!period.Overlaps(month) && !(after_relief && NeedsSettlement(input, run_date))) {
    return std::nullopt;
  }
  const BridgingPolicy* bridging = PolicyOn(policy.bridging, month.FirstDay());
  if (after_relief) return SettleAfterRelief(input, period, month, run_date, bridging, policy);

  ClientMonth out = StartMonth(input, period, month, /*after_relief=*/false);
  MonthBuilder builder(input, month, run_date, &out);
  CreditBenefit(input, month, &builder, &out);
  ProcessReceipts(input, bridging, run_date, &builder, &out);
  ProcessWriteOffs(input, run_date, &builder, &out);
  const BillsDue bills = CollectDueBills(input, creditors, policy, period, month, builder, &out);
  const std::string allowance_key = Key(input.client.id, "allowance", month);
  const bool allowance_booked = builder.Booked(allowance_key);
  if (bridging) {
    DrawCredit(input, *bridging, month, run_date, bills, allowance_booked, &builder, &out);
  }
  for (const DueBill& due : bills.to_pay) {
    PayBill(input, creditors, policy, month, run_date, due, &builder, &out);
  }
  if (bridging && !allowance_booked) {
    RecoverInstalment(*bridging, month, bills.client_pays_total, &builder, &out);
  }
  if (allowance_booked) {
    out.already_booked.push_back(allowance_key);
  } else {
    PayMonthAllowance(input, policy, bridging, month, run_date, bills.client_pays_total, &builder,
                      &out);
  }
  RaiseMonthSignals(input, bridging, month, run_date, &out);
  out.credit.after = builder.credit();
  if (month == YearMonth::Of(period.last)) SignalCreditOutstanding(period, &out);
  out.closing_balance = builder.total();
  OZ_INVARIANT(!out.closing_balance.IsNegative(), "a client's balance is never negative");
  OZ_INVARIANT(!out.credit.after.loan.IsNegative() && !out.credit.after.to_recover.IsNegative(),
               "credit balances are never negative");
  return out;
}

CreditMonth CreditFromEntries(const std::vector<Entry>& entries, const ClientId& client,
                              YearMonth month) {
  CreditMonth c;
  const Account loan = accounts::Loan(client), recovery = accounts::Recovery(client),
                grant = accounts::Grant(client), funds = accounts::ClientFunds(client);
  for (const Entry& e : entries) {
    if (e.client != client || month < e.month) continue;
    if (e.debit_account == loan) c.after.loan += e.amount;
    if (e.credit_account == loan) c.after.loan -= e.amount;
    if (e.debit_account == recovery) c.after.to_recover += e.amount;
    if (e.credit_account == recovery) c.after.to_recover -= e.amount;
    if (e.debit_account == grant) c.after.granted += e.amount;
    if (e.month != month) continue;
    // Flows: count the leg that touches the loan, recovery or grant account once.
    switch (e.kind) {
      case EntryKind::kCreditDrawn:
        if (e.debit_account == loan) c.drawn += e.amount;
        break;
      case EntryKind::kGiftGranted:
        if (e.debit_account == grant) c.drawn += e.amount;
        c.form = CreditForm::kGift;
        break;
      case EntryKind::kCreditSetOff:
        if (e.credit_account == loan) c.set_off += e.amount;
        break;
      case EntryKind::kCreditRecovered:
        if (e.credit_account == recovery) c.recovered += e.amount;
        break;
      case EntryKind::kCreditToRecover: c.moved_to_recovery += e.amount; break;
      case EntryKind::kCreditWrittenOff: c.written_off += e.amount; break;
      case EntryKind::kIncomeReceived:
        if (e.credit_account == funds) c.income += e.amount;
        break;
      default: break;
    }
  }
  return c;
}

void CarryForward(const ClientMonth& month, ClientCase* next) {
  next->opening_balance = month.closing_balance;
  next->credit = month.credit.after;
  for (const HeldBill& h : month.holds) {  // reserved until release-held pays them
    next->held.push_back(h);
    next->reserved += h.amount;
  }
  for (const Entry& e : month.entries) next->booked_keys.push_back(e.key);
  for (const std::string& item : month.processed) {
    for (Receipt& r : next->receipts) {
      if (item == "receipt:" + r.id && !r.processed_in) r.processed_in = month.month;
    }
    for (WriteOff& w : next->write_offs) {
      if (item == "write_off:" + w.id && !w.processed_in) w.processed_in = month.month;
    }
  }
}

Checkpoint CheckpointOf(const CompetenceModel& model, const ClientCase& c, YearMonth month) {
  const auto states = HandOverStates(c.plan, c.bills, c.hand_overs, c.confirmations, month);
  return DeriveCheckpoint(model, c.plan, c.client.id, states, c.assessments, month,
                          month.LastDay());
}

}  // namespace ontzorg
