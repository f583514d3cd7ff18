// Store: reference data (creditors, clients, plans, bills, benefits) in and out.
#include <soci/soci.h>

#include <algorithm>
#include <functional>
#include <iterator>
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

// A set of keys bound as one parameter: a JSON array of strings, unpacked in the statement by
// KeyList. One statement reads the stored rows an import names, however many, instead of every
// stored row of the table (issue 18, 20: an import's memory and time follow the import, not the
// store, and one municipality's import does not read the other municipalities' rows).
void AppendJsonString(std::string& out, const std::string& key) {
  out += '"';
  for (const char c : key) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out += kHex[(c >> 4) & 0xf];
      out += kHex[c & 0xf];
    } else {
      out += c;
    }
  }
  out += '"';
}

std::string JsonArray(const std::set<std::string>& keys) {
  std::string out = "[";
  for (const std::string& key : keys) {
    if (out.size() > 1) out += ',';
    AppendJsonString(out, key);
  }
  return out + "]";
}

// Keys of two columns, as a JSON array of pairs ([["C1","2027-01"],...]), unpacked by PairList.
std::string JsonPairs(const std::set<std::pair<std::string, std::string>>& keys) {
  std::string out = "[";
  for (const auto& [first, second] : keys) {
    if (out.size() > 1) out += ',';
    out += '[';
    AppendJsonString(out, first);
    out += ',';
    AppendJsonString(out, second);
    out += ']';
  }
  return out + "]";
}

// The subquery listing the keys of one JsonArray parameter (bound where `:name` stands).
std::string KeyList(Backend backend, const std::string& name) {
  return backend == Backend::kSqlite
             ? "(SELECT value FROM json_each(:" + name + "))"
             : "(SELECT json_array_elements_text(CAST(:" + name + " AS json)))";
}

// The subquery listing the pairs of one JsonPairs parameter, for `(a, b) IN ...`: one index
// probe a pair (two lists, `a IN ... AND b IN ...`, make PostgreSQL's planner scan the table).
std::string PairList(Backend backend, const std::string& name) {
  return backend == Backend::kSqlite
             ? "(SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(:" +
                   name + "))"
             : "(SELECT p->>0, p->>1 FROM json_array_elements(CAST(:" + name + " AS json)) p)";
}

// The stored rows of `table` whose `column` is one of `keys` (none when `keys` is empty).
template <typename Row>
std::vector<Row> RowsWhereIn(soci::session& sql, Backend backend, const std::string& table,
                             const Columns<Row>& columns, const std::string& column,
                             const std::set<std::string>& keys) {
  if (keys.empty()) return {};
  return Rows(
      sql,
      "SELECT " + columns.Select() + " FROM " + table + " WHERE " + column + " IN " +
          KeyList(backend, "keys"),
      [&](const StoredRow& r) { return columns.Decode(r); }, JsonArray(keys));
}

// The versions of the stored records `existing` holds, each table's in order of entry.
void LoadVersionsOf(soci::session& sql, Backend backend, ImportBatch& existing) {
  ImportBatch::Changes& v = existing.versions;
  const auto keys = [](const auto& rows, const auto& key) {
    std::set<std::string> out;
    for (const auto& row : rows) out.insert(key(row));
    return out;
  };
  // `table_where`: "bill_versions WHERE client_id", the column the keys are of.
  const auto of = [&](const auto& columns, const std::string& table_where,
                      const std::set<std::string>& named) {
    return LoadVersions(sql, columns,
                        "SELECT " + VersionMetaSelect() + columns.Select() + " FROM " +
                            table_where + " IN " + KeyList(backend, "keys") + " ORDER BY seq",
                        JsonArray(named));
  };
  if (!existing.creditors.empty()) {
    v.creditors = of(CreditorColumns(), "creditor_versions WHERE id",
                     keys(existing.creditors, [](const Creditor& c) { return c.id.value; }));
  }
  if (!existing.clients.empty()) {
    v.clients = of(ClientColumns(), "client_versions WHERE id",
                   keys(existing.clients, [](const Client& c) { return c.id.value; }));
  }
  if (!existing.plans.empty()) {
    v.plans = of(PlanColumns(), "plan_versions WHERE client_id",
                 keys(existing.plans, [](const ReliefPlan& p) { return p.client.value; }));
  }
  if (!existing.bills.empty()) {  // bill_versions is indexed by client
    v.bills = of(BillColumns(), "bill_versions WHERE client_id",
                 keys(existing.bills, [](const Bill& b) { return b.client.value; }));
  }
  if (!existing.toeslagen.empty()) {
    v.toeslagen =
        of(ToeslagColumns(), "toeslag_versions WHERE client_id",
           keys(existing.toeslagen, [](const ToeslagExpectation& t) { return t.client.value; }));
  }
  if (!existing.benefits.empty()) {
    v.benefits = Rows(
        sql,
        "SELECT seq, client_id, month, amount_cents, changed_by, changed_at, change_reason FROM "
        "benefit_versions WHERE month IN " +
            KeyList(backend, "months") + " AND client_id IN " + KeyList(backend, "clients") +
            " ORDER BY seq",
        [](const StoredRow& r) {
          return BenefitVersion{
              ClientId{GetText(r, 1)}, GetMonth(r, 2), GetMoney(r, 3), GetInt(r, 0),
              GetText(r, 4),           GetText(r, 5),  GetText(r, 6)};
        },
        JsonArray(keys(existing.benefits, [](const auto& b) { return b.month.ToString(); })),
        JsonArray(keys(existing.benefits, [](const auto& b) { return b.client.value; })));
  }
}

// What an import names: the keys of the stored rows its checks compare it with.
struct NamedKeys {
  std::set<std::string> clients, bsns, creditors, bills, receipts, receipt_clients, assessments,
      hand_overs;
  std::set<std::pair<std::string, std::string>> benefits;  // (client, month)

  explicit NamedKeys(const ImportBatch& b) {
    for (const Client& c : b.clients) {
      clients.insert(c.id.value);
      bsns.insert(c.bsn);
    }
    for (const Creditor& c : b.creditors) creditors.insert(c.id.value);
    for (const ReliefPlan& p : b.plans) clients.insert(p.client.value);
    for (const Bill& x : b.bills) {
      bills.insert(x.id.value);
      clients.insert(x.client.value);
      creditors.insert(x.creditor.value);
    }
    for (const auto& x : b.benefits) {
      clients.insert(x.client.value);
      benefits.emplace(x.client.value, x.month.ToString());
    }
    for (const ToeslagExpectation& x : b.toeslagen) clients.insert(x.client.value);
    for (const Receipt& x : b.receipts) {
      receipts.insert(x.id);
      receipt_clients.insert(x.client.value);
      clients.insert(x.client.value);
    }
    for (const Assessment& x : b.assessments) {
      assessments.insert(x.id);
      clients.insert(x.client.value);
    }
    for (const HandOverDecision& x : b.hand_overs) {
      hand_overs.insert(x.id);
      clients.insert(x.client.value);
      bills.insert(x.bill.value);
    }
    for (const PaymentConfirmation& x : b.confirmations) {
      clients.insert(x.client.value);
      bills.insert(x.bill.value);
    }
    for (const DirectDebitRecord& x : b.direct_debits) bills.insert(x.bill.value);
  }
};

// The stored clients an import names, and a new client's BSN stored under another number.
void LoadNamedClients(soci::session& sql, Backend backend, const NamedKeys& named,
                      int64_t municipality, ImportBatch& out) {
  if (named.clients.empty() && named.bsns.empty()) return;
  const std::string clients = JsonArray(named.clients);
  out.clients = Rows(
      sql,
      "SELECT " + ClientColumns().Select() + " FROM clients WHERE id IN " +
          KeyList(backend, "ids") + " OR bsn IN " + KeyList(backend, "bsns"),
      [](const StoredRow& r) { return ClientColumns().Decode(r); }, clients, JsonArray(named.bsns));
  // Those of other municipalities (issue 20): a row naming one is refused.
  ForEachRow(
      sql,
      "SELECT c.id, m.code FROM clients c JOIN municipalities m ON m.id = c.municipality_id "
      "WHERE c.municipality_id <> :m AND c.id IN " +
          KeyList(backend, "ids"),
      [&](const StoredRow& r) { out.clients_elsewhere[GetText(r, 0)] = GetText(r, 1); },
      municipality, clients);
}

// The stored bills an import names and, when it holds direct-debit records, theirs.
void LoadNamedBills(soci::session& sql, Backend backend, const NamedKeys& named, bool direct_debits,
                    ImportBatch& out) {
  out.bills = RowsWhereIn(sql, backend, "bills", BillColumns(), "id", named.bills);
  if (direct_debits && !out.bills.empty()) {
    // Through the clients of the named bills: direct_debits is indexed by client.
    std::set<std::string> owners;
    for (const Bill& b : out.bills) owners.insert(b.client.value);
    out.direct_debits = Rows(
        sql,
        "SELECT " + DirectDebitColumns().Select() + " FROM direct_debits WHERE client_id IN " +
            KeyList(backend, "owners") + " AND bill_id IN " + KeyList(backend, "bills"),
        [](const StoredRow& r) { return DirectDebitColumns().Decode(r); }, JsonArray(owners),
        JsonArray(named.bills));
  }
}

// The stored bijstand of the clients and months the import names.
void LoadNamedBenefits(soci::session& sql, Backend backend, const NamedKeys& named,
                       ImportBatch& out) {
  if (named.benefits.empty()) return;
  ForEachRow(
      sql,
      "SELECT client_id, month, amount_cents FROM benefits WHERE (client_id, month) IN " +
          PairList(backend, "pairs"),
      [&](const StoredRow& r) {
        out.benefits.push_back({ClientId{GetText(r, 0)}, GetMonth(r, 1), GetMoney(r, 2)});
      },
      JsonPairs(named.benefits));
}

}  // namespace

Result<ImportBatch, Error> Store::LoadExisting(const ImportBatch& batch) {
  soci::session& sql = *sql_;
  const Backend backend = backend_;
  return Read("cannot read the store", [&] {
    ImportBatch out;
    const NamedKeys named(batch);
    out.creditors =
        RowsWhereIn(sql, backend, "creditors", CreditorColumns(), "id", named.creditors);
    LoadNamedClients(sql, backend, named, ImportMunicipality(batch), out);
    if (!batch.plans.empty() || !batch.hand_overs.empty()) {
      out.plans = RowsWhereIn(sql, backend, "plans", PlanColumns(), "client_id", named.clients);
    }
    LoadNamedBills(sql, backend, named, !batch.direct_debits.empty(), out);
    if (!batch.toeslagen.empty()) {
      out.toeslagen =
          RowsWhereIn(sql, backend, "toeslagen", ToeslagColumns(), "client_id", named.clients);
    }
    if (!batch.receipts.empty()) {
      // By id (a repeat) and by client (the same money recorded twice).
      // A UNION, not an OR: PostgreSQL scans the table for the OR of two lists.
      out.receipts = Rows(
          sql,
          "SELECT " + ReceiptColumns().Select() + " FROM receipts WHERE id IN " +
              KeyList(backend, "ids") + " UNION SELECT " + ReceiptColumns().Select() +
              " FROM receipts WHERE client_id IN " + KeyList(backend, "clients"),
          [](const StoredRow& r) { return ReceiptColumns().Decode(r); }, JsonArray(named.receipts),
          JsonArray(named.receipt_clients));
    }
    out.assessments =
        RowsWhereIn(sql, backend, "assessments", AssessmentColumns(), "id", named.assessments);
    out.hand_overs =
        RowsWhereIn(sql, backend, "hand_overs", HandOverColumns(), "id", named.hand_overs);
    if (!batch.confirmations.empty()) {
      out.confirmations =
          RowsWhereIn(sql, backend, "confirmations", ConfirmationColumns(), "bill_id", named.bills);
    }
    LoadNamedBenefits(sql, backend, named, out);
    LoadVersionsOf(sql, backend, out);
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

void ImportBatch::Changes::Append(Changes&& more) {
  const auto append = [](auto& to, auto& from) {
    to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
  };
  append(creditors, more.creditors);
  append(clients, more.clients);
  append(plans, more.plans);
  append(bills, more.bills);
  append(toeslagen, more.toeslagen);
  append(benefits, more.benefits);
}

ImportCounts ImportCounts::Of(const ImportBatch& b) {
  ImportCounts n;
  n.creditors = b.creditors.size();
  n.clients = b.clients.size();
  n.plans = b.plans.size();
  n.bills = b.bills.size();
  n.benefits = b.benefits.size();
  n.toeslagen = b.toeslagen.size();
  n.receipts = b.receipts.size();
  n.assessments = b.assessments.size();
  n.hand_overs = b.hand_overs.size();
  n.confirmations = b.confirmations.size();
  n.direct_debits = b.direct_debits.size();
  n.changes = b.versions.size();
  // Rows of records that are not one client's own (a creditor, a client's master data, a plan, a
  // bill, an amount, an expectation, a debit) make it an import, not a client's record.
  n.beyond_one_client = !b.creditors.empty() || !b.clients.empty() || !b.plans.empty() ||
                        !b.bills.empty() || !b.benefits.empty() || !b.toeslagen.empty() ||
                        !b.direct_debits.empty() || !b.versions.creditors.empty();
  std::set<std::string> clients;
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
  if (clients.size() > 1) n.beyond_one_client = true;
  if (clients.size() == 1 && !n.beyond_one_client) n.only_client = *clients.begin();
  return n;
}

namespace {
// The counted kinds of rows, each once.
constexpr size_t ImportCounts::*kCounted[] = {
    &ImportCounts::creditors,     &ImportCounts::clients,       &ImportCounts::plans,
    &ImportCounts::bills,         &ImportCounts::benefits,      &ImportCounts::toeslagen,
    &ImportCounts::receipts,      &ImportCounts::assessments,   &ImportCounts::hand_overs,
    &ImportCounts::confirmations, &ImportCounts::direct_debits, &ImportCounts::changes};
}  // namespace

ImportCounts& ImportCounts::operator+=(const ImportCounts& part) {
  const bool was_empty = empty();
  for (const auto count : kCounted) this->*count += part.*count;
  if (part.empty()) return *this;
  if (was_empty) {
    only_client = part.only_client;
    beyond_one_client = part.beyond_one_client;
  } else if (part.beyond_one_client || beyond_one_client || part.only_client != only_client) {
    only_client.clear();
    beyond_one_client = true;
  }
  return *this;
}

bool ImportCounts::empty() const {
  return std::all_of(std::begin(kCounted), std::end(kCounted),
                     [&](const auto count) { return this->*count == 0; });
}

namespace {
// The audit row of an import or of one record typed by hand (nothing when nothing is added, so
// importing the same files again changes no byte of the store).
std::optional<AuditRecord> ImportAudit(const ImportCounts& n, const Actor& by) {
  std::string detail;
  const auto count = [&](size_t k, const char* what) {
    if (k > 0) detail += (detail.empty() ? "" : ", ") + std::to_string(k) + " " + what;
  };
  count(n.creditors, "creditors");
  count(n.clients, "clients");
  count(n.plans, "plans");
  count(n.bills, "bills");
  count(n.benefits, "bijstand amounts");
  count(n.toeslagen, "toeslag expectations");
  count(n.receipts, "receipts");
  count(n.assessments, "assessments");
  count(n.hand_overs, "hand-overs");
  count(n.confirmations, "confirmations");
  count(n.direct_debits, "direct-debit records");
  count(n.changes, "changes");
  if (detail.empty()) return std::nullopt;
  const bool one_client = !n.only_client.empty();
  return AuditRecord{0,
                     by.at,
                     by.user.empty() ? "import" : by.user,
                     one_client ? "client.recorded" : "import",
                     one_client ? "client:" + n.only_client : "import",
                     detail};
}
}  // namespace

int64_t Store::ImportMunicipality(const ImportBatch& batch) const {
  if (batch.municipality > 0) return batch.municipality;
  return scope() > 0 ? scope() : 1;
}

Status<Error> Store::Insert(const ImportBatch& batch) { return InsertImport(batch, true); }

Status<Error> Store::InsertPart(const ImportBatch& part) { return InsertImport(part, false); }

Status<Error> Store::InsertImport(const ImportBatch& batch, bool with_audit) {
  try {
    WriteTransaction tx(*this);
    InsertReferenceData(*sql_, backend_, batch, ImportMunicipality(batch));
    InsertLearning(*sql_, backend_, batch);
    InsertVersions(*sql_, backend_, batch.versions);
    if (with_audit) {
      const auto audit =
          ImportAudit(ImportCounts::Of(batch), Actor{batch.recorded_by, batch.recorded_at});
      if (audit) InsertAudit(*sql_, *audit);
    }
    tx.Commit();
    return {};
  } catch (const std::exception& e) {
    return WriteFailed("import not stored (nothing changed)", e);
  }
}

Status<Error> Store::InsertImportAudit(const ImportCounts& counts, const Actor& by) {
  const auto audit = ImportAudit(counts, by);
  if (!audit) return {};
  try {
    WriteTransaction tx(*this);
    InsertAudit(*sql_, *audit);
    tx.Commit();
    return {};
  } catch (const std::exception& e) {
    return WriteFailed("import not stored (nothing changed)", e);
  }
}

}  // namespace ontzorg
