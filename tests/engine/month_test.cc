#include "engine/month.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "tests/engine/printers.h"

namespace ontzorg {
namespace {

Date D(const char* s) { return Date::Parse(s).value(); }
YearMonth M(const char* s) { return YearMonth::Parse(s).value(); }
Money E(int64_t euros) { return Money::FromCents(euros * 100); }

class MonthTest : public testing::Test {
 protected:
  void SetUp() override {
    creditors_[{"HOUSING"}] = {{"HOUSING"}, "Woonstichting De Linie", Iban(), {}, {}};
    creditors_[{"HOUSING"}].iban = ParseIban("NL91ABNA0417164300").value();
    creditors_[{"HOUSING"}].address = Address{"Dorpsstraat", "1", "1234AB", "Utrecht", "NL"};
    input_.client = {{"C1"},
                     "111222333",
                     "Amal Haddad",
                     Household::kSingle,
                     ParseIban("NL20INGB0001234567").value()};
    input_.plan.client = {"C1"};
    input_.plan.benefit_start = D("2026-11-16");  // relief 2026-11-16 .. 2027-05-15
    AddBill("RENT", BillKind::kRent, E(725), Schedule::kMonthly, 1);
    AddBill("ZORG", BillKind::kHealthInsurance, E(159), Schedule::kMonthly, 1);
    AddBill("ENERGY", BillKind::kEnergy, E(120), Schedule::kMonthly, 15);
    AddBill("WATER", BillKind::kWater, E(45), Schedule::kQuarterly, 20);  // Dec, Mar, ...
    input_.benefit = E(1400);
  }
  void AddBill(const char* id, BillKind kind, Money amount, Schedule schedule, int due_day) {
    Bill bill;
    bill.id = {id};
    bill.client = {"C1"};
    bill.kind = kind;
    bill.creditor = {"HOUSING"};
    bill.amount = amount;
    bill.schedule = schedule;
    bill.due_day = due_day;
    bill.start = D("2026-12-01");
    bill.reference = {ReferenceKind::kFreeText, std::string("klant C1 ") + id};
    input_.bills.push_back(bill);
  }
  ClientMonth Run(const char* month, const char* run_date) {
    auto out = ComputeClientMonth(input_, creditors_, policy_, M(month), D(run_date));
    EXPECT_TRUE(out.has_value());
    return *out;
  }

  std::map<CreditorId, Creditor> creditors_;
  ClientCase input_;
  MonthPolicy policy_;
};

TEST_F(MonthTest, PaysBillsOnTheLastBusinessDayThatStillLandsOnTime) {
  const ClientMonth out = Run("2027-01", "2026-12-14");
  ASSERT_EQ(out.payments.size(), 4u);  // rent, health, energy, leefgeld; no water in January
  // Rent due Fri 1 Jan 2027 (TARGET closed): must land by Thu 31 Dec, so execute Wed 30 Dec.
  EXPECT_EQ(out.payments[0].bill->value, "RENT");
  EXPECT_EQ(out.payments[0].execution, D("2026-12-30"));
  EXPECT_FALSE(out.payments[0].late);
  EXPECT_EQ(out.payments[1].bill->value, "ZORG");
  EXPECT_EQ(out.payments[2].bill->value, "ENERGY");
  EXPECT_EQ(out.payments[2].execution, D("2027-01-14"));
  EXPECT_EQ(out.payments[3].purpose, PaymentPurpose::kAllowance);
  EXPECT_EQ(out.payments[3].amount, E(1400 - 725 - 159 - 120));
  EXPECT_EQ(out.payments[3].end_to_end_id, "OZ-L-202701-C1");
  EXPECT_EQ(out.payments[0].end_to_end_id, "OZ-B-202701-RENT");
  EXPECT_EQ(out.closing_balance, Money::Zero());
  EXPECT_EQ(out.relief_month, 3);
  EXPECT_EQ(out.entries.size(), 5u);
  EXPECT_EQ(LiabilityBalance(out.entries, accounts::ClientFunds({"C1"})), Money::Zero());
}

// Plausibility: a typo of a benefit (99,999,999.99) raises the bijstand and the leefgeld it pays;
// a bill above its limit is named; no limit (zero) raises nothing; an amount at the limit is fine.
TEST_F(MonthTest, AmountsBeyondThePlausibilityLimitsAreNamed) {
  using What = ImplausibleAmount::What;
  const PlausibilityLimits limits{.benefit = E(5000), .bill = E(700), .leefgeld = E(3000)};
  ClientMonth out = Run("2027-01", "2026-12-14");
  std::vector<ImplausibleAmount> found = ImplausibleAmounts(input_, out, limits);
  ASSERT_EQ(found.size(), 1u) << "only the rent of 725.00 is above 700.00";
  EXPECT_EQ(found[0].what, What::kBill);
  EXPECT_EQ(found[0].bill->value, "RENT");
  EXPECT_EQ(found[0].amount, E(725));
  EXPECT_EQ(found[0].limit, E(700));

  input_.benefit = Money::FromCents(9999999999);
  out = Run("2027-01", "2026-12-14");
  found = ImplausibleAmounts(input_, out, limits);
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0].what, What::kBenefit);
  EXPECT_EQ(found[0].amount, Money::FromCents(9999999999));
  EXPECT_EQ(found[1].what, What::kBill);
  EXPECT_EQ(found[2].what, What::kLeefgeld);
  EXPECT_EQ(found[2].amount, Money::FromCents(9999999999) - E(725 + 159 + 120));

  EXPECT_TRUE(ImplausibleAmounts(input_, out, PlausibilityLimits{}).empty()) << "no limits";
  input_.benefit = E(1400);
  out = Run("2027-01", "2026-12-14");
  EXPECT_TRUE(ImplausibleAmounts(input_, out, {.benefit = E(1400), .bill = E(725)}).empty())
      << "at the limit is not beyond it";
}

TEST_F(MonthTest, ShortfallPaysInPriorityOrderAndReportsTheRest) {
  input_.benefit = E(800);
  const ClientMonth out = Run("2027-01", "2026-12-14");
  ASSERT_EQ(out.payments.size(), 2u);
  EXPECT_EQ(out.payments[0].bill->value, "RENT");
  EXPECT_EQ(out.payments[1].purpose, PaymentPurpose::kAllowance);
  EXPECT_EQ(out.payments[1].amount, E(75));
  ASSERT_EQ(out.unpaid.size(), 2u);
  EXPECT_EQ(out.unpaid[0].bill.value, "ZORG");
  EXPECT_EQ(out.unpaid[0].available, E(75));
  EXPECT_EQ(out.unpaid[1].bill.value, "ENERGY");
  EXPECT_EQ(out.unpaid[1].reason, UnpaidReason::kInsufficientFunds);
}

TEST_F(MonthTest, PriorityOrderComesFromPolicy) {
  input_.benefit = E(800);
  policy_.priority = {BillKind::kEnergy, BillKind::kHealthInsurance, BillKind::kRent,
                      BillKind::kWater};
  const ClientMonth out = Run("2027-01", "2026-12-14");
  ASSERT_EQ(out.unpaid.size(), 1u);
  EXPECT_EQ(out.unpaid[0].bill.value, "RENT");
}

TEST_F(MonthTest, LateRunPaysAtOnceAndFlagsLate) {
  const ClientMonth out = Run("2027-01", "2026-12-31");
  EXPECT_EQ(out.payments[0].execution, D("2026-12-31"));
  EXPECT_TRUE(out.payments[0].late);
  EXPECT_FALSE(out.payments[2].late);  // energy is due mid-January
}

TEST_F(MonthTest, RunningAgainBooksNothingTwice) {
  const ClientMonth first = Run("2027-01", "2026-12-14");
  for (const Entry& e : first.entries) input_.booked_keys.push_back(e.key);
  input_.opening_balance = first.closing_balance;
  const ClientMonth second = Run("2027-01", "2026-12-14");
  EXPECT_TRUE(second.entries.empty());
  EXPECT_TRUE(second.payments.empty());
  EXPECT_EQ(second.already_booked.size(), 5u);
}

TEST_F(MonthTest, OutsideReliefNothingHappens) {
  EXPECT_FALSE(ComputeClientMonth(input_, creditors_, policy_, M("2027-06"), D("2027-05-20")));
  // The last relief month pays only what falls due inside the period (ends 15 May).
  const ClientMonth may = Run("2027-05", "2027-04-20");
  for (const Payment& p : may.payments) {
    if (p.bill) {
      EXPECT_NE(p.bill->value, "WATER") << "water is next due 20 May, after relief ends";
    }
  }
}

TEST_F(MonthTest, MaatwerkPaysOnlyChosenBills) {
  input_.plan.kind = PlanKind::kMaatwerk;
  input_.plan.bills = {BillKind::kEnergy, BillKind::kWater};
  input_.plan.reason = "huur betaalt de klant al zelf";
  const ClientMonth out = Run("2027-01", "2026-12-14");
  ASSERT_EQ(out.payments.size(), 2u);
  EXPECT_EQ(out.payments[0].bill->value, "ENERGY");
  EXPECT_EQ(out.payments[1].amount, E(1400 - 120));
}

TEST_F(MonthTest, MissingBenefitIsReportedAndNothingOverdraws) {
  input_.benefit.reset();
  const ClientMonth out = Run("2027-01", "2026-12-14");
  EXPECT_TRUE(out.benefit_missing);
  EXPECT_TRUE(out.payments.empty());
  EXPECT_EQ(out.unpaid.size(), 3u);
}

// Issue 16: a bijstand recorded as 0.00 (the right paused) is signalled like a missing one.
TEST_F(MonthTest, ABijstandOfZeroIsSignalledLikeAMissingOne) {
  input_.benefit = Money::Zero();
  const ClientMonth out = Run("2027-01", "2026-12-14");
  EXPECT_TRUE(out.benefit_missing);
  const auto signal = std::find_if(out.signals.begin(), out.signals.end(), [](const Signal& s) {
    return s.kind == SignalKind::kNoBenefit;
  });
  ASSERT_NE(signal, out.signals.end());
  EXPECT_EQ(signal->detail, "bijstand of 0.00 recorded for 2027-01; no credit was drawn");
  EXPECT_TRUE(out.payments.empty()) << "nothing to pay with";
}

// Issue 16: the first leefgeld of a right that starts mid-month (16 November) is due on the
// start day, not on the policy's 1st before it (which a run on 2 November had flagged late).
TEST_F(MonthTest, FirstLeefgeldIsNotDueBeforeTheRightStarts) {
  const ClientMonth out = Run("2026-11", "2026-11-02");
  ASSERT_EQ(out.payments.size(), 1u);  // the bills start in December
  const Payment& leefgeld = out.payments[0];
  EXPECT_EQ(leefgeld.purpose, PaymentPurpose::kAllowance);
  EXPECT_EQ(leefgeld.due, D("2026-11-16"));
  EXPECT_EQ(leefgeld.execution, D("2026-11-13"));  // Friday, one business day before Monday
  EXPECT_FALSE(leefgeld.late);
  // A later month is due on the policy's day again.
  EXPECT_EQ(Run("2027-01", "2026-12-14").payments.back().due, D("2027-01-01"));
}

TEST_F(MonthTest, UnknownCreditorIsUnpaidNotGuessed) {
  input_.bills[0].creditor = {"NOBODY"};
  const ClientMonth out = Run("2027-01", "2026-12-14");
  ASSERT_FALSE(out.unpaid.empty());
  EXPECT_EQ(out.unpaid[0].reason, UnpaidReason::kUnknownCreditor);
}

TEST(PlanExecutionTest, SettlementAndHolidays) {
  // Due Tue 30 Mar 2027, after Good Friday and Easter Monday: execute Thu 25 Mar.
  EXPECT_EQ(
      PlanExecution(
          {.due = D("2027-03-30"), .run_date = D("2027-03-01"), .settlement_business_days = 1})
          .execution,
      D("2027-03-25"));
  // Due Saturday 1 May 2027 (also closed): land Fri 30 Apr, execute Thu 29 Apr.
  EXPECT_EQ(
      PlanExecution(
          {.due = D("2027-05-01"), .run_date = D("2027-04-01"), .settlement_business_days = 1})
          .execution,
      D("2027-04-29"));
  // Run on a Sunday after the latest date: first business day after it, late.
  const ExecutionPlan late = PlanExecution(
      {.due = D("2027-02-01"), .run_date = D("2027-01-31"), .settlement_business_days = 1});
  EXPECT_EQ(late.execution, D("2027-02-01"));
  EXPECT_TRUE(late.late);
  // Two-day settlement moves one business day further back.
  EXPECT_EQ(
      PlanExecution(
          {.due = D("2027-02-01"), .run_date = D("2027-01-01"), .settlement_business_days = 2})
          .execution,
      D("2027-01-28"));
}

TEST(LedgerDeathTest, UnbalancedEntryAborts) {
  EXPECT_DEATH(MakeTransfer("k", {"C1"}, M("2027-01"), EntryKind::kBillPaid, D("2027-01-01"),
                            DebitAccount{{"a"}}, CreditAccount{{"b"}}, Money::Zero()),
               "positive amount");
  EXPECT_DEATH(MakeTransfer("k", {"C1"}, M("2027-01"), EntryKind::kBillPaid, D("2027-01-01"),
                            DebitAccount{{"a"}}, CreditAccount{{"a"}}, Money::FromCents(1)),
               "between two accounts");
}

}  // namespace
}  // namespace ontzorg

namespace ontzorg {
namespace {

// Issue 17: a one-off as bijzondere bijstand brings its money in before it pays it out (the
// client's funds end where they began); out of the client's funds it only pays out. Its key and
// EndToEndId come from the decision, so a second booking of one decision has the same key.
TEST(OneOffTest, SpecialAssistanceBringsTheMoneyInBeforePayingIt) {
  OneOff o{.decision = "BB-2027-0042",
           .client = ClientId{"C1"},
           .creditor = CreditorId{"WS"},
           .amount = Money::FromCents(125000),
           .funding = OneOffFunding::kSpecialAssistance,
           .description = "Borg",
           .due = Date::Parse("2027-01-27").value()};
  const Payee payee{"Woonstichting", ParseIban("NL63INGB4101000000").value(), std::nullopt,
                    std::nullopt};
  const Date run = Date::Parse("2027-01-20").value();
  const OneOffBooking gift = BookOneOff(o, payee, run, 1);
  EXPECT_EQ(gift.payment.key, "C1|one_off:BB-2027-0042|2027-01");
  EXPECT_EQ(gift.payment.end_to_end_id, "OZ-E-BB-2027-0042");
  EXPECT_EQ(gift.payment.purpose, PaymentPurpose::kOneOff);
  EXPECT_EQ(std::string(PaymentKind(gift.payment)), "one_off");
  EXPECT_EQ(gift.payment.remittance.value, "Borg");
  EXPECT_LE(gift.payment.execution, o.due);
  ASSERT_EQ(gift.entries.size(), 2u);
  EXPECT_EQ(gift.entries[0].kind, EntryKind::kSpecialAssistanceReceived);
  EXPECT_EQ(gift.entries[0].key, gift.payment.key + "|funded");
  EXPECT_EQ(gift.entries[1].kind, EntryKind::kOneOffPaid);
  EXPECT_EQ(gift.entries[1].key, gift.payment.key);
  const Account funds = accounts::ClientFunds(ClientId{"C1"});
  EXPECT_EQ(LiabilityBalance(gift.entries, funds), Money());
  EXPECT_EQ(AssetBalance(gift.entries, accounts::ManagedBank()), Money());

  o.funding = OneOffFunding::kClientFunds;
  const OneOffBooking own = BookOneOff(o, payee, run, 1);
  ASSERT_EQ(own.entries.size(), 1u);
  EXPECT_EQ(LiabilityBalance(own.entries, funds), -o.amount);

  // A failed one-off is re-issued like any payment: a new key, an EndToEndId of the same length.
  const auto again = ReissuedPayment(gift.payment, 2, payee, run, 1);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->end_to_end_id, "OZE2-BB-2027-0042");
  EXPECT_EQ(again->key, gift.payment.key + "#2");
  EXPECT_EQ(PaymentEntry(*again, run).kind, EntryKind::kOneOffPaid);
  EXPECT_EQ(ParsePaymentPurpose("one_off"), PaymentPurpose::kOneOff);
  EXPECT_EQ(ParseOneOffFunding("client_funds"), OneOffFunding::kClientFunds);
  EXPECT_FALSE(ParseOneOffFunding("gift"));
}

}  // namespace
}  // namespace ontzorg
