// Store: effective-dated versions of reference records (issue 16).
#include <soci/soci.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "adapters/storage/bulk_insert.h"
#include "adapters/storage/transaction.h"
#include "adapters/storage/versions.h"

namespace ontzorg {

std::string JoinFields(const std::vector<std::string>& fields) {
  std::string out;
  for (const std::string& f : fields) out += (out.empty() ? "" : ",") + f;
  return out;
}

std::vector<std::string> SplitFields(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = text.find(',', start);
    const size_t end = comma == std::string::npos ? text.size() : comma;
    if (end > start) out.push_back(text.substr(start, end - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

namespace {

using T = BulkInsert::Type;

template <typename Row>
void InsertAll(soci::session& sql, Backend backend, const std::string& table,
               const Columns<Row>& columns, const std::vector<Version<Row>>& versions) {
  if (versions.empty()) return;
  // The record's columns first, then the meta ones (an INSERT names its columns).
  BulkInsert insert = columns.Insert(table, {{"seq", T::kInt},
                                             {"valid_from", T::kText},
                                             {"fields", T::kText},
                                             {"changed_by", T::kText},
                                             {"changed_at", T::kText},
                                             {"change_reason", T::kText}});
  int64_t seq = ReserveCounters(sql, "version", static_cast<int64_t>(versions.size()));
  for (const Version<Row>& v : versions) {
    columns.Encode(v.row, insert);
    insert.Int(seq++)
        .Text(v.valid_from.ToString())
        .Text(JoinFields(v.fields))
        .Text(v.changed_by)
        .Text(v.changed_at)
        .Text(v.reason);
    insert.ExecuteWhenFull(sql, backend);
  }
  insert.Execute(sql, backend);
}

}  // namespace

void InsertVersions(soci::session& sql, Backend backend, const ImportBatch::Changes& changes) {
  InsertAll(sql, backend, "creditor_versions", CreditorColumns(), changes.creditors);
  InsertAll(sql, backend, "client_versions", ClientColumns(), changes.clients);
  InsertAll(sql, backend, "plan_versions", PlanColumns(), changes.plans);
  InsertAll(sql, backend, "bill_versions", BillColumns(), changes.bills);
  InsertAll(sql, backend, "toeslag_versions", ToeslagColumns(), changes.toeslagen);
  if (changes.benefits.empty()) return;
  BulkInsert b("benefit_versions", {{"seq", T::kInt},
                                    {"client_id", T::kText},
                                    {"month", T::kText},
                                    {"amount_cents", T::kInt},
                                    {"changed_by", T::kText},
                                    {"changed_at", T::kText},
                                    {"change_reason", T::kText}});
  int64_t seq = ReserveCounters(sql, "version", static_cast<int64_t>(changes.benefits.size()));
  for (const BenefitVersion& v : changes.benefits) {
    b.Int(seq++)
        .Text(v.client.value)
        .Text(v.month.ToString())
        .Int(v.amount.cents())
        .Text(v.changed_by)
        .Text(v.changed_at)
        .Text(v.reason);
    b.ExecuteWhenFull(sql, backend);
  }
  b.Execute(sql, backend);
}

}  // namespace ontzorg

namespace ontzorg {
namespace {

// Every change of every record, as one table: kind, record, client_id, valid_from, fields, who,
// when, why, seq.
constexpr const char* kAllChanges =
    "SELECT 'bill' AS kind, 'bill ' || id AS record, client_id, valid_from, fields, changed_by, "
    "changed_at, change_reason, seq FROM bill_versions UNION ALL "
    "SELECT 'creditor', 'creditor ' || id, '', valid_from, fields, changed_by, changed_at, "
    "change_reason, seq FROM creditor_versions UNION ALL "
    "SELECT 'client', 'client ' || id, id, valid_from, fields, changed_by, changed_at, "
    "change_reason, seq FROM client_versions UNION ALL "
    "SELECT 'plan', 'plan ' || client_id, client_id, valid_from, fields, changed_by, changed_at, "
    "change_reason, seq FROM plan_versions UNION ALL "
    "SELECT 'toeslag', 'toeslag ' || kind, client_id, valid_from, fields, changed_by, "
    "changed_at, change_reason, seq FROM toeslag_versions UNION ALL "
    "SELECT 'benefit', 'bijstand ' || month, client_id, month, 'amount', changed_by, changed_at, "
    "change_reason, seq FROM benefit_versions";

Store::ChangeRecord DecodeChange(const StoredRow& r) {
  return {GetText(r, 1), GetText(r, 2), GetMonth(r, 3), GetText(r, 4),
          GetText(r, 5), GetText(r, 6), GetText(r, 7)};
}

}  // namespace

Result<std::vector<Store::ChangeRecord>, Error> Store::ChangesSince(YearMonth month,
                                                                    const std::string& since) {
  return Read("cannot read the changes", [&] {
    const std::string m = month.ToString();
    return Rows(*sql_,
                std::string("SELECT * FROM (") + kAllChanges +
                    ") x WHERE ((x.kind <> 'benefit' AND x.valid_from <= :m) OR (x.kind = "
                    "'benefit' AND x.valid_from = :n)) AND x.changed_at >= :s ORDER BY x.seq",
                DecodeChange, m, m, since);
  });
}

Result<std::vector<Store::ChangeRecord>, Error> Store::ClientChanges(const ClientId& client) {
  return Read("cannot read the client's changes", [&] {
    return Rows(
        *sql_,
        std::string("SELECT * FROM (") + kAllChanges + ") x WHERE x.client_id = :c ORDER BY x.seq",
        DecodeChange, client.value);
  });
}

}  // namespace ontzorg

// --- The coach's work list (issue 16) -----------------------------------------------------------
namespace ontzorg {

Result<std::vector<WorkSignal>, Error> Store::WorkSignals(const std::optional<ClientId>& client) {
  return Read("cannot read the signals", [&] {
    const std::string c = client ? client->value : "";
    std::vector<WorkSignal> out;
    ForEachRow(
        *sql_,
        "SELECT f.run_id, f.client_id, f.code, f.bill_id, f.amount_cents, f.detail, r.month, "
        "r.started_at, f.detail_nl FROM findings f JOIN runs r ON r.id = f.run_id LEFT JOIN "
        "batch_outcomes o "
        "ON o.run_id = r.id WHERE (o.state IS NULL OR o.state <> 'cancelled') AND (:c = '' OR "
        "f.client_id = :c2) AND " +
            ScopeClause("r.municipality_id") + " ORDER BY f.run_id, f.client_id",
        [&](const StoredRow& r) {
          WorkSignal w;
          w.client = ClientId{GetText(r, 1)};
          w.code = GetText(r, 2);
          w.bill = GetText(r, 3);
          w.id = "F" + std::to_string(GetInt(r, 0)) + ":" + w.client.value + ":" + w.code + ":" +
                 w.bill;
          w.amount = GetMoney(r, 4);
          w.detail = GetText(r, 5);
          w.month = GetText(r, 6);
          w.raised_at = GetText(r, 7);
          w.detail_nl = GetText(r, 8);
          // A run raises one work item per client, kind and bill.
          if (out.empty() || out.back().id != w.id) out.push_back(std::move(w));
        },
        c, c);
    ForEachRow(
        *sql_,
        "SELECT id, client_id, code, amount_cents, detail, at, detail_nl FROM client_signals "
        "WHERE (:c = '' OR client_id = :c2) AND " +
            ScopeClient("client_id") + " ORDER BY id",
        [&](const StoredRow& r) {
          WorkSignal w;
          w.id = "S" + std::to_string(GetInt(r, 0));
          w.client = ClientId{GetText(r, 1)};
          w.code = GetText(r, 2);
          w.amount = GetMoney(r, 3);
          w.detail = GetText(r, 4);
          w.raised_at = GetText(r, 5);
          w.detail_nl = GetText(r, 6);
          out.push_back(std::move(w));
        },
        c, c);
    std::map<std::string, size_t> index;
    for (size_t i = 0; i < out.size(); ++i) index[out[i].id] = i;
    ForEachRow(
        *sql_,
        "SELECT signal, state, user_name, at, note FROM signal_states WHERE (:c = '' OR "
        "client_id = :c2) ORDER BY seq",
        [&](const StoredRow& r) {
          const auto it = index.find(GetText(r, 0));
          if (it == index.end()) return;
          WorkSignal& w = out[it->second];
          w.state = GetText(r, 1);
          w.state_by = GetText(r, 2);
          w.state_at = GetText(r, 3);
          w.note = GetText(r, 4);
        },
        c, c);
    return out;
  });
}

Result<WorkSignal, Error> Store::SetSignalState(const SignalStateChange& change, const Actor& by) {
  if (change.state != "open" && change.state != "in_progress" && change.state != "done") {
    return Fail(ErrorCode::kBadInput,
                "state: '" + change.state + "' is not one of open, in_progress, done");
  }
  WorkSignal found;
  auto applied = Atomically([&]() -> Result<Changes, Error> {
    // Read inside the write transaction: the item is the one stored when the state is written.
    std::string client;
    if (change.signal.size() > 1 && change.signal.size() < 19 && change.signal[0] == 'S' &&
        change.signal.find_first_not_of("0123456789", 1) == std::string::npos) {
      const long long id = std::stoll(change.signal.substr(1));
      client = FirstRow(
                   *sql_, "SELECT client_id FROM client_signals WHERE id = :i",
                   [](const StoredRow& r) { return GetText(r, 0); }, id)
                   .value_or("");
    } else if (change.signal.rfind('F', 0) == 0) {
      const size_t colon = change.signal.find(':');
      if (colon != std::string::npos) client = change.signal.substr(colon + 1);
      client = client.substr(0, client.find(':'));
    }
    auto items = WorkSignals(ClientId{client});
    if (!items) return Unexpected(items.error());
    const auto it = std::find_if(items->begin(), items->end(),
                                 [&](const WorkSignal& w) { return w.id == change.signal; });
    if (client.empty() || it == items->end()) {
      return Fail(ErrorCode::kBadInput, "signal: no signal '" + change.signal + "'");
    }
    found = *it;
    if (!change.coach.empty()) {
      auto coach = CoachOf(found.client);
      if (!coach) return Unexpected(coach.error());
      if (!*coach || **coach != change.coach) {
        return Fail(ErrorCode::kRefused,
                    "client " + found.client.value + " is not in your caseload; nothing changed");
      }
    }
    const int64_t seq = NextCounter(*sql_, "signal_state");
    *sql_ << "INSERT INTO signal_states (seq, signal, client_id, state, user_name, at, note) "
             "VALUES (:q, :s, :c, :t, :u, :a, :n)",
        soci::use(seq), soci::use(change.signal), soci::use(found.client.value),
        soci::use(change.state), soci::use(by.user), soci::use(by.at), soci::use(change.note);
    found.state = change.state;
    found.state_by = by.user;
    found.state_at = by.at;
    found.note = change.note;
    Changes c;
    c.audit.push_back(
        {0, by.at, by.user, "signal." + change.state, "client:" + found.client.value,
         change.signal + " " + found.code + (change.note.empty() ? "" : ": ") + change.note});
    return c;
  });
  if (!applied) return Unexpected(applied.error());
  return found;
}

}  // namespace ontzorg

// --- Write-off requests (issue 16) --------------------------------------------------------------
namespace ontzorg {

Result<std::vector<WriteOffRequest>, Error> Store::WriteOffRequests(
    const std::optional<ClientId>& client) {
  return Read("cannot read the write-off requests", [&] {
    const std::string c = client ? client->value : "";
    std::vector<WriteOffRequest> out;
    ForEachRow(
        *sql_,
        "SELECT q.id, q.client_id, q.amount_cents, q.reason, q.requested_by, q.requested_at, "
        "d.decision, d.decided_by, d.decided_at, d.note, d.write_off_id FROM write_off_requests q "
        "LEFT JOIN write_off_decisions d ON d.request_id = q.id WHERE (:c = '' OR q.client_id = "
        ":c2) AND " +
            ScopeClient("q.client_id") + " ORDER BY q.id",
        [&](const StoredRow& r) {
          WriteOffRequest w;
          w.id = GetInt(r, 0);
          w.client = ClientId{GetText(r, 1)};
          w.amount = GetMoney(r, 2);
          w.reason = GetText(r, 3);
          w.requested_by = GetText(r, 4);
          w.requested_at = GetText(r, 5);
          w.decision = GetText(r, 6);
          w.decided_by = GetText(r, 7);
          w.decided_at = GetText(r, 8);
          w.note = GetText(r, 9);
          w.write_off = GetText(r, 10);
          out.push_back(std::move(w));
        },
        c, c);
    return out;
  });
}

Result<int64_t, Error> Store::AddWriteOffRequest(const WriteOffRequest& q) {
  try {
    WriteTransaction tx(*this);
    const auto id = static_cast<long long>(NextCounter(*sql_, "write_off_request"));
    const long long cents = q.amount.cents();
    *sql_ << "INSERT INTO write_off_requests (id, client_id, amount_cents, reason, requested_by, "
             "requested_at) VALUES (:i, :c, :a, :r, :b, :t)",
        soci::use(id), soci::use(q.client.value), soci::use(cents), soci::use(q.reason),
        soci::use(q.requested_by), soci::use(q.requested_at);
    tx.Commit();
    return int64_t{id};
  } catch (const std::exception& e) {
    return WriteFailed("write-off request not recorded (nothing changed)", e);
  }
}

Status<Error> Store::AddWriteOffDecision(const WriteOffRequest& d) {
  try {
    WriteTransaction tx(*this);
    const auto id = static_cast<long long>(d.id);
    soci::indicator recorded = d.write_off.empty() ? soci::i_null : soci::i_ok;
    *sql_ << "INSERT INTO write_off_decisions (request_id, decision, decided_by, decided_at, note, "
             "write_off_id) VALUES (:i, :d, :b, :t, :n, :w)",
        soci::use(id), soci::use(d.decision), soci::use(d.decided_by), soci::use(d.decided_at),
        soci::use(d.note), soci::use(d.write_off, recorded);
    tx.Commit();
    return {};
  } catch (const std::exception& e) {
    return WriteFailed("write-off decision not recorded (nothing changed)", e);
  }
}

}  // namespace ontzorg
