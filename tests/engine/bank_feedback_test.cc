// Bank-line matching (engine/bank_feedback.h): what each statement line is, by the rules, and
// that a line that fits no rule is listed for a person instead of guessed.
#include "engine/bank_feedback.h"

#include <gtest/gtest.h>

namespace ontzorg {
namespace {

Money Eur(int64_t cents) { return Money::FromCents(cents); }

// Our file GM9999-20261214-00000001: two payments in one payment group (-1) and a leefgeld in
// another (-2); a toeslagen payer, a bijstand payer and a creditor with two clients' bills.
MatchIndex Index() {
  MatchIndex index;
  const auto sent = [&](const char* e2e, const char* client, int64_t cents, const char* group,
                        std::optional<BillId> bill) {
    index.by_end_to_end_id[e2e] = SentPayment{.key = std::string(client) + "|" + e2e,
                                              .end_to_end_id = e2e,
                                              .client = ClientId{client},
                                              .amount = Eur(cents),
                                              .msg_id = "GM9999-20261214-00000001",
                                              .pmt_inf_id = group,
                                              .bill = bill};
    index.by_pmt_inf_id[group].push_back(e2e);
    index.by_msg_id["GM9999-20261214-00000001"].push_back(e2e);
  };
  sent("OZ-B-202701-C1-R", "C1", 70000, "GM9999-20261214-00000001-1", BillId{"C1-R"});
  sent("OZ-B-202701-C2-R", "C2", 65000, "GM9999-20261214-00000001-1", BillId{"C2-R"});
  sent("OZ-L-202701-C1", "C1", 44000, "GM9999-20261214-00000001-2", std::nullopt);
  index.payers["NL86INGB0002445588"] = PayerKind::kToeslagen;
  index.payers["NL02ABNA0123456789"] = PayerKind::kBijstand;
  index.clients = {"C1", "C2"};
  index.bills_by_creditor_iban["NL20INGB0001234567"] = {
      {BillId{"C1-E"}, ClientId{"C1"}, BillKind::kEnergy, "5000056789012345"},
      {BillId{"C2-E"}, ClientId{"C2"}, BillKind::kEnergy, ""}};
  return index;
}

BankEntry Entry(int64_t cents, bool credit) {
  BankEntry e;
  e.line = 10;
  e.amount = Eur(cents);
  e.credit = credit;
  e.status = "BOOK";
  return e;
}

BankTransaction Tx(const char* e2e) {
  BankTransaction t;
  t.end_to_end_id = e2e;
  return t;
}

BankTransaction MoneyIn(const char* iban, const char* remittance) {
  BankTransaction t;
  t.counterparty_iban = iban;
  t.remittance = remittance;
  return t;
}

TEST(MatchLineTest, AnEntryNotBookedYetChangesNothing) {
  BankEntry e = Entry(70000, false);
  e.status = "PDNG";
  const BankTransaction t = Tx("OZ-B-202701-C1-R");
  EXPECT_EQ(MatchLine(e, &t, Index()).kind, LineKind::kNotBooked);
  e.status = "";
  EXPECT_EQ(MatchLine(e, &t, Index()).kind, LineKind::kNotBooked);
}

TEST(MatchLineTest, ADebitOfOurPaymentIsBookedByItsEndToEndId) {
  const BankTransaction t = Tx("OZ-B-202701-C1-R");
  const LineMatch m = MatchLine(Entry(70000, false), &t, Index());
  EXPECT_EQ(m.kind, LineKind::kBooked);
  EXPECT_EQ(m.payments, std::vector<std::string>{"OZ-B-202701-C1-R"});
  EXPECT_EQ(m.client, ClientId{"C1"});
}

TEST(MatchLineTest, ADebitThatIsNotOursOrNotTheAmountSentGoesToAPerson) {
  const BankTransaction other = Tx("SOMEONE-ELSE-1");
  EXPECT_EQ(MatchLine(Entry(70000, false), &other, Index()).kind, LineKind::kUnmatched);
  const BankTransaction ours = Tx("OZ-B-202701-C1-R");
  const LineMatch wrong_amount = MatchLine(Entry(69999, false), &ours, Index());
  EXPECT_EQ(wrong_amount.kind, LineKind::kUnmatched);
  EXPECT_NE(wrong_amount.explanation.find("we sent 700.00"), std::string::npos);
  // The transaction's own amount counts when it has one.
  BankTransaction with_amount = Tx("OZ-B-202701-C1-R");
  with_amount.amount = Eur(12300);
  EXPECT_EQ(MatchLine(Entry(70000, false), &with_amount, Index()).kind, LineKind::kUnmatched);
  EXPECT_EQ(MatchLine(Entry(70000, false), nullptr, Index()).kind, LineKind::kUnmatched);
}

TEST(MatchLineTest, ABatchBookingBooksItsGroupOrFileWhenTheSumAndCountAgree) {
  BankEntry group = Entry(135000, false);
  group.batch_pmt_inf_id = "GM9999-20261214-00000001-1";
  group.batch_count = 2;
  const LineMatch m = MatchLine(group, nullptr, Index());
  EXPECT_EQ(m.kind, LineKind::kBooked);
  EXPECT_EQ(m.payments.size(), 2u);
  BankEntry file = Entry(179000, false);
  file.batch_msg_id = "GM9999-20261214-00000001";
  EXPECT_EQ(MatchLine(file, nullptr, Index()).payments.size(), 3u);
  // A sum or a count that differs from what we sent: a person checks.
  group.amount = Eur(135001);
  EXPECT_EQ(MatchLine(group, nullptr, Index()).kind, LineKind::kUnmatched);
  group.amount = Eur(135000);
  group.batch_count = 3;
  EXPECT_EQ(MatchLine(group, nullptr, Index()).kind, LineKind::kUnmatched);
  BankEntry unknown = Entry(100, false);
  unknown.batch_pmt_inf_id = "GM0000-20260101-00000009-1";
  EXPECT_EQ(MatchLine(unknown, nullptr, Index()).kind, LineKind::kUnmatched);
}

TEST(MatchLineTest, OurPaymentComingBackIsReturnedWithItsReason) {
  BankTransaction t = Tx("OZ-B-202701-C2-R");
  t.return_reason = "AC04";
  const LineMatch m = MatchLine(Entry(65000, true), &t, Index());
  EXPECT_EQ(m.kind, LineKind::kReturned);
  EXPECT_EQ(m.client, ClientId{"C2"});
  EXPECT_EQ(m.reason_code, "AC04");
  EXPECT_FALSE(m.double_payment);
  t.return_reason = "AM05";  // duplicate payment
  EXPECT_TRUE(MatchLine(Entry(65000, true), &t, Index()).double_payment);
  // A reversal of our debit (RvslInd on a debit entry) is money coming back too.
  BankEntry reversal = Entry(65000, false);
  reversal.reversal = true;
  const BankTransaction plain = Tx("OZ-B-202701-C2-R");
  EXPECT_EQ(MatchLine(reversal, &plain, Index()).kind, LineKind::kReturned);
}

TEST(MatchLineTest, APartialOrUnknownReturnGoesToAPerson) {
  BankTransaction t = Tx("OZ-B-202701-C2-R");
  t.return_reason = "AC04";
  EXPECT_EQ(MatchLine(Entry(30000, true), &t, Index()).kind, LineKind::kUnmatched);
  BankTransaction unknown = Tx("NOT-OURS");
  unknown.return_reason = "AC04";
  EXPECT_EQ(MatchLine(Entry(30000, true), &unknown, Index()).kind, LineKind::kUnmatched);
  BankEntry no_reference = Entry(30000, true);
  no_reference.reversal = false;
  BankTransaction returned = Tx("");
  returned.return_reason = "AC04";
  EXPECT_EQ(MatchLine(no_reference, &returned, Index()).kind, LineKind::kUnmatched);
  // A reversal of an earlier credit is money leaving: never guessed.
  BankEntry credit_reversal = Entry(30000, true);
  credit_reversal.reversal = true;
  const BankTransaction in = MoneyIn("NL86INGB0002445588", "C1 huurtoeslag");
  EXPECT_EQ(MatchLine(credit_reversal, &in, Index()).kind, LineKind::kUnmatched);
}

TEST(MatchLineTest, AToeslagNamingOneClientAndItsKindIsThatClientsReceipt) {
  const BankTransaction t = MoneyIn("NL86 INGB 0002 4455 88", "Huurtoeslag C1 januari-april");
  const LineMatch m = MatchLine(Entry(120000, true), &t, Index());
  EXPECT_EQ(m.kind, LineKind::kToeslag);
  EXPECT_EQ(m.client, ClientId{"C1"});
  EXPECT_EQ(m.income, IncomeKind::kRentAllowance);
  // Two clients, none, or no recognisable kind: a person assigns it.
  const BankTransaction two = MoneyIn("NL86INGB0002445588", "zorgtoeslag C1 C2");
  EXPECT_EQ(MatchLine(Entry(120000, true), &two, Index()).kind, LineKind::kUnmatched);
  const BankTransaction no_client = MoneyIn("NL86INGB0002445588", "zorgtoeslag");
  EXPECT_EQ(MatchLine(Entry(120000, true), &no_client, Index()).kind, LineKind::kUnmatched);
  const BankTransaction no_kind = MoneyIn("NL86INGB0002445588", "toeslag C1");
  EXPECT_EQ(MatchLine(Entry(120000, true), &no_kind, Index()).kind, LineKind::kUnmatched);
  const BankTransaction two_kinds = MoneyIn("NL86INGB0002445588", "huurtoeslag zorgtoeslag C1");
  EXPECT_EQ(MatchLine(Entry(120000, true), &two_kinds, Index()).kind, LineKind::kUnmatched);
}

TEST(MatchLineTest, BijstandFromTheMunicipalityNamingOneClient) {
  const BankTransaction t = MoneyIn("NL02ABNA0123456789", "Bijstand jan 2027 C2");
  const LineMatch m = MatchLine(Entry(130000, true), &t, Index());
  EXPECT_EQ(m.kind, LineKind::kBijstand);
  EXPECT_EQ(m.client, ClientId{"C2"});
}

TEST(MatchLineTest, ACreditorPayingBackIsARefundForTheClientItNames) {
  // By the bill's payment reference, which is unique to one client.
  const BankTransaction by_reference =
      MoneyIn("NL20INGB0001234567", "Restitutie jaarafrekening 5000 0567 8901 2345");
  LineMatch m = MatchLine(Entry(8000, true), &by_reference, Index());
  EXPECT_EQ(m.kind, LineKind::kRefund);
  EXPECT_EQ(m.client, ClientId{"C1"});
  EXPECT_EQ(m.bill, BillId{"C1-E"});
  EXPECT_EQ(m.income, IncomeKind::kEnergyRefund);
  EXPECT_FALSE(m.double_payment);
  // By a client number when no reference is named; "dubbel" says it was paid twice.
  const BankTransaction twice = MoneyIn("NL20INGB0001234567", "dubbel betaald C2");
  m = MatchLine(Entry(9000, true), &twice, Index());
  EXPECT_EQ(m.client, ClientId{"C2"});
  EXPECT_TRUE(m.double_payment);
  // A bill paid while the client's own direct debit was not confirmed cancelled: a refund of it
  // may be the second payment coming back.
  MatchIndex at_risk = Index();
  at_risk.bills_paid_at_risk.insert("C2-E");
  const BankTransaction plain = MoneyIn("NL20INGB0001234567", "terugbetaling C2");
  EXPECT_TRUE(MatchLine(Entry(9000, true), &plain, at_risk).double_payment);
  // Naming both clients, or neither: a person assigns it.
  const BankTransaction both = MoneyIn("NL20INGB0001234567", "C1 en C2");
  EXPECT_EQ(MatchLine(Entry(9000, true), &both, Index()).kind, LineKind::kUnmatched);
  const BankTransaction neither = MoneyIn("NL20INGB0001234567", "restitutie");
  EXPECT_EQ(MatchLine(Entry(9000, true), &neither, Index()).kind, LineKind::kUnmatched);
}

TEST(MatchLineTest, MoneyFromAnUnknownAccountOrWithoutOneGoesToAPerson) {
  const BankTransaction stranger = MoneyIn("NL91ABNA0417164300", "C1 huurtoeslag");
  EXPECT_EQ(MatchLine(Entry(2500, true), &stranger, Index()).kind, LineKind::kUnmatched);
  const BankTransaction no_iban = MoneyIn("", "C1 huurtoeslag");
  EXPECT_EQ(MatchLine(Entry(2500, true), &no_iban, Index()).kind, LineKind::kUnmatched);
  EXPECT_EQ(MatchLine(Entry(2500, true), nullptr, Index()).kind, LineKind::kUnmatched);
}

TEST(MatchLineTest, ClientNumbersAreWholeWords) {
  EXPECT_EQ(ClientIdsIn("C1, C2 and C10", {"C1", "C2"}), (std::vector<std::string>{"C1", "C2"}));
  EXPECT_TRUE(ClientIdsIn("C10 C1X", {"C1"}).empty());
  EXPECT_EQ(ClientIdsIn("C1 C1", {"C1"}).size(), 1u);
}

}  // namespace
}  // namespace ontzorg
