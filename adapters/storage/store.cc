#include "adapters/storage/store.h"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <filesystem>
#include <stdexcept>

#include "adapters/storage/query.h"
#include "adapters/storage/row_codec.h"
#include "adapters/storage/schema.h"
#include "adapters/storage/transaction.h"
#include "adapters/storage/versions.h"
#include "engine/invariant.h"

namespace ontzorg {

bool IsPostgresUrl(const std::string& url) {
  return url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0 ||
         url.find("dbname=") != std::string::npos || url.find("host=") != std::string::npos;
}

namespace {

Unexpected<Error> StorageFail(const std::string& what, const std::exception& e) {
  return Fail(ErrorCode::kStorage, what + ": " + e.what());
}

Result<std::unique_ptr<soci::session>, Error> Connect(const std::string& url, Backend* backend) {
  try {
    if (IsPostgresUrl(url)) {
      *backend = Backend::kPostgresql;
      return std::make_unique<soci::session>(soci::postgresql, url);
    }
    *backend = Backend::kSqlite;
    auto sql = std::make_unique<soci::session>(soci::sqlite3, "db=" + url + " timeout=30");
    *sql << "PRAGMA foreign_keys = ON";
    *sql << "PRAGMA journal_mode = WAL";
    *sql << "PRAGMA synchronous = FULL";
    // A fixed 64 MiB page cache: a month touches several indexes at once, and the default 2 MiB
    // makes SQLite re-read pages it just wrote. Memory stays flat in the number of clients.
    *sql << "PRAGMA cache_size = -65536";
    return sql;
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kNoStore, "cannot open store " + url + ": " + e.what());
  }
}

bool HasSchema(soci::session& sql, Backend backend) {
  int n = 0;
  if (backend == Backend::kSqlite) {
    sql << "SELECT COUNT(*) FROM sqlite_master WHERE type='table' AND name='schema_migrations'",
        soci::into(n);
  } else {
    sql << "SELECT COUNT(*) FROM information_schema.tables WHERE table_name='schema_migrations'",
        soci::into(n);
  }
  return n > 0;
}

}  // namespace

Store::Store(std::unique_ptr<soci::session> sql, Backend backend)
    : sql_(std::move(sql)), backend_(backend) {}
Store::~Store() = default;

Result<std::unique_ptr<Store>, Error> Store::Open(const std::string& url) {
  if (!IsPostgresUrl(url) && !std::filesystem::exists(url)) {
    return Fail(ErrorCode::kNoStore,
                "store " + url + " does not exist: create it with `ontzorg init` first");
  }
  Backend backend = Backend::kSqlite;
  auto sql = Connect(url, &backend);
  if (!sql) return Unexpected(sql.error());
  try {
    if (!HasSchema(**sql, backend)) {
      return Fail(ErrorCode::kNoStore,
                  "store " + url + " has no ontzorg schema: run `ontzorg init` first");
    }
  } catch (const std::exception& e) {
    return StorageFail("cannot read store " + url, e);
  }
  auto store = std::unique_ptr<Store>(new Store(std::move(sql).value(), backend));
  store->url_ = url;
  const int version = store->SchemaVersion();
  if (version < static_cast<int>(Migrations().size())) {
    return Fail(ErrorCode::kNoStore, "store " + url + " has schema version " +
                                         std::to_string(version) + ", this program needs " +
                                         std::to_string(Migrations().size()) +
                                         ": run `ontzorg init` to migrate");
  }
  return store;
}

Result<std::unique_ptr<Store>, Error> Store::OpenSnapshot() const {
  Backend backend = backend_;
  auto sql = Connect(url_, &backend);
  if (!sql) return Unexpected(sql.error());
  try {
    soci::session& s = **sql;
    if (backend == Backend::kSqlite) {
      s << "PRAGMA cache_size = -8192";  // it reads each page once: a small cache will do
      s << "BEGIN";                      // WAL: readers never wait for the writer
    } else {
      s << "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
    }
    int version = 0;  // the snapshot is taken by the first read, now
    s << "SELECT COUNT(*) FROM schema_migrations", soci::into(version);
  } catch (const std::exception& e) {
    return StorageFail("cannot open a second connection to the store", e);
  }
  auto store = std::unique_ptr<Store>(new Store(std::move(sql).value(), backend));
  store->url_ = url_;
  store->scopes_ = scopes_;
  return store;
}

Result<std::unique_ptr<Store>, Error> Store::Init(const std::string& url) {
  return InitThrough(url, Migrations().back().version);
}

Result<std::unique_ptr<Store>, Error> Store::InitThrough(const std::string& url, int version) {
  if (!IsPostgresUrl(url)) {
    const auto parent = std::filesystem::path(url).parent_path();
    std::error_code ec;
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  }
  Backend backend = Backend::kSqlite;
  auto sql = Connect(url, &backend);
  if (!sql) return Unexpected(sql.error());
  soci::session& s = **sql;
  try {
    if (!HasSchema(s, backend)) {
      s << "CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL)";
    }
    long long current = 0;
    soci::indicator ind = soci::i_ok;
    s << "SELECT MAX(version) FROM schema_migrations", soci::into(current, ind);
    if (ind == soci::i_null) current = 0;
    for (const Migration& m : Migrations()) {
      if (m.version <= current || m.version > version) continue;
      soci::transaction tx(s);
      for (const auto& stmt : m.common) s << stmt;
      for (const auto& stmt : backend == Backend::kSqlite ? m.sqlite_only : m.postgresql_only) {
        s << stmt;
      }
      s << "INSERT INTO schema_migrations (version, description) VALUES (:v, :d)",
          soci::use(m.version), soci::use(m.description);
      tx.commit();
    }
  } catch (const std::exception& e) {
    return StorageFail("cannot migrate store " + url, e);
  }
  auto store = std::unique_ptr<Store>(new Store(std::move(sql).value(), backend));
  store->url_ = url;
  return store;
}

int Store::SchemaVersion() {
  long long v = 0;
  soci::indicator ind = soci::i_ok;
  *sql_ << "SELECT MAX(version) FROM schema_migrations", soci::into(v, ind);
  return ind == soci::i_null ? 0 : static_cast<int>(v);
}

Result<int64_t, Error> Store::Generation() {
  return Read("cannot read the store's change counter",
              [&] { return Count(*sql_, "SELECT value FROM counters WHERE name = 'generation'"); });
}

Result<std::map<CreditorId, Creditor>, Error> Store::LoadCreditors(std::optional<YearMonth> month) {
  return Read("cannot read creditors", [&] {
    std::vector<Creditor> rows =
        Rows(*sql_, "SELECT " + CreditorColumns().Select() + " FROM creditors",
             [&](const StoredRow& r) { return CreditorColumns().Decode(r); });
    ApplyVersions(rows, AllVersions(*sql_, "creditor_versions", CreditorColumns()), month,
                  [](const Creditor& c) { return c.id.value; });
    std::map<CreditorId, Creditor> out;
    for (Creditor& c : rows) out.emplace(c.id, std::move(c));
    return out;
  });
}

Result<int64_t, Error> Store::CountBenefits(YearMonth month) {
  return Read("cannot read benefits", [&] {
    // A named string: parameters are bound by reference and must outlive the statement (a
    // temporary was gone before SOCI read it: found by AddressSanitizer).
    const std::string m = month.ToString();
    return Count(*sql_,
                 "SELECT COUNT(*) FROM benefits b JOIN clients c ON c.id = b.client_id WHERE "
                 "b.month = :m AND " +
                     ScopeClause("c.municipality_id"),
                 m);
  });
}

Result<int64_t, Error> Store::CountClients() {
  return Read("cannot read clients", [&] {
    return Count(*sql_, "SELECT COUNT(*) FROM clients WHERE " + ScopeClause("municipality_id"));
  });
}

Result<std::optional<RunRecord>, Error> Store::LatestRun() {
  auto runs = Runs(std::nullopt);
  if (!runs) return Unexpected(runs.error());
  std::optional<RunRecord> latest;
  for (const RunRecord& r : *runs) {
    if (!latest || latest->month < r.month) latest = r;
  }
  return latest;
}

Result<std::optional<StatementBalance>, Error> Store::LatestBalance(const std::string& account) {
  return Read("cannot read the statement balances", [&] {
    return FirstRow(
        *sql_,
        "SELECT file_id, statement_id, booked_on, amount_cents FROM statement_balances WHERE "
        "account = :a ORDER BY booked_on DESC, file_id DESC LIMIT 1",
        [&](const StoredRow& r) {
          return StatementBalance{.account = account,
                                  .statement_id = GetText(r, 1),
                                  .booked_on = Date::Parse(GetText(r, 2)).value(),
                                  .amount = Money::FromCents(GetInt(r, 3)),
                                  .file_id = GetInt(r, 0)};
        },
        account);
  });
}

Result<LedgerTotals, Error> Store::LedgerCheck() {
  return Read("cannot check the ledger", [&] {
    LedgerTotals totals;
    bool first_client = true, first_loan = true;
    const auto starts = [](const Account& a, const char* prefix) {
      return a.value.rfind(prefix, 0) == 0;
    };
    // Per account: credits minus debits; assets (the bank, loans, grants) are negated. Scoped to
    // municipalities (issue 20), the entries of their clients: every entry is booked on one
    // client, so each municipality's ledger balances on its own.
    const std::string scope = ScopeClient("client_id");
    ForEachRow(*sql_,
               "SELECT account, SUM(amount_cents) FROM (SELECT credit_account AS account, "
               "amount_cents FROM entries WHERE " +
                   scope + " UNION ALL SELECT debit_account, -amount_cents FROM entries WHERE " +
                   scope + ") t GROUP BY account",
               [&](const StoredRow& r) {
                 const Account account{GetText(r, 0)};
                 const Money balance = GetMoney(r, 1);
                 if (account == accounts::ManagedBank()) {
                   totals.bank = -balance;
                 } else if (starts(account, "client:")) {
                   totals.clients += balance;
                   if (first_client || balance < totals.lowest_client) {
                     totals.lowest_client = balance;
                   }
                   first_client = false;
                 } else if (starts(account, "loan:") || starts(account, "recovery:")) {
                   totals.loans -= balance;
                   if (first_loan || -balance < totals.lowest_loan) totals.lowest_loan = -balance;
                   first_loan = false;
                 } else if (starts(account, "grant:")) {
                   totals.grants -= balance;
                 } else if (account == accounts::MunicipalityBridging()) {
                   totals.bridging = balance;
                 } else if (account == accounts::MunicipalitySpecialAssistance()) {
                   totals.special_assistance = balance;
                 }
               });
    return totals;
  });
}

Result<std::map<YearMonth, Money>, Error> Store::Benefits(const ClientId& client) {
  return Read("cannot read the bijstand amounts", [&] {
    std::map<YearMonth, Money> out;
    ForEachRow(
        *sql_, "SELECT month, amount_cents FROM benefits WHERE client_id = :c",
        [&](const StoredRow& r) { out[GetMonth(r, 0)] = GetMoney(r, 1); }, client.value);
    return out;
  });
}

Result<std::string, Error> Store::AddWriteOff(const WriteOff& w, const std::string& recorded_at) {
  try {
    WriteTransaction tx(*this);
    const std::string counter = "write_off";
    *sql_ << "UPDATE counters SET value = value + 1 WHERE name = :n", soci::use(counter);
    long long n = 0;
    *sql_ << "SELECT value FROM counters WHERE name = :n", soci::use(counter), soci::into(n);
    const std::string id = "W" + std::to_string(n);
    const long long cents = w.amount.cents();
    const std::string decided_on = w.decided_on.ToString();
    *sql_ << "INSERT INTO write_offs (id, client_id, amount_cents, reason, decided_by, "
             "decided_on, recorded_at) VALUES (:i, :c, :a, :r, :b, :d, :t)",
        soci::use(id), soci::use(w.client.value), soci::use(cents), soci::use(w.reason),
        soci::use(w.decided_by), soci::use(decided_on), soci::use(recorded_at);
    tx.Commit();
    return id;
  } catch (const std::exception& e) {
    return WriteFailed("write-off not recorded (nothing changed)", e);
  }
}

Result<std::vector<WriteOff>, Error> Store::WriteOffs(const ClientId& client) {
  return Read("cannot read the write-offs", [&] {
    return Rows(*sql_,
                "SELECT " + WriteOffColumns().Select("w") +
                    ", p.month FROM write_offs w LEFT JOIN processed p ON p.item = 'write_off:' || "
                    "w.id WHERE w.client_id = :c ORDER BY w.id",
                DecodeWriteOffProcessed, client.value);
  });
}

Result<std::vector<Entry>, Error> Store::ClientEntries(const ClientId& client) {
  return Read("cannot read the client's ledger", [&] {
    return Rows(
        *sql_,
        "SELECT " + EntryColumns().Select() +
            " FROM entries WHERE client_id = :c ORDER BY run_id, month, key",
        [](const StoredRow& r) { return LoadEntry(r, 0); }, client.value);
  });
}

namespace {

// Adds one grouped row (kind, debit, credit, amount) of a client's credit entries to `p`.
void AddCreditRow(const ClientId& client, EntryKind kind, const DebitAccount& debit_side,
                  const CreditAccount& credit_side, Money amount, CreditPosition* p) {
  const Account &debit = debit_side.account, &credit = credit_side.account;
  // Balances: loan:<id> and recovery:<id> as assets.
  if (debit == accounts::Loan(client)) p->loan += amount;
  if (credit == accounts::Loan(client)) p->loan -= amount;
  if (debit == accounts::Recovery(client)) p->to_recover += amount;
  if (credit == accounts::Recovery(client)) p->to_recover -= amount;
  switch (kind) {
    case EntryKind::kCreditDrawn: p->drawn += amount; break;
    case EntryKind::kCreditSetOff: p->set_off += amount; break;
    case EntryKind::kCreditRecovered: p->recovered += amount; break;
    case EntryKind::kCreditWrittenOff: p->written_off += amount; break;
    case EntryKind::kGiftGranted: p->granted += amount; break;
    default: break;
  }
}

}  // namespace

Result<std::vector<CreditPosition>, Error> Store::CreditPositions() {
  return Read("cannot read the credit positions", [&] {
    std::vector<CreditPosition> out;
    // The municipality's leg of each credit entry names the event once: drawn (debt recorded),
    // set off / recovered / written off (debt cleared), granted (gift recorded).
    ForEachRow(*sql_,
               "SELECT e.client_id, c.name, e.kind, e.debit_account, e.credit_account, "
               "SUM(e.amount_cents) FROM entries e JOIN clients c ON c.id = e.client_id WHERE "
               "(e.debit_account LIKE 'municipality:%' OR e.credit_account LIKE 'municipality:%' "
               "OR e.kind = 'credit_to_recover') AND " +
                   ScopeClause("c.municipality_id") +
                   " GROUP BY e.client_id, c.name, e.kind, e.debit_account, e.credit_account ORDER "
                   "BY e.client_id",
               [&](const StoredRow& r) {
                 const ClientId client{GetText(r, 0)};
                 if (out.empty() || out.back().client != client) {
                   out.push_back(CreditPosition{.client = client, .name = GetText(r, 1)});
                 }
                 const auto kind = ParseEntryKind(GetText(r, 2));
                 if (!kind) throw std::runtime_error("stored entry kind is corrupt");
                 AddCreditRow(client, *kind, DebitAccount{Account{GetText(r, 3)}},
                              CreditAccount{Account{GetText(r, 4)}}, GetMoney(r, 5), &out.back());
               });
    // The pair of the month's invariant: credit balances are never negative.
    for (const CreditPosition& p : out) {
      OZ_INVARIANT(!p.loan.IsNegative() && !p.to_recover.IsNegative(),
                   "stored credit balances are never negative");
    }
    return out;
  });
}

}  // namespace ontzorg
