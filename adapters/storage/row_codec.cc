#include "adapters/storage/row_codec.h"

#include <stdexcept>

#include "adapters/system/files.h"

namespace ontzorg {

int64_t GetInt(const soci::row& r, size_t i) {
  if (r.get_indicator(i) == soci::i_null) return 0;
  switch (r.get_properties(i).get_data_type()) {
    case soci::dt_integer: return r.get<int>(i);
    case soci::dt_long_long: return r.get<long long>(i);
    case soci::dt_unsigned_long_long: return static_cast<int64_t>(r.get<unsigned long long>(i));
    case soci::dt_double: return static_cast<int64_t>(r.get<double>(i));
    case soci::dt_string: return std::stoll(r.get<std::string>(i));
    default: throw std::runtime_error("column " + std::to_string(i) + " is not a number");
  }
}

std::string GetText(const soci::row& r, size_t i) {
  return r.get_indicator(i) == soci::i_null ? std::string() : r.get<std::string>(i);
}

std::optional<std::string> GetOptText(const soci::row& r, size_t i) {
  if (r.get_indicator(i) == soci::i_null) return std::nullopt;
  return r.get<std::string>(i);
}

Date GetDate(const soci::row& r, size_t i) {
  const auto d = Date::Parse(GetText(r, i));
  if (!d) throw std::runtime_error("stored date in column " + std::to_string(i) + " is corrupt");
  return *d;
}

std::optional<Date> GetOptDate(const soci::row& r, size_t i) {
  if (r.get_indicator(i) == soci::i_null) return std::nullopt;
  return GetDate(r, i);
}

YearMonth GetMonth(const soci::row& r, size_t i) {
  const auto m = YearMonth::Parse(GetText(r, i));
  if (!m) throw std::runtime_error("stored month in column " + std::to_string(i) + " is corrupt");
  return *m;
}

std::optional<YearMonth> GetOptMonth(const soci::row& r, size_t i) {
  if (r.get_indicator(i) == soci::i_null) return std::nullopt;
  return GetMonth(r, i);
}

namespace {
template <typename T>
T Stored(std::optional<T> value, const char* what) {
  if (!value) throw std::runtime_error(std::string("stored ") + what + " is corrupt");
  return *value;
}

Iban StoredIban(const std::string& text) {
  auto iban = ParseIban(text);
  if (!iban) throw std::runtime_error("stored IBAN is corrupt");
  return *iban;
}
}  // namespace

Creditor DecodeCreditor(const soci::row& r, size_t f) {
  Creditor c;
  c.id = {GetText(r, f)};
  c.name = GetText(r, f + 1);
  c.iban = StoredIban(GetText(r, f + 2));
  c.bic = GetOptText(r, f + 3);
  c.address = {GetText(r, f + 4), GetText(r, f + 5), GetText(r, f + 6), GetText(r, f + 7),
               GetText(r, f + 8)};
  return c;
}

Client DecodeClient(const soci::row& r, size_t f) {
  Client c;
  c.id = {GetText(r, f)};
  c.bsn = GetText(r, f + 1);
  c.name = GetText(r, f + 2);
  c.household = ParseHousehold(GetText(r, f + 3)).value_or(Household::kSingle);
  c.own_iban = StoredIban(GetText(r, f + 4));
  c.adults = static_cast<int>(GetInt(r, f + 5));
  c.children = static_cast<int>(GetInt(r, f + 6));
  c.language = GetText(r, f + 7);
  return c;
}

ReliefPlan DecodePlan(const soci::row& r, size_t f) {
  ReliefPlan p;
  p.client = {GetText(r, f)};
  p.kind = ParsePlanKind(GetText(r, f + 1)).value_or(PlanKind::kStatutory);
  p.benefit_start = GetDate(r, f + 2);
  p.benefit_end = GetOptDate(r, f + 3);
  p.extension_end = GetOptDate(r, f + 4);
  p.extension_reason = GetText(r, f + 5);
  p.bills = DecodeBillKinds(GetText(r, f + 6));
  p.period_start = GetOptDate(r, f + 7);
  p.period_end = GetOptDate(r, f + 8);
  p.reason = GetText(r, f + 9);
  return p;
}

Bill DecodeBill(const soci::row& r, size_t f) {
  Bill b;
  b.id = {GetText(r, f)};
  b.client = {GetText(r, f + 1)};
  b.kind = ParseBillKind(GetText(r, f + 2)).value_or(BillKind::kRent);
  b.creditor = {GetText(r, f + 3)};
  b.amount = Money::FromCents(GetInt(r, f + 4));
  b.schedule = ParseSchedule(GetText(r, f + 5)).value_or(Schedule::kMonthly);
  b.due_day = static_cast<int>(GetInt(r, f + 6));
  b.reference = {ParseReferenceKind(GetText(r, f + 7)).value_or(ReferenceKind::kFreeText),
                 GetText(r, f + 8)};
  b.start = GetDate(r, f + 9);
  b.end = GetOptDate(r, f + 10);
  return b;
}

Payment DecodePayment(const soci::row& r, size_t f) {
  Payment p;
  p.key = GetText(r, f);
  p.end_to_end_id = GetText(r, f + 1);
  p.client = {GetText(r, f + 2)};
  p.purpose = GetText(r, f + 3) == "bill" ? PaymentPurpose::kBill : PaymentPurpose::kAllowance;
  if (auto bill = GetOptText(r, f + 4)) p.bill = BillId{*bill};
  if (auto kind = GetOptText(r, f + 5)) p.bill_kind = ParseBillKind(*kind);
  p.period = YearMonth::Parse(GetText(r, f + 6)).value();
  p.amount = Money::FromCents(GetInt(r, f + 7));
  p.due = GetDate(r, f + 8);
  p.execution = GetDate(r, f + 9);
  p.late = GetInt(r, f + 10) != 0;
  p.payee.name = GetText(r, f + 11);
  p.payee.iban = StoredIban(GetText(r, f + 12));
  p.payee.bic = GetOptText(r, f + 13);
  if (auto town = GetOptText(r, f + 17)) {
    p.payee.address = Address{GetText(r, f + 14), GetText(r, f + 15), GetText(r, f + 16), *town,
                              GetText(r, f + 18)};
  }
  p.remittance = {ParseReferenceKind(GetText(r, f + 19)).value_or(ReferenceKind::kFreeText),
                  GetText(r, f + 20)};
  p.replaces = GetOptText(r, f + 21);
  p.double_debit_risk = GetInt(r, f + 22) != 0;
  return p;
}

}  // namespace ontzorg

namespace ontzorg {

ToeslagExpectation DecodeToeslag(const soci::row& r, size_t f) {
  ToeslagExpectation e;
  e.client = {GetText(r, f)};
  e.kind = Stored(ParseIncomeKind(GetText(r, f + 1)), "toeslag kind");
  e.applied_on = GetDate(r, f + 2);
  e.right_from = GetMonth(r, f + 3);
  e.monthly = Money::FromCents(GetInt(r, f + 4));
  e.first_payment = GetOptDate(r, f + 5);
  e.paid_to = Stored(ParseDestination(GetText(r, f + 6)), "toeslag destination");
  return e;
}

Receipt DecodeReceipt(const soci::row& r, size_t f) {
  Receipt x;
  x.id = GetText(r, f);
  x.client = {GetText(r, f + 1)};
  x.kind = Stored(ParseIncomeKind(GetText(r, f + 2)), "receipt kind");
  x.received_on = GetDate(r, f + 3);
  x.amount = Money::FromCents(GetInt(r, f + 4));
  x.covers_from = GetOptMonth(r, f + 5);
  x.covers_to = GetOptMonth(r, f + 6);
  x.landed_on = Stored(ParseDestination(GetText(r, f + 7)), "receipt destination");
  return x;
}

WriteOff DecodeWriteOff(const soci::row& r, size_t f) {
  WriteOff w;
  w.id = GetText(r, f);
  w.client = {GetText(r, f + 1)};
  w.amount = Money::FromCents(GetInt(r, f + 2));
  w.reason = GetText(r, f + 3);
  w.decided_by = GetText(r, f + 4);
  w.decided_on = GetDate(r, f + 5);
  return w;
}

}  // namespace ontzorg

namespace ontzorg {

Assessment DecodeAssessment(const soci::row& r, size_t f) {
  Assessment a;
  a.id = GetText(r, f);
  a.client = {GetText(r, f + 1)};
  a.on = GetDate(r, f + 2);
  a.by = GetText(r, f + 3);
  a.note = GetText(r, f + 4);
  a.levels = Stored(DecodeLevels(GetText(r, f + 5)), "assessment levels");
  return a;
}

HandOverDecision DecodeHandOver(const soci::row& r, size_t f) {
  HandOverDecision d;
  d.id = GetText(r, f);
  d.client = {GetText(r, f + 1)};
  d.bill = {GetText(r, f + 2)};
  d.state = Stored(ParseHandOver(GetText(r, f + 3)), "hand-over state");
  d.from = GetMonth(r, f + 4);
  d.reason = GetText(r, f + 5);
  d.by = GetText(r, f + 6);
  d.decided_on = GetDate(r, f + 7);
  return d;
}

PaymentConfirmation DecodeConfirmation(const soci::row& r, size_t f) {
  PaymentConfirmation c;
  c.client = {GetText(r, f)};
  c.bill = {GetText(r, f + 1)};
  c.period = GetMonth(r, f + 2);
  c.paid = GetInt(r, f + 3) != 0;
  c.by = GetText(r, f + 4);
  c.on = GetDate(r, f + 5);
  return c;
}

DirectDebitRecord DecodeDirectDebit(const soci::row& r, size_t f) {
  return DirectDebitRecord{
      BillId{GetText(r, f)},
      ClientId{GetText(r, f + 1)},
      ParseDirectDebitStatus(GetText(r, f + 2)).value_or(DirectDebitStatus::kOverride),
      GetDate(r, f + 3),
      GetText(r, f + 4),
      GetText(r, f + 5)};
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
  sql << "UPDATE counters SET value = value + 1 WHERE name = :n", soci::use(name);
  long long value = 0;
  sql << "SELECT value FROM counters WHERE name = :n", soci::use(name), soci::into(value);
  return value;
}

}  // namespace ontzorg
