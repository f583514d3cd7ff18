#include "adapters/app/one_offs.h"

#include <map>
#include <optional>

#include "adapters/app/municipalities.h"
#include "adapters/app/run_month.h"
#include "engine/sepa_rules.h"
#include "engine/text.h"

namespace ontzorg {

namespace {

constexpr int kMaxDaysAhead = 364;  // banks take execution dates at most a year ahead

// The request read into a one-off, every field checked that needs no store.
Result<OneOff, Error> ReadRequest(const OneOffRequest& r, Date run_date, FieldNames names) {
  // NOLINTNEXTLINE(bugprone-easily-swappable-parameters): named at every call, in one order
  const auto bad = [&](const char* option, const char* form_field, const std::string& value,
                       // NOLINTNEXTLINE(bugprone-easily-swappable-parameters): as above
                       const std::string& why) {
    const std::string field = names == FieldNames::kOption ? option : form_field;
    return Fail(ErrorCode::kBadInput, field + " '" + value + "': " + why + "; nothing changed");
  };
  OneOff o;
  if (!IsValidId(r.decision)) {
    return bad("--decision", "decision", r.decision,
               "give the decision's number (beschikkingsnummer): 1-20 letters, digits or '-'");
  }
  o.decision = r.decision;
  if (!IsValidId(r.client)) return bad("--client", "client", r.client, "no such client");
  o.client = ClientId{r.client};
  if (!r.creditor.empty()) {
    if (!IsValidId(r.creditor))
      return bad("--creditor", "creditor", r.creditor, "no such creditor");
    o.creditor = CreditorId{r.creditor};
  }
  auto amount = ParseTypedEuros(r.amount);
  if (!amount) {
    return bad("--amount", "amount", r.amount, ExplainTypedAmountError(amount.error(), r.amount));
  }
  if (!amount->IsPositive() || amount->cents() > kMaxAmountCents) {
    return bad("--amount", "amount", r.amount, "an amount from 0,01 euro");
  }
  o.amount = *amount;
  const auto funding = ParseOneOffFunding(r.funding);
  if (!funding) {
    return bad("--funding", "funding", r.funding,
               "say who pays: special_assistance (bijzondere bijstand, the municipality) or "
               "client_funds (what the managed account holds for the client)");
  }
  o.funding = *funding;
  const std::string text = ToSepaText(r.description, kMaxRemittanceChars + 1);
  if (text.empty() || text.size() > kMaxRemittanceChars) {
    return bad("--description", "description", r.description,
               "say in at most 140 characters what the payee reads with the payment (e.g. "
               "'Borg Havenstraat 12, beschikking 2027-0042')");
  }
  o.description = text;
  std::optional<Date> due;
  if (auto iso = Date::Parse(r.due)) {
    due = *iso;
  } else if (auto dutch = ParseDutchDate(r.due)) {
    due = *dutch;
  }
  if (!due) return bad("--due", "due", r.due, "a date like 2027-02-15 or 15-02-2027");
  if (*due < run_date || run_date.AddDays(kMaxDaysAhead) < *due) {
    return bad("--due", "due", r.due,
               "a day from today (" + FormatDutchDate(run_date) + ") to a year ahead");
  }
  o.due = *due;
  return o;
}

// The payee: the creditor on record, or the client's own account; for client funds, whether the
// client has the money (less what is reserved for failed payments and held bills).
Result<Payee, Error> PayeeOf(Store& store, const OneOff& o, FieldNames names) {
  const auto field = [&](const char* option, const char* form_field) {
    return std::string(names == FieldNames::kOption ? option : form_field);
  };
  auto client = store.FindClient(o.client);
  if (!client) return Unexpected(client.error());
  if (!*client) {
    return Fail(ErrorCode::kBadInput, field("--client", "client") + " '" + o.client.value +
                                          "': no such client; nothing changed");
  }
  // Paid within the relief: the managed account holds the client's money only then.
  auto plan = store.FindPlan(o.client);
  if (!plan) return Unexpected(plan.error());
  const std::optional<ReliefPeriod> period =
      *plan ? std::optional<ReliefPeriod>(ComputePeriod(**plan)) : std::nullopt;
  if (!period || !period->Contains(o.due)) {
    return Fail(ErrorCode::kBadInput,
                field("--due", "due") + " " + FormatDutchDate(o.due) + ": client " +
                    o.client.value +
                    (period ? " is in relief from " + FormatDutchDate(period->first) + " to " +
                                  FormatDutchDate(period->last)
                            : std::string(" has no relief plan")) +
                    "; a one-off is paid within the relief; nothing changed");
  }
  Payee payee{NameForBank(**client), (*client)->own_iban, std::nullopt, std::nullopt};
  if (o.creditor) {
    auto creditors = store.LoadCreditors(YearMonth::Of(o.due));
    if (!creditors) return Unexpected(creditors.error());
    const auto c = creditors->find(*o.creditor);
    if (c == creditors->end()) {
      return Fail(ErrorCode::kBadInput, field("--creditor", "creditor") + " '" + o.creditor->value +
                                            "': no such creditor; import it first "
                                            "(creditors.csv); nothing changed");
    }
    payee = Payee{c->second.name, c->second.iban, c->second.bic, c->second.address};
  }
  if (o.funding == OneOffFunding::kClientFunds) {
    auto c = store.LoadCase(o.client, YearMonth::Of(o.due));
    if (!c) return Unexpected(c.error());
    const Money free = *c ? (*c)->opening_balance - (*c)->reserved : Money();
    if (free < o.amount) {
      return Fail(
          ErrorCode::kRefused,
          field("--amount", "amount") + ": client " + o.client.value + " has " + FormatEuros(free) +
              " free on the managed account, less than " + FormatEuros(o.amount) +
              "; let the municipality pay it as bijzondere bijstand (funding special_assistance) "
              "or lower the amount; nothing changed");
    }
  }
  return payee;
}

}  // namespace

Result<PreparedBatch, Error> RecordOneOff(const Config& given, Store& store,
                                          const OneOffRequest& request, Date run_date,
                                          const Actor& actor, FieldNames names) {
  auto user = RequireAction(store, actor.user, Action::kRecordOneOff);
  if (!user) return Unexpected(user.error());
  auto one_off = ReadRequest(request, run_date, names);
  if (!one_off) return Unexpected(one_off.error());
  // The client's municipality (issue 20) pays it, from its managed account; a client of another
  // municipality is not there for this user.
  auto visible = ClientInScope(store, one_off->client);
  if (!visible) return Unexpected(visible.error());
  if (!*visible) {
    return Fail(ErrorCode::kBadInput, (names == FieldNames::kOption ? "--client '" : "client '") +
                                          one_off->client.value +
                                          "': no such client; nothing changed");
  }
  auto municipality =
      MunicipalityOfClients(given, store, {one_off->client}, YearMonth::Of(run_date));
  if (!municipality) return Unexpected(municipality.error());
  const Config& config = municipality->config;
  const ScopedToMunicipality scoped(store, municipality->id);
  // The batch's transaction holds the store's write lock from here: the checks below read what
  // nobody else can change before this batch is stored (one decision recorded at once by two
  // people: one wins, the other is told it is recorded).
  auto writer =
      store.BeginMonth({0, YearMonth::Of(run_date), run_date, actor.at, actor.user, "one_off"},
                       FileSettingsOf(config));
  if (!writer) return Unexpected(writer.error());
  auto before = store.FindOneOff(one_off->decision);
  if (!before) return Unexpected(before.error());
  if (*before) {
    return Fail(ErrorCode::kConflict, (names == FieldNames::kOption ? "--decision " : "decision ") +
                                          one_off->decision + ": recorded already by " +
                                          (*before)->recorded_by + ", paid by batch " +
                                          std::to_string((*before)->run_id) + "; nothing changed");
  }
  auto payee = PayeeOf(store, *one_off, names);
  if (!payee) return Unexpected(payee.error());
  OneOffBooking booking =
      BookOneOff(*one_off, *payee, run_date, config.month.settlement_business_days);
  if (auto s = CheckPayment(booking.payment); !s) {
    return Fail(ErrorCode::kBadInput, "the payment breaks a SEPA rule: " +
                                          std::string(Describe(s.error())) + "; nothing changed");
  }
  ClientMonth month;
  month.client = one_off->client;
  month.month = booking.payment.period;
  month.entries = booking.entries;
  month.payments.push_back(booking.payment);
  if (auto s = (*writer)->Add(month, {}); !s) return Unexpected(s.error());
  if (auto s = (*writer)->AddOneOff(*one_off, booking.payment.key); !s) {
    return Unexpected(s.error());
  }
  if (auto s = (*writer)->Commit({.clients = 1, .payments = 1, .amount = one_off->amount}); !s) {
    return Unexpected(s.error());
  }
  PreparedBatch out{.batch = (*writer)->run_id(), .payments = 1, .amount = one_off->amount};
  out.notes.push_back(
      booking.payment.end_to_end_id + ": " + FormatEuros(one_off->amount) + " to " + payee->name +
      " (" + payee->iban.Formatted() + "), due " + FormatDutchDate(one_off->due) + ", " +
      (one_off->funding == OneOffFunding::kSpecialAssistance ? "paid as bijzondere bijstand"
                                                             : "out of the client's funds"));
  return out;
}

}  // namespace ontzorg
