// Pieces shared by the web app's dispatcher (web_app.cc) and its HTML views (web_views.cc).
#ifndef ONTZORG_ADAPTERS_WEB_WEB_INTERNAL_H_
#define ONTZORG_ADAPTERS_WEB_WEB_INTERNAL_H_

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "adapters/config/config.h"
#include "adapters/web/http.h"

namespace ontzorg::web {

using json = nlohmann::json;

struct SessionView {
  std::string user, role, full_name, csrf;  // role: the role the session acts in (issue 20)
  std::string stage, pending;  // a login half done (Store::SessionRecord); "" when logged in
  std::string own_role;        // the user's own role
  // The roles the user has in their municipalities, when more than one (the page offers to
  // switch); set by the dispatcher for the request.
  std::vector<std::string> roles;
};

// What a view needs besides the data: who is looking, in which language, the CSRF token.
struct PageContext {
  const Config* config = nullptr;
  SessionView session;  // user empty: not logged in
  bool en = false;      // English instead of Dutch
  std::string path;     // the page's own path (for the language switch)
  std::string keep;     // the query the language switch keeps ("tab=credit"), URL-encoded
  std::string notice;   // a saved/done message after a redirect
  std::string sheet;    // this list as a CSV download (its query kept), "" when it has none
  // The municipality or municipalities the header names ("": the installation's), issue 20.
  std::string municipality;
};

inline std::string T(const PageContext& p, const char* nl, const char* en) {
  return p.en ? en : nl;
}

// The whole HTML document around `main` (header, navigation by role, language switch, logout).
std::string Layout(const PageContext& p, const std::string& title, const std::string& main);
// A hidden CSRF field for a form.
std::string CsrfField(const PageContext& p);
// "€ 1.234,56" (Dutch) or "€ 1,234.56" (English) from cents (FormatEuros, engine/text.h).
std::string Euro(const PageContext& p, int64_t cents);

std::string LoginPage(const PageContext& p, const std::string& login_token,
                      const std::string& error, const std::string& user);
std::string ErrorPage(const PageContext& p, int status, const std::string& message);
// The steps of a login after the password (account_views.cc): the second factor's code, a new
// password in place of one an admin set, setting up the second factor (its QR code and secret),
// and the recovery codes, shown once.
std::string SecondFactorPage(const PageContext& p, const std::string& error);
std::string NewPasswordPage(const PageContext& p, const std::string& error);
struct Enrolment {
  std::string secret, uri, qr_svg;
};
std::string EnrolPage(const PageContext& p, const Enrolment& e, const std::string& error);
std::string RecoveryCodesPage(const PageContext& p, const std::vector<std::string>& codes);
std::string CaseloadPage(const PageContext& p, const json& data);
std::string ClientPage(const PageContext& p, const json& data);
std::string BatchesPage(const PageContext& p, const json& data);
std::string BatchPage(const PageContext& p, const json& data);
std::string SignalsPage(const PageContext& p, const json& data);
std::string ReconciliationPage(const PageContext& p, const json& data);
std::string UsersPage(const PageContext& p, const json& data);
std::string MunicipalitiesPage(const PageContext& p, const json& data);
std::string AuditPage(const PageContext& p, const json& data);
std::string AccessPage(const PageContext& p, const json& data);
std::string AccountPage(const PageContext& p, const json& data);

// A page whose form (the one posting to `action`) was refused: the refusal shown above that form
// (its <details> opened), the field it names marked (aria-invalid, described by the message), and
// what was typed put back. `field` empty: the message only.
std::string MarkRefusedForm(const PageContext& p, std::string html, const std::string& action,
                            const std::string& field, const std::string& message,
                            const std::multimap<std::string, std::string>& typed);
// The field a refusal names: "amount: ..." or an import's "  amount: ..." line ("" if none).
std::string RefusedField(const std::string& message);

// A field of a view's data as text ("" when absent; numbers written out) or as a number (0).
std::string S(const json& j, const char* key);
// A finding's or signal's detail in the page's language: "detail_nl" on a Dutch page when there
// is one (those stored before issue 17 have English only), else "detail"; as plain text.
std::string DetailText(const PageContext& p, const json& j);
int64_t I(const json& j, const char* key);
// The label of a code (a ledger kind, a state, a signal) in the page's language, as plain text.
std::string LabelText(const PageContext& p, const std::string& key);
// "31-03-2027" from "2027-03-31", "31-03-2027 09:15" from "2027-03-31T09:15:00"; anything
// else as it is.
std::string DutchDay(const std::string& iso);
// DutchDay on a Dutch page, the ISO form on an English one.
std::string When(const PageContext& p, const std::string& iso);

// A list page as a CSV file for Dutch Excel (web_sheets.cc): the file name and its content.
struct Sheet {
  std::string name, csv;
};
Sheet CaseloadSheet(const PageContext& p, const json& data);
Sheet BatchesSheet(const PageContext& p, const json& data);
Sheet BatchSheet(const PageContext& p, const json& data);  // its payments, all of them
Sheet SignalsSheet(const PageContext& p, const json& data);
Sheet ReconciliationSheet(const PageContext& p, const json& data);
Sheet UsersSheet(const PageContext& p, const json& data);
Sheet AuditSheet(const PageContext& p, const json& data);
Sheet AccessSheet(const PageContext& p, const json& data);

// The stylesheet served at /static/app.css (a separate file so the CSP forbids inline styles).
const std::string& StyleSheet();

}  // namespace ontzorg::web

#endif  // ONTZORG_ADAPTERS_WEB_WEB_INTERNAL_H_
