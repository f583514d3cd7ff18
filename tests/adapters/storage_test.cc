// Storage tests, run once per backend: ctest passes --store=sqlite or --store=<libpq string>.
// The same code path must hold every invariant on SQLite and on PostgreSQL.
#include <gtest/gtest.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <thread>

#include "adapters/app/batches.h"
#include "adapters/app/feedback.h"
#include "adapters/app/municipalities.h"
#include "adapters/app/review.h"
#include "adapters/app/run_month.h"
#include "adapters/import/importer.h"
#include "adapters/storage/query.h"
#include "adapters/storage/read_ahead.h"
#include "adapters/storage/row_codec.h"
#include "adapters/storage/schema.h"
#include "adapters/storage/store.h"
#include "adapters/system/files.h"
#include "adapters/system/password.h"
#include "adapters/system/totp.h"
#include "adapters/web/web_app.h"
#include "tests/adapters/test_support.h"

namespace ontzorg {
namespace {

using testing_support::DemoConfig;
using testing_support::SourceDir;
using testing_support::TempDir;

std::string g_backend = "sqlite";  // from --store=

class StorageTest : public testing::Test {
 protected:
  void SetUp() override {
    if (g_backend == "sqlite") {
      url_ = dir_ / "store.db";
    } else {
      url_ = g_backend;
      soci::session sql(soci::postgresql, url_);  // a clean database for every test
      sql << "DROP SCHEMA public CASCADE";
      sql << "CREATE SCHEMA public";
    }
    auto store = Store::Init(url_);
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(store).value();
  }

  void ImportDemo() {
    auto report = ImportDirectory(SourceDir() + "/fixtures/demo", *store_);
    ASSERT_TRUE(report) << report.error().message;
  }

  RunReport Run(const char* month, const char* run_date) {
    Config config = DemoConfig(url_);
    config.sepa.max_transactions_per_file = 100;  // several files
    RunOptions o{YearMonth::Parse(month).value(),
                 Date::Parse(run_date).value(),
                 dir_ / "out",
                 "tester",
                 std::string(run_date) + "T10:00:00",  // a run on its run date
                 7,
                 {}};
    auto report = RunMonth(config, *store_, o);
    EXPECT_TRUE(report) << report.error().message;
    return report ? *report : RunReport{};
  }

  long long Count(const std::string& sql_text) {
    long long n = 0;
    store_->session() << sql_text, soci::into(n);
    return n;
  }

  TempDir dir_;
  std::string url_;
  std::unique_ptr<Store> store_;
};

TEST_F(StorageTest, InitIsIdempotentAndVersioned) {
  EXPECT_EQ(store_->SchemaVersion(), 19);
  auto again = Store::Init(url_);
  ASSERT_TRUE(again);
  EXPECT_EQ((*again)->SchemaVersion(), 19);
  EXPECT_TRUE(Store::Open(url_));
}

// The second import also leaves the store's generation (issue 18: the web app keeps client pages
// while it is unchanged), which only a committed change raises.
TEST_F(StorageTest, ImportTwiceChangesNothing) {
  const int64_t empty = store_->Generation().value();
  ImportDemo();
  const int64_t imported = store_->Generation().value();
  EXPECT_GT(imported, empty);
  const long long bills = Count("SELECT COUNT(*) FROM bills");
  auto again = ImportDirectory(SourceDir() + "/fixtures/demo", *store_);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->added.bills.size(), 0u);
  EXPECT_GT(again->skipped_identical, 900);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM bills"), bills);
  EXPECT_EQ(store_->Generation().value(), imported) << "nothing written, nothing raised";
  EXPECT_FALSE(store_->AddWriteOffDecision({.id = 99999, .client = ClientId{"C000001"}}));
  EXPECT_EQ(store_->Generation().value(), imported) << "a refused change is rolled back";
}

// Issues 18 and 20: an import reads the stored rows it names (by key, a new client's BSN, a named
// client's receipts, the named clients' bijstand of the named months), not every stored row of the
// tables it touches, so its memory follows the import, not the store with all its municipalities.
// Keys reach the store as they are, quotes and backslashes too.
TEST_F(StorageTest, AnImportReadsOnlyTheStoredRowsItNames) {
  ImportDemo();
  soci::session& sql = store_->session();
  std::string bill_id, creditor_id, bsn, month;
  sql << "SELECT id, creditor_id FROM bills WHERE client_id = 'C000001' ORDER BY id LIMIT 1",
      soci::into(bill_id), soci::into(creditor_id);
  sql << "SELECT bsn FROM clients WHERE id = 'C000003'", soci::into(bsn);
  sql << "SELECT MIN(month) FROM benefits WHERE client_id = 'C000002'", soci::into(month);
  ImportBatch probe;
  Client newcomer;
  newcomer.id = ClientId{"C999999"};
  newcomer.bsn = bsn;  // a stored BSN under a new client number: found by the BSN
  probe.clients.push_back(newcomer);
  Bill bill;
  bill.id = BillId{bill_id};
  bill.client = ClientId{"C000001"};
  bill.creditor = CreditorId{creditor_id};
  probe.bills.push_back(bill);
  probe.benefits.push_back(
      {ClientId{"C000002"}, YearMonth::Parse(month).value(), Money::FromCents(1)});
  Receipt receipt;
  receipt.id = "R-NEW";
  receipt.client = ClientId{"C000004"};
  probe.receipts.push_back(receipt);

  auto existing = store_->LoadExisting(probe);
  ASSERT_TRUE(existing) << existing.error().message;
  std::set<std::string> clients;
  for (const Client& c : existing->clients) clients.insert(c.id.value);
  EXPECT_EQ(clients, (std::set<std::string>{"C000001", "C000002", "C000003", "C000004"}));
  EXPECT_GT(Count("SELECT COUNT(*) FROM clients"), 10);
  ASSERT_EQ(existing->bills.size(), 1u);
  EXPECT_EQ(existing->bills[0].id.value, bill_id);
  ASSERT_EQ(existing->creditors.size(), 1u);
  EXPECT_EQ(existing->creditors[0].id.value, creditor_id);
  // The amount of the (client, month) the import names, not every named client's that month.
  ASSERT_EQ(existing->benefits.size(), 1u);
  EXPECT_EQ(existing->benefits[0].client.value, "C000002");
  EXPECT_EQ(existing->benefits[0].month.ToString(), month);
  EXPECT_GT(Count("SELECT COUNT(*) FROM benefits WHERE month = '" + month +
                  "' AND client_id IN ('C000001', 'C000002', 'C000004')"),
            1);
  EXPECT_EQ(static_cast<long long>(existing->receipts.size()),
            Count("SELECT COUNT(*) FROM receipts WHERE client_id = 'C000004'"));
  EXPECT_TRUE(existing->plans.empty());
  EXPECT_TRUE(existing->assessments.empty());

  Creditor odd = existing->creditors[0];
  odd.id = CreditorId{"KR \"quoted\" \\ back\tslash"};
  ImportBatch add;
  add.creditors.push_back(odd);
  ASSERT_TRUE(store_->Insert(add));
  ImportBatch named;
  named.creditors.push_back(odd);
  auto found = store_->LoadExisting(named);
  ASSERT_TRUE(found) << found.error().message;
  ASSERT_EQ(found->creditors.size(), 1u);
  EXPECT_EQ(found->creditors[0].id.value, odd.id.value);
}

// Issue 18: a bulk insert numbers its rows from a range reserved in one round trip. A range and a
// single value after it never overlap, and the imported direct-debit records get the ids
// DD1..DDn, each once, with the counter standing at n afterwards.
TEST_F(StorageTest, CounterRangesNeverOverlapAndNumberImportedRowsOnce) {
  ImportDemo();
  const long long records = Count("SELECT COUNT(*) FROM direct_debits");
  ASSERT_GT(records, 100);
  EXPECT_EQ(Count("SELECT COUNT(DISTINCT id) FROM direct_debits"), records);
  EXPECT_EQ(Count("SELECT value FROM counters WHERE name = 'direct_debit'"), records);
  std::set<std::string> ids;
  soci::rowset<std::string> rows = (store_->session().prepare << "SELECT id FROM direct_debits");
  for (const std::string& id : rows) ids.insert(id);
  for (long long i = 1; i <= records; ++i) {
    EXPECT_EQ(ids.count("DD" + std::to_string(i)), 1u) << "DD" << i;
  }
  soci::session& sql = store_->session();
  const int64_t first = ReserveCounters(sql, "direct_debit", 3);
  EXPECT_EQ(first, records + 1);
  EXPECT_EQ(NextCounter(sql, "direct_debit"), records + 4);  // after the range, not inside it
  EXPECT_EQ(ReserveCounters(sql, "direct_debit", 2), records + 5);
  EXPECT_EQ(Count("SELECT value FROM counters WHERE name = 'direct_debit'"), records + 6);
}

TEST_F(StorageTest, RunBooksBalancedLedgerAndFilesWithUniqueIds) {
  ImportDemo();
  const RunReport r = Run("2027-01", "2026-12-14");
  EXPECT_EQ(r.clients_in_relief, 64);
  EXPECT_GT(r.files.size(), 1u);
  auto check = store_->LedgerCheck();
  ASSERT_TRUE(check);
  EXPECT_EQ(check->bank, check->clients) << "the managed account holds what the clients own";
  EXPECT_FALSE(check->lowest_client.IsNegative()) << "no client is overdrawn";
  EXPECT_EQ(check->bank.cents(), Count("SELECT COALESCE(SUM(amount_cents), 0) FROM holds"))
      << "everything booked was paid out, except the bills held by the double-debit guard";
  EXPECT_GT(Count("SELECT COUNT(*) FROM holds"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM payments"), r.bill_payments + r.allowance_payments);
  EXPECT_EQ(Count("SELECT COUNT(DISTINCT end_to_end_id) FROM payments"),
            Count("SELECT COUNT(*) FROM payments"));
  // Prepared: files allocated, not written before a second person approved.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM files WHERE status <> 'pending'"), 0);
  ASSERT_TRUE(store_->AddUser({"anna", "finance", ""}, {"test", "2026-12-14T09:00:00"}));
  ASSERT_TRUE(store_->AddUser({"bram", "finance", ""}, {"test", "2026-12-14T09:00:00"}));
  ASSERT_TRUE(store_->SetPasswordHash({"anna", "scrypt$x"}, {"test", "2026-12-14T09:00:00"}));
  EXPECT_FALSE(ApproveBatch(*store_, r.run_id, {"anna", "2026-12-14T10:00:00"}))
      << "a password someone else set proves nothing";
  ASSERT_TRUE(store_->SetPasswordHash({"anna", "scrypt$y"}, {"anna", "2026-12-14T09:30:00"}));
  const Config config = DemoConfig(url_);
  EXPECT_FALSE(ApproveBatch(*store_, r.run_id, {"tester", "2026-12-14T10:00:00"}))
      << "the preparer is not registered here, and never approves";
  ASSERT_TRUE(ApproveBatch(*store_, r.run_id, {"anna", "2026-12-14T10:00:00"}));
  // Someone with rights on the database (not ontzorg) changes a payee after the approval: the
  // approval's digest, read one payment at a time, no longer matches, and nothing is exported.
  const bool sqlite = g_backend == "sqlite";
  store_->session() << (sqlite ? "DROP TRIGGER payments_no_UPDATE"
                               : "DROP TRIGGER payments_append_only ON payments");
  std::string key, name;
  store_->session() << "SELECT key, payee_name FROM payments ORDER BY key LIMIT 1", soci::into(key),
      soci::into(name);
  store_->session() << "UPDATE payments SET payee_name = 'Someone Else' WHERE key = :k",
      soci::use(key);
  auto tampered =
      ExportBatch(config, *store_, r.run_id, dir_ / "out", {"bram", "2026-12-14T10:01:00"});
  ASSERT_FALSE(tampered);
  EXPECT_NE(tampered.error().message.find("differ from what was approved"), std::string::npos);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM files WHERE status <> 'pending'"), 0);
  const auto xml_files = [&] {
    int n = 0;
    std::error_code ec;
    for (const auto& f : std::filesystem::directory_iterator(dir_ / "out", ec)) {
      n += f.path().extension() == ".xml";
    }
    return n;
  };
  EXPECT_EQ(xml_files(), 0) << "no file of a refused export is left to send";
  store_->session() << "UPDATE payments SET payee_name = :n WHERE key = :k", soci::use(name),
      soci::use(key);
  auto exported =
      ExportBatch(config, *store_, r.run_id, dir_ / "out", {"bram", "2026-12-14T10:01:00"});
  ASSERT_TRUE(exported) << exported.error().message;
  EXPECT_EQ(Count("SELECT COUNT(*) FROM files WHERE status <> 'written'"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM batch_states"), 3);
  EXPECT_THROW(store_->session() << "DELETE FROM batch_states", soci::soci_error);
  EXPECT_THROW(store_->session() << "UPDATE audit_log SET user_name = 'x'", soci::soci_error);
  EXPECT_EQ(Count("SELECT SUM(tx_count) FROM files"), Count("SELECT COUNT(*) FROM payments"));
  EXPECT_EQ(Count("SELECT SUM(ctrl_sum_cents) FROM files"),
            Count("SELECT SUM(amount_cents) FROM payments"));
}

// The approval screen's review reads the batch once, one payment at a time, keeping only the
// largest (issue 18). What it keeps is what sorting all of the batch's payments gives.
TEST_F(StorageTest, TheReviewKeepsTheLargestPaymentsOfTheWholeBatch) {
  ImportDemo();
  const RunReport r = Run("2027-01", "2026-12-14");
  auto all = store_->BatchPayments(r.run_id);
  ASSERT_TRUE(all);
  ASSERT_GT(all->size(), 40u);
  std::vector<Payment> sorted = *all;
  std::sort(sorted.begin(), sorted.end(), [](const Payment& a, const Payment& b) {
    return a.amount.cents() != b.amount.cents() ? a.amount.cents() > b.amount.cents()
                                                : a.end_to_end_id < b.end_to_end_id;
  });
  const Money limit = Money::FromCents(40000);
  BatchDigest digest;
  auto review =
      ReviewBatch(*store_, r.run_id,
                  {.own_account_above = limit, .largest = 7, .each_payment = [&](const Payment& p) {
                     digest.Add(p);
                   }});
  ASSERT_TRUE(review) << review.error().message;
  ASSERT_EQ(review->largest.size(), 7u);
  for (size_t i = 0; i < 7; ++i) {
    EXPECT_EQ(review->largest[i].end_to_end_id, sorted[i].end_to_end_id) << i;
  }
  std::vector<std::string> above;
  Money total;
  for (const Payment& p : sorted) {
    total += p.amount;
    if (p.purpose == PaymentPurpose::kAllowance && p.amount.cents() > limit.cents()) {
      above.push_back(p.end_to_end_id);
    }
  }
  ASSERT_FALSE(above.empty()) << "the limit is low enough to list some leefgeld";
  std::vector<std::string> listed;
  for (const Payment& p : review->own_account_above) listed.push_back(p.end_to_end_id);
  EXPECT_EQ(listed, above) << "all of them, largest first";
  EXPECT_EQ(review->totals.payments, static_cast<int64_t>(all->size()));
  EXPECT_EQ(review->totals.amount, total);
  auto whole = DigestBatch(*store_, r.run_id);
  ASSERT_TRUE(whole);
  const BatchContent fed = digest.Done();
  EXPECT_EQ(fed.payments, whole->payments);
  EXPECT_EQ(fed.sha256, whole->sha256) << "the approval's digest is the export's";
}

// A batch is read whole, in its order, however many rows the store hands at a time (on
// PostgreSQL through a cursor, page by page: issue 18).
// The store reads rows through SQLite's and libpq's own APIs (stored_row.cc): values, NULLs and
// placeholders as the store's queries use them, the same on both stores.
TEST_F(StorageTest, RowsReadTheSameOnBothStores) {
  soci::session& sql = store_->session();
  struct Got {
    std::string text;
    int64_t number = 0;
    bool null = false;
    std::string empty;
  };
  std::vector<Got> got;
  const std::string text = "C:1 'quoted'";
  const int64_t number = 9007199254740993;  // beyond a double's exact integers
  ForEachRow(
      sql,
      "SELECT :t || ':x', CAST(:n AS BIGINT) + 1, NULL, '' FROM (SELECT 1 AS one) o WHERE "
      "':m' <> :u",
      [&](const StoredRow& r) {
        got.push_back({std::string(r.Text(0)), r.Int(1), r.IsNull(2), std::string(r.Text(3))});
        EXPECT_FALSE(r.IsNull(3));  // empty text is not NULL
        EXPECT_EQ(r.Int(2), 0);
        EXPECT_THROW(r.Text(4), std::runtime_error);  // no such column
      },
      text, number, std::string("x"));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].text, "C:1 'quoted':x");  // ':x' in quotes is text, not a placeholder
  EXPECT_EQ(got[0].number, number + 1);
  EXPECT_TRUE(got[0].null);
  EXPECT_EQ(got[0].empty, "");
  EXPECT_EQ(ontzorg::Count(sql, "SELECT COUNT(*) FROM clients WHERE id > :a", std::string()), 0);
  // A value for each placeholder, the database's own message when the query is wrong.
  EXPECT_THROW(ForEachRow(
                   sql, "SELECT :a, :b", [](const StoredRow&) {}, std::string("only one")),
               std::exception);
  try {
    ForEachRow(sql, "SELECT nothing FROM no_such_table", [](const StoredRow&) {});
    ADD_FAILURE() << "a query of a missing table was read";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("no_such_table"), std::string::npos) << e.what();
  }
  // Rows read while another query's rows are being read (the month does this).
  ImportDemo();
  int outer = 0, inner = 0;
  ForEachRow(sql, "SELECT id FROM clients ORDER BY id", [&](const StoredRow& r) {
    ++outer;
    inner += static_cast<int>(ontzorg::Count(sql, "SELECT COUNT(*) FROM bills WHERE client_id = :c",
                                             std::string(r.Text(0))));
  });
  EXPECT_GT(outer, 1);
  EXPECT_EQ(inner, Count("SELECT COUNT(*) FROM bills"));
}

TEST_F(StorageTest, ABatchIsReadWholeInItsOrderPageByPage) {
  ImportDemo();
  const RunReport r = Run("2027-01", "2026-12-14");
  std::vector<std::string> expected;
  soci::rowset<std::string> rows =
      (store_->session().prepare << "SELECT end_to_end_id FROM payments WHERE run_id = " << r.run_id
                                 << " ORDER BY file_id, execution_date, end_to_end_id");
  for (const std::string& e2e : rows) expected.push_back(e2e);
  ASSERT_GT(expected.size(), 40u);
  for (const int64_t page : {7, 5000}) {
    store_->SetBatchFetchRows(page);
    std::vector<std::string> read;
    ASSERT_TRUE(store_->ForEachBatchPayment(
        r.run_id, [&](const Payment& p) { read.push_back(p.end_to_end_id); }));
    EXPECT_EQ(read, expected) << page << " rows at a time";
  }
  // A read that fails half-way leaves nothing open: the next read is whole.
  store_->SetBatchFetchRows(7);
  int calls = 0;
  const auto stopped = store_->ForEachBatchPayment(r.run_id, [&](const Payment&) {
    if (++calls == 10) throw std::runtime_error("stopped by the test");
  });
  ASSERT_FALSE(stopped);
  EXPECT_NE(stopped.error().message.find("stopped by the test"), std::string::npos);
  if (store_->backend() == Backend::kPostgresql) {
    long long open = -1;
    store_->session() << "SELECT COUNT(*) FROM pg_cursors", soci::into(open);
    EXPECT_EQ(open, 0) << "the cursor is closed";
  }
  std::vector<std::string> again;
  ASSERT_TRUE(store_->ForEachBatchPayment(
      r.run_id, [&](const Payment& p) { again.push_back(p.end_to_end_id); }));
  EXPECT_EQ(again, expected);
}

TEST_F(StorageTest, RunningTheMonthAgainPaysNothingTwice) {
  ImportDemo();
  const RunReport first = Run("2027-01", "2026-12-14");
  const long long payments = Count("SELECT COUNT(*) FROM payments");
  const RunReport second = Run("2027-01", "2026-12-14");
  EXPECT_EQ(second.run_id, 0);
  EXPECT_EQ(second.bill_payments + second.allowance_payments, 0);
  EXPECT_TRUE(second.files.empty());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM payments"), payments);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM runs"), 1);
  EXPECT_GT(first.bill_payments, 0);
}

TEST_F(StorageTest, TheNextMonthStartsFromTheLedger) {
  ImportDemo();
  Run("2027-01", "2026-12-14");
  const RunReport feb = Run("2027-02", "2027-01-14");
  EXPECT_GT(feb.bill_payments, 0);
  auto check = store_->LedgerCheck();
  ASSERT_TRUE(check);
  EXPECT_EQ(check->bank, check->clients);
  EXPECT_FALSE(check->lowest_client.IsNegative());
}

TEST_F(StorageTest, LedgerIsAppendOnly) {
  ImportDemo();
  Run("2027-01", "2026-12-14");
  soci::session& sql = store_->session();
  EXPECT_THROW(sql << "UPDATE entries SET amount_cents = amount_cents + 1", soci::soci_error);
  EXPECT_THROW(sql << "DELETE FROM entries", soci::soci_error);
  EXPECT_THROW(sql << "UPDATE payments SET amount_cents = 1", soci::soci_error);
  EXPECT_THROW(sql << "DELETE FROM payments", soci::soci_error);
}

TEST_F(StorageTest, TheAuditLogIsChainedAndOneChangedByteIsFound) {
  ImportDemo();
  Run("2027-01", "2026-12-14");
  ASSERT_TRUE(store_->AddUser({"admin", "admin", "Beheer"}, {"setup", "2026-12-14T09:00:00"}));
  ASSERT_TRUE(store_->AddUser({"bram", "finance", "Bram"}, {"admin", "2026-12-14T09:01:00"}));
  ASSERT_TRUE(store_->SetPasswordHash({"bram", "scrypt$x"}, {"bram", "2026-12-14T09:02:00"}));
  ASSERT_TRUE(ApproveBatch(*store_, 1, {"bram", "2026-12-14T11:00:00"}));
  auto intact = store_->VerifyAuditLog();
  ASSERT_TRUE(intact) << intact.error().message;
  EXPECT_GE(intact->rows, 4);  // import, batch prepared, two users, approval
  EXPECT_EQ(intact->unchained, 0);
  EXPECT_TRUE(intact->problems.empty()) << intact->problems.front();
  EXPECT_EQ(intact->head.size(), 64u);

  // One byte of one row's detail, behind the append-only trigger's back (as a DBA could).
  soci::session& sql = store_->session();
  if (store_->backend() == Backend::kSqlite) {
    sql << "DROP TRIGGER audit_log_no_UPDATE";
    sql << "DROP TRIGGER audit_log_no_DELETE";
  } else {
    sql << "ALTER TABLE audit_log DISABLE TRIGGER USER";
  }
  sql << "UPDATE audit_log SET detail = 'role finanse' WHERE action = 'user.added' AND "
         "subject = 'user:bram'";
  auto tampered = store_->VerifyAuditLog();
  ASSERT_TRUE(tampered);
  ASSERT_EQ(tampered->problems.size(), 1u);
  EXPECT_NE(tampered->problems[0].find("user:bram"), std::string::npos) << tampered->problems[0];
  EXPECT_NE(tampered->problems[0].find("changed"), std::string::npos);

  // A removed row in the middle breaks the chain at the row after it.
  sql << "UPDATE audit_log SET detail = 'role finance' WHERE subject = 'user:bram'";
  sql << "DELETE FROM audit_log WHERE subject = 'user:admin'";
  auto cut = store_->VerifyAuditLog();
  ASSERT_TRUE(cut);
  ASSERT_FALSE(cut->problems.empty());
  EXPECT_NE(cut->problems[0].find("missing"), std::string::npos) << cut->problems[0];
}

// Issue 19: sessions live in the store, so two server processes behind one store (on both
// backends: PostgreSQL is how a municipality runs two) share a login, a restart keeps it, and a
// deactivation by an admin on one ends it on the other at once.
TEST_F(StorageTest, TwoServerProcessesShareSessionsAndADeactivationEndsThemEverywhere) {
  ASSERT_TRUE(store_->AddUser({"admin", "admin", "Admin"}, {"setup", "2026-12-14T09:00:00"}));
  ASSERT_TRUE(store_->AddUser({"anna", "finance", "Anna"}, {"admin", "2026-12-14T09:00:00"}));
  const std::string password = "anna-has-a-long-password";
  ASSERT_TRUE(
      store_->SetPasswordHash({"anna", HashPassword(password).value()}, {"anna", "2026-12-14"}));
  // anna is finance: the shipped configuration has her log in with a second factor too.
  const std::string secret = NewTotpSecret();
  ASSERT_TRUE(store_->EnableSecondFactor({"anna", secret, {}, 0}, {"anna", "2026-12-14"}));
  Config config = DemoConfig(url_);
  int64_t now = 1797238800;
  const auto clock = [&now] { return now; };
  auto first = std::make_unique<WebApp>(config, clock, nullptr);
  WebApp second(config, clock, nullptr);
  HttpRequest login{"POST",
                    "/api/v1/session",
                    {{"content-type", "application/json"}},
                    R"({"user": "anna", "password": ")" + password + R"(", "code": ")" +
                        TotpCode(secret, now) + R"("})",
                    "10.0.0.7"};
  const HttpResponse in = first->Handle(login);
  ASSERT_EQ(in.status, 200) << in.body;
  std::string cookie;
  for (const auto& [k, v] : in.headers) {
    if (k == "Set-Cookie" && v.rfind("__Host-ontzorg=", 0) == 0) cookie = v.substr(0, v.find(';'));
  }
  ASSERT_EQ(cookie.size(), std::string("__Host-ontzorg=").size() + 64);
  const HttpRequest batches{"GET", "/api/v1/batches", {{"cookie", cookie}}, "", "10.0.0.7"};
  EXPECT_EQ(second.Handle(batches).status, 200) << "the second process knows the login";
  first = std::make_unique<WebApp>(config, clock, nullptr);  // the first process restarted
  EXPECT_EQ(first->Handle(batches).status, 200) << "a restart keeps the session";
  // Only its hash is stored.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM sessions WHERE token_hash = '" +
                  Sha256Hex(cookie.substr(cookie.find('=') + 1)) + "'"),
            1);
  ASSERT_TRUE(store_->SetUserActive("anna", false, "left the team", {"admin", "2026-12-15"}));
  EXPECT_EQ(second.Handle(batches).status, 401) << "deactivated: refused at once";
  EXPECT_EQ(first->Handle(batches).status, 401);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM sessions"), 0);
  now += kTotpStepSeconds;  // the next code: each counts once
  login.body = R"({"user": "anna", "password": ")" + password + R"(", "code": ")" +
               TotpCode(secret, now) + R"("})";
  EXPECT_EQ(first->Handle(login).status, 403) << "the right password, but deactivated";
  EXPECT_FALSE(store_->SetUserActive("anna", false, "again", {"admin", "2026-12-15"}));
  EXPECT_FALSE(store_->SetUserActive("admin", false, "the last admin", {"admin", "2026-12-15"}));
  ASSERT_TRUE(store_->SetUserActive("anna", true, "back", {"admin", "2026-12-15"}));
  EXPECT_EQ(second.Handle(login).status, 200);
  auto audit = store_->AuditLog("user:anna");
  ASSERT_TRUE(audit);
  std::vector<std::string> actions;
  for (const AuditRecord& a : *audit) actions.push_back(a.action);
  EXPECT_NE(std::find(actions.begin(), actions.end(), "user.deactivated"), actions.end());
  EXPECT_NE(std::find(actions.begin(), actions.end(), "user.activated"), actions.end());
  // The access log is append-only on both stores.
  ASSERT_TRUE(store_->RecordAccess({0, "2026-12-15T09:00:00", "anna", "finance", "C1", "/x"}));
  ASSERT_TRUE(store_->RecordAccess({0, "2026-12-15T09:00:01", "anna", "finance", "C2", "/y"}));
  auto views = store_->AccessLog({"C2", "", 10});
  ASSERT_TRUE(views);
  ASSERT_EQ(views->size(), 1U);
  EXPECT_EQ((*views)[0].view, "/y");
  EXPECT_GT((*views)[0].seq, 0);
  EXPECT_ANY_THROW(store_->session() << "UPDATE access_log SET user_name = 'someone'");
  EXPECT_ANY_THROW(store_->session() << "DELETE FROM access_log");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM access_log"), 2);
}

// Issue 19: a second factor's code counts once, also when two server processes get it at the same
// moment (two tabs, or an attacker replaying what he saw): of two connections accepting the same
// time step, one wins; the same for a recovery code; of two set-ups at once, one; a reset ends the
// user's sessions and voids the recovery codes. On both stores.
TEST_F(StorageTest, ASecondFactorsCodeCountsOnceEvenFromTwoProcessesAtOnce) {
  ASSERT_TRUE(store_->AddUser({"anna", "finance", "Anna"}, {"setup", "2026-12-14T09:00:00"}));
  EXPECT_FALSE(*store_->UseTotpStep("anna", 1)) << "no second factor: no code counts";
  const std::string secret = NewTotpSecret();
  const std::vector<std::string> codes = NewRecoveryCodes(10);
  std::vector<std::string> hashes;
  for (const std::string& c : codes) hashes.push_back(Sha256Hex(NormalizeRecoveryCode(c)));
  ASSERT_TRUE(store_->EnableSecondFactor({"anna", secret, hashes, 100}, {"anna", "2026-12-14"}));
  auto again = store_->EnableSecondFactor({"anna", NewTotpSecret(), {}, 100}, {"anna", "x"});
  ASSERT_FALSE(again) << "a second set-up must not replace the first";
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  auto factor = store_->FindSecondFactor("anna");
  ASSERT_TRUE(factor && *factor);
  EXPECT_EQ((*factor)->secret, secret);
  EXPECT_EQ((*factor)->recovery_left, 10);
  EXPECT_EQ((*factor)->last_step, 100) << "the code that confirmed the set-up is used";
  EXPECT_FALSE(*store_->UseTotpStep("anna", 100));
  EXPECT_FALSE(*store_->UseTotpStep("anna", 99)) << "an older code after a newer one";

  // Two processes, each with its own connection, accept the same steps and codes at once.
  auto other = Store::Open(url_);
  ASSERT_TRUE(other) << other.error().message;
  Store* stores[2] = {store_.get(), other->get()};
  for (int64_t step = 101; step <= 120; ++step) {
    std::atomic<int> accepted{0}, failed{0};
    std::vector<std::thread> racers;
    for (Store* s : stores) {
      racers.emplace_back([&, s] {
        auto used = s->UseTotpStep("anna", step);
        if (!used) {
          ++failed;
        } else if (*used) {
          ++accepted;
        }
      });
    }
    for (auto& t : racers) t.join();
    EXPECT_EQ(failed, 0);
    EXPECT_EQ(accepted, 1) << "step " << step << " was accepted " << accepted << " times";
  }
  for (int i = 0; i < 3; ++i) {
    std::atomic<int> accepted{0};
    std::vector<std::thread> racers;
    for (Store* s : stores) {
      racers.emplace_back([&, s] {
        auto used = s->UseRecoveryCode({"anna", hashes[i]}, {"anna", "2026-12-15T09:00:00"});
        if (used && *used) ++accepted;
      });
    }
    for (auto& t : racers) t.join();
    EXPECT_EQ(accepted, 1) << "recovery code " << i;
  }
  EXPECT_FALSE(*store_->UseRecoveryCode({"anna", Sha256Hex("not-a-code")}, {"anna", "x"}));
  EXPECT_EQ((*store_->FindSecondFactor("anna"))->recovery_left, 7);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'user.recovery_code_used'"), 3);

  // A lost phone: reset by an admin ends the sessions and voids the codes; the next set-up wins.
  ASSERT_TRUE(store_->CreateSession({std::string(64, 'b'), "anna", "csrf", 1797238800}));
  ASSERT_TRUE(store_->ResetSecondFactor({"anna", "phone lost"}, {"admin", "2026-12-16"}));
  EXPECT_FALSE(*store_->FindSecondFactor("anna"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM sessions"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM recovery_codes"), 0);
  EXPECT_FALSE(*store_->UseRecoveryCode({"anna", hashes[5]}, {"anna", "x"}));
  EXPECT_FALSE(store_->ResetSecondFactor({"anna", "twice"}, {"admin", "2026-12-16"}));
  std::atomic<int> set_up{0};
  std::vector<std::thread> racers;
  for (Store* s : stores) {
    racers.emplace_back([&, s] {
      if (s->EnableSecondFactor({"anna", NewTotpSecret(), {}, 1}, {"anna", "2026-12-16"})) {
        ++set_up;
      }
    });
  }
  for (auto& t : racers) t.join();
  EXPECT_EQ(set_up, 1) << "two set-ups at once";
  auto audit = store_->VerifyAuditLog();
  ASSERT_TRUE(audit);
  EXPECT_TRUE(audit->problems.empty());
}

// Issue 19: the access log keeps views for [retention] access_log_days; `access prune` removes
// the older ones and moves the cut-off forward, audited. The database itself refuses to remove a
// view at or after the cut-off, to move the cut-off back, or to remove it. On both stores.
TEST_F(StorageTest, TheAccessLogIsPrunedOnlyBeforeItsRetentionCutOff) {
  for (const char* at : {"2024-01-10T09:00:00", "2024-06-30T23:59:59", "2024-07-01T00:00:00",
                         "2026-12-15T09:00:00"}) {
    ASSERT_TRUE(store_->RecordAccess({0, at, "carla", "coach", "C000001", "/clients/C000001"}));
  }
  EXPECT_EQ(*store_->AccessLogCutoff(), "");
  auto gone = store_->PruneAccessLog("2024-07-01", {"admin", "2026-12-16T09:00:00"});
  ASSERT_TRUE(gone) << gone.error().message;
  EXPECT_EQ(*gone, 2);
  EXPECT_EQ(*store_->AccessLogCutoff(), "2024-07-01");
  auto left = store_->AccessLog({"C000001", "", 100});
  ASSERT_TRUE(left);
  ASSERT_EQ(left->size(), 2U);
  EXPECT_EQ((*left)[0].at, "2024-07-01T00:00:00") << "the cut-off day is kept";
  auto back = store_->PruneAccessLog("2024-01-01", {"admin", "2026-12-16T09:00:00"});
  ASSERT_FALSE(back);
  EXPECT_EQ(back.error().code, ErrorCode::kConflict);
  // Around the store's API, the database says no.
  EXPECT_ANY_THROW(store_->session() << "DELETE FROM access_log");
  EXPECT_ANY_THROW(store_->session()
                   << "UPDATE retention SET cutoff = '2000-01-01' WHERE name = 'access_log'");
  EXPECT_ANY_THROW(store_->session() << "DELETE FROM retention");
  EXPECT_ANY_THROW(store_->session() << "UPDATE access_log SET at = '2000-01-01'");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM access_log"), 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'access_log.pruned'"), 1);
  auto audit = store_->VerifyAuditLog();
  ASSERT_TRUE(audit);
  EXPECT_TRUE(audit->problems.empty());
}

// --- Upgrades: a store of every earlier schema version migrates with its data intact ----------

// Every table of a store (but the migrations' own) with its columns, in the database's order.
std::map<std::string, std::vector<std::string>> TableColumns(soci::session& sql) {
  std::map<std::string, std::vector<std::string>> out;
  if (sql.get_backend_name() == "sqlite3") {
    std::vector<std::string> tables;
    ForEachRow(
        sql,
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND "
        "name <> 'schema_migrations'",
        [&](const StoredRow& r) { tables.emplace_back(r.Text(0)); });
    for (const std::string& t : tables) {
      ForEachRow(sql, "PRAGMA table_info(" + t + ")",
                 [&](const StoredRow& r) { out[t].emplace_back(r.Text(1)); });
    }
  } else {
    ForEachRow(sql,
               "SELECT table_name, column_name FROM information_schema.columns WHERE "
               "table_schema = 'public' AND table_name <> 'schema_migrations' ORDER BY "
               "table_name, ordinal_position",
               [&](const StoredRow& r) { out[std::string(r.Text(0))].emplace_back(r.Text(1)); });
  }
  return out;
}

// A table's rows on `columns`, each as text (NULL marked), sorted: the same on both backends.
std::vector<std::vector<std::string>> TableRows(soci::session& sql, const std::string& table,
                                                const std::vector<std::string>& columns) {
  std::string list;
  for (const std::string& c : columns) list += (list.empty() ? "" : ", ") + c;
  std::vector<std::vector<std::string>> rows;
  ForEachRow(sql, "SELECT " + list + " FROM " + table, [&](const StoredRow& r) {
    std::vector<std::string> row;
    for (size_t i = 0; i < columns.size(); ++i) {
      row.push_back(r.IsNull(i) ? std::string("\x01NULL") : std::string(r.Text(i)));
    }
    rows.push_back(std::move(row));
  });
  std::sort(rows.begin(), rows.end());
  return rows;
}

std::string SqlLiteral(const std::string& value) {
  if (value == "\x01NULL") return "NULL";
  std::string out = "'";
  for (char c : value) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

// Copies every row of `from` into the tables `to` has, on the columns `to` has (a store of an
// earlier version has fewer); the counters it has are set to `from`'s values. Foreign keys are
// not checked while it copies (rows come in table order, not dependency order).
void CopyRows(soci::session& from, soci::session& to) {
  const bool sqlite = to.get_backend_name() == "sqlite3";
  to << (sqlite ? "PRAGMA foreign_keys = OFF" : "SET session_replication_role = replica");
  const auto source = TableColumns(from);
  soci::transaction tx(to);
  for (const auto& [table, columns] : TableColumns(to)) {
    ASSERT_TRUE(source.count(table)) << table << " is gone from the current schema";
    for (const std::string& c : columns) {
      ASSERT_NE(std::find(source.at(table).begin(), source.at(table).end(), c),
                source.at(table).end())
          << table << "." << c << " is gone from the current schema";
    }
    for (const auto& row : TableRows(from, table, columns)) {
      if (table == "counters") {
        to << "UPDATE counters SET value = " + SqlLiteral(row[1]) +
                  " WHERE name = " + SqlLiteral(row[0]);
        continue;
      }
      if (table == "retention") {  // its rows come with the migration that made it (v16)
        to << "UPDATE retention SET cutoff = " + SqlLiteral(row[1]) +
                  " WHERE name = " + SqlLiteral(row[0]);
        continue;
      }
      std::string names, values;
      for (size_t i = 0; i < columns.size(); ++i) {
        names += (i ? ", " : "") + columns[i];
        values += (i ? ", " : "") + SqlLiteral(row[i]);
      }
      // The access log's seq is numbered by PostgreSQL (GENERATED ALWAYS): copied as it was.
      to << "INSERT INTO " + table + " (" + names + ")" +
                (sqlite ? "" : " OVERRIDING SYSTEM VALUE") + " VALUES (" + values + ")";
    }
    if (!sqlite && table == "access_log") {  // numbering goes on after the copied rows
      to << "SELECT setval(pg_get_serial_sequence('access_log', 'seq'), COALESCE(MAX(seq), 0) + "
            "1, false) FROM access_log";
    }
  }
  tx.commit();
  to << (sqlite ? "PRAGMA foreign_keys = ON" : "SET session_replication_role = DEFAULT");
}

// The demo municipality a month into its life, at the current schema, on SQLite: clients,
// reference data and plans imported, users with passwords and caseloads, January run, approved
// and exported, the bank's pain.002 and camt.053 read (a rejected rent, a returned leefgeld, a
// toeslag and money nobody can place), a session and views in the access log.
void MakeFilledStore(const std::string& url, const std::filesystem::path& dir) {
  auto made = Store::Init(url);
  ASSERT_TRUE(made) << made.error().message;
  Store& store = **made;
  ASSERT_TRUE(ImportDirectory(SourceDir() + "/fixtures/demo", store));
  for (const char* name : {"admin", "anna", "bram", "carla"}) {
    const std::string role = name == std::string("admin")   ? "admin"
                             : name == std::string("carla") ? "coach"
                                                            : "finance";
    ASSERT_TRUE(store.AddUser({name, role, name}, {"setup", "2026-12-14T09:00:00"}));
    ASSERT_TRUE(
        store.SetPasswordHash({name, HashPassword(std::string("pw-of-") + name + "-long").value()},
                              {name, "2026-12-14T09:00:00"}));
  }
  ASSERT_TRUE(store.AssignCaseload({{ClientId{"C000001"}, "carla"}, {ClientId{"C000002"}, "carla"}},
                                   {"admin", "2026-12-14T09:00:00"}));
  Config config = DemoConfig(url);
  RunOptions o{YearMonth::Parse("2027-01").value(),
               Date::Parse("2026-12-14").value(),
               dir / "out",
               "anna",
               "2026-12-14T10:00:00",
               7,
               {}};
  ASSERT_TRUE(RunMonth(config, store, o));
  ASSERT_TRUE(ApproveBatch(store, 1, {"bram", "2026-12-14T11:00:00"}, {.acknowledge = true}));
  auto exported = ExportBatch(config, store, 1, dir / "out", {"bram", "2026-12-14T11:01:00"});
  ASSERT_TRUE(exported) << exported.error().message;
  const std::string pain001 = exported->files.front().written_path;
  ASSERT_EQ(std::system((std::string(ONTZORG_BANKSIM) + " --pain001 " + pain001 +
                         " --date 2026-12-16 --pain002 " + (dir / "p2.xml").string() +
                         " --camt053 " + (dir / "c53.xml").string() +
                         " --reject OZ-B-202701-C000002-H:AC04 --return OZ-L-202701-C000003:AC04"
                         " --credit 'NL86INGB0002445588|Belastingdienst/Toeslagen|312.00|"
                         "Huurtoeslag C000038' --credit 'NL20INGB0001234567|Onbekend|25.00|gift'"
                         " >/dev/null")
                            .c_str()),
            0);
  for (const char* file : {"p2.xml", "c53.xml"}) {
    auto read = ImportBankFeedback(config, store, dir / file, {"bram", "2026-12-16T09:00:00"});
    ASSERT_TRUE(read) << read.error().message;
  }
  ASSERT_TRUE(store.CreateSession({std::string(64, 'a'), "carla", "csrf", 1797238800}));
  ASSERT_TRUE(store.RecordAccess({0, "2026-12-16T10:00:00", "carla", "coach", "C000001", "/x"}));
}

// Issue 19: a store made by every earlier release (its schema built by the migrations up to that
// version, filled with the demo month on the columns it had) is migrated to the current version
// by `ontzorg init`: every row it held is there as it was, the counters go on where they were,
// the ledger balances, the audit chain verifies, and the next month runs on it.
TEST_F(StorageTest, AStoreOfEveryEarlierVersionMigratesWithItsDataIntact) {
  const std::string source_url = dir_ / "filled.db";
  MakeFilledStore(source_url, dir_.path());
  if (HasFatalFailure()) return;
  auto source = Store::Open(source_url);
  ASSERT_TRUE(source) << source.error().message;
  const int current = Migrations().back().version;
  for (int version = 1; version < current; ++version) {
    SCOPED_TRACE("a store of schema version " + std::to_string(version));
    store_.reset();  // an empty store: a new SQLite file, or PostgreSQL's schema emptied
    if (g_backend == "sqlite") {
      url_ = dir_ / ("v" + std::to_string(version) + ".db");
    } else {
      soci::session sql(soci::postgresql, url_);
      sql << "SET client_min_messages = warning";
      sql << "DROP SCHEMA public CASCADE";
      sql << "CREATE SCHEMA public";
    }
    auto old = Store::InitThrough(url_, version);
    ASSERT_TRUE(old) << old.error().message;
    ASSERT_EQ((*old)->SchemaVersion(), version);
    std::unique_ptr<Store> earlier = std::move(old).value();
    const auto tables = TableColumns(earlier->session());
    std::set<std::string> counters;  // those of that version (later ones start at 0 on migrating)
    for (const auto& row : TableRows(earlier->session(), "counters", {"name"})) {
      counters.insert(row[0]);
    }
    CopyRows((*source)->session(), earlier->session());
    if (HasFatalFailure()) return;
    earlier.reset();
    auto refused = Store::Open(url_);
    ASSERT_FALSE(refused) << "a store of an earlier version is not opened as it is";
    EXPECT_NE(refused.error().message.find("run `ontzorg init` to migrate"), std::string::npos);
    auto migrated = Store::Init(url_);
    ASSERT_TRUE(migrated) << migrated.error().message;
    Store& now = **migrated;
    EXPECT_EQ(now.SchemaVersion(), current);
    for (const auto& [table, columns] : tables) {
      auto rows = TableRows(now.session(), table, columns);
      auto expected = TableRows((*source)->session(), table, columns);
      if (table == "counters") {
        for (auto* list : {&rows, &expected}) {
          std::erase_if(*list, [&](const auto& row) { return !counters.count(row[0]); });
        }
      }
      EXPECT_EQ(rows, expected) << table << " changed in the migration from version " << version;
    }
    auto ledger = now.LedgerCheck();
    ASSERT_TRUE(ledger);
    EXPECT_TRUE(ledger->Balanced());
    auto audit = now.VerifyAuditLog();
    ASSERT_TRUE(audit);
    EXPECT_TRUE(audit->problems.empty()) << audit->problems.front();
    // Issue 20: the store becomes municipality 1, the configured one, with all it held.
    Config config = DemoConfig(url_);
    auto adopted = AdoptConfiguredMunicipality(config, now, {"setup", "2027-01-18T09:00:00"});
    ASSERT_TRUE(adopted) << adopted.error().message;
    EXPECT_TRUE(*adopted);
    auto municipalities = now.Municipalities();
    ASSERT_TRUE(municipalities);
    ASSERT_EQ(municipalities->size(), 1u);
    EXPECT_EQ(municipalities->front().id, 1);
    EXPECT_EQ(municipalities->front().code, "GM9999");
    auto own = ConfigOf(config, municipalities->front(), YearMonth::Parse("2027-02").value());
    ASSERT_TRUE(own) << own.error().message;
    EXPECT_EQ(own->debtor.iban.compact(), config.debtor.iban.compact());
    EXPECT_EQ(own->month.bridging.size(), config.month.bridging.size());
    for (const char* table : {"clients", "runs"}) {
      long long elsewhere = -1;
      now.session() << std::string("SELECT COUNT(*) FROM ") + table + " WHERE municipality_id <> 1",
          soci::into(elsewhere);
      EXPECT_EQ(elsewhere, 0) << table;
    }
    store_ = std::move(migrated).value();
    RunOptions o{YearMonth::Parse("2027-02").value(),
                 Date::Parse("2027-01-18").value(),
                 dir_ / ("out-v" + std::to_string(version)),
                 "anna",
                 "2027-01-18T10:00:00",
                 7,
                 {}};
    auto next = RunMonth(config, *store_, o);
    EXPECT_TRUE(next) << next.error().message;
  }
}

// --- An import read in parts (issue 18) --------------------------------------------------------

// Every row of every table of two stores, table by table (the same on both backends).
void ExpectSameRows(soci::session& got, soci::session& want, const std::string& what) {
  for (const auto& [table, columns] : TableColumns(want)) {
    EXPECT_EQ(TableRows(got, table, columns), TableRows(want, table, columns))
        << table << " differs " << what;
  }
}

// The problem lines of a refusal (its first line, with the count, apart), sorted.
std::vector<std::string> ProblemLines(const std::string& refusal) {
  std::vector<std::string> lines;
  std::istringstream in(refusal);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  if (!lines.empty()) std::sort(lines.begin() + 1, lines.end());
  return lines;
}

// An import of more rows than a part holds is split by client into parts, each read, checked
// and stored in turn in one transaction. It stores what the same files store read at once: every
// row of every table, the one audit row, the counts; a second import skips the same rows; and
// changes (valid_from) are made the same.
TEST_F(StorageTest, AnImportReadInPartsStoresWhatTheFilesStoreReadAtOnce) {
  const std::string at = "2027-01-02T09:00:00";
  auto whole = Store::Init(dir_ / "whole.db");
  ASSERT_TRUE(whole) << whole.error().message;
  const std::string demo = SourceDir() + "/fixtures/demo";
  auto once = ImportDirectory(demo, **whole, "tester", at);
  ASSERT_TRUE(once) << once.error().message;
  // Parts of about 7 rows: about 300 parts for the demo's 2,000 rows.
  auto parted = ImportDirectory(demo, *store_, "tester", at, nullptr, 7);
  ASSERT_TRUE(parted) << parted.error().message;
  EXPECT_EQ(parted->counts.clients, once->counts.clients);
  EXPECT_EQ(parted->counts.bills, once->counts.bills);
  EXPECT_EQ(parted->counts.assessments, once->counts.assessments);
  EXPECT_EQ(parted->counts.direct_debits, once->counts.direct_debits);
  EXPECT_GT(parted->counts.clients, 0u);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'import'"), 1);
  ExpectSameRows(store_->session(), (*whole)->session(), "after the first import");

  const int64_t generation = store_->Generation().value();
  auto again_once = ImportDirectory(demo, **whole, "tester", at);
  auto again = ImportDirectory(demo, *store_, "tester", at, nullptr, 7);
  ASSERT_TRUE(again_once && again);
  EXPECT_EQ(again->skipped_identical, again_once->skipped_identical);
  EXPECT_GT(again->skipped_identical, 900);
  EXPECT_TRUE(again->counts.empty());
  EXPECT_EQ(store_->Generation().value(), generation);

  // A change set: its changes are the same versions, and the batches they touch named alike.
  const std::string changes = SourceDir() + "/fixtures/changes/six-months";
  for (Store* s : std::vector<Store*>{whole->get(), store_.get()}) {
    auto base = ImportDirectory(changes + "/base", *s, "tester", at);
    ASSERT_TRUE(base) << base.error().message;
  }
  auto changed_once = ImportDirectory(changes + "/2027-03", **whole, "coach", at);
  auto changed = ImportDirectory(changes + "/2027-03", *store_, "coach", at, nullptr, 1);
  ASSERT_TRUE(changed_once && changed) << (changed ? "" : changed.error().message);
  EXPECT_EQ(changed->added.versions.size(), changed_once->added.versions.size());
  EXPECT_EQ(changed->counts.changes, changed_once->counts.changes);
  EXPECT_GT(changed->counts.changes, 0u);
  ExpectSameRows(store_->session(), (*whole)->session(), "after the changes");
}

// The parts are kept in temporary files that no name points to (they hold BSNs and IBANs): none
// is left in TMPDIR, whatever the import's end. Where they cannot be made, the import says where
// and what to do, and stores nothing.
TEST_F(StorageTest, AnImportReadInPartsLeavesNoFileAndSaysWhenItHasNoRoom) {
  const std::string tmp = dir_ / "tmp";
  std::filesystem::create_directory(tmp);
  struct TmpDirSet {  // TMPDIR for this test only
    explicit TmpDirSet(const std::string& dir) {
      if (const char* was = std::getenv("TMPDIR")) before = was;
      setenv("TMPDIR", dir.c_str(), 1);
    }
    ~TmpDirSet() {
      if (before) {
        setenv("TMPDIR", before->c_str(), 1);
      } else {
        unsetenv("TMPDIR");
      }
    }
    std::optional<std::string> before;
  };
  const std::string demo = SourceDir() + "/fixtures/demo";
  {
    TmpDirSet missing(tmp + "/missing");
    auto refused = ImportDirectory(demo, *store_, "tester", "2027-01-02T09:00:00", nullptr, 50);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::kIo);
    EXPECT_NE(refused.error().message.find(tmp + "/missing"), std::string::npos)
        << refused.error().message;
    EXPECT_NE(refused.error().message.find("set TMPDIR"), std::string::npos);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM clients"), 0);
  }
  TmpDirSet there(tmp);
  auto parted = ImportDirectory(demo, *store_, "tester", "2027-01-02T09:00:00", nullptr, 50);
  EXPECT_TRUE(parted) << parted.error().message;
  EXPECT_GT(Count("SELECT COUNT(*) FROM clients"), 0);
  EXPECT_TRUE(std::filesystem::is_empty(tmp));
}

// Two imports in parts of the same files at the same moment (two finance employees, or a
// retried job): each reads and stores its parts in one write transaction, so one stores the rows
// and the other finds every one stored; one audit row.
TEST_F(StorageTest, TwoImportsInPartsAtOnceStoreTheRowsOnce) {
  const std::string demo = SourceDir() + "/fixtures/demo";
  std::vector<std::optional<Result<ImportReport, Error>>> results(2);
  std::vector<std::thread> importers;
  for (size_t i = 0; i < results.size(); ++i) {
    importers.emplace_back([&, i] {
      auto store = Store::Open(url_);
      if (!store) {
        results[i] = Unexpected(store.error());
        return;
      }
      results[i] = ImportDirectory(demo, **store, "tester", "2027-01-02T09:00:00", nullptr, 50);
    });
  }
  for (auto& t : importers) t.join();
  std::vector<size_t> clients;
  for (const auto& r : results) {
    ASSERT_TRUE(r && *r) << (r && !*r ? (*r).error().message : "");
    clients.push_back((**r).counts.clients);
  }
  std::sort(clients.begin(), clients.end());
  EXPECT_EQ(clients.front(), 0u);
  EXPECT_EQ(static_cast<long long>(clients.back()), Count("SELECT COUNT(*) FROM clients"));
  EXPECT_GT(clients.back(), 0u);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'import'"), 1);
}

// What an import read at once refuses, read in parts it refuses with the same problems (listed
// in file and line order), and nothing is stored: the bad fixtures, and rows whose repeat falls
// into another part (a bill id given for two clients, a BSN on two clients).
TEST_F(StorageTest, AnImportReadInPartsRefusesWhatTheFilesAreRefusedForReadAtOnce) {
  std::vector<std::string> folders;
  for (const auto& entry : std::filesystem::directory_iterator(SourceDir() + "/fixtures/bad")) {
    folders.push_back(entry.path().string());
  }
  // The demo with a bill id and an assessment id given again for another client (problems of
  // the rows, whichever part each falls into), and the demo with a client of another's BSN (a
  // problem of the rows together).
  const auto demo_with = [&](const std::string& name,
                             const std::vector<std::pair<std::string, std::string>>& rows) {
    const std::string folder = dir_ / name;
    std::filesystem::copy(SourceDir() + "/fixtures/demo", folder);
    for (const auto& [file, line] : rows) {
      std::ofstream(folder + "/" + file, std::ios::app) << line << "\n";
    }
    folders.push_back(folder);
  };
  demo_with("repeated",
            {{"bills.csv", "C000001-H,C000002,rent,WS-LINDE,624.28,monthly,1,,Huur,2027-01-01,"},
             {"assessments.csv", "C000001-A1,C000003,2027-01-05,coach2,maand 1,overview=1"}});
  demo_with("bsn", {{"clients.csv",
                     "C009999,100000022,Nieuw Persoon,single,NL22INGB6000000002,1,0,nl,"
                     "\"Kerkstraat 9, 9999 BA  Voorbeeld\""}});
  std::sort(folders.begin(), folders.end());

  for (const std::string& folder : folders) {
    SCOPED_TRACE(folder);
    Error once;  // read at once, into a store of its own
    {
      auto whole = Store::Init(dir_ / "whole.db");
      ASSERT_TRUE(whole);
      auto refused = ImportDirectory(folder, **whole, "tester", "2027-01-02T09:00:00");
      ASSERT_FALSE(refused);
      once = refused.error();
    }
    std::filesystem::remove(dir_ / "whole.db");
    for (const size_t rows : {size_t{1}, size_t{5}, size_t{40}}) {
      SCOPED_TRACE("parts of " + std::to_string(rows) + " rows");
      auto parted =
          ImportDirectory(folder, *store_, "tester", "2027-01-02T09:00:00", nullptr, rows);
      ASSERT_FALSE(parted);
      EXPECT_EQ(parted.error().code, once.code);
      std::vector<std::string> got = ProblemLines(parted.error().message);
      std::erase_if(got, [](const std::string& l) { return l.rfind("Rows that refer", 0) == 0; });
      EXPECT_EQ(got, ProblemLines(once.message));
      EXPECT_EQ(Count("SELECT COUNT(*) FROM clients"), 0);
      EXPECT_EQ(Count("SELECT COUNT(*) FROM creditors"), 0);
      EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'import'"), 0);
    }
  }
}

// Issue 20: a store made before several municipalities gets the configured one as
// municipality 1, once, even when two processes open it at the same moment; more are added under
// their own code, their settings are only ever appended; clients belong to the municipality the
// import was for, and a run, its counts and its batches see only its own.
TEST_F(StorageTest, MunicipalitiesAreAddedOnceAndEachSeesOnlyItsOwnClients) {
  ImportDemo();  // unscoped, before there were municipalities: municipality 1's
  Config config = DemoConfig(url_);
  std::vector<int64_t> adopted(2, -1);
  std::vector<std::thread> openers;
  for (size_t i = 0; i < adopted.size(); ++i) {
    openers.emplace_back([&, i] {
      auto store = Store::Open(url_);
      if (!store) return;
      auto added = (*store)->AddMunicipality(
          {.code = "GM9999",
           .first = {0, "", "[municipality]\ncode = \"GM9999\"\n", "2026-12-14T09:00:00", "setup",
                     "the configured one"},
           .only_if_none = true});
      if (added) adopted[i] = *added;
    });
  }
  for (std::thread& t : openers) t.join();
  std::sort(adopted.begin(), adopted.end());
  EXPECT_EQ(adopted, (std::vector<int64_t>{0, 1})) << "added exactly once, as municipality 1";
  EXPECT_EQ(Count("SELECT COUNT(*) FROM municipalities"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM clients WHERE municipality_id = 1"), 64);

  const MunicipalityVersion second{0,
                                   "",
                                   "[municipality]\ncode = \"GM9998\"\n",
                                   "2026-12-14T09:05:00",
                                   "admin",
                                   "second municipality"};
  auto two = store_->AddMunicipality({.code = "GM9998", .first = second});
  ASSERT_TRUE(two) << two.error().message;
  EXPECT_EQ(*two, 2);
  auto again = store_->AddMunicipality({.code = "GM9998", .first = second});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  MunicipalityVersion unexplained = second;
  unexplained.reason = " ";
  EXPECT_FALSE(store_->AddMunicipalityVersion(2, unexplained));
  MunicipalityVersion march = second;
  march.valid_from = "2027-03";
  march.reason = "new managed account from March";
  ASSERT_TRUE(store_->AddMunicipalityVersion(2, march));
  auto all = store_->Municipalities();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ(all->at(1).versions.size(), 2u);
  EXPECT_EQ(all->at(1).versions.back().valid_from, "2027-03");
  EXPECT_THROW(store_->session() << "UPDATE municipality_versions SET settings = 'x'",
               std::exception)
      << "settings versions are append-only";
  EXPECT_THROW(store_->session() << "DELETE FROM municipality_versions", std::exception);

  store_->SetScope(2);
  auto imported = ImportDirectory(SourceDir() + "/fixtures/demo-2", *store_);
  ASSERT_TRUE(imported) << imported.error().message;
  EXPECT_EQ(store_->MunicipalityOfClient(ClientId{"T000001"}).value(), 2);
  EXPECT_EQ(store_->MunicipalityOfClient(ClientId{"C000001"}).value(), 1);
  EXPECT_EQ(store_->CountClients().value(), 8);
  EXPECT_EQ(store_->CountBenefits(YearMonth::Parse("2027-01").value()).value(), 8);
  EXPECT_EQ(store_->ClientIds().value().count("C000001"), 0u);
  EXPECT_FALSE(store_->LoadCase(ClientId{"C000001"}, YearMonth::Parse("2027-01").value())
                   .value()
                   .has_value())
      << "a client of another municipality is not found in this one's scope";
  std::set<std::string> seen;
  ASSERT_TRUE(store_->ForEachCase(YearMonth::Parse("2027-01").value(), 3,
                                  [&](ClientCase& c) -> Status<Error> {
                                    seen.insert(c.client.id.value);
                                    return {};
                                  }));
  EXPECT_EQ(seen.size(), 8u);
  EXPECT_EQ(seen.count("C000001"), 0u);
  // A run in this scope is this municipality's batch; the other's scope does not list it.
  RunOptions o{YearMonth::Parse("2027-01").value(),
               Date::Parse("2026-12-14").value(),
               dir_ / "out2",
               "anna",
               "2026-12-14T10:00:00",
               3,
               {}};
  auto run = RunMonth(config, *store_, o);
  ASSERT_TRUE(run) << run.error().message;
  EXPECT_EQ(run->clients_in_relief, 8);
  EXPECT_EQ(store_->MunicipalityOfRun(run->run_id).value(), 2);
  EXPECT_EQ(store_->Batches().value().size(), 1u);
  store_->SetScope(1);
  EXPECT_TRUE(store_->Batches().value().empty());
  EXPECT_EQ(store_->CountClients().value(), 64);
  store_->SetScope(0);
  EXPECT_EQ(store_->CountClients().value(), 72);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM payments p JOIN clients c ON c.id = p.client_id WHERE "
                  "c.municipality_id <> 2"),
            0)
      << "municipality 2's run paid no client of municipality 1";
  // The ledger check per municipality: municipality 2's books balance on their own (the run paid
  // out its bijstand, and lent some clients bridging credit), municipality 1 (no month run) has
  // none, and the two make the whole.
  store_->SetScope(2);
  const LedgerTotals second_books = store_->LedgerCheck().value();
  store_->SetScope(1);
  const LedgerTotals first_books = store_->LedgerCheck().value();
  store_->SetScope(0);
  const LedgerTotals all_books = store_->LedgerCheck().value();
  EXPECT_TRUE(second_books.Balanced());
  EXPECT_TRUE(second_books.loans.IsPositive()) << "its clients' bridging credit is on its books";
  EXPECT_EQ(first_books.loans, Money::Zero());
  EXPECT_EQ(first_books.bank, Money::Zero());
  EXPECT_EQ(first_books.clients, Money::Zero());
  EXPECT_EQ(all_books.bank, first_books.bank + second_books.bank);
  EXPECT_EQ(all_books.clients, first_books.clients + second_books.clients);
  EXPECT_EQ(all_books.loans, first_books.loans + second_books.loans);
}

// Issue 20: a user has a role in each of their municipalities. A grant in their own role is kept
// as '' (it follows the user), another role is kept as named; a municipality named twice, a role
// other than coach or finance, or one for an admin, are refused and change nothing. RoleIn is
// what the caseload check asks: a client goes to a coach of its own municipality only.
TEST_F(StorageTest, AUserHasARoleInEachOfTheirMunicipalities) {
  ImportDemo();
  for (const std::string code : {"GM9999", "GM9998"}) {
    const auto added =
        store_->AddMunicipality({.code = code,
                                 .first = {0, "", "[municipality]\ncode = \"" + code + "\"\n",
                                           "2026-12-14T09:00:00", "setup", "added"}});
    ASSERT_TRUE(added) << added.error().message;
  }
  const Actor by{"admin", "2026-12-14T09:00:00"};
  ASSERT_TRUE(store_->AddUser({"mila", "finance", ""}, by));
  ASSERT_TRUE(store_->AddUser({"olga", "admin", ""}, by));
  EXPECT_EQ(store_->RoleIn("mila", 2).value(), "finance") << "no grants: every municipality";
  ASSERT_TRUE(store_->SetUserMunicipalities("mila", {{1, "finance"}, {2, "coach"}}, "both", by));
  const auto grants = store_->UserMunicipalities("mila").value();
  ASSERT_EQ(grants.size(), 2u);
  EXPECT_EQ(grants[0].role, "finance");
  EXPECT_EQ(grants[1].role, "coach");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM user_municipalities WHERE role = ''"), 1)
      << "her own role is kept as ''";
  EXPECT_EQ(store_->RoleIn("mila", 1).value(), "finance");
  EXPECT_EQ(store_->RoleIn("mila", 2).value(), "coach");
  EXPECT_EQ(store_->RoleIn("mila", 3).value(), "");
  EXPECT_EQ(store_->RoleIn("nobody", 1).value(), "");
  for (const auto& refused : std::vector<std::vector<Store::MunicipalityGrant>>{
           {{1, ""}, {1, "coach"}}, {{2, "auditor"}}, {{9, ""}}}) {
    EXPECT_FALSE(store_->SetUserMunicipalities("mila", refused, "wrong", by));
  }
  EXPECT_FALSE(store_->SetUserMunicipalities("olga", {{1, "coach"}}, "an admin", by));
  EXPECT_EQ(store_->UserMunicipalities("mila").value().size(), 2u) << "nothing changed";
  EXPECT_TRUE(store_->UserMunicipalities("olga").value().empty());
  // The caseload: a client of GM9999 (where she is finance) is refused, before and after.
  const int64_t caseloads = Count("SELECT COUNT(*) FROM caseload");
  EXPECT_FALSE(store_->AssignCaseload({{ClientId{"C000001"}, "mila"}}, by));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM caseload"), caseloads);
  ASSERT_TRUE(store_->SetUserMunicipalities("mila", {{1, "coach"}}, "coach for GM9999", by));
  EXPECT_TRUE(store_->AssignCaseload({{ClientId{"C000001"}, "mila"}}, by));
  // Her client keeps a coach who can see it: she does not stop being GM9999's coach (finance
  // there, or GM9998 only) while C000001 is hers; once it is reassigned, she may.
  for (const auto& without : std::vector<std::vector<Store::MunicipalityGrant>>{
           {{1, "finance"}, {2, "coach"}}, {{2, "coach"}}}) {
    const auto refused = store_->SetUserMunicipalities("mila", without, "moves", by);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("C000001"), std::string::npos)
        << refused.error().message;
  }
  EXPECT_EQ(store_->RoleIn("mila", 1).value(), "coach") << "nothing changed";
  ASSERT_TRUE(store_->AddUser({"noor", "coach", ""}, by));
  ASSERT_TRUE(store_->AssignCaseload({{ClientId{"C000001"}, "noor"}}, by));
  EXPECT_TRUE(store_->SetUserMunicipalities("mila", {{1, "finance"}, {2, "coach"}}, "moves", by));
}

TEST_F(StorageTest, CaseloadsFollowTheLatestAssignmentAndRefuseStrangers) {
  ImportDemo();
  ASSERT_TRUE(store_->AddUser({"admin", "admin", "Beheer"}, {"setup", "2026-12-14T09:00:00"}));
  ASSERT_TRUE(store_->AddUser({"coach1", "coach", "Carla"}, {"admin", "2026-12-14T09:00:00"}));
  ASSERT_TRUE(store_->AddUser({"coach2", "coach", "Daan"}, {"admin", "2026-12-14T09:00:00"}));
  ASSERT_TRUE(store_->AddUser({"anna", "finance", "Anna"}, {"admin", "2026-12-14T09:00:00"}));
  ASSERT_TRUE(
      store_->AssignCaseload({{ClientId{"C000001"}, "coach1"}, {ClientId{"C000002"}, "coach1"}},
                             {"admin", "2026-12-14T09:02:00"}));
  ASSERT_TRUE(
      store_->AssignCaseload({{ClientId{"C000002"}, "coach2"}}, {"admin", "2026-12-15T09:00:00"}));
  EXPECT_EQ(store_->CoachOf(ClientId{"C000001"}).value(), std::optional<std::string>("coach1"));
  EXPECT_EQ(store_->CoachOf(ClientId{"C000002"}).value(), std::optional<std::string>("coach2"));
  EXPECT_EQ(store_->CoachOf(ClientId{"C000003"}).value(), std::nullopt);

  const long long before = Count("SELECT COUNT(*) FROM caseload");
  // All or nothing: the second row names a finance user, so the first is not kept either.
  auto refused =
      store_->AssignCaseload({{ClientId{"C000003"}, "coach1"}, {ClientId{"C000004"}, "anna"}},
                             {"admin", "2026-12-15T09:00:00"});
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("not a registered coach"), std::string::npos);
  EXPECT_FALSE(store_->AssignCaseload({{ClientId{"C999999"}, "coach1"}}, {"admin", "x"}));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM caseload"), before);
  EXPECT_THROW(store_->session() << "UPDATE caseload SET coach = 'coach2'", soci::soci_error);

  EXPECT_EQ(store_->PasswordHash("coach1").value(), "");
  ASSERT_TRUE(store_->SetPasswordHash({"coach1", "scrypt$x"}, {"admin", "2026-12-15T09:00:00"}));
  EXPECT_EQ(store_->PasswordHash("coach1").value(), "scrypt$x");
  EXPECT_TRUE(store_->FindUser("coach1").value()->has_password);
  EXPECT_FALSE(store_->SetPasswordHash({"nobody", "scrypt$x"}, {"admin", "x"}));
  EXPECT_TRUE(store_->VerifyAuditLog()->problems.empty());
}

// The toeslagen gap through the store: three golden scenarios imported together and run month
// by month, January to July, as the CLI would.
class BridgingStorageTest : public StorageTest {
 protected:
  void ImportScenarios() {
    for (const char* name :
         {"bridging-lump-sum-late", "bridging-holiday-allowance", "bridging-no-mandate"}) {
      auto report = ImportDirectory(SourceDir() + "/fixtures/golden/" + name, *store_, "tester",
                                    "2026-12-01T09:00:00");
      ASSERT_TRUE(report) << name << ": " << report.error().message;
    }
  }
  static constexpr const char* kRuns[][2] = {{"2027-01", "2026-12-22"}, {"2027-02", "2027-01-22"},
                                             {"2027-03", "2027-02-22"}, {"2027-04", "2027-03-22"},
                                             {"2027-05", "2027-04-22"}, {"2027-06", "2027-05-22"},
                                             {"2027-07", "2027-06-22"}};
  CreditPosition Position(const char* client) {
    auto positions = store_->CreditPositions();
    EXPECT_TRUE(positions);
    for (const CreditPosition& p : *positions) {
      if (p.client.value == client) return p;
    }
    ADD_FAILURE() << "no credit for " << client;
    return {};
  }
};

TEST_F(BridgingStorageTest, CreditIsDrawnSetOffAndRecoveredWithTheLedgerBalanced) {
  ImportScenarios();
  for (const auto& run : kRuns) {
    const RunReport report = Run(run[0], run[1]);
    auto ledger = store_->LedgerCheck();
    ASSERT_TRUE(ledger);
    EXPECT_TRUE(ledger->Balanced())
        << run[0] << ": bank " << ledger->bank.ToDecimalString() << " clients "
        << ledger->clients.ToDecimalString() << " bridging " << ledger->bridging.ToDecimalString()
        << " loans " << ledger->loans.ToDecimalString();
    if (std::string(run[0]) == "2027-01") {
      EXPECT_EQ(report.credit_drawn, Money::FromCents(3 * 5000)) << "B2, B3 and C draw 50.00";
    }
  }
  // B2: 250.00 drawn, set off by the lump sum of 3 May. B3: 300.00, set off after relief, in
  // July. C: 150.00, moved to recovery and recovered 50.00 a month. H: 150.00, recovered from
  // the vakantietoeslag.
  const CreditPosition b2 = Position("B2"), b3 = Position("B3"), c = Position("C"),
                       h = Position("H");
  EXPECT_EQ(b2.drawn, Money::FromCents(25000));
  EXPECT_EQ(b2.set_off, Money::FromCents(25000));
  EXPECT_EQ(b3.drawn, Money::FromCents(30000));
  EXPECT_EQ(b3.set_off, Money::FromCents(30000));
  EXPECT_EQ(c.drawn, Money::FromCents(15000));
  EXPECT_EQ(c.recovered, Money::FromCents(15000));
  EXPECT_EQ(h.drawn, Money::FromCents(15000));
  EXPECT_EQ(h.recovered, Money::FromCents(15000));
  for (const CreditPosition& p : {b2, b3, c, h}) {
    EXPECT_EQ(p.Outstanding(), Money::Zero()) << p.client.value;
  }
  // Every receipt processed exactly once; B3's payout after relief went out once.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM processed"), Count("SELECT COUNT(*) FROM receipts"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM payments WHERE end_to_end_id = 'OZ-L-202707-B3' AND "
                  "amount_cents = 180000"),
            1);
}

TEST_F(BridgingStorageTest, RunningAMonthAgainProcessesNoReceiptTwice) {
  ImportScenarios();
  for (const auto& run : kRuns) Run(run[0], run[1]);
  const long long entries = Count("SELECT COUNT(*) FROM entries");
  for (const auto& run : kRuns) {
    const RunReport again = Run(run[0], run[1]);
    EXPECT_EQ(again.run_id, 0) << run[0];
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM entries"), entries);
}

TEST_F(BridgingStorageTest, AWriteOffDecisionIsBookedOnceByTheNextRun) {
  ImportScenarios();
  for (int i = 0; i < 3; ++i) Run(kRuns[i][0], kRuns[i][1]);  // B3 owes 150.00
  auto id = store_->AddWriteOff({"", ClientId{"B3"}, Money::FromCents(4000), "hardship", "coach",
                                 Date::Parse("2027-03-01").value(), std::nullopt},
                                "2027-03-01T10:00:00");
  ASSERT_TRUE(id) << id.error().message;
  EXPECT_EQ(*id, "W1");
  Run(kRuns[3][0], kRuns[3][1]);
  Run(kRuns[3][0], kRuns[3][1]);  // again: nothing more
  EXPECT_EQ(Position("B3").written_off, Money::FromCents(4000));
  EXPECT_EQ(Position("B3").loan, Money::FromCents(15000 - 4000 + 5000));  // April drew 50.00
  auto ledger = store_->LedgerCheck();
  ASSERT_TRUE(ledger);
  EXPECT_TRUE(ledger->Balanced());
}

TEST_F(BridgingStorageTest, ReceiptsAndDecisionsAreAppendOnly) {
  ImportScenarios();
  Run(kRuns[0][0], kRuns[0][1]);
  ASSERT_TRUE(store_->AddWriteOff({"", ClientId{"B2"}, Money::FromCents(100), "r", "coach",
                                   Date::Parse("2027-01-01").value(), std::nullopt},
                                  "2027-01-01T10:00:00"));
  Run(kRuns[1][0], kRuns[1][1]);
  soci::session& sql = store_->session();
  EXPECT_THROW(sql << "UPDATE receipts SET amount_cents = 1", soci::soci_error);
  EXPECT_THROW(sql << "DELETE FROM receipts", soci::soci_error);
  EXPECT_THROW(sql << "UPDATE write_offs SET amount_cents = 1", soci::soci_error);
  EXPECT_THROW(sql << "DELETE FROM processed", soci::soci_error);
  // Write-off requests and their decisions (v11): append-only, one decision per request.
  auto request = store_->AddWriteOffRequest({.client = ClientId{"B2"},
                                             .amount = Money::FromCents(50),
                                             .reason = "r",
                                             .requested_by = "coach",
                                             .requested_at = "2027-01-02T10:00:00"});
  ASSERT_TRUE(request) << request.error().message;
  WriteOffRequest decided{.id = *request, .client = ClientId{"B2"}};
  decided.decision = "rejected";
  decided.decided_by = "anna";
  decided.decided_at = "2027-01-03T10:00:00";
  decided.note = "n";
  ASSERT_TRUE(store_->AddWriteOffDecision(decided));
  decided.decision = "approved";
  EXPECT_FALSE(store_->AddWriteOffDecision(decided)) << "one decision per request";
  EXPECT_THROW(sql << "UPDATE write_off_requests SET amount_cents = 1", soci::soci_error);
  EXPECT_THROW(sql << "DELETE FROM write_off_requests", soci::soci_error);
  EXPECT_THROW(sql << "UPDATE write_off_decisions SET decision = 'approved'", soci::soci_error);
  EXPECT_THROW(sql << "DELETE FROM write_off_decisions", soci::soci_error);
  EXPECT_EQ(store_->WriteOffRequests(ClientId{"B2"})->front().decision, "rejected");
}

// Learning through the store: the golden learners imported and run for six months.
TEST_F(StorageTest, HandOversAreRespectedAndLearningRecordsAreAppendOnly) {
  Config config = DemoConfig(url_);
  auto imported = ImportDirectory(SourceDir() + "/fixtures/golden/learning-six-months", *store_,
                                  "tester", "2026-12-01T09:00:00", &config.competences);
  ASSERT_TRUE(imported) << imported.error().message;
  EXPECT_EQ(imported->added.assessments.size(), 36u);
  const char* runs[][2] = {{"2027-01", "2026-12-20"}, {"2027-02", "2027-01-20"},
                           {"2027-03", "2027-02-20"}, {"2027-04", "2027-03-20"},
                           {"2027-05", "2027-04-20"}, {"2027-06", "2027-05-20"}};
  for (const auto& r : runs) Run(r[0], r[1]);
  // FM pays water herself from April under the safety net: the run never paid it then.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM payments WHERE bill_id = 'WFM'"), 3);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM payments WHERE bill_id = 'WFS'"), 6);  // statutory
  auto cases = store_->LoadCase(ClientId{"FM"}, YearMonth::Parse("2027-06").value());
  ASSERT_TRUE(cases && *cases);
  EXPECT_EQ((*cases)->assessments.size(), 6u);
  EXPECT_EQ((*cases)->hand_overs.size(), 4u);
  EXPECT_EQ((*cases)->confirmations.size(), 2u);
  EXPECT_EQ((*cases)->client.language, "nl");
  EXPECT_EQ((*cases)->assessments.back().levels.Get("water.pays_on_time"), 3);
  auto ledger = store_->LedgerCheck();
  ASSERT_TRUE(ledger);
  EXPECT_TRUE(ledger->Balanced());
  soci::session& sql = store_->session();
  EXPECT_THROW(sql << "UPDATE assessments SET levels = 'overview=3'", soci::soci_error);
  EXPECT_THROW(sql << "DELETE FROM hand_overs", soci::soci_error);
  EXPECT_THROW(sql << "UPDATE confirmations SET paid = 1", soci::soci_error);
}

TEST_F(StorageTest, UniqueKeysRefuseASecondPaymentForTheSameBillAndPeriod) {
  ImportDemo();
  Run("2027-01", "2026-12-14");
  soci::session& sql = store_->session();
  std::string key;
  sql << "SELECT key FROM payments WHERE purpose = 'bill' ORDER BY key LIMIT 1", soci::into(key);
  const auto insert_again = [&](const std::string& statement) { sql << statement, soci::use(key); };
  EXPECT_THROW(insert_again("INSERT INTO entries (key, client_id, month, kind, booked_on, run_id) "
                            "SELECT key, client_id, month, kind, booked_on, run_id FROM entries "
                            "WHERE key = :k"),
               soci::soci_error);
  EXPECT_THROW(insert_again("INSERT INTO payments SELECT * FROM payments WHERE key = :k"),
               soci::soci_error);
}

const Store::FileSettings kFiles{
    .max_per_file = 100, .municipality_code = "GM9999", .format = "pain.001.001.09"};

TEST_F(StorageTest, AnUncommittedMonthLeavesNothing) {
  ImportDemo();
  {
    auto writer =
        store_->BeginMonth({0, YearMonth::Parse("2027-01").value(),
                            Date::Parse("2026-12-14").value(), "2026-12-14T10:00:00", "tester"},
                           kFiles);
    ASSERT_TRUE(writer);
    ClientMonth m;
    m.client = {"C000001"};
    m.entries.push_back(
        MakeTransfer("C000001|benefit|2027-01", {"C000001"}, YearMonth::Parse("2027-01").value(),
                     EntryKind::kBenefitReceived, Date::Parse("2026-12-14").value(),
                     DebitAccount{accounts::ManagedBank()},
                     CreditAccount{accounts::ClientFunds({"C000001"})}, Money::FromCents(100)));
    ASSERT_TRUE((*writer)->Add(m, {}));
  }  // destroyed without Commit(): a crash or an error mid-run
  EXPECT_EQ(Count("SELECT COUNT(*) FROM entries"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM runs"), 0);
}

TEST_F(StorageTest, OpeningBalancesComeFromTheLedger) {
  ImportDemo();
  const YearMonth december = YearMonth::Parse("2026-12").value();
  auto writer = store_->BeginMonth(
      {0, december, Date::Parse("2026-11-14").value(), "2026-11-14T10:00:00", "tester"}, kFiles);
  ASSERT_TRUE(writer);
  ClientMonth m;
  m.client = {"C000002"};
  m.entries.push_back(
      MakeTransfer("C000002|benefit|2026-12", {"C000002"}, december, EntryKind::kBenefitReceived,
                   Date::Parse("2026-11-14").value(), DebitAccount{accounts::ManagedBank()},
                   CreditAccount{accounts::ClientFunds({"C000002"})}, Money::FromCents(12345)));
  ASSERT_TRUE((*writer)->Add(m, {}));
  ASSERT_TRUE((*writer)->Commit({.clients = 1, .payments = 0, .amount = Money::Zero()}));
  std::string last;
  auto cases = store_->LoadCases(YearMonth::Parse("2027-01").value(), "", 3, &last);
  ASSERT_TRUE(cases) << cases.error().message;
  ASSERT_EQ(cases->size(), 3u);
  EXPECT_EQ((*cases)[0].opening_balance, Money::Zero());
  EXPECT_EQ((*cases)[1].client.id.value, "C000002");
  EXPECT_EQ((*cases)[1].opening_balance, Money::FromCents(12345));
  EXPECT_TRUE((*cases)[1].booked_keys.empty()) << "December's keys are not January's";
  EXPECT_EQ(last, "C000003");
}

// ReadAhead itself: items in order; the reader's error after the items before it; an exception
// of `use` reaches the caller after the reader has stopped (no thread left running).
TEST(ReadAheadTest, HandsItemsOverInOrderAndStopsOnEveryKindOfEnd) {
  int reads = 0;
  std::vector<int> used;
  const auto count_to_four = [&]() -> Result<std::optional<int>, Error> {
    if (++reads > 4) return std::optional<int>();
    return std::optional<int>(reads);
  };
  const auto keep = [&](int& i) -> Status<Error> {
    used.push_back(i);
    return {};
  };
  ASSERT_TRUE(ReadAhead<int>(count_to_four, keep));
  EXPECT_EQ(used, (std::vector<int>{1, 2, 3, 4}));
  reads = 0;
  used.clear();
  auto failed = ReadAhead<int>(
      [&]() -> Result<std::optional<int>, Error> {
        if (++reads == 3) return Fail(ErrorCode::kStorage, "disk gone");
        return std::optional<int>(reads);
      },
      keep);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().message, "disk gone");
  EXPECT_EQ(used, (std::vector<int>{1, 2}));
  reads = 0;
  EXPECT_THROW((void)ReadAhead<int>(count_to_four,
                                    [](int& i) -> Status<Error> {
                                      if (i == 2) throw std::runtime_error("use failed");
                                      return {};
                                    }),
               std::runtime_error);
  EXPECT_LE(reads, 3) << "at most one item is read ahead of the one in use";
}

// The run reads its cases a chunk ahead on a second connection (issue 18) while its own holds
// the write lock: that connection sees every case as the run's own connection would, in order,
// each once, and it stops when the run stops.
TEST_F(StorageTest, ReadingAheadOnASecondConnectionSeesWhatTheRunsConnectionSees) {
  ImportDemo();
  Run("2027-01", "2026-12-14");  // balances, booked keys, held bills and receipts to read
  const YearMonth february = YearMonth::Parse("2027-02").value();
  auto writer = store_->BeginMonth(
      {0, february, Date::Parse("2027-01-14").value(), "2027-01-14T10:00:00", "tester"}, kFiles);
  ASSERT_TRUE(writer) << writer.error().message;
  const auto describe = [](const ClientCase& c) {
    return c.client.id.value + " balance " + std::to_string(c.opening_balance.cents()) + " loan " +
           std::to_string(c.credit.loan.cents()) + " reserved " +
           std::to_string(c.reserved.cents()) + " bills " + std::to_string(c.bills.size()) +
           " receipts " + std::to_string(c.receipts.size()) + " assessments " +
           std::to_string(c.assessments.size()) + " held " + std::to_string(c.held.size());
  };
  std::vector<std::string> inline_seen, ahead_seen;
  ASSERT_TRUE(store_->ForEachCase(february, 5, [&](ClientCase& c) -> Status<Error> {
    inline_seen.push_back(describe(c));
    return {};
  }));
  auto ahead = store_->ForEachCaseReadAhead(february, 5, [&](ClientCase& c) -> Status<Error> {
    ahead_seen.push_back(describe(c));
    return {};
  });
  ASSERT_TRUE(ahead) << ahead.error().message;
  ASSERT_EQ(inline_seen.size(), static_cast<size_t>(Count("SELECT COUNT(*) FROM plans")));
  EXPECT_EQ(ahead_seen, inline_seen);
  // The first error of `use` ends the reading: it is returned, and no later case is handed over.
  int handed = 0;
  auto stopped = store_->ForEachCaseReadAhead(february, 5, [&](ClientCase&) -> Status<Error> {
    if (++handed == 7) return Fail(ErrorCode::kBadInput, "stop here");
    return {};
  });
  ASSERT_FALSE(stopped);
  EXPECT_EQ(stopped.error().message, "stop here");
  EXPECT_EQ(handed, 7);
}

TEST_F(StorageTest, AMonthWithoutBijstandIsRefusedWhileClientsAreInRelief) {
  // single-new-year records bijstand for January only; its client is in relief until May.
  ASSERT_TRUE(ImportDirectory(SourceDir() + "/fixtures/golden/single-new-year", *store_));
  Config config = DemoConfig(url_);
  RunOptions o{YearMonth::Parse("2027-02").value(),
               Date::Parse("2027-01-14").value(),
               dir_ / "out",
               "tester",
               "2027-01-14T10:00:00",
               100,
               {}};
  auto report = RunMonth(config, *store_, o);
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, ErrorCode::kBadInput);
  EXPECT_NE(report.error().message.find("no bijstand amounts are imported for 2027-02 (1 clients "
                                        "are in relief)"),
            std::string::npos)
      << report.error().message;
  EXPECT_EQ(Count("SELECT COUNT(*) FROM runs"), 0);
  // A month nobody is in relief in books nothing and records no run.
  o.month = YearMonth::Parse("2030-01").value();
  o.run_date = Date::Parse("2029-12-14").value();
  o.started_at = "2029-12-14T10:00:00";
  auto empty = RunMonth(config, *store_, o);
  ASSERT_TRUE(empty) << empty.error().message;
  EXPECT_EQ(empty->run_id, 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM runs"), 0);
}

// Reproduction (issue 15): `run --month 2047-01 --run-date 2046-12-14` booked a month twenty
// years ahead and exported a file with execution date 2046-12-28.
TEST_F(StorageTest, AMonthOrRunDateTooFarAheadOfTodayIsRefused) {
  ImportDemo();
  Config config = DemoConfig(url_);
  RunOptions o{YearMonth::Parse("2047-01").value(),
               Date::Parse("2046-12-14").value(),
               dir_ / "out",
               "tester",
               "2026-12-02T10:00:00",
               100,
               {}};
  auto report = RunMonth(config, *store_, o);
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, ErrorCode::kBadInput);
  EXPECT_NE(report.error().message.find("more than 2 months ahead of today (2026-12-02)"),
            std::string::npos)
      << report.error().message;
  // Two months ahead may be run; three not; nor a near month on a far run date.
  o.month = YearMonth::Parse("2027-03").value();
  o.run_date = Date::Parse("2027-02-15").value();
  EXPECT_FALSE(RunMonth(config, *store_, o));
  o.month = YearMonth::Parse("2027-01").value();
  o.run_date = Date::Parse("2027-12-14").value();
  EXPECT_FALSE(RunMonth(config, *store_, o));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM runs"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM entries"), 0);
  o.month = YearMonth::Parse("2027-02").value();
  o.run_date = Date::Parse("2027-01-14").value();
  auto near = RunMonth(config, *store_, o);
  EXPECT_TRUE(near) << near.error().message;
}

TEST_F(StorageTest, MissingSchemaFolderIsReportedBeforeAnythingIsBooked) {
  ImportDemo();
  Config config = DemoConfig(url_);
  config.sepa.schema_dir = dir_ / "no-such-folder";
  RunOptions o{YearMonth::Parse("2027-01").value(),
               Date::Parse("2026-12-14").value(),
               dir_ / "out",
               "tester",
               "2026-12-14T10:00:00",
               100,
               {}};
  auto report = RunMonth(config, *store_, o);
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, ErrorCode::kBadConfig);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM entries"), 0);
}

}  // namespace
}  // namespace ontzorg

int main(int argc, char** argv) {
  return ontzorg::testing_support::RunOnBackend(argc, argv, &ontzorg::g_backend);
}
