// The double-debit guard (engine/direct_debit.h): what is paid, paid with a warning or held, for
// every bill kind, record and policy action.
#include "engine/direct_debit.h"

#include <gtest/gtest.h>

namespace ontzorg {
namespace {

Date D(const char* text) { return Date::Parse(text).value(); }

DirectDebitRecord Record(const char* bill, DirectDebitStatus status, const char* on,
                         const char* note = "") {
  return DirectDebitRecord{.bill = BillId{bill},
                           .client = ClientId{"C1"},
                           .status = status,
                           .on = D(on),
                           .confirmed_by = "coach",
                           .note = note};
}

TEST(DirectDebitTest, EveryKindRecordAndActionDecidesAsTheRuleSays) {
  const std::optional<DirectDebitRecord> none;
  const auto with = [](DirectDebitStatus s) {
    return std::optional<DirectDebitRecord>(Record("B", s, "2027-01-01", "reason"));
  };
  for (BillKind kind :
       {BillKind::kRent, BillKind::kEnergy, BillKind::kWater, BillKind::kHealthInsurance}) {
    for (DoubleDebitAction action :
         {DoubleDebitAction::kHold, DoubleDebitAction::kPayWithWarning}) {
      DoubleDebitPolicy policy;
      policy.by_kind[kind] = action;
      const GuardDecision unconfirmed = action == DoubleDebitAction::kHold
                                            ? GuardDecision::kHold
                                            : GuardDecision::kPayWithWarning;
      SCOPED_TRACE(std::string(ToString(kind)) + " " + ToString(action));
      // Nothing recorded: at risk, the policy decides.
      EXPECT_EQ(DecideDoubleDebit(policy, kind, none), unconfirmed);
      // Confirmed cancelled, or there never was one: paid.
      EXPECT_EQ(DecideDoubleDebit(policy, kind, with(DirectDebitStatus::kCancelled)),
                GuardDecision::kPay);
      EXPECT_EQ(DecideDoubleDebit(policy, kind, with(DirectDebitStatus::kNone)),
                GuardDecision::kPay);
      // A coach's override pays, always with the warning (even where the policy holds).
      EXPECT_EQ(DecideDoubleDebit(policy, kind, with(DirectDebitStatus::kOverride)),
                GuardDecision::kPayWithWarning);
      // A kind the policy does not list is not guarded.
      DoubleDebitPolicy other;
      for (BillKind k :
           {BillKind::kRent, BillKind::kEnergy, BillKind::kWater, BillKind::kHealthInsurance}) {
        if (k != kind) other.by_kind[k] = action;
      }
      EXPECT_EQ(DecideDoubleDebit(other, kind, none), GuardDecision::kPay);
    }
  }
}

TEST(DirectDebitTest, TheProductDefaultPaysRentWithAWarningAndHoldsTheRest) {
  const DoubleDebitPolicy policy = DoubleDebitPolicy::Default();
  const std::optional<DirectDebitRecord> none;
  EXPECT_EQ(DecideDoubleDebit(policy, BillKind::kRent, none), GuardDecision::kPayWithWarning);
  EXPECT_EQ(DecideDoubleDebit(policy, BillKind::kEnergy, none), GuardDecision::kHold);
  EXPECT_EQ(DecideDoubleDebit(policy, BillKind::kWater, none), GuardDecision::kHold);
  EXPECT_EQ(DecideDoubleDebit(policy, BillKind::kHealthInsurance, none), GuardDecision::kHold);
  EXPECT_EQ(DecideDoubleDebit(DoubleDebitPolicy{}, BillKind::kEnergy, none), GuardDecision::kPay);
}

TEST(DirectDebitTest, TheNewestRecordOnOrBeforeTheDateCounts) {
  const std::vector<DirectDebitRecord> records = {
      Record("E", DirectDebitStatus::kOverride, "2027-01-05", "blocked"),
      Record("E", DirectDebitStatus::kCancelled, "2027-02-03"),
      Record("W", DirectDebitStatus::kCancelled, "2027-01-01"),
  };
  EXPECT_FALSE(DirectDebitOf(records, BillId{"E"}, D("2027-01-04")));
  EXPECT_EQ(DirectDebitOf(records, BillId{"E"}, D("2027-01-05"))->status,
            DirectDebitStatus::kOverride);
  EXPECT_EQ(DirectDebitOf(records, BillId{"E"}, D("2027-02-02"))->status,
            DirectDebitStatus::kOverride);
  EXPECT_EQ(DirectDebitOf(records, BillId{"E"}, D("2027-02-03"))->status,
            DirectDebitStatus::kCancelled);
  EXPECT_FALSE(DirectDebitOf(records, BillId{"R"}, D("2027-12-31")));
  // Two records on one day: the one recorded last wins.
  const std::vector<DirectDebitRecord> same_day = {
      Record("E", DirectDebitStatus::kCancelled, "2027-01-05"),
      Record("E", DirectDebitStatus::kOverride, "2027-01-05", "mistake corrected"),
  };
  EXPECT_EQ(DirectDebitOf(same_day, BillId{"E"}, D("2027-01-05"))->status,
            DirectDebitStatus::kOverride);
}

TEST(DirectDebitTest, AtRiskUntilConfirmedCancelledOrNone) {
  EXPECT_TRUE(AtRiskOfDoubleDebit(std::nullopt));
  EXPECT_TRUE(AtRiskOfDoubleDebit(Record("E", DirectDebitStatus::kOverride, "2027-01-01", "x")));
  EXPECT_FALSE(AtRiskOfDoubleDebit(Record("E", DirectDebitStatus::kCancelled, "2027-01-01")));
  EXPECT_FALSE(AtRiskOfDoubleDebit(Record("E", DirectDebitStatus::kNone, "2027-01-01")));
}

TEST(DirectDebitTest, NamesReadBackAsWritten) {
  for (auto s :
       {DirectDebitStatus::kCancelled, DirectDebitStatus::kNone, DirectDebitStatus::kOverride}) {
    EXPECT_EQ(ParseDirectDebitStatus(ToString(s)), s);
  }
  for (auto a : {DoubleDebitAction::kHold, DoubleDebitAction::kPayWithWarning}) {
    EXPECT_EQ(ParseDoubleDebitAction(ToString(a)), a);
  }
  EXPECT_FALSE(ParseDirectDebitStatus("stopped"));
  EXPECT_FALSE(ParseDoubleDebitAction("pay"));
}

}  // namespace
}  // namespace ontzorg
