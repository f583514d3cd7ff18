// Store: reference data (creditors, clients, plans, bills, benefits) in and out.
#include <soci/soci.h>

#include <algorithm>
#include <functional>
#include <set>

#include "adapters/storage/bulk_insert.h"
#include "adapters/storage/query.h"
#include "adapters/storage/row_codec.h"
#include "adapters/storage/store.h"
#include "adapters/storage/transaction.h"
#include "adapters/storage/versions.h"

namespace ontzorg {
namespace {

using T = BulkInsert::Type;

// Inserts `rows` through their column table (and `extra` columns each `append_extra` fills),
// kBulkRows at a time.
template <typename Row>
void InsertAll(soci::session& sql, Backend backend, const std::string& table,
               const Columns<Row>& columns, const std::vector<Row>& rows,
               const std::vector<std::pair<std::string, T>>& extra = {},
               const std::function<void(BulkInsert&)>& append_extra = nullptr) {
  BulkInsert insert = columns.Insert(table, extra);
  for (const Row& row : rows) {
    columns.Encode(row, insert);
    if (append_extra) append_extra(insert);
    insert.ExecuteWhenFull(sql, backend);
  }
  insert.Execute(sql, backend);
}

void InsertBenefits(soci::session& sql, Backend backend,
                    const std::vector<ImportBatch::Benefit>& rows) {
  BulkInsert t("benefits",
               {{"client_id", T::kText}, {"month", T::kText}, {"amount_cents", T::kInt}});
  for (const auto& b : rows) {
    t.Text(b.client.value).Text(b.month.ToString()).Int(b.amount.cents());
    t.ExecuteWhenFull(sql, backend);
  }
  t.Execute(sql, backend);
}

void InsertReferenceData(soci::session& sql, Backend backend, const ImportBatch& batch,
                         int64_t municipality) {
  InsertAll(sql, backend, "creditors", CreditorColumns(), batch.creditors);
  InsertAll(sql, backend, "clients", ClientColumns(), batch.clients, {{"municipality_id", T::kInt}},
            [&](BulkInsert& b) { b.Int(municipality); });
  InsertAll(sql, backend, "plans", PlanColumns(), batch.plans);
  InsertAll(sql, backend, "bills", BillColumns(), batch.bills);
  InsertBenefits(sql, backend, batch.benefits);
  InsertAll(sql, backend, "toeslagen", ToeslagColumns(), batch.toeslagen);
  InsertAll(sql, backend, "receipts", ReceiptColumns(), batch.receipts,
            {{"recorded_by", T::kText}, {"recorded_at", T::kText}},
            [&](BulkInsert& b) { b.Text(batch.recorded_by).Text(batch.recorded_at); });
}

void InsertLearning(soci::session& sql, Backend backend, const ImportBatch& batch) {
  const auto recorded_at = [&](BulkInsert& b) { b.Text(batch.recorded_at); };
  InsertAll(sql, backend, "assessments", AssessmentColumns(), batch.assessments,
            {{"recorded_at", T::kText}}, recorded_at);
  InsertAll(sql, backend, "hand_overs", HandOverColumns(), batch.hand_overs,
            {{"recorded_at", T::kText}}, recorded_at);
  InsertAll(sql, backend, "confirmations", ConfirmationColumns(), batch.confirmations,
            {{"recorded_at", T::kText}}, recorded_at);
  InsertDirectDebits(sql, backend, batch.direct_debits, {batch.recorded_by, batch.recorded_at});
}

// Every stored row of a table, through its column table.
template <typename Row>
std::vector<Row> AllRows(soci::session& sql, const std::string& table,
                         const Columns<Row>& columns) {
  return Rows(sql, "SELECT " + columns.Select() + " FROM " + table,
              [&](const StoredRow& r) { return columns.Decode(r); });
}

}  // namespace

Result<ImportBatch, Error> Store::LoadExisting(const ImportBatch& batch) {
  soci::session& sql = *sql_;
  return Read("cannot read the store", [&] {
    ImportBatch out;
    const auto any = [](std::initializer_list<bool> non_empty) {
      return std::find(non_empty.begin(), non_empty.end(), true) != non_empty.end();
    };
    if (any({!batch.creditors.empty(), !batch.bills.empty()})) {
      out.creditors = AllRows(sql, "creditors", CreditorColumns());
    }
    if (any({!batch.clients.empty(), !batch.plans.empty(), !batch.bills.empty(),
             !batch.benefits.empty(), !batch.toeslagen.empty(), !batch.receipts.empty(),
             !batch.assessments.empty(), !batch.hand_overs.empty(),
             !batch.confirmations.empty()})) {
      out.clients = AllRows(sql, "clients", ClientColumns());
      // Those of other municipalities (issue 20): a row naming one is refused.
      ForEachRow(
          sql,
          "SELECT c.id, m.code FROM clients c JOIN municipalities m ON m.id = c.municipality_id "
          "WHERE c.municipality_id <> :m",
          [&](const StoredRow& r) { out.clients_elsewhere[GetText(r, 0)] = GetText(r, 1); },
          ImportMunicipality(batch));
    }
    if (any({!batch.plans.empty(), !batch.hand_overs.empty()})) {
      out.plans = AllRows(sql, "plans", PlanColumns());
    }
    if (!batch.direct_debits.empty()) {
      out.direct_debits = AllRows(sql, "direct_debits", DirectDebitColumns());
    }
    if (any({!batch.bills.empty(), !batch.hand_overs.empty(), !batch.confirmations.empty(),
             !batch.direct_debits.empty()})) {
      out.bills = AllRows(sql, "bills", BillColumns());
    }
    if (!batch.toeslagen.empty()) out.toeslagen = AllRows(sql, "toeslagen", ToeslagColumns());
    if (!batch.receipts.empty()) out.receipts = AllRows(sql, "receipts", ReceiptColumns());
    if (!batch.assessments.empty()) {
      out.assessments = AllRows(sql, "assessments", AssessmentColumns());
    }
    if (!batch.hand_overs.empty()) out.hand_overs = AllRows(sql, "hand_overs", HandOverColumns());
    if (!batch.confirmations.empty()) {
      out.confirmations = AllRows(sql, "confirmations", ConfirmationColumns());
    }
    std::set<std::string> months;
    for (const auto& b : batch.benefits) months.insert(b.month.ToString());
    for (const std::string& m : months) {
      ForEachRow(
          sql, "SELECT client_id, month, amount_cents FROM benefits WHERE month = :m",
          [&](const StoredRow& r) {
            out.benefits.push_back({ClientId{GetText(r, 0)}, GetMonth(r, 1), GetMoney(r, 2)});
          },
          m);
    }
    LoadVersionsOf(sql, out);
    const std::string last =
        FirstRow(sql,
                 "SELECT MAX(r.month) FROM runs r JOIN batch_outcomes o ON "
                 "o.run_id = r.id WHERE o.state = 'exported' AND r.kind = 'month'",
                 [](const StoredRow& r) { return GetText(r, 0); })
            .value_or("");
    if (auto month = YearMonth::Parse(last)) out.exported_through = *month;
    return out;
  });
}

namespace {
// The audit row of an import or of one record typed by hand (nothing when nothing is added, so
// importing the same files again changes no byte of the store).
std::optional<AuditRecord> ImportAudit(const ImportBatch& b) {
  std::string detail;
  std::set<std::string> clients;
  const auto count = [&](size_t n, const char* what) {
    if (n > 0) detail += (detail.empty() ? "" : ", ") + std::to_string(n) + " " + what;
  };
  count(b.creditors.size(), "creditors");
  count(b.clients.size(), "clients");
  count(b.plans.size(), "plans");
  count(b.bills.size(), "bills");
  count(b.benefits.size(), "bijstand amounts");
  count(b.toeslagen.size(), "toeslag expectations");
  count(b.receipts.size(), "receipts");
  count(b.assessments.size(), "assessments");
  count(b.hand_overs.size(), "hand-overs");
  count(b.confirmations.size(), "confirmations");
  count(b.direct_debits.size(), "direct-debit records");
  count(b.versions.size(), "changes");
  if (detail.empty()) return std::nullopt;
  for (const auto& r : b.receipts) clients.insert(r.client.value);
  for (const auto& a : b.assessments) clients.insert(a.client.value);
  for (const auto& h : b.hand_overs) clients.insert(h.client.value);
  for (const auto& c : b.confirmations) clients.insert(c.client.value);
  // A change typed for one client (a rent increase on the client page) is that client's record.
  const ImportBatch::Changes& v = b.versions;
  for (const auto& x : v.clients) clients.insert(x.row.id.value);
  for (const auto& x : v.plans) clients.insert(x.row.client.value);
  for (const auto& x : v.bills) clients.insert(x.row.client.value);
  for (const auto& x : v.toeslagen) clients.insert(x.row.client.value);
  for (const auto& x : v.benefits) clients.insert(x.client.value);
  const bool one_client = b.creditors.empty() && b.clients.empty() && b.plans.empty() &&
                          b.bills.empty() && b.benefits.empty() && b.toeslagen.empty() &&
                          b.direct_debits.empty() && v.creditors.empty() && clients.size() == 1;
  return AuditRecord{0,
                     b.recorded_at,
                     b.recorded_by.empty() ? "import" : b.recorded_by,
                     one_client ? "client.recorded" : "import",
                     one_client ? "client:" + *clients.begin() : "import",
                     detail};
}
}  // namespace

int64_t Store::ImportMunicipality(const ImportBatch& batch) const {
  if (batch.municipality > 0) return batch.municipality;
  return scope() > 0 ? scope() : 1;
}

Status<Error> Store::Insert(const ImportBatch& batch) {
  try {
    WriteTransaction tx(*this);
    InsertReferenceData(*sql_, backend_, batch, ImportMunicipality(batch));
    InsertLearning(*sql_, backend_, batch);
    InsertVersions(*sql_, backend_, batch.versions);
    if (const auto audit = ImportAudit(batch)) InsertAudit(*sql_, *audit);
    tx.Commit();
    return {};
  } catch (const std::exception& e) {
    return WriteFailed("import not stored (nothing changed)", e);
  }
}

}  // namespace ontzorg
