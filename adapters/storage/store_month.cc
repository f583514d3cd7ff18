// Store: loading a month's cases in chunks and writing a run in one transaction.
#include <soci/soci.h>

#include "adapters/storage/row_codec.h"
#include "adapters/storage/store.h"

namespace ontzorg {
namespace {

constexpr size_t kFlushRows = 20000;

std::string PadId(int64_t id) {
  std::string s = std::to_string(id);
  return std::string(s.size() < 8 ? 8 - s.size() : 0, '0') + s;
}

}  // namespace

Result<std::vector<ClientCase>, Error> Store::LoadCases(YearMonth month, const std::string& after,
                                                        int limit, std::string* last_id) {
  try {
    soci::session& sql = *sql_;
    std::vector<ClientCase> cases;
    std::map<std::string, size_t> index;
    {
      soci::rowset<soci::row> rows = (sql.prepare << "SELECT " << kClientColumns
                                                  << " FROM clients WHERE id > :a ORDER BY id "
                                                     "LIMIT :n",
                                      soci::use(after), soci::use(limit));
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
    const std::string first_account = accounts::ClientFunds({first});
    const std::string last_account = accounts::ClientFunds({*last_id});
    soci::rowset<soci::row> balances =
        (sql.prepare << "SELECT account, SUM(amount_cents) FROM postings WHERE account >= :f AND "
                        "account <= :l GROUP BY account",
         soci::use(first_account), soci::use(last_account));
    for (const soci::row& r : balances) {
      const auto it = index.find(GetText(r, 0).substr(first_account.size() - first.size()));
      if (it != index.end()) cases[it->second].opening_balance = Money::FromCents(-GetInt(r, 1));
    }
    soci::rowset<soci::row> keys =
        (sql.prepare << "SELECT client_id, key FROM entries WHERE month = :m AND client_id >= :f "
                        "AND client_id <= :l",
         soci::use(m), soci::use(first), soci::use(*last_id));
    for (const soci::row& r : keys) cases[index.at(GetText(r, 0))].booked_keys.push_back(GetText(r, 1));

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

// Column buffers for bulk inserts.
struct Store::MonthWriter::Buffers {
  std::vector<std::string> e_key, e_client, e_month, e_kind, e_booked;
  std::vector<long long> e_run;
  std::vector<std::string> p_key, p_account;
  std::vector<long long> p_leg, p_amount;
  std::vector<std::string> y_key, y_e2e, y_client, y_purpose, y_month, y_due, y_exec, y_name,
      y_iban, y_rkind, y_rem;
  std::vector<long long> y_amount, y_late, y_file, y_run;
  std::vector<std::string> y_bill, y_kind, y_bic, y_street, y_building, y_postcode, y_town,
      y_country;
  std::vector<soci::indicator> y_bill_i, y_kind_i, y_bic_i, y_addr_i;
  std::vector<std::string> f_client, f_code, f_bill, f_detail;
  std::vector<long long> f_amount, f_run;
  size_t rows() const { return e_key.size() + p_key.size() + y_key.size() + f_client.size(); }
};

Result<std::unique_ptr<Store::MonthWriter>, Error> Store::BeginMonth(const RunRecord& run) {
  try {
    auto writer = std::unique_ptr<MonthWriter>(new MonthWriter(this, run));
    auto id = writer->NextId("run");
    if (!id) return Unexpected(id.error());
    writer->run_.id = *id;
    const std::string month = run.month.ToString(), date = run.run_date.ToString();
    *sql_ << "INSERT INTO runs (id, month, run_date, started_at, user_name, clients, payments, "
             "amount_cents) VALUES (:i, :m, :d, :s, :u, 0, 0, 0)",
        soci::use(writer->run_.id), soci::use(month), soci::use(date),
        soci::use(run.started_at), soci::use(run.user);
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

Status<Error> Store::MonthWriter::Add(const ClientMonth& month, const std::vector<Finding>& findings,
                                      int max_per_file, const std::string& municipality_code,
                                      const std::string& format) {
  Buffers& b = *buf_;
  for (const Entry& e : month.entries) {
    b.e_key.push_back(e.key);
    b.e_client.push_back(e.client.value);
    b.e_month.push_back(e.month.ToString());
    b.e_kind.push_back(ToString(e.kind));
    b.e_booked.push_back(e.booked_on.ToString());
    b.e_run.push_back(run_.id);
    for (size_t leg = 0; leg < e.postings.size(); ++leg) {
      b.p_key.push_back(e.key);
      b.p_leg.push_back(static_cast<long long>(leg));
      b.p_account.push_back(e.postings[leg].account);
      b.p_amount.push_back(e.postings[leg].amount.cents());
    }
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
    b.y_key.push_back(p.key);
    b.y_e2e.push_back(p.end_to_end_id);
    b.y_client.push_back(p.client.value);
    b.y_purpose.push_back(ToString(p.purpose));
    b.y_bill.push_back(p.bill ? p.bill->value : "");
    b.y_bill_i.push_back(p.bill ? soci::i_ok : soci::i_null);
    b.y_kind.push_back(p.bill_kind ? ToString(*p.bill_kind) : "");
    b.y_kind_i.push_back(p.bill_kind ? soci::i_ok : soci::i_null);
    b.y_month.push_back(p.period.ToString());
    b.y_amount.push_back(p.amount.cents());
    b.y_due.push_back(p.due.ToString());
    b.y_exec.push_back(p.execution.ToString());
    b.y_late.push_back(p.late ? 1 : 0);
    b.y_name.push_back(p.payee.name);
    b.y_iban.push_back(p.payee.iban.compact());
    b.y_bic.push_back(p.payee.bic.value_or(""));
    b.y_bic_i.push_back(p.payee.bic ? soci::i_ok : soci::i_null);
    const Address a = p.payee.address.value_or(Address{});
    b.y_street.push_back(a.street);
    b.y_building.push_back(a.building);
    b.y_postcode.push_back(a.postcode);
    b.y_town.push_back(a.town);
    b.y_country.push_back(a.country);
    b.y_addr_i.push_back(p.payee.address ? soci::i_ok : soci::i_null);
    b.y_rkind.push_back(ToString(p.remittance.kind));
    b.y_rem.push_back(p.remittance.value);
    b.y_file.push_back(open_file_->id);
    b.y_run.push_back(run_.id);
  }
  for (const Finding& f : findings) {
    b.f_run.push_back(run_.id);
    b.f_client.push_back(f.client.value);
    b.f_code.push_back(f.code);
    b.f_bill.push_back(f.bill);
    b.f_amount.push_back(f.amount.cents());
    b.f_detail.push_back(f.detail);
  }
  if (b.rows() >= kFlushRows) return Flush();
  return {};
}

Status<Error> Store::MonthWriter::Flush() {
  Buffers& b = *buf_;
  try {
    soci::session& sql = store_->session();
    if (!b.e_key.empty()) {
      sql << "INSERT INTO entries (key, client_id, month, kind, booked_on, run_id) VALUES "
             "(:a, :b, :c, :d, :e, :f)",
          soci::use(b.e_key), soci::use(b.e_client), soci::use(b.e_month), soci::use(b.e_kind),
          soci::use(b.e_booked), soci::use(b.e_run);
    }
    if (!b.p_key.empty()) {
      sql << "INSERT INTO postings (entry_key, leg, account, amount_cents) VALUES (:a, :b, :c, :d)",
          soci::use(b.p_key), soci::use(b.p_leg), soci::use(b.p_account), soci::use(b.p_amount);
    }
    if (!b.y_key.empty()) {
      std::vector<soci::indicator> addr2 = b.y_addr_i, addr3 = b.y_addr_i, addr4 = b.y_addr_i,
                                   addr5 = b.y_addr_i;
      sql << "INSERT INTO payments (" << kPaymentColumns
          << ", file_id, run_id) VALUES (:a, :b, :c, :d, :e, :f, :g, :h, :i, :j, :k, :l, :m, "
             ":n, :o, :p, :q, :r, :s, :t, :u, :v, :w)",
          soci::use(b.y_key), soci::use(b.y_e2e), soci::use(b.y_client), soci::use(b.y_purpose),
          soci::use(b.y_bill, b.y_bill_i), soci::use(b.y_kind, b.y_kind_i), soci::use(b.y_month),
          soci::use(b.y_amount), soci::use(b.y_due), soci::use(b.y_exec), soci::use(b.y_late),
          soci::use(b.y_name), soci::use(b.y_iban), soci::use(b.y_bic, b.y_bic_i),
          soci::use(b.y_street, b.y_addr_i), soci::use(b.y_building, addr2),
          soci::use(b.y_postcode, addr3), soci::use(b.y_town, addr4),
          soci::use(b.y_country, addr5), soci::use(b.y_rkind), soci::use(b.y_rem),
          soci::use(b.y_file), soci::use(b.y_run);
    }
    if (!b.f_client.empty()) {
      sql << "INSERT INTO findings (run_id, client_id, code, bill_id, amount_cents, detail) "
             "VALUES (:a, :b, :c, :d, :e, :f)",
          soci::use(b.f_run), soci::use(b.f_client), soci::use(b.f_code), soci::use(b.f_bill),
          soci::use(b.f_amount), soci::use(b.f_detail);
    }
    if (open_file_) {
      sql << "UPDATE files SET tx_count = :n, ctrl_sum_cents = :s WHERE id = :i",
          soci::use(open_file_->tx_count), soci::use(open_file_->ctrl_sum_cents),
          soci::use(open_file_->id);
    }
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kStorage, std::string("run not stored (nothing changed): ") + e.what());
  }
  *buf_ = Buffers{};
  return {};
}

Status<Error> Store::MonthWriter::Commit(int64_t clients, int64_t payments, Money amount) {
  if (auto s = Flush(); !s) return s;
  try {
    soci::session& sql = store_->session();
    const long long c = clients, p = payments, a = amount.cents();
    sql << "UPDATE runs SET clients = :c, payments = :p, amount_cents = :a WHERE id = :i",
        soci::use(c), soci::use(p), soci::use(a), soci::use(run_.id);
    sql.commit();
    committed_ = true;
    return {};
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kStorage, std::string("run not stored (nothing changed): ") + e.what());
  }
}

}  // namespace ontzorg
