// Store: reference data (creditors, clients, plans, bills, benefits) in and out.
#include <soci/soci.h>

#include <set>

#include "adapters/storage/bulk_insert.h"
#include "adapters/storage/row_codec.h"
#include "adapters/storage/store.h"

namespace ontzorg {
namespace {

using T = BulkInsert::Type;

std::optional<std::string> OptDate(const std::optional<Date>& d) {
  return d ? std::optional<std::string>(d->ToString()) : std::nullopt;
}

void InsertCreditors(soci::session& sql, Backend backend, const std::vector<Creditor>& rows) {
  BulkInsert t("creditors", {{"id", T::kText},
                             {"name", T::kText},
                             {"iban", T::kText},
                             {"bic", T::kText},
                             {"street", T::kText},
                             {"building", T::kText},
                             {"postcode", T::kText},
                             {"town", T::kText},
                             {"country", T::kText}});
  for (const Creditor& c : rows) {
    t.Text(c.id.value)
        .Text(c.name)
        .Text(c.iban.compact())
        .OptText(c.bic)
        .Text(c.address.street)
        .Text(c.address.building)
        .Text(c.address.postcode)
        .Text(c.address.town)
        .Text(c.address.country);
  }
  t.Execute(sql, backend);
}

void InsertClients(soci::session& sql, Backend backend, const std::vector<Client>& rows) {
  BulkInsert t("clients", {{"id", T::kText},
                           {"bsn", T::kText},
                           {"name", T::kText},
                           {"household", T::kText},
                           {"iban", T::kText},
                           {"adults", T::kInt},
                           {"children", T::kInt},
                           {"language", T::kText}});
  for (const Client& c : rows) {
    t.Text(c.id.value)
        .Text(c.bsn)
        .Text(c.name)
        .Text(ToString(c.household))
        .Text(c.own_iban.compact())
        .Int(c.adults)
        .Int(c.children)
        .Text(c.language);
  }
  t.Execute(sql, backend);
}

void InsertPlans(soci::session& sql, Backend backend, const std::vector<ReliefPlan>& rows) {
  BulkInsert t("plans", {{"client_id", T::kText},
                         {"kind", T::kText},
                         {"benefit_start", T::kText},
                         {"benefit_end", T::kText},
                         {"extension_end", T::kText},
                         {"extension_reason", T::kText},
                         {"bills", T::kText},
                         {"period_start", T::kText},
                         {"period_end", T::kText},
                         {"reason", T::kText}});
  for (const ReliefPlan& p : rows) {
    t.Text(p.client.value)
        .Text(ToString(p.kind))
        .Text(p.benefit_start.ToString())
        .OptText(OptDate(p.benefit_end))
        .OptText(OptDate(p.extension_end))
        .Text(p.extension_reason)
        .Text(EncodeBillKinds(p.bills))
        .OptText(OptDate(p.period_start))
        .OptText(OptDate(p.period_end))
        .Text(p.reason);
  }
  t.Execute(sql, backend);
}

void InsertBills(soci::session& sql, Backend backend, const std::vector<Bill>& rows) {
  BulkInsert t("bills", {{"id", T::kText},
                         {"client_id", T::kText},
                         {"kind", T::kText},
                         {"creditor_id", T::kText},
                         {"amount_cents", T::kInt},
                         {"schedule", T::kText},
                         {"due_day", T::kInt},
                         {"reference_kind", T::kText},
                         {"reference", T::kText},
                         {"start_date", T::kText},
                         {"end_date", T::kText}});
  for (const Bill& b : rows) {
    t.Text(b.id.value)
        .Text(b.client.value)
        .Text(ToString(b.kind))
        .Text(b.creditor.value)
        .Int(b.amount.cents())
        .Text(ToString(b.schedule))
        .Int(b.due_day)
        .Text(ToString(b.reference.kind))
        .Text(b.reference.value)
        .Text(b.start.ToString())
        .OptText(OptDate(b.end));
  }
  t.Execute(sql, backend);
}

void InsertBenefits(soci::session& sql, Backend backend,
                    const std::vector<ImportBatch::Benefit>& rows) {
  BulkInsert t("benefits",
               {{"client_id", T::kText}, {"month", T::kText}, {"amount_cents", T::kInt}});
  for (const auto& b : rows) t.Text(b.client.value).Text(b.month.ToString()).Int(b.amount.cents());
  t.Execute(sql, backend);
}

std::optional<std::string> OptMonth(const std::optional<YearMonth>& m) {
  return m ? std::optional<std::string>(m->ToString()) : std::nullopt;
}

void InsertToeslagen(soci::session& sql, Backend backend,
                     const std::vector<ToeslagExpectation>& rows) {
  BulkInsert t("toeslagen", {{"client_id", T::kText},
                             {"kind", T::kText},
                             {"applied_on", T::kText},
                             {"right_from", T::kText},
                             {"monthly_cents", T::kInt},
                             {"first_payment", T::kText},
                             {"paid_to", T::kText}});
  for (const ToeslagExpectation& e : rows) {
    t.Text(e.client.value)
        .Text(ToString(e.kind))
        .Text(e.applied_on.ToString())
        .Text(e.right_from.ToString())
        .Int(e.monthly.cents())
        .OptText(OptDate(e.first_payment))
        .Text(ToString(e.paid_to));
  }
  t.Execute(sql, backend);
}

void InsertReceipts(soci::session& sql, Backend backend, const ImportBatch& batch) {
  BulkInsert t("receipts", {{"id", T::kText},
                            {"client_id", T::kText},
                            {"kind", T::kText},
                            {"received_on", T::kText},
                            {"amount_cents", T::kInt},
                            {"covers_from", T::kText},
                            {"covers_to", T::kText},
                            {"landed_on", T::kText},
                            {"recorded_by", T::kText},
                            {"recorded_at", T::kText}});
  for (const Receipt& r : batch.receipts) {
    t.Text(r.id)
        .Text(r.client.value)
        .Text(ToString(r.kind))
        .Text(r.received_on.ToString())
        .Int(r.amount.cents())
        .OptText(OptMonth(r.covers_from))
        .OptText(OptMonth(r.covers_to))
        .Text(ToString(r.landed_on))
        .Text(batch.recorded_by)
        .Text(batch.recorded_at);
  }
  t.Execute(sql, backend);
}

void InsertLearning(soci::session& sql, Backend backend, const ImportBatch& batch) {
  BulkInsert a("assessments", {{"id", T::kText},
                               {"client_id", T::kText},
                               {"assessed_on", T::kText},
                               {"assessed_by", T::kText},
                               {"note", T::kText},
                               {"levels", T::kText},
                               {"recorded_at", T::kText}});
  for (const Assessment& x : batch.assessments) {
    a.Text(x.id)
        .Text(x.client.value)
        .Text(x.on.ToString())
        .Text(x.by)
        .Text(x.note)
        .Text(EncodeLevels(x.levels))
        .Text(batch.recorded_at);
  }
  a.Execute(sql, backend);
  BulkInsert h("hand_overs", {{"id", T::kText},
                              {"client_id", T::kText},
                              {"bill_id", T::kText},
                              {"state", T::kText},
                              {"from_month", T::kText},
                              {"reason", T::kText},
                              {"decided_by", T::kText},
                              {"decided_on", T::kText},
                              {"recorded_at", T::kText}});
  for (const HandOverDecision& d : batch.hand_overs) {
    h.Text(d.id)
        .Text(d.client.value)
        .Text(d.bill.value)
        .Text(ToString(d.state))
        .Text(d.from.ToString())
        .Text(d.reason)
        .Text(d.by)
        .Text(d.decided_on.ToString())
        .Text(batch.recorded_at);
  }
  h.Execute(sql, backend);
  BulkInsert c("confirmations", {{"client_id", T::kText},
                                 {"bill_id", T::kText},
                                 {"period", T::kText},
                                 {"paid", T::kInt},
                                 {"confirmed_by", T::kText},
                                 {"confirmed_on", T::kText},
                                 {"recorded_at", T::kText}});
  for (const PaymentConfirmation& x : batch.confirmations) {
    c.Text(x.client.value)
        .Text(x.bill.value)
        .Text(x.period.ToString())
        .Int(x.paid ? 1 : 0)
        .Text(x.by)
        .Text(x.on.ToString())
        .Text(batch.recorded_at);
  }
  c.Execute(sql, backend);
  for (const DirectDebitRecord& d : batch.direct_debits) {
    const std::string id = "DD" + std::to_string(NextCounter(sql, "direct_debit")),
                      status = ToString(d.status), on = d.on.ToString();
    sql << "INSERT INTO direct_debits (id, bill_id, client_id, status, on_date, confirmed_by, "
           "note, recorded_by, recorded_at) VALUES (:i, :b, :c, :s, :o, :f, :n, :r, :a)",
        soci::use(id), soci::use(d.bill.value), soci::use(d.client.value), soci::use(status),
        soci::use(on), soci::use(d.confirmed_by), soci::use(d.note), soci::use(batch.recorded_by),
        soci::use(batch.recorded_at);
  }
}

}  // namespace

Result<ImportBatch, Error> Store::LoadExisting(const ImportBatch& batch) {
  try {
    ImportBatch out;
    if (!batch.creditors.empty() || !batch.bills.empty()) {
      auto creditors = LoadCreditors();
      if (!creditors) return Unexpected(creditors.error());
      for (auto& [id, c] : *creditors) out.creditors.push_back(c);
    }
    if (!batch.clients.empty() || !batch.plans.empty() || !batch.bills.empty() ||
        !batch.benefits.empty() || !batch.toeslagen.empty() || !batch.receipts.empty() ||
        !batch.assessments.empty() || !batch.hand_overs.empty() || !batch.confirmations.empty()) {
      soci::rowset<soci::row> rows =
          (sql_->prepare << "SELECT " << kClientColumns << " FROM clients");
      for (const soci::row& r : rows) out.clients.push_back(DecodeClient(r, 0));
    }
    if (!batch.plans.empty() || !batch.hand_overs.empty()) {
      soci::rowset<soci::row> rows = (sql_->prepare << "SELECT " << kPlanColumns << " FROM plans");
      for (const soci::row& r : rows) out.plans.push_back(DecodePlan(r, 0));
    }
    if (!batch.direct_debits.empty()) {
      soci::rowset<soci::row> rows =
          (sql_->prepare << "SELECT " << kDirectDebitColumns << " FROM direct_debits");
      for (const soci::row& r : rows) out.direct_debits.push_back(DecodeDirectDebit(r, 0));
    }
    if (!batch.bills.empty() || !batch.hand_overs.empty() || !batch.confirmations.empty() ||
        !batch.direct_debits.empty()) {
      soci::rowset<soci::row> rows = (sql_->prepare << "SELECT " << kBillColumns << " FROM bills");
      for (const soci::row& r : rows) out.bills.push_back(DecodeBill(r, 0));
    }
    if (!batch.toeslagen.empty()) {
      soci::rowset<soci::row> rows =
          (sql_->prepare << "SELECT " << kToeslagColumns << " FROM toeslagen");
      for (const soci::row& r : rows) out.toeslagen.push_back(DecodeToeslag(r, 0));
    }
    if (!batch.receipts.empty()) {
      soci::rowset<soci::row> rows =
          (sql_->prepare << "SELECT " << kReceiptColumns << " FROM receipts");
      for (const soci::row& r : rows) out.receipts.push_back(DecodeReceipt(r, 0));
    }
    if (!batch.assessments.empty()) {
      soci::rowset<soci::row> rows =
          (sql_->prepare << "SELECT " << kAssessmentColumns << " FROM assessments");
      for (const soci::row& r : rows) out.assessments.push_back(DecodeAssessment(r, 0));
    }
    if (!batch.hand_overs.empty()) {
      soci::rowset<soci::row> rows =
          (sql_->prepare << "SELECT " << kHandOverColumns << " FROM hand_overs");
      for (const soci::row& r : rows) out.hand_overs.push_back(DecodeHandOver(r, 0));
    }
    if (!batch.confirmations.empty()) {
      soci::rowset<soci::row> rows =
          (sql_->prepare << "SELECT " << kConfirmationColumns << " FROM confirmations");
      for (const soci::row& r : rows) out.confirmations.push_back(DecodeConfirmation(r, 0));
    }
    std::set<std::string> months;
    for (const auto& b : batch.benefits) months.insert(b.month.ToString());
    for (const std::string& m : months) {
      soci::rowset<soci::row> rows =
          (sql_->prepare << "SELECT client_id, amount_cents FROM benefits WHERE month = :m",
           soci::use(m));
      for (const soci::row& r : rows) {
        out.benefits.push_back(
            {ClientId{GetText(r, 0)}, YearMonth::Parse(m).value(), Money::FromCents(GetInt(r, 1))});
      }
    }
    return out;
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kStorage, std::string("cannot read the store: ") + e.what());
  }
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
  if (detail.empty()) return std::nullopt;
  for (const auto& r : b.receipts) clients.insert(r.client.value);
  for (const auto& a : b.assessments) clients.insert(a.client.value);
  for (const auto& h : b.hand_overs) clients.insert(h.client.value);
  for (const auto& c : b.confirmations) clients.insert(c.client.value);
  const bool one_client = b.creditors.empty() && b.clients.empty() && b.plans.empty() &&
                          b.bills.empty() && b.benefits.empty() && b.toeslagen.empty() &&
                          b.direct_debits.empty() && clients.size() == 1;
  return AuditRecord{0,
                     b.recorded_at,
                     b.recorded_by.empty() ? "import" : b.recorded_by,
                     one_client ? "client.recorded" : "import",
                     one_client ? "client:" + *clients.begin() : "import",
                     detail};
}
}  // namespace

Status<Error> Store::Insert(const ImportBatch& batch) {
  try {
    soci::transaction tx(*sql_);
    InsertCreditors(*sql_, backend_, batch.creditors);
    InsertClients(*sql_, backend_, batch.clients);
    InsertPlans(*sql_, backend_, batch.plans);
    InsertBills(*sql_, backend_, batch.bills);
    InsertBenefits(*sql_, backend_, batch.benefits);
    InsertToeslagen(*sql_, backend_, batch.toeslagen);
    InsertReceipts(*sql_, backend_, batch);
    InsertLearning(*sql_, backend_, batch);
    if (const auto audit = ImportAudit(batch)) InsertAudit(*sql_, *audit);
    tx.commit();
    return {};
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kStorage,
                std::string("import not stored (nothing changed): ") + e.what());
  }
}

}  // namespace ontzorg
