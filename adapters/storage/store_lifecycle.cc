// Store: users, the audit log, batch and payment states, holds, direct debits and the bank's
// feedback. Every change goes through Apply(): one transaction, all of it or none.
#include <soci/soci.h>

#include <algorithm>
#include <atomic>
#include <stdexcept>
#include <type_traits>

#include "adapters/storage/bulk_insert.h"
#include "adapters/storage/query.h"
#include "adapters/storage/row_codec.h"
#include "adapters/storage/store.h"
#include "adapters/storage/transaction.h"
#include "adapters/storage/versions.h"
#include "engine/invariant.h"

namespace ontzorg {
namespace {

// "a, b, c" placeholders are not portable across SOCI backends for vectors; ids are looked up
// in slices with one query each, bound one by one.
template <typename F>
void ForEachSlice(const std::vector<std::string>& ids, size_t slice, F f) {
  for (size_t i = 0; i < ids.size(); i += slice) {
    f(std::vector<std::string>(
        ids.begin() + static_cast<std::ptrdiff_t>(i),
        ids.begin() + static_cast<std::ptrdiff_t>(std::min(ids.size(), i + slice))));
  }
}

// Runs `sql` (ending in "IN (") for `ids` with the values inlined as quoted literals. The ids
// were produced by our own code or checked as SEPA identifiers, but quotes are doubled anyway.
std::string InList(const std::vector<std::string>& ids) {
  std::string out = "(";
  for (size_t i = 0; i < ids.size(); ++i) {
    out += (i ? ",'" : "'");
    for (char c : ids[i]) out += c == '\'' ? std::string("''") : std::string(1, c);
    out += "'";
  }
  return out + ")";
}

// A sent payment: its columns (alias p), then its file's MsgId and id, and its run.
std::string SentColumns() { return PaymentColumns().Select("p") + ", f.msg_id, f.id, p.run_id"; }

Store::SentRecord DecodeSent(const StoredRow& r) {
  const size_t n = PaymentColumns().size();
  return Store::SentRecord{.payment = PaymentColumns().Decode(r),
                           .msg_id = GetText(r, n),
                           .file_id = GetInt(r, n + 1),
                           .run_id = GetInt(r, n + 2)};
}

using Type = BulkInsert::Type;

const Columns<BankLineRow>& LineColumns() {
  using L = BankLineRow;
  static const Columns<L> kColumns = {
      {"id", Type::kText, [](const StoredRow& r, size_t i, L& o) { o.id = GetText(r, i); },
       [](const L& v, BulkInsert& b) { b.Text(v.id); }},
      {"dedup_key", Type::kText,
       [](const StoredRow& r, size_t i, L& o) { o.dedup_key = GetText(r, i); },
       [](const L& v, BulkInsert& b) { b.Text(v.dedup_key); }},
      {"statement_id", Type::kText,
       [](const StoredRow& r, size_t i, L& o) { o.statement_id = GetText(r, i); },
       [](const L& v, BulkInsert& b) { b.Text(v.statement_id); }},
      {"account", Type::kText,
       [](const StoredRow& r, size_t i, L& o) { o.account = GetText(r, i); },
       [](const L& v, BulkInsert& b) { b.Text(v.account); }},
      {"line", Type::kInt, [](const StoredRow& r, size_t i, L& o) { o.line = GetInt(r, i); },
       [](const L& v, BulkInsert& b) { b.Int(v.line); }},
      {"booked_on", Type::kText,
       [](const StoredRow& r, size_t i, L& o) { o.booked_on = GetOptDate(r, i); },
       [](const L& v, BulkInsert& b) {
         b.OptText(v.booked_on ? std::optional<std::string>(v.booked_on->ToString())
                               : std::nullopt);
       }},
      {"amount_cents", Type::kInt,
       [](const StoredRow& r, size_t i, L& o) { o.amount = GetMoney(r, i); },
       [](const L& v, BulkInsert& b) { b.Int(v.amount.cents()); }},
      {"money_in", Type::kInt,
       [](const StoredRow& r, size_t i, L& o) { o.money_in = GetInt(r, i) != 0; },
       [](const L& v, BulkInsert& b) { b.Int(v.money_in ? 1 : 0); }},
      {"kind", Type::kText, [](const StoredRow& r, size_t i, L& o) { o.kind = GetText(r, i); },
       [](const L& v, BulkInsert& b) { b.Text(v.kind); }},
      {"client_id", Type::kText,
       [](const StoredRow& r, size_t i, L& o) {
         if (auto c = GetOptText(r, i)) o.client = ClientId{*c};
       },
       [](const L& v, BulkInsert& b) {
         b.OptText(v.client ? std::optional<std::string>(v.client->value) : std::nullopt);
       }},
      {"payments", Type::kText,
       [](const StoredRow& r, size_t i, L& o) { o.payments = GetText(r, i); },
       [](const L& v, BulkInsert& b) { b.Text(v.payments); }},
      {"reason_code", Type::kText,
       [](const StoredRow& r, size_t i, L& o) { o.reason_code = GetText(r, i); },
       [](const L& v, BulkInsert& b) { b.Text(v.reason_code); }},
      {"counterparty", Type::kText,
       [](const StoredRow& r, size_t i, L& o) { o.counterparty = GetText(r, i); },
       [](const L& v, BulkInsert& b) { b.Text(v.counterparty); }},
      {"remittance", Type::kText,
       [](const StoredRow& r, size_t i, L& o) { o.remittance = GetText(r, i); },
       [](const L& v, BulkInsert& b) { b.Text(v.remittance); }},
      {"detail", Type::kText, [](const StoredRow& r, size_t i, L& o) { o.detail = GetText(r, i); },
       [](const L& v, BulkInsert& b) { b.Text(v.detail); }},
  };
  return kColumns;
}

// A bank line (alias l) with the kind it was assigned by hand (alias a), if it was.
std::string LineSelect() {
  return "SELECT " + LineColumns().Select("l") +
         ", a.kind FROM bank_lines l LEFT JOIN bank_assignments a ON a.line_id = l.id";
}

BankLineRow DecodeLine(const StoredRow& r) {
  BankLineRow l = LineColumns().Decode(r);
  l.assigned_kind = GetOptText(r, LineColumns().size());
  return l;
}

User DecodeUser(const StoredRow& r) {
  return User{.name = GetText(r, 0),
              .role = GetText(r, 1),
              .full_name = GetText(r, 2),
              .has_password = !GetText(r, 3).empty(),
              .password_set_by = GetText(r, 4),
              .phone = GetText(r, 5),
              .active = GetInt(r, 6) != 0,
              .second_factor = GetInt(r, 7) != 0};
}

AuditRecord DecodeAudit(const StoredRow& r) {
  return AuditRecord{.seq = GetInt(r, 0),
                     .at = GetText(r, 1),
                     .user = GetText(r, 2),
                     .action = GetText(r, 3),
                     .subject = GetText(r, 4),
                     .detail = GetText(r, 5)};
}

void InsertReceipt(soci::session& sql, const Receipt& r, const Actor& recorded) {
  const std::string &by = recorded.user, &at = recorded.at;
  const std::string kind = ToString(r.kind), received = r.received_on.ToString(),
                    landed = ToString(r.landed_on);
  const long long cents = r.amount.cents();
  const std::optional<std::string> from =
      r.covers_from ? std::optional<std::string>(r.covers_from->ToString()) : std::nullopt;
  const std::optional<std::string> to =
      r.covers_to ? std::optional<std::string>(r.covers_to->ToString()) : std::nullopt;
  soci::indicator from_ind = from ? soci::i_ok : soci::i_null;
  soci::indicator to_ind = to ? soci::i_ok : soci::i_null;
  const std::string from_v = from.value_or(""), to_v = to.value_or("");
  sql << "INSERT INTO receipts (id, client_id, kind, received_on, amount_cents, covers_from, "
         "covers_to, landed_on, recorded_by, recorded_at) VALUES (:i, :c, :k, :r, :a, :f, :t, "
         ":l, :b, :w)",
      soci::use(r.id), soci::use(r.client.value), soci::use(kind), soci::use(received),
      soci::use(cents), soci::use(from_v, from_ind), soci::use(to_v, to_ind), soci::use(landed),
      soci::use(by), soci::use(at);
}

}  // namespace

bool IsKnownRole(const std::string& role) {
  return role == "finance" || role == "coach" || role == "admin" || role == "auditor";
}

const BatchStateRow* BatchRecord::Find(const std::string& state) const {
  for (const BatchStateRow& s : states) {
    if (s.state == state) return &s;
  }
  return nullptr;
}

BatchFacts BatchRecord::Facts() const {
  return BatchFacts{ParseBatchState(State()).value_or(BatchState::kPrepared), run.user};
}

std::string BatchRecord::State() const {
  for (const char* s : {"cancelled", "exported", "approved", "prepared"}) {
    if (Find(s)) return s;
  }
  return "";
}

Status<Error> Store::AddUser(const User& user, const Actor& actor) {
  const std::string &by = actor.user, &at = actor.at;
  try {
    WriteTransaction tx(*this);
    int n = 0;
    *sql_ << "SELECT COUNT(*) FROM users WHERE name = :n", soci::use(user.name), soci::into(n);
    if (n > 0) {
      return Fail(ErrorCode::kConflict, "user '" + user.name + "' already exists; nothing changed");
    }
    *sql_ << "INSERT INTO users (name, role, full_name, phone, created_by, created_at) VALUES "
             "(:n, :r, :f, :p, :b, :a)",
        soci::use(user.name), soci::use(user.role), soci::use(user.full_name),
        soci::use(user.phone), soci::use(by), soci::use(at);
    InsertAudit(*sql_, {0, at, by, "user.added", "user:" + user.name, "role " + user.role});
    tx.Commit();
    return {};
  } catch (const std::exception& e) {
    return WriteFailed("cannot add the user (nothing changed)", e);
  }
}

Result<std::optional<User>, Error> Store::FindUser(const std::string& name) {
  return Read("cannot read users", [&] {
    return FirstRow(*sql_,
                    "SELECT name, role, full_name, password_hash, password_set_by, phone, active, "
                    "CASE WHEN totp_secret <> '' THEN 1 ELSE 0 END FROM users "
                    "WHERE name = :n",
                    DecodeUser, name);
  });
}

Result<std::vector<User>, Error> Store::Users() {
  return Read("cannot read users", [&] {
    return Rows(*sql_,
                "SELECT name, role, full_name, password_hash, password_set_by, phone, active, "
                "CASE WHEN totp_secret <> '' THEN 1 ELSE 0 END FROM users "
                "ORDER BY name",
                DecodeUser);
  });
}

Result<std::string, Error> Store::PasswordHash(const std::string& name) {
  return Read("cannot read users", [&] {
    return FirstRow(
               *sql_, "SELECT password_hash FROM users WHERE name = :n",
               [](const StoredRow& r) { return GetText(r, 0); }, name)
        .value_or("");
  });
}

Status<Error> Store::SetPasswordHash(const PasswordChange& change, const Actor& actor) {
  const std::string &name = change.user, &hash = change.scrypt_hash;
  const std::string &by = actor.user, &at = actor.at;
  try {
    WriteTransaction tx(*this);
    int n = 0;
    *sql_ << "SELECT COUNT(*) FROM users WHERE name = :n", soci::use(name), soci::into(n);
    if (n == 0) return Fail(ErrorCode::kBadInput, "no user '" + name + "'; nothing changed");
    *sql_ << "UPDATE users SET password_hash = :h, password_set_by = :b WHERE name = :n",
        soci::use(hash), soci::use(by), soci::use(name);
    *sql_ << "DELETE FROM sessions WHERE user_name = :n AND token_hash <> :k", soci::use(name),
        soci::use(change.keep_session);
    InsertAudit(*sql_, {0, at, by, "user.password_set", "user:" + name,
                        by == name ? "scrypt, by its owner" : "scrypt, set by " + by});
    tx.Commit();
    return {};
  } catch (const std::exception& e) {
    return WriteFailed("cannot set the password (nothing changed)", e);
  }
}

Status<Error> Store::AssignCaseload(
    const std::vector<std::pair<ClientId, std::string>>& assignments, const Actor& actor) {
  const std::string &by = actor.user, &at = actor.at;
  try {
    WriteTransaction tx(*this);
    for (const auto& [client, coach] : assignments) {
      const auto municipality = FirstRow(
          *sql_, "SELECT municipality_id FROM clients WHERE id = :c",
          [](const StoredRow& r) { return GetInt(r, 0); }, client.value);
      if (!municipality) {
        return Fail(ErrorCode::kBadInput, "no client '" + client.value + "'; nothing changed");
      }
      // A coach of the client's municipality (issue 20: a role in each municipality).
      auto role = RoleIn(coach, *municipality);
      if (!role) return Unexpected(role.error());
      if (*role != "coach") {
        return Fail(ErrorCode::kBadInput,
                    "'" + coach + "' is not a registered coach" +
                        (role->empty() ? std::string(" of client ") + client.value +
                                             "'s municipality (ontzorg user municipalities)"
                                       : std::string(" (ontzorg user add --role coach)")) +
                        "; nothing changed");
      }
      const long long seq = NextCounter(*sql_, "caseload");
      *sql_ << "INSERT INTO caseload (seq, client_id, coach, assigned_by, assigned_at) VALUES "
               "(:s, :c, :k, :b, :a)",
          soci::use(seq), soci::use(client.value), soci::use(coach), soci::use(by), soci::use(at);
      InsertAudit(*sql_,
                  {0, at, by, "caseload.assigned", "client:" + client.value, "coach " + coach});
    }
    tx.Commit();
    return {};
  } catch (const std::exception& e) {
    return WriteFailed("cannot assign the caseload (nothing changed)", e);
  }
}

Result<std::map<std::string, std::string>, Error> Store::Coaches() {
  return Read("cannot read the caseloads", [&] {
    std::map<std::string, std::string> out;
    ForEachRow(*sql_, "SELECT client_id, coach FROM caseload ORDER BY seq",
               [&](const StoredRow& r) { out[GetText(r, 0)] = GetText(r, 1); });
    return out;
  });
}

Result<std::optional<std::string>, Error> Store::CoachOf(const ClientId& client) {
  return Read("cannot read the caseloads", [&] {
    return FirstRow(
        *sql_, "SELECT coach FROM caseload WHERE client_id = :c ORDER BY seq DESC LIMIT 1",
        [](const StoredRow& r) { return GetText(r, 0); }, client.value);
  });
}

Result<Store::AuditVerification, Error> Store::VerifyAuditLog() {
  return Read("cannot read the audit log", [&] {
    AuditVerification v;
    std::string prev;
    int64_t expected_seq = 1;
    bool chained = false;
    ForEachRow(
        *sql_,
        "SELECT seq, at, user_name, action, subject, detail, prev_hash, hash FROM audit_log "
        "ORDER BY seq",
        [&](const StoredRow& r) {
          const AuditRecord a = DecodeAudit(r);
          const std::string stored_prev = GetText(r, 6), stored = GetText(r, 7);
          ++v.rows;
          const std::string where = "audit row " + std::to_string(a.seq) + " (" + a.at + " " +
                                    a.action + " " + a.subject + ")";
          if (a.seq != expected_seq) {
            v.problems.push_back("audit rows " + std::to_string(expected_seq) + ".." +
                                 std::to_string(a.seq - 1) + " are missing (removed)");
          }
          expected_seq = a.seq + 1;
          if (stored.empty() && !chained) {  // written before schema v5
            ++v.unchained;
            return;
          }
          if (stored_prev != prev) {
            v.problems.push_back(where +
                                 ": does not follow the row before it (previous hash differs): "
                                 "a row was changed, removed or inserted");
          }
          if (AuditChainHash(stored_prev, a) != stored) {
            v.problems.push_back(where +
                                 ": its content was changed after it was written (hash does not "
                                 "match)");
          }
          chained = true;
          prev = stored;
        });
    v.head = prev;
    const int64_t counter = Count(*sql_, "SELECT value FROM counters WHERE name = 'audit'");
    if (counter != expected_seq - 1) {
      v.problems.push_back("the audit counter is at " + std::to_string(counter) +
                           " but the last row is " + std::to_string(expected_seq - 1) +
                           ": rows at the end were removed");
    }
    return v;
  });
}

Result<std::vector<AuditRecord>, Error> Store::AuditLog(const std::string& subject_prefix) {
  return Read("cannot read the audit log", [&] {
    const std::string like = subject_prefix + "%";
    return Rows(*sql_,
                "SELECT seq, at, user_name, action, subject, detail FROM audit_log WHERE subject "
                "LIKE :p ORDER BY seq",
                DecodeAudit, like);
  });
}

Result<std::vector<BatchRecord>, Error> Store::Batches() {
  return Read("cannot read batches", [&] {
    std::vector<BatchRecord> out;
    std::map<int64_t, size_t> index;
    ForEachRow(*sql_,
               "SELECT id, month, run_date, started_at, user_name, kind, payments, amount_cents, "
               "municipality_id, municipality_version FROM runs WHERE payments > 0 AND " +
                   ScopeClause("municipality_id") + " ORDER BY id",
               [&](const StoredRow& r) {
                 BatchRecord b;
                 b.run = {.id = GetInt(r, 0),
                          .month = GetMonth(r, 1),
                          .run_date = GetDate(r, 2),
                          .started_at = GetText(r, 3),
                          .user = GetText(r, 4),
                          .kind = GetText(r, 5),
                          .municipality = GetInt(r, 8),
                          .settings_version = GetInt(r, 9)};
                 b.payments = GetInt(r, 6);
                 b.amount = GetMoney(r, 7);
                 index[b.run.id] = out.size();
                 out.push_back(std::move(b));
               });
    ForEachRow(*sql_,
               "SELECT run_id, state, user_name, at, detail FROM batch_states ORDER BY at, run_id",
               [&](const StoredRow& r) {
                 const auto it = index.find(GetInt(r, 0));
                 if (it == index.end()) return;
                 out[it->second].states.push_back({.state = GetText(r, 1),
                                                   .user = GetText(r, 2),
                                                   .at = GetText(r, 3),
                                                   .detail = GetText(r, 4)});
               });
    for (BatchRecord& b : out) {  // same second: the lifecycle's own order
      const auto rank = [](const std::string& s) {
        return s == "prepared" ? 0 : s == "approved" ? 1 : s == "exported" ? 2 : 3;
      };
      std::stable_sort(b.states.begin(), b.states.end(),
                       [&](const BatchStateRow& x, const BatchStateRow& y) {
                         return x.at != y.at ? x.at < y.at : rank(x.state) < rank(y.state);
                       });
    }
    return out;
  });
}

Result<std::optional<BatchRecord>, Error> Store::Batch(int64_t run_id) {
  auto all = Batches();
  if (!all) return Unexpected(all.error());
  for (const BatchRecord& b : *all) {
    if (b.run.id == run_id) return std::optional<BatchRecord>(b);
  }
  return std::optional<BatchRecord>();
}

Result<std::vector<Payment>, Error> Store::BatchPayments(int64_t run_id) {
  std::vector<Payment> out;
  if (auto s = ForEachBatchPayment(run_id, [&](Payment p) { out.push_back(std::move(p)); }); !s) {
    return Unexpected(s.error());
  }
  return out;
}

Status<Error> Store::ForEachBatchPayment(int64_t run_id, const std::function<void(Payment)>& use) {
  // Through the batch's files (the payments_file index): reading one batch costs that batch, not
  // every batch stored (issue 20: the tenth of ten municipalities' approvals scanned the payments
  // of all ten). A payment is always in a file of its own run; run_id is still required, so a row
  // put into the batch's file under another run changes the digest (the export reads by file).
  const std::string run = std::to_string(run_id);
  const std::string select = "SELECT " + PaymentColumns().Select() +
                             " FROM payments WHERE file_id IN (SELECT id FROM files WHERE "
                             "run_id = " +
                             run + ") AND run_id = " + run +
                             " ORDER BY file_id, execution_date, end_to_end_id";
  const auto each = [&](const StoredRow& r) { use(PaymentColumns().Decode(r)); };
  // libpq receives a whole result before its first row (270 MiB for a batch of 400,000
  // payments): PostgreSQL hands the batch through a cursor, batch_fetch_rows_ at a time. WITH HOLD
  // lets it outlive a statement outside a transaction; it is closed even when reading fails.
  static std::atomic<int64_t> cursors{0};
  const std::string cursor = "batch_payments_" + std::to_string(++cursors);  // unique per read
  auto read = Read("cannot read a batch's payments", [&] {
    if (backend_ == Backend::kSqlite) {  // SQLite steps row by row
      ForEachRow(*sql_, select, each);
      return true;
    }
    *sql_ << "DECLARE " + cursor + " NO SCROLL CURSOR WITH HOLD FOR " + select;
    try {
      for (int64_t got = batch_fetch_rows_; got == batch_fetch_rows_;) {
        got = 0;
        ForEachRow(*sql_, "FETCH FORWARD " + std::to_string(batch_fetch_rows_) + " FROM " + cursor,
                   [&](const StoredRow& r) {
                     ++got;
                     each(r);
                   });
      }
    } catch (...) {
      try {
        *sql_ << "CLOSE " + cursor;
      } catch (const std::exception&) {  // an aborted transaction closes it with itself
      }
      throw;
    }
    *sql_ << "CLOSE " + cursor;
    return true;
  });
  if (!read) return Unexpected(read.error());
  return {};
}

Result<std::vector<Store::SentRecord>, Error> Store::PaymentsByEndToEndId(
    const std::vector<std::string>& ids) {
  return Read("cannot read payments", [&] {
    std::vector<SentRecord> out;
    ForEachSlice(ids, 500, [&](const std::vector<std::string>& slice) {
      ForEachRow(*sql_,
                 "SELECT " + SentColumns() +
                     " FROM payments p JOIN files f ON f.id = p.file_id WHERE p.end_to_end_id IN " +
                     InList(slice),
                 [&](const StoredRow& r) { out.push_back(DecodeSent(r)); });
    });
    return out;
  });
}

Result<std::vector<Store::SentRecord>, Error> Store::PaymentsByMsgId(const std::string& msg_id) {
  return Read("cannot read a file's payments", [&] {
    return Rows(*sql_,
                "SELECT " + SentColumns() +
                    " FROM payments p JOIN files f ON f.id = p.file_id WHERE f.msg_id = :m ORDER "
                    "BY p.execution_date, p.end_to_end_id",
                DecodeSent, msg_id);
  });
}

Result<std::set<std::string>, Error> Store::BillsPaidAtRisk(
    const std::vector<std::string>& creditors) {
  return Read("cannot read the creditors' payments", [&] {
    std::set<std::string> out;
    if (creditors.empty()) return out;
    ForEachRow(*sql_,
               "SELECT DISTINCT p.bill_id FROM payments p JOIN files f ON f.id = p.file_id JOIN "
               "bills b ON b.id = p.bill_id WHERE p.double_debit_risk <> 0 AND b.creditor_id IN " +
                   InList(creditors),
               [&](const StoredRow& r) { out.insert(GetText(r, 0)); });
    return out;
  });
}

Result<std::optional<std::string>, Error> Store::ReplacementOf(const std::string& key) {
  return Read("cannot read payments", [&] {
    return FirstRow(
        *sql_, "SELECT end_to_end_id FROM payments WHERE replaces = :k",
        [](const StoredRow& r) { return GetText(r, 0); }, key);
  });
}

Result<std::vector<PaymentStateRow>, Error> Store::PaymentStates(
    const std::vector<std::string>& ids) {
  return Read("cannot read payment states", [&] {
    std::vector<PaymentStateRow> out;
    ForEachSlice(ids, 500, [&](const std::vector<std::string>& slice) {
      ForEachRow(*sql_,
                 "SELECT end_to_end_id, state, reason_code, source, at, detail FROM "
                 "payment_states WHERE end_to_end_id IN " +
                     InList(slice) + " ORDER BY at, end_to_end_id",
                 [&](const StoredRow& r) {
                   out.push_back({.end_to_end_id = GetText(r, 0),
                                  .state = GetText(r, 1),
                                  .reason_code = GetText(r, 2),
                                  .source = GetText(r, 3),
                                  .at = GetText(r, 4),
                                  .detail = GetText(r, 5)});
                 });
    });
    return out;
  });
}

Result<std::set<std::string>, Error> Store::ExistingEntryKeys(
    const std::vector<std::string>& keys) {
  return Read("cannot read ledger keys", [&] {
    std::set<std::string> out;
    ForEachSlice(keys, 500, [&](const std::vector<std::string>& slice) {
      ForEachRow(*sql_, "SELECT key FROM entries WHERE key IN " + InList(slice),
                 [&](const StoredRow& r) { out.insert(GetText(r, 0)); });
    });
    return out;
  });
}

Result<std::optional<BankFileRow>, Error> Store::BankFileBySha256(const std::string& sha256) {
  return Read("cannot read bank files", [&] {
    return FirstRow(
        *sql_,
        "SELECT format, msg_id, name, sha256, imported_at, user_name, summary FROM bank_files "
        "WHERE sha256 = :s",
        [](const StoredRow& r) {
          return BankFileRow{.format = GetText(r, 0),
                             .msg_id = GetText(r, 1),
                             .name = GetText(r, 2),
                             .sha256 = GetText(r, 3),
                             .imported_at = GetText(r, 4),
                             .user = GetText(r, 5),
                             .summary = GetText(r, 6)};
        },
        sha256);
  });
}

Result<std::set<std::string>, Error> Store::ExistingBankLines(
    const std::vector<std::string>& keys) {
  return Read("cannot read bank lines", [&] {
    std::set<std::string> out;
    ForEachSlice(keys, 200, [&](const std::vector<std::string>& slice) {
      ForEachRow(*sql_, "SELECT dedup_key FROM bank_lines WHERE dedup_key IN " + InList(slice),
                 [&](const StoredRow& r) { out.insert(GetText(r, 0)); });
    });
    return out;
  });
}

Result<std::vector<BankLineRow>, Error> Store::BankLines(const std::string& kind) {
  return Read("cannot read bank lines", [&] {
    // "listed": every line waiting for a person (unmatched, duplicate, conflict) not yet
    // assigned or ignored.
    if (kind == "listed") {
      return Rows(*sql_,
                  LineSelect() +
                      " WHERE l.kind IN ('unmatched', 'duplicate', 'conflict') AND a.kind IS NULL "
                      "AND " +
                      ScopeClause("l.municipality_id") + " ORDER BY l.file_id, l.line, l.id",
                  DecodeLine);
    }
    return Rows(*sql_,
                LineSelect() + " WHERE (:k = '' OR l.kind = :k2) AND " +
                    ScopeClause("l.municipality_id") + " ORDER BY l.file_id, l.line, l.id",
                DecodeLine, kind, kind);
  });
}

Result<std::optional<BankLineRow>, Error> Store::BankLine(const std::string& id) {
  return Read("cannot read a bank line", [&] {
    return FirstRow(*sql_,
                    LineSelect() + " WHERE l.id = :i AND " + ScopeClause("l.municipality_id"),
                    DecodeLine, id);
  });
}

Result<std::vector<SignalRow>, Error> Store::ClientSignals(const std::optional<ClientId>& client) {
  return Read("cannot read signals", [&] {
    const std::string c = client ? client->value : "";
    return Rows(
        *sql_,
        "SELECT client_id, code, amount_cents, detail, source, at, detail_nl FROM client_signals "
        "WHERE (:c = '' OR client_id = :c2) AND " +
            ScopeClient("client_id") + " ORDER BY id",
        [](const StoredRow& r) {
          return SignalRow{.client = ClientId{GetText(r, 0)},
                           .code = GetText(r, 1),
                           .amount = GetMoney(r, 2),
                           .detail = GetText(r, 3),
                           .source = GetText(r, 4),
                           .at = GetText(r, 5),
                           .detail_nl = GetText(r, 6)};
        },
        c, c);
  });
}

Result<std::vector<DirectDebitRecord>, Error> Store::DirectDebits(const ClientId& client) {
  return Read("cannot read direct debits", [&] {
    return Rows(
        *sql_,
        "SELECT " + DirectDebitColumns().Select() +
            " FROM direct_debits WHERE client_id = :c ORDER BY recorded_at, id",
        [](const StoredRow& r) { return DirectDebitColumns().Decode(r); }, client.value);
  });
}

Result<std::vector<Store::HoldRecord>, Error> Store::OpenHolds(
    const std::optional<ClientId>& client) {
  return Read("cannot read held bills", [&] {
    const std::string c = client ? client->value : "";
    return Rows(
        *sql_,
        "SELECT h.client_id, h.bill_id, h.bill_kind, h.period, h.amount_cents, h.due_date, "
        "h.run_id FROM holds h LEFT JOIN entries e ON e.key = h.key WHERE e.key IS NULL AND (:c "
        "= '' OR h.client_id = :c2) AND " +
            ScopeClient("h.client_id") + " ORDER BY h.client_id, h.period, h.bill_id",
        [](const StoredRow& r) {
          return HoldRecord{.client = ClientId{GetText(r, 0)},
                            .bill = {.bill = BillId{GetText(r, 1)},
                                     .kind = ParseBillKind(GetText(r, 2)).value_or(BillKind::kRent),
                                     .period = GetMonth(r, 3),
                                     .amount = GetMoney(r, 4),
                                     .due = GetDate(r, 5)},
                            .run_id = GetInt(r, 6)};
        },
        c, c);
  });
}

Result<std::optional<Store::OneOffRecord>, Error> Store::FindOneOff(const std::string& decision) {
  return Read("cannot read a one-off payment", [&] {
    return FirstRow(
        *sql_,
        "SELECT decision, client_id, creditor_id, amount_cents, funding, description, due_date, "
        "payment_key, run_id, recorded_by FROM one_offs WHERE decision = :d",
        [](const StoredRow& r) {
          OneOffRecord o;
          o.one_off.decision = GetText(r, 0);
          o.one_off.client = ClientId{GetText(r, 1)};
          if (auto creditor = GetOptText(r, 2)) o.one_off.creditor = CreditorId{*creditor};
          o.one_off.amount = GetMoney(r, 3);
          const auto funding = ParseOneOffFunding(GetText(r, 4));
          OZ_INVARIANT(funding.has_value(), "a stored one-off's funding is one the code knows");
          o.one_off.funding = *funding;
          o.one_off.description = GetText(r, 5);
          o.one_off.due = GetDate(r, 6);
          o.payment_key = GetText(r, 7);
          o.run_id = GetInt(r, 8);
          o.recorded_by = GetText(r, 9);
          return o;
        },
        decision);
  });
}

Result<std::optional<Bill>, Error> Store::FindBill(const BillId& bill) {
  return Read("cannot read a bill", [&] {
    auto found = FirstRow(
        *sql_, "SELECT " + BillColumns().Select() + " FROM bills WHERE id = :i",
        [](const StoredRow& r) { return BillColumns().Decode(r); }, bill.value);
    if (found) {
      found = AsOf(*found, VersionsById(*sql_, "bill_versions", BillColumns(), bill.value),
                   std::nullopt);
    }
    return found;
  });
}

Result<std::vector<Bill>, Error> Store::BillsOfCreditors(
    const std::vector<std::string>& creditors) {
  return Read("cannot read the creditors' bills", [&] {
    std::vector<Bill> out;
    if (creditors.empty()) return out;
    ForEachRow(*sql_,
               "SELECT " + BillColumns().Select() + " FROM bills WHERE creditor_id IN " +
                   InList(creditors) + " ORDER BY id",
               [&](const StoredRow& r) { out.push_back(BillColumns().Decode(r)); });
    return out;
  });
}

Result<std::set<std::string>, Error> Store::ClientIds() {
  return Read("cannot read client ids", [&] {
    std::set<std::string> out;
    ForEachRow(*sql_, "SELECT id FROM clients WHERE " + ScopeClause("municipality_id"),
               [&](const StoredRow& r) { out.insert(GetText(r, 0)); });
    return out;
  });
}

Result<std::vector<Client>, Error> Store::SearchClients(const std::string& query,
                                                        const std::optional<std::string>& coach,
                                                        int limit) {
  return Read("cannot search clients", [&] {
    std::string lowered;
    for (char c : query) lowered += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string escaped;  // LIKE wildcards in the query are literal
    for (char c : lowered) {
      if (c == '%' || c == '_' || c == '!') escaped += '!';
      escaped += c;
    }
    const std::string prefix = escaped + "%", contains = "%" + escaped + "%";
    const std::string who = coach.value_or("");
    const int only_coach = coach ? 1 : 0;
    const long long n = limit;
    std::vector<Client> found = Rows(
        *sql_,
        "SELECT " + ClientColumns().Select() +
            " FROM clients WHERE (LOWER(id) LIKE :p ESCAPE '!' OR LOWER(name) LIKE :c ESCAPE '!') "
            "AND (:o = 0 OR id IN (SELECT k.client_id FROM caseload k WHERE k.coach = :k AND "
            "k.seq = (SELECT MAX(k2.seq) FROM caseload k2 WHERE k2.client_id = k.client_id))) "
            "AND " +
            ScopeClause("municipality_id") + " ORDER BY id LIMIT :n",
        [](const StoredRow& r) { return ClientColumns().Decode(r); }, prefix, contains, only_coach,
        who, n);
    for (Client& c : found) {
      c = AsOf(c, VersionsById(*sql_, "client_versions", ClientColumns(), c.id.value),
               std::nullopt);
    }
    return found;
  });
}

Result<std::vector<Receipt>, Error> Store::ReceiptsOf(const ClientId& client) {
  return Read("cannot read a client's receipts", [&] {
    return Rows(*sql_,
                "SELECT " + ReceiptColumns().Select("r") +
                    ", p.month FROM receipts r LEFT JOIN processed p ON p.item = 'receipt:' || "
                    "r.id WHERE r.client_id = :c ORDER BY r.id",
                DecodeReceiptProcessed, client.value);
  });
}

Result<std::optional<Client>, Error> Store::FindClient(const ClientId& client) {
  return Read("cannot read a client", [&] {
    auto found = FirstRow(
        *sql_, "SELECT " + ClientColumns().Select() + " FROM clients WHERE id = :i",
        [](const StoredRow& r) { return ClientColumns().Decode(r); }, client.value);
    if (found) {
      found = AsOf(*found, VersionsById(*sql_, "client_versions", ClientColumns(), client.value),
                   std::nullopt);
    }
    return found;
  });
}

Result<std::optional<ReliefPlan>, Error> Store::FindPlan(const ClientId& client) {
  return Read("cannot read a relief plan", [&] {
    auto found = FirstRow(
        *sql_, "SELECT " + PlanColumns().Select() + " FROM plans WHERE client_id = :c",
        [](const StoredRow& r) { return PlanColumns().Decode(r); }, client.value);
    if (found) {
      found = AsOf(*found,
                   LoadVersions(*sql_, PlanColumns(),
                                "SELECT " + VersionMetaSelect() + PlanColumns().Select() +
                                    " FROM plan_versions WHERE client_id = :k",
                                client.value),
                   std::nullopt);
    }
    return found;
  });
}

Result<int64_t, Error> Store::NextNumber(const std::string& name) {
  try {
    WriteTransaction tx(*this);
    const int64_t n = NextCounter(*sql_, name);
    tx.Commit();
    return n;
  } catch (const std::exception& e) {
    return WriteFailed("cannot number the record (nothing changed)", e);
  }
}

namespace {

// A correction as a version of the record (issue 16): the record was wrong, so the version holds
// for every month (valid from 1970-01; a change dated later still takes over from its month). What
// was sent is not rewritten: every payment row keeps the account it was sent to, and a batch
// prepared before the correction is named at its approval.
template <typename Row>
void InsertCorrection(soci::session& sql, Backend backend, const AuditRecord& audit, Row row,
                      std::vector<std::string> fields) {
  Version<Row> v{YearMonth(),
                 0,
                 std::move(fields),
                 std::move(row),
                 audit.user,
                 audit.at,
                 audit.action + ": " + audit.detail};
  ImportBatch::Changes changes;
  if constexpr (std::is_same_v<Row, Client>) {
    changes.clients.push_back(std::move(v));
  } else {
    changes.creditors.push_back(std::move(v));
  }
  InsertVersions(sql, backend, changes);
}

}  // namespace

Status<Error> Store::CorrectBankName(const ClientId& client, const std::string& bank_name,
                                     const AuditRecord& audit) {
  try {
    WriteTransaction tx(*this);
    auto current = FindClient(client);
    if (!current || !*current) throw std::runtime_error("no client " + client.value);
    Client row = **current;
    row.bank_name = bank_name;
    InsertCorrection(*sql_, backend_, audit, row, {"bank_name"});
    InsertAudit(*sql_, audit);
    tx.Commit();
    return {};
  } catch (const std::exception& e) {
    return WriteFailed("cannot record the name (nothing changed)", e);
  }
}

Status<Error> Store::CorrectAccount(AccountHolder holder, const std::string& id, const Iban& iban,
                                    const std::optional<std::string>& bic,
                                    const AuditRecord& audit) {
  try {
    WriteTransaction tx(*this);
    if (holder == AccountHolder::kCreditor) {
      auto creditors = LoadCreditors(std::nullopt);
      if (!creditors || !creditors->count(CreditorId{id})) {
        throw std::runtime_error("no creditor " + id);
      }
      Creditor row = creditors->at(CreditorId{id});
      row.iban = iban;
      row.bic = bic;
      InsertCorrection(*sql_, backend_, audit, row, {"iban", "bic"});
    } else {
      auto current = FindClient(ClientId{id});
      if (!current || !*current) throw std::runtime_error("no client " + id);
      Client row = **current;
      row.own_iban = iban;
      InsertCorrection(*sql_, backend_, audit, row, {"iban"});
    }
    InsertAudit(*sql_, audit);
    tx.Commit();
    return {};
  } catch (const std::exception& e) {
    return WriteFailed("cannot correct the account (nothing changed)", e);
  }
}

Result<Applied, Error> Store::Apply(const Changes& changes) {
  return Atomically([&]() -> Result<Changes, Error> { return changes; });
}

Result<Applied, Error> Store::Atomically(const std::function<Result<Changes, Error>()>& decide) {
  try {
    WriteTransaction tx(*this);
    auto changes = decide();
    if (!changes) return Unexpected(changes.error());  // rolled back
    Applied applied = ApplyChanges(*changes);
    tx.Commit();
    return applied;
  } catch (const std::exception& e) {
    return WriteFailed("not stored (nothing changed)", e);
  }
}

namespace {

void InsertEntries(soci::session& sql, const std::vector<Changes::RunEntry>& entries) {
  for (const Changes::RunEntry& re : entries) {
    const Entry& e = re.entry;
    const std::string month = e.month.ToString(), kind = ToString(e.kind),
                      on = e.booked_on.ToString();
    const long long run = re.run_id, cents = e.amount.cents();
    sql << "INSERT INTO entries (key, client_id, month, kind, booked_on, run_id, "
           "debit_account, credit_account, amount_cents) VALUES (:k, :c, :m, :i, :b, :r, :d, "
           ":x, :a)",
        soci::use(e.key), soci::use(e.client.value), soci::use(month), soci::use(kind),
        soci::use(on), soci::use(run), soci::use(e.debit_account.value),
        soci::use(e.credit_account.value), soci::use(cents);
  }
}

void InsertPaymentStates(soci::session& sql, Backend backend,
                         const std::vector<PaymentStateRow>& states) {
  BulkInsert insert("payment_states", {{"end_to_end_id", Type::kText},
                                       {"state", Type::kText},
                                       {"reason_code", Type::kText},
                                       {"source", Type::kText},
                                       {"at", Type::kText},
                                       {"detail", Type::kText}});
  for (const PaymentStateRow& p : states) {
    insert.Text(p.end_to_end_id)
        .Text(p.state)
        .Text(p.reason_code)
        .Text(p.source)
        .Text(p.at)
        .Text(p.detail);
    insert.ExecuteWhenFull(sql, backend);
  }
  insert.Execute(sql, backend);
}

void InsertBatchStates(soci::session& sql,
                       const std::vector<std::pair<int64_t, BatchStateRow>>& states) {
  for (const auto& [run_id, s] : states) {
    const long long run = run_id;
    sql << "INSERT INTO batch_states (run_id, state, user_name, at, detail) VALUES (:r, :s, "
           ":u, :a, :d)",
        soci::use(run), soci::use(s.state), soci::use(s.user), soci::use(s.at), soci::use(s.detail);
    if (s.state == "exported" || s.state == "cancelled") {
      // The last line of defence: a batch has one final state (primary key).
      sql << "INSERT INTO batch_outcomes (run_id, state, at) VALUES (:r, :s, :a)", soci::use(run),
          soci::use(s.state), soci::use(s.at);
    }
  }
}

void MarkFilesWritten(soci::session& sql, const std::vector<FileRecord>& files) {
  for (const FileRecord& f : files) {
    sql << "UPDATE files SET status = 'written', written_path = :p, sha256 = :a, sha1 = :b "
           "WHERE id = :i",
        soci::use(f.written_path), soci::use(f.sha256), soci::use(f.sha1), soci::use(f.id);
  }
}

// The bank file, its lines (ids BF<file>-<n>) and the receipts booked from them.
void InsertBankFile(soci::session& sql, Backend backend, const Changes& c, Applied& applied) {
  const BankFileRow& f = *c.bank_file;
  const long long id = NextCounter(sql, "bank_file");
  applied.bank_file_id = id;
  sql << "INSERT INTO bank_files (id, format, msg_id, name, sha256, imported_at, user_name, "
         "summary) VALUES (:i, :f, :m, :n, :s, :a, :u, :y)",
      soci::use(id), soci::use(f.format), soci::use(f.msg_id), soci::use(f.name),
      soci::use(f.sha256), soci::use(f.imported_at), soci::use(f.user), soci::use(f.summary);
  BulkInsert lines = LineColumns().Insert(
      "bank_lines", {{"file_id", Type::kInt}, {"municipality_id", Type::kInt}});
  for (size_t i = 0; i < c.bank_lines.size(); ++i) {
    BankLineRow line = c.bank_lines[i];
    line.id = "BF" + std::to_string(id) + "-" + std::to_string(i + 1);
    applied.line_ids.push_back(line.id);
    LineColumns().Encode(line, lines);
    lines.Int(id).Int(line.municipality > 0 ? line.municipality : 1);
    lines.ExecuteWhenFull(sql, backend);
  }
  lines.Execute(sql, backend);
  for (const StatementBalance& b : c.balances) {
    const std::string on = b.booked_on.ToString();
    const long long cents = b.amount.cents();
    sql << "INSERT INTO statement_balances (file_id, account, statement_id, booked_on, "
           "amount_cents) VALUES (:f, :a, :s, :d, :c)",
        soci::use(id), soci::use(b.account), soci::use(b.statement_id), soci::use(on),
        soci::use(cents);
  }
  for (const auto& [index, receipt] : c.line_receipts) {
    Receipt r = receipt;
    r.id = applied.line_ids.at(index);
    InsertReceipt(sql, r, c.recorded);
  }
}

void InsertAssignments(soci::session& sql, const std::vector<AssignmentRow>& assignments) {
  for (const AssignmentRow& a : assignments) {
    soci::indicator ind = a.client ? soci::i_ok : soci::i_null;
    const std::string client = a.client ? a.client->value : "";
    sql << "INSERT INTO bank_assignments (line_id, client_id, kind, reason, user_name, at) "
           "VALUES (:l, :c, :k, :r, :u, :a)",
        soci::use(a.line_id), soci::use(client, ind), soci::use(a.kind), soci::use(a.reason),
        soci::use(a.user), soci::use(a.at);
  }
}

void InsertSignals(soci::session& sql, const std::vector<SignalRow>& signals) {
  for (const SignalRow& s : signals) {
    const long long id = NextCounter(sql, "signal");
    const long long cents = s.amount.cents();
    sql << "INSERT INTO client_signals (id, client_id, code, amount_cents, detail, source, at, "
           "detail_nl) VALUES (:i, :c, :k, :a, :d, :s, :t, :n)",
        soci::use(id), soci::use(s.client.value), soci::use(s.code), soci::use(cents),
        soci::use(s.detail), soci::use(s.source), soci::use(s.at), soci::use(s.detail_nl);
  }
}

}  // namespace

// Each kind of row in a fixed order: the bank file before the receipts that name its lines.
Applied Store::ApplyChanges(const Changes& c) {
  soci::session& sql = *sql_;
  Applied applied;
  InsertEntries(sql, c.entries);
  InsertPaymentStates(sql, backend_, c.payment_states);
  InsertBatchStates(sql, c.batch_states);
  MarkFilesWritten(sql, c.files_written);
  if (c.bank_file) InsertBankFile(sql, backend_, c, applied);
  for (const Receipt& r : c.receipts) InsertReceipt(sql, r, c.recorded);
  InsertAssignments(sql, c.assignments);
  InsertDirectDebits(sql, backend_, c.direct_debits, c.recorded);
  InsertSignals(sql, c.signals);
  for (const AuditRecord& a : c.audit) InsertAudit(sql, a);
  return applied;
}

}  // namespace ontzorg
