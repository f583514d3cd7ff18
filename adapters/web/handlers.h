// The web app's handlers by area: what a route's handler gets (Ctx) and gives (Outcome), and the
// handlers each area file defines. The dispatcher (web_app.cc) runs the guards (login, role,
// caseload, CSRF) before a handler; a handler reads and changes the store through adapters/app.
#ifndef ONTZORG_ADAPTERS_WEB_HANDLERS_H_
#define ONTZORG_ADAPTERS_WEB_HANDLERS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "adapters/error.h"
#include "adapters/storage/store.h"
#include "adapters/web/client_cache.h"
#include "adapters/web/http.h"
#include "adapters/web/web_internal.h"

namespace ontzorg::web {

// What a handler produced: data (the API's JSON, the view's input), or a redirect after a POST,
// or a file, or an error with its HTTP status.
struct Outcome {
  int status = 200;
  json data = json::object();
  std::string redirect;
  std::string error;
  std::string raw, raw_type, raw_name;
  std::string csp;  // a route's own Content-Security-Policy (the statement preview)
};

inline Outcome Refuse(int status, const std::string& message) {
  Outcome o;
  o.status = status;
  o.error = message;
  return o;
}
inline Outcome FromError(const Error& e) {
  switch (e.code) {
    case ErrorCode::kRefused: return Refuse(403, e.message);
    case ErrorCode::kConflict: return Refuse(409, e.message);
    case ErrorCode::kBadInput: return Refuse(422, e.message);
    default: return Refuse(500, e.message);
  }
}

struct Ctx {
  const HttpRequest& req;
  const Config& config;
  Store& store;
  PageContext page;
  bool api = false;
  std::map<std::string, std::string> params;
  std::multimap<std::string, std::string> form;  // form fields or query
  json body = json::object();                    // the API's JSON body
  int64_t now = 0;
  ClientCache* client_cache = nullptr;  // the client pages kept (none: each is built anew)
  std::string session_hash;             // the SHA-256 of this request's session token

  std::string Field(const std::string& name) const {
    if (api && body.is_object() && body.contains(name)) {
      const json& v = body[name];
      return v.is_string() ? v.get<std::string>() : v.dump();
    }
    const auto it = form.find(name);
    return it == form.end() ? std::string() : it->second;
  }
  Actor Me() const;
};

// "2026-12-15T09:00:00" (UTC) from seconds since 1970.
std::string IsoAt(int64_t epoch_seconds);
// The day (UTC) of seconds since 1970: the app's "today".
Date DayAt(int64_t epoch_seconds);

// --- Shared by areas ---
// The month the app shows: the month of the latest month run that was not cancelled (the batch
// people work on), else today's.
YearMonth ReferenceMonth(Store& store, int64_t now);
json PaymentJson(const Payment& p);

// --- Clients (client_area.cc): the caseload, the client page and its forms ---
Outcome Caseload(Ctx& x);
Outcome ClientData(Ctx& x);
Outcome StatementPreview(Ctx& x);
Outcome StatementPdf(Ctx& x);
Outcome RecordAssessment(Ctx& x);
Outcome RecordHandOver(Ctx& x);
Outcome ChangeBillAction(Ctx& x);
Outcome ClientChangeAction(Ctx& x);
Outcome PlanChangeAction(Ctx& x);
Outcome CreditorChangeAction(Ctx& x);
Outcome CorrectBankNameAction(Ctx& x);
Outcome DirectDebitAction(Ctx& x);
Outcome ReceiptAction(Ctx& x);
Outcome ToeslagAction(Ctx& x);
Outcome BenefitAction(Ctx& x);
Outcome WriteOffRequestAction(Ctx& x);
Outcome WriteOffDecisionAction(Ctx& x);
json WriteOffRequestJson(const WriteOffRequest& q);
// --- Batches (batch_area.cc): the list, one batch, prepare, approve, export, download ---
Outcome Batches(Ctx& x);
Outcome BatchData(Ctx& x);
Outcome Prepare(Ctx& x);
Outcome Approve(Ctx& x);
Outcome Cancel(Ctx& x);
Outcome Export(Ctx& x);
Outcome Download(Ctx& x);

// --- Bank (bank_area.cc): bank files uploaded, the reconciliation ---
Outcome UploadBankFile(Ctx& x);
Outcome ReconciliationData(Ctx& x);
Outcome CorrectAccountAction(Ctx& x);
Outcome ReissueAction(Ctx& x);
Outcome ReleaseHeldAction(Ctx& x);
Outcome OneOffAction(Ctx& x);
Outcome AssignLineAction(Ctx& x);

// --- The work list (signal_area.cc) ---
Outcome Signals(Ctx& x);
Outcome SetSignalStateAction(Ctx& x);

// --- Municipalities (municipality_area.cc, issue 20) ---
Outcome MunicipalitiesData(Ctx& x);
Outcome AddMunicipalityAction(Ctx& x);
Outcome ChangeMunicipalityAction(Ctx& x);  // {municipality}: its code
Outcome UserMunicipalitiesAction(Ctx& x);  // fields user, municipalities (codes), reason
// A refused form of the municipalities page: the page again, the message at the form's field and
// what was typed put back (the settings text too); nullopt when the page cannot be shown.
std::optional<std::string> RefusedMunicipalityForm(Ctx& x, const std::string& message);

// --- Users and audit (admin_area.cc) ---
Outcome UsersData(Ctx& x);
Outcome AddUserAction(Ctx& x);
Outcome SetPasswordAction(Ctx& x);
Outcome AssignAction(Ctx& x);
Outcome AccountData(Ctx& x);
Outcome OwnPasswordAction(Ctx& x);
Outcome ActingRoleAction(Ctx& x);  // field role: one of the user's roles (issue 20)
Outcome AuditData(Ctx& x);
// Deactivate or reactivate a user ({user}, a reason), forget a user's failed logins (issue 19).
Outcome DeactivateAction(Ctx& x);
Outcome ActivateAction(Ctx& x);
// A lost phone: the user's second factor and recovery codes go, their sessions end; they set up
// a new one at their next login (admin, with a reason).
Outcome ResetSecondFactorAction(Ctx& x);
Outcome UnlockAction(Ctx& x);
// The access log: who viewed which client's data (?client=, ?user=; the latest 1,000).
Outcome AccessData(Ctx& x);

// The client page again, on the form's tab, with a refused form's message at the form and its
// field marked, what was typed put back (HTML forms; the API answers JSON). nullopt: not a form
// of the client page.
std::optional<std::string> RefusedClientForm(Ctx& x, const std::string& message);

}  // namespace ontzorg::web

#endif  // ONTZORG_ADAPTERS_WEB_HANDLERS_H_
