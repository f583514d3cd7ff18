// Integrity under people acting at once and the bank's messy files (issue 15): each reproduction
// of the issue as a test, run once per backend (ctest passes --store=sqlite or --store=<libpq>).
// Two Store connections on one store stand for two processes; the bank's files are written here
// as the Dutch banks' exports are: often without AcctSvcrRef or NtryRef.
#include <gtest/gtest.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "adapters/app/batches.h"
#include "adapters/app/feedback.h"
#include "adapters/app/run_month.h"
#include "adapters/import/importer.h"
#include "adapters/storage/store.h"
#include "tests/adapters/test_support.h"

namespace ontzorg {
namespace {

using testing_support::DemoConfig;
using testing_support::ReadFile;
using testing_support::SourceDir;
using testing_support::TempDir;
using testing_support::WriteFile;

std::string g_backend = "sqlite";  // from --store=

constexpr const char* kManaged = "NL38BNGH0285012345";  // config/ontzorg.toml
constexpr const char* kToeslagen = "NL86INGB0002445588";

// One camt line: an entry with at most one transaction (or several, see Entry()).
struct Line {
  std::string amount = "312.00";
  bool credit = true;
  std::string day = "2027-01-20";
  std::string payer = kToeslagen;
  std::string remittance = "Huurtoeslag C000038";
  std::string tx_amount;    // TxAmt, empty: none
  std::string entry_ref;    // NtryRef, empty: none
  std::string batch_msg;    // NtryDtls/Btch/MsgId
  int transactions = 1;     // several TxDtls of the same payer and remittance
  std::string second_text;  // the second transaction's remittance
};

std::string EntryXml(const Line& l) {
  std::string x = "<Ntry>";
  if (!l.entry_ref.empty()) x += "<NtryRef>" + l.entry_ref + "</NtryRef>";
  x += "<Amt Ccy=\"EUR\">" + l.amount + "</Amt><CdtDbtInd>" + (l.credit ? "CRDT" : "DBIT") +
       "</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>" + l.day + "</Dt></BookgDt><ValDt><Dt>" + l.day +
       "</Dt></ValDt><BkTxCd><Prtry><Cd>544</Cd></Prtry></BkTxCd><NtryDtls>";
  if (!l.batch_msg.empty()) x += "<Btch><MsgId>" + l.batch_msg + "</MsgId></Btch>";
  for (int t = 0; t < l.transactions; ++t) {
    x += "<TxDtls>";
    if (!l.tx_amount.empty()) {
      x += "<AmtDtls><TxAmt><Amt Ccy=\"EUR\">" + l.tx_amount + "</Amt></TxAmt></AmtDtls>";
    }
    const std::string party = l.credit ? "Dbtr" : "Cdtr";
    x += "<RltdPties><" + party + "><Nm>Belastingdienst</Nm></" + party + "><" + party +
         "Acct><Id><IBAN>" + l.payer + "</IBAN></Id></" + party + "Acct></RltdPties>";
    x += "<RmtInf><Ustrd>" + (t == 1 && !l.second_text.empty() ? l.second_text : l.remittance) +
         "</Ustrd></RmtInf></TxDtls>";
  }
  return x + "</NtryDtls></Ntry>";
}

// A camt.053.001.02 statement of the managed account.
std::string Camt053(const std::string& msg_id, const std::vector<Line>& lines) {
  std::string x =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Document "
      "xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\"><BkToCstmrStmt><GrpHdr><MsgId>" +
      msg_id + "</MsgId><CreDtTm>2027-01-20T18:00:00</CreDtTm></GrpHdr><Stmt><Id>" + msg_id +
      "-S</Id><CreDtTm>2027-01-20T18:00:00</CreDtTm><Acct><Id><IBAN>" + kManaged +
      "</IBAN></Id></Acct><Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt "
      "Ccy=\"EUR\">1000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2027-01-20</Dt></Dt></Bal>";
  for (const Line& l : lines) x += EntryXml(l);
  return x + "</Stmt></BkToCstmrStmt></Document>\n";
}

// A camt.054.001.02 notification of the managed account.
std::string Camt054(const std::string& msg_id, const std::vector<Line>& lines) {
  std::string x =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Document "
      "xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.054.001.02\"><BkToCstmrDbtCdtNtfctn><GrpHdr>"
      "<MsgId>" +
      msg_id + "</MsgId><CreDtTm>2027-01-20T12:00:00</CreDtTm></GrpHdr><Ntfctn><Id>" + msg_id +
      "-N</Id><CreDtTm>2027-01-20T12:00:00</CreDtTm><Acct><Id><IBAN>" + kManaged +
      "</IBAN></Id></Acct>";
  for (const Line& l : lines) x += EntryXml(l);
  return x + "</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>\n";
}

// A pain.002.001.03 rejecting one payment of our message `msg_id`.
std::string Pain002Rejecting(const std::string& msg_id, const std::string& e2e) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Document "
         "xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.002.001.03\"><CstmrPmtStsRpt><GrpHdr><MsgId>"
         "STS-" +
         e2e +
         "</MsgId><CreDtTm>2027-01-16T09:00:00</CreDtTm></GrpHdr><OrgnlGrpInfAndSts><OrgnlMsgId>" +
         msg_id +
         "</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.03</OrgnlMsgNmId><GrpSts>PART</GrpSts>"
         "</OrgnlGrpInfAndSts><OrgnlPmtInfAndSts><OrgnlPmtInfId>X</OrgnlPmtInfId><TxInfAndSts>"
         "<OrgnlEndToEndId>" +
         e2e +
         "</OrgnlEndToEndId><TxSts>RJCT</TxSts><StsRsnInf><Rsn><Cd>AC04</Cd></Rsn></StsRsnInf>"
         "</TxInfAndSts></OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>\n";
}

class IntegrityTest : public testing::Test {
 protected:
  void SetUp() override {
    if (g_backend == "sqlite") {
      url_ = dir_ / "store.db";
    } else {
      url_ = g_backend;
      soci::session sql(soci::postgresql, url_);
      sql << "DROP SCHEMA public CASCADE";
      sql << "CREATE SCHEMA public";
    }
    config_ = DemoConfig(url_);
    auto store = Store::Init(url_);
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(store).value();
    auto report = ImportDirectory(SourceDir() + "/fixtures/demo", *store_);
    ASSERT_TRUE(report) << report.error().message;
    for (const char* name : {"anna", "bram"}) {
      ASSERT_TRUE(store_->AddUser({name, "finance", name, false}, Actor{"setup", "2026-12-01"}));
      // Each sets their own password: an approval needs one (CheckApprover).
      ASSERT_TRUE(
          store_->SetPasswordHash({name, "scrypt$not-used-here"}, Actor{name, "2026-12-01"}));
    }
  }

  // January 2027 prepared by anna: batch 1.
  void Prepare() {
    RunOptions o{YearMonth::Parse("2027-01").value(),
                 Date::Parse("2026-12-14").value(),
                 dir_ / "out",
                 "anna",
                 "2026-12-14T10:00:00",
                 2000,
                 {}};
    auto report = RunMonth(config_, *store_, o);
    ASSERT_TRUE(report) << report.error().message;
    ASSERT_EQ(report->run_id, 1);
  }

  std::unique_ptr<Store> Open() {
    auto store = Store::Open(url_);
    EXPECT_TRUE(store) << store.error().message;
    return store ? std::move(store).value() : nullptr;
  }

  Result<FeedbackReport, Error> Import(const std::string& name, const std::string& text) {
    WriteFile(dir_ / name, text);
    return ImportBankFeedback(config_, *store_, dir_ / name, Bram());
  }

  static Actor Bram() { return {"bram", "2027-01-20T19:00:00"}; }

  long long Count(const std::string& sql_text) {
    long long n = 0;
    store_->session() << sql_text, soci::into(n);
    return n;
  }

  std::string FirstMsgId() {
    std::string msg;
    store_->session() << "SELECT msg_id FROM files WHERE run_id = 1 ORDER BY id", soci::into(msg);
    return msg;
  }

  TempDir dir_;
  std::string url_;
  Config config_;
  std::unique_ptr<Store> store_;
};

// Reproduction: export and cancel of one approved batch at the same moment both succeeded, so
// the file went out and its money was also put back on the clients. Now exactly one wins; a
// cancelled batch leaves no file behind, an exported one no reversal.
TEST_F(IntegrityTest, ExportAndCancelAtTheSameMomentOneWins) {
  Prepare();
  ASSERT_TRUE(ApproveBatch(*store_, 1, Bram()));
  auto exporter = Open(), canceller = Open();
  std::atomic<int> ready{0};
  bool exported = false, cancelled = false;
  std::thread a([&] {
    ++ready;
    while (ready < 2) {
    }
    exported = ExportBatch(config_, *exporter, 1, dir_ / "out", Bram()).has_value();
  });
  std::thread b([&] {
    ++ready;
    while (ready < 2) {
    }
    cancelled = CancelBatch(*canceller, 1, "race", Bram()).has_value();
  });
  a.join();
  b.join();
  EXPECT_NE(exported, cancelled) << "exactly one of export and cancel succeeds";
  EXPECT_EQ(Count("SELECT COUNT(*) FROM batch_outcomes WHERE run_id = 1"), 1);
  int xml = 0, parts = 0;
  for (const auto& f : std::filesystem::directory_iterator(dir_ / "out")) {
    xml += f.path().extension() == ".xml" ? 1 : 0;
    parts += f.path().string().find(".part") != std::string::npos ? 1 : 0;
  }
  EXPECT_EQ(parts, 0) << "no half-written file is left";
  if (exported) {
    EXPECT_GT(xml, 0);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM entries WHERE kind = 'payment_cancelled'"), 0);
  } else {
    EXPECT_EQ(xml, 0) << "a cancelled batch leaves no sendable file";
    EXPECT_EQ(Count("SELECT COUNT(*) FROM files WHERE status = 'written'"), 0);
  }
  auto ledger = store_->LedgerCheck();
  ASSERT_TRUE(ledger) << ledger.error().message;
  EXPECT_EQ(ledger->bank, ledger->clients) << "the managed account holds what the clients own";
  EXPECT_FALSE(ledger->lowest_client.IsNegative());
}

// Reproduction: a pain.002 rejecting a payment of a batch that was only prepared was applied;
// the batch could then still be exported with that payment, and cancel failed on a raw UNIQUE
// error. Now the bank's word is held for a person and the batch's life goes on.
TEST_F(IntegrityTest, TheBanksWordOnABatchNotExportedIsHeldNotApplied) {
  Prepare();
  const std::string e2e = "OZ-B-202701-C000002-H";
  auto r = Import("p2.xml", Pain002Rejecting(FirstMsgId(), e2e));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(Count("SELECT COUNT(*) FROM payment_states WHERE state = 'rejected'"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM client_signals WHERE code = 'feedback_held'"), 1);
  ASSERT_FALSE(r->notes.empty());
  auto cancelled = CancelBatch(*store_, 1, "wrong month", Bram());
  ASSERT_TRUE(cancelled) << cancelled.error().message;
  // Re-issue finds the payment cancelled once, not rejected as well.
  auto again = ReissuePayments(config_, *store_, {e2e}, Date::Parse("2026-12-17").value(),
                               Actor{"anna", "2026-12-17T09:00:00"});
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->payments, 1);
  auto twice = ReissuePayments(config_, *store_, {e2e}, Date::Parse("2026-12-17").value(),
                               Actor{"anna", "2026-12-17T09:00:01"});
  EXPECT_FALSE(twice.has_value() && twice->payments > 0) << "never re-issued twice";
}

// Reproduction: the same credit in a camt.054 and then in the day's camt.053, neither with a
// reference, became two receipts.
TEST_F(IntegrityTest, TheSameCreditInANotificationAndTheStatementIsOneReceipt) {
  auto n = Import("n.xml", Camt054("NTF-1", {Line{.entry_ref = "1"}}));
  ASSERT_TRUE(n) << n.error().message;
  const long long receipts = Count("SELECT COUNT(*) FROM receipts WHERE id LIKE 'BF%'");
  EXPECT_EQ(receipts, 1);
  auto s = Import("s.xml", Camt053("STM-1", {Line{.entry_ref = "7"}}));
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->lines_seen_before, 1u);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM receipts WHERE id LIKE 'BF%'"), receipts)
      << "not booked twice";
}

// Reproduction: a statement re-sent with one new line in front booked the old line again and
// dropped the new one as "seen before".
TEST_F(IntegrityTest, AStatementSentAgainWithANewLineInFrontBooksOnlyTheNewLine) {
  const Line old_line{.remittance = "Huurtoeslag C000038"};
  const Line new_line{.amount = "120.00", .remittance = "Zorgtoeslag C000038"};
  ASSERT_TRUE(Import("a.xml", Camt053("STM-1", {old_line})));
  const long long receipts = Count("SELECT COUNT(*) FROM receipts WHERE id LIKE 'BF%'");
  auto again = Import("b.xml", Camt053("STM-1b", {new_line, old_line}));
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->lines_seen_before, 1u);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM receipts WHERE id LIKE 'BF%'"), receipts + 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM receipts WHERE id LIKE 'BF%' AND amount_cents = 12000"), 1);
}

// Two equal lines in one file (no reference): a second payment or a copy; only a person knows.
TEST_F(IntegrityTest, TwoLinesThatCannotBeToldApartAreListedNotBookedNorDropped) {
  auto r = Import("s.xml", Camt053("STM-1", {Line{}, Line{}}));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(Count("SELECT COUNT(*) FROM receipts WHERE id LIKE 'BF%'"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM bank_lines WHERE kind = 'duplicate'"), 2);
  auto listed = store_->BankLines("listed");
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->size(), 2u);
}

// Reproduction: entry amounts were not checked against their transactions: one credit of 624.00
// holding two toeslagen became two receipts of 624.00, a credit of 10.00 whose transaction said
// 1000.00 a receipt of 1000.00.
TEST_F(IntegrityTest, AnEntryWhoseTransactionsDoNotAddUpGoesToAPerson) {
  auto r = Import(
      "s.xml",
      Camt053("STM-1",
              {Line{.amount = "624.00", .transactions = 2, .second_text = "Zorgtoeslag C000038"},
               Line{.amount = "10.00", .tx_amount = "1000.00"}}));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(Count("SELECT COUNT(*) FROM receipts WHERE id LIKE 'BF%'"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM bank_lines WHERE kind = 'unmatched'"), 2)
      << "one listed line per entry";
  // Split with amounts that add up: two receipts.
  auto split = Import("t.xml", Camt053("STM-2", {Line{.amount = "624.00",
                                                      .day = "2027-01-21",
                                                      .tx_amount = "312.00",
                                                      .transactions = 2,
                                                      .second_text = "Zorgtoeslag C000038"}}));
  ASSERT_TRUE(split) << split.error().message;
  EXPECT_EQ(Count("SELECT COUNT(*) FROM receipts WHERE id LIKE 'BF%'"), 2);
}

// Reproduction: a debit entry of 1.00 naming our batch marked payments of 1,573.51 as booked.
TEST_F(IntegrityTest, ADebitThatDoesNotMatchTheBatchSumBooksNoPayment) {
  Prepare();
  ASSERT_TRUE(ApproveBatch(*store_, 1, Bram()));
  ASSERT_TRUE(ExportBatch(config_, *store_, 1, dir_ / "out", Bram()));
  auto r = Import("s.xml", Camt053("STM-1", {Line{.amount = "1.00",
                                                  .credit = false,
                                                  .payer = kManaged,
                                                  .remittance = "batch",
                                                  .batch_msg = FirstMsgId()}}));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(Count("SELECT COUNT(*) FROM payment_states WHERE state = 'booked'"), 0);
}

// Reproduction: a receipt typed by hand (receipts.csv) for money a bank file booked was
// accepted: two receipts.
TEST_F(IntegrityTest, AHandReceiptForMoneyTheBankBookedIsRefusedNamingTheLine) {
  ASSERT_TRUE(Import("s.xml", Camt053("STM-1", {Line{}})));
  std::string line_id;
  store_->session() << "SELECT id FROM receipts WHERE id LIKE 'BF%'", soci::into(line_id);
  ASSERT_EQ(line_id.rfind("BF", 0), 0u);
  TempDir typed;
  WriteFile(typed / "receipts.csv",
            "id,client_id,kind,received_on,amount,covers_from,covers_to,landed_on\n"
            "R-HAND-1,C000038,rent_allowance,2027-01-22,312.00,2027-01,2027-01,managed\n");
  auto report = ImportDirectory(typed.path(), *store_);
  ASSERT_FALSE(report);
  EXPECT_NE(report.error().message.find("receipts.csv:2"), std::string::npos)
      << report.error().message;
  EXPECT_NE(report.error().message.find("bank line " + line_id), std::string::npos)
      << report.error().message;
  EXPECT_EQ(Count("SELECT COUNT(*) FROM receipts WHERE id LIKE 'BF%'"), 1);
}

// Reproduction: XSD-valid amounts like 8.850 (ISO 20022 allows 5 decimals) refused the file.
TEST_F(IntegrityTest, AmountsWithZerosAfterTheCentsAreRead) {
  auto r = Import("s.xml", Camt053("STM-1", {Line{.amount = "312.000", .tx_amount = "312.00"}}));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(Count("SELECT COUNT(*) FROM receipts WHERE id LIKE 'BF%' AND amount_cents = 31200"), 1);
}

}  // namespace
}  // namespace ontzorg

int main(int argc, char** argv) {
  return ontzorg::testing_support::RunOnBackend(argc, argv, &ontzorg::g_backend);
}
