// Store: loading a month's cases in chunks and writing a run in one transaction.
#include <soci/soci.h>

#include "adapters/storage/bulk_insert.h"
#include "adapters/storage/query.h"
#include "adapters/storage/read_ahead.h"
#include "adapters/storage/row_codec.h"
#include "adapters/storage/store.h"
#include "adapters/storage/transaction.h"
#include "adapters/storage/versions.h"
#include "engine/invariant.h"

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

Status<Error> Store::ForEachCaseReadAhead(YearMonth month, int chunk,
                                          const std::function<Status<Error>(ClientCase&)>& use) {
  auto reader = OpenSnapshot();
  if (!reader) return Unexpected(reader.error());
  Store& second = **reader;
  std::string after;
  using Chunk = std::vector<ClientCase>;
  return ReadAhead<Chunk>(
      [&]() -> Result<std::optional<Chunk>, Error> {
        std::string last;
        auto cases = second.LoadCases(month, after, chunk, &last);
        if (!cases) return Unexpected(cases.error());
        if (last.empty()) return std::optional<Chunk>();
        after = last;
        return std::optional<Chunk>(std::move(cases).value());
      },
      [&](Chunk& cases) -> Status<Error> {
        for (ClientCase& c : cases) {
          if (auto s = use(c); !s) return s;
        }
        return {};
      });
}

Result<std::optional<ClientCase>, Error> Store::LoadCase(const ClientId& client, YearMonth month) {
  std::string last;
  auto cases = LoadCasesWhere(month, client.value, true, 1, &last);
  if (!cases) return Unexpected(cases.error());
  std::vector<ClientCase> found = std::move(cases).value();
  if (found.empty()) return std::optional<ClientCase>();
  return std::optional<ClientCase>(std::move(found.front()));
}

namespace {

const std::string& ClientOf(const Client& c) { return c.id.value; }
const std::string& ClientOf(const ReliefPlan& p) { return p.client.value; }
const std::string& ClientOf(const Bill& b) { return b.client.value; }
const std::string& ClientOf(const ToeslagExpectation& t) { return t.client.value; }

// One chunk of a month's cases, loaded table by table: the clients first (in id order), then
// each per-client table attached to its client's case by one range query over the chunk's ids.
class CaseChunk {
 public:
  // `scope`: "municipality_id IN (...)" for the clients of the store's scope (issue 20).
  CaseChunk(soci::session& sql, YearMonth month, std::string scope)
      : sql_(sql), month_(month.ToString()), scope_(std::move(scope)) {}

  // Up to `limit` clients from `from` on (exactly `from` when `exact`); false when none.
  bool LoadClients(const std::string& from, bool exact, int limit) {
    ForEachRow(
        sql_,
        "SELECT " + ClientColumns().Select() + " FROM clients WHERE id " + (exact ? "=" : ">") +
            " :a AND " + scope_ + " ORDER BY id LIMIT :n",
        [&](const StoredRow& r) {
          ClientCase c;
          c.client = ClientColumns().Decode(r);
          index_[c.client.id.value] = cases_.size();
          cases_.push_back(std::move(c));
        },
        from, limit);
    if (cases_.empty()) return false;
    first_ = cases_.front().client.id.value;
    last_ = cases_.back().client.id.value;
    has_plan_.assign(cases_.size(), false);
    return true;
  }
  const std::string& last_id() const { return last_; }

  void AttachPlans() {
    Each("SELECT " + PlanColumns().Select() + " FROM plans WHERE " + InChunk(""),
         [&](const StoredRow& r) {
           ReliefPlan p = PlanColumns().Decode(r);
           const auto it = index_.find(p.client.value);
           if (it == index_.end()) return;  // a client of another municipality in the range
           cases_[it->second].plan = std::move(p);
           has_plan_[it->second] = true;
         });
  }

  // The bills, the month's bijstand and the keys already booked for the month.
  void AttachBillsAndBenefit() {
    Attach(
        "SELECT " + BillColumns().Select() + " FROM bills WHERE " + InChunk("") + " ORDER BY id",
        [](const StoredRow& r) { return BillColumns().Decode(r); }, &ClientCase::bills);
    EachOfMonth("SELECT client_id, amount_cents FROM benefits WHERE month = :m AND " + InChunk(""),
                [&](ClientCase& c, const StoredRow& r) { c.benefit = GetMoney(r, 1); });
    // A bijstand amount corrected for the month (issue 16): the latest correction counts.
    EachOfMonth("SELECT client_id, amount_cents FROM benefit_versions WHERE month = :m AND " +
                    InChunk("") + " ORDER BY seq",
                [&](ClientCase& c, const StoredRow& r) { c.benefit = GetMoney(r, 1); });
    EachOfMonth("SELECT client_id, key FROM entries WHERE month = :m AND " + InChunk(""),
                [&](ClientCase& c, const StoredRow& r) { c.booked_keys.push_back(GetText(r, 1)); });
  }

  // A client's balances over the client's own entries (every entry touching one of the client's
  // accounts is booked on that client): client:<id> credits minus debits; loan:<id>,
  // recovery:<id> and grant:<id> debits minus credits. The pair of the month's invariants: what
  // the month never writes (a negative balance), the store never hands it.
  void AttachBalances() {
    const auto net = [](const char* prefix, bool credit_positive) {
      const std::string acc = std::string("'") + prefix + ":' || client_id";
      const std::string plus = credit_positive ? "credit_account" : "debit_account";
      const std::string minus = credit_positive ? "debit_account" : "credit_account";
      return "SUM(CASE WHEN " + plus + " = " + acc + " THEN amount_cents ELSE 0 END) - SUM(CASE " +
             "WHEN " + minus + " = " + acc + " THEN amount_cents ELSE 0 END)";
    };
    Each("SELECT client_id, " + net("client", true) + ", " + net("loan", false) + ", " +
             net("recovery", false) + ", " + net("grant", false) + " FROM entries WHERE " +
             InChunk("") + " GROUP BY client_id",
         [&](const StoredRow& r) {
           ClientCase* c = Find(GetText(r, 0));
           if (c == nullptr) return;
           c->opening_balance = GetMoney(r, 1);
           c->credit.loan = GetMoney(r, 2);
           c->credit.to_recover = GetMoney(r, 3);
           c->credit.granted = GetMoney(r, 4);
           OZ_INVARIANT(!c->opening_balance.IsNegative(),
                        "a stored client balance is never negative");
           OZ_INVARIANT(!c->credit.loan.IsNegative() && !c->credit.to_recover.IsNegative() &&
                            !c->credit.granted.IsNegative(),
                        "stored credit balances are never negative");
         });
  }

  // Toeslagen, receipts and write-offs (with the month that processed them), and the learning
  // and direct-debit records.
  void AttachRecords() {
    Attach(
        "SELECT " + ToeslagColumns().Select() + " FROM toeslagen WHERE " + InChunk("") +
            " ORDER BY client_id, kind",
        [](const StoredRow& r) { return ToeslagColumns().Decode(r); }, &ClientCase::toeslagen);
    Attach("SELECT " + ReceiptColumns().Select("r") +
               ", p.month FROM receipts r LEFT JOIN processed p ON p.item = 'receipt:' || r.id "
               "WHERE " +
               InChunk("r.") + " ORDER BY r.id",
           DecodeReceiptProcessed, &ClientCase::receipts);
    Attach("SELECT " + WriteOffColumns().Select("w") +
               ", p.month FROM write_offs w LEFT JOIN processed p ON p.item = 'write_off:' || "
               "w.id WHERE " +
               InChunk("w.") + " ORDER BY w.id",
           DecodeWriteOffProcessed, &ClientCase::write_offs);
    Attach(
        "SELECT " + AssessmentColumns().Select() + " FROM assessments WHERE " + InChunk("") +
            " ORDER BY assessed_on, id",
        [](const StoredRow& r) { return AssessmentColumns().Decode(r); }, &ClientCase::assessments);
    Attach(
        "SELECT " + HandOverColumns().Select() + " FROM hand_overs WHERE " + InChunk("") +
            " ORDER BY id",
        [](const StoredRow& r) { return HandOverColumns().Decode(r); }, &ClientCase::hand_overs);
    Attach(
        "SELECT " + ConfirmationColumns().Select() + " FROM confirmations WHERE " + InChunk("") +
            " ORDER BY bill_id, period",
        [](const StoredRow& r) { return ConfirmationColumns().Decode(r); },
        &ClientCase::confirmations);
    Attach(
        "SELECT " + DirectDebitColumns().Select() + " FROM direct_debits WHERE " + InChunk("") +
            " ORDER BY recorded_at, id",
        [](const StoredRow& r) { return DirectDebitColumns().Decode(r); },
        &ClientCase::direct_debits);
  }

  // The changes dated in the month or before it (issue 16): each record as it holds in the month.
  void ApplyChanges() {
    const YearMonth month = *YearMonth::Parse(month_);
    const auto versions = [&](const char* table, const auto& columns) {
      return LoadVersions(sql_, columns,
                          "SELECT " + VersionMetaSelect() + columns.Select() + " FROM " + table +
                              " WHERE valid_from <= :m AND " + InChunk(""),
                          month_, first_, last_);
    };
    std::vector<Version<Client>> clients =
        LoadVersions(sql_, ClientColumns(),
                     "SELECT " + VersionMetaSelect() + ClientColumns().Select() +
                         " FROM client_versions WHERE valid_from <= :m AND id >= :f AND id <= :l",
                     month_, first_, last_);
    auto plans = versions("plan_versions", PlanColumns());
    auto bills = versions("bill_versions", BillColumns());
    auto toeslagen = versions("toeslag_versions", ToeslagColumns());
    if (clients.empty() && plans.empty() && bills.empty() && toeslagen.empty()) return;
    // Each client's versions, grouped once per chunk.
    const auto by_client = [](auto& all) {
      using V = typename std::decay_t<decltype(all)>::value_type;
      std::map<std::string, std::vector<V>> out;
      for (V& v : all) {
        const std::string client = ClientOf(v.row);
        out[client].push_back(std::move(v));
      }
      return out;
    };
    const auto client_versions = by_client(clients);
    const auto plan_versions = by_client(plans);
    const auto bill_versions = by_client(bills);
    const auto toeslag_versions = by_client(toeslagen);
    const auto of = [](const auto& grouped, const std::string& client) {
      const auto it = grouped.find(client);
      return it == grouped.end() ? typename std::decay_t<decltype(grouped)>::mapped_type()
                                 : it->second;
    };
    for (ClientCase& c : cases_) {
      const std::string& id = c.client.id.value;
      c.client = AsOf(c.client, of(client_versions, id), month);
      if (c.plan.client.value == id) c.plan = AsOf(c.plan, of(plan_versions, id), month);
      ApplyVersions(c.bills, of(bill_versions, id), month,
                    [](const Bill& b) { return b.id.value; });
      ApplyVersions(c.toeslagen, of(toeslag_versions, id), month,
                    [](const ToeslagExpectation& t) { return std::string(ToString(t.kind)); });
    }
  }

  // Reserved money: bills held and not yet paid, and failed payments (reversed) that no
  // re-issue replaces yet.
  void AttachReserved() {
    Each(
        "SELECT h.client_id, h.bill_id, h.bill_kind, h.period, h.amount_cents, h.due_date FROM "
        "holds h LEFT JOIN entries e ON e.key = h.key WHERE e.key IS NULL AND " +
            InChunk("h."),
        [&](const StoredRow& r) {
          ClientCase* c = Find(GetText(r, 0));
          if (c == nullptr) return;
          HeldBill h{.bill = BillId{GetText(r, 1)},
                     .kind = ParseBillKind(GetText(r, 2)).value_or(BillKind::kRent),
                     .period = GetMonth(r, 3),
                     .amount = GetMoney(r, 4),
                     .due = GetDate(r, 5)};
          c->reserved += h.amount;
          c->held.push_back(std::move(h));
        });
    Each(
        // The join's first condition finds the re-issue through its index (payments_replaces);
        // with only the second, every reversal scanned all payments.
        "SELECT e.client_id, e.amount_cents FROM entries e LEFT JOIN payments p ON p.replaces = "
        "substr(e.key, 1, length(e.key) - 9) AND p.replaces || '|reversed' = e.key WHERE e.kind "
        "IN ('payment_rejected', 'payment_returned', 'payment_cancelled') AND p.key IS NULL AND " +
            InChunk("e."),
        [&](const StoredRow& r) {
          if (ClientCase* c = Find(GetText(r, 0))) c->reserved += GetMoney(r, 1);
        });
  }

  // The cases of clients with a plan (the month computes nothing for the others).
  std::vector<ClientCase> WithPlan() {
    std::vector<ClientCase> out;
    out.reserve(cases_.size());
    for (size_t i = 0; i < cases_.size(); ++i) {
      if (has_plan_[i]) out.push_back(std::move(cases_[i]));
    }
    return out;
  }

 private:
  // "client_id >= :f AND client_id <= :l" on `alias` ("" or "r.").
  static std::string InChunk(const std::string& alias) {
    return alias + "client_id >= :f AND " + alias + "client_id <= :l";
  }
  ClientCase* Find(const std::string& client) {
    const auto it = index_.find(client);
    return it == index_.end() ? nullptr : &cases_[it->second];
  }
  template <typename Use>
  void Each(const std::string& query, Use&& use) {
    ForEachRow(sql_, query, use, first_, last_);
  }
  // Rows whose first column is the client, for the month (:m before the range).
  template <typename Use>
  void EachOfMonth(const std::string& query, Use&& use) {
    ForEachRow(
        sql_, query,
        [&](const StoredRow& r) {
          if (ClientCase* c = Find(GetText(r, 0))) use(*c, r);
        },
        month_, first_, last_);
  }
  // Each row of a per-client table, decoded and appended to its client's case.
  template <typename Decode, typename Record>
  void Attach(const std::string& query, Decode decode, std::vector<Record> ClientCase::*member) {
    Each(query, [&](const StoredRow& r) {
      Record record = decode(r);
      if (ClientCase* c = Find(record.client.value)) (c->*member).push_back(std::move(record));
    });
  }

  soci::session& sql_;
  const std::string month_;
  const std::string scope_;
  std::vector<ClientCase> cases_;
  std::map<std::string, size_t> index_;
  std::vector<bool> has_plan_;
  std::string first_, last_;
};

}  // namespace

Result<std::vector<ClientCase>, Error> Store::LoadCasesWhere(YearMonth month,
                                                             const std::string& from, bool exact,
                                                             int limit, std::string* last_id) {
  return Read("cannot read the month's cases", [&] {
    CaseChunk chunk(*sql_, month, ScopeClause("municipality_id"));
    if (!chunk.LoadClients(from, exact, limit)) return std::vector<ClientCase>();
    *last_id = chunk.last_id();
    chunk.AttachPlans();
    chunk.AttachBillsAndBenefit();
    chunk.AttachBalances();
    chunk.AttachRecords();
    chunk.ApplyChanges();
    chunk.AttachReserved();
    return chunk.WithPlan();
  });
}

// The run's rows, buffered and inserted in bulk.
struct Store::MonthWriter::Buffers {
  using T = BulkInsert::Type;
  BulkInsert entries = EntryColumns().Insert("entries", {{"run_id", T::kInt}});
  BulkInsert payments =
      PaymentColumns().Insert("payments", {{"file_id", T::kInt}, {"run_id", T::kInt}});
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
                       {"detail", T::kText},
                       {"detail_nl", T::kText}}};
  BulkInsert processed{
      "processed",
      {{"item", T::kText}, {"client_id", T::kText}, {"run_id", T::kInt}, {"month", T::kText}}};
  size_t rows() const {
    return entries.rows() + payments.rows() + findings.rows() + processed.rows() + holds.rows();
  }
};

Result<std::unique_ptr<Store::MonthWriter>, Error> Store::BeginMonth(const RunRecord& run,
                                                                     const FileSettings& files) {
  try {
    auto writer = std::unique_ptr<MonthWriter>(new MonthWriter(this, run, files));
    auto id = writer->NextId("run");
    if (!id) return Unexpected(id.error());
    writer->run_.id = *id;
    const std::string month = run.month.ToString(), date = run.run_date.ToString();
    // A run belongs to the municipality the store is scoped to (issue 20); unscoped, to 1 (the
    // only one of a store made before).
    writer->run_.municipality = scope() > 0 ? scope() : 1;
    const long long municipality = writer->run_.municipality;
    writer->run_.settings_version = files.settings_version;
    const long long settings = files.settings_version;
    *sql_ << "INSERT INTO runs (id, month, run_date, started_at, user_name, clients, payments, "
             "amount_cents, kind, municipality_id, municipality_version) VALUES (:i, :m, :d, :s, "
             ":u, 0, 0, 0, :k, :g, :v)",
        soci::use(writer->run_.id), soci::use(month), soci::use(date), soci::use(run.started_at),
        soci::use(run.user), soci::use(run.kind), soci::use(municipality), soci::use(settings);
    return writer;
  } catch (const std::exception& e) {
    return WriteFailed("cannot start the run", e);
  }
}

Store::MonthWriter::MonthWriter(Store* store, RunRecord run, FileSettings files)
    : store_(store),
      run_(std::move(run)),
      files_(std::move(files)),
      tx_(std::make_unique<WriteTransaction>(*store)),
      buf_(std::make_unique<Buffers>()) {}

Store::MonthWriter::~MonthWriter() = default;  // without Commit(), the transaction rolls back

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

// The file the next payment goes into: the open one, or a new one (a MsgId allocated) when there
// is none yet or it holds `max_per_file` payments.
Status<Error> Store::MonthWriter::OpenFile() {
  if (!open_file_ || open_file_->tx_count >= files_.max_per_file) {
    if (open_file_) {
      if (auto s = Flush(); !s) return s;
    }
    auto id = NextId("file");
    if (!id) return Unexpected(id.error());
    FileRecord f;
    f.id = *id;
    f.run_id = run_.id;
    const std::string day =
        run_.started_at.substr(0, 4) + run_.started_at.substr(5, 2) + run_.started_at.substr(8, 2);
    f.msg_id = files_.municipality_code + "-" + day + "-" + PadId(f.id);
    f.created_at = run_.started_at;
    f.format = files_.format;
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
  return {};
}

Status<Error> Store::MonthWriter::Add(const ClientMonth& month,
                                      const std::vector<Finding>& findings) {
  Buffers& b = *buf_;
  for (const Entry& e : month.entries) {
    EntryColumns().Encode(e, b.entries);
    b.entries.Int(run_.id);
  }
  for (const Payment& p : month.payments) {
    if (auto s = OpenFile(); !s) return s;
    open_file_->tx_count += 1;
    open_file_->ctrl_sum_cents += p.amount.cents();
    PaymentColumns().Encode(p, b.payments);
    b.payments.Int(open_file_->id).Int(run_.id);
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
        .Text(f.detail)
        .Text(f.detail_nl);
  }
  if (b.rows() >= kFlushRows) return Flush();
  return {};
}

Status<Error> Store::MonthWriter::AddOneOff(const OneOff& o, const std::string& payment_key) {
  if (auto s = Flush(); !s) return s;  // its payment first
  try {
    std::string creditor = o.creditor ? o.creditor->value : "";
    soci::indicator has_creditor = o.creditor ? soci::i_ok : soci::i_null;
    const long long cents = o.amount.cents();
    const std::string funding = ToString(o.funding), due = o.due.ToString();
    store_->session() << "INSERT INTO one_offs (decision, client_id, creditor_id, amount_cents, "
                         "funding, description, due_date, payment_key, run_id, recorded_by) "
                         "VALUES (:a, :b, :c, :d, :e, :f, :g, :h, :i, :j)",
        soci::use(o.decision), soci::use(o.client.value), soci::use(creditor, has_creditor),
        soci::use(cents), soci::use(funding), soci::use(o.description), soci::use(due),
        soci::use(payment_key), soci::use(run_.id), soci::use(run_.user);
    InsertAudit(store_->session(),
                {0, run_.started_at, run_.user, "one_off.recorded", "client:" + o.client.value,
                 "decision " + o.decision + ", " + o.amount.ToDecimalString() + " EUR to " +
                     (o.creditor ? "creditor " + o.creditor->value : std::string("own account")) +
                     ", " + funding + ", batch " + std::to_string(run_.id) + ": " + o.description});
    return {};
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kStorage, std::string("cannot record the one-off payment: ") + e.what());
  }
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
    return WriteFailed("run not stored (nothing changed)", e);
  }
  return {};
}

Status<Error> Store::MonthWriter::Commit(const Totals& totals) {
  const int64_t clients = totals.clients, payments = totals.payments;
  const Money amount = totals.amount;
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
    tx_->Commit();
    committed_ = true;
    return {};
  } catch (const std::exception& e) {
    return WriteFailed("run not stored (nothing changed)", e);
  }
}

}  // namespace ontzorg
