// The store: one schema for SQLite (the embedded default) and PostgreSQL (production), reached
// through SOCI with the same SQL. Versioned migrations; the ledger tables are append-only
// (database triggers refuse UPDATE and DELETE); unique keys back every idempotency key.
#ifndef ONTZORG_ADAPTERS_STORAGE_STORE_H_
#define ONTZORG_ADAPTERS_STORAGE_STORE_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "adapters/error.h"
#include "engine/lifecycle.h"
#include "engine/month.h"
#include "engine/relief.h"
#include "engine/versions.h"

namespace soci {
class session;
}

namespace ontzorg {

enum class Backend { kSqlite, kPostgresql };

// Who acts, and when ("YYYY-MM-DDThh:mm:ss"): recorded with every change.
struct Actor {
  std::string user;
  std::string at;
};

// Rows for one import, all inserted in one transaction or none.
struct ImportBatch {
  std::vector<Creditor> creditors;
  std::vector<Client> clients;
  std::vector<ReliefPlan> plans;
  std::vector<Bill> bills;
  struct Benefit {
    ClientId client;
    YearMonth month;
    Money amount;
  };
  std::vector<Benefit> benefits;
  std::vector<ToeslagExpectation> toeslagen;       // keyed by client and kind
  std::vector<Receipt> receipts;                   // keyed by id
  std::vector<Assessment> assessments;             // keyed by id
  std::vector<HandOverDecision> hand_overs;        // keyed by id
  std::vector<PaymentConfirmation> confirmations;  // keyed by bill and period
  std::vector<DirectDebitRecord> direct_debits;    // history: identical rows skipped
  // Changes to stored records from a month on (issue 16): loaded with the stored rows they
  // change, inserted with the new ones.
  struct Changes {
    std::vector<Version<Creditor>> creditors;
    std::vector<Version<Client>> clients;
    std::vector<Version<ReliefPlan>> plans;
    std::vector<Version<Bill>> bills;
    std::vector<Version<ToeslagExpectation>> toeslagen;
    std::vector<BenefitVersion> benefits;
    bool empty() const {
      return creditors.empty() && clients.empty() && plans.empty() && bills.empty() &&
             toeslagen.empty() && benefits.empty();
    }
    size_t size() const {
      return creditors.size() + clients.size() + plans.size() + bills.size() + toeslagen.size() +
             benefits.size();
    }
    // Adds `more`'s changes after these (an import read in parts collects its parts').
    void Append(Changes&& more);
  } versions;
  // The latest month whose monthly batch was exported (loaded only): changes from it or earlier
  // are refused, an exported month is never rewritten.
  std::optional<YearMonth> exported_through;
  std::string recorded_by = "import";  // who recorded the receipts and changes, and when
  std::string recorded_at;
  // The municipality the import's new clients belong to (issue 20; 0: the store's scope, or 1 when
  // unscoped), and (loaded only) the stored clients of other municipalities with their
  // municipality's code: rows naming one are refused.
  int64_t municipality = 0;
  std::map<std::string, std::string> clients_elsewhere;
};

// How many rows of each kind an import added, and whose they were: what its summary and its
// audit row say. An import read in parts (issue 18) adds up its parts' counts.
struct ImportCounts {
  size_t creditors = 0, clients = 0, plans = 0, bills = 0, benefits = 0, toeslagen = 0,
         receipts = 0, assessments = 0, hand_overs = 0, confirmations = 0, direct_debits = 0,
         changes = 0;
  // Rows of one client only (a receipt or a change typed on a client's page): that client, whose
  // record the audit row then names. "" for none or several.
  std::string only_client;
  bool beyond_one_client = false;  // rows of several clients, or of records not a client's own

  static ImportCounts Of(const ImportBatch& batch);
  ImportCounts& operator+=(const ImportCounts& part);
  bool empty() const;
};

// A municipality (tenant, issue 20): its code and its settings, each version from a month on.
struct MunicipalityVersion {
  int64_t seq = 0;
  std::string valid_from;  // "YYYY-MM"; "" from the start
  std::string settings;    // its sections of the configuration, as TOML text
  std::string recorded_at, recorded_by, reason;
};
struct MunicipalityRecord {
  int64_t id = 0;
  std::string code;  // CBS code, e.g. "GM0363"; starts every MsgId of its batches
  std::string added_at, added_by;
  std::vector<MunicipalityVersion> versions;  // in the order they were recorded
};

// A client's bridging credit as the ledger holds it, for reports and the CSV export.
struct CreditPosition {
  ClientId client;
  std::string name;
  Money drawn, set_off, recovered, written_off, granted;  // totals over all runs
  Money loan, to_recover;                                 // outstanding now
  Money Outstanding() const { return loan + to_recover; }
};

// A SEPA file as recorded in the store. Its content is a pure function of this record and its
// payments, so a lost or half-written file is re-written byte-identical with the same MsgId.
struct FileRecord {
  int64_t id = 0;
  int64_t run_id = 0;
  std::string msg_id;
  std::string created_at;  // CreDtTm, "YYYY-MM-DDThh:mm:ss"
  std::string format;      // "pain.001.001.09" / "pain.001.001.03"
  std::string name;        // file name, e.g. "GM9999-20261214-00000001.xml"
  std::string status;      // "pending" (allocated, not yet written) or "written"
  int64_t tx_count = 0;
  int64_t ctrl_sum_cents = 0;
  std::string sha256, sha1, written_path;
};

// A finding of a run for the report: an unpaid bill, a late payment, a missing bijstand amount.
// The finding of an amount beyond [plausibility]: its batch is approved only with it acknowledged.
inline constexpr const char* kImplausibleFinding = "implausible";

struct Finding {
  ClientId client;
  std::string code;  // "unpaid", "late", "no_benefit", kImplausibleFinding, ...
  std::string bill;  // empty when not about a bill
  Money amount;
  std::string detail;
  std::string detail_nl;  // the same in Dutch, for the pages people read (issue 17)
};

struct RunRecord {
  int64_t id = 0;
  YearMonth month;
  Date run_date;
  std::string started_at;
  std::string user;
  std::string kind = "month";  // "month", "reissue" (failed payments again), "release" (holds)
  int64_t municipality = 1;    // the municipality whose batch it is (issue 20)
  // The seq of the municipality's settings version it was prepared with; 0: not recorded (a
  // run before schema v18, or a store whose municipality came from the configuration file).
  int64_t settings_version = 0;
};

// --- The batch lifecycle and the bank's feedback (issue 5) -----------------------------------

// Roles: finance (prepares, approves, exports, reads the bank's feedback), coach (their
// caseload), admin (accounts), auditor (reads everything, changes nothing).
struct User {
  std::string name;  // login name
  std::string role;
  std::string full_name;
  bool has_password = false;    // may log in to the web app
  std::string password_set_by;  // who set the current password: its owner, or an admin
  std::string phone;   // a coach's phone number for clients (on the statement); may be empty
  bool active = true;  // false: deactivated by an admin (no login, no command, no session)
  bool second_factor = false;  // has a TOTP second factor set up
};
bool IsKnownRole(const std::string& role);

struct AuditRecord {
  int64_t seq = 0;
  std::string at, user, action, subject, detail;
};

// A batch is the payments of one run. Its states, each at most once (by key): prepared ->
// approved -> exported, or prepared/approved -> cancelled.
struct BatchStateRow {
  std::string state, user, at, detail;
};
struct BatchRecord {
  RunRecord run;
  int64_t payments = 0;
  Money amount;
  std::vector<BatchStateRow> states;  // in the order they happened
  const BatchStateRow* Find(const std::string& state) const;
  // The life cycle's view of it: its state and who prepared it.
  BatchFacts Facts() const;
  // The current state: "cancelled", "exported", "approved" or "prepared" ("" if none recorded).
  std::string State() const;
};

// A payment's state reported by the bank: accepted / pending / rejected (pain.002), booked /
// returned (camt), cancelled (its batch was cancelled before export). At most one row per state.
struct PaymentStateRow {
  std::string end_to_end_id, state, reason_code, source, at, detail;
};

struct SignalRow {
  ClientId client;
  std::string code;  // a SignalKind's ToString
  Money amount;
  std::string detail, source, at;
  std::string detail_nl;  // the detail in Dutch (issue 17; "" for signals stored before)
};

// A work item for a person (issue 16): a finding of a month run or a signal from the bank, with
// its state. Findings of a cancelled batch are not work items.
struct WorkSignal {
  std::string id;  // "F<run>:<client>:<code>:<bill>" (a run's finding) or "S<n>" (the bank's)
  ClientId client;
  std::string code;  // "unpaid", "below_minimum", "payment_failed", ...
  std::string bill;  // empty when not about a bill
  Money amount;
  std::string detail;
  std::string detail_nl;       // in Dutch ("" for those stored before issue 17)
  std::string month;           // the run's month ("" for the bank's)
  std::string raised_at;       // when the run started or the bank file was read
  std::string state = "open";  // "open", "in_progress", "done"
  std::string state_by, state_at, note;
};
// A write-off asked for (by a coach or finance) and, once decided, who decided what (issue 16).
// Approving records the write-off (WriteOff) that the next run books.
struct WriteOffRequest {
  int64_t id = 0;
  ClientId client;
  Money amount;
  std::string reason, requested_by, requested_at;
  std::string decision;  // "" (waiting for finance), "approved", "rejected"
  std::string decided_by, decided_at, note;
  std::string write_off;  // the write-off an approval recorded ("W12")
};

struct SignalStateChange {
  std::string signal;  // a WorkSignal id
  std::string state;   // "open", "in_progress", "done"
  std::string note;
  std::string coach;  // not empty: refused unless the client is in this coach's caseload
};

struct BankFileRow {
  std::string format, msg_id, name, sha256, imported_at, user, summary;
};

// A statement's closing booked balance of the managed account (camt.053 Bal CLBD).
struct StatementBalance {
  std::string account, statement_id;  // compact IBAN; the statement's Id
  Date booked_on;
  Money amount;         // negative: overdrawn
  int64_t file_id = 0;  // filled in when read back
};

// One transaction of an imported statement and what it was matched to.
struct BankLineRow {
  std::string id;         // "BF<file>-<n>"; filled in by Apply
  std::string dedup_key;  // account|statement|entry reference|tx: the same line never twice
  std::string statement_id, account;
  int64_t line = 0;
  std::optional<Date> booked_on;
  Money amount;
  bool money_in = false;
  std::string kind;  // a LineKind's ToString, or "assigned"
  std::optional<ClientId> client;
  std::string payments;  // EndToEndIds, comma separated
  std::string reason_code, counterparty, remittance, detail;
  std::optional<std::string> assigned_kind;  // set when read back with its assignment
  int64_t municipality = 0;  // whose managed account's statement it is (0: 1, the only one)
};

struct AssignmentRow {
  std::string line_id;
  std::optional<ClientId> client;
  std::string kind;  // an IncomeKind's ToString, or "ignore"
  std::string reason, user, at;
};

// A change of the lifecycle, applied in one transaction: all of it or none.
struct Changes {
  struct RunEntry {
    Entry entry;
    int64_t run_id = 0;
  };
  std::vector<RunEntry> entries;  // reversals, booked on the payment's run
  std::vector<PaymentStateRow> payment_states;
  std::vector<std::pair<int64_t, BatchStateRow>> batch_states;
  std::vector<AuditRecord> audit;  // seq filled in by Apply
  std::vector<SignalRow> signals;
  std::optional<BankFileRow> bank_file;
  std::vector<BankLineRow> bank_lines;     // of bank_file
  std::vector<StatementBalance> balances;  // of bank_file: closing balances
  // Receipts created from bank lines: each receipt's id is the id of the line at that index.
  std::vector<std::pair<size_t, Receipt>> line_receipts;
  std::vector<AssignmentRow> assignments;
  std::vector<Receipt> receipts;                 // with their own ids (assignments by hand)
  std::vector<DirectDebitRecord> direct_debits;  // ids allocated by Apply
  std::vector<FileRecord> files_written;         // files now written: path and hashes recorded
  Actor recorded;                                // who recorded receipts and direct debits
};

// What Apply allocated.
struct Applied {
  std::optional<int64_t> bank_file_id;
  std::vector<std::string> line_ids;
};

struct LedgerTotals {
  Money bank;                // bank:managed, debits minus credits
  Money clients;             // all client:<id>, credits minus debits
  Money lowest_client;       // the lowest single client balance
  Money bridging;            // municipality:bridging, credits minus debits: what it has lent out
  Money loans;               // all loan:<id> and recovery:<id>, debits minus credits
  Money lowest_loan;         // the lowest single loan or recovery balance (never negative)
  Money special_assistance;  // municipality:special_assistance (gifts given)
  Money grants;              // all grant:<id>
  bool Balanced() const {
    return bank == clients && bridging == loans && special_assistance == grants &&
           !lowest_client.IsNegative() && !lowest_loan.IsNegative();
  }
};

// Whether `url` names a PostgreSQL store (a libpq connection string or URI), not a SQLite file.
bool IsPostgresUrl(const std::string& url);

class Store {
 public:
  ~Store();
  // Opens an existing store: kNoStore when the SQLite file or the schema is missing.
  static Result<std::unique_ptr<Store>, Error> Open(const std::string& url);
  // Creates the store if needed and applies every pending migration.
  static Result<std::unique_ptr<Store>, Error> Init(const std::string& url);
  // A consistent copy of this SQLite store while it is in use (SQLite's online backup, one read
  // transaction), written to `path` through a temporary file and readable by its owner only.
  // Refused when `path` exists, and on PostgreSQL (pg_dump backs it up).
  Status<Error> BackupTo(const std::string& path);
  // Restores a backup into a SQLite store that does not exist yet: the backup is checked
  // (an ontzorg store, SQLite's integrity check) and copied as it is; `Init` then migrates it if
  // it is of an earlier version. Refused for an existing store and on PostgreSQL (pg_restore).
  struct Restoration {
    std::string backup;  // the backup file
    std::string into;    // the store to make: a SQLite file that does not exist yet
  };
  static Status<Error> Restore(const Restoration& restoration);
  // Init, but only the migrations up to `version` (a store as an earlier release made it: the
  // upgrade tests build one at every version, fill it and migrate it).
  static Result<std::unique_ptr<Store>, Error> InitThrough(const std::string& url, int version);

  Backend backend() const { return backend_; }
  int SchemaVersion();
  // A number that grows with every committed change to the store, by any process (every write
  // transaction raises it before it commits): what was read at one value still holds while it
  // is unchanged. The web app keeps client pages by it (issue 18).
  Result<int64_t, Error> Generation();

  // --- Municipalities (issue 20) -----------------------------------------------------------
  // Every municipality with its settings versions, in id order.
  Result<std::vector<MunicipalityRecord>, Error> Municipalities();
  // Adds a municipality with its first settings version; its id is returned. kConflict when the
  // code is taken. `only_if_none`: added only into a store without any (the configured
  // municipality of a store made before issue 20 becomes 1); returns 0 when there were some.
  struct NewMunicipality {
    std::string code;
    MunicipalityVersion first;
    bool only_if_none = false;
  };
  Result<int64_t, Error> AddMunicipality(const NewMunicipality& municipality);
  // Records a new settings version of municipality `id` (audited).
  Status<Error> AddMunicipalityVersion(int64_t id, const MunicipalityVersion& version);
  // A municipality a coach or finance user works for, and their role in it (issue 20).
  struct MunicipalityGrant {
    int64_t municipality = 0;
    std::string role;  // "coach" or "finance"; read back with '' resolved to the user's own role
  };
  // The municipalities a user works for, in order of id, each with the user's role there;
  // empty: all of them, in the user's own role.
  Result<std::vector<MunicipalityGrant>, Error> UserMunicipalities(const std::string& user);
  // Sets them (empty: all), audited with `reason`; a grant's role '' is the user's own role.
  // Refused for a user who is not a coach or finance user (admins and auditors work for the
  // whole installation), for unknown ids, a municipality named twice, roles other than coach or
  // finance, and for a coach who would no longer be coach of the municipality of a client in
  // their caseload (those clients are assigned to another coach first). The user's sessions end.
  Status<Error> SetUserMunicipalities(const std::string& user,
                                      const std::vector<MunicipalityGrant>& municipalities,
                                      const std::string& reason, const Actor& by);
  // The user's role in municipality `id` ("" when they do not work for it): their grant's role,
  // or their own role when they work for every municipality.
  Result<std::string, Error> RoleIn(const std::string& user, int64_t id);
  // The municipality a client or run belongs to; 0 when there is no such client or run.
  Result<int64_t, Error> MunicipalityOfClient(const ClientId& client);
  Result<int64_t, Error> MunicipalityOfRun(int64_t run_id);
  // Scopes the store's queries to one municipality (0: all): the cases a run loads, the clients
  // and bijstand amounts counted and searched, the runs, batches, signals, holds, credit and bank
  // lines listed; a run begun is recorded on it, and bank lines read are booked on it.
  void SetScope(int64_t municipality) {
    scopes_ = municipality > 0 ? std::vector<int64_t>{municipality} : std::vector<int64_t>{};
  }
  // Several municipalities (a user who works for more than one); empty: all.
  void SetScopes(std::vector<int64_t> municipalities) { scopes_ = std::move(municipalities); }
  // The role the user of this request or command acts in (issue 20; "": their own role), as
  // the use cases' role checks read it.
  void SetActingRole(std::string role) { acting_role_ = std::move(role); }
  const std::string& acting_role() const { return acting_role_; }
  // The one municipality scoped to; 0 when all or several.
  int64_t scope() const { return scopes_.size() == 1 ? scopes_.front() : 0; }
  const std::vector<int64_t>& scopes() const { return scopes_; }
  // "`column` IN (...)" for the scope, or "1 = 1" when unscoped (ids are numbers: no quoting).
  std::string ScopeClause(const std::string& column) const;
  // "`client_column` IN (the scope's clients)", or "1 = 1" when unscoped.
  std::string ScopeClient(const std::string& client_column) const;

  // --- Reference data -----------------------------------------------------------------------
  // Which of the batch's ids already exist, with their stored rows, so an import can tell
  // identical rows (skipped) from conflicting ones (refused).
  Result<ImportBatch, Error> LoadExisting(const ImportBatch& batch);
  // Inserts the batch in one transaction, with its audit row.
  Status<Error> Insert(const ImportBatch& batch);
  // Inserts one part of an import read in parts (issue 18), without an audit row: the caller
  // writes one for the whole with InsertImportAudit, in the same transaction (Atomically).
  Status<Error> InsertPart(const ImportBatch& part);
  // The audit row of an import of `counts` (nothing when it added nothing).
  Status<Error> InsertImportAudit(const ImportCounts& counts, const Actor& by);
  // A change to a stored record (issue 16), as people read it.
  struct ChangeRecord {
    std::string record;  // "bill B1", "creditor CR1", "client C1", "plan C1", "toeslag C1 ..."
    std::string client;  // "" for a creditor
    YearMonth valid_from;
    std::string fields;  // "amount,due_day"
    std::string changed_by, changed_at, reason;
  };
  // Changes holding in `month` (valid from it or earlier; a bijstand amount: of the month) made
  // at or after `since` ("YYYY-MM-DDThh:mm:ss"), in order of entry.
  Result<std::vector<ChangeRecord>, Error> ChangesSince(YearMonth month, const std::string& since);
  // Every change of the client's own records (client, plan, bills, toeslagen, bijstand).
  Result<std::vector<ChangeRecord>, Error> ClientChanges(const ClientId& client);
  // The creditors as they hold in `month` (nullopt: with every change, also those dated later).
  Result<std::map<CreditorId, Creditor>, Error> LoadCreditors(
      std::optional<YearMonth> month = std::nullopt);
  Result<int64_t, Error> CountBenefits(YearMonth month);
  Result<int64_t, Error> CountClients();

  // --- The month ------------------------------------------------------------------------------
  // Up to `limit` clients with id > `after`, in id order, each with plan, bills, the bijstand for
  // `month`, the opening balance and the keys already booked for `month`. Clients without a plan
  // are skipped.
  // Also each client's credit balances, toeslag expectations, receipts and write-off decisions
  // (with the month that processed them, if one did).
  Result<std::vector<ClientCase>, Error> LoadCases(YearMonth month, const std::string& after,
                                                   int limit, std::string* last_id);
  // Every case with a plan for `month`, `chunk` clients at a time, handed to `use` in id order;
  // stops at the first error `use` returns.
  Status<Error> ForEachCase(YearMonth month, int chunk,
                            const std::function<Status<Error>(ClientCase&)>& use);
  // The same, with the next chunk read on a second connection while `use` works through this
  // one (the month's run, issue 18: reading was a fifth of its booking thread). The second
  // connection reads one snapshot, taken when this is called: inside a write transaction, the
  // store as it was when the transaction began (nothing else commits while it holds the write
  // lock), without the transaction's own writes. So `use` may write only rows that no later
  // chunk reads: a client's own rows, as the run does.
  Status<Error> ForEachCaseReadAhead(YearMonth month, int chunk,
                                     const std::function<Status<Error>(ClientCase&)>& use);
  // One client's case for `month` (nullopt: no such client, or no plan).
  Result<std::optional<ClientCase>, Error> LoadCase(const ClientId& client, YearMonth month);
  // The client's recorded bijstand by month.
  Result<std::map<YearMonth, Money>, Error> Benefits(const ClientId& client);

  // --- Bridging credit ------------------------------------------------------------------------
  // Records a write-off decision (booked by the next run); returns its id ("W<n>").
  Result<std::string, Error> AddWriteOff(const WriteOff& decision, const std::string& recorded_at);
  Result<std::vector<WriteOff>, Error> WriteOffs(const ClientId& client);
  // Every ledger entry of one client, in booking order.
  Result<std::vector<Entry>, Error> ClientEntries(const ClientId& client);
  // Every client with credit ever drawn or granted, in id order.
  Result<std::vector<CreditPosition>, Error> CreditPositions();

  // A unit of work in one database transaction: all of it lands or none of it.
  class MonthWriter;
  // How a run's payments are put into files.
  struct FileSettings {
    int max_per_file = 100000;      // payments per file; a new MsgId beyond
    std::string municipality_code;  // the MsgId's prefix
    std::string format;             // "pain.001.001.09" / "pain.001.001.03"
    int64_t settings_version = 0;   // recorded on the run (RunRecord::settings_version)
  };
  Result<std::unique_ptr<MonthWriter>, Error> BeginMonth(const RunRecord& run_without_id,
                                                         const FileSettings& files);

  // --- Files ----------------------------------------------------------------------------------
  Result<std::vector<FileRecord>, Error> Files(std::optional<int64_t> run_id,
                                               const std::string& status_filter);
  // The file's payments in file order: by execution date, then EndToEndId.
  Result<std::vector<Payment>, Error> FilePayments(int64_t file_id);
  // A client's payments for a month (its bills and leefgeld), in file order.
  Result<std::vector<Payment>, Error> ClientPayments(const ClientId& client, YearMonth month);

  // --- Reports --------------------------------------------------------------------------------
  Result<std::vector<RunRecord>, Error> Runs(std::optional<YearMonth> month);
  // The run of the latest month booked (nullopt: none yet).
  Result<std::optional<RunRecord>, Error> LatestRun();
  // A run's findings; only those with `code` when one is given (an approval reads only the
  // implausible amounts, not the tens of thousands of other findings of a large month).
  Result<std::vector<Finding>, Error> Findings(int64_t run_id, const std::string& code = "");
  // The managed account's balance, the sum of the client balances (they must be equal) and the
  // lowest client balance (it must not be negative); scoped, those of the scope's clients.
  Result<LedgerTotals, Error> LedgerCheck();
  // The latest closing balance the bank reported for `account` (compact IBAN): the latest
  // statement date, then the latest file (nullopt: no camt.053 with a balance read yet).
  Result<std::optional<StatementBalance>, Error> LatestBalance(const std::string& account);

  // --- Sessions, login failures and the access log (issue 19) --------------------------------
  // Working state, written outside the write lock and without raising the store's generation: a
  // login or a page view never waits for a running month on PostgreSQL (on SQLite it waits for
  // the month's commit, as every writer does) and never makes kept client pages stale.
  // A session's stage: "" is logged in; otherwise a login half done, which may do nothing but
  // finish it: "code" (the second factor is asked), "password" (a password an admin set must be
  // replaced), "enrol" (a second factor must be set up; its secret is `pending`).
  // `role` is the role the session acts in: the user's own, or another they have in some
  // municipality (issue 20); `own_role` is the user's own.
  struct SessionRecord {
    std::string user, role, full_name, csrf;
    int64_t created = 0, last_seen = 0;  // seconds since the epoch
    std::string stage, pending;
    std::string own_role;
  };
  // A session under the SHA-256 of its token (the token itself is never stored).
  struct SessionStart {
    std::string token_hash, user, csrf;
    int64_t now = 0;
    std::string stage, pending;
    std::string acting_role;  // '': the user's own role
  };
  Status<Error> CreateSession(const SessionStart& start);
  // The role the session acts in from now on ('': the user's own); the caller has checked that
  // the user has it in some municipality.
  struct SessionRole {
    std::string token_hash, role;
  };
  Status<Error> SetSessionRole(const SessionRole& change);
  // The session and its user, if the user exists and is active (nullopt otherwise).
  Result<std::optional<SessionRecord>, Error> FindSession(const std::string& token_hash);
  Status<Error> TouchSession(const std::string& token_hash, int64_t now);
  Status<Error> EndSession(const std::string& token_hash);
  // Ends every session last seen before `idle_before` or created before `created_before`.
  struct SessionExpiry {
    int64_t idle_before = 0, created_before = 0;
  };
  Status<Error> EndExpiredSessions(const SessionExpiry& expiry);
  Result<int64_t, Error> CountSessions();
  // Deactivates (`active` false) or reactivates a user, with an audit row; deactivating ends the
  // user's sessions in the same transaction. Refused for an unknown user, for no change, and for
  // the last active admin (nobody could manage accounts any more).
  Status<Error> SetUserActive(const std::string& name, bool active, const std::string& reason,
                              const Actor& by);
  // Failed logins, kept per user and address: recorded, counted since a time, forgotten when
  // older than a time, cleared for a user and address (a successful login from there) or for a
  // user (an admin's unlock, with an audit row). An empty user or remote in a count: any.
  struct LoginKey {
    std::string user, remote;
  };
  struct FailureCount {
    int64_t count = 0, last = 0;  // how many since the time asked, the latest (seconds)
  };
  Status<Error> RecordLoginFailure(const LoginKey& key, int64_t now);
  Result<FailureCount, Error> LoginFailures(const LoginKey& key, int64_t since);
  Status<Error> ForgetLoginFailures(int64_t before);
  Status<Error> ClearLoginFailures(const LoginKey& key);
  Status<Error> UnlockUser(const std::string& name, const Actor& by);
  // --- The second factor (issue 19): TOTP (RFC 6238) and single-use recovery codes ----------
  struct SecondFactor {
    std::string secret;     // base32, as the authenticator app has it
    int64_t last_step = 0;  // the newest time step a code was accepted for
    int64_t recovery_left = 0;
  };
  // The user's second factor (nullopt: none set up, or no such user).
  Result<std::optional<SecondFactor>, Error> FindSecondFactor(const std::string& user);
  struct SecondFactorSetup {
    std::string user, secret;
    std::vector<std::string> recovery_hashes;  // SHA-256 of each recovery code
    int64_t step = 0;                          // the step of the code that confirmed it
  };
  // Sets it up with its recovery codes and an audit row. Refused (kConflict) when the user has
  // one already: of two set-ups at once (two tabs), one wins and the other changes nothing.
  Status<Error> EnableSecondFactor(const SecondFactorSetup& setup, const Actor& by);
  // Accepts TOTP time step `step` for the user when it is newer than the last accepted one, in one
  // statement: a code counts once, also when two logins send it at the same moment (false).
  Result<bool, Error> UseTotpStep(const std::string& user, int64_t step);
  // Uses the recovery code with this SHA-256 (true), with an audit row; false when it is not an
  // unused code of the user. Two uses at once: one is true.
  struct CodeUse {
    std::string user, code_hash;
  };
  Result<bool, Error> UseRecoveryCode(const CodeUse& use, const Actor& at);
  // Removes the user's second factor and recovery codes and ends their sessions (a lost phone);
  // they set up a new one at their next login. Audited; refused when there is none.
  struct Reasoned {
    std::string user, reason;
  };
  Status<Error> ResetSecondFactor(const Reasoned& reset, const Actor& by);
  // Who viewed which client's data, when and how (AVG): append-only. client "*" for a view of
  // many clients at once (a caseload list, a batch's file).
  struct AccessRecord {
    int64_t seq = 0;
    std::string at, user, role, client, view;
  };
  Status<Error> RecordAccess(const AccessRecord& record);
  // Oldest first; `client` or `user` empty: any; at most `limit` rows (the latest ones).
  struct AccessQuery {
    std::string client, user;
    int64_t limit = 1000;
  };
  Result<std::vector<AccessRecord>, Error> AccessLog(const AccessQuery& query);
  // Removes the views recorded before `cutoff` (a date, YYYY-MM-DD) and moves the retention cut-
  // off there, with an audit row, in one transaction; returns how many went. The database refuses
  // any other removal, and a cut-off earlier than the one set (kConflict here).
  Result<int64_t, Error> PruneAccessLog(const std::string& cutoff, const Actor& by);
  Result<std::string, Error> AccessLogCutoff();

  // --- Users, audit, batches, the bank's feedback ----------------------------------------------
  Status<Error> AddUser(const User& user, const Actor& by);
  Result<std::optional<User>, Error> FindUser(const std::string& name);
  Result<std::vector<User>, Error> Users();
  // The user's scrypt password hash ("" when none is set or there is no such user).
  Result<std::string, Error> PasswordHash(const std::string& name);
  // Sets a user's password hash, with its audit row, in one transaction.
  struct PasswordChange {
    std::string user;         // whose password
    std::string scrypt_hash;  // the new hash (adapters/system/password.h)
    // The SHA-256 of the session to keep (its owner changing it in the web app); every other
    // session of the user ends in the same transaction: whoever knew the old password is out.
    std::string keep_session;
  };
  Status<Error> SetPasswordHash(const PasswordChange& change, const Actor& by);
  // Assigns clients to coaches (append-only history; the latest assignment counts), with one
  // audit row per client, all or nothing.
  Status<Error> AssignCaseload(const std::vector<std::pair<ClientId, std::string>>& assignments,
                               const Actor& by);
  // Clients whose number starts with `query` or whose name contains it (case-insensitive), in
  // id order, at most `limit`; only the current caseload of `coach` when given.
  Result<std::vector<Client>, Error> SearchClients(const std::string& query,
                                                   const std::optional<std::string>& coach,
                                                   int limit);
  // Every client's current coach.
  Result<std::map<std::string, std::string>, Error> Coaches();
  // The client's current coach (nullopt: none assigned).
  Result<std::optional<std::string>, Error> CoachOf(const ClientId& client);
  // Checks the audit log's SHA-256 chain from the first row: each row's hash recomputed from its
  // fields and the previous row's hash, and no number missing.
  struct AuditVerification {
    int64_t rows = 0;
    int64_t unchained = 0;  // rows written before schema v5, not chained
    std::string head;       // the last row's hash: keep it elsewhere to detect a cut tail
    std::vector<std::string> problems;  // empty: intact
  };
  Result<AuditVerification, Error> VerifyAuditLog();
  // The audit log, oldest first; `subject_prefix` "" for all, e.g. "batch:3".
  Result<std::vector<AuditRecord>, Error> AuditLog(const std::string& subject_prefix);
  Result<std::vector<BatchRecord>, Error> Batches();
  Result<std::optional<BatchRecord>, Error> Batch(int64_t run_id);
  // The batch's payments in file order (file, execution date, EndToEndId).
  Result<std::vector<Payment>, Error> BatchPayments(int64_t run_id);
  // The same payments in the same order, handed to `use` one at a time (none held: a batch of
  // 400,000 payments is digested in flat memory, issue 18).
  Status<Error> ForEachBatchPayment(int64_t run_id, const std::function<void(Payment)>& use);
  // How many rows PostgreSQL hands ForEachBatchPayment at a time (5,000; a test sets a few to
  // read a small batch in several pages).
  void SetBatchFetchRows(int64_t rows) { batch_fetch_rows_ = rows; }
  // Payments by EndToEndId (those found), with their file's MsgId and run.
  struct SentRecord {
    Payment payment;
    std::string msg_id;
    int64_t file_id = 0, run_id = 0;
  };
  Result<std::vector<SentRecord>, Error> PaymentsByEndToEndId(const std::vector<std::string>& ids);
  Result<std::vector<SentRecord>, Error> PaymentsByMsgId(const std::string& msg_id);
  // The bills of `creditors` with a payment in a file that risked a double debit (the creditor
  // might also collect it by direct debit). One query for all of them, where a statement of
  // 100,000 lines asked once per bill (issue 18).
  Result<std::set<std::string>, Error> BillsPaidAtRisk(const std::vector<std::string>& creditors);
  // The EndToEndId of the payment re-issuing the payment with `key`, if one does.
  Result<std::optional<std::string>, Error> ReplacementOf(const std::string& key);
  // Every state row of the payments (by EndToEndId), oldest first.
  Result<std::vector<PaymentStateRow>, Error> PaymentStates(const std::vector<std::string>& ids);
  // Which of `keys` are booked as ledger entries.
  Result<std::set<std::string>, Error> ExistingEntryKeys(const std::vector<std::string>& keys);
  Result<std::optional<BankFileRow>, Error> BankFileBySha256(const std::string& sha256);
  Result<std::set<std::string>, Error> ExistingBankLines(const std::vector<std::string>& keys);
  // Bank lines: "" every kind, "listed" those waiting for a person (unmatched, duplicate,
  // conflict; not yet assigned), else one kind, with their assignments.
  Result<std::vector<BankLineRow>, Error> BankLines(const std::string& kind);
  Result<std::optional<BankLineRow>, Error> BankLine(const std::string& id);
  Result<std::vector<SignalRow>, Error> ClientSignals(const std::optional<ClientId>& client);
  // Work items (issue 16), oldest first: one client's, or every client's.
  Result<std::vector<WorkSignal>, Error> WorkSignals(const std::optional<ClientId>& client);
  // Records a work item's new state with an audit row; refused (kBadInput) for an unknown item
  // or state.
  Result<WorkSignal, Error> SetSignalState(const SignalStateChange& change, const Actor& by);
  // Write-off requests (issue 16), oldest first: one client's, or every client's. The store
  // writes them as told; adapters/app/write_offs.h holds the checks (four eyes, what is owed).
  Result<std::vector<WriteOffRequest>, Error> WriteOffRequests(
      const std::optional<ClientId>& client);
  Result<int64_t, Error> AddWriteOffRequest(const WriteOffRequest& request);
  Status<Error> AddWriteOffDecision(const WriteOffRequest& decided);
  Result<std::vector<DirectDebitRecord>, Error> DirectDebits(const ClientId& client);
  // Held bills not yet paid (all clients when `client` is empty).
  struct HoldRecord {
    ClientId client;
    HeldBill bill;
    int64_t run_id = 0;
  };
  Result<std::vector<HoldRecord>, Error> OpenHolds(const std::optional<ClientId>& client);
  Result<std::optional<Bill>, Error> FindBill(const BillId& bill);
  // A one-off payment's decision (issue 17), with the batch that pays it.
  struct OneOffRecord {
    OneOff one_off;
    std::string payment_key;
    int64_t run_id = 0;
    std::string recorded_by;
  };
  Result<std::optional<OneOffRecord>, Error> FindOneOff(const std::string& decision);
  // The bills of `creditors` (ids), in id order: one query for all of them.
  Result<std::vector<Bill>, Error> BillsOfCreditors(const std::vector<std::string>& creditors);
  Result<std::set<std::string>, Error> ClientIds();  // of the scope's municipality (or all)
  Result<std::optional<Client>, Error> FindClient(const ClientId& client);
  // The client's relief plan as it now holds, every change applied (nullopt: none).
  Result<std::optional<ReliefPlan>, Error> FindPlan(const ClientId& client);
  // Every receipt of the client, with the month that processed it.
  Result<std::vector<Receipt>, Error> ReceiptsOf(const ClientId& client);
  // The next number of the store's counter `name` ("record"), in a write transaction (its own,
  // or the caller's Atomically, which then gives it back if it rolls back): never handed out
  // twice, also not to two processes at once.
  Result<int64_t, Error> NextNumber(const std::string& name);
  // Records the Latin spelling of a client's name that payments carry, with an audit row.
  Status<Error> CorrectBankName(const ClientId& client, const std::string& bank_name,
                                const AuditRecord& audit);
  // Corrects a creditor's or client's IBAN (and BIC) in the reference data, with an audit row.
  enum class AccountHolder { kCreditor, kClient };
  Status<Error> CorrectAccount(AccountHolder holder, const std::string& id, const Iban& iban,
                               const std::optional<std::string>& bic, const AuditRecord& audit);
  // Applies `changes` in one write transaction: all of it or none.
  Result<Applied, Error> Apply(const Changes& changes);
  // Runs `decide` in one write transaction that holds the store's write lock from the start
  // (see adapters/storage/transaction.h): what it reads through this store is what the
  // transaction sees, and no other change can come in between. The Changes it returns are
  // applied in the same transaction; an error from it changes nothing. So a state is moved only
  // if it is still the one `decide` read: two people acting at once cannot both move it.
  Result<Applied, Error> Atomically(const std::function<Result<Changes, Error>()>& decide);

  soci::session& session() { return *sql_; }

 private:
  class WriteTransaction;
  friend class WriteTransaction;
  Store(std::unique_ptr<soci::session> sql, Backend backend);
  Applied ApplyChanges(const Changes& changes);  // inside a transaction; throws on failure
  // The municipality an import's new clients belong to: its own, else the scope's, else 1.
  int64_t ImportMunicipality(const ImportBatch& batch) const;
  Status<Error> InsertImport(const ImportBatch& batch, bool with_audit);
  Result<std::vector<ClientCase>, Error> LoadCasesWhere(YearMonth month, const std::string& from,
                                                        bool exact, int limit,
                                                        std::string* last_id);
  // A second connection to the same store with the same scope, in a read-only transaction whose
  // snapshot is taken at once.
  Result<std::unique_ptr<Store>, Error> OpenSnapshot() const;
  std::unique_ptr<soci::session> sql_;
  Backend backend_;
  std::string url_;           // as opened: a second connection opens the same store
  int tx_depth_ = 0;          // nested WriteTransactions open
  bool tx_poisoned_ = false;  // an inner one was abandoned: the outer may not commit
  long long tx_changes_ = 0;  // SQLite's total_changes() when the outer one began
  int64_t batch_fetch_rows_ = 5000;
  std::vector<int64_t> scopes_;  // SetScope(s): those municipalities' rows; empty: all
  std::string acting_role_;      // SetActingRole
};

// Collects one run's rows and writes them in one transaction on Commit(); destroying it without
// Commit() rolls everything back.
class Store::MonthWriter {
 public:
  ~MonthWriter();
  int64_t run_id() const { return run_.id; }
  // Adds a client's month: entries, payments (assigned to files of at most the settings'
  // payments per file, allocating MsgIds as needed) and findings.
  Status<Error> Add(const ClientMonth& month, const std::vector<Finding>& findings);
  // Records the decision behind a one-off payment added with Add (its payment's key): a second
  // record of the same decision fails on the table's key, and the whole batch with it.
  Status<Error> AddOneOff(const OneOff& one_off, const std::string& payment_key);
  struct Totals {
    int64_t clients = 0;
    int64_t payments = 0;
    Money amount;
  };
  Status<Error> Commit(const Totals& totals);

 private:
  friend class Store;
  MonthWriter(Store* store, RunRecord run, FileSettings files);
  Status<Error> Flush();
  Status<Error> OpenFile();
  Result<int64_t, Error> NextId(const char* counter);
  struct Buffers;
  Store* store_;
  RunRecord run_;
  FileSettings files_;
  std::unique_ptr<WriteTransaction> tx_;  // the run's one transaction, holding the write lock
  std::unique_ptr<Buffers> buf_;
  std::optional<FileRecord> open_file_;
  bool committed_ = false;
};

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_STORAGE_STORE_H_
