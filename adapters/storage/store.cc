#include "adapters/storage/store.h"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <filesystem>

#include "adapters/storage/row_codec.h"
#include "adapters/storage/schema.h"

namespace ontzorg {
namespace {

bool IsPostgresUrl(const std::string& url) {
  return url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0 ||
         url.find("dbname=") != std::string::npos || url.find("host=") != std::string::npos;
}

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
  const int version = store->SchemaVersion();
  if (version < static_cast<int>(Migrations().size())) {
    return Fail(ErrorCode::kNoStore, "store " + url + " has schema version " +
                                         std::to_string(version) + ", this program needs " +
                                         std::to_string(Migrations().size()) +
                                         ": run `ontzorg init` to migrate");
  }
  return store;
}

Result<std::unique_ptr<Store>, Error> Store::Init(const std::string& url) {
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
      if (m.version <= current) continue;
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
  return std::unique_ptr<Store>(new Store(std::move(sql).value(), backend));
}

int Store::SchemaVersion() {
  long long v = 0;
  soci::indicator ind = soci::i_ok;
  *sql_ << "SELECT MAX(version) FROM schema_migrations", soci::into(v, ind);
  return ind == soci::i_null ? 0 : static_cast<int>(v);
}

Result<std::map<CreditorId, Creditor>, Error> Store::LoadCreditors() {
  try {
    std::map<CreditorId, Creditor> out;
    soci::rowset<soci::row> rows =
        (sql_->prepare << "SELECT " << kCreditorColumns << " FROM creditors");
    for (const soci::row& r : rows) {
      Creditor c = DecodeCreditor(r, 0);
      out.emplace(c.id, std::move(c));
    }
    return out;
  } catch (const std::exception& e) {
    return StorageFail("cannot read creditors", e);
  }
}

Result<int64_t, Error> Store::CountBenefits(YearMonth month) {
  try {
    long long n = 0;
    // A named string: SOCI runs a one-shot statement at the end of the full expression, after a
    // temporary bound with use() would already be gone (found by AddressSanitizer).
    const std::string m = month.ToString();
    *sql_ << "SELECT COUNT(*) FROM benefits WHERE month = :m", soci::use(m), soci::into(n);
    return static_cast<int64_t>(n);
  } catch (const std::exception& e) {
    return StorageFail("cannot read benefits", e);
  }
}

Result<int64_t, Error> Store::CountClients() {
  try {
    long long n = 0;
    *sql_ << "SELECT COUNT(*) FROM clients", soci::into(n);
    return static_cast<int64_t>(n);
  } catch (const std::exception& e) {
    return StorageFail("cannot read clients", e);
  }
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

Result<LedgerTotals, Error> Store::LedgerCheck() {
  try {
    // Per account: credits minus debits; assets (the bank, loans, grants) are negated.
    soci::rowset<soci::row> rows =
        (sql_->prepare << "SELECT account, SUM(amount_cents) FROM ("
                          "SELECT credit_account AS account, amount_cents FROM entries UNION ALL "
                          "SELECT debit_account, -amount_cents FROM entries) t GROUP BY account");
    LedgerTotals totals;
    bool first_client = true, first_loan = true;
    const auto starts = [](const Account& a, const char* prefix) {
      return a.value.rfind(prefix, 0) == 0;
    };
    for (const soci::row& r : rows) {
      const Account account{GetText(r, 0)};
      const Money balance = Money::FromCents(GetInt(r, 1));
      if (account == accounts::ManagedBank()) {
        totals.bank = -balance;
      } else if (starts(account, "client:")) {
        totals.clients += balance;
        if (first_client || balance < totals.lowest_client) totals.lowest_client = balance;
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
    }
    return totals;
  } catch (const std::exception& e) {
    return StorageFail("cannot check the ledger", e);
  }
}

Result<std::map<YearMonth, Money>, Error> Store::Benefits(const ClientId& client) {
  try {
    std::map<YearMonth, Money> out;
    soci::rowset<soci::row> rows =
        (sql_->prepare << "SELECT month, amount_cents FROM benefits WHERE client_id = :c",
         soci::use(client.value));
    for (const soci::row& r : rows) out[GetMonth(r, 0)] = Money::FromCents(GetInt(r, 1));
    return out;
  } catch (const std::exception& e) {
    return StorageFail("cannot read the bijstand amounts", e);
  }
}

Result<std::string, Error> Store::AddWriteOff(const WriteOff& w, const std::string& recorded_at) {
  try {
    soci::transaction tx(*sql_);
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
    tx.commit();
    return id;
  } catch (const std::exception& e) {
    return StorageFail("write-off not recorded (nothing changed)", e);
  }
}

Result<std::vector<WriteOff>, Error> Store::WriteOffs(const ClientId& client) {
  try {
    std::vector<WriteOff> out;
    soci::rowset<soci::row> rows =
        (sql_->prepare << "SELECT w.id, w.client_id, w.amount_cents, w.reason, w.decided_by, "
                          "w.decided_on, p.month FROM write_offs w LEFT JOIN processed p ON "
                          "p.item = 'write_off:' || w.id WHERE w.client_id = :c ORDER BY w.id",
         soci::use(client.value));
    for (const soci::row& r : rows) {
      out.push_back(DecodeWriteOff(r, 0));
      out.back().processed_in = GetOptMonth(r, 6);
    }
    return out;
  } catch (const std::exception& e) {
    return StorageFail("cannot read the write-offs", e);
  }
}

Result<std::vector<Entry>, Error> Store::ClientEntries(const ClientId& client) {
  try {
    std::vector<Entry> out;
    soci::rowset<soci::row> rows =
        (sql_->prepare << "SELECT key, client_id, month, kind, booked_on, debit_account, "
                          "credit_account, amount_cents FROM entries WHERE client_id = :c "
                          "ORDER BY run_id, month, key",
         soci::use(client.value));
    for (const soci::row& r : rows) {
      const auto kind = ParseEntryKind(GetText(r, 3));
      if (!kind) throw std::runtime_error("stored entry kind is corrupt: " + GetText(r, 3));
      out.push_back(MakeTransfer(GetText(r, 0), ClientId{GetText(r, 1)}, GetMonth(r, 2), *kind,
                                 GetDate(r, 4), DebitAccount{Account{GetText(r, 5)}},
                                 CreditAccount{Account{GetText(r, 6)}},
                                 Money::FromCents(GetInt(r, 7))));
    }
    return out;
  } catch (const std::exception& e) {
    return StorageFail("cannot read the client's ledger", e);
  }
}

Result<std::vector<CreditPosition>, Error> Store::CreditPositions() {
  try {
    // The municipality's leg of each credit entry names the event once: drawn (debt recorded),
    // set off / recovered / written off (debt cleared), granted (gift recorded).
    soci::rowset<soci::row> rows =
        (sql_->prepare << "SELECT e.client_id, c.name, e.kind, e.debit_account, e.credit_account, "
                          "SUM(e.amount_cents) FROM entries e JOIN clients c ON c.id = e.client_id "
                          "WHERE e.debit_account LIKE 'municipality:%' OR e.credit_account LIKE "
                          "'municipality:%' OR e.kind = 'credit_to_recover' "
                          "GROUP BY e.client_id, c.name, e.kind, e.debit_account, e.credit_account "
                          "ORDER BY e.client_id");
    std::vector<CreditPosition> out;
    for (const soci::row& r : rows) {
      const ClientId client{GetText(r, 0)};
      if (out.empty() || out.back().client != client) {
        out.emplace_back();
        out.back().client = client;
        out.back().name = GetText(r, 1);
      }
      CreditPosition& p = out.back();
      const auto kind = ParseEntryKind(GetText(r, 2));
      const Account debit{GetText(r, 3)}, credit{GetText(r, 4)};
      const Money amount = Money::FromCents(GetInt(r, 5));
      if (!kind) continue;
      // Balances: loan:<id> and recovery:<id> as assets.
      if (debit == accounts::Loan(client)) p.loan += amount;
      if (credit == accounts::Loan(client)) p.loan -= amount;
      if (debit == accounts::Recovery(client)) p.to_recover += amount;
      if (credit == accounts::Recovery(client)) p.to_recover -= amount;
      switch (*kind) {
        case EntryKind::kCreditDrawn: p.drawn += amount; break;
        case EntryKind::kCreditSetOff: p.set_off += amount; break;
        case EntryKind::kCreditRecovered: p.recovered += amount; break;
        case EntryKind::kCreditWrittenOff: p.written_off += amount; break;
        case EntryKind::kGiftGranted: p.granted += amount; break;
        default: break;
      }
    }
    return out;
  } catch (const std::exception& e) {
    return StorageFail("cannot read the credit positions", e);
  }
}

}  // namespace ontzorg
