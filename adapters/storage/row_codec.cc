#include "adapters/storage/row_codec.h"

#include <stdexcept>

#include "adapters/system/files.h"
#include "engine/invariant.h"

namespace ontzorg {

int64_t GetInt(const StoredRow& r, size_t i) { return r.Int(i); }

std::string GetText(const StoredRow& r, size_t i) { return std::string(r.Text(i)); }

std::optional<std::string> GetOptText(const StoredRow& r, size_t i) {
  if (r.IsNull(i)) return std::nullopt;
  return std::string(r.Text(i));
}

Date GetDate(const StoredRow& r, size_t i) {
  const auto d = Date::Parse(r.Text(i));
  if (!d) throw std::runtime_error("stored date in column " + std::to_string(i) + " is corrupt");
  return *d;
}

std::optional<Date> GetOptDate(const StoredRow& r, size_t i) {
  if (r.IsNull(i)) return std::nullopt;
  return GetDate(r, i);
}

YearMonth GetMonth(const StoredRow& r, size_t i) {
  const auto m = YearMonth::Parse(r.Text(i));
  if (!m) throw std::runtime_error("stored month in column " + std::to_string(i) + " is corrupt");
  return *m;
}

std::optional<YearMonth> GetOptMonth(const StoredRow& r, size_t i) {
  if (r.IsNull(i)) return std::nullopt;
  return GetMonth(r, i);
}

Money GetMoney(const StoredRow& r, size_t i) { return Money::FromCents(GetInt(r, i)); }

namespace {

using Type = BulkInsert::Type;

// A stored value the program wrote itself: unreadable means the store was changed outside it.
template <typename V>
V Stored(std::optional<V> value, const char* what) {
  if (!value) throw std::runtime_error(std::string("stored ") + what + " is corrupt");
  return *value;
}

Iban StoredIban(const std::string& text) {
  auto iban = ParseIban(text);
  if (!iban) throw std::runtime_error("stored IBAN is corrupt");
  return *iban;
}

std::optional<std::string> OptText(const std::optional<Date>& d) {
  return d ? std::optional<std::string>(d->ToString()) : std::nullopt;
}
std::optional<std::string> OptText(const std::optional<YearMonth>& m) {
  return m ? std::optional<std::string>(m->ToString()) : std::nullopt;
}

// Column makers for the common field types: `M` is the member the column holds.
template <typename T, std::string T::*M>
Column<T> TextColumn(const char* name) {
  return {name, Type::kText, [](const StoredRow& r, size_t i, T& o) { o.*M = GetText(r, i); },
          [](const T& v, BulkInsert& b) { b.Text(v.*M); }};
}
template <typename T, std::optional<std::string> T::*M>
Column<T> OptTextColumn(const char* name) {
  return {name, Type::kText, [](const StoredRow& r, size_t i, T& o) { o.*M = GetOptText(r, i); },
          [](const T& v, BulkInsert& b) { b.OptText(v.*M); }};
}
template <typename T, typename Tag, Id<Tag> T::*M>
Column<T> IdColumn(const char* name) {
  return {name, Type::kText,
          [](const StoredRow& r, size_t i, T& o) { o.*M = Id<Tag>{GetText(r, i)}; },
          [](const T& v, BulkInsert& b) { b.Text((v.*M).value); }};
}
template <typename T, Money T::*M>
Column<T> MoneyColumn(const char* name) {
  return {name, Type::kInt, [](const StoredRow& r, size_t i, T& o) { o.*M = GetMoney(r, i); },
          [](const T& v, BulkInsert& b) { b.Int((v.*M).cents()); }};
}
template <typename T, int T::*M>
Column<T> IntColumn(const char* name) {
  return {name, Type::kInt,
          [](const StoredRow& r, size_t i, T& o) { o.*M = static_cast<int>(GetInt(r, i)); },
          [](const T& v, BulkInsert& b) { b.Int(v.*M); }};
}
template <typename T, bool T::*M>
Column<T> BoolColumn(const char* name) {
  return {name, Type::kInt, [](const StoredRow& r, size_t i, T& o) { o.*M = GetInt(r, i) != 0; },
          [](const T& v, BulkInsert& b) { b.Int(v.*M ? 1 : 0); }};
}
template <typename T, Date T::*M>
Column<T> DateColumn(const char* name) {
  return {name, Type::kText, [](const StoredRow& r, size_t i, T& o) { o.*M = GetDate(r, i); },
          [](const T& v, BulkInsert& b) { b.Text((v.*M).ToString()); }};
}
template <typename T, std::optional<Date> T::*M>
Column<T> OptDateColumn(const char* name) {
  return {name, Type::kText, [](const StoredRow& r, size_t i, T& o) { o.*M = GetOptDate(r, i); },
          [](const T& v, BulkInsert& b) { b.OptText(OptText(v.*M)); }};
}
template <typename T, YearMonth T::*M>
Column<T> MonthColumn(const char* name) {
  return {name, Type::kText, [](const StoredRow& r, size_t i, T& o) { o.*M = GetMonth(r, i); },
          [](const T& v, BulkInsert& b) { b.Text((v.*M).ToString()); }};
}
template <typename T, std::optional<YearMonth> T::*M>
Column<T> OptMonthColumn(const char* name) {
  return {name, Type::kText, [](const StoredRow& r, size_t i, T& o) { o.*M = GetOptMonth(r, i); },
          [](const T& v, BulkInsert& b) { b.OptText(OptText(v.*M)); }};
}
template <typename T, Iban T::*M>
Column<T> IbanColumn(const char* name) {
  return {name, Type::kText,
          [](const StoredRow& r, size_t i, T& o) { o.*M = StoredIban(GetText(r, i)); },
          [](const T& v, BulkInsert& b) { b.Text((v.*M).compact()); }};
}
// An enum stored by its name (ToString / Parse...).
template <typename T, typename E, E T::*M, std::optional<E> (*Parse)(std::string_view),
          const char* (*Name)(E)>
Column<T> EnumColumn(const char* name) {
  return {name, Type::kText,
          [](const StoredRow& r, size_t i, T& o) { o.*M = Stored(Parse(GetText(r, i)), "code"); },
          [](const T& v, BulkInsert& b) { b.Text(Name(v.*M)); }};
}
}  // namespace

const Columns<Creditor>& CreditorColumns() {
  using C = Creditor;
  static const Columns<C> kColumns = {
      IdColumn<C, CreditorTag, &C::id>("id"),
      TextColumn<C, &C::name>("name"),
      IbanColumn<C, &C::iban>("iban"),
      OptTextColumn<C, &C::bic>("bic"),
      {"street", Type::kText,
       [](const StoredRow& r, size_t i, C& o) { o.address.street = GetText(r, i); },
       [](const C& v, BulkInsert& b) { b.Text(v.address.street); }},
      {"building", Type::kText,
       [](const StoredRow& r, size_t i, C& o) { o.address.building = GetText(r, i); },
       [](const C& v, BulkInsert& b) { b.Text(v.address.building); }},
      {"postcode", Type::kText,
       [](const StoredRow& r, size_t i, C& o) { o.address.postcode = GetText(r, i); },
       [](const C& v, BulkInsert& b) { b.Text(v.address.postcode); }},
      {"town", Type::kText,
       [](const StoredRow& r, size_t i, C& o) { o.address.town = GetText(r, i); },
       [](const C& v, BulkInsert& b) { b.Text(v.address.town); }},
      {"country", Type::kText,
       [](const StoredRow& r, size_t i, C& o) { o.address.country = GetText(r, i); },
       [](const C& v, BulkInsert& b) { b.Text(v.address.country); }},
  };
  return kColumns;
}

const Columns<Client>& ClientColumns() {
  using C = Client;
  static const Columns<C> kColumns = {
      IdColumn<C, ClientTag, &C::id>("id"),
      TextColumn<C, &C::bsn>("bsn"),
      TextColumn<C, &C::name>("name"),
      EnumColumn<C, Household, &C::household, ParseHousehold, ToString>("household"),
      IbanColumn<C, &C::own_iban>("iban"),
      IntColumn<C, &C::adults>("adults"),
      IntColumn<C, &C::children>("children"),
      TextColumn<C, &C::language>("language"),
      TextColumn<C, &C::bank_name>("bank_name"),
      TextColumn<C, &C::address>("address"),
  };
  return kColumns;
}

const Columns<ReliefPlan>& PlanColumns() {
  using P = ReliefPlan;
  static const Columns<P> kColumns = {
      IdColumn<P, ClientTag, &P::client>("client_id"),
      EnumColumn<P, PlanKind, &P::kind, ParsePlanKind, ToString>("kind"),
      DateColumn<P, &P::benefit_start>("benefit_start"),
      OptDateColumn<P, &P::benefit_end>("benefit_end"),
      OptDateColumn<P, &P::extension_end>("extension_end"),
      TextColumn<P, &P::extension_reason>("extension_reason"),
      {"bills", Type::kText,
       [](const StoredRow& r, size_t i, P& o) { o.bills = DecodeBillKinds(GetText(r, i)); },
       [](const P& v, BulkInsert& b) { b.Text(EncodeBillKinds(v.bills)); }},
      OptDateColumn<P, &P::period_start>("period_start"),
      OptDateColumn<P, &P::period_end>("period_end"),
      TextColumn<P, &P::reason>("reason"),
  };
  return kColumns;
}

const Columns<Bill>& BillColumns() {
  using B = Bill;
  static const Columns<B> kColumns = {
      IdColumn<B, BillTag, &B::id>("id"),
      IdColumn<B, ClientTag, &B::client>("client_id"),
      EnumColumn<B, BillKind, &B::kind, ParseBillKind, ToString>("kind"),
      IdColumn<B, CreditorTag, &B::creditor>("creditor_id"),
      MoneyColumn<B, &B::amount>("amount_cents"),
      EnumColumn<B, Schedule, &B::schedule, ParseSchedule, ToString>("schedule"),
      IntColumn<B, &B::due_day>("due_day"),
      {"reference_kind", Type::kText,
       [](const StoredRow& r, size_t i, B& o) {
         o.reference.kind = Stored(ParseReferenceKind(GetText(r, i)), "reference kind");
       },
       [](const B& v, BulkInsert& b) { b.Text(ToString(v.reference.kind)); }},
      {"reference", Type::kText,
       [](const StoredRow& r, size_t i, B& o) { o.reference.value = GetText(r, i); },
       [](const B& v, BulkInsert& b) { b.Text(v.reference.value); }},
      DateColumn<B, &B::start>("start_date"),
      OptDateColumn<B, &B::end>("end_date"),
  };
  return kColumns;
}

namespace {
// A part of a payee's address: NULL (every part) when the payee has no address.
template <std::string Address::*F>
Column<Payment> PayeeAddressColumn(const char* name) {
  return {name, Type::kText,
          [](const StoredRow& r, size_t i, Payment& o) {
            if (auto text = GetOptText(r, i)) {
              if (!o.payee.address) o.payee.address = Address{};
              (*o.payee.address).*F = *text;
            }
          },
          [](const Payment& v, BulkInsert& b) {
            b.OptText(v.payee.address ? std::optional<std::string>((*v.payee.address).*F)
                                      : std::nullopt);
          }};
}
}  // namespace

const Columns<Payment>& PaymentColumns() {
  using P = Payment;
  static const Columns<P> kColumns = {
      TextColumn<P, &P::key>("key"),
      TextColumn<P, &P::end_to_end_id>("end_to_end_id"),
      IdColumn<P, ClientTag, &P::client>("client_id"),
      {"purpose", Type::kText,
       [](const StoredRow& r, size_t i, P& o) {
         const std::string text = GetText(r, i);
         const auto purpose = ParsePaymentPurpose(text);
         OZ_INVARIANT(purpose.has_value(), "a stored payment's purpose is one the code knows");
         o.purpose = *purpose;
       },
       [](const P& v, BulkInsert& b) { b.Text(ToString(v.purpose)); }},
      {"bill_id", Type::kText,
       [](const StoredRow& r, size_t i, P& o) {
         if (auto bill = GetOptText(r, i)) o.bill = BillId{*bill};
       },
       [](const P& v, BulkInsert& b) {
         b.OptText(v.bill ? std::optional<std::string>(v.bill->value) : std::nullopt);
       }},
      {"bill_kind", Type::kText,
       [](const StoredRow& r, size_t i, P& o) {
         if (auto kind = GetOptText(r, i)) o.bill_kind = Stored(ParseBillKind(*kind), "bill kind");
       },
       [](const P& v, BulkInsert& b) {
         b.OptText(v.bill_kind ? std::optional<std::string>(ToString(*v.bill_kind)) : std::nullopt);
       }},
      MonthColumn<P, &P::period>("month"),
      MoneyColumn<P, &P::amount>("amount_cents"),
      DateColumn<P, &P::due>("due_date"),
      DateColumn<P, &P::execution>("execution_date"),
      BoolColumn<P, &P::late>("late"),
      {"payee_name", Type::kText,
       [](const StoredRow& r, size_t i, P& o) { o.payee.name = GetText(r, i); },
       [](const P& v, BulkInsert& b) { b.Text(v.payee.name); }},
      {"payee_iban", Type::kText,
       [](const StoredRow& r, size_t i, P& o) { o.payee.iban = StoredIban(GetText(r, i)); },
       [](const P& v, BulkInsert& b) { b.Text(v.payee.iban.compact()); }},
      {"payee_bic", Type::kText,
       [](const StoredRow& r, size_t i, P& o) { o.payee.bic = GetOptText(r, i); },
       [](const P& v, BulkInsert& b) { b.OptText(v.payee.bic); }},
      PayeeAddressColumn<&Address::street>("payee_street"),
      PayeeAddressColumn<&Address::building>("payee_building"),
      PayeeAddressColumn<&Address::postcode>("payee_postcode"),
      PayeeAddressColumn<&Address::town>("payee_town"),
      PayeeAddressColumn<&Address::country>("payee_country"),
      {"remittance_kind", Type::kText,
       [](const StoredRow& r, size_t i, P& o) {
         o.remittance.kind = Stored(ParseReferenceKind(GetText(r, i)), "remittance kind");
       },
       [](const P& v, BulkInsert& b) { b.Text(ToString(v.remittance.kind)); }},
      {"remittance", Type::kText,
       [](const StoredRow& r, size_t i, P& o) { o.remittance.value = GetText(r, i); },
       [](const P& v, BulkInsert& b) { b.Text(v.remittance.value); }},
      OptTextColumn<P, &P::replaces>("replaces"),
      BoolColumn<P, &P::double_debit_risk>("double_debit_risk"),
  };
  return kColumns;
}

const Columns<Entry>& EntryColumns() {
  using E = Entry;
  static const Columns<E> kColumns = {
      TextColumn<E, &E::key>("key"),
      IdColumn<E, ClientTag, &E::client>("client_id"),
      MonthColumn<E, &E::month>("month"),
      EnumColumn<E, EntryKind, &E::kind, ParseEntryKind, ToString>("kind"),
      DateColumn<E, &E::booked_on>("booked_on"),
      IdColumn<E, AccountTag, &E::debit_account>("debit_account"),
      IdColumn<E, AccountTag, &E::credit_account>("credit_account"),
      MoneyColumn<E, &E::amount>("amount_cents"),
  };
  return kColumns;
}

const Columns<ToeslagExpectation>& ToeslagColumns() {
  using T = ToeslagExpectation;
  static const Columns<T> kColumns = {
      IdColumn<T, ClientTag, &T::client>("client_id"),
      EnumColumn<T, IncomeKind, &T::kind, ParseIncomeKind, ToString>("kind"),
      DateColumn<T, &T::applied_on>("applied_on"),
      MonthColumn<T, &T::right_from>("right_from"),
      MoneyColumn<T, &T::monthly>("monthly_cents"),
      OptDateColumn<T, &T::first_payment>("first_payment"),
      EnumColumn<T, Destination, &T::paid_to, ParseDestination, ToString>("paid_to"),
  };
  return kColumns;
}

const Columns<Receipt>& ReceiptColumns() {
  using R = Receipt;
  static const Columns<R> kColumns = {
      TextColumn<R, &R::id>("id"),
      IdColumn<R, ClientTag, &R::client>("client_id"),
      EnumColumn<R, IncomeKind, &R::kind, ParseIncomeKind, ToString>("kind"),
      DateColumn<R, &R::received_on>("received_on"),
      MoneyColumn<R, &R::amount>("amount_cents"),
      OptMonthColumn<R, &R::covers_from>("covers_from"),
      OptMonthColumn<R, &R::covers_to>("covers_to"),
      EnumColumn<R, Destination, &R::landed_on, ParseDestination, ToString>("landed_on"),
  };
  return kColumns;
}

const Columns<WriteOff>& WriteOffColumns() {
  using W = WriteOff;
  static const Columns<W> kColumns = {
      TextColumn<W, &W::id>("id"),
      IdColumn<W, ClientTag, &W::client>("client_id"),
      MoneyColumn<W, &W::amount>("amount_cents"),
      TextColumn<W, &W::reason>("reason"),
      TextColumn<W, &W::decided_by>("decided_by"),
      DateColumn<W, &W::decided_on>("decided_on"),
  };
  return kColumns;
}

const Columns<Assessment>& AssessmentColumns() {
  using A = Assessment;
  static const Columns<A> kColumns = {
      TextColumn<A, &A::id>("id"),
      IdColumn<A, ClientTag, &A::client>("client_id"),
      DateColumn<A, &A::on>("assessed_on"),
      TextColumn<A, &A::by>("assessed_by"),
      TextColumn<A, &A::note>("note"),
      {"levels", Type::kText,
       [](const StoredRow& r, size_t i, A& o) {
         o.levels = Stored(Levels::Parse(r.Text(i)), "assessment levels");
       },
       [](const A& v, BulkInsert& b) { b.Text(v.levels.Encoded()); }},
  };
  return kColumns;
}

const Columns<HandOverDecision>& HandOverColumns() {
  using H = HandOverDecision;
  static const Columns<H> kColumns = {
      TextColumn<H, &H::id>("id"),
      IdColumn<H, ClientTag, &H::client>("client_id"),
      IdColumn<H, BillTag, &H::bill>("bill_id"),
      EnumColumn<H, HandOver, &H::state, ParseHandOver, ToString>("state"),
      MonthColumn<H, &H::from>("from_month"),
      TextColumn<H, &H::reason>("reason"),
      TextColumn<H, &H::by>("decided_by"),
      DateColumn<H, &H::decided_on>("decided_on"),
  };
  return kColumns;
}

const Columns<PaymentConfirmation>& ConfirmationColumns() {
  using P = PaymentConfirmation;
  static const Columns<P> kColumns = {
      IdColumn<P, ClientTag, &P::client>("client_id"),
      IdColumn<P, BillTag, &P::bill>("bill_id"),
      MonthColumn<P, &P::period>("period"),
      BoolColumn<P, &P::paid>("paid"),
      TextColumn<P, &P::by>("confirmed_by"),
      DateColumn<P, &P::on>("confirmed_on"),
  };
  return kColumns;
}

const Columns<DirectDebitRecord>& DirectDebitColumns() {
  using D = DirectDebitRecord;
  static const Columns<D> kColumns = {
      IdColumn<D, BillTag, &D::bill>("bill_id"),
      IdColumn<D, ClientTag, &D::client>("client_id"),
      EnumColumn<D, DirectDebitStatus, &D::status, ParseDirectDebitStatus, ToString>("status"),
      DateColumn<D, &D::on>("on_date"),
      TextColumn<D, &D::confirmed_by>("confirmed_by"),
      TextColumn<D, &D::note>("note"),
  };
  return kColumns;
}

Entry LoadEntry(const StoredRow& r, size_t first) {
  Entry e = EntryColumns().Decode(r, first);
  return MakeTransfer(std::move(e.key), std::move(e.client), e.month, e.kind, e.booked_on,
                      DebitAccount{std::move(e.debit_account)},
                      CreditAccount{std::move(e.credit_account)}, e.amount);
}

WriteOff DecodeWriteOffProcessed(const StoredRow& r) {
  WriteOff w = WriteOffColumns().Decode(r);
  w.processed_in = GetOptMonth(r, WriteOffColumns().size());
  return w;
}

Receipt DecodeReceiptProcessed(const StoredRow& r) {
  Receipt x = ReceiptColumns().Decode(r);
  x.processed_in = GetOptMonth(r, ReceiptColumns().size());
  return x;
}

std::string AuditChainHash(const std::string& prev_hash, const AuditRecord& a) {
  std::string data = "ontzorg-audit-v1";
  for (const std::string* field : {&prev_hash, &a.at, &a.user, &a.action, &a.subject, &a.detail}) {
    data += "\n" + std::to_string(field->size()) + ":" + *field;
  }
  data += "\n" + std::to_string(a.seq);
  return Sha256Hex(data);
}

void InsertAudit(soci::session& sql, const AuditRecord& record) {
  AuditRecord a = record;
  a.seq = NextCounter(sql, "audit");
  std::string prev;
  soci::indicator ind = soci::i_ok;
  const long long before = a.seq - 1;
  sql << "SELECT hash FROM audit_log WHERE seq = :s", soci::use(before), soci::into(prev, ind);
  if (!sql.got_data() || ind != soci::i_ok) prev.clear();
  const std::string hash = AuditChainHash(prev, a);
  const long long seq = a.seq;
  sql << "INSERT INTO audit_log (seq, at, user_name, action, subject, detail, prev_hash, hash) "
         "VALUES (:s, :a, :u, :c, :j, :d, :p, :h)",
      soci::use(seq), soci::use(a.at), soci::use(a.user), soci::use(a.action), soci::use(a.subject),
      soci::use(a.detail), soci::use(prev), soci::use(hash);
}

int64_t NextCounter(soci::session& sql, const std::string& name) {
  return ReserveCounters(sql, name, 1);
}

int64_t ReserveCounters(soci::session& sql, const std::string& name, int64_t count) {
  OZ_INVARIANT(count > 0, "a counter range holds at least one value");
  const long long n = count;
  sql << "UPDATE counters SET value = value + :k WHERE name = :n", soci::use(n), soci::use(name);
  long long value = 0;
  sql << "SELECT value FROM counters WHERE name = :n", soci::use(name), soci::into(value);
  return value - n + 1;
}

void InsertDirectDebits(soci::session& sql, Backend backend,
                        const std::vector<DirectDebitRecord>& records, const Actor& recorded) {
  if (records.empty()) return;
  int64_t id = ReserveCounters(sql, "direct_debit", static_cast<int64_t>(records.size()));
  BulkInsert insert =
      DirectDebitColumns().Insert("direct_debits", {{"id", BulkInsert::Type::kText},
                                                    {"recorded_by", BulkInsert::Type::kText},
                                                    {"recorded_at", BulkInsert::Type::kText}});
  for (const DirectDebitRecord& d : records) {
    DirectDebitColumns().Encode(d, insert);
    insert.Text("DD" + std::to_string(id++)).Text(recorded.user).Text(recorded.at);
    insert.ExecuteWhenFull(sql, backend);  // kBulkRows at a time, not all at once (issue 18)
  }
  insert.Execute(sql, backend);
}

}  // namespace ontzorg
