// Store: effective-dated versions of reference records (issue 16).
#include <soci/soci.h>

#include <string>
#include <vector>

#include "adapters/storage/bulk_insert.h"
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
  for (const Version<Row>& v : versions) {
    columns.Encode(v.row, insert);
    insert.Int(NextCounter(sql, "version"))
        .Text(v.valid_from.ToString())
        .Text(JoinFields(v.fields))
        .Text(v.changed_by)
        .Text(v.changed_at)
        .Text(v.reason);
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
  for (const BenefitVersion& v : changes.benefits) {
    b.Int(NextCounter(sql, "version"))
        .Text(v.client.value)
        .Text(v.month.ToString())
        .Int(v.amount.cents())
        .Text(v.changed_by)
        .Text(v.changed_at)
        .Text(v.reason);
  }
  b.Execute(sql, backend);
}

void LoadVersionsOf(soci::session& sql, ImportBatch& existing) {
  ImportBatch::Changes& v = existing.versions;
  if (!existing.creditors.empty()) {
    v.creditors = AllVersions(sql, "creditor_versions", CreditorColumns());
  }
  if (!existing.clients.empty()) v.clients = AllVersions(sql, "client_versions", ClientColumns());
  if (!existing.plans.empty()) v.plans = AllVersions(sql, "plan_versions", PlanColumns());
  if (!existing.bills.empty()) v.bills = AllVersions(sql, "bill_versions", BillColumns());
  if (!existing.toeslagen.empty()) {
    v.toeslagen = AllVersions(sql, "toeslag_versions", ToeslagColumns());
  }
  if (!existing.benefits.empty()) {
    v.benefits = Rows(
        sql,
        "SELECT seq, client_id, month, amount_cents, changed_by, changed_at, change_reason FROM "
        "benefit_versions ORDER BY seq",
        [](const soci::row& r) {
          return BenefitVersion{
              ClientId{GetText(r, 1)}, GetMonth(r, 2), GetMoney(r, 3), GetInt(r, 0),
              GetText(r, 4),           GetText(r, 5),  GetText(r, 6)};
        });
  }
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

Store::ChangeRecord DecodeChange(const soci::row& r) {
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
