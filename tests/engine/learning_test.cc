// Learning progress and the guided hand-over: the statutory rule, the safety net, the checkpoint.
#include "engine/learning.h"

#include <gtest/gtest.h>

#include "engine/month.h"
#include "tests/engine/printers.h"

namespace ontzorg {
namespace {

Date D(const char* s) { return Date::Parse(s).value(); }
YearMonth M(const char* s) { return YearMonth::Parse(s).value(); }
Money E(int64_t euros) { return Money::FromCents(euros * 100); }

CompetenceModel Model() {
  CompetenceModel m;
  m.areas = {"overview", "spending"};
  m.skills = {{"knows_bill", {BillKind::kRent, BillKind::kWater}},
              {"pays_on_time", {BillKind::kRent, BillKind::kWater}}};
  return m;
}

class LearningTest : public testing::Test {
 protected:
  void SetUp() override {
    creditors_[{"WS"}] = {{"WS"},
                          "Woonstichting",
                          ParseIban("NL91ABNA0417164300").value(),
                          {},
                          Address{"", "", "", "Utrecht", "NL"}};
    c_.client = {{"C1"},
                 "111222333",
                 "Amal Haddad",
                 Household::kSingle,
                 ParseIban("NL20INGB0001234567").value()};
    c_.plan.client = {"C1"};
    c_.plan.benefit_start = D("2027-01-01");  // month six: June 2027
    AddBill("RENT", BillKind::kRent, E(700));
    AddBill("WATER", BillKind::kWater, E(30));
    c_.benefit = E(1300);
  }
  void AddBill(const char* id, BillKind kind, Money amount) {
    Bill b;
    b.id = {id};
    b.client = {"C1"};
    b.kind = kind;
    b.creditor = {"WS"};
    b.amount = amount;
    b.start = D("2027-01-01");
    b.reference = {ReferenceKind::kFreeText, id};
    c_.bills.push_back(b);
  }
  void Maatwerk() {
    c_.plan.kind = PlanKind::kMaatwerk;
    c_.plan.bills = {BillKind::kRent, BillKind::kWater};
    c_.plan.reason = "klant wil snel zelf betalen";
  }
  void Decide(const char* bill, HandOver state, const char* from) {
    c_.hand_overs.push_back({"D" + std::to_string(c_.hand_overs.size() + 1),
                             {"C1"},
                             {bill},
                             state,
                             M(from),
                             "coach's reason",
                             "coach",
                             M(from).FirstDay()});
  }
  ClientMonth Run(const char* month) {
    auto out = ComputeClientMonth(c_, creditors_, policy_, M(month),
                                  M(month).AddMonths(-1).DayClamped(20));
    EXPECT_TRUE(out.has_value());
    return *out;
  }
  static bool PaysBill(const ClientMonth& m, const char* bill) {
    for (const Payment& p : m.payments) {
      if (p.bill && p.bill->value == bill) return true;
    }
    return false;
  }

  std::map<CreditorId, Creditor> creditors_;
  ClientCase c_;
  MonthPolicy policy_;
};

TEST(LevelsTest, ReadBackAsStoredInKeyOrder) {
  const Levels levels = {{"rent.pays_on_time", 1}, {"overview", 2}};
  EXPECT_EQ(levels.Encoded(), "overview=2;rent.pays_on_time=1");
  EXPECT_EQ(levels.Get("overview"), 2);
  EXPECT_EQ(levels.Get("rent.pays_on_time"), 1);
  EXPECT_EQ(levels.Get("rent"), 0);  // a prefix of a key is not the key
  EXPECT_EQ(levels.Get("view"), 0);  // nor the end of one
  EXPECT_EQ(levels.Get("pays_on_time"), 0);
  EXPECT_EQ(levels.Get(""), 0);
  EXPECT_EQ(Levels({{"a.view", 3}, {"view", 1}}).Get("view"), 1);
  EXPECT_EQ(levels.Get("spending"), 0);
  EXPECT_EQ(Levels::Parse(levels.Encoded()), levels);
  const auto items = levels.Items();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0], (std::pair<std::string_view, int>("overview", 2)));
  EXPECT_EQ(items[1], (std::pair<std::string_view, int>("rent.pays_on_time", 1)));
  // Out of order, repeated (the last counts) or ending in ';': read into the stored form.
  EXPECT_EQ(Levels::Parse("spending=1;overview=2;spending=3;")->Encoded(), "overview=2;spending=3");
  EXPECT_EQ(Levels::Parse("")->Encoded(), "");
  for (const char* bad :
       {"overview=12", "=2", "overview", "overview=x", "a=1;;b=2", "overview:2"}) {
    EXPECT_FALSE(Levels::Parse(bad)) << bad;
  }
}

TEST(LevelKeysTest, AreTheAreasAndEachSkillForTheBillKindsItAppliesTo) {
  EXPECT_EQ(LevelKeys(Model()), (std::set<std::string, std::less<>>{
                                    "overview", "spending", "rent.knows_bill", "rent.pays_on_time",
                                    "water.knows_bill", "water.pays_on_time"}));
  CompetenceModel energy_only = Model();
  energy_only.skills = {{"pays_on_time", {BillKind::kEnergy}}};
  EXPECT_EQ(LevelKeys(energy_only),
            (std::set<std::string, std::less<>>{"overview", "spending", "energy.pays_on_time"}));
}

TEST_F(LearningTest, AStatutoryBillCannotLeavePaidForClientBeforeMonthSixEnds) {
  const Bill& water = c_.bills[1];
  EXPECT_EQ(MonthSix(c_.plan), M("2027-06"));
  for (const char* from : {"2027-01", "2027-03", "2027-06"}) {
    for (HandOver state : {HandOver::kPractising, HandOver::kSafetyNet, HandOver::kClientAlone}) {
      const auto refused = CheckHandOver(c_.plan, water, state, M(from), "reason");
      ASSERT_FALSE(refused) << from << " " << ToString(state);
      EXPECT_EQ(refused.error(), HandOverError::kStatutoryBeforeMonthSix);
    }
  }
  EXPECT_TRUE(CheckHandOver(c_.plan, water, HandOver::kPractising, M("2027-07"), "reason"));
  // Even a decision that got into the store is ignored: the run pays the bill, every month.
  Decide("WATER", HandOver::kClientAlone, "2027-02");
  for (const char* month : {"2027-02", "2027-04", "2027-06"}) {
    const ClientMonth m = Run(month);
    EXPECT_EQ(m.hand_over[1].state, HandOver::kPaidForClient) << month;
    EXPECT_TRUE(PaysBill(m, "WATER")) << month;
  }
  // A statutory plan starting mid-month: its six months run into the seventh calendar month.
  c_.plan.benefit_start = D("2027-01-16");
  EXPECT_EQ(MonthSix(c_.plan), M("2027-07"));
}

TEST_F(LearningTest, AMaatwerkHandOverNeedsAReason) {
  Maatwerk();
  const auto refused = CheckHandOver(c_.plan, c_.bills[1], HandOver::kSafetyNet, M("2027-02"), " ");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error(), HandOverError::kWithoutReason);
  EXPECT_TRUE(CheckHandOver(c_.plan, c_.bills[1], HandOver::kSafetyNet, M("2027-02"), "ready"));
  c_.plan.bills = {BillKind::kRent};
  EXPECT_EQ(CheckHandOver(c_.plan, c_.bills[1], HandOver::kSafetyNet, M("2027-02"), "x").error(),
            HandOverError::kBillNotInPlan);
}

TEST_F(LearningTest, UnderTheSafetyNetTheClientPaysAndAMissMovesTheBillBackWithASignal) {
  Maatwerk();
  Decide("WATER", HandOver::kSafetyNet, "2027-02");
  const ClientMonth feb = Run("2027-02");
  EXPECT_FALSE(PaysBill(feb, "WATER"));
  ASSERT_EQ(feb.client_pays.size(), 1u);
  EXPECT_EQ(feb.client_pays[0].amount, E(30));
  EXPECT_EQ(feb.client_pays[0].creditor, "Woonstichting");
  // The water money goes with the leefgeld: 1300 - 700 rent = 600.
  EXPECT_EQ(feb.payments.back().amount, E(600));
  // The coach confirms March was paid, April was missed.
  c_.confirmations.push_back({{"C1"}, {"WATER"}, M("2027-02"), true, "coach", D("2027-02-10")});
  c_.confirmations.push_back({{"C1"}, {"WATER"}, M("2027-03"), false, "coach", D("2027-03-12")});
  const ClientMonth mar = Run("2027-03");
  EXPECT_FALSE(PaysBill(mar, "WATER"));
  EXPECT_EQ(mar.hand_over[1].months_confirmed, 1);
  const ClientMonth apr = Run("2027-04");
  EXPECT_EQ(apr.hand_over[1].state, HandOver::kPaidForClient);
  EXPECT_TRUE(PaysBill(apr, "WATER"));
  bool signalled = false;
  for (const Signal& s : apr.signals) signalled |= s.kind == SignalKind::kPaymentMissed;
  EXPECT_TRUE(signalled);
  // Once: May has no new signal, and the bill stays paid for the client.
  const ClientMonth may = Run("2027-05");
  for (const Signal& s : may.signals) EXPECT_NE(s.kind, SignalKind::kPaymentMissed);
  EXPECT_TRUE(PaysBill(may, "WATER"));
  // A new decision after the miss moves it again.
  Decide("WATER", HandOver::kSafetyNet, "2027-06");
  EXPECT_FALSE(PaysBill(Run("2027-06"), "WATER"));
}

TEST_F(LearningTest, TheCheckpointRecommendsOneStepAtATime) {
  Maatwerk();
  const CompetenceModel model = Model();
  const auto checkpoint = [&](const char* month) {
    const auto states =
        HandOverStates(c_.plan, c_.bills, c_.hand_overs, c_.confirmations, M(month));
    return DeriveCheckpoint(model, c_.plan, {"C1"}, states, c_.assessments, M(month),
                            M(month).DayClamped(10));  // the run of the month
  };
  Checkpoint cp = checkpoint("2027-01");
  EXPECT_EQ(cp.next, NextStep::kAssess);
  EXPECT_EQ(cp.relief_month, 1);
  EXPECT_EQ(cp.relief_months, 6);
  c_.assessments.push_back(
      {"A1", {"C1"}, D("2027-01-10"), "coach", "", {{"overview", 1}, {"water.knows_bill", 1}}});
  cp = checkpoint("2027-01");
  EXPECT_EQ(cp.next, NextStep::kLearnSkill);  // water first; pays_on_time is still 0
  EXPECT_EQ(cp.next_subject, "water.pays_on_time");
  c_.assessments.push_back({"A2",
                            {"C1"},
                            D("2027-02-10"),
                            "coach",
                            "",
                            {{"overview", 2},
                             {"spending", 1},
                             {"water.knows_bill", 2},
                             {"water.pays_on_time", 2},
                             {"rent.knows_bill", 1}}});
  cp = checkpoint("2027-02");
  EXPECT_EQ(cp.next, NextStep::kStartPractising);
  EXPECT_EQ(cp.next_subject, "WATER");
  EXPECT_EQ(cp.areas[0].trend, 1);
  EXPECT_EQ(cp.stage, Stage::kPaidForClient);
  Decide("WATER", HandOver::kPractising, "2027-03");
  cp = checkpoint("2027-03");
  EXPECT_EQ(cp.next, NextStep::kStartSafetyNet);
  EXPECT_EQ(cp.stage, Stage::kPractising);
  Decide("WATER", HandOver::kSafetyNet, "2027-04");
  cp = checkpoint("2027-04");
  EXPECT_EQ(cp.next, NextStep::kLearnSkill);  // water needs level 3 to let go
  EXPECT_EQ(cp.stage, Stage::kHandingOver);
  // Two months without any progress: stalled.
  c_.assessments.push_back({"A3", {"C1"}, D("2027-04-10"), "coach", "", c_.assessments[1].levels});
  cp = checkpoint("2027-04");
  EXPECT_TRUE(cp.stalled);
  // A statutory plan: ready, but it must wait for month six.
  c_.plan.kind = PlanKind::kStatutory;
  c_.plan.bills.clear();
  c_.hand_overs.clear();
  cp = checkpoint("2027-04");
  EXPECT_EQ(cp.next, NextStep::kWaitForMonthSix);
  EXPECT_EQ(cp.stage, Stage::kPaidForClient);
}

}  // namespace
}  // namespace ontzorg
