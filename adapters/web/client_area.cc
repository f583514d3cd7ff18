// The client area of the web app: the caseload, the client page (by tab) and the forms a coach
// and finance use on it. Each form's logic lives in adapters/app, shared with the command line.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>

#include "adapters/app/batches.h"
#include "adapters/app/client_statement.h"
#include "adapters/app/forecast.h"
#include "adapters/app/municipalities.h"
#include "adapters/app/overview.h"
#include "adapters/app/records.h"
#include "adapters/app/write_offs.h"
#include "adapters/statement/client_texts.h"
#include "adapters/statement/statement.h"
#include "adapters/system/pdf.h"
#include "adapters/web/handlers.h"
#include "engine/forecast.h"
#include "engine/learning.h"
#include "engine/sepa_rules.h"
#include "engine/text.h"
#include "engine/versions.h"

namespace ontzorg::web {

std::string IsoAt(int64_t epoch_seconds) {
  const Date day =
      Date::FromYmd(1970, 1, 1).value().AddDays(static_cast<int>(epoch_seconds / 86400));
  const int64_t s = epoch_seconds % 86400;
  char buf[16];
  std::snprintf(buf, sizeof buf, "T%02d:%02d:%02d", static_cast<int>(s / 3600),
                static_cast<int>(s / 60 % 60), static_cast<int>(s % 60));
  return day.ToString() + buf;
}
Actor Ctx::Me() const { return {page.session.user, IsoAt(now)}; }

// --- Data shared by pages and API ------------------------------------------------------------

// The month the app shows: the month of the latest month run that was not cancelled (the batch
// people work on), else today's. A run beyond what may be run today (one booked before that was
// refused) does not move everyone's month.
Date DayAt(int64_t epoch_seconds) {
  return Date::FromYmd(1970, 1, 1).value().AddDays(static_cast<int>(epoch_seconds / 86400));
}

YearMonth ReferenceMonth(Store& store, int64_t now) {
  const Date today = DayAt(now);
  const YearMonth latest_allowed = YearMonth::Of(today).AddMonths(kMonthsAhead);
  std::optional<YearMonth> month;
  if (auto batches = store.Batches()) {
    for (const BatchRecord& b : *batches) {
      if (b.run.kind != "month" || b.Find("cancelled") != nullptr) continue;
      if (latest_allowed < b.run.month) continue;
      if (!month || *month < b.run.month) month = b.run.month;
    }
  }
  return month.value_or(YearMonth::Of(today));
}

// The client's overview (adapters/app/overview) as the caseload and the client page show it.
json OverviewJson(const ClientOverview& v) {
  json j = {{"id", v.client.id.value},
            {"name", v.client.name},
            {"language", v.client.language},
            {"coach", v.coach}};
  if (!v.has_case) {
    j["in_relief"] = false;
    return j;
  }
  const Checkpoint& cp = v.checkpoint;
  j["in_relief"] = v.in_relief;
  j["relief_month"] = cp.relief_month;
  j["relief_months"] = cp.relief_months;
  j["stage"] = ToString(cp.stage);
  j["stalled"] = cp.stalled;
  j["progress_percent"] = cp.progress_percent;
  j["next_step"] = ToString(cp.next);
  j["next_subject"] = cp.next_subject;
  j["credit_outstanding_cents"] = v.credit_outstanding.cents();
  json bills = json::array();
  for (const BillReadiness& b : cp.bills) {
    bills.push_back({{"bill", b.bill.value},
                     {"kind", ToString(b.kind)},
                     {"state", ToString(b.state)},
                     {"readiness", b.readiness}});
  }
  j["bills"] = bills;
  j["balance_cents"] = v.balance.cents();    // saldo on the managed account
  j["reserved_cents"] = v.reserved.cents();  // held bills and failed payments
  j["signals"] = v.open_signals;             // open and in progress
  j["signal_codes"] = v.signal_codes;
  return j;
}

Outcome Caseload(Ctx& x) {
  const std::string q = x.Field("q");
  std::optional<std::string> coach;
  if (x.page.session.role == "coach") coach = x.page.session.user;
  constexpr int kLimit = 100;
  auto clients = x.store.SearchClients(q, coach, kLimit + 1);
  if (!clients) return FromError(clients.error());
  const YearMonth month = ReferenceMonth(x.store, x.now);
  Outcome o;
  o.data = {{"month", month.ToString()},
            {"query", q},
            {"own_caseload", coach.has_value()},
            {"more", clients->size() > kLimit},
            {"clients", json::array()}};
  // By urgency: open signals first (most first), then stalled learning, then by number. Clients
  // not in relief with nothing open are left out unless asked (all=1).
  const bool all = x.Field("all") == "1";
  std::vector<json> rows;
  int64_t hidden = 0;
  for (size_t i = 0; i < clients->size() && i < kLimit; ++i) {
    auto overview = LoadOverview(x.store, x.config, (*clients)[i], month);
    if (!overview) return FromError(overview.error());
    json row = OverviewJson(*overview);
    if (!all && !row.value("in_relief", false) && row.value("signals", int64_t{0}) == 0) {
      ++hidden;
      continue;
    }
    rows.push_back(std::move(row));
  }
  std::stable_sort(rows.begin(), rows.end(), [](const json& a, const json& b) {
    const int64_t sa = a.value("signals", int64_t{0}), sb = b.value("signals", int64_t{0});
    if (sa != sb) return sa > sb;
    return a.value("stalled", false) && !b.value("stalled", false);
  });
  for (json& row : rows) o.data["clients"].push_back(std::move(row));
  o.data["hidden"] = hidden;
  o.data["all"] = all;
  return o;
}

json EntryJson(const Entry& e) {
  return {{"key", e.key},
          {"month", e.month.ToString()},
          {"kind", ToString(e.kind)},
          {"booked_on", e.booked_on.ToString()},
          {"debit", e.debit_account.value},
          {"credit", e.credit_account.value},
          {"amount_cents", e.amount.cents()}};
}

json PaymentJson(const Payment& p) {
  json j = {{"end_to_end_id", p.end_to_end_id},
            {"purpose", ToString(p.purpose)},
            {"kind", PaymentKind(p)},
            {"bill", p.bill ? p.bill->value : ""},
            {"period", p.period.ToString()},
            {"payee", p.payee.name},
            {"amount_cents", p.amount.cents()},
            {"due", p.due.ToString()},
            {"execution", p.execution.ToString()},
            {"late", p.late},
            {"double_debit_risk", p.double_debit_risk}};
  if (p.replaces) j["replaces"] = *p.replaces;
  return j;
}

// The client's own record and plan as the details tab shows them.
json RecordJson(const Client& c) {
  return {{"name", c.name},
          {"household", ToString(c.household)},
          {"iban", c.own_iban.Formatted()},
          {"adults", c.adults},
          {"children", c.children},
          {"address", c.address}};
}
json PlanJson(const ReliefPlan& p) {
  const auto date = [](const std::optional<Date>& d) { return d ? d->ToString() : ""; };
  return {{"kind", ToString(p.kind)},
          {"benefit_start", p.benefit_start.ToString()},
          {"benefit_end", date(p.benefit_end)},
          {"extension_end", date(p.extension_end)},
          {"extension_reason", p.extension_reason}};
}

// Whom the client's bills are paid to (each creditor once), for finance's creditor form.
json PayeesJson(const std::vector<Bill>& bills, const std::map<CreditorId, Creditor>& creditors) {
  json payees = json::array();
  std::set<std::string> listed;
  for (const Bill& b : bills) {
    const auto cr = creditors.find(b.creditor);
    if (cr == creditors.end() || !listed.insert(b.creditor.value).second) continue;
    payees.push_back({{"creditor", b.creditor.value},
                      {"name", cr->second.name},
                      {"iban", cr->second.iban.Formatted()}});
  }
  return payees;
}

namespace {

// Over 70 lines (195; it grew with the tabs of issue 16): the client page's data; to be split by
// tab (month, bills, credit, learning, ledger), each its own function.
// NOLINTNEXTLINE(readability-function-size)
Outcome BuildClientData(Ctx& x) {
  const ClientId id{x.params["client"]};
  auto client = x.store.FindClient(id);
  if (!client) return FromError(client.error());
  if (!*client) return Refuse(404, "no client " + id.value);
  const YearMonth month = ReferenceMonth(x.store, x.now);
  Outcome o;
  json& j = o.data;
  auto overview = LoadOverview(x.store, x.config, **client, month);
  if (!overview) return FromError(overview.error());
  j = OverviewJson(*overview);
  j["month"] = month.ToString();
  j["tab"] = x.Field("tab");  // the page's section (the view falls back to "month")
  const std::string& bsn = (*client)->bsn;
  j["bsn_masked"] = bsn.size() >= 3 ? "******" + bsn.substr(bsn.size() - 3) : "";
  j["name_for_bank"] = ToSepaText(NameForBank(**client), kMaxNameChars);
  j["household"] = (*client)->household == Household::kSingle ? "single" : "with_partner";
  j["record"] = RecordJson(**client);
  if (auto plan = x.store.FindPlan(id); plan && *plan) j["plan"] = PlanJson(**plan);

  // The ledger month by month, and the credit balance after each month.
  auto entries = x.store.ClientEntries(id);
  if (!entries) return FromError(entries.error());
  std::map<YearMonth, std::vector<const Entry*>> by_month;
  for (const Entry& e : *entries) by_month[e.month].push_back(&e);
  json months = json::array(), credit = json::array();
  for (const auto& [m, list] : by_month) {
    json rows = json::array();
    for (const Entry* e : list) rows.push_back(EntryJson(*e));
    months.push_back({{"month", m.ToString()}, {"entries", rows}});
    const CreditMonth cm = CreditFromEntries(*entries, id, m);
    credit.push_back({{"month", m.ToString()},
                      {"outstanding_cents", cm.after.Outstanding().cents()},
                      {"drawn_cents", cm.drawn.cents()},
                      {"set_off_cents", cm.set_off.cents()},
                      {"forecast", false}});
  }
  j["ledger"] = months;

  // Payments of the month shown and the next, with what the bank said.
  json payments = json::array();
  std::vector<std::string> ids;
  std::vector<Payment> all;
  for (const YearMonth m : {month, month.AddMonths(1)}) {
    auto list = x.store.ClientPayments(id, m);
    if (!list) return FromError(list.error());
    for (const Payment& p : *list) {
      ids.push_back(p.end_to_end_id);
      all.push_back(p);
    }
  }
  auto states = x.store.PaymentStates(ids);
  if (!states) return FromError(states.error());
  std::map<std::string, std::string> last_state;
  for (const PaymentStateRow& s : *states) last_state[s.end_to_end_id] = s.state;
  for (const Payment& p : all) {
    json pj = PaymentJson(p);
    const auto st = last_state.find(p.end_to_end_id);
    pj["bank_state"] = st == last_state.end() ? "" : st->second;
    payments.push_back(pj);
  }
  j["payments"] = payments;

  // The case for the month after the one shown: toeslagen, checkpoint history, forecast.
  const YearMonth next = month.AddMonths(1);
  auto loaded = x.store.LoadCase(id, next);
  if (!loaded) return FromError(loaded.error());
  json toeslagen = json::array(), receipts = json::array(), assessments = json::array(),
       bills = json::array();
  if (*loaded) {
    const ClientCase& c = **loaded;
    for (const ToeslagExpectation& t : c.toeslagen) {
      Money received;
      for (const Receipt& r : c.receipts) {
        if (r.kind == t.kind) received += r.amount;
      }
      toeslagen.push_back({{"kind", ToString(t.kind)},
                           {"applied_on", t.applied_on.ToString()},
                           {"right_from", t.right_from.ToString()},
                           {"monthly_cents", t.monthly.cents()},
                           {"first_payment", t.first_payment ? t.first_payment->ToString() : ""},
                           {"paid_to", ToString(t.paid_to)},
                           {"received_cents", received.cents()}});
    }
    for (const Receipt& r : c.receipts) {
      receipts.push_back({{"id", r.id},
                          {"kind", ToString(r.kind)},
                          {"received_on", r.received_on.ToString()},
                          {"amount_cents", r.amount.cents()},
                          {"landed_on", ToString(r.landed_on)},
                          {"processed_in", r.processed_in ? r.processed_in->ToString() : ""}});
    }
    for (auto it = c.assessments.rbegin(); it != c.assessments.rend(); ++it) {
      json levels = json::object();
      for (const auto& [k, v] : it->levels.Items()) levels[std::string(k)] = v;
      assessments.push_back({{"id", it->id},
                             {"on", it->on.ToString()},
                             {"by", it->by},
                             {"note", it->note},
                             {"levels", levels}});
    }
    const auto hand = HandOverStates(c.plan, c.bills, c.hand_overs, c.confirmations, next);
    auto creditors = x.store.LoadCreditors();  // as they now hold: whom each bill is paid to
    if (!creditors) return FromError(creditors.error());
    j["creditors"] = PayeesJson(c.bills, *creditors);
    for (const Bill& b : c.bills) {
      std::string state = "paid_for_client";
      for (const BillState& s : hand) {
        if (s.bill.value == b.id.value) state = ToString(s.state);
      }
      bills.push_back({{"bill", b.id.value},
                       {"kind", ToString(b.kind)},
                       {"creditor", b.creditor.value},
                       {"amount_cents", b.amount.cents()},
                       {"due_day", b.due_day},
                       {"state", state}});
    }
    auto benefits = x.store.Benefits(id);
    auto latest = x.store.LatestRun();
    auto changed = ChangedRecords(x.store, id, next, 6);
    if (benefits && creditors && latest && changed) {
      const Date run_date =
          *latest ? (*latest)->run_date.AddMonthsClamped(1) : next.FirstDay().AddDays(-14);
      auto own = ConfigOfClient(x.config, x.store, id, next);  // its municipality's policy
      for (const ForecastMonth& f :
           Forecast(c, *benefits, *creditors, own ? own->month : x.config.month, next, run_date, 6,
                    *changed)) {
        credit.push_back({{"month", f.month.ToString()},
                          {"outstanding_cents", f.outstanding.cents()},
                          {"drawn_cents", f.credit_drawn.cents()},
                          {"set_off_cents", f.credit_set_off.cents()},
                          {"leefgeld_cents", f.leefgeld.cents()},
                          {"in_relief", f.in_relief},
                          {"forecast", true}});
      }
    }
  }
  j["toeslagen"] = toeslagen;
  j["receipts"] = receipts;
  j["assessments"] = assessments;
  j["plan_bills"] = bills;
  j["credit"] = credit;
  json signals = json::array();
  if (auto s = x.store.WorkSignals(id)) {
    for (auto it = s->rbegin(); it != s->rend(); ++it) {
      if (it->state == "done") continue;
      signals.push_back({{"id", it->id},
                         {"code", it->code},
                         {"bill", it->bill},
                         {"month", it->month},
                         {"amount_cents", it->amount.cents()},
                         {"detail", it->detail},
                         {"detail_nl", it->detail_nl},
                         {"at", it->raised_at},
                         {"state", it->state},
                         {"note", it->note}});
    }
  }
  j["signal_list"] = signals;
  json requests = json::array();
  if (auto list = x.store.WriteOffRequests(id)) {
    for (auto it = list->rbegin(); it != list->rend(); ++it) {
      requests.push_back(WriteOffRequestJson(*it));
    }
  }
  j["write_off_requests"] = requests;  // newest first  // open and in progress, newest first
  // Every change to the client's records, newest first (issue 16).
  json changes = json::array();
  if (auto history = x.store.ClientChanges(id)) {
    for (auto it = history->rbegin(); it != history->rend(); ++it) {
      changes.push_back({{"record", it->record},
                         {"fields", it->fields},
                         {"valid_from", it->valid_from.ToString()},
                         {"by", it->changed_by},
                         {"at", it->changed_at},
                         {"reason", it->reason}});
    }
  }
  j["changes"] = changes;
  // The competence model, for the checkpoint form.
  json areas = json::array(), skills = json::array();
  for (const std::string& a : x.config.competences.areas) areas.push_back(a);
  for (const auto& s : x.config.competences.skills) {
    for (BillKind k : s.applies_to) skills.push_back(SkillKey(k, s.id));
  }
  // Areas and skills in words, in the page's language (the client texts name them).
  json words = json::object();
  if (auto texts = LoadClientTexts(x.config.texts_dir, x.page.en ? "en" : "nl")) {
    for (const std::string& a : x.config.competences.areas) words[a] = texts->Get("areas." + a, a);
    for (const auto& sk : x.config.competences.skills) {
      words[sk.id] = texts->Get("skills." + sk.id, sk.id);
    }
  }
  j["words"] = words;
  j["model"] = {
      {"areas", areas}, {"skills", skills}, {"max_level", x.config.competences.max_level}};
  return o;
}

}  // namespace

// The client page's data, kept until the store changes (ClientCache). The generation is read
// before the data: a change committed while the page is built makes the next request build it
// again, so nothing older than the store at the request is ever shown.
Outcome ClientData(Ctx& x) {
  if (x.client_cache == nullptr) return BuildClientData(x);
  auto generation = x.store.Generation();
  if (!generation) return FromError(generation.error());
  const std::string key =
      x.params["client"] + "|" + DayAt(x.now).ToString() + "|" + (x.page.en ? "en" : "nl");
  if (auto kept = x.client_cache->Find(key, *generation)) {
    Outcome o;
    o.data = *kept;
    o.data["tab"] = x.Field("tab");
    return o;
  }
  Outcome o = BuildClientData(x);
  if (o.status == 200 && o.error.empty()) x.client_cache->Keep(key, *generation, o.data);
  return o;
}

// A preview of the client's next statement, in the client's language: the next month as the
// engine would compute it now (nothing is booked).
Outcome StatementPreview(Ctx& x) {
  const ClientId id{x.params["client"]};
  const YearMonth month = ReferenceMonth(x.store, x.now).AddMonths(1);
  auto loaded = x.store.LoadCase(id, month);
  if (!loaded) return FromError(loaded.error());
  if (!*loaded)
    return Refuse(404, "client " + id.value + " has no relief plan for " + month.ToString());
  auto creditors = x.store.LoadCreditors();
  if (!creditors) return FromError(creditors.error());
  auto latest = x.store.LatestRun();
  const Date run_date =
      latest && *latest ? (*latest)->run_date.AddMonthsClamped(1) : month.FirstDay().AddDays(-14);
  const ClientCase& c = **loaded;
  auto own = ConfigOfClient(x.config, x.store, id, month);  // its municipality's (issue 20)
  if (!own) return FromError(own.error());
  const auto computed = ComputeClientMonth(c, *creditors, own->month, month, run_date);
  if (!computed) return Refuse(404, "nothing to show for " + month.ToString());
  auto texts = LoadClientTexts(x.config.texts_dir, c.client.language);
  if (!texts) texts = LoadClientTexts(x.config.texts_dir, x.config.default_language);
  if (!texts) return FromError(texts.error());
  const Checkpoint cp = DeriveCheckpoint(x.config.competences, c.plan, c.client.id,
                                         computed->hand_over, c.assessments, month, run_date);
  const StatementData data =
      StatementFromMonth(own->municipality_name, c.client, *computed,
                         PolicyOn(own->month.bridging, month.FirstDay()), cp);
  Outcome o;
  o.raw = RenderStatementHtml(data, *texts);
  o.raw_type = "text/html; charset=utf-8";
  o.csp =
      "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; "
      "base-uri 'none'; form-action 'none'";
  o.data = {{"month", month.ToString()}, {"language", texts->code}};
  return o;
}

// The client's statement of a month (?month=YYYY-MM, default the month the app shows) as the
// PDF the client keeps: A4, their language, what will be paid, was paid or was refused.
Outcome StatementPdf(Ctx& x) {
  const ClientId id{x.params["client"]};
  YearMonth month = ReferenceMonth(x.store, x.now);
  if (const std::string m = x.Field("month"); !m.empty()) {
    const auto parsed = YearMonth::Parse(m);
    if (!parsed) return Refuse(422, "month '" + m + "': use YYYY-MM");
    month = *parsed;
  }
  auto statement = LoadClientStatement(x.config, x.store, id, month);
  if (!statement) {
    return statement.error().code == ErrorCode::kBadInput ? Refuse(404, statement.error().message)
                                                          : FromError(statement.error());
  }
  char name[] = "/tmp/ontzorg-statement-XXXXXX";
  const int fd = mkstemp(name);
  if (fd < 0) return Refuse(500, "cannot make a temporary file for the PDF");
  close(fd);
  const std::string path = name;
  const auto printed = HtmlToPdf(statement->Html(), path);
  std::ifstream in(path, std::ios::binary);
  std::string pdf((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::remove(path.c_str());
  if (!printed) return FromError(printed.error());
  Outcome o;
  o.raw = std::move(pdf);
  o.raw_type = "application/pdf";
  o.raw_name = "geldoverzicht-" + id.value + "-" + month.ToString() + ".pdf";
  o.data = {{"month", month.ToString()}, {"language", statement->texts.code}};
  return o;
}

// A record id from the time: "A20261215T090000" (one a second per kind is plenty by hand).
Outcome RecordAssessment(Ctx& x) {
  const std::string client = x.params["client"];
  std::string levels;
  if (x.api && x.body.contains("levels") && x.body["levels"].is_object()) {
    for (const auto& [k, v] : x.body["levels"].items()) {
      // A level is a whole number (or its digits as text); anything else was a 500 before.
      if (!v.is_number_integer() && !v.is_string()) {
        return Refuse(422, "levels." + k + ": give the level as a whole number, e.g. 2");
      }
      levels +=
          (levels.empty() ? "" : ";") + k + "=" + (v.is_string() ? v.get<std::string>() : v.dump());
    }
  } else {
    for (const auto& [k, v] : x.form) {
      if (k.rfind("level.", 0) == 0 && !v.empty()) {
        levels += (levels.empty() ? "" : ";") + k.substr(6) + "=" + v;
      }
    }
  }
  std::string on = x.Field("on");
  const std::string at = IsoAt(x.now);
  if (on.empty()) on = at.substr(0, 10);
  auto added = RecordRow(x.config, x.store,
                         {.file = "assessments.csv",
                          .what = "checkpoint",
                          .columns = {{"client_id", client},
                                      {"assessed_on", on},
                                      {"assessed_by", x.page.session.user},
                                      {"note", x.Field("note")},
                                      {"levels", levels}},
                          .new_id = 'A'},
                         {x.page.session.user, at});
  if (!added) return FromError(added.error());
  Outcome o;
  o.status = 201;
  o.data = {{"recorded", added->assessments.empty() ? "" : added->assessments.front().id},
            {"client", client}};
  o.redirect = "/clients/" + client + "?tab=learning&saved=checkpoint";
  return o;
}

Outcome RecordHandOver(Ctx& x) {
  const std::string client = x.params["client"];
  const std::string at = IsoAt(x.now);
  auto added = RecordRow(x.config, x.store,
                         {.file = "handovers.csv",
                          .what = "hand-over",
                          .columns = {{"client_id", client},
                                      {"bill_id", x.Field("bill")},
                                      {"state", x.Field("state")},
                                      {"from", x.Field("from")},
                                      {"reason", x.Field("reason")},
                                      {"decided_by", x.page.session.user},
                                      {"decided_on", at.substr(0, 10)}},
                          .new_id = 'H'},
                         {x.page.session.user, at});
  if (!added) return FromError(added.error());
  Outcome o;
  o.status = 201;
  o.data = {{"recorded", added->hand_overs.empty() ? "" : added->hand_overs.front().id},
            {"client", client}};
  o.redirect = "/clients/" + client + "?tab=bills&saved=handover";
  return o;
}

// A coach or finance changes one of the client's bills from a month on (issue 16).
Outcome ChangeBillAction(Ctx& x) {
  const std::string client = x.params["client"];
  const auto given = [&](const char* field) -> std::optional<std::string> {
    std::string v = x.Field(field);
    return v.empty() ? std::nullopt : std::optional<std::string>(v);
  };
  auto added = ChangeBill(x.config, x.store,
                          {.client = ClientId{client},
                           .bill = BillId{x.Field("bill")},
                           .amount = given("amount"),
                           .due_day = given("due_day"),
                           .creditor = given("creditor_id"),
                           .end = given("end"),
                           .valid_from = x.Field("valid_from"),
                           .reason = x.Field("change_reason")},
                          x.Me());
  if (!added) return FromError(added.error());
  const Version<Bill>& v = added->versions.bills.front();
  std::string fields;
  for (const std::string& f : v.fields) fields += (fields.empty() ? "" : ",") + f;
  Outcome o;
  o.status = 201;
  o.data = {{"client", client},
            {"bill", v.row.id.value},
            {"fields", fields},
            {"valid_from", v.valid_from.ToString()}};
  o.redirect = "/clients/" + client + "?tab=bills&saved=bill_change";
  return o;
}

namespace {

std::optional<std::string> Given(const Ctx& x, const char* field) {
  std::string v = x.Field(field);
  return v.empty() ? std::nullopt : std::optional<std::string>(std::move(v));
}

Outcome ChangeRecorded(const std::string& client, const std::string& record,
                       const std::vector<std::string>& fields, YearMonth valid_from,
                       const std::string& saved) {
  std::string names;
  for (const std::string& f : fields) names += (names.empty() ? "" : ",") + f;
  Outcome o;
  o.status = 201;
  o.data = {{"client", client},
            {"record", record},
            {"fields", names},
            {"valid_from", valid_from.ToString()}};
  o.redirect = "/clients/" + client + "?tab=details&saved=" + saved;
  return o;
}

}  // namespace

// A change to the client's own record from a month on: account, household, language, name.
Outcome ClientChangeAction(Ctx& x) {
  const std::string client = x.params["client"];
  auto added = ChangeClient(x.config, x.store,
                            {.client = ClientId{client},
                             .name = Given(x, "name"),
                             .household = Given(x, "household"),
                             .iban = Given(x, "iban"),
                             .adults = Given(x, "adults"),
                             .children = Given(x, "children"),
                             .language = Given(x, "language"),
                             .address = Given(x, "address"),
                             .valid_from = x.Field("valid_from"),
                             .reason = x.Field("change_reason")},
                            x.Me());
  if (!added) return FromError(added.error());
  const Version<Client>& v = added->versions.clients.front();
  return ChangeRecorded(client, "client " + client, v.fields, v.valid_from, "client_change");
}

// Finance changes a creditor of the client's bills from a month on: the landlord's new account.
Outcome CreditorChangeAction(Ctx& x) {
  const std::string client = x.params["client"];
  const std::string creditor = x.Field("creditor");
  auto known = x.store.LoadCase(ClientId{client}, ReferenceMonth(x.store, x.now));
  if (!known) return FromError(known.error());
  const bool of_client =
      *known && std::any_of((**known).bills.begin(), (**known).bills.end(),
                            [&](const Bill& b) { return b.creditor.value == creditor; });
  if (!of_client) {
    return Refuse(422, "creditor: '" + creditor + "' is not paid by a bill of client " + client);
  }
  auto added = ChangeCreditor(x.config, x.store,
                              {.creditor = CreditorId{creditor},
                               .name = Given(x, "name"),
                               .iban = Given(x, "iban"),
                               .bic = Given(x, "bic"),
                               .valid_from = x.Field("valid_from"),
                               .reason = x.Field("change_reason")},
                              x.Me());
  if (!added) return FromError(added.error());
  const Version<Creditor>& v = added->versions.creditors.front();
  Outcome o =
      ChangeRecorded(client, "creditor " + creditor, v.fields, v.valid_from, "creditor_change");
  o.redirect = "/clients/" + client + "?tab=bills&saved=creditor_change";
  return o;
}

// A change to the client's relief plan from a month on: bijstand ended, relief extended.
Outcome PlanChangeAction(Ctx& x) {
  const std::string client = x.params["client"];
  auto added = ChangePlan(x.config, x.store,
                          {.client = ClientId{client},
                           .benefit_end = Given(x, "benefit_end"),
                           .extension_end = Given(x, "extension_end"),
                           .extension_reason = Given(x, "extension_reason"),
                           .period_end = Given(x, "period_end"),
                           .valid_from = x.Field("valid_from"),
                           .reason = x.Field("change_reason")},
                          x.Me());
  if (!added) return FromError(added.error());
  const Version<ReliefPlan>& v = added->versions.plans.front();
  return ChangeRecorded(client, "plan " + client, v.fields, v.valid_from, "plan_change");
}

// Finance records the Latin spelling of a client's name that payments carry (correct-name).
Outcome CorrectBankNameAction(Ctx& x) {
  const std::string client = x.params["client"];
  auto carried = CorrectClientBankName(
      x.store,
      {.client = ClientId{client}, .bank_name = x.Field("bank_name"), .reason = x.Field("reason")},
      x.Me());
  if (!carried) return FromError(carried.error());
  Outcome o;
  o.data = {{"client", client}, {"bank_name", *carried}};
  o.redirect = "/clients/" + client + "?saved=bank_name";
  return o;
}

// A coach or finance records what happened to the client's own direct debit for a bill (the
// creditor's letter, the bank app): cancelled, there never was one, or an override with a reason.
// A held bill then goes out with the next release (finance). The bill must be this client's.
Outcome DirectDebitAction(Ctx& x) {
  const std::string client = x.params["client"];
  const std::string bill = x.Field("bill");
  auto found = x.store.FindBill(BillId{bill});
  if (!found) return FromError(found.error());
  if (!*found || (*found)->client.value != client) {
    return Refuse(422, "bill '" + bill + "': not a bill of client " + client +
                           "; choose one of the client's bills; nothing changed");
  }
  const std::string status_text = x.Field("status");
  const auto status = ParseDirectDebitStatus(status_text);
  if (!status) {
    return Refuse(422, "status '" + status_text +
                           "': use cancelled (the client's own direct debit is stopped), none "
                           "(there never was one) or override (pay anyway; note says why); "
                           "nothing changed");
  }
  std::string on_text = x.Field("on");
  if (on_text.empty()) on_text = IsoAt(x.now).substr(0, 10);
  const auto on = Date::Parse(on_text);
  if (!on) {
    return Refuse(422, "on '" + on_text + "': give the date as YYYY-MM-DD; nothing changed");
  }
  const DirectDebitRecord record{BillId{bill}, ClientId{client},        *status,
                                 *on,          x.Field("confirmed_by"), x.Field("note")};
  if (auto recorded = RecordDirectDebit(x.store, record, x.Me(), FieldNames::kFormField);
      !recorded) {
    return FromError(recorded.error());
  }
  Outcome o;
  o.status = 201;
  o.data = {{"client", client}, {"bill", bill}, {"status", status_text}, {"on", on->ToString()}};
  o.redirect = "/clients/" + client + "?tab=bills&saved=direct_debit";
  return o;
}

// Money that arrived for the client (a toeslag, a refund), typed as a row of receipts.csv: the
// same checks as the import (a toeslag names the months it pays for; the same money twice is
// refused). The next run processes it.
Outcome ReceiptAction(Ctx& x) {
  const std::string client = x.params["client"];
  auto added = RecordRow(x.config, x.store,
                         {.file = "receipts.csv",
                          .what = "receipt",
                          .columns = {{"client_id", client},
                                      {"kind", x.Field("kind")},
                                      {"received_on", x.Field("received_on")},
                                      {"amount", x.Field("amount")},
                                      {"covers_from", x.Field("covers_from")},
                                      {"covers_to", x.Field("covers_to")},
                                      {"landed_on", x.Field("landed_on")}},
                          .new_id = 'R'},
                         x.Me());
  if (!added) return FromError(added.error());
  Outcome o;
  o.status = 201;
  o.data = {{"recorded", added->receipts.empty() ? "" : added->receipts.front().id},
            {"client", client}};
  o.redirect = "/clients/" + client + "?tab=credit&saved=receipt";
  return o;
}

// What the coach expects of a toeslag (the proefberekening) or what Dienst Toeslagen decided:
// a new expectation, or a correction of one from a month on (valid_from and a reason, as a change
// file row). Fields left empty in a correction keep what the expectation holds.
Outcome ToeslagAction(Ctx& x) {
  const std::string client = x.params["client"];
  const std::string kind = x.Field("kind");
  std::map<std::string, std::string> now;  // the stored expectation of this kind, newest data
  ImportBatch probe;
  probe.toeslagen.push_back({.client = ClientId{client}});
  auto existing = x.store.LoadExisting(probe);
  if (!existing) return FromError(existing.error());
  for (const ToeslagExpectation& stored : existing->toeslagen) {
    if (stored.client.value != client || ToString(stored.kind) != kind) continue;
    std::vector<Version<ToeslagExpectation>> versions;
    for (const auto& v : existing->versions.toeslagen) {
      if (v.row.client == stored.client && v.row.kind == stored.kind) versions.push_back(v);
    }
    const ToeslagExpectation t = AsOf(stored, versions, std::nullopt);
    {
      now = {{"applied_on", t.applied_on.ToString()},
             {"right_from", t.right_from.ToString()},
             {"monthly_amount", t.monthly.ToDecimalString()},
             {"first_payment", t.first_payment ? t.first_payment->ToString() : ""},
             {"paid_to", ToString(t.paid_to)}};
    }
  }
  const auto field = [&](const std::string& name) {
    std::string v = x.Field(name);
    return v.empty() && now.count(name) ? now[name] : v;
  };
  std::vector<std::pair<std::string, std::string>> columns = {
      {"client_id", client},
      {"kind", kind},
      {"applied_on", field("applied_on")},
      {"right_from", field("right_from")},
      {"monthly_amount", field("monthly_amount")},
      {"first_payment", field("first_payment")},
      {"paid_to", field("paid_to")}};
  const bool change = !now.empty();
  if (change) {
    columns.push_back({"valid_from", x.Field("valid_from")});
    columns.push_back({"change_reason", x.Field("change_reason")});
  }
  auto added = RecordRow(x.config, x.store,
                         {.file = "toeslagen.csv", .what = "toeslag", .columns = columns}, x.Me());
  if (!added) return FromError(added.error());
  if (added->toeslagen.empty() && added->versions.toeslagen.empty()) {
    return Refuse(422, "kind " + kind +
                           ": this expectation is already recorded with these "
                           "data; nothing changed");
  }
  Outcome o;
  o.status = 201;
  o.data = {{"client", client}, {"kind", kind}, {"changed", change}};
  o.redirect = "/clients/" + client + "?tab=credit&saved=toeslag";
  return o;
}

// The bijstand of a month (the municipality's decision): recorded for a month that has none, or
// corrected for a month not yet paid, with the reason, as a row of benefits.csv or a change file.
Outcome BenefitAction(Ctx& x) {
  const std::string client = x.params["client"];
  const std::string month_text = x.Field("month");
  const auto month = YearMonth::Parse(month_text);
  if (!month) {
    return Refuse(422, "month: '" + month_text + "': give the month as YYYY-MM; nothing changed");
  }
  ImportBatch probe;
  probe.benefits.push_back({ClientId{client}, *month, Money::Zero()});
  auto existing = x.store.LoadExisting(probe);
  if (!existing) return FromError(existing.error());
  const bool stored =
      std::any_of(existing->benefits.begin(), existing->benefits.end(),
                  [&](const auto& b) { return b.client.value == client && b.month == *month; });
  std::vector<std::pair<std::string, std::string>> columns = {
      {"client_id", client}, {"month", month_text}, {"amount", x.Field("amount")}};
  if (stored) {  // a correction holds for its own month
    columns.push_back({"valid_from", month_text});
    columns.push_back({"change_reason", x.Field("change_reason")});
  }
  auto added = RecordRow(x.config, x.store,
                         {.file = "benefits.csv", .what = "bijstand", .columns = columns}, x.Me());
  if (!added) return FromError(added.error());
  if (added->benefits.empty() && added->versions.benefits.empty()) {
    return Refuse(
        422, "amount: this amount is already recorded for " + month_text + "; nothing changed");
  }
  Outcome o;
  o.status = 201;
  o.data = {{"client", client}, {"month", month_text}, {"corrected", stored}};
  o.redirect = "/clients/" + client + "?tab=bills&saved=benefit";
  return o;
}

json WriteOffRequestJson(const WriteOffRequest& q) {
  return {{"id", q.id},
          {"client", q.client.value},
          {"amount_cents", q.amount.cents()},
          {"reason", q.reason},
          {"requested_by", q.requested_by},
          {"requested_at", q.requested_at},
          {"decision", q.decision},
          {"decided_by", q.decided_by},
          {"decided_at", q.decided_at},
          {"note", q.note},
          {"write_off", q.write_off}};
}

// A coach (or finance) asks finance to write off bridging credit, with the reason.
Outcome WriteOffRequestAction(Ctx& x) {
  const std::string client = x.params["client"];
  const std::string amount_text = x.Field("amount");
  const auto amount = ParseTypedEuros(amount_text);
  if (!amount) {
    return Refuse(422, "amount: '" + amount_text +
                           "': " + ExplainTypedAmountError(amount.error(), amount_text) +
                           "; nothing changed");
  }
  auto id = RequestWriteOff(x.store, ClientId{client}, *amount, x.Field("reason"), x.Me());
  if (!id) return FromError(id.error());
  Outcome o;
  o.status = 201;
  o.data = {{"client", client}, {"request", int64_t{*id}}};
  o.redirect = "/clients/" + client + "?tab=credit&saved=write_off_request";
  return o;
}

// Finance approves (the write-off is recorded; the next run books it) or rejects a request, never
// the person who asked.
Outcome WriteOffDecisionAction(Ctx& x) {
  const std::string client = x.params["client"];
  int64_t request = 0;
  const std::string given = x.params["request"];
  if (given.empty() || given.size() > 18 ||
      given.find_first_not_of("0123456789") != std::string::npos) {
    return Refuse(404, "no write-off request '" + given + "'");
  }
  request = std::stoll(given);
  const std::string decision = x.Field("decision");
  if (decision != "approve" && decision != "reject") {
    return Refuse(422, "decision: '" + decision + "': use approve or reject; nothing changed");
  }
  auto decided = DecideWriteOff(x.store,
                                {.client = ClientId{client},
                                 .request = request,
                                 .approve = decision == "approve",
                                 .note = x.Field("note")},
                                x.Me());
  if (!decided) return FromError(decided.error());
  Outcome o;
  o.data = WriteOffRequestJson(*decided);
  o.redirect = "/clients/" + client + "?tab=credit&saved=write_off_" + decided->decision;
  return o;
}

std::optional<std::string> RefusedClientForm(Ctx& x, const std::string& message) {
  const std::string path = x.req.Path();
  const std::string client = x.params["client"];
  // The tab each form lives on.
  static const std::vector<std::pair<std::string, std::string>> kTabs = {
      {"/bill-changes", "bills"},   {"/handovers", "bills"},
      {"/direct-debits", "bills"},  {"/receipts", "credit"},
      {"/toeslagen", "credit"},     {"/write-off-requests", "credit"},
      {"/checkpoints", "learning"}, {"/bank-name", "details"},
      {"/benefits", "bills"},       {"/client-changes", "details"},
      {"/plan-changes", "details"}};
  std::string tab;
  for (const auto& [suffix, name] : kTabs) {
    if (path.find(suffix) != std::string::npos) tab = name;
  }
  if (tab.empty()) return std::nullopt;
  Ctx page{x.req,    x.config,       x.store,        x.page, false,
           x.params, {{"tab", tab}}, json::object(), x.now};
  page.page.keep = "tab=" + tab;
  Outcome shown = ClientData(page);
  if (!shown.error.empty()) return std::nullopt;
  return MarkRefusedForm(page.page, ClientPage(page.page, shown.data), path, RefusedField(message),
                         message, x.form);
}

}  // namespace ontzorg::web
