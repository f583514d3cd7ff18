// Integrity under people acting at once and the bank's messy files (issue 15): each reproduction
// of the issue as a test, run once per backend (ctest passes --store=sqlite or --store=<libpq>).
// Two Store connections on one store stand for two processes; the bank's files are written here
// as the Dutch banks' exports are: often without AcctSvcrRef or NtryRef.
#include <gtest/gtest.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <thread>

#include "adapters/app/batches.h"
#include "adapters/app/feedback.h"
#include "adapters/app/one_offs.h"
#include "adapters/app/run_month.h"
#include "adapters/import/importer.h"
#include "adapters/storage/store.h"
#include "adapters/system/files.h"
#include "tests/adapters/backend_store.h"
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
  std::string bank_ref;     // AcctSvcrRef, empty: none
  std::string batch_msg;    // NtryDtls/Btch/MsgId
  int transactions = 1;     // several TxDtls of the same payer and remittance
  std::string second_text;  // the second transaction's remittance
};

std::string EntryXml(const Line& l) {
  std::string x = "<Ntry>";
  if (!l.entry_ref.empty()) x += "<NtryRef>" + l.entry_ref + "</NtryRef>";
  x += "<Amt Ccy=\"EUR\">" + l.amount + "</Amt><CdtDbtInd>" + (l.credit ? "CRDT" : "DBIT") +
       "</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>" + l.day + "</Dt></BookgDt><ValDt><Dt>" + l.day +
       "</Dt></ValDt>";
  if (!l.bank_ref.empty()) x += "<AcctSvcrRef>" + l.bank_ref + "</AcctSvcrRef>";
  x += "<BkTxCd><Prtry><Cd>544</Cd></Prtry></BkTxCd><NtryDtls>";
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
    url_ = testing_support::FreshStoreUrl(g_backend, dir_.path(), &stores_);
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
  int stores_ = 0;
  std::string url_;
  Config config_;
  std::unique_ptr<Store> store_;
};

// The checkpoints and statements are written on a thread of their own while the month is booked
// (issue 18). When they cannot be written, the run fails whole, whichever chunk fails: nothing
// booked, no batch, no document left half-written; the same month then runs as if never tried.
TEST_F(IntegrityTest, ARunWhoseStatementsCannotBeWrittenBooksNothing) {
  Config broken = config_;
  broken.texts_dir = dir_ / "no-texts";  // not even the default language's texts
  std::filesystem::create_directories(broken.texts_dir);
  for (int chunk : {8, 2000}) {  // the failure seen while booking, or only at the end
    RunOptions o{YearMonth::Parse("2027-01").value(),
                 Date::Parse("2026-12-14").value(),
                 dir_ / "out",
                 "anna",
                 "2026-12-14T10:00:00",
                 chunk,
                 {}};
    auto report = RunMonth(broken, *store_, o);
    ASSERT_FALSE(report) << "chunk " << chunk;
    EXPECT_NE(report.error().message.find("texts"), std::string::npos) << report.error().message;
    for (const char* table : {"runs", "entries", "payments", "files", "findings", "holds"}) {
      EXPECT_EQ(Count(std::string("SELECT COUNT(*) FROM ") + table), 0) << table;
    }
    EXPECT_FALSE(std::filesystem::exists(dir_ / "out/checkpoints-2027-01.jsonl.part"));
    EXPECT_FALSE(std::filesystem::exists(dir_ / "out/statements/2027-01.part"));
  }
  Prepare();
}

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

// Found by ops/race: an export into a second folder, started while the first export was still
// making its files visible (recorded as exported, the file still under its temporary name),
// "finished" the first one's file itself and renamed it away under it (the first failed, exit
// 7). Now finishing waits for the lock of the folder the files were written to, which a live
// export holds and a crashed one does not.
TEST_F(IntegrityTest, ASecondExportWaitsForTheFirstToMakeItsFilesVisible) {
  Prepare();
  ASSERT_TRUE(ApproveBatch(*store_, 1, Bram()));
  ASSERT_TRUE(ExportBatch(config_, *store_, 1, dir_ / "first", Bram()));
  std::string written;
  store_->session() << "SELECT written_path FROM files WHERE run_id = 1 ORDER BY id",
      soci::into(written);
  ASSERT_FALSE(written.empty());
  // The first export's last step, not yet done: its file under the temporary name, its lock held.
  std::filesystem::rename(written, written + ".part");
  std::optional<FolderLock> first;
  {
    auto lock = FolderLock::Acquire(dir_ / "first");
    ASSERT_TRUE(lock);
    first.emplace(std::move(lock).value());
  }
  std::atomic<bool> finished{false};
  Result<ExportReport, Error> second = Fail(ErrorCode::kIo, "not run");
  auto other = Open();
  std::thread t([&] {
    second = ExportBatch(config_, *other, 1, dir_ / "second", Bram());
    finished = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_FALSE(finished) << "the second export waits while the first still holds its folder";
  std::filesystem::rename(written + ".part", written);  // the first finishes
  first.reset();
  t.join();
  ASSERT_FALSE(second) << "nothing was left to finish";
  EXPECT_NE(second.error().message.find("a batch is exported once"), std::string::npos)
      << second.error().message;
  EXPECT_TRUE(std::filesystem::exists(written));
  EXPECT_FALSE(std::filesystem::exists(written + ".part"));
  int xml = 0;
  for (const auto& f : std::filesystem::directory_iterator(dir_ / "second")) {
    xml += f.path().extension() == ".xml" ? 1 : 0;
  }
  EXPECT_EQ(xml, 0) << "one set of files, in the folder it was exported to";
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

// A statement is read as a stream (issue 18); a problem after its good lines still refuses the
// whole file: nothing of it is booked, and the message names the line.
TEST_F(IntegrityTest, AStatementBrokenAfterItsGoodLinesIsRefusedWhole) {
  std::string x =
      Camt053("STM-1", {Line{}, Line{.amount = "120.00", .remittance = "Zorgtoeslag C000038"}});
  const size_t end = x.find("</Stmt>");
  ASSERT_NE(end, std::string::npos);
  auto invalid = Import("invalid.xml", std::string(x).insert(end, "\n<Bogus/>"));
  ASSERT_FALSE(invalid);
  EXPECT_NE(invalid.error().message.find("does not validate"), std::string::npos)
      << invalid.error().message;
  EXPECT_NE(invalid.error().message.find("invalid.xml:3:"), std::string::npos)
      << invalid.error().message;
  auto truncated = Import("truncated.xml", x.substr(0, end));
  ASSERT_FALSE(truncated);
  EXPECT_NE(truncated.error().message.find("not well-formed"), std::string::npos)
      << truncated.error().message;
  EXPECT_EQ(Count("SELECT COUNT(*) FROM receipts WHERE id LIKE 'BF%'"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM bank_lines"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM bank_files"), 0);
  ASSERT_TRUE(Import("whole.xml", x)) << "the same lines, whole, are read";
  EXPECT_EQ(Count("SELECT COUNT(*) FROM receipts WHERE id LIKE 'BF%'"), 2);
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

// A landlord's refund of a bill the month paid while the client's own direct debit was not
// confirmed cancelled may be that bill paid twice: a signal for a person. The bills paid at
// risk are found per creditor (issue 18); a refund of a bill paid without that risk is a plain
// refund.
TEST_F(IntegrityTest, ARefundOfABillPaidAtRiskOfADoubleDebitIsSignalled) {
  Prepare();
  // The demo pays C000007's and C000001's rent to WS-LINDE (NL63INGB4101000000); only
  // C000007's direct debit is not confirmed cancelled.
  ASSERT_EQ(Count("SELECT COUNT(*) FROM payments WHERE bill_id = 'C000007-H' AND "
                  "double_debit_risk <> 0"),
            1);
  ASSERT_EQ(Count("SELECT COUNT(*) FROM payments WHERE bill_id = 'C000001-H' AND "
                  "double_debit_risk = 0"),
            1);
  auto r = Import("s.xml", Camt053("STM-1", {Line{.amount = "650.00",
                                                  .payer = "NL63INGB4101000000",
                                                  .remittance = "Terugbetaling Huur C000007"},
                                             Line{.amount = "640.00",
                                                  .payer = "NL63INGB4101000000",
                                                  .remittance = "Terugbetaling Huur C000001"}}));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(Count("SELECT COUNT(*) FROM client_signals WHERE code = 'double_payment' AND "
                  "client_id = 'C000007'"),
            1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM client_signals WHERE code = 'double_payment' AND "
                  "client_id = 'C000001'"),
            0)
      << "a refund of a bill paid without the risk is a plain refund";
  EXPECT_EQ(Count("SELECT COUNT(*) FROM receipts WHERE id LIKE 'BF%'"), 2) << "both refunds booked";
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

// Reproduction: nothing checked plausibility; a benefit of 99,999,999.99 went out unseen. Amounts
// beyond [plausibility] are findings of the batch, and its approval is refused until the approver
// acknowledges them, which the audit row then says.
TEST_F(IntegrityTest, AmountsBeyondThePlausibilityLimitsNeedTheApproversAcknowledgement) {
  config_.month.plausibility = {.benefit = Money::FromCents(100000)};  // 1,000.00 bijstand
  Prepare();
  const long long implausible = Count("SELECT COUNT(*) FROM findings WHERE code = 'implausible'");
  ASSERT_GT(implausible, 0) << "the demo's bijstand amounts are above 1,000.00";
  auto refused = ApproveBatch(*store_, 1, Bram());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kRefused);
  EXPECT_NE(refused.error().message.find("--acknowledge"), std::string::npos)
      << refused.error().message;
  EXPECT_EQ(Count("SELECT COUNT(*) FROM batch_states WHERE run_id = 1 AND state = 'approved'"), 0);
  ASSERT_TRUE(ApproveBatch(*store_, 1, Bram(), {.acknowledge = true}));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'batch.approved' AND detail LIKE "
                  "'%" +
                  std::to_string(implausible) + " implausible amount(s) acknowledged%'"),
            1);
}

// Found by the concurrency harness (ops/race): an approval whose approver was read before its
// transaction committed after an admin's reset of that approver's password, so the approval of
// someone whose password the admin knows went through. The reset here holds the write lock
// while the approval starts; the approval must see it and be refused.
TEST_F(IntegrityTest, AnApprovalRacingAPasswordResetSeesTheReset) {
  Prepare();
  auto admin = Open(), approver = Open();
  std::atomic<bool> approved{false};
  std::thread approval;
  auto applied = admin->Atomically([&]() -> Result<Changes, Error> {
    if (auto s = admin->SetPasswordHash({"bram", "scrypt$set-by-admin"},
                                        Actor{"admin", "2027-01-20T10:00:00"});
        !s) {
      return Unexpected(s.error());
    }
    approval = std::thread([&] { approved = ApproveBatch(*approver, 1, Bram()).has_value(); });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // it reads, then waits
    return Changes{};
  });
  approval.join();
  ASSERT_TRUE(applied) << applied.error().message;
  EXPECT_FALSE(approved) << "bram's password is now the admin's: his approval proves nothing";
  EXPECT_EQ(Count("SELECT COUNT(*) FROM batch_states WHERE run_id = 1 AND state = 'approved'"), 0);
}

// Found by the concurrency harness (ops/race): two people recording the same receipt at the same
// moment both found it new and the second failed on the database's UNIQUE constraint (exit 6).
// What is stored is now read inside the import's write transaction: the second is a no-op.
TEST_F(IntegrityTest, TheSameReceiptRecordedTwiceAtOnceIsStoredOnceWithoutAnError) {
  const std::string folder = dir_ / "receipt";
  std::filesystem::create_directories(folder);
  WriteFile(folder + "/receipts.csv",
            "id,client_id,kind,received_on,amount,covers_from,covers_to,landed_on\n"
            "RACE-1,C000038,rent_allowance,2027-01-12,310.00,2027-01,2027-01,managed\n");
  for (int round = 0; round < 5; ++round) {
    auto first = Open(), second = Open();
    std::atomic<int> ready{0};
    std::string errors;
    std::mutex mu;
    const auto record = [&](Store& store) {
      ++ready;
      while (ready < 2) {
      }
      auto r = ImportDirectory(folder, store, "anna", "2027-01-15T10:00:00");
      if (!r) {
        std::lock_guard lock(mu);
        errors += r.error().message + "\n";
      }
    };
    std::thread a([&] { record(*first); });
    std::thread b([&] { record(*second); });
    a.join();
    b.join();
    EXPECT_EQ(errors, "") << "round " << round;
    EXPECT_EQ(Count("SELECT COUNT(*) FROM receipts WHERE id = 'RACE-1'"), 1);
  }
}

// Issue 17: a one-off payment (a deposit paid as bijzondere bijstand) recorded twice at once, by
// two people or a double click: one batch pays it, the other is told it is recorded; the approver
// must acknowledge the new account; the managed account still holds exactly the clients' money.
TEST_F(IntegrityTest, TheSameOneOffRecordedTwiceAtOnceIsPaidOnce) {
  Prepare();
  const OneOffRequest request{.decision = "BB-2027-0042",
                              .client = "C000001",
                              .creditor = "WS-LINDE",
                              .amount = "1.250,00",
                              .funding = "special_assistance",
                              .description = "Borg Lindelaan 12, beschikking BB-2027-0042",
                              .due = "2027-01-28"};
  const Date today = Date::Parse("2027-01-20").value();
  const Actor anna{"anna", "2027-01-20T09:00:00"};
  auto first = Open(), second = Open();
  std::atomic<int> ready{0};
  std::optional<Result<PreparedBatch, Error>> a_result, b_result;
  const auto record = [&](Store& store, std::optional<Result<PreparedBatch, Error>>* out) {
    ++ready;
    while (ready < 2) {
    }
    *out = RecordOneOff(config_, store, request, today, anna);
  };
  std::thread a([&] { record(*first, &a_result); });
  std::thread b([&] { record(*second, &b_result); });
  a.join();
  b.join();
  ASSERT_NE(a_result->has_value(), b_result->has_value()) << "exactly one records it";
  const auto& won = a_result->has_value() ? *a_result : *b_result;
  const auto& lost = a_result->has_value() ? *b_result : *a_result;
  EXPECT_EQ(lost.error().code, ErrorCode::kConflict) << lost.error().message;
  EXPECT_NE(lost.error().message.find("recorded already"), std::string::npos);
  const int64_t batch = won->batch;
  EXPECT_EQ(Count("SELECT COUNT(*) FROM one_offs"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM payments WHERE end_to_end_id = 'OZ-E-BB-2027-0042' AND "
                  "amount_cents = 125000 AND purpose = 'one_off'"),
            1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM entries WHERE kind = 'special_assistance_received' AND "
                  "amount_cents = 125000"),
            1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'one_off.recorded'"), 1);

  // From the client's own funds: no more than is free (January's money is paid out).
  OneOffRequest own = request;
  own.decision = "BB-2027-0043";
  own.funding = "client_funds";
  own.creditor = "";
  own.amount = "5000.00";
  auto refused = RecordOneOff(config_, *store_, own, today, anna);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kRefused) << refused.error().message;
  EXPECT_NE(refused.error().message.find("--amount: client C000001 has"), std::string::npos)
      << refused.error().message;
  EXPECT_EQ(Count("SELECT COUNT(*) FROM one_offs"), 1) << "a refusal changes nothing";

  // Four eyes: the preparer cannot approve it; the second person acknowledges the new account.
  EXPECT_FALSE(ApproveBatch(*store_, batch, {"anna", "2027-01-20T10:00:00"}, {true, ""}));
  auto unacknowledged = ApproveBatch(*store_, batch, Bram());
  ASSERT_FALSE(unacknowledged);
  EXPECT_NE(unacknowledged.error().message.find("NL63 INGB 4101 0000 00"), std::string::npos)
      << unacknowledged.error().message;
  ASSERT_TRUE(ApproveBatch(*store_, batch, Bram(), {true, "borg volgens beschikking"}));
  auto exported = ExportBatch(config_, *store_, batch, dir_ / "out", Bram());
  ASSERT_TRUE(exported) << exported.error().message;  // validated against the official XSD
  auto ledger = store_->LedgerCheck();
  ASSERT_TRUE(ledger) << ledger.error().message;
  EXPECT_EQ(ledger->bank, ledger->clients) << "the managed account holds what the clients own";
  EXPECT_FALSE(ledger->lowest_client.IsNegative());
}

// Reproduction: XSD-valid amounts like 8.850 (ISO 20022 allows 5 decimals) refused the file.
TEST_F(IntegrityTest, AmountsWithZerosAfterTheCentsAreRead) {
  auto r = Import("s.xml", Camt053("STM-1", {Line{.amount = "312.000", .tx_amount = "312.00"}}));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(Count("SELECT COUNT(*) FROM receipts WHERE id LIKE 'BF%' AND amount_cents = 31200"), 1);
}

// --- The bank-feedback model: generated streams of the bank's files. ---

// One real line (or entry) of the bank, in `copies` equal copies (twins: two real credits of the
// same content, which only a bank reference tells apart).
struct RealEntry {
  Line line;
  int copies = 1;
  enum class Shape { kSingle, kSplit, kMismatched } shape = Shape::kSingle;
  int day = 0;
};

// Expected per amount in cents: receipts booked and lines listed for a person.
struct Expected {
  std::map<long long, int> receipts, listed;
};

std::string Euros(long long cents) {
  return std::to_string(cents / 100) + "." + (cents % 100 < 10 ? "0" : "") +
         std::to_string(cents % 100);
}

// A stream of camt.054 notifications, camt.053 statements and re-sent statements for `seed`,
// as (file name, XML) in the order they are read, and what the store must hold afterwards.
std::vector<std::pair<std::string, std::string>> GenerateStream(uint32_t seed, Expected* want) {
  std::mt19937 rng(seed);
  const auto chance = [&](int percent) { return static_cast<int>(rng() % 100) < percent; };
  std::vector<RealEntry> entries;
  long long next_cents = 20000 + static_cast<long long>(seed % 7) * 2;
  const int count = 10 + static_cast<int>(rng() % 8);
  for (int i = 0; i < count; ++i) {
    RealEntry e;
    e.day = static_cast<int>(rng() % 3);
    const long long cents = next_cents;
    next_cents += 1000 + static_cast<long long>(rng() % 50) * 2;  // even: halves are whole cents
    e.line.amount = Euros(cents);
    e.line.day = "2027-01-2" + std::to_string(e.day);
    e.line.remittance = (chance(50) ? "Huurtoeslag" : "Zorgtoeslag") + std::string(" C000038");
    const int shape = static_cast<int>(rng() % 10);
    if (shape < 6) {
      e.copies = chance(25) ? 2 : 1;
      if (chance(30)) e.line.bank_ref = "REF-" + std::to_string(seed) + "-" + std::to_string(i);
      if (chance(50)) e.line.tx_amount = e.line.amount;
      if (e.copies == 1 || !e.line.bank_ref.empty()) {
        want->receipts[cents] += e.copies;
      } else {
        want->listed[cents] += e.copies;  // cannot be told apart: a person decides
      }
    } else if (shape < 8) {
      e.shape = RealEntry::Shape::kSplit;  // two toeslagen in one entry, amounts that add up
      e.line.tx_amount = Euros(cents / 2);
      e.line.transactions = 2;
      e.line.remittance = "Huurtoeslag C000038";
      e.line.second_text = "Zorgtoeslag C000038";
      want->receipts[cents / 2] += 2;
    } else {
      e.shape = RealEntry::Shape::kMismatched;  // two toeslagen, no amounts of their own
      e.line.transactions = 2;
      e.line.second_text = "Zorgtoeslag C000038";
      want->listed[cents] += 1;
    }
    entries.push_back(e);
  }
  // The files: per day a statement (each line in it once per copy, in a random order, with
  // NtryRef numbering or none), a notification of some of the day's entries before it, and
  // now and then the statement sent again later with lines of the next day added in front.
  std::vector<std::pair<std::string, std::string>> files;
  const auto lines_of = [&](const std::vector<const RealEntry*>& chosen, bool refs) {
    std::vector<Line> lines;
    for (const RealEntry* e : chosen) {
      for (int c = 0; c < e->copies; ++c) {
        lines.push_back(e->line);
        // Two real credits carry two references of the bank, the same in every file.
        if (c > 0 && !e->line.bank_ref.empty()) lines.back().bank_ref += "-" + std::to_string(c);
      }
    }
    std::shuffle(lines.begin(), lines.end(), rng);
    for (size_t i = 0; refs && i < lines.size(); ++i) lines[i].entry_ref = std::to_string(i + 1);
    return lines;
  };
  for (int day = 0; day < 3; ++day) {
    std::vector<const RealEntry*> today, notified, tomorrow;
    for (const RealEntry& e : entries) {
      if (e.day == day) today.push_back(&e);
      if (e.day == day && chance(50)) notified.push_back(&e);
      if (e.day == day + 1) tomorrow.push_back(&e);
    }
    const std::string tag = std::to_string(seed) + "-" + std::to_string(day);
    if (!notified.empty()) {
      files.emplace_back("n" + tag + ".xml", Camt054("NTF-" + tag, lines_of(notified, chance(50))));
    }
    files.emplace_back("s" + tag + ".xml", Camt053("STM-" + tag, lines_of(today, chance(50))));
    if (chance(50)) {
      std::vector<const RealEntry*> again = tomorrow;
      again.insert(again.end(), today.begin(), today.end());
      files.emplace_back("r" + tag + ".xml", Camt053("STM-R" + tag, lines_of(again, chance(50))));
    }
  }
  // The bank's order is not ours: now and then a file comes later than it should.
  for (size_t i = 0; i + 1 < files.size(); ++i) {
    if (chance(30)) std::swap(files[i], files[i + 1]);
  }
  return files;
}

// Model test: generated streams of notifications, statements and re-sent statements, with
// copies, missing references, entries of several transactions and sums that do not add up.
// Each real line is booked exactly once; lines that cannot be told apart, and entries whose
// transactions do not add up, are listed for a person (once), never booked.
TEST_F(IntegrityTest, GeneratedBankStreamsBookEachRealLineOnce) {
  const int streams = g_backend == "sqlite" ? 12 : 6;
  for (int seed = 1; seed <= streams; ++seed) {
    if (seed > 1) SetUp();  // a fresh store per stream
    Expected want;
    const auto files = GenerateStream(static_cast<uint32_t>(seed), &want);
    std::string read;
    for (const auto& [name, xml] : files) {
      auto r = Import(name, xml);
      ASSERT_TRUE(r) << "stream " << seed << ", " << name << ": " << r.error().message;
      read += " " + name;
    }
    Expected got;
    {
      soci::rowset<soci::row> rs =
          (store_->session().prepare << "SELECT amount_cents FROM receipts WHERE id LIKE 'BF%'");
      for (const soci::row& row : rs) ++got.receipts[row.get<long long>(0)];
    }
    auto listed = store_->BankLines("listed");
    ASSERT_TRUE(listed) << listed.error().message;
    for (const BankLineRow& l : *listed) ++got.listed[l.amount.cents()];
    EXPECT_EQ(got.receipts, want.receipts) << "stream " << seed << ", files" << read;
    EXPECT_EQ(got.listed, want.listed) << "stream " << seed << ", files" << read;
  }
}

// A pain.002.001.03 on our message `msg_id`: per EndToEndId its status (RJCT with reason MS03,
// or ACCP).
std::string Pain002(const std::string& report_id, const std::string& msg_id,
                    const std::vector<std::pair<std::string, bool>>& rejected) {
  std::string x =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Document "
      "xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.002.001.03\"><CstmrPmtStsRpt><GrpHdr><MsgId>" +
      report_id +
      "</MsgId><CreDtTm>2027-01-16T09:00:00</CreDtTm></GrpHdr><OrgnlGrpInfAndSts><OrgnlMsgId>" +
      msg_id +
      "</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId><GrpSts>PART</GrpSts>"
      "</OrgnlGrpInfAndSts><OrgnlPmtInfAndSts><OrgnlPmtInfId>X</OrgnlPmtInfId>";
  for (const auto& [e2e, rejects] : rejected) {
    x +=
        "<TxInfAndSts><OrgnlEndToEndId>" + e2e + "</OrgnlEndToEndId><TxSts>" +
        (rejects ? "RJCT</TxSts><StsRsnInf><Rsn><Cd>MS03</Cd></Rsn></StsRsnInf>" : "ACCP</TxSts>") +
        "</TxInfAndSts>";
  }
  return x + "</OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>\n";
}

// Model test, the payment status side: generated streams of pain.002 reports on an exported
// batch, with rejections repeated across reports, reports re-sent byte for byte or under a new
// id, acceptances mixed in, in any order. Each rejected payment is rejected once, its money put
// back once; no accepted payment is touched.
TEST_F(IntegrityTest, GeneratedStatusReportsApplyEachPaymentsFateOnce) {
  const int streams = g_backend == "sqlite" ? 6 : 3;
  for (int seed = 1; seed <= streams; ++seed) {
    if (seed > 1) SetUp();
    Prepare();
    ASSERT_TRUE(ApproveBatch(*store_, 1, Bram()));
    ASSERT_TRUE(ExportBatch(config_, *store_, 1, dir_ / ("out" + std::to_string(seed)), Bram()));
    std::vector<std::string> all;
    {
      soci::rowset<std::string> rs =
          (store_->session().prepare << "SELECT end_to_end_id FROM payments ORDER BY 1");
      for (const std::string& e : rs) all.push_back(e);
    }
    ASSERT_GT(all.size(), 10u);
    std::mt19937 rng(static_cast<uint32_t>(seed));
    std::set<std::string> rejected;
    for (const std::string& e : all) {
      if (rng() % 5 == 0) rejected.insert(e);
    }
    ASSERT_FALSE(rejected.empty());
    std::vector<std::pair<std::string, std::string>> files;
    const int reports = 2 + static_cast<int>(rng() % 4);
    std::set<std::string> told;
    for (int r = 0; r < reports; ++r) {
      std::vector<std::pair<std::string, bool>> statuses;
      for (const std::string& e : all) {
        const bool rejects = rejected.count(e) > 0;
        const bool last = r == reports - 1 && rejects && told.count(e) == 0;  // none left out
        if (last || rng() % 3 == 0) {
          statuses.emplace_back(e, rejects);
          if (rejects) told.insert(e);
        }
      }
      std::shuffle(statuses.begin(), statuses.end(), rng);
      const std::string id = "STS-" + std::to_string(seed) + "-" + std::to_string(r);
      files.emplace_back(id + ".xml", Pain002(id, FirstMsgId(), statuses));
      if (rng() % 3 == 0) files.emplace_back(id + "-copy.xml", files.back().second);  // re-sent
      if (rng() % 3 == 0) {
        files.emplace_back(id + "-again.xml", Pain002(id + "-AGAIN", FirstMsgId(), statuses));
      }
    }
    std::shuffle(files.begin(), files.end(), rng);
    for (const auto& [name, xml] : files) {
      auto r = Import(name, xml);
      ASSERT_TRUE(r) << "stream " << seed << ", " << name << ": " << r.error().message;
    }
    std::map<std::string, int> states, reversals;
    {
      soci::rowset<std::string> rs =
          (store_->session().prepare
           << "SELECT end_to_end_id FROM payment_states WHERE state = 'rejected'");
      for (const std::string& e : rs) ++states[e];
      soci::rowset<std::string> rv =
          (store_->session().prepare
           << "SELECT p.end_to_end_id FROM entries e JOIN payments p ON "
              "e.key LIKE p.key || '%' WHERE e.kind = 'payment_rejected'");
      for (const std::string& e : rv) ++reversals[e];
    }
    std::map<std::string, int> want;
    for (const std::string& e : rejected) want[e] = 1;
    EXPECT_EQ(states, want) << "stream " << seed;
    EXPECT_EQ(reversals, want) << "stream " << seed << ": money back once per rejection";
    auto ledger = store_->LedgerCheck();
    ASSERT_TRUE(ledger) << ledger.error().message;
    EXPECT_TRUE(ledger->Balanced()) << "stream " << seed;
  }
}

}  // namespace
}  // namespace ontzorg

int main(int argc, char** argv) {
  return ontzorg::testing_support::RunOnBackend(argc, argv, &ontzorg::g_backend);
}
