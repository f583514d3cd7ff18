// Store: reference data (creditors, clients, plans, bills, benefits) in and out.
#include <set>

#include <soci/soci.h>

#include "adapters/storage/row_codec.h"
#include "adapters/storage/store.h"

namespace ontzorg {
namespace {

// A nullable text column for a bulk insert.
struct OptColumn {
  std::vector<std::string> values;
  std::vector<soci::indicator> nulls;
  void Add(const std::optional<std::string>& v) {
    values.push_back(v.value_or(""));
    nulls.push_back(v ? soci::i_ok : soci::i_null);
  }
  void Add(const std::optional<Date>& d) {
    Add(d ? std::optional<std::string>(d->ToString()) : std::nullopt);
  }
};

void InsertCreditors(soci::session& sql, const std::vector<Creditor>& rows) {
  if (rows.empty()) return;
  std::vector<std::string> id, name, iban, street, building, postcode, town, country;
  OptColumn bic;
  for (const Creditor& c : rows) {
    id.push_back(c.id.value);
    name.push_back(c.name);
    iban.push_back(c.iban.compact());
    bic.Add(c.bic);
    street.push_back(c.address.street);
    building.push_back(c.address.building);
    postcode.push_back(c.address.postcode);
    town.push_back(c.address.town);
    country.push_back(c.address.country);
  }
  sql << "INSERT INTO creditors (" << kCreditorColumns
      << ") VALUES (:a, :b, :c, :d, :e, :f, :g, :h, :i)",
      soci::use(id), soci::use(name), soci::use(iban), soci::use(bic.values, bic.nulls),
      soci::use(street), soci::use(building), soci::use(postcode), soci::use(town),
      soci::use(country);
}

void InsertClients(soci::session& sql, const std::vector<Client>& rows) {
  if (rows.empty()) return;
  std::vector<std::string> id, bsn, name, household, iban;
  for (const Client& c : rows) {
    id.push_back(c.id.value);
    bsn.push_back(c.bsn);
    name.push_back(c.name);
    household.push_back(ToString(c.household));
    iban.push_back(c.own_iban.compact());
  }
  sql << "INSERT INTO clients (" << kClientColumns << ") VALUES (:a, :b, :c, :d, :e)",
      soci::use(id), soci::use(bsn), soci::use(name), soci::use(household), soci::use(iban);
}

void InsertPlans(soci::session& sql, const std::vector<ReliefPlan>& rows) {
  if (rows.empty()) return;
  std::vector<std::string> client, kind, start, ext_reason, bills, reason;
  OptColumn benefit_end, ext_end, period_start, period_end;
  for (const ReliefPlan& p : rows) {
    client.push_back(p.client.value);
    kind.push_back(ToString(p.kind));
    start.push_back(p.benefit_start.ToString());
    benefit_end.Add(p.benefit_end);
    ext_end.Add(p.extension_end);
    ext_reason.push_back(p.extension_reason);
    bills.push_back(EncodeBillKinds(p.bills));
    period_start.Add(p.period_start);
    period_end.Add(p.period_end);
    reason.push_back(p.reason);
  }
  sql << "INSERT INTO plans (" << kPlanColumns
      << ") VALUES (:a, :b, :c, :d, :e, :f, :g, :h, :i, :j)",
      soci::use(client), soci::use(kind), soci::use(start),
      soci::use(benefit_end.values, benefit_end.nulls), soci::use(ext_end.values, ext_end.nulls),
      soci::use(ext_reason), soci::use(bills), soci::use(period_start.values, period_start.nulls),
      soci::use(period_end.values, period_end.nulls), soci::use(reason);
}

void InsertBills(soci::session& sql, const std::vector<Bill>& rows) {
  if (rows.empty()) return;
  std::vector<std::string> id, client, kind, creditor, schedule, ref_kind, ref, start;
  std::vector<long long> amount, due_day;
  OptColumn end;
  for (const Bill& b : rows) {
    id.push_back(b.id.value);
    client.push_back(b.client.value);
    kind.push_back(ToString(b.kind));
    creditor.push_back(b.creditor.value);
    amount.push_back(b.amount.cents());
    schedule.push_back(ToString(b.schedule));
    due_day.push_back(b.due_day);
    ref_kind.push_back(ToString(b.reference.kind));
    ref.push_back(b.reference.value);
    start.push_back(b.start.ToString());
    end.Add(b.end);
  }
  sql << "INSERT INTO bills (" << kBillColumns
      << ") VALUES (:a, :b, :c, :d, :e, :f, :g, :h, :i, :j, :k)",
      soci::use(id), soci::use(client), soci::use(kind), soci::use(creditor), soci::use(amount),
      soci::use(schedule), soci::use(due_day), soci::use(ref_kind), soci::use(ref),
      soci::use(start), soci::use(end.values, end.nulls);
}

void InsertBenefits(soci::session& sql, const std::vector<ImportBatch::Benefit>& rows) {
  if (rows.empty()) return;
  std::vector<std::string> client, month;
  std::vector<long long> amount;
  for (const auto& b : rows) {
    client.push_back(b.client.value);
    month.push_back(b.month.ToString());
    amount.push_back(b.amount.cents());
  }
  sql << "INSERT INTO benefits (client_id, month, amount_cents) VALUES (:a, :b, :c)",
      soci::use(client), soci::use(month), soci::use(amount);
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
        !batch.benefits.empty()) {
      soci::rowset<soci::row> rows = (sql_->prepare << "SELECT " << kClientColumns << " FROM clients");
      for (const soci::row& r : rows) out.clients.push_back(DecodeClient(r, 0));
    }
    if (!batch.plans.empty()) {
      soci::rowset<soci::row> rows = (sql_->prepare << "SELECT " << kPlanColumns << " FROM plans");
      for (const soci::row& r : rows) out.plans.push_back(DecodePlan(r, 0));
    }
    if (!batch.bills.empty()) {
      soci::rowset<soci::row> rows = (sql_->prepare << "SELECT " << kBillColumns << " FROM bills");
      for (const soci::row& r : rows) out.bills.push_back(DecodeBill(r, 0));
    }
    std::set<std::string> months;
    for (const auto& b : batch.benefits) months.insert(b.month.ToString());
    for (const std::string& m : months) {
      soci::rowset<soci::row> rows =
          (sql_->prepare << "SELECT client_id, amount_cents FROM benefits WHERE month = :m",
           soci::use(m));
      for (const soci::row& r : rows) {
        out.benefits.push_back({ClientId{GetText(r, 0)}, YearMonth::Parse(m).value(),
                                Money::FromCents(GetInt(r, 1))});
      }
    }
    return out;
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kStorage, std::string("cannot read the store: ") + e.what());
  }
}

Status<Error> Store::Insert(const ImportBatch& batch) {
  try {
    soci::transaction tx(*sql_);
    InsertCreditors(*sql_, batch.creditors);
    InsertClients(*sql_, batch.clients);
    InsertPlans(*sql_, batch.plans);
    InsertBills(*sql_, batch.bills);
    InsertBenefits(*sql_, batch.benefits);
    tx.commit();
    return {};
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kStorage, std::string("import not stored (nothing changed): ") + e.what());
  }
}

}  // namespace ontzorg
