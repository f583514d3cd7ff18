#include "adapters/web/web_app.h"

#include <algorithm>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <unordered_map>

#include "adapters/app/batches.h"
#include "adapters/app/feedback.h"
#include "adapters/app/records.h"
#include "adapters/app/run_month.h"
#include "adapters/statement/statement.h"
#include "adapters/storage/store.h"
#include "adapters/system/files.h"
#include "adapters/system/password.h"
#include "adapters/web/handlers.h"
#include "adapters/web/web_internal.h"
#include "engine/forecast.h"
#include "engine/learning.h"
#include "engine/sepa_rules.h"

namespace ontzorg {

using web::Ctx;
using web::FromError;
using web::IsoAt;
using web::json;
using web::Outcome;
using web::PageContext;
using web::PaymentJson;
using web::ReferenceMonth;
using web::Refuse;
using web::SessionView;

namespace {

constexpr const char* kSessionCookie = "__Host-ontzorg";
constexpr const char* kLoginCookie = "__Host-ontzorg-login";
// Verified when the user does not exist, so a wrong name costs as long as a wrong password.
constexpr const char* kDummyHash =
    "scrypt$15$8$1$00000000000000000000000000000000$"
    "0000000000000000000000000000000000000000000000000000000000000000";

struct WebSession {
  SessionView view;
  int64_t created = 0, last_seen = 0;
};

// A pool of store connections: a SOCI session serves one thread at a time.
class StorePool {
 public:
  explicit StorePool(std::string url) : url_(std::move(url)) {}
  class Lease {
   public:
    Lease(StorePool* pool, std::unique_ptr<Store> store) : pool_(pool), store_(std::move(store)) {}
    Lease(Lease&&) = default;
    ~Lease() {
      if (store_) pool_->Put(std::move(store_));
    }
    Store& operator*() const { return *store_; }

   private:
    StorePool* pool_;
    std::unique_ptr<Store> store_;
  };
  Result<Lease, Error> Get() {
    {
      std::lock_guard lock(mu_);
      if (!free_.empty()) {
        auto s = std::move(free_.back());
        free_.pop_back();
        return Lease(this, std::move(s));
      }
    }
    auto opened = Store::Open(url_);
    if (!opened) return Unexpected(opened.error());
    return Lease(this, std::move(opened).value());
  }

 private:
  void Put(std::unique_ptr<Store> s) {
    std::lock_guard lock(mu_);
    free_.push_back(std::move(s));
  }
  std::string url_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Store>> free_;
};

using Handler = std::function<Outcome(Ctx&)>;
using View = std::function<std::string(const PageContext&, const json&)>;

struct Route {
  RouteInfo info;
  Handler handle;
  View view;  // HTML GET routes
  std::vector<std::string> segments;
};

std::vector<std::string> Split(const std::string& path) {
  std::vector<std::string> out;
  std::stringstream in(path);
  std::string part;
  while (std::getline(in, part, '/')) {
    if (!part.empty()) out.push_back(part);
  }
  return out;
}

bool Has(const std::vector<std::string>& roles, const std::string& role) {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

// The page where a user sets their own password.
Outcome AccountData(Ctx& x) {
  Outcome o;
  o.data = {{"user", x.page.session.user}};
  return o;
}

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

Outcome Batches(Ctx& x) {
  auto batches = x.store.Batches();
  if (!batches) return FromError(batches.error());
  Outcome o;
  o.data = {{"batches", json::array()},
            {"next_month", ReferenceMonth(x.store, x.now).AddMonths(1).ToString()}};
  for (auto it = batches->rbegin(); it != batches->rend(); ++it) {
    o.data["batches"].push_back(BatchJson(*it));
  }
  return o;
}

Result<int64_t, Error> BatchParam(Ctx& x) {
  const std::string& text = x.params["batch"];
  if (text.empty() || text.size() > 12 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return Fail(ErrorCode::kBadInput, "batch '" + text + "': not a batch number");
  }
  return std::stoll(text);
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
  for (const Payment& p : *payments) {
    (p.purpose == PaymentPurpose::kBill ? bills : leefgeld) += p.amount;
    json pj = PaymentJson(p);
    pj["client"] = p.client.value;
    if (p.late || p.double_debit_risk || p.replaces) exceptions.push_back(pj);
    if (list.size() < 500) list.push_back(pj);
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
                          {"detail", fi.detail}});
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
  json files = json::array();
  if (auto f = x.store.Files(*id, "")) {
    for (const FileRecord& r : *f) {
      files.push_back({{"name", r.name},
                       {"msg_id", r.msg_id},
                       {"status", r.status},
                       {"transactions", r.tx_count},
                       {"amount_cents", r.ctrl_sum_cents},
                       {"sha256", r.sha256}});
    }
  }
  o.data["files"] = files;
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
  auto report = RunMonth(x.config, x.store, options);
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
                            {.acknowledge = ack == "true" || ack == "on" || ack == "1"});
      !s) {
    return FromError(s.error());
  }
  Outcome o;
  o.data = {{"batch", *id}, {"state", "approved"}};
  o.redirect = "/batches/" + std::to_string(*id) + "?saved=approved";
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

// Who a signal is for: the coach (the client's money and learning) or finance (payments).
const char* AudienceOf(const std::string& code) {
  for (const char* finance :
       {"implausible", "late", "payment_failed", "double_payment", "feedback_held"}) {
    if (code == finance) return "finance";
  }
  return "coach";
}

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
  return o;
}

Outcome UsersData(Ctx& x) {
  auto users = x.store.Users();
  if (!users) return FromError(users.error());
  auto coaches = x.store.Coaches();
  if (!coaches) return FromError(coaches.error());
  std::map<std::string, int> caseload;
  for (const auto& [client, coach] : *coaches) ++caseload[coach];
  Outcome o;
  o.data = {{"users", json::array()}};
  for (const User& u : *users) {
    o.data["users"].push_back({{"name", u.name},
                               {"role", u.role},
                               {"full_name", u.full_name},
                               {"has_password", u.has_password},
                               {"caseload", caseload.count(u.name) ? caseload[u.name] : 0}});
  }
  return o;
}

Outcome AddUserAction(Ctx& x) {
  const std::string name = x.Field("name"), role = x.Field("role");
  if (!IsKnownRole(role))
    return Refuse(422, "role '" + role + "': use finance, coach, admin or auditor");
  if (name.empty() || name.size() > 35 || !std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-';
      })) {
    return Refuse(422, "name '" + name + "': 1-35 letters, digits or '-'");
  }
  auto hash = HashPassword(x.Field("password"));
  if (!hash) return FromError(hash.error());
  const Actor me = x.Me();
  if (auto s = x.store.AddUser({name, role, x.Field("full_name")}, {me.user, me.at}); !s) {
    return FromError(s.error());
  }
  if (auto s = x.store.SetPasswordHash({.user = name, .scrypt_hash = *hash}, {me.user, me.at}); !s)
    return FromError(s.error());
  Outcome o;
  o.status = 201;
  o.data = {{"user", name}, {"role", role}};
  o.redirect = "/admin/users?saved=" + UrlEncode(name);
  return o;
}

Outcome SetPasswordAction(Ctx& x) {
  auto hash = HashPassword(x.Field("password"));
  if (!hash) return FromError(hash.error());
  const Actor me = x.Me();
  if (auto s = x.store.SetPasswordHash({.user = x.params["user"], .scrypt_hash = *hash},
                                       {me.user, me.at});
      !s) {
    return FromError(s.error());
  }
  Outcome o;
  o.data = {{"user", x.params["user"]}, {"password", "set"}};
  o.redirect = "/admin/users?saved=" + UrlEncode(x.params["user"]);
  return o;
}

// A user sets their own password (with the current one): after an admin set it, approvals need
// this (CheckApprover).
Outcome OwnPasswordAction(Ctx& x) {
  const Actor me = x.Me();
  auto stored = x.store.PasswordHash(me.user);
  if (!stored) return FromError(stored.error());
  if (!VerifyPassword(x.Field("current_password"), *stored)) {
    return Refuse(403, "current_password: not your current password; nothing changed");
  }
  auto hash = HashPassword(x.Field("password"));
  if (!hash) return FromError(hash.error());
  if (auto s = x.store.SetPasswordHash({.user = me.user, .scrypt_hash = *hash}, me); !s) {
    return FromError(s.error());
  }
  Outcome o;
  o.data = {{"user", me.user}, {"password", "set by its owner"}};
  o.redirect = "/?saved=password";
  return o;
}

Outcome AssignAction(Ctx& x) {
  const Actor me = x.Me();
  if (auto s = x.store.AssignCaseload({{ClientId{x.Field("client")}, x.Field("coach")}},
                                      {me.user, me.at});
      !s) {
    return FromError(s.error());
  }
  Outcome o;
  o.data = {{"client", x.Field("client")}, {"coach", x.Field("coach")}};
  o.redirect = "/admin/users?saved=" + UrlEncode(x.Field("client"));
  return o;
}

Outcome AuditData(Ctx& x) {
  auto verified = x.store.VerifyAuditLog();
  if (!verified) return FromError(verified.error());
  auto log = x.store.AuditLog(x.Field("subject"));
  if (!log) return FromError(log.error());
  Outcome o;
  o.data = {{"intact", verified->problems.empty()},
            {"rows", verified->rows},
            {"head", verified->head},
            {"problems", verified->problems},
            {"log", json::array()}};
  const size_t from = log->size() > 500 ? log->size() - 500 : 0;
  for (size_t i = log->size(); i > from; --i) {
    const AuditRecord& a = (*log)[i - 1];
    o.data["log"].push_back({{"seq", a.seq},
                             {"at", a.at},
                             {"user", a.user},
                             {"action", a.action},
                             {"subject", a.subject},
                             {"detail", a.detail}});
  }
  return o;
}

}  // namespace

// --- The application -----------------------------------------------------------------------------

struct WebApp::Impl {
  Config config;
  std::function<int64_t()> clock;
  std::function<void(const std::string&)> log;
  StorePool pool;
  std::vector<Route> routes;
  std::vector<RouteInfo> infos;

  std::mutex mu;                                                  // sessions and throttling
  std::unordered_map<std::string, WebSession> sessions;           // by SHA-256 of the token
  std::unordered_map<std::string, std::deque<int64_t>> failures;  // "user:x" / "addr:y"

  Impl(Config c, std::function<int64_t()> clk, std::function<void(const std::string&)> lg)
      : config(std::move(c)), clock(std::move(clk)), log(std::move(lg)), pool(config.store_url) {}

  void Add(const std::string& method, const std::string& html, const std::string& api,
           const std::vector<std::string>& roles, const Handler& handler,
           const View& view = nullptr) {
    if (!html.empty()) {
      routes.push_back({{method, html, roles, false}, handler, view, Split(html)});
    }
    if (!api.empty()) routes.push_back({{method, api, roles, true}, handler, nullptr, Split(api)});
  }

  void Log(const std::string& event, const json& fields) {
    if (!log) return;
    json line = fields;
    line["event"] = event;
    line["at"] = IsoAt(clock());
    // What a request carried (a path, a name) need not be UTF-8: replaced, never thrown (found by
    // fuzz_http: an exception here turned a refused request into a 500 without a log line).
    log(line.dump(-1, ' ', false, json::error_handler_t::replace));
  }

  // --- Sessions ---
  std::optional<SessionView> FindSession(const std::string& token, int64_t now) {
    if (token.size() != 64) return std::nullopt;
    const std::string key = Sha256Hex(token);
    std::lock_guard lock(mu);
    const auto it = sessions.find(key);
    if (it == sessions.end()) return std::nullopt;
    WebSession& s = it->second;
    if (now - s.last_seen > int64_t{config.web.session_idle_minutes} * 60 ||
        now - s.created > int64_t{config.web.session_max_hours} * 3600) {
      sessions.erase(it);
      return std::nullopt;
    }
    s.last_seen = now;
    return s.view;
  }

  std::string NewSession(const User& user, int64_t now) {
    std::string token = RandomHex(32);  // 256 bits
    WebSession s;
    s.view = {user.name, user.role, user.full_name, RandomHex(32)};
    s.created = s.last_seen = now;
    std::lock_guard lock(mu);
    // Drop expired sessions now and then, so memory stays bounded.
    if (sessions.size() > 1000) {
      for (auto it = sessions.begin(); it != sessions.end();) {
        it = now - it->second.last_seen > int64_t{config.web.session_idle_minutes} * 60
                 ? sessions.erase(it)
                 : std::next(it);
      }
    }
    sessions[Sha256Hex(token)] = s;
    return token;
  }

  void EndSession(const std::string& token) {
    std::lock_guard lock(mu);
    sessions.erase(Sha256Hex(token));
  }

  // --- Throttling ---
  int64_t Window() const { return int64_t{config.web.login_window_minutes} * 60; }
  // Seconds until another attempt is allowed for this user and address (0: now).
  int64_t Throttled(const std::string& user, const std::string& addr, int64_t now) {
    std::lock_guard lock(mu);
    int64_t wait = 0;
    const auto check = [&](const std::string& key, int limit) {
      auto& q = failures[key];
      while (!q.empty() && now - q.front() >= Window()) q.pop_front();
      if (static_cast<int>(q.size()) >= limit) wait = std::max(wait, q.front() + Window() - now);
    };
    check("user:" + user, config.web.login_attempts);
    check("addr:" + addr, config.web.login_attempts * 4);  // many users behind one address
    return wait;
  }
  void Failed(const std::string& user, const std::string& addr, int64_t now) {
    std::lock_guard lock(mu);
    failures["user:" + user].push_back(now);
    failures["addr:" + addr].push_back(now);
  }
  void Succeeded(const std::string& user) {
    std::lock_guard lock(mu);
    failures.erase("user:" + user);
  }

  HttpResponse Handle(const HttpRequest& req);
  HttpResponse Login(const HttpRequest& req, PageContext& page, bool api, int64_t now);
  HttpResponse Finish(HttpResponse r, const std::string& csp = "");
};

namespace {

HttpResponse Json(int status, const json& data) {
  return HttpResponse{status,
                      "application/json",
                      {},
                      data.dump(2, ' ', false, json::error_handler_t::replace) + "\n"};
}
HttpResponse Redirect(const std::string& to) {
  HttpResponse r{303, "text/plain; charset=utf-8", {{"Location", to}}, ""};
  return r;
}
std::string Cookie(const std::string& name, const std::string& value, int64_t max_age) {
  return name + "=" + value +
         "; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age);
}

}  // namespace

HttpResponse WebApp::Impl::Finish(HttpResponse r, const std::string& csp) {
  r.headers.push_back({"Strict-Transport-Security", "max-age=31536000"});
  r.headers.push_back({"Content-Security-Policy",
                       csp.empty() ? "default-src 'none'; style-src 'self'; img-src 'self'; "
                                     "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
                                   : csp});
  r.headers.push_back({"X-Frame-Options", "DENY"});
  r.headers.push_back({"X-Content-Type-Options", "nosniff"});
  r.headers.push_back({"Referrer-Policy", "no-referrer"});
  r.headers.push_back({"Cache-Control", "no-store"});
  return r;
}
// Over 70 lines (76): throttle, verify, session; split when next changed.
// NOLINTNEXTLINE(readability-function-size)
HttpResponse WebApp::Impl::Login(const HttpRequest& req, PageContext& page, bool api, int64_t now) {
  const auto cookies = ParseCookies(req.Header("cookie"));
  std::string user, password, token;
  if (api) {
    json body = json::parse(req.body, nullptr, false);
    if (!body.is_object() || !body.contains("user") || !body.contains("password") ||
        !body["user"].is_string() || !body["password"].is_string()) {
      return Json(400, {{"error", "send {\"user\": ..., \"password\": ...} as JSON"}});
    }
    user = body["user"];
    password = body["password"];
  } else {
    const auto form = ParseForm(req.body);
    const auto get = [&](const char* k) {
      const auto it = form.find(k);
      return it == form.end() ? std::string() : it->second;
    };
    user = get("user");
    password = get("password");
    token = get("login_token");
    const auto cookie = cookies.find(kLoginCookie);
    // Login CSRF: the form's token must match the cookie set with the form.
    if (cookie == cookies.end() || token.size() != 64 ||
        !ConstantTimeEquals(cookie->second, token)) {
      HttpResponse r{403, "text/html; charset=utf-8", {}, ""};
      r.body = web::ErrorPage(page, 403,
                              T(page, "Het inlogformulier is verlopen. Laad de pagina opnieuw.",
                                "The login form has expired. Reload the page."));
      return r;
    }
  }
  if (user.size() > 64) user = user.substr(0, 64);
  const int64_t wait = Throttled(user, req.remote, now);
  const auto refuse = [&](int status, const std::string& message) {
    if (api) return Json(status, {{"error", message}});
    const std::string login_token = RandomHex(32);
    HttpResponse r{
        status, "text/html; charset=utf-8", {}, web::LoginPage(page, login_token, message, user)};
    r.headers.push_back({"Set-Cookie", Cookie(kLoginCookie, login_token, 3600)});
    return r;
  };
  if (wait > 0) {
    Log("login_throttled", {{"user", user}, {"remote", req.remote}});
    HttpResponse r =
        refuse(429, page.en ? "Too many failed attempts. Try again in " +
                                  std::to_string((wait + 59) / 60) + " minutes."
                            : "Te veel mislukte pogingen. Probeer het over " +
                                  std::to_string((wait + 59) / 60) + " minuten opnieuw.");
    r.headers.push_back({"Retry-After", std::to_string(wait)});
    return r;
  }
  auto store = pool.Get();
  if (!store) return refuse(500, store.error().message);
  auto found = (**store).FindUser(user);
  auto hash = (**store).PasswordHash(user);
  const bool exists = found && *found && hash && !hash->empty();
  const bool ok = VerifyPassword(password, exists ? *hash : std::string(kDummyHash)) && exists;
  if (!ok) {
    Failed(user, req.remote, now);
    Log("login_failed", {{"user", user}, {"remote", req.remote}});
    return refuse(401, T(page, "Gebruikersnaam of wachtwoord klopt niet.",
                         "User name or password is wrong."));
  }
  Succeeded(user);
  const std::string session = NewSession(**found, now);
  Log("login", {{"user", user}, {"role", (*found)->role}, {"remote", req.remote}});
  const int64_t max_age = int64_t{config.web.session_max_hours} * 3600;
  HttpResponse r = api ? Json(200, {{"user", user},
                                    {"role", (*found)->role},
                                    {"csrf_token", FindSession(session, now)->csrf}})
                       : Redirect("/");
  r.headers.push_back({"Set-Cookie", Cookie(kSessionCookie, session, max_age)});
  r.headers.push_back({"Set-Cookie", Cookie(kLoginCookie, "", 0)});
  return r;
}
// Over 70 lines (203): the route table; to be split by area.
// NOLINTNEXTLINE(readability-function-size)
HttpResponse WebApp::Impl::Handle(const HttpRequest& req) {
  const int64_t now = clock();
  const std::string path = req.Path();
  const bool api = path.rfind("/api/", 0) == 0;
  PageContext page;
  page.config = &config;
  page.path = path;
  const auto cookies = ParseCookies(req.Header("cookie"));
  const auto query = ParseForm(req.Query());
  if (const auto tab = query.find("tab"); tab != query.end())
    page.keep = "tab=" + UrlEncode(tab->second);
  std::vector<std::pair<std::string, std::string>> extra_headers;
  // Language: ?lang=en or ?lang=nl switches and is remembered in a cookie.
  if (const auto lang = query.find("lang");
      lang != query.end() && (lang->second == "en" || lang->second == "nl")) {
    page.en = lang->second == "en";
    extra_headers.push_back(
        {"Set-Cookie",
         "lang=" + lang->second + "; Path=/; Secure; SameSite=Strict; Max-Age=31536000"});
  } else if (const auto c = cookies.find("lang"); c != cookies.end()) {
    page.en = c->second == "en";
  } else if (api) {
    page.en = true;
  }
  const auto finish = [&](HttpResponse r, const std::string& csp = "") {
    for (auto& h : extra_headers) r.headers.push_back(h);
    return Finish(std::move(r), csp);
  };

  // Public: the stylesheet and the login.
  if (path == "/static/app.css" && req.method == "GET") {
    HttpResponse r{200, "text/css; charset=utf-8", {}, web::StyleSheet()};
    return finish(r);
  }
  if (path == "/healthz" && req.method == "GET") {
    return finish(HttpResponse{200, "text/plain; charset=utf-8", {}, "ok\n"});
  }
  if ((path == "/login" || path == "/api/v1/session") && req.method == "POST") {
    return finish(Login(req, page, api, now));
  }
  if (path == "/favicon.ico") return finish(HttpResponse{404, "text/plain; charset=utf-8", {}, ""});
  if (path == "/login" && req.method == "GET") {
    // One login token per browser while it lasts: a second tab (or a redirected favicon request)
    // must not invalidate the form in the first.
    const auto existing = cookies.find(kLoginCookie);
    const bool reuse = existing != cookies.end() && existing->second.size() == 64 &&
                       std::all_of(existing->second.begin(), existing->second.end(), [](char c) {
                         return std::isxdigit(static_cast<unsigned char>(c));
                       });
    const std::string login_token = reuse ? existing->second : RandomHex(32);
    HttpResponse r{200, "text/html; charset=utf-8", {}, web::LoginPage(page, login_token, "", "")};
    r.headers.push_back({"Set-Cookie", Cookie(kLoginCookie, login_token, 3600)});
    return finish(r);
  }

  // Everything else needs a session.
  std::optional<SessionView> session;
  std::string token;
  if (const auto c = cookies.find(kSessionCookie); c != cookies.end()) {
    token = c->second;
    session = FindSession(token, now);
  }
  if (!session) {
    if (api) return finish(Json(401, {{"error", "log in first: POST /api/v1/session"}}));
    return finish(Redirect("/login"));
  }
  page.session = *session;
  if (const auto saved = query.find("saved"); saved != query.end()) page.notice = saved->second;

  // CSRF: every request that changes something carries the session's token (a form field, or the
  // X-CSRF-Token header for the API), and SameSite=Strict keeps the cookie off other sites'
  // requests.
  const bool changes = req.method != "GET" && req.method != "HEAD";
  std::multimap<std::string, std::string> form = query;
  json body = json::object();
  if (changes) {
    std::string sent;
    if (api) {
      sent = req.Header("x-csrf-token");
      if (!req.body.empty()) {
        body = json::parse(req.body, nullptr, false);
        if (body.is_discarded() || !body.is_object()) {
          return finish(Json(400, {{"error", "the body is not a JSON object"}}));
        }
        // Every field is text, except the checkpoint's levels (an object): a number where text
        // belongs is refused, not turned into its digits (found by the malformed-input corpus).
        for (const auto& [key, value] : body.items()) {
          if (key == "levels" ? !value.is_object() : !value.is_string()) {
            return finish(
                Json(422, {{"error", key + ": give " +
                                         (key == "levels" ? "an object of skill: level"
                                                          : "a text in double quotes")}}));
          }
        }
      }
    } else if (req.Header("content-type").rfind("multipart/form-data", 0) == 0) {
      std::vector<FormPart> parts;
      if (ParseMultipart(req.Header("content-type"), req.body, &parts)) {
        for (const FormPart& p : parts) {
          if (p.name == "csrf") sent = p.content;
        }
      }
    } else {
      form = ParseForm(req.body);
      if (const auto it = form.find("csrf"); it != form.end()) sent = it->second;
    }
    if (!ConstantTimeEquals(sent, session->csrf)) {
      Log("csrf_refused", {{"user", session->user}, {"path", path}});
      const std::string message =
          T(page, "Formulier verlopen of niet van deze site (CSRF). Laad de pagina opnieuw.",
            "Form expired or not from this site (CSRF). Reload the page.");
      if (api) return finish(Json(403, {{"error", message}}));
      return finish(
          HttpResponse{403, "text/html; charset=utf-8", {}, web::ErrorPage(page, 403, message)});
    }
  }
  if ((path == "/logout" || path == "/api/v1/session") &&
      (req.method == "POST" || req.method == "DELETE")) {
    EndSession(token);
    Log("logout", {{"user", session->user}});
    HttpResponse r = api ? Json(200, {{"logged_out", true}}) : Redirect("/login");
    r.headers.push_back({"Set-Cookie", Cookie(kSessionCookie, "", 0)});
    return finish(r);
  }
  if (path == "/" && req.method == "GET") {
    const std::string& role = session->role;
    return finish(Redirect(role == "finance"   ? "/batches"
                           : role == "admin"   ? "/admin/users"
                           : role == "auditor" ? "/audit"
                                               : "/clients"));
  }

  // The routes.
  const std::vector<std::string> segments = Split(path);
  bool path_known = false;
  for (const Route& route : routes) {
    if (route.segments.size() != segments.size()) continue;
    std::map<std::string, std::string> params;
    bool match = true;
    for (size_t i = 0; i < segments.size() && match; ++i) {
      const std::string& p = route.segments[i];
      if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
        params[p.substr(1, p.size() - 2)] = segments[i];
      } else {
        match = p == segments[i];
      }
    }
    if (!match) continue;
    path_known = true;
    if (route.info.method != req.method) continue;
    const auto refuse = [&](int status, const std::string& message) {
      Log("refused", {{"user", session->user},
                      {"role", session->role},
                      {"path", route.info.pattern},
                      {"status", status}});
      if (api) return finish(Json(status, {{"error", message}}));
      return finish(HttpResponse{
          status, "text/html; charset=utf-8", {}, web::ErrorPage(page, status, message)});
    };
    if (!Has(route.info.roles, session->role)) {
      return refuse(403, T(page, "Uw rol (", "Your role (") + session->role +
                             T(page, ") mag dit niet.", ") may not do this."));
    }
    auto lease = pool.Get();
    if (!lease) return refuse(500, lease.error().message);
    Store& store = **lease;
    // A coach sees and changes only the clients in their own caseload.
    if (params.count("client") && session->role == "coach") {
      auto coach = store.CoachOf(ClientId{params["client"]});
      if (!coach || !*coach || **coach != session->user) {
        return refuse(403, T(page, "Deze cliënt hoort niet bij uw caseload.",
                             "This client is not in your caseload."));
      }
    }
    Ctx x{req, config, store, page, api, params, form, body, now};
    Outcome o = route.handle(x);
    if (changes && o.error.empty()) {
      Log("change", {{"user", session->user}, {"route", route.info.pattern}, {"status", o.status}});
    }
    // A refused form of the client page: the page again, the message at the form's field.
    if (!o.error.empty() && !api && changes && o.status == 422 && params.count("client")) {
      if (auto shown = web::RefusedClientForm(x, o.error)) {
        Log("refused", {{"user", session->user},
                        {"role", session->role},
                        {"path", route.info.pattern},
                        {"status", o.status}});
        return finish(HttpResponse{422, "text/html; charset=utf-8", {}, std::move(*shown)});
      }
    }
    if (!o.error.empty()) return refuse(o.status, o.error);
    if (!o.raw.empty() || !o.raw_type.empty()) {
      HttpResponse r{200, o.raw_type, {}, std::move(o.raw)};
      if (!o.raw_name.empty()) {
        r.headers.push_back({"Content-Disposition", "attachment; filename=\"" + o.raw_name + "\""});
      }
      return finish(r, o.csp);
    }
    if (api) return finish(Json(o.status, o.data));
    if (changes) return finish(Redirect(o.redirect.empty() ? "/" : o.redirect));
    HttpResponse r{200,
                   "text/html; charset=utf-8",
                   {},
                   route.view ? route.view(page, o.data)
                              : o.data.dump(-1, ' ', false, json::error_handler_t::replace)};
    return finish(r);
  }
  const int status = path_known ? 405 : 404;
  const std::string message =
      path_known ? T(page, "Deze methode kan hier niet.", "Method not allowed here.")
                 : T(page, "Deze pagina bestaat niet.", "This page does not exist.");
  if (api) return finish(Json(status, {{"error", message}}));
  return finish(
      HttpResponse{status, "text/html; charset=utf-8", {}, web::ErrorPage(page, status, message)});
}

WebApp::WebApp(Config config, std::function<int64_t()> clock,
               std::function<void(const std::string&)> log)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(clock), std::move(log))) {
  Impl& i = *impl_;
  const std::vector<std::string> readers = {"coach", "finance", "auditor"};
  const std::vector<std::string> money = {"finance", "auditor"};
  i.Add("GET", "/clients", "/api/v1/clients", readers, web::Caseload, web::CaseloadPage);
  i.Add("GET", "/clients/{client}", "/api/v1/clients/{client}", readers, web::ClientData,
        web::ClientPage);
  i.Add("GET", "/clients/{client}/statement", "", readers, web::StatementPreview);
  i.Add("POST", "/clients/{client}/checkpoints", "/api/v1/clients/{client}/checkpoints", {"coach"},
        web::RecordAssessment);
  i.Add("POST", "/clients/{client}/handovers", "/api/v1/clients/{client}/handovers", {"coach"},
        web::RecordHandOver);
  i.Add("POST", "/clients/{client}/bank-name", "/api/v1/clients/{client}/bank-name", {"finance"},
        web::CorrectBankNameAction);
  i.Add("POST", "/clients/{client}/bill-changes", "/api/v1/clients/{client}/bill-changes",
        {"coach", "finance"}, web::ChangeBillAction);
  i.Add("POST", "/clients/{client}/direct-debits", "/api/v1/clients/{client}/direct-debits",
        {"coach", "finance"}, web::DirectDebitAction);
  i.Add("POST", "/clients/{client}/receipts", "/api/v1/clients/{client}/receipts",
        {"coach", "finance"}, web::ReceiptAction);
  i.Add("POST", "/clients/{client}/toeslagen", "/api/v1/clients/{client}/toeslagen",
        {"coach", "finance"}, web::ToeslagAction);
  i.Add("POST", "/clients/{client}/benefits", "/api/v1/clients/{client}/benefits",
        {"coach", "finance"}, web::BenefitAction);
  i.Add("POST", "/clients/{client}/write-off-requests",
        "/api/v1/clients/{client}/write-off-requests", {"coach", "finance"},
        web::WriteOffRequestAction);
  i.Add("POST", "/clients/{client}/write-off-requests/{request}/decision",
        "/api/v1/clients/{client}/write-off-requests/{request}/decision", {"finance"},
        web::WriteOffDecisionAction);
  i.Add("GET", "/batches", "/api/v1/batches", money, Batches, web::BatchesPage);
  i.Add("POST", "/batches", "/api/v1/batches", {"finance"}, Prepare);
  i.Add("GET", "/batches/{batch}", "/api/v1/batches/{batch}", money, BatchData, web::BatchPage);
  i.Add("POST", "/batches/{batch}/approve", "/api/v1/batches/{batch}/approve", {"finance"},
        Approve);
  i.Add("POST", "/batches/{batch}/export", "/api/v1/batches/{batch}/export", {"finance"}, Export);
  i.Add("GET", "/batches/{batch}/files/{file}", "/api/v1/batches/{batch}/files/{file}", money,
        Download);
  i.Add("POST", "/bank-files", "/api/v1/bank-files", {"finance"}, UploadBankFile);
  i.Add("GET", "/signals", "/api/v1/signals", readers, Signals, web::SignalsPage);
  i.Add("POST", "/signals/state", "/api/v1/signals/state", {"coach", "finance"},
        SetSignalStateAction);
  i.Add("GET", "/reconciliation", "/api/v1/reconciliation", money, ReconciliationData,
        web::ReconciliationPage);
  i.Add("GET", "/admin/users", "/api/v1/users", {"admin"}, UsersData, web::UsersPage);
  i.Add("POST", "/admin/users", "/api/v1/users", {"admin"}, AddUserAction);
  i.Add("POST", "/admin/users/{user}/password", "/api/v1/users/{user}/password", {"admin"},
        SetPasswordAction);
  i.Add("POST", "/admin/caseload", "/api/v1/caseload", {"admin"}, AssignAction);
  i.Add("GET", "/account/password", "", {"coach", "finance", "admin", "auditor"}, AccountData,
        web::AccountPage);
  i.Add("POST", "/account/password", "/api/v1/account/password",
        {"coach", "finance", "admin", "auditor"}, OwnPasswordAction);
  i.Add("GET", "/audit", "/api/v1/audit", {"auditor", "admin"}, AuditData, web::AuditPage);
  for (const Route& r : i.routes) i.infos.push_back(r.info);
}

WebApp::~WebApp() = default;

HttpResponse WebApp::Handle(const HttpRequest& request) { return impl_->Handle(request); }

int64_t WebApp::BodyLimit(const std::string& method, const std::string& path) const {
  if (method == "POST" && (path == "/bank-files" || path == "/api/v1/bank-files")) {
    return impl_->config.web.max_upload_bytes;
  }
  return impl_->config.web.max_body_bytes;
}

const std::vector<RouteInfo>& WebApp::Routes() const { return impl_->infos; }

}  // namespace ontzorg
