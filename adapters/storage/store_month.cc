// Store: loading a month's cases in chunks and writing a run in one transaction.
#include <soci/soci.h>

#include "adapters/storage/bulk_insert.h"
#include "adapters/storage/row_codec.h"
#include "adapters/storage/store.h"

namespace ontzorg {
namespace {

constexpr size_t kFlushRows = 20000;

std::string HoldKey(const ClientId& client, const HeldBill& h) {
  return BillPaymentKey(client, h.bill, h.period);
}

std::string PadId(int64_t id) {
  std::string s = std::to_string(id);
  return std::string(s.size() < 8 ? 8 - s.size() : 0, '0') + s;
}

}  // namespace

Result<std::vector<ClientCase>, Error> Store::LoadCases(YearMonth month, const std::string& after,
                                                        int limit, std::string* last_id) {
  return LoadCasesWhere(month, after, false, limit, last_id);
}

Status<Error> Store::ForEachCase(YearMonth month, int chunk,
                                 const std::function<Status<Error>(ClientCase&)>& use) {
  std::string after;
  for (;;) {
    std::string last;
    auto cases = LoadCases(month, after, chunk, &last);
    if (!cases) return Unexpected(cases.error());
    if (last.empty()) return {};
    after = last;
    for (ClientCase& c : std::move(cases).value()) {
      if (auto s = use(c); !s) return s;
    }
  }
}

Result<std::optional<ClientCase>, Error> Store::LoadCase(const ClientId& client, YearMonth month) {
  std::string last;
  auto cases = LoadCasesWhere(month, client.value, true, 1, &last);
  if (!cases) return Unexpected(cases.error());
  if (cases->empty()) return std::optional<ClientCase>();
  return std::optional<ClientCase>(std::move(cases->front()));
}

Result<std::vector<ClientCase>, Error> Store::LoadCasesWhere(YearMonth month,
                                                             const std::string& from, bool exact,
                                                             int limit, std::string* last_id) {
  try {
    soci::session& sql = *sql_;
    std::vector<ClientCase> cases;
    std::map<std::string, size_t> index;
    {
      soci::rowset<soci::row> rows =
          (sql.prepare << "SELECT " << kClientColumns << " FROM clients WHERE id "
                       << (exact ? "=" : ">") << " :a ORDER BY id LIMIT :n",
           soci::use(from), soci::use(limit));
      for (const soci::row& r : rows) {
        ClientCase c;
        c.client = DecodeClient(r, 0);
        index[c.client.id.value] = cases.size();
        cases.push_back(std::move(c));
      }
    }
    if (cases.empty()) return cases;
    const std::string first = cases.front().client.id.value;
    *last_id = cases.back().client.id.value;
    const std::string m = month.ToString();
    std::vector<bool> has_plan(cases.size(), false);
    soci::rowset<soci::row> plans =
        (sql.prepare << "SELECT " << kPlanColumns
                     << " FROM plans WHERE client_id >= :f AND client_id <= :l",
         soci::use(first), soci::use(*last_id));
    for (const soci::row& r : plans) {
      ReliefPlan p = DecodePlan(r, 0);
      const size_t i = index.at(p.client.value);
      cases[i].plan = std::move(p);
      has_plan[i] = true;
    }
    soci::rowset<soci::row> bills =
        (sql.prepare << "SELECT " << kBillColumns
                     << " FROM bills WHERE client_id >= :f AND client_id <= :l ORDER BY id",
         soci::use(first), soci::use(*last_id));
    for (const soci::row& r : bills) {
      Bill b = DecodeBill(r, 0);
      cases[index.at(b.client.value)].bills.push_back(std::move(b));
    }
    soci::rowset<soci::row> benefits =
        (sql.prepare << "SELECT client_id, amount_cents FROM benefits WHERE month = :m AND "
                        "client_id >= :f AND client_id <= :l",
         soci::use(m), soci::use(first), soci::use(*last_id));
    for (const soci::row& r : benefits) {
      cases[index.at(GetText(r, 0))].benefit = Money::FromCents(GetInt(r, 1));
    }
    // A client's balances over the client's own entries (every entry touching one of the
    // client's accounts is booked on that client): client:<id> credits minus debits; loan:<id>,
    // recovery:<id> and grant:<id> debits minus credits.
    const auto net = [](const char* prefix, bool credit_positive) {
      const std::string acc = std::string("'") + prefix + ":' || client_id";
      const std::string plus = credit_positive ? "credit_account" : "debit_account";
      const std::string minus = credit_positive ? "debit_account" : "credit_account";
      return "SUM(CASE WHEN " + plus + " = " + acc +
             " THEN amount_cents ELSE 0 END) - SUM(CASE "
             "WHEN " +
             minus + " = " + acc + " THEN amount_cents ELSE 0 END)";
    };
    soci::rowset<soci::row> balances =
        (sql.prepare << "SELECT client_id, " << net("client", true) << ", " << net("loan", false)
                     << ", " << net("recovery", false) << ", " << net("grant", false)
                     << " FROM entries WHERE client_id >= :f AND client_id <= :l "
                        "GROUP BY client_id",
         soci::use(first), soci::use(*last_id));
    for (const soci::row& r : balances) {
      const auto it = index.find(GetText(r, 0));
      if (it == index.end()) continue;
      ClientCase& c = cases[it->second];
      c.opening_balance = Money::FromCents(GetInt(r, 1));
      c.credit.loan = Money::FromCents(GetInt(r, 2));
      c.credit.to_recover = Money::FromCents(GetInt(r, 3));
      c.credit.granted = Money::FromCents(GetInt(r, 4));
    }
    soci::rowset<soci::row> keys =
        (sql.prepare << "SELECT client_id, key FROM entries WHERE month = :m AND client_id >= :f "
                        "AND client_id <= :l",
         soci::use(m), soci::use(first), soci::use(*last_id));
    for (const soci::row& r : keys) {
      const auto it = index.find(GetText(r, 0));
      if (it != index.end()) cases[it->second].booked_keys.push_back(GetText(r, 1));
    }
    // Each row of a per-client table, decoded and appended to its client's case.
    const auto attach = [&](soci::rowset<soci::row>& rows, auto decode, auto member) {
      for (const soci::row& r : rows) {
        auto record = decode(r);
        const auto it = index.find(record.client.value);
        if (it != index.end()) (cases[it->second].*member).push_back(std::move(record));
      }
    };
    soci::rowset<soci::row> toeslagen =
        (sql.prepare << "SELECT " << kToeslagColumns
                     << " FROM toeslagen WHERE client_id >= :f "
                        "AND client_id <= :l ORDER BY client_id, kind",
         soci::use(first), soci::use(*last_id));
    attach(
        toeslagen, [](const soci::row& r) { return DecodeToeslag(r, 0); }, &ClientCase::toeslagen);
    soci::rowset<soci::row> receipts =
        (sql.prepare << "SELECT r.id, r.client_id, r.kind, r.received_on, r.amount_cents, "
                        "r.covers_from, r.covers_to, r.landed_on, p.month FROM receipts r "
                        "LEFT JOIN processed p ON p.item = 'receipt:' || r.id "
                        "WHERE r.client_id >= :f AND r.client_id <= :l ORDER BY r.id",
         soci::use(first), soci::use(*last_id));
    attach(
        receipts,
        [](const soci::row& r) {
          Receipt x = DecodeReceipt(r, 0);
          x.processed_in = GetOptMonth(r, 8);
          return x;
        },
        &ClientCase::receipts);
    soci::rowset<soci::row> write_offs =
        (sql.prepare << "SELECT w.id, w.client_id, w.amount_cents, w.reason, w.decided_by, "
                        "w.decided_on, p.month FROM write_offs w "
                        "LEFT JOIN processed p ON p.item = 'write_off:' || w.id "
                        "WHERE w.client_id >= :f AND w.client_id <= :l ORDER BY w.id",
         soci::use(first), soci::use(*last_id));
    attach(
        write_offs,
        [](const soci::row& r) {
          WriteOff w = DecodeWriteOff(r, 0);
          w.processed_in = GetOptMonth(r, 6);
          return w;
        },
        &ClientCase::write_offs);
    soci::rowset<soci::row> assessments =
        (sql.prepare << "SELECT " << kAssessmentColumns
                     << " FROM assessments WHERE client_id "
                        ">= :f AND client_id <= :l ORDER BY assessed_on, id",
         soci::use(first), soci::use(*last_id));
    attach(
        assessments, [](const soci::row& r) { return DecodeAssessment(r, 0); },
        &ClientCase::assessments);
    soci::rowset<soci::row> hand_overs = (sql.prepare << "SELECT " << kHandOverColumns
                                                      << " FROM hand_overs WHERE client_id >= "
                                                         ":f AND client_id <= :l ORDER BY id",
                                          soci::use(first), soci::use(*last_id));
    attach(
        hand_overs, [](const soci::row& r) { return DecodeHandOver(r, 0); },
        &ClientCase::hand_overs);
    soci::rowset<soci::row> confirmations =
        (sql.prepare << "SELECT " << kConfirmationColumns
                     << " FROM confirmations WHERE "
                        "client_id >= :f AND client_id <= :l ORDER BY bill_id, period",
         soci::use(first), soci::use(*last_id));
    attach(
        confirmations, [](const soci::row& r) { return DecodeConfirmation(r, 0); },
        &ClientCase::confirmations);

    // The double-debit guard: every direct-debit record of the chunk's bills.
    soci::rowset<soci::row> direct_debits =
        (sql.prepare << "SELECT " << kDirectDebitColumns
                     << " FROM direct_debits WHERE client_id >= :f AND client_id <= :l "
                        "ORDER BY recorded_at, id",
         soci::use(first), soci::use(*last_id));
    attach(
        direct_debits, [](const soci::row& r) { return DecodeDirectDebit(r, 0); },
        &ClientCase::direct_debits);
    // Reserved money: bills held and not yet paid, and failed payments (reversed) that no
    // re-issue replaces yet.
    soci::rowset<soci::row> holds =
        (sql.prepare << "SELECT h.client_id, h.bill_id, h.bill_kind, h.period, h.amount_cents, "
                        "h.due_date FROM holds h LEFT JOIN entries e ON e.key = h.key "
                        "WHERE e.key IS NULL AND h.client_id >= :f AND h.client_id <= :l",
         soci::use(first), soci::use(*last_id));
    for (const soci::row& r : holds) {
      const auto it = index.find(GetText(r, 0));
      if (it == index.end()) continue;
      ClientCase& c = cases[it->second];
      HeldBill h{BillId{GetText(r, 1)}, ParseBillKind(GetText(r, 2)).value_or(BillKind::kRent),
                 YearMonth::Parse(GetText(r, 3)).value(), Money::FromCents(GetInt(r, 4)),
                 GetDate(r, 5)};
      c.reserved += h.amount;
      c.held.push_back(std::move(h));
    }
    soci::rowset<soci::row> failed =
        (sql.prepare << "SELECT e.client_id, e.amount_cents FROM entries e LEFT JOIN payments p "
                        "ON p.replaces || '|reversed' = e.key WHERE e.kind IN "
                        "('payment_rejected', 'payment_returned', 'payment_cancelled') AND "
                        "p.key IS NULL AND e.client_id >= :f AND e.client_id <= :l",
         soci::use(first), soci::use(*last_id));
    for (const soci::row& r : failed) {
      const auto it = index.find(GetText(r, 0));
      if (it != index.end()) cases[it->second].reserved += Money::FromCents(GetInt(r, 1));
    }

    std::vector<ClientCase> with_plan;
    with_plan.reserve(cases.size());
    for (size_t i = 0; i < cases.size(); ++i) {
      if (has_plan[i]) with_plan.push_back(std::move(cases[i]));
    }
    return with_plan;
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kStorage, std::string("cannot read the month's cases: ") + e.what());
  }
}

// The run's rows, buffered and inserted in bulk.
struct Store::MonthWriter::Buffers {
  using T = BulkInsert::Type;
  BulkInsert entries{"entries",
                     {{"key", T::kText},
                      {"client_id", T::kText},
                      {"month", T::kText},
                      {"kind", T::kText},
                      {"booked_on", T::kText},
                      {"run_id", T::kInt},
                      {"debit_account", T::kText},
                      {"credit_account", T::kText},
                      {"amount_cents", T::kInt}}};
  BulkInsert payments{"payments",
                      {{"key", T::kText},
                       {"end_to_end_id", T::kText},
                       {"client_id", T::kText},
                       {"purpose", T::kText},
                       {"bill_id", T::kText},
                       {"bill_kind", T::kText},
                       {"month", T::kText},
                       {"amount_cents", T::kInt},
                       {"due_date", T::kText},
                       {"execution_date", T::kText},
                       {"late", T::kInt},
                       {"payee_name", T::kText},
                       {"payee_iban", T::kText},
                       {"payee_bic", T::kText},
                       {"payee_street", T::kText},
                       {"payee_building", T::kText},
                       {"payee_postcode", T::kText},
                       {"payee_town", T::kText},
                       {"payee_country", T::kText},
                       {"remittance_kind", T::kText},
                       {"remittance", T::kText},
                       {"file_id", T::kInt},
                       {"run_id", T::kInt},
                       {"replaces", T::kText},
                       {"double_debit_risk", T::kInt}}};
  BulkInsert holds{"holds",
                   {{"key", T::kText},
                    {"client_id", T::kText},
                    {"bill_id", T::kText},
                    {"bill_kind", T::kText},
                    {"period", T::kText},
                    {"amount_cents", T::kInt},
                    {"due_date", T::kText},
                    {"run_id", T::kInt}}};
  BulkInsert findings{"findings",
                      {{"run_id", T::kInt},
                       {"client_id", T::kText},
                       {"code", T::kText},
                       {"bill_id", T::kText},
                       {"amount_cents", T::kInt},
                       {"detail", T::kText}}};
  BulkInsert processed{
      "processed",
      {{"item", T::kText}, {"client_id", T::kText}, {"run_id", T::kInt}, {"month", T::kText}}};
  size_t rows() const {
    return entries.rows() + payments.rows() + findings.rows() + processed.rows() + holds.rows();
  }
};

Result<std::unique_ptr<Store::MonthWriter>, Error> Store::BeginMonth(const RunRecord& run) {
  try {
    auto writer = std::unique_ptr<MonthWriter>(new MonthWriter(this, run));
    auto id = writer->NextId("run");
    if (!id) return Unexpected(id.error());
    writer->run_.id = *id;
    const std::string month = run.month.ToString(), date = run.run_date.ToString();
    *sql_ << "INSERT INTO runs (id, month, run_date, started_at, user_name, clients, payments, "
             "amount_cents, kind) VALUES (:i, :m, :d, :s, :u, 0, 0, 0, :k)",
        soci::use(writer->run_.id), soci::use(month), soci::use(date), soci::use(run.started_at),
        soci::use(run.user), soci::use(run.kind);
    return writer;
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kStorage, std::string("cannot start the run: ") + e.what());
  }
}

Store::MonthWriter::MonthWriter(Store* store, RunRecord run)
    : store_(store), run_(std::move(run)), buf_(std::make_unique<Buffers>()) {
  store_->session().begin();
}

Store::MonthWriter::~MonthWriter() {
  if (committed_) return;
  try {
    store_->session().rollback();
  } catch (...) {  // a broken connection rolls back by itself
  }
}

Result<int64_t, Error> Store::MonthWriter::NextId(const char* counter) {
  try {
    soci::session& sql = store_->session();
    const std::string name = counter;
    sql << "UPDATE counters SET value = value + 1 WHERE name = :n", soci::use(name);
    long long value = 0;
    sql << "SELECT value FROM counters WHERE name = :n", soci::use(name), soci::into(value);
    return static_cast<int64_t>(value);
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kStorage, std::string("cannot allocate an id: ") + e.what());
  }
}

Status<Error> Store::MonthWriter::Add(const ClientMonth& month,
                                      const std::vector<Finding>& findings, int max_per_file,
                                      const std::string& municipality_code,
                                      const std::string& format) {
  Buffers& b = *buf_;
  for (const Entry& e : month.entries) {
    b.entries.Text(e.key)
        .Text(e.client.value)
        .Text(e.month.ToString())
        .Text(ToString(e.kind))
        .Text(e.booked_on.ToString())
        .Int(run_.id)
        .Text(e.debit_account.value)
        .Text(e.credit_account.value)
        .Int(e.amount.cents());
  }
  for (const Payment& p : month.payments) {
    if (!open_file_ || open_file_->tx_count >= max_per_file) {
      if (open_file_) {
        if (auto s = Flush(); !s) return s;
      }
      auto id = NextId("file");
      if (!id) return Unexpected(id.error());
      FileRecord f;
      f.id = *id;
      f.run_id = run_.id;
      const std::string day = run_.started_at.substr(0, 4) + run_.started_at.substr(5, 2) +
                              run_.started_at.substr(8, 2);
      f.msg_id = municipality_code + "-" + day + "-" + PadId(f.id);
      f.created_at = run_.started_at;
      f.format = format;
      f.name = f.msg_id + ".xml";
      f.status = "pending";
      try {
        store_->session() << "INSERT INTO files (id, run_id, msg_id, created_at, format, name, "
                             "status, tx_count, ctrl_sum_cents) VALUES (:a, :b, :c, :d, :e, :f, "
                             "'pending', 0, 0)",
            soci::use(f.id), soci::use(f.run_id), soci::use(f.msg_id), soci::use(f.created_at),
            soci::use(f.format), soci::use(f.name);
      } catch (const std::exception& e) {
        return Fail(ErrorCode::kStorage, std::string("cannot allocate a file: ") + e.what());
      }
      open_file_ = f;
    }
    open_file_->tx_count += 1;
    open_file_->ctrl_sum_cents += p.amount.cents();
    const std::optional<Address> a = p.payee.address;
    const auto part = [&](std::string Address::*field) {
      return a ? std::optional<std::string>((*a).*field) : std::nullopt;
    };
    b.payments.Text(p.key)
        .Text(p.end_to_end_id)
        .Text(p.client.value)
        .Text(ToString(p.purpose))
        .OptText(p.bill ? std::optional<std::string>(p.bill->value) : std::nullopt)
        .OptText(p.bill_kind ? std::optional<std::string>(ToString(*p.bill_kind)) : std::nullopt)
        .Text(p.period.ToString())
        .Int(p.amount.cents())
        .Text(p.due.ToString())
        .Text(p.execution.ToString())
        .Int(p.late ? 1 : 0)
        .Text(p.payee.name)
        .Text(p.payee.iban.compact())
        .OptText(p.payee.bic)
        .OptText(part(&Address::street))
        .OptText(part(&Address::building))
        .OptText(part(&Address::postcode))
        .OptText(part(&Address::town))
        .OptText(part(&Address::country))
        .Text(ToString(p.remittance.kind))
        .Text(p.remittance.value)
        .Int(open_file_->id)
        .Int(run_.id)
        .OptText(p.replaces)
        .Int(p.double_debit_risk ? 1 : 0);
  }
  for (const HeldBill& h : month.holds) {
    b.holds.Text(HoldKey(month.client, h))
        .Text(month.client.value)
        .Text(h.bill.value)
        .Text(ToString(h.kind))
        .Text(h.period.ToString())
        .Int(h.amount.cents())
        .Text(h.due.ToString())
        .Int(run_.id);
  }
  for (const std::string& item : month.processed) {
    b.processed.Text(item).Text(month.client.value).Int(run_.id).Text(month.month.ToString());
  }
  for (const Finding& f : findings) {
    b.findings.Int(run_.id)
        .Text(f.client.value)
        .Text(f.code)
        .Text(f.bill)
        .Int(f.amount.cents())
        .Text(f.detail);
  }
  if (b.rows() >= kFlushRows) return Flush();
  return {};
}

Status<Error> Store::MonthWriter::Flush() {
  Buffers& b = *buf_;
  try {
    soci::session& sql = store_->session();
    const Backend backend = store_->backend();
    b.entries.Execute(sql, backend);  // entries before the payments that refer to them
    b.payments.Execute(sql, backend);
    b.findings.Execute(sql, backend);
    b.processed.Execute(sql, backend);
    b.holds.Execute(sql, backend);
    if (open_file_) {
      sql << "UPDATE files SET tx_count = :n, ctrl_sum_cents = :s WHERE id = :i",
          soci::use(open_file_->tx_count), soci::use(open_file_->ctrl_sum_cents),
          soci::use(open_file_->id);
    }
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kStorage, std::string("run not stored (nothing changed): ") + e.what());
  }
  return {};
}

Status<Error> Store::MonthWriter::Commit(int64_t clients, int64_t payments, Money amount) {
  if (auto s = Flush(); !s) return s;
  try {
    soci::session& sql = store_->session();
    const long long c = clients, p = payments, a = amount.cents();
    sql << "UPDATE runs SET clients = :c, payments = :p, amount_cents = :a WHERE id = :i",
        soci::use(c), soci::use(p), soci::use(a), soci::use(run_.id);
    if (p > 0) {  // a batch to approve: its first state, and the audit log
      const std::string detail = std::to_string(p) + " payments, " + amount.ToDecimalString() +
                                 " EUR, " + run_.kind + " " + run_.month.ToString();
      sql << "INSERT INTO batch_states (run_id, state, user_name, at, detail) VALUES (:r, "
             "'prepared', :u, :a, :d)",
          soci::use(run_.id), soci::use(run_.user), soci::use(run_.started_at), soci::use(detail);
      InsertAudit(sql, {0, run_.started_at, run_.user, "batch.prepared",
                        "batch:" + std::to_string(run_.id), detail});
    }
    sql.commit();
    committed_ = true;
    return {};
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kStorage, std::string("run not stored (nothing changed): ") + e.what());
  }
}

}  // namespace ontzorg
