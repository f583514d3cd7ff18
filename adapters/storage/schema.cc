#include "adapters/storage/schema.h"

namespace ontzorg {
namespace {

std::vector<std::string> SqliteAppendOnly(const std::vector<std::string>& tables) {
  std::vector<std::string> out;
  for (const std::string& t : tables) {
    for (const char* op : {"UPDATE", "DELETE"}) {
      out.push_back("CREATE TRIGGER " + t + "_no_" + op + " BEFORE " + op + " ON " + t +
                    " BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: " + t +
                    " rows are never changed or removed'); END");
    }
  }
  return out;
}

std::vector<std::string> PostgresAppendOnly(const std::vector<std::string>& tables,
                                            bool create_function) {
  std::vector<std::string> out;
  if (create_function) {
    out.push_back(
        "CREATE FUNCTION ontzorg_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "RAISE EXCEPTION 'the ledger is append-only: % rows are never changed or removed', "
        "TG_TABLE_NAME; END $$");
  }
  for (const std::string& t : tables) {
    out.push_back("CREATE TRIGGER " + t + "_append_only BEFORE UPDATE OR DELETE ON " + t +
                  " FOR EACH ROW EXECUTE FUNCTION ontzorg_append_only()");
  }
  return out;
}

// The schema as data: every migration's statements, each split over lines by string
// concatenation (so the missing-comma check would flag them), the whole history in one place.
// NOLINTBEGIN(bugprone-suspicious-missing-comma,readability-function-size)
std::vector<Migration> Build() {
  const std::vector<std::string> ledger = {"entries", "payments"};
  Migration v1{1, "reference data, runs, files, ledger, payments, findings", {}, {}, {}};
  v1.common = {
      "CREATE TABLE counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL)",
      "INSERT INTO counters (name, value) VALUES ('run', 0)",
      "INSERT INTO counters (name, value) VALUES ('file', 0)",
      "CREATE TABLE creditors (id TEXT PRIMARY KEY, name TEXT NOT NULL, iban TEXT NOT NULL, "
      "bic TEXT, street TEXT NOT NULL, building TEXT NOT NULL, postcode TEXT NOT NULL, "
      "town TEXT NOT NULL, country TEXT NOT NULL)",
      "CREATE TABLE clients (id TEXT PRIMARY KEY, bsn TEXT NOT NULL UNIQUE, name TEXT NOT NULL, "
      "household TEXT NOT NULL, iban TEXT NOT NULL)",
      "CREATE TABLE plans (client_id TEXT PRIMARY KEY REFERENCES clients(id), kind TEXT NOT NULL, "
      "benefit_start TEXT NOT NULL, benefit_end TEXT, extension_end TEXT, "
      "extension_reason TEXT NOT NULL, bills TEXT NOT NULL, period_start TEXT, period_end TEXT, "
      "reason TEXT NOT NULL)",
      "CREATE TABLE bills (id TEXT PRIMARY KEY, client_id TEXT NOT NULL REFERENCES clients(id), "
      "kind TEXT NOT NULL, creditor_id TEXT NOT NULL REFERENCES creditors(id), "
      "amount_cents BIGINT NOT NULL CHECK (amount_cents > 0), schedule TEXT NOT NULL, "
      "due_day BIGINT NOT NULL, reference_kind TEXT NOT NULL, reference TEXT NOT NULL, "
      "start_date TEXT NOT NULL, end_date TEXT)",
      "CREATE INDEX bills_client ON bills (client_id)",
      "CREATE TABLE benefits (client_id TEXT NOT NULL REFERENCES clients(id), month TEXT NOT NULL, "
      "amount_cents BIGINT NOT NULL CHECK (amount_cents >= 0), PRIMARY KEY (client_id, month))",
      "CREATE INDEX benefits_month ON benefits (month)",
      "CREATE TABLE runs (id BIGINT PRIMARY KEY, month TEXT NOT NULL, run_date TEXT NOT NULL, "
      "started_at TEXT NOT NULL, user_name TEXT NOT NULL, clients BIGINT NOT NULL, "
      "payments BIGINT NOT NULL, amount_cents BIGINT NOT NULL)",
      "CREATE TABLE files (id BIGINT PRIMARY KEY, run_id BIGINT NOT NULL REFERENCES runs(id), "
      "msg_id TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL, format TEXT NOT NULL, "
      "name TEXT NOT NULL UNIQUE, status TEXT NOT NULL, tx_count BIGINT NOT NULL, "
      "ctrl_sum_cents BIGINT NOT NULL, sha256 TEXT, sha1 TEXT, written_path TEXT)",
      "CREATE TABLE entries (key TEXT PRIMARY KEY, client_id TEXT NOT NULL, month TEXT NOT NULL, "
      "kind TEXT NOT NULL, booked_on TEXT NOT NULL, run_id BIGINT NOT NULL REFERENCES runs(id), "
      "debit_account TEXT NOT NULL, credit_account TEXT NOT NULL, "
      "amount_cents BIGINT NOT NULL CHECK (amount_cents > 0), "
      "CHECK (debit_account <> credit_account))",
      "CREATE INDEX entries_client_month ON entries (client_id, month)",
      "CREATE TABLE payments (key TEXT PRIMARY KEY REFERENCES entries(key), "
      "end_to_end_id TEXT NOT NULL UNIQUE, client_id TEXT NOT NULL, purpose TEXT NOT NULL, "
      "bill_id TEXT, bill_kind TEXT, month TEXT NOT NULL, "
      "amount_cents BIGINT NOT NULL CHECK (amount_cents > 0), due_date TEXT NOT NULL, "
      "execution_date TEXT NOT NULL, late BIGINT NOT NULL, payee_name TEXT NOT NULL, "
      "payee_iban TEXT NOT NULL, payee_bic TEXT, payee_street TEXT, payee_building TEXT, "
      "payee_postcode TEXT, payee_town TEXT, payee_country TEXT, remittance_kind TEXT NOT NULL, "
      "remittance TEXT NOT NULL, file_id BIGINT NOT NULL REFERENCES files(id), "
      "run_id BIGINT NOT NULL REFERENCES runs(id))",
      "CREATE INDEX payments_file ON payments (file_id)",
      "CREATE TABLE findings (run_id BIGINT NOT NULL REFERENCES runs(id), client_id TEXT NOT NULL, "
      "code TEXT NOT NULL, bill_id TEXT NOT NULL, amount_cents BIGINT NOT NULL, "
      "detail TEXT NOT NULL)",
      "CREATE INDEX findings_run ON findings (run_id)",
  };
  v1.sqlite_only = SqliteAppendOnly(ledger);
  v1.postgresql_only = PostgresAppendOnly(ledger, true);

  // v2: the toeslagen gap (issue 3). Receipts, write-off decisions and the record of which run
  // processed them are facts: append-only like the ledger.
  Migration v2{2, "household size, toeslagen, receipts, write-offs", {}, {}, {}};
  v2.common = {
      "ALTER TABLE clients ADD COLUMN adults BIGINT NOT NULL DEFAULT 1",
      "ALTER TABLE clients ADD COLUMN children BIGINT NOT NULL DEFAULT 0",
      "CREATE TABLE toeslagen (client_id TEXT NOT NULL REFERENCES clients(id), "
      "kind TEXT NOT NULL, applied_on TEXT NOT NULL, right_from TEXT NOT NULL, "
      "monthly_cents BIGINT NOT NULL CHECK (monthly_cents > 0), first_payment TEXT, "
      "paid_to TEXT NOT NULL, PRIMARY KEY (client_id, kind))",
      "CREATE TABLE receipts (id TEXT PRIMARY KEY, client_id TEXT NOT NULL REFERENCES clients(id), "
      "kind TEXT NOT NULL, received_on TEXT NOT NULL, "
      "amount_cents BIGINT NOT NULL CHECK (amount_cents > 0), covers_from TEXT, covers_to TEXT, "
      "landed_on TEXT NOT NULL, recorded_by TEXT NOT NULL, recorded_at TEXT NOT NULL)",
      "CREATE INDEX receipts_client ON receipts (client_id)",
      "CREATE TABLE write_offs (id TEXT PRIMARY KEY, client_id TEXT NOT NULL REFERENCES "
      "clients(id), "
      "amount_cents BIGINT NOT NULL CHECK (amount_cents > 0), reason TEXT NOT NULL, "
      "decided_by TEXT NOT NULL, decided_on TEXT NOT NULL, recorded_at TEXT NOT NULL)",
      "CREATE INDEX write_offs_client ON write_offs (client_id)",
      "CREATE TABLE processed (item TEXT PRIMARY KEY, client_id TEXT NOT NULL, "
      "run_id BIGINT NOT NULL REFERENCES runs(id), month TEXT NOT NULL)",
      "CREATE INDEX processed_client ON processed (client_id)",
      "INSERT INTO counters (name, value) VALUES ('write_off', 0)",
  };
  const std::vector<std::string> facts = {"receipts", "write_offs", "processed"};
  v2.sqlite_only = SqliteAppendOnly(facts);
  v2.postgresql_only = PostgresAppendOnly(facts, false);

  // v3: learning (issue 4). Assessments, hand-over decisions and confirmations are records of
  // what a coach decided or saw: append-only, corrected by a newer record.
  Migration v3{3, "client language, assessments, hand-over decisions, confirmations", {}, {}, {}};
  v3.common = {
      "ALTER TABLE clients ADD COLUMN language TEXT NOT NULL DEFAULT 'nl'",
      "CREATE TABLE assessments (id TEXT PRIMARY KEY, client_id TEXT NOT NULL REFERENCES "
      "clients(id), assessed_on TEXT NOT NULL, assessed_by TEXT NOT NULL, note TEXT NOT NULL, "
      "levels TEXT NOT NULL, recorded_at TEXT NOT NULL)",
      "CREATE INDEX assessments_client ON assessments (client_id)",
      "CREATE TABLE hand_overs (id TEXT PRIMARY KEY, client_id TEXT NOT NULL REFERENCES "
      "clients(id), bill_id TEXT NOT NULL REFERENCES bills(id), state TEXT NOT NULL, "
      "from_month TEXT NOT NULL, reason TEXT NOT NULL, decided_by TEXT NOT NULL, "
      "decided_on TEXT NOT NULL, recorded_at TEXT NOT NULL)",
      "CREATE INDEX hand_overs_client ON hand_overs (client_id)",
      "CREATE TABLE confirmations (client_id TEXT NOT NULL REFERENCES clients(id), "
      "bill_id TEXT NOT NULL REFERENCES bills(id), period TEXT NOT NULL, paid BIGINT NOT NULL, "
      "confirmed_by TEXT NOT NULL, confirmed_on TEXT NOT NULL, recorded_at TEXT NOT NULL, "
      "PRIMARY KEY (bill_id, period))",
      "CREATE INDEX confirmations_client ON confirmations (client_id)",
      "CREATE INDEX payments_client_month ON payments (client_id, month)",
  };
  const std::vector<std::string> records = {"assessments", "hand_overs", "confirmations"};
  v3.sqlite_only = SqliteAppendOnly(records);
  v3.postgresql_only = PostgresAppendOnly(records, false);
  // v4: the batch lifecycle and the bank's feedback (issue 5). Users and roles; an append-only
  // audit log of every transition; batch states (one row per state, so a batch is approved and
  // exported at most once, by key); held bills; payment states from pain.002 and camt; re-issues
  // linked to the payment they replace (at most once, by key); the client's own direct debits;
  // imported bank files and their lines, assignments by hand, and signals from the bank.
  Migration v4{4,
               "users, audit log, batch and payment states, holds, direct debits, bank files",
               {},
               {},
               {}};
  v4.common = {
      "ALTER TABLE runs ADD COLUMN kind TEXT NOT NULL DEFAULT 'month'",
      "ALTER TABLE payments ADD COLUMN replaces TEXT",
      "ALTER TABLE payments ADD COLUMN double_debit_risk BIGINT NOT NULL DEFAULT 0",
      "CREATE UNIQUE INDEX payments_replaces ON payments (replaces)",
      "CREATE INDEX payments_bill_month ON payments (bill_id, month)",
      "INSERT INTO counters (name, value) VALUES ('audit', 0)",
      "INSERT INTO counters (name, value) VALUES ('bank_file', 0)",
      "INSERT INTO counters (name, value) VALUES ('bank_line', 0)",
      "INSERT INTO counters (name, value) VALUES ('direct_debit', 0)",
      "INSERT INTO counters (name, value) VALUES ('signal', 0)",
      "CREATE TABLE users (name TEXT PRIMARY KEY, role TEXT NOT NULL, full_name TEXT NOT NULL, "
      "created_by TEXT NOT NULL, created_at TEXT NOT NULL)",
      "CREATE TABLE audit_log (seq BIGINT PRIMARY KEY, at TEXT NOT NULL, user_name TEXT NOT NULL, "
      "action TEXT NOT NULL, subject TEXT NOT NULL, detail TEXT NOT NULL)",
      "CREATE INDEX audit_log_subject ON audit_log (subject)",
      "CREATE TABLE batch_states (run_id BIGINT NOT NULL REFERENCES runs(id), state TEXT NOT NULL, "
      "user_name TEXT NOT NULL, at TEXT NOT NULL, detail TEXT NOT NULL, "
      "PRIMARY KEY (run_id, state))",
      "CREATE TABLE holds (key TEXT PRIMARY KEY, client_id TEXT NOT NULL REFERENCES clients(id), "
      "bill_id TEXT NOT NULL REFERENCES bills(id), bill_kind TEXT NOT NULL, period TEXT NOT NULL, "
      "amount_cents BIGINT NOT NULL CHECK (amount_cents > 0), due_date TEXT NOT NULL, "
      "run_id BIGINT NOT NULL REFERENCES runs(id))",
      "CREATE INDEX holds_client ON holds (client_id)",
      "CREATE TABLE payment_states (end_to_end_id TEXT NOT NULL REFERENCES "
      "payments(end_to_end_id), state TEXT NOT NULL, reason_code TEXT NOT NULL, "
      "source TEXT NOT NULL, at TEXT NOT NULL, detail TEXT NOT NULL, "
      "PRIMARY KEY (end_to_end_id, state))",
      "CREATE TABLE direct_debits (id TEXT PRIMARY KEY, bill_id TEXT NOT NULL REFERENCES "
      "bills(id), "
      "client_id TEXT NOT NULL REFERENCES clients(id), status TEXT NOT NULL, on_date TEXT NOT "
      "NULL, "
      "confirmed_by TEXT NOT NULL, note TEXT NOT NULL, recorded_by TEXT NOT NULL, "
      "recorded_at TEXT NOT NULL)",
      "CREATE INDEX direct_debits_client ON direct_debits (client_id)",
      "CREATE TABLE bank_files (id BIGINT PRIMARY KEY, format TEXT NOT NULL, msg_id TEXT NOT NULL, "
      "name TEXT NOT NULL, sha256 TEXT NOT NULL UNIQUE, imported_at TEXT NOT NULL, "
      "user_name TEXT NOT NULL, summary TEXT NOT NULL)",
      "CREATE TABLE bank_lines (id TEXT PRIMARY KEY, file_id BIGINT NOT NULL REFERENCES "
      "bank_files(id), dedup_key TEXT NOT NULL UNIQUE, statement_id TEXT NOT NULL, "
      "account TEXT NOT NULL, line BIGINT NOT NULL, booked_on TEXT, "
      "amount_cents BIGINT NOT NULL, money_in BIGINT NOT NULL, kind TEXT NOT NULL, "
      "client_id TEXT, payments TEXT NOT NULL, reason_code TEXT NOT NULL, "
      "counterparty TEXT NOT NULL, remittance TEXT NOT NULL, detail TEXT NOT NULL)",
      "CREATE INDEX bank_lines_kind ON bank_lines (kind)",
      "CREATE TABLE bank_assignments (line_id TEXT PRIMARY KEY REFERENCES bank_lines(id), "
      "client_id TEXT, kind TEXT NOT NULL, reason TEXT NOT NULL, user_name TEXT NOT NULL, "
      "at TEXT NOT NULL)",
      "CREATE TABLE client_signals (id BIGINT PRIMARY KEY, client_id TEXT NOT NULL, "
      "code TEXT NOT NULL, amount_cents BIGINT NOT NULL, detail TEXT NOT NULL, "
      "source TEXT NOT NULL, at TEXT NOT NULL)",
      "CREATE INDEX client_signals_client ON client_signals (client_id)",
  };
  const std::vector<std::string> lifecycle = {
      "audit_log",      "batch_states",     "holds",
      "payment_states", "direct_debits",    "bank_files",
      "bank_lines",     "bank_assignments", "client_signals"};
  v4.sqlite_only = SqliteAppendOnly(lifecycle);
  v4.postgresql_only = PostgresAppendOnly(lifecycle, false);

  Migration v5{
      5, "web app: password hashes, audit log chained with SHA-256, caseloads", {}, {}, {}};
  v5.common = {
      // scrypt hash ("scrypt$..."), empty: the user cannot log in to the web app.
      "ALTER TABLE users ADD COLUMN password_hash TEXT NOT NULL DEFAULT ''",
      // Each row's hash covers its fields and the previous row's hash; rows written before v5
      // keep '' and are reported as not chained by `ontzorg audit verify`.
      "ALTER TABLE audit_log ADD COLUMN prev_hash TEXT NOT NULL DEFAULT ''",
      "ALTER TABLE audit_log ADD COLUMN hash TEXT NOT NULL DEFAULT ''",
      "INSERT INTO counters (name, value) VALUES ('caseload', 0)",
      // A client's coach is the coach of the client's latest assignment.
      "CREATE TABLE caseload (seq BIGINT PRIMARY KEY, client_id TEXT NOT NULL REFERENCES "
      "clients(id), coach TEXT NOT NULL REFERENCES users(name), assigned_by TEXT NOT NULL, "
      "assigned_at TEXT NOT NULL)",
      "CREATE INDEX caseload_client ON caseload (client_id)",
      "CREATE INDEX caseload_coach ON caseload (coach)",
  };
  v5.sqlite_only = SqliteAppendOnly({"caseload"});
  v5.postgresql_only = PostgresAppendOnly({"caseload"}, false);
  // v6: the life cycle holds when people act at once (issue 15).
  Migration v6{6, "one final state per batch, enforced by the store", {}, {}, {}};
  v6.common = {
      // A batch ends exported or cancelled, never both: the primary key refuses the second.
      // A store that already holds both for a batch (possible before v6, when an export and a
      // cancel raced) keeps 'exported': its file may be at the bank; `ontzorg reconcile` shows
      // the reversed payments for a person to settle.
      "CREATE TABLE batch_outcomes (run_id BIGINT PRIMARY KEY REFERENCES runs(id), "
      "state TEXT NOT NULL CHECK (state IN ('exported', 'cancelled')), at TEXT NOT NULL)",
      "INSERT INTO batch_outcomes (run_id, state, at) SELECT run_id, MAX(state), MAX(at) FROM "
      "batch_states WHERE state IN ('exported', 'cancelled') GROUP BY run_id",
  };
  v6.sqlite_only = SqliteAppendOnly({"batch_outcomes"});
  v6.postgresql_only = PostgresAppendOnly({"batch_outcomes"}, false);
  // v7: a client's name as the bank carries it (a name in Arabic script has no Latin letters).
  Migration v7{7, "clients' Latin spelling for the bank", {}, {}, {}};
  v7.common = {"ALTER TABLE clients ADD COLUMN bank_name TEXT NOT NULL DEFAULT ''"};
  // v8: who set a user's password (an approval needs a password its owner set).
  Migration v8{8, "who set each password", {}, {}, {}};
  v8.common = {"ALTER TABLE users ADD COLUMN password_set_by TEXT NOT NULL DEFAULT ''",
               // Typed checkpoints and hand-overs are numbered, not stamped by the second.
               "INSERT INTO counters (name, value) VALUES ('record', 0)"};
  // v9: six months of real life (issue 16). A change to a stored record is a new version from a
  // month on (the base row stays as imported): the record's columns as changed, the fields the
  // version sets, from which month, who, when and why. Append-only like the ledger.
  Migration v9{
      9, "effective-dated versions of creditors, clients, plans, bills, toeslagen", {}, {}, {}};
  const std::string meta =
      "seq BIGINT PRIMARY KEY, valid_from TEXT NOT NULL, fields TEXT NOT NULL, "
      "changed_by TEXT NOT NULL, changed_at TEXT NOT NULL, change_reason TEXT NOT NULL, ";
  v9.common = {
      "INSERT INTO counters (name, value) VALUES ('version', 0)",
      "CREATE TABLE creditor_versions (" + meta +
          "id TEXT NOT NULL REFERENCES creditors(id), name TEXT NOT NULL, iban TEXT NOT NULL, "
          "bic TEXT, street TEXT NOT NULL, building TEXT NOT NULL, postcode TEXT NOT NULL, "
          "town TEXT NOT NULL, country TEXT NOT NULL)",
      "CREATE INDEX creditor_versions_id ON creditor_versions (id)",
      "CREATE TABLE client_versions (" + meta +
          "id TEXT NOT NULL REFERENCES clients(id), bsn TEXT NOT NULL, name TEXT NOT NULL, "
          "household TEXT NOT NULL, iban TEXT NOT NULL, adults BIGINT NOT NULL, "
          "children BIGINT NOT NULL, language TEXT NOT NULL, bank_name TEXT NOT NULL)",
      "CREATE INDEX client_versions_id ON client_versions (id)",
      "CREATE TABLE plan_versions (" + meta +
          "client_id TEXT NOT NULL REFERENCES plans(client_id), kind TEXT NOT NULL, "
          "benefit_start TEXT NOT NULL, benefit_end TEXT, extension_end TEXT, "
          "extension_reason TEXT NOT NULL, bills TEXT NOT NULL, period_start TEXT, "
          "period_end TEXT, reason TEXT NOT NULL)",
      "CREATE INDEX plan_versions_client ON plan_versions (client_id)",
      "CREATE TABLE bill_versions (" + meta +
          "id TEXT NOT NULL REFERENCES bills(id), client_id TEXT NOT NULL, kind TEXT NOT NULL, "
          "creditor_id TEXT NOT NULL REFERENCES creditors(id), "
          "amount_cents BIGINT NOT NULL CHECK (amount_cents > 0), schedule TEXT NOT NULL, "
          "due_day BIGINT NOT NULL, reference_kind TEXT NOT NULL, reference TEXT NOT NULL, "
          "start_date TEXT NOT NULL, end_date TEXT)",
      "CREATE INDEX bill_versions_client ON bill_versions (client_id)",
      "CREATE TABLE toeslag_versions (" + meta +
          "client_id TEXT NOT NULL, kind TEXT NOT NULL, applied_on TEXT NOT NULL, "
          "right_from TEXT NOT NULL, monthly_cents BIGINT NOT NULL CHECK (monthly_cents > 0), "
          "first_payment TEXT, paid_to TEXT NOT NULL, "
          "FOREIGN KEY (client_id, kind) REFERENCES toeslagen(client_id, kind))",
      "CREATE INDEX toeslag_versions_client ON toeslag_versions (client_id)",
      "CREATE TABLE benefit_versions (seq BIGINT PRIMARY KEY, client_id TEXT NOT NULL, "
      "month TEXT NOT NULL, amount_cents BIGINT NOT NULL CHECK (amount_cents >= 0), "
      "changed_by TEXT NOT NULL, changed_at TEXT NOT NULL, change_reason TEXT NOT NULL, "
      "FOREIGN KEY (client_id, month) REFERENCES benefits(client_id, month))",
      "CREATE INDEX benefit_versions_month ON benefit_versions (month, client_id)",
  };
  const std::vector<std::string> versions = {"creditor_versions", "client_versions",
                                             "plan_versions",     "bill_versions",
                                             "toeslag_versions",  "benefit_versions"};
  v9.sqlite_only = SqliteAppendOnly(versions);
  v9.postgresql_only = PostgresAppendOnly(versions, false);
  // v10: the coach's work list (issue 16). Every finding of a run and every signal from the bank
  // is a work item; its state (open, in progress, done) is the latest row here, with who, when
  // and a note. No row: open. Append-only: the history of who handled what stays.
  Migration v10{10, "states of signals: open, in progress, done", {}, {}, {}};
  v10.common = {
      "INSERT INTO counters (name, value) VALUES ('signal_state', 0)",
      "CREATE TABLE signal_states (seq BIGINT PRIMARY KEY, signal TEXT NOT NULL, "
      "client_id TEXT NOT NULL, "
      "state TEXT NOT NULL CHECK (state IN ('open', 'in_progress', 'done')), "
      "user_name TEXT NOT NULL, at TEXT NOT NULL, note TEXT NOT NULL)",
      "CREATE INDEX signal_states_client ON signal_states (client_id)",
  };
  v10.sqlite_only = SqliteAppendOnly({"signal_states"});
  v10.postgresql_only = PostgresAppendOnly({"signal_states"}, false);
  // v11: a write-off asked for by a coach and decided by finance (issue 16), four eyes. One
  // decision per request (its primary key); approving records the write-off itself.
  Migration v11{11, "write-off requests and their decisions", {}, {}, {}};
  v11.common = {
      "INSERT INTO counters (name, value) VALUES ('write_off_request', 0)",
      "CREATE TABLE write_off_requests (id BIGINT PRIMARY KEY, "
      "client_id TEXT NOT NULL REFERENCES clients(id), "
      "amount_cents BIGINT NOT NULL CHECK (amount_cents > 0), reason TEXT NOT NULL, "
      "requested_by TEXT NOT NULL, requested_at TEXT NOT NULL)",
      "CREATE INDEX write_off_requests_client ON write_off_requests (client_id)",
      "CREATE TABLE write_off_decisions (request_id BIGINT PRIMARY KEY REFERENCES "
      "write_off_requests(id), decision TEXT NOT NULL CHECK (decision IN ('approved', "
      "'rejected')), decided_by TEXT NOT NULL, decided_at TEXT NOT NULL, note TEXT NOT NULL, "
      "write_off_id TEXT REFERENCES write_offs(id))",
  };
  v11.sqlite_only = SqliteAppendOnly({"write_off_requests", "write_off_decisions"});
  v11.postgresql_only = PostgresAppendOnly({"write_off_requests", "write_off_decisions"}, false);
  // v12: statements clients keep (issue 17): the client's postal address and the coach's phone.
  Migration v12{12, "clients' addresses and coaches' phone numbers", {}, {}, {}};
  v12.common = {"ALTER TABLE clients ADD COLUMN address TEXT NOT NULL DEFAULT ''",
                "ALTER TABLE client_versions ADD COLUMN address TEXT NOT NULL DEFAULT ''",
                "ALTER TABLE users ADD COLUMN phone TEXT NOT NULL DEFAULT ''",
                // The managed account's closing balance per statement read (camt.053 CLBD): the
                // approval screen compares a batch's total with the latest.
                "CREATE TABLE statement_balances (file_id BIGINT NOT NULL REFERENCES "
                "bank_files(id), account TEXT NOT NULL, statement_id TEXT NOT NULL, "
                "booked_on TEXT NOT NULL, amount_cents BIGINT NOT NULL, "
                "PRIMARY KEY (file_id, statement_id))"};
  v12.sqlite_only = SqliteAppendOnly({"statement_balances"});
  v12.postgresql_only = PostgresAppendOnly({"statement_balances"}, false);
  // v13: one-off payments finance records (issue 17): the decision behind each, append-only.
  Migration v13{13, "one-off payments; findings and signals in Dutch", {}, {}, {}};
  v13.common = {
      "CREATE TABLE one_offs (decision TEXT PRIMARY KEY, client_id TEXT NOT NULL REFERENCES "
      "clients(id), creditor_id TEXT, amount_cents BIGINT NOT NULL CHECK (amount_cents > 0), "
      "funding TEXT NOT NULL, description TEXT NOT NULL, due_date TEXT NOT NULL, "
      "payment_key TEXT NOT NULL, run_id BIGINT NOT NULL REFERENCES runs(id), "
      "recorded_by TEXT NOT NULL)",
      // Findings and the bank's signals in Dutch beside the English (issue 17); '' before.
      "ALTER TABLE findings ADD COLUMN detail_nl TEXT NOT NULL DEFAULT ''",
      "ALTER TABLE client_signals ADD COLUMN detail_nl TEXT NOT NULL DEFAULT ''"};
  v13.sqlite_only = SqliteAppendOnly({"one_offs"});
  v13.postgresql_only = PostgresAppendOnly({"one_offs"}, false);
  // v14: the month reads its cases in chunks of clients (issue 18). The bijstand of a month was
  // found through an index on the month alone: every chunk walked all clients' amounts of the
  // month, so a run grew with the square of the clients. Now the month and then the client.
  // The store's generation: raised by every committed write transaction (Store::Generation),
  // so the web app knows when a client page it kept is out of date.
  Migration v14{
      14, "the month's bijstand indexed by month and client; the store's generation", {}, {}, {}};
  v14.common = {"DROP INDEX benefits_month",
                "CREATE INDEX benefits_month ON benefits (month, client_id)",
                "INSERT INTO counters (name, value) VALUES ('generation', 0)"};
  // v15: run as a municipality's IT department must (issue 19). Sessions live in the store (the
  // SHA-256 of the cookie's token, never the token), so a restart keeps them and several server
  // processes share them; a user can be deactivated (refused at once, sessions ended); failed
  // logins are kept per user and address, so throttling slows an attacker without locking the
  // real user out from another address; every view of a client's data is recorded (AVG), append-
  // only. Sessions and failures are working state, not history: they are deleted when they end.
  Migration v15{15, "sessions, deactivated users, login failures, the access log", {}, {}, {}};
  v15.common = {
      "ALTER TABLE users ADD COLUMN active BIGINT NOT NULL DEFAULT 1",
      "CREATE TABLE sessions (token_hash TEXT PRIMARY KEY, "
      "user_name TEXT NOT NULL REFERENCES users(name), csrf TEXT NOT NULL, "
      "created_at BIGINT NOT NULL, last_seen BIGINT NOT NULL)",
      "CREATE INDEX sessions_user ON sessions (user_name)",
      "CREATE TABLE login_failures (user_name TEXT NOT NULL, remote TEXT NOT NULL, "
      "at BIGINT NOT NULL)",
      "CREATE INDEX login_failures_user ON login_failures (user_name, remote, at)",
      "CREATE INDEX login_failures_remote ON login_failures (remote, at)",
  };
  // The access log is numbered by the database (a view is recorded outside the write lock that
  // the counters need, so a page read never waits for a running month on PostgreSQL).
  const std::string access_columns =
      "at TEXT NOT NULL, user_name TEXT NOT NULL, role TEXT NOT NULL, "
      "client_id TEXT NOT NULL, view TEXT NOT NULL)";
  const std::vector<std::string> access_indexes = {
      "CREATE INDEX access_log_client ON access_log (client_id, seq)",
      "CREATE INDEX access_log_user ON access_log (user_name, seq)"};
  v15.sqlite_only = {"CREATE TABLE access_log (seq INTEGER PRIMARY KEY AUTOINCREMENT, " +
                     access_columns};
  v15.postgresql_only = {
      "CREATE TABLE access_log (seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, " +
      access_columns};
  for (auto* list : {&v15.sqlite_only, &v15.postgresql_only}) {
    list->insert(list->end(), access_indexes.begin(), access_indexes.end());
  }
  for (std::string& t : SqliteAppendOnly({"access_log"})) v15.sqlite_only.push_back(t);
  for (std::string& t : PostgresAppendOnly({"access_log"}, false)) {
    v15.postgresql_only.push_back(t);
  }
  // v16: the second factor and retention (issue 19). A user's TOTP secret (RFC 6238, base32) and
  // the last time step a code was accepted for (a code counts once: a step must be newer than the
  // last); single-use recovery codes, kept as SHA-256. A session has a stage: '' is logged in,
  // others are a login half done ('code': the second factor is asked; 'password': a password an
  // admin set must be replaced; 'enrol': a second factor must be set up, its secret pending in
  // the session). The access log stays append-only except for rows older than its retention
  // cut-off, which only moves forward (ontzorg access prune, audited).
  Migration v16{
      16, "second factor, recovery codes, staged sessions, access-log retention", {}, {}, {}};
  v16.common = {
      "ALTER TABLE users ADD COLUMN totp_secret TEXT NOT NULL DEFAULT ''",
      "ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0",
      "ALTER TABLE sessions ADD COLUMN stage TEXT NOT NULL DEFAULT ''",
      "ALTER TABLE sessions ADD COLUMN pending TEXT NOT NULL DEFAULT ''",
      "CREATE TABLE recovery_codes (user_name TEXT NOT NULL REFERENCES users(name), "
      "code_hash TEXT NOT NULL, used_at TEXT NOT NULL DEFAULT '', "
      "PRIMARY KEY (user_name, code_hash))",
      "CREATE TABLE retention (name TEXT PRIMARY KEY, cutoff TEXT NOT NULL)",
      "INSERT INTO retention (name, cutoff) VALUES ('access_log', '')",
  };
  v16.sqlite_only = {
      "DROP TRIGGER access_log_no_DELETE",
      "CREATE TRIGGER access_log_no_DELETE BEFORE DELETE ON access_log WHEN OLD.at >= "
      "(SELECT cutoff FROM retention WHERE name = 'access_log') BEGIN SELECT RAISE(ABORT, "
      "'the access log is append-only: a row goes only when older than the retention cut-off'); "
      "END",
      "CREATE TRIGGER retention_forward BEFORE UPDATE ON retention WHEN NEW.cutoff < OLD.cutoff "
      "OR NEW.name <> OLD.name BEGIN SELECT RAISE(ABORT, 'a retention cut-off only moves "
      "forward'); END",
      "CREATE TRIGGER retention_no_DELETE BEFORE DELETE ON retention BEGIN SELECT RAISE(ABORT, "
      "'a retention cut-off is never removed'); END",
  };
  v16.postgresql_only = {
      "DROP TRIGGER access_log_append_only ON access_log",
      "CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log FOR EACH ROW EXECUTE "
      "FUNCTION ontzorg_append_only()",
      "CREATE FUNCTION ontzorg_access_retention() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
      "IF OLD.at >= (SELECT cutoff FROM retention WHERE name = 'access_log') THEN RAISE "
      "EXCEPTION 'the access log is append-only: a row goes only when older than the retention "
      "cut-off'; END IF; RETURN OLD; END $$",
      "CREATE TRIGGER access_log_retention BEFORE DELETE ON access_log FOR EACH ROW EXECUTE "
      "FUNCTION ontzorg_access_retention()",
      "CREATE FUNCTION ontzorg_retention_forward() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
      "IF TG_OP = 'DELETE' OR NEW.cutoff < OLD.cutoff OR NEW.name <> OLD.name THEN RAISE "
      "EXCEPTION 'a retention cut-off only moves forward'; END IF; RETURN NEW; END $$",
      "CREATE TRIGGER retention_forward BEFORE UPDATE OR DELETE ON retention FOR EACH ROW EXECUTE "
      "FUNCTION ontzorg_retention_forward()",
  };
  // v17: several municipalities in one store (issue 20). A municipality is data: its code and,
  // per version, its settings (the [municipality], [managed_account], SEPA, month, bridging,
  // double-debit, plausibility and payer sections, as TOML text) from a month on, with who, when
  // and why; the versions are append-only. Every client, run and bank line belongs to one
  // municipality; a store made before is municipality 1 (the configured one, recorded at its
  // first opening). A user may work for some municipalities only.
  Migration v17{
      17,
      "municipalities with effective-dated settings; clients, runs, bank lines and users per one",
      {},
      {},
      {}};
  v17.common = {
      "CREATE TABLE municipalities (id BIGINT PRIMARY KEY, code TEXT NOT NULL UNIQUE, "
      "added_at TEXT NOT NULL, added_by TEXT NOT NULL)",
      "CREATE TABLE municipality_versions (seq BIGINT PRIMARY KEY, "
      "municipality_id BIGINT NOT NULL REFERENCES municipalities(id), valid_from TEXT NOT NULL, "
      "settings TEXT NOT NULL, recorded_at TEXT NOT NULL, recorded_by TEXT NOT NULL, "
      "reason TEXT NOT NULL)",
      "CREATE INDEX municipality_versions_id ON municipality_versions (municipality_id, seq)",
      "ALTER TABLE clients ADD COLUMN municipality_id BIGINT NOT NULL DEFAULT 1",
      "CREATE INDEX clients_municipality ON clients (municipality_id, id)",
      "ALTER TABLE runs ADD COLUMN municipality_id BIGINT NOT NULL DEFAULT 1",
      "ALTER TABLE bank_lines ADD COLUMN municipality_id BIGINT NOT NULL DEFAULT 1",
      // A user who works for some municipalities only (none listed: for all of them).
      "CREATE TABLE user_municipalities (user_name TEXT NOT NULL REFERENCES users(name), "
      "municipality_id BIGINT NOT NULL REFERENCES municipalities(id), granted_at TEXT NOT NULL, "
      "granted_by TEXT NOT NULL, PRIMARY KEY (user_name, municipality_id))",
      "INSERT INTO counters (name, value) VALUES ('municipality_version', 0)",
  };
  v17.sqlite_only = SqliteAppendOnly({"municipality_versions"});
  v17.postgresql_only = PostgresAppendOnly({"municipality_versions"}, false);
  // v18: a batch keeps the municipality's settings version it was prepared with (issue 20), so
  // its files are written, and re-written byte for byte, with the account and name it was
  // approved with, whatever is recorded after. 0: before v18 (its month's settings then).
  Migration v18{18, "the settings version each batch was prepared with", {}, {}, {}};
  v18.common = {"ALTER TABLE runs ADD COLUMN municipality_version BIGINT NOT NULL DEFAULT 0"};
  // v19: a role in each municipality (issue 20): a user may be finance for one and coach for
  // another ('' = their own role), and a session acts in one of them at a time ('' = their own).
  Migration v19{19, "a role per municipality, the role a session acts in", {}, {}, {}};
  v19.common = {
      "ALTER TABLE user_municipalities ADD COLUMN role TEXT NOT NULL DEFAULT ''",
      "ALTER TABLE sessions ADD COLUMN acting_role TEXT NOT NULL DEFAULT ''",
  };
  return {v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15, v16, v17, v18, v19};
}
// NOLINTEND(bugprone-suspicious-missing-comma,readability-function-size)

}  // namespace

const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> kMigrations = Build();
  return kMigrations;
}

}  // namespace ontzorg
