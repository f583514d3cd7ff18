// The work list of the web app ("Vandaag te doen"): every finding of the runs and every signal
// from the bank, with its state, filtered for coaches (their caseload) and finance (payments).
#include "adapters/web/handlers.h"

namespace ontzorg::web {

namespace {

// Who a signal is for: the coach (the client's money and learning) or finance (payments).
const char* AudienceOf(const std::string& code) {
  for (const char* finance :
       {"implausible", "late", "payment_failed", "double_payment", "feedback_held"}) {
    if (code == finance) return "finance";
  }
  return "coach";
}

}  // namespace

// The work list (issue 16): every finding of a run and every signal from the bank, with its
// state. A coach sees their caseload's; finance and the auditor everyone's. Filters: state
// ("active": open and in progress, the default; "open", "in_progress", "done", "all"), for
// ("coach", "finance", "" both), code, client.
Outcome Signals(Ctx& x) {
  auto signals = x.store.WorkSignals(std::nullopt);
  if (!signals) return FromError(signals.error());
  std::map<std::string, std::string> coaches;
  if (x.page.session.role == "coach") {
    auto all = x.store.Coaches();
    if (!all) return FromError(all.error());
    coaches = std::move(all).value();
  }
  std::string state = x.Field("state");
  if (state.empty()) state = "active";
  const std::string audience = x.Field("for"), code = x.Field("code"), client = x.Field("client");
  Outcome o;
  o.data = {{"signals", json::array()},
            {"state", state},
            {"for", audience},
            {"code", code},
            {"client", client}};
  std::map<std::string, int64_t> counts;
  for (auto it = signals->rbegin(); it != signals->rend(); ++it) {
    const WorkSignal& w = *it;
    if (x.page.session.role == "coach") {
      const auto c = coaches.find(w.client.value);
      if (c == coaches.end() || c->second != x.page.session.user) continue;
    }
    if (!client.empty() && w.client.value != client) continue;
    if (!audience.empty() && audience != AudienceOf(w.code)) continue;
    const bool in_state =
        state == "all" || w.state == state || (state == "active" && w.state != "done");
    if (!in_state) continue;
    ++counts[w.code];
    if (!code.empty() && w.code != code) continue;
    o.data["signals"].push_back({{"id", w.id},
                                 {"client", w.client.value},
                                 {"code", w.code},
                                 {"for", AudienceOf(w.code)},
                                 {"bill", w.bill},
                                 {"amount_cents", w.amount.cents()},
                                 {"detail", w.detail},
                                 {"detail_nl", w.detail_nl},
                                 {"month", w.month},
                                 {"source", w.id[0] == 'S' ? "bank" : "run"},
                                 {"at", w.raised_at},
                                 {"state", w.state},
                                 {"state_by", w.state_by},
                                 {"state_at", w.state_at},
                                 {"note", w.note}});
  }
  o.data["counts"] = counts;  // per code, before the code filter
  // Write-off requests waiting for finance (issue 16): finance decides them on the client page.
  json waiting = json::array();
  if (x.page.session.role != "coach") {
    auto requests = x.store.WriteOffRequests(std::nullopt);
    if (!requests) return FromError(requests.error());
    for (const WriteOffRequest& q : *requests) {
      if (q.decision.empty()) waiting.push_back(web::WriteOffRequestJson(q));
    }
  }
  o.data["write_off_requests"] = waiting;
  return o;
}

// A coach (their caseload) or finance marks a signal in progress or done, with a note.
Outcome SetSignalStateAction(Ctx& x) {
  auto set = x.store.SetSignalState(
      {.signal = x.Field("signal"),
       .state = x.Field("state"),
       .note = x.Field("note"),
       .coach = x.page.session.role == "coach" ? x.page.session.user : std::string()},
      x.Me());
  if (!set) return FromError(set.error());
  Outcome o;
  o.data = {{"signal", set->id}, {"client", set->client.value}, {"state", set->state}};
  const std::string back = x.Field("back");
  o.redirect = back.rfind('/', 0) == 0 && back.rfind("//", 0) != 0 ? back : "/signals";
  return o;
}

}  // namespace ontzorg::web
