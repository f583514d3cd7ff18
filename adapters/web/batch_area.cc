// The batches area of the web app: the list, one batch (totals, exceptions, states, files),
// preparing a month, approving (four eyes), exporting and downloading its files. The lifecycle
// itself lives in adapters/app/batches, shared with the command line.
#include "adapters/app/batches.h"
#include "adapters/app/municipalities.h"
#include "adapters/app/review.h"
#include "adapters/app/run_month.h"
#include "adapters/system/files.h"
#include "adapters/web/handlers.h"
#include "engine/sepa_rules.h"

namespace ontzorg::web {

namespace {

json BatchJson(const BatchRecord& b) {
  json states = json::array();
  for (const BatchStateRow& s : b.states) {
    states.push_back({{"state", s.state}, {"user", s.user}, {"at", s.at}, {"detail", s.detail}});
  }
  return {{"batch", b.run.id},
          {"kind", b.run.kind},
          {"month", b.run.month.ToString()},
          {"run_date", b.run.run_date.ToString()},
          {"prepared_by", b.run.user},
          {"payments", b.payments},
          {"amount_cents", b.amount.cents()},
          {"state", b.State()},
          {"states", states}};
}

json TotalsJson(const BatchTotals& t) {
  json kinds = json::object();
  for (const auto& [kind, v] : t.by_kind) {
    kinds[kind] = {{"payments", v.first}, {"amount_cents", v.second.cents()}};
  }
  return {{"clients", t.clients},
          {"payments", t.payments},
          {"amount_cents", t.amount.cents()},
          {"kinds", kinds}};
}

json ListJson(const std::vector<Payment>& payments) {
  json out = json::array();
  for (const Payment& p : payments) {
    json pj = PaymentJson(p);
    pj["client"] = p.client.value;
    pj["iban"] = p.payee.iban.Formatted();
    out.push_back(pj);
  }
  return out;
}

// What finance reads before approving (issue 17; adapters/app/review.h).
json ReviewJson(const BatchReview& r, Money own_limit) {
  json j = {{"totals", TotalsJson(r.totals)},
            {"compared_with", r.compared_with},
            {"largest", ListJson(r.largest)},
            {"own_account_above", ListJson(r.own_account_above)},
            {"own_account_limit_cents", own_limit.cents()}};
  if (r.previous) {
    j["previous"] = {{"batch", r.previous->run.id},
                     {"month", r.previous->run.month.ToString()},
                     {"totals", TotalsJson(r.previous_totals)}};
  }
  json changes = json::array();
  for (const PayeeChange& c : r.payee_changes) {
    changes.push_back({{"client", c.client},
                       {"subject", c.subject},
                       {"kind", c.kind},
                       {"payee", c.payee},
                       {"iban", c.iban},
                       {"previous_iban", c.previous_iban}});
  }
  j["payee_changes"] = changes;
  j["changed_accounts"] = ChangedAccounts(r).size();
  json who = json::array();
  for (const Store::ChangeRecord& c : r.account_changes) {
    who.push_back({{"record", c.record},
                   {"client", c.client},
                   {"fields", c.fields},
                   {"by", c.changed_by},
                   {"at", c.changed_at},
                   {"reason", c.reason}});
  }
  j["account_changes"] = who;
  return j;
}

// The batch's files: MsgId, transactions, control sum, SHA-256 and SHA-1 (the hash total).
json FilesJson(Store& store, int64_t id) {
  json files = json::array();
  if (auto f = store.Files(id, "")) {
    for (const FileRecord& r : *f) {
      files.push_back({{"name", r.name},
                       {"msg_id", r.msg_id},
                       {"status", r.status},
                       {"transactions", r.tx_count},
                       {"amount_cents", r.ctrl_sum_cents},
                       {"sha256", r.sha256},
                       {"sha1", r.sha1}});
    }
  }
  return files;
}

// The batch's total against the managed account's latest closing balance on a camt.053.
Result<json, Error> FundingJson(Store& store, const Config& config, Money needed) {
  json f = {{"needed_cents", needed.cents()}};
  auto balance = store.LatestBalance(config.debtor.iban.compact());
  if (!balance) return Unexpected(balance.error());
  if (*balance) {
    f["balance_cents"] = (*balance)->amount.cents();
    f["balance_on"] = (*balance)->booked_on.ToString();
    f["statement"] = (*balance)->statement_id;
    f["covers"] = needed <= (*balance)->amount;
  }
  return f;
}

Result<int64_t, Error> BatchParam(Ctx& x) {
  const std::string& text = x.params["batch"];
  if (text.empty() || text.size() > 12 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return Fail(ErrorCode::kBadInput, "batch '" + text + "': not a batch number");
  }
  return std::stoll(text);
}

}  // namespace

Outcome Batches(Ctx& x) {
  auto batches = x.store.Batches();
  if (!batches) return FromError(batches.error());
  auto municipalities = x.store.Municipalities();
  if (!municipalities) return FromError(municipalities.error());
  Outcome o;
  o.data = {{"batches", json::array()},
            {"municipalities", json::array()},
            {"next_month", ReferenceMonth(x.store, x.now).AddMonths(1).ToString()}};
  std::map<int64_t, std::string> codes;
  for (const MunicipalityRecord& m : *municipalities) codes[m.id] = m.code;
  // The choice of Prepare: the municipalities the user works for.
  auto mine = MunicipalitiesInScope(x.store);
  if (!mine) return FromError(mine.error());
  for (const MunicipalityRecord& m : *mine) o.data["municipalities"].push_back(m.code);
  for (auto it = batches->rbegin(); it != batches->rend(); ++it) {
    json b = BatchJson(*it);
    b["municipality"] = codes.count(it->run.municipality) ? codes[it->run.municipality] : "";
    o.data["batches"].push_back(std::move(b));
  }
  return o;
}

Outcome BatchData(Ctx& x) {
  auto id = BatchParam(x);
  if (!id) return Refuse(404, id.error().message);
  auto batch = x.store.Batch(*id);
  if (!batch) return FromError(batch.error());
  if (!*batch) return Refuse(404, "no batch " + std::to_string(*id));
  Outcome o;
  o.data = BatchJson(**batch);
  auto payments = x.store.BatchPayments(*id);
  if (!payments) return FromError(payments.error());
  json list = json::array(), exceptions = json::array();
  Money bills, leefgeld;
  const bool whole = x.Field("format") == "csv";  // the download lists every payment
  for (const Payment& p : *payments) {
    (p.purpose == PaymentPurpose::kAllowance ? leefgeld : bills) += p.amount;
    json pj = PaymentJson(p);
    pj["client"] = p.client.value;
    pj["iban"] = p.payee.iban.Formatted();
    if (p.late || p.double_debit_risk || p.replaces) exceptions.push_back(pj);
    if (whole || list.size() < 500) list.push_back(pj);
  }
  o.data["bills_cents"] = bills.cents();
  o.data["leefgeld_cents"] = leefgeld.cents();
  o.data["payment_list"] = list;
  o.data["payment_list_truncated"] = payments->size() > 500;
  o.data["exceptions"] = exceptions;
  json findings = json::array();
  int implausible = 0;
  if (auto f = x.store.Findings(*id)) {
    for (const Finding& fi : *f) {
      implausible += fi.code == kImplausibleFinding ? 1 : 0;
      findings.push_back({{"client", fi.client.value},
                          {"code", fi.code},
                          {"bill", fi.bill},
                          {"amount_cents", fi.amount.cents()},
                          {"detail", fi.detail},
                          {"detail_nl", fi.detail_nl}});
    }
  }
  o.data["findings"] = findings;
  o.data["implausible"] = implausible;  // the approver must acknowledge them
  // Changes made after the batch was prepared that hold for its month (issue 16): it pays what
  // was prepared, and the approver must acknowledge them.
  json later = json::array();
  if (auto changes = x.store.ChangesSince((*batch)->run.month, (*batch)->run.started_at)) {
    for (const Store::ChangeRecord& c : *changes) {
      later.push_back({{"record", c.record},
                       {"client", c.client},
                       {"fields", c.fields},
                       {"valid_from", c.valid_from.ToString()},
                       {"by", c.changed_by},
                       {"at", c.changed_at},
                       {"reason", c.reason}});
    }
  }
  o.data["changed_after"] = later;
  o.data["files"] = FilesJson(x.store, *id);
  // Its own municipality's account and review threshold (issue 20).
  auto own = ConfigOfRun(x.config, x.store, (*batch)->run);
  if (!own) return FromError(own.error());
  auto funding = FundingJson(x.store, *own, bills + leefgeld);
  if (!funding) return FromError(funding.error());
  o.data["funding"] = *funding;
  auto review = ReviewBatch(x.store, *id, {.own_account_above = own->review_leefgeld_above});
  if (!review) return FromError(review.error());
  o.data["review"] = ReviewJson(*review, own->review_leefgeld_above);
  o.data["you_prepared"] = (*batch)->run.user == x.page.session.user;
  return o;
}

Outcome Prepare(Ctx& x) {
  auto month = YearMonth::Parse(x.Field("month"));
  if (!month) return Refuse(422, "month '" + x.Field("month") + "': use YYYY-MM");
  auto run_date = Date::Parse(x.Field("run_date"));
  if (!run_date) return Refuse(422, "run_date '" + x.Field("run_date") + "': use YYYY-MM-DD");
  const Actor me = x.Me();
  RunOptions options{*month, *run_date, x.config.web.out_dir, me.user, me.at, 2000, {}};
  // One municipality's month (issue 20): the form names it when the store serves several.
  auto report = RunMonthFor(x.config, x.store, x.Field("municipality"), options);
  if (!report) return FromError(report.error());
  Outcome o;
  const bool batch = report->run_id > 0 && !report->findings_only;
  o.status = batch ? 201 : 200;
  o.data = {{"batch", batch ? report->run_id : 0},
            {"bill_payments", report->bill_payments},
            {"allowance_payments", report->allowance_payments},
            {"already_booked", report->already_booked},
            {"findings_kept", report->findings_only ? report->findings.size() : 0}};
  o.redirect = batch ? "/batches/" + std::to_string(report->run_id) + "?saved=prepared"
               : report->findings_only ? "/signals?state=active&saved=findings"
                                       : "/batches?saved=nothing";
  return o;
}

Outcome Approve(Ctx& x) {
  auto id = BatchParam(x);
  if (!id) return Refuse(404, id.error().message);
  const std::string ack = x.Field("acknowledge");
  if (auto s = ApproveBatch(x.store, *id, x.Me(),
                            {.acknowledge = ack == "true" || ack == "on" || ack == "1",
                             .comment = x.Field("comment")});
      !s) {
    return FromError(s.error());
  }
  Outcome o;
  o.data = {{"batch", *id}, {"state", "approved"}};
  o.redirect = "/batches/" + std::to_string(*id) + "?saved=approved";
  return o;
}

// Rejection by the approver, or any finance user's cancel: with the reason (the CLI's cancel).
Outcome Cancel(Ctx& x) {
  auto id = BatchParam(x);
  if (!id) return Refuse(404, id.error().message);
  const std::string reason = x.Field("reason");
  if (reason.find_first_not_of(" \t") == std::string::npos) {
    return Refuse(422, "reason: a batch is cancelled with its reason; nothing changed");
  }
  if (auto s = CancelBatch(x.store, *id, reason, x.Me()); !s) return FromError(s.error());
  Outcome o;
  o.data = {{"batch", *id}, {"state", "cancelled"}};
  o.redirect = "/batches/" + std::to_string(*id) + "?saved=cancelled";
  return o;
}

Outcome Export(Ctx& x) {
  auto id = BatchParam(x);
  if (!id) return Refuse(404, id.error().message);
  auto report = ExportBatch(x.config, x.store, *id, x.config.web.out_dir, x.Me());
  if (!report) return FromError(report.error());
  Outcome o;
  o.data = {{"batch", *id}, {"state", "exported"}, {"files", json::array()}};
  for (const FileRecord& f : report->files) {
    o.data["files"].push_back({{"name", f.name}, {"sha256", f.sha256}});
  }
  o.redirect = "/batches/" + std::to_string(*id) + "?saved=exported";
  return o;
}

Outcome Download(Ctx& x) {
  auto id = BatchParam(x);
  if (!id) return Refuse(404, id.error().message);
  auto files = x.store.Files(*id, "written");
  if (!files) return FromError(files.error());
  for (const FileRecord& f : *files) {
    if (f.name != x.params["file"]) continue;
    std::ifstream in(f.written_path, std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    // Served only if it is still the file that was exported.
    if (!in || Sha256Hex(content.str()) != f.sha256) {
      return Refuse(409, "file " + f.name +
                             " on disk differs from what was exported (or is "
                             "gone); write it again with: ontzorg rewrite --batch " +
                             std::to_string(*id));
    }
    Outcome o;
    o.raw = content.str();
    o.raw_type = "application/xml";
    o.raw_name = f.name;
    return o;
  }
  return Refuse(404, "batch " + std::to_string(*id) + " has no exported file " + x.params["file"]);
}

}  // namespace ontzorg::web
