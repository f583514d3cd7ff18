#include "adapters/app/client_statement.h"

#include <algorithm>
#include <map>

#include "adapters/app/municipalities.h"
#include "engine/bank_feedback.h"
#include "engine/learning.h"

namespace ontzorg {

Status<Error> BookedClientMonth(Store& store, const ClientId& client, YearMonth month,
                                ClientMonth* computed) {
  auto payments = store.ClientPayments(client, month);
  if (!payments) return Unexpected(payments.error());
  computed->payments = std::move(payments).value();
  auto entries = store.ClientEntries(client);
  if (!entries) return Unexpected(entries.error());
  computed->entries
      .clear();  // the month's entries as booked (which one-offs the municipality paid)
  for (const Entry& e : *entries) {
    if (e.month == month) computed->entries.push_back(e);
  }
  const CreditMonth engine_credit = computed->credit;
  computed->credit = CreditFromEntries(*entries, client, month);
  computed->credit.applies = engine_credit.applies;
  computed->credit.form = engine_credit.form;
  computed->credit.minimum = engine_credit.minimum;
  return {};
}

namespace {

// What became of each payment: its batch's state, then the bank's word.
Result<std::map<std::string, StatementPaymentStatus>, Error> Outcomes(
    Store& store, const std::vector<Payment>& payments) {
  std::vector<std::string> ids;
  ids.reserve(payments.size());
  for (const Payment& p : payments) ids.push_back(p.end_to_end_id);
  std::map<std::string, StatementPaymentStatus> out;
  if (ids.empty()) return out;
  auto sent = store.PaymentsByEndToEndId(ids);
  if (!sent) return Unexpected(sent.error());
  std::map<int64_t, std::string> batch_state;
  for (const Store::SentRecord& r : *sent) {
    if (!batch_state.count(r.run_id)) {
      auto b = store.Batch(r.run_id);
      if (!b) return Unexpected(b.error());
      batch_state[r.run_id] = *b ? (**b).State() : "";
    }
    if (batch_state[r.run_id] == "cancelled") {
      out[r.payment.end_to_end_id].outcome = PaymentOutcome::kCancelled;
    }
  }
  auto states = store.PaymentStates(ids);
  if (!states) return Unexpected(states.error());
  for (const PaymentStateRow& s : *states) {
    StatementPaymentStatus& st = out[s.end_to_end_id];
    if (s.state == "booked" && st.outcome == PaymentOutcome::kPending) {
      st.outcome = PaymentOutcome::kPaid;
    } else if (s.state == "rejected" || s.state == "returned") {
      st.outcome = PaymentOutcome::kFailed;  // a return after the booking undoes it
      st.reason = s.reason_code.empty() ? s.state : ExplainReason(s.reason_code);
    } else if (s.state == "cancelled") {
      st.outcome = PaymentOutcome::kCancelled;
    }
  }
  return out;
}

// The run date the month was (or would be) run with: its latest month run's, else two weeks
// before the month.
Result<Date, Error> RunDateOf(Store& store, YearMonth month) {
  auto runs = store.Runs(month);
  if (!runs) return Unexpected(runs.error());
  std::optional<Date> date;
  for (const RunRecord& r : *runs) {
    if (r.kind == "month" && (!date || *date < r.run_date)) date = r.run_date;
  }
  return date.value_or(month.FirstDay().AddDays(-14));
}

}  // namespace

Result<ClientStatement, Error> LoadClientStatement(const Config& given, Store& store,
                                                   const ClientId& client, YearMonth month) {
  // The client's own municipality's name, address and policies (issue 20).
  auto own = ConfigOfClient(given, store, client, month);
  if (!own) return Unexpected(own.error());
  auto kept = std::make_shared<const Config>(std::move(own).value());
  const Config& config = *kept;
  auto loaded = store.LoadCase(client, month);
  if (!loaded) return Unexpected(loaded.error());
  if (!*loaded) {
    return Fail(ErrorCode::kBadInput,
                "client " + client.value + " has no relief plan for " + month.ToString());
  }
  const ClientCase& c = **loaded;
  auto creditors = store.LoadCreditors(month);
  if (!creditors) return Unexpected(creditors.error());
  auto run_date = RunDateOf(store, month);
  if (!run_date) return Unexpected(run_date.error());
  auto computed = ComputeClientMonth(c, *creditors, config.month, month, *run_date);
  if (!computed || computed->after_relief) {
    return Fail(ErrorCode::kBadInput, "client " + client.value + " is not in relief in " +
                                          month.ToString() + ": no statement for that month");
  }
  ClientStatement out;
  out.config = std::move(kept);  // `config` still refers to it, on the heap
  ClientMonth shown = *computed;
  if (auto booked = store.ClientPayments(client, month); !booked) {
    return Unexpected(booked.error());
  } else if (!booked->empty()) {
    out.booked = true;
    if (auto s = BookedClientMonth(store, client, month, &shown); !s) return Unexpected(s.error());
  }
  auto texts = LoadClientTexts(config.texts_dir, c.client.language);
  if (!texts) texts = LoadClientTexts(config.texts_dir, config.default_language);
  if (!texts) return Unexpected(texts.error());
  out.texts = std::move(texts).value();
  const Checkpoint cp = DeriveCheckpoint(config.competences, c.plan, c.client.id,
                                         computed->hand_over, c.assessments, month, *run_date);
  out.data = StatementFromMonth(config.municipality_name, c.client, shown,
                                PolicyOn(config.month.bridging, month.FirstDay()), cp);
  out.data.municipality_address = config.municipality_address;
  out.data.municipality_phone = config.municipality_phone;
  auto coach = store.CoachOf(client);
  if (!coach) return Unexpected(coach.error());
  if (*coach) {
    auto user = store.FindUser(**coach);
    if (!user) return Unexpected(user.error());
    if (*user) {
      out.data.coach_name = (**user).full_name.empty() ? (**user).name : (**user).full_name;
      out.data.coach_phone = (**user).phone;
    }
  }
  if (out.booked) {
    auto outcomes = Outcomes(store, shown.payments);
    if (!outcomes) return Unexpected(outcomes.error());
    out.data.status = std::move(outcomes).value();
  }
  return out;
}

}  // namespace ontzorg
