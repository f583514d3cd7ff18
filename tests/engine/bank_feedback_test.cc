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

// --- Telling lines apart ----------------------------------------------------------------------

BankStatement Statement(const char* id) {
  BankStatement s;
  s.id = id;
  s.account_iban = "NL38BNGH0285012345";
  return s;
}

BankEntry Credit(int64_t cents, const char* day) {
  BankEntry e = Entry(cents, true);
  e.booked_on = Date::Parse(day).value();
  return e;
}

TEST(IdentifyLineTest, TheSameCreditInANotificationAndInTheStatementIsOneLine) {
  // A camt.054 at noon and the day's camt.053: other statement ids, other NtryRefs, the bank
  // writing the remittance with other spaces and case. Neither carries AcctSvcrRef.
  BankEntry noon = Credit(31200, "2026-12-16"), evening = noon;
  noon.entry_ref = "1";
  evening.entry_ref = "17";
  BankTransaction tx = MoneyIn("NL86INGB0002445588", "Huurtoeslag C1");
  BankTransaction again = tx;
  again.remittance = "HUURTOESLAG  C1";
  const LineIdentity a = IdentifyLine(Statement("NTF-1"), noon, &tx, 0);
  const LineIdentity b = IdentifyLine(Statement("STM-9"), evening, &again, 0);
  EXPECT_FALSE(a.by_bank_reference);
  EXPECT_EQ(a.text, b.text);
}

TEST(IdentifyLineTest, AnyDifferenceInContentMakesAnotherLine) {
  const BankEntry base = Credit(31200, "2026-12-16");
  const BankTransaction tx = MoneyIn("NL86INGB0002445588", "Huurtoeslag C1");
  const std::string id = IdentifyLine(Statement("S"), base, &tx, 0).text;
  BankEntry other_day = base;
  other_day.booked_on = Date::Parse("2026-12-17").value();
  BankEntry other_amount = Credit(31201, "2026-12-16");
  BankEntry debit = base;
  debit.credit = false;
  BankTransaction other_payer = tx, other_text = tx, other_e2e = tx;
  other_payer.counterparty_iban = "NL91ABNA0417164300";
  other_text.remittance = "Huurtoeslag C2";
  other_e2e.end_to_end_id = "X1";
  BankStatement other_account = Statement("S");
  other_account.account_iban = "NL91ABNA0417164300";
  EXPECT_NE(IdentifyLine(Statement("S"), other_day, &tx, 0).text, id);
  EXPECT_NE(IdentifyLine(Statement("S"), other_amount, &tx, 0).text, id);
  EXPECT_NE(IdentifyLine(Statement("S"), debit, &tx, 0).text, id);
  EXPECT_NE(IdentifyLine(Statement("S"), base, &other_payer, 0).text, id);
  EXPECT_NE(IdentifyLine(Statement("S"), base, &other_text, 0).text, id);
  EXPECT_NE(IdentifyLine(Statement("S"), base, &other_e2e, 0).text, id);
  EXPECT_NE(IdentifyLine(other_account, base, &tx, 0).text, id);
  // The value date, when given, is the day that counts (the booking date may differ by file).
  BankEntry valued = base, valued_later_booked = base;
  valued.value_on = valued_later_booked.value_on = Date::Parse("2026-12-16").value();
  valued_later_booked.booked_on = Date::Parse("2026-12-17").value();
  EXPECT_EQ(IdentifyLine(Statement("S"), valued, &tx, 0).text,
            IdentifyLine(Statement("S"), valued_later_booked, &tx, 0).text);
}

TEST(IdentifyLineTest, TheBanksOwnReferenceIdentifiesALineWhateverElseIsWritten) {
  BankEntry a = Credit(31200, "2026-12-16"), b = Credit(99, "2026-12-20");
  a.servicer_ref = b.servicer_ref = "ING-778812";
  const BankTransaction tx = MoneyIn("NL86INGB0002445588", "Huurtoeslag C1");
  const LineIdentity x = IdentifyLine(Statement("S"), a, &tx, 0);
  EXPECT_TRUE(x.by_bank_reference);
  EXPECT_EQ(x.text, IdentifyLine(Statement("T"), b, nullptr, 0).text);
  EXPECT_NE(x.text, IdentifyLine(Statement("S"), a, &tx, 1).text) << "the entry's second line";
}

TEST(SortOccurrencesTest, ContentAloneBooksOneLineOnceAndListsWhatCannotBeToldApart) {
  // {in the file, booked before} -> {seen, book, listed}
  struct Row {
    int in_file, stored, seen, book, listed;
  };
  const Row rows[] = {
      {1, 0, 0, 1, 0},  // new: booked
      {1, 1, 1, 0, 0},  // the same line again (a re-sent statement, the 053 after the 054)
      {2, 0, 0, 0, 2},  // two equal lines in one file: a second payment or a copy? a person
      {2, 1, 1, 0, 1},  // one was booked, one more now: a person
      {3, 3, 3, 0, 0},  // the whole group again
      {1, 2, 1, 0, 0},  // fewer than before (a notification of one of them): seen
      {0, 4, 0, 0, 0},
  };
  for (const Row& r : rows) {
    const Occurrences o = SortOccurrences({.in_file = r.in_file, .stored = r.stored});
    EXPECT_EQ(o.seen, r.seen) << r.in_file << "/" << r.stored;
    EXPECT_EQ(o.book, r.book) << r.in_file << "/" << r.stored;
    EXPECT_EQ(o.listed, r.listed) << r.in_file << "/" << r.stored;
    EXPECT_EQ(o.seen + o.book + o.listed, r.in_file) << "every line has one fate";
  }
}

TEST(SortOccurrencesTest, CopiesOfALineWithTheBanksReferenceAreCopies) {
  Occurrences o = SortOccurrences({.by_bank_reference = true, .in_file = 2, .stored = 0});
  EXPECT_EQ(o.book, 1);
  EXPECT_EQ(o.seen, 1);
  o = SortOccurrences({.by_bank_reference = true, .in_file = 1, .stored = 1});
  EXPECT_EQ(o.book, 0);
  EXPECT_EQ(o.seen, 1);
  EXPECT_EQ(o.listed, 0);
}

TEST(EntryAmountProblemTest, AnEntryIsSplitOnlyWhenItsTransactionsAddUpToIt) {
  BankEntry two = Credit(62400, "2026-12-16");
  BankTransaction h = MoneyIn("NL86INGB0002445588", "Huurtoeslag C1");
  BankTransaction z = MoneyIn("NL86INGB0002445588", "Zorgtoeslag C1");
  two.transactions = {h, z};
  // Two toeslagen without amounts of their own: not two receipts of 624.00 each.
  ASSERT_TRUE(EntryAmountProblem(two));
  EXPECT_NE(EntryAmountProblem(two)->find("a person splits it"), std::string::npos);
  two.transactions[0].amount = Eur(50000);
  two.transactions[1].amount = Eur(12400);
  EXPECT_FALSE(EntryAmountProblem(two)) << "500.00 + 124.00 = 624.00";
  two.transactions[1].amount = Eur(12500);
  ASSERT_TRUE(EntryAmountProblem(two));
  EXPECT_NE(EntryAmountProblem(two)->find("adding up to 625.00"), std::string::npos);
  // One transaction claiming more than its entry: 10.00 is not 1000.00.
  BankEntry one = Credit(1000, "2026-12-16");
  BankTransaction big = h;
  big.amount = Eur(100000);
  one.transactions = {big};
  ASSERT_TRUE(EntryAmountProblem(one));
  one.transactions[0].amount = Eur(1000);
  EXPECT_FALSE(EntryAmountProblem(one));
  one.transactions[0].amount.reset();  // the entry's own amount
  EXPECT_FALSE(EntryAmountProblem(one));
  EXPECT_FALSE(EntryAmountProblem(Credit(1000, "2026-12-16")));
}

}  // namespace
}  // namespace ontzorg
