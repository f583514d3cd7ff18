#include "adapters/storage/store.h"

#include <filesystem>

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

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
    soci::rowset<soci::row> rows = (sql_->prepare << "SELECT " << kCreditorColumns
                                                   << " FROM creditors");
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

Result<LedgerTotals, Error> Store::LedgerCheck() {
  try {
    // Per account: credits minus debits. The bank account's is negated (an asset).
    soci::rowset<soci::row> rows =
        (sql_->prepare << "SELECT account, SUM(amount_cents) FROM ("
                          "SELECT credit_account AS account, amount_cents FROM entries UNION ALL "
                          "SELECT debit_account, -amount_cents FROM entries) t GROUP BY account");
    LedgerTotals totals;
    bool first_client = true;
    for (const soci::row& r : rows) {
      const std::string account = GetText(r, 0);
      const Money balance = Money::FromCents(GetInt(r, 1));
      if (account == accounts::ManagedBank()) {
        totals.bank = -balance;
      } else if (account.rfind("client:", 0) == 0) {
        totals.clients += balance;
        if (first_client || balance < totals.lowest_client) totals.lowest_client = balance;
        first_client = false;
      }
    }
    return totals;
  } catch (const std::exception& e) {
    return StorageFail("cannot check the ledger", e);
  }
}

}  // namespace ontzorg
