#include "engine/versions.h"

// The field tables compare two records (a, b): symmetric, so a swap cannot go wrong.
// NOLINTBEGIN(bugprone-easily-swappable-parameters)
namespace ontzorg {
namespace {

template <typename T, typename V, V T::*M>
Field<T> Member(const char* name, bool changeable = true) {
  return {name, changeable, [](const T& a, const T& b) { return a.*M == b.*M; },
          [](T& to, const T& from) { to.*M = from.*M; }};
}

template <std::string Address::*M>
Field<Creditor> AddressPart(const char* name) {
  return {name, true,
          [](const Creditor& a, const Creditor& b) { return a.address.*M == b.address.*M; },
          [](Creditor& to, const Creditor& from) { to.address.*M = from.address.*M; }};
}

}  // namespace

const std::vector<Field<Creditor>>& FieldsOf(const Creditor*) {
  using C = Creditor;
  static const std::vector<Field<C>> kFields = {
      Member<C, CreditorId, &C::id>("id", false),
      Member<C, std::string, &C::name>("name"),
      Member<C, Iban, &C::iban>("iban"),
      Member<C, std::optional<std::string>, &C::bic>("bic"),
      AddressPart<&Address::street>("street"),
      AddressPart<&Address::building>("building"),
      AddressPart<&Address::postcode>("postcode"),
      AddressPart<&Address::town>("town"),
      AddressPart<&Address::country>("country"),
  };
  return kFields;
}

const std::vector<Field<Client>>& FieldsOf(const Client*) {
  using C = Client;
  static const std::vector<Field<C>> kFields = {
      Member<C, ClientId, &C::id>("id", false),
      Member<C, std::string, &C::bsn>("bsn", false),
      Member<C, std::string, &C::name>("name"),
      Member<C, Household, &C::household>("household"),
      Member<C, Iban, &C::own_iban>("iban"),
      Member<C, int, &C::adults>("adults"),
      Member<C, int, &C::children>("children"),
      Member<C, std::string, &C::language>("language"),
      Member<C, std::string, &C::bank_name>("bank_name"),
      Member<C, std::string, &C::address>("address"),
  };
  return kFields;
}

const std::vector<Field<ReliefPlan>>& FieldsOf(const ReliefPlan*) {
  using P = ReliefPlan;
  static const std::vector<Field<P>> kFields = {
      Member<P, ClientId, &P::client>("client_id", false),
      // The kind and the start of the right fix the six months: they are the plan's identity.
      Member<P, PlanKind, &P::kind>("kind", false),
      Member<P, Date, &P::benefit_start>("benefit_start", false),
      Member<P, std::optional<Date>, &P::benefit_end>("benefit_end"),
      Member<P, std::optional<Date>, &P::extension_end>("extension_end"),
      Member<P, std::string, &P::extension_reason>("extension_reason"),
      Member<P, std::vector<BillKind>, &P::bills>("bills"),
      Member<P, std::optional<Date>, &P::period_start>("period_start"),
      Member<P, std::optional<Date>, &P::period_end>("period_end"),
      Member<P, std::string, &P::reason>("reason"),
  };
  return kFields;
}

const std::vector<Field<Bill>>& FieldsOf(const Bill*) {
  using B = Bill;
  static const std::vector<Field<B>> kFields = {
      Member<B, BillId, &B::id>("id", false),
      Member<B, ClientId, &B::client>("client_id", false),
      Member<B, BillKind, &B::kind>("kind", false),
      Member<B, CreditorId, &B::creditor>("creditor_id"),
      Member<B, Money, &B::amount>("amount"),
      Member<B, Schedule, &B::schedule>("schedule"),
      Member<B, int, &B::due_day>("due_day"),
      {"reference_kind", true,
       [](const B& a, const B& b) { return a.reference.kind == b.reference.kind; },
       [](B& to, const B& from) { to.reference.kind = from.reference.kind; }},
      {"reference", true,
       [](const B& a, const B& b) { return a.reference.value == b.reference.value; },
       [](B& to, const B& from) { to.reference.value = from.reference.value; }},
      Member<B, Date, &B::start>("start"),
      Member<B, std::optional<Date>, &B::end>("end"),
  };
  return kFields;
}

const std::vector<Field<ToeslagExpectation>>& FieldsOf(const ToeslagExpectation*) {
  using T = ToeslagExpectation;
  static const std::vector<Field<T>> kFields = {
      Member<T, ClientId, &T::client>("client_id", false),
      Member<T, IncomeKind, &T::kind>("kind", false),
      Member<T, Date, &T::applied_on>("applied_on"),
      Member<T, YearMonth, &T::right_from>("right_from"),
      Member<T, Money, &T::monthly>("monthly_amount"),
      Member<T, std::optional<Date>, &T::first_payment>("first_payment"),
      Member<T, Destination, &T::paid_to>("paid_to"),
  };
  return kFields;
}

}  // namespace ontzorg
// NOLINTEND(bugprone-easily-swappable-parameters)
