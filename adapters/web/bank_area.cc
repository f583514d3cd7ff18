// The bank area of the web app: uploading a bank file (pain.002, camt.053/054) and the
// reconciliation of what was sent with what the bank reported. Reading and booking the files
// lives in adapters/app/feedback, shared with the command line. Finance's everyday corrections
// (issue 17) live here too: correct the account of a failed payment and re-issue it, release held
// bills, assign or park a bank line nobody recognised; each through the same adapters/app function
// as its command (the same checks, transactions and audit rows).
#include <filesystem>
#include <fstream>

#include "adapters/app/batches.h"
#include "adapters/app/feedback.h"
#include "adapters/app/municipalities.h"
#include "adapters/app/one_offs.h"
#include "adapters/system/files.h"
#include "adapters/web/handlers.h"

namespace ontzorg::web {

Outcome UploadBankFile(Ctx& x) {
  std::string name, content;
  if (x.api) {
    name = x.Field("name");
    content = x.Field("xml");
  } else {
    std::vector<FormPart> parts;
    if (!ParseMultipart(x.req.Header("content-type"), x.req.body, &parts)) {
      return Refuse(400, "upload: not a multipart/form-data body");
    }
    for (const FormPart& p : parts) {
      if (p.name == "file") {
        name = p.filename;
        content = p.content;
      } else if (p.name == "csrf") {
        // checked by the dispatcher via the form below
      }
    }
  }
  if (content.empty()) return Refuse(422, "file: choose a pain.002, camt.053 or camt.054 file");
  std::string safe;
  for (char c : std::filesystem::path(name).filename().string()) {
    safe +=
        (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_') ? c : '_';
  }
  if (safe.empty()) safe = "upload.xml";
  const std::filesystem::path dir =
      std::filesystem::path(x.config.web.out_dir) / "uploads" / Sha256Hex(content).substr(0, 16);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const std::string path = (dir / safe).string();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out) return Refuse(500, "cannot keep the uploaded file in " + dir.string());
  }
  auto report = ImportBankFeedback(x.config, x.store, path, x.Me());
  if (!report) {
    // Name the file as the person knows it, not our upload folder.
    std::string message = report.error().message;
    for (size_t at = message.find(path); at != std::string::npos; at = message.find(path)) {
      message.replace(at, path.size(), safe);
    }
    return FromError({report.error().code, message});
  }
  Outcome o;
  o.data = {{"file", safe},
            {"format", report->format},
            {"msg_id", report->msg_id},
            {"already_imported", report->already_imported},
            {"notes", report->notes},
            {"statuses", report->statuses.size()},
            {"lines", report->lines.size()}};
  o.redirect = "/batches?saved=" + UrlEncode(safe);
  return o;
}

namespace {

// A prepared batch: to its page (the second person approves it there), or back with the notes
// when there was nothing to prepare.
Outcome PreparedOutcome(const PreparedBatch& p, const std::string& saved) {
  Outcome o;
  o.data = {{"batch", p.batch},
            {"payments", p.payments},
            {"amount_cents", p.amount.cents()},
            {"notes", p.notes}};
  o.redirect = p.batch > 0 ? "/batches/" + std::to_string(p.batch) + "?saved=" + saved
                           : "/reconciliation?saved=nothing_to_prepare";
  return o;
}

// The failed payments (rejected, returned, cancelled) not yet re-issued, with the account each
// went to and the account a re-issue would pay now: finance corrects the one and re-issues.
Result<json, Error> ToReissue(Store& store, const Reconciliation& r, Date today, int64_t* total) {
  std::vector<std::string> ids;
  for (const auto& p : r.payments) {
    const bool failed = p.state == "rejected" || p.state == "returned" || p.state == "cancelled";
    if (failed && p.replaced_by.empty()) ids.push_back(p.end_to_end_id);
  }
  // A cancelled month batch fails every payment it held: the page lists the first 200 (its
  // total beside them); a batch that size is prepared again by a run, not re-issued by hand.
  *total = static_cast<int64_t>(ids.size());
  if (ids.size() > 200) ids.resize(200);
  json out = json::array();
  if (ids.empty()) return out;
  auto sent = store.PaymentsByEndToEndId(ids);
  if (!sent) return Unexpected(sent.error());
  auto creditors = store.LoadCreditors(YearMonth::Of(today));  // what a re-issue pays today
  if (!creditors) return Unexpected(creditors.error());
  std::map<std::string, const Reconciliation::PaymentLine*> lines;
  for (const auto& p : r.payments) lines[p.end_to_end_id] = &p;
  for (const Store::SentRecord& rec : *sent) {
    const Payment& p = rec.payment;
    json j = PaymentJson(p);
    j["client"] = p.client.value;
    j["iban"] = p.payee.iban.Formatted();
    j["batch"] = lines[p.end_to_end_id]->batch;
    j["state"] = lines[p.end_to_end_id]->state;
    j["reason"] = lines[p.end_to_end_id]->reason;
    std::string holder = "client", now;
    if (p.bill) {
      auto bill = store.FindBill(*p.bill);
      if (!bill) return Unexpected(bill.error());
      if (*bill) {
        holder = "creditor";
        j["creditor"] = (*bill)->creditor.value;
        const auto c = creditors->find((*bill)->creditor);
        if (c != creditors->end()) now = c->second.iban.Formatted();
      }
    } else if (auto client = store.FindClient(p.client); client && *client) {
      now = (**client).own_iban.Formatted();
    }
    j["holder"] = holder;
    j["iban_now"] = now;
    out.push_back(j);
  }
  return out;
}

// The held bills to release, and the municipalities the user can release them for.
Status<Error> AddHeldBills(Store& store, json* data) {
  json held = json::array();
  auto holds = store.OpenHolds(std::nullopt);
  if (!holds) return Unexpected(holds.error());
  for (const Store::HoldRecord& h : *holds) {
    held.push_back({{"client", h.client.value},
                    {"bill", h.bill.bill.value},
                    {"kind", ToString(h.bill.kind)},
                    {"month", h.bill.period.ToString()},
                    {"amount_cents", h.bill.amount.cents()},
                    {"due", h.bill.due.ToString()}});
  }
  (*data)["held"] = held;
  auto mine = MunicipalitiesInScope(store);
  if (!mine) return Unexpected(mine.error());
  (*data)["municipalities"] = json::array();
  for (const MunicipalityRecord& m : *mine) (*data)["municipalities"].push_back(m.code);
  return {};
}

}  // namespace

Outcome ReconciliationData(Ctx& x) {
  auto r = Reconcile(x.store, std::nullopt);
  if (!r) return FromError(r.error());
  Outcome o;
  json batches = json::array(), clients = json::array();
  for (const auto& b : r->batches) {
    batches.push_back({{"batch", b.batch},
                       {"kind", b.kind},
                       {"state", b.state},
                       {"month", b.month},
                       {"sent", b.sent},
                       {"accepted", b.accepted},
                       {"rejected", b.rejected},
                       {"returned", b.returned},
                       {"booked", b.booked},
                       {"cancelled", b.cancelled},
                       {"open", b.open},
                       {"sent_cents", b.sent_amount.cents()},
                       {"booked_cents", b.booked_amount.cents()},
                       {"failed_cents", b.failed_amount.cents()}});
  }
  int64_t differences = 0;
  for (const auto& c : r->clients) {
    if (c.difference.cents() != 0) {
      ++differences;
      clients.push_back({{"client", c.client},
                         {"ledger_paid_cents", c.ledger_paid.cents()},
                         {"bank_booked_cents", c.bank_booked.cents()},
                         {"in_transit_cents", c.in_transit.cents()},
                         {"difference_cents", c.difference.cents()}});
    }
  }
  o.data = {{"batches", batches},
            {"differences", clients},
            {"clients_with_difference", differences},
            {"unmatched_lines", r->unmatched_lines}};
  int64_t failed_total = 0;
  auto failed = ToReissue(x.store, *r, DayAt(x.now), &failed_total);
  if (!failed) return FromError(failed.error());
  o.data["to_reissue"] = *failed;
  o.data["to_reissue_total"] = failed_total;
  if (auto s = AddHeldBills(x.store, &o.data); !s) return FromError(s.error());
  json open = json::array();
  auto lines = x.store.BankLines("listed");
  if (!lines) return FromError(lines.error());
  for (const BankLineRow& l : *lines) {
    if (l.assigned_kind) continue;
    open.push_back({{"line", l.id},
                    {"kind", l.kind},
                    {"booked_on", l.booked_on ? l.booked_on->ToString() : ""},
                    {"amount_cents", l.amount.cents()},
                    {"money_in", l.money_in},
                    {"client", l.client ? l.client->value : ""},
                    {"counterparty", l.counterparty},
                    {"remittance", l.remittance},
                    {"detail", l.detail}});
  }
  o.data["open_lines"] = open;
  return o;
}

// Corrects the account a failed payment went to: its creditor's for a bill, the client's own for
// leefgeld (as ontzorg correct-account).
Outcome CorrectAccountAction(Ctx& x) {
  const std::string e2e = x.params["payment"];
  auto sent = x.store.PaymentsByEndToEndId({e2e});
  if (!sent) return FromError(sent.error());
  if (sent->empty()) return Refuse(404, "payment " + e2e + ": no such payment");
  const Payment& p = sent->front().payment;
  AccountCorrection c{.holder = Store::AccountHolder::kClient,
                      .id = p.client.value,
                      .iban = x.Field("iban"),
                      .bic = x.Field("bic"),
                      .reason = x.Field("reason")};
  if (p.bill) {
    auto bill = x.store.FindBill(*p.bill);
    if (!bill) return FromError(bill.error());
    if (!*bill) return Refuse(422, "payment " + e2e + ": its bill is not on record");
    c.holder = Store::AccountHolder::kCreditor;
    c.id = (*bill)->creditor.value;
  }
  auto done = CorrectAccount(x.store, c, x.Me(), FieldNames::kFormField);
  if (!done) return FromError(done.error());
  Outcome o;
  o.data = {{"payment", e2e},
            {"holder", c.holder == Store::AccountHolder::kCreditor ? "creditor" : "client"},
            {"id", c.id},
            {"old_iban", done->old_iban},
            {"iban", done->new_iban}};
  o.redirect = "/reconciliation?saved=account_corrected#reissue";
  return o;
}

// Re-issues the chosen failed payments as one new prepared batch (as ontzorg reissue).
Outcome ReissueAction(Ctx& x) {
  std::vector<std::string> ids;
  if (x.api && x.body.contains("payments") && x.body["payments"].is_array()) {
    for (const json& id : x.body["payments"]) {
      if (id.is_string()) ids.push_back(id.get<std::string>());
    }
  } else {
    const auto [from, to] = x.form.equal_range("payment");
    for (auto it = from; it != to; ++it) ids.push_back(it->second);
  }
  if (ids.empty()) return Refuse(422, "payment: tick the payments to re-issue");
  auto p = ReissuePayments(x.config, x.store, ids, DayAt(x.now), x.Me());
  if (!p) return FromError(p.error());
  return PreparedOutcome(*p, "reissued");
}

// A one-off payment for the client as a batch of its own (as ontzorg one-off).
Outcome OneOffAction(Ctx& x) {
  auto p = RecordOneOff(x.config, x.store,
                        {.decision = x.Field("decision"),
                         .client = x.params["client"],
                         .creditor = x.Field("creditor"),
                         .amount = x.Field("amount"),
                         .funding = x.Field("funding"),
                         .description = x.Field("description"),
                         .due = x.Field("due")},
                        DayAt(x.now), x.Me(), FieldNames::kFormField);
  if (!p) return FromError(p.error());
  Outcome o = PreparedOutcome(*p, "one_off_recorded");
  o.status = 201;
  return o;
}

// Prepares a batch of the held bills whose direct debit is now confirmed cancelled (as ontzorg
// release-held).
Outcome ReleaseHeldAction(Ctx& x) {
  // One municipality's held bills (issue 20): the one named, or the only one the user works for.
  int64_t named = 0;
  if (const std::string code = x.Field("municipality"); !code.empty()) {
    auto mine = MunicipalitiesInScope(x.store);
    if (!mine) return FromError(mine.error());
    const auto found = std::find_if(mine->begin(), mine->end(),
                                    [&](const MunicipalityRecord& m) { return m.code == code; });
    if (found == mine->end()) {
      return Refuse(422, "municipality " + code + ": not one you work for; nothing changed");
    }
    named = found->id;
  }
  const ScopedToMunicipality scoped(x.store, named);
  auto p = ReleaseHeld(x.config, x.store, DayAt(x.now), x.Me());
  if (!p) return FromError(p.error());
  return PreparedOutcome(*p, "released");
}

// Assigns a bank line nobody recognised to a client as income, or parks it with a reason (as
// ontzorg assign).
Outcome AssignLineAction(Ctx& x) {
  const std::string client = x.Field("client");
  const std::string kind = x.Field("kind");
  if (kind != "ignore" && client.empty()) {
    return Refuse(422, "client: whose money is it? Give the client number, or park the line");
  }
  std::optional<ClientId> whose;
  if (kind != "ignore") whose = ClientId{client};
  if (auto s = AssignBankLine(
          x.store,
          {.line_id = x.params["line"], .client = whose, .kind = kind, .reason = x.Field("reason")},
          x.Me(), FieldNames::kFormField);
      !s) {
    return FromError(s.error());
  }
  Outcome o;
  o.data = {{"line", x.params["line"]}, {"kind", kind}, {"client", client}};
  o.redirect =
      "/reconciliation?saved=" + std::string(kind == "ignore" ? "line_parked" : "line_assigned") +
      "#lines";
  return o;
}

}  // namespace ontzorg::web
