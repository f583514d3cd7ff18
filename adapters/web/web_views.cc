// The HTML pages of the web app: server-rendered, no JavaScript, Dutch with English beside it on
// request. Headings in order, every field labelled, tables with captions and header cells, a
// skip link, visible focus, contrast of at least 4.5:1 (in the spirit of NL Design System).
#include <algorithm>
#include <map>
#include <sstream>

#include "adapters/web/web_internal.h"

namespace ontzorg::web {
namespace {

std::string S(const json& j, const char* key) {
  if (!j.contains(key)) return "";
  const json& v = j[key];
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return v.dump(-1, ' ', false, json::error_handler_t::replace);
}
int64_t I(const json& j, const char* key) {
  return j.contains(key) && j[key].is_number() ? j[key].get<int64_t>() : 0;
}

struct Label {
  const char* nl;
  const char* en;
};
const std::map<std::string, Label>& Labels() {
  static const std::map<std::string, Label> kLabels = {
      {"rent", {"Huur", "Rent"}},
      {"energy", {"Energie", "Energy"}},
      {"water", {"Water", "Water"}},
      {"health_insurance", {"Zorgverzekering", "Health insurance"}},
      {"leefgeld", {"Leefgeld", "Living allowance"}},
      {"paid_for_client", {"Wij betalen", "Paid for the client"}},
      {"practising", {"Oefenen", "Practising"}},
      {"safety_net", {"Vangnet", "Safety net"}},
      {"client_alone", {"Cliënt zelf", "Client alone"}},
      {"handing_over", {"Overdragen", "Handing over"}},
      {"self_reliant", {"Zelfredzaam", "Self-reliant"}},
      {"rent_allowance", {"Huurtoeslag", "Rent allowance"}},
      {"care_allowance", {"Zorgtoeslag", "Care allowance"}},
      {"child_budget", {"Kindgebonden budget", "Child budget"}},
      {"holiday_allowance", {"Vakantiegeld", "Holiday allowance"}},
      {"energy_refund", {"Energieteruggave", "Energy refund"}},
      {"creditor_refund", {"Terugbetaling schuldeiser", "Creditor refund"}},
      {"managed", {"beheerrekening", "managed account"}},
      {"own", {"eigen rekening", "own account"}},
      {"prepared", {"Klaargezet", "Prepared"}},
      {"approved", {"Goedgekeurd", "Approved"}},
      {"exported", {"Verstuurd naar bank", "Exported"}},
      {"cancelled", {"Geannuleerd", "Cancelled"}},
      {"accepted", {"Geaccepteerd", "Accepted"}},
      {"rejected", {"Geweigerd", "Rejected"}},
      {"returned", {"Teruggestort", "Returned"}},
      {"booked", {"Afgeschreven", "Booked"}},
      {"pending", {"In behandeling", "Pending"}},
      {"assess", {"Beoordeel de cliënt", "Assess the client"}},
      {"learn_skill", {"Oefen de zwakste vaardigheid", "Work on the weakest skill"}},
      {"wait_for_month_six", {"Wacht tot na maand 6", "Wait until month six has ended"}},
      {"start_practising", {"Begin met oefenen", "Start practising"}},
      {"start_safety_net", {"Start het vangnet", "Start the safety net"}},
      {"let_go", {"Laat los", "Let go"}},
      {"work_on_area", {"Werk aan het zwakste gebied", "Work on the weakest area"}},
      // Signals (findings of the runs and the bank's word), issue 16.
      {"toeslag_overdue", {"Toeslag te laat", "Toeslag overdue"}},
      {"receipt_differs", {"Toeslag wijkt af van verwachting", "Toeslag differs from expected"}},
      {"received_on_own_account",
       {"Toeslag op eigen rekening ontvangen", "Toeslag received on own account"}},
      {"credit_outstanding_at_end", {"Lening open aan het einde", "Credit outstanding at the end"}},
      {"below_minimum", {"Leefgeld onder het minimum", "Leefgeld below the minimum"}},
      {"unpaid", {"Rekening niet betaald", "Bill not paid"}},
      {"no_benefit", {"Geen bijstand ingelezen", "No bijstand recorded"}},
      {"payment_missed", {"Vangnet: betaling gemist", "Safety net: payment missed"}},
      {"double_debit_risk", {"Risico op dubbele afschrijving", "Risk of a double direct debit"}},
      {"payment_failed", {"Betaling mislukt", "Payment failed"}},
      {"double_payment", {"Dubbel betaald", "Paid twice"}},
      {"feedback_held", {"Bankbericht niet verwerkt", "Bank feedback held"}},
      {"implausible", {"Onwaarschijnlijk bedrag", "Implausible amount"}},
      {"late", {"Te laat betaald", "Paid late"}},
      {"open", {"Open", "Open"}},
      {"in_progress", {"In behandeling", "In progress"}},
      {"done", {"Afgehandeld", "Done"}},
      {"active", {"Open en in behandeling", "Open and in progress"}},
      {"all", {"Alle", "All"}},
      {"coach", {"Coach", "Coach"}},
      {"finance", {"Financiën", "Finance"}},
  };
  return kLabels;
}
std::string L(const PageContext& p, const std::string& key) {
  const auto it = Labels().find(key);
  if (it == Labels().end()) return Html(key);
  return Html(p.en ? it->second.en : it->second.nl);
}

std::string Notice(const PageContext& p) {
  if (p.notice.empty()) return "";
  return "<p class=\"notice\" role=\"status\">" + T(p, "Opgeslagen", "Saved") + ": " +
         Html(p.notice) + "</p>";
}

}  // namespace

std::string Euro(const PageContext& p, int64_t cents) {
  const bool negative = cents < 0;
  int64_t v = negative ? -cents : cents;
  std::string whole = std::to_string(v / 100);
  std::string grouped;
  for (size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) grouped += p.en ? ',' : '.';
    grouped += whole[i];
  }
  char dec[4];
  std::snprintf(dec, sizeof dec, "%02d", static_cast<int>(v % 100));
  return std::string(negative ? "-" : "") + "€\u00a0" + grouped + (p.en ? "." : ",") + dec;
}

std::string CsrfField(const PageContext& p) {
  return "<input type=\"hidden\" name=\"csrf\" value=\"" + Html(p.session.csrf) + "\">";
}

std::string Layout(const PageContext& p, const std::string& title, const std::string& main) {
  std::string nav;
  const std::string& role = p.session.role;
  const auto link = [&](const char* href, const std::string& text) {
    const bool here = p.path == href || (std::string(href) != "/" && p.path.rfind(href, 0) == 0);
    nav += std::string("<li><a href=\"") + href + "\"" + (here ? " aria-current=\"page\"" : "") +
           ">" + text + "</a></li>";
  };
  if (role == "coach" || role == "finance" || role == "auditor") {
    link("/clients",
         role == "coach" ? T(p, "Mijn cliënten", "My clients") : T(p, "Cliënten", "Clients"));
  }
  if (role == "coach") link("/signals", T(p, "Vandaag te doen", "To do today"));
  if (role == "finance" || role == "auditor") {
    link("/batches", T(p, "Betaalbatches", "Batches"));
    link("/signals", T(p, "Signalen", "Signals"));
    link("/reconciliation", T(p, "Aansluiting", "Reconciliation"));
  }
  if (role == "admin") link("/admin/users", T(p, "Gebruikers", "Users"));
  if (role == "auditor" || role == "admin") link("/audit", T(p, "Auditlog", "Audit log"));
  std::string who;
  if (!p.session.user.empty()) {
    who = "<form method=\"post\" action=\"/logout\" class=\"logout\">" + CsrfField(p) + "<span>" +
          Html(p.session.full_name.empty() ? p.session.user : p.session.full_name) + " (" +
          Html(p.session.role) + ")</span> <a href=\"/account/password\">" +
          T(p, "Wachtwoord", "Password") + "</a> <button type=\"submit\">" +
          T(p, "Uitloggen", "Log out") + "</button></form>";
  }
  const std::string other = p.en ? "nl" : "en";
  const std::string municipality = p.config ? p.config->municipality_name : "";
  return "<!doctype html>\n<html lang=\"" + std::string(p.en ? "en" : "nl") +
         "\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, "
         "initial-scale=1\"><title>" +
         Html(title) +
         " - Ontzorg</title><link rel=\"stylesheet\" "
         "href=\"/static/app.css\"></head><body><a class=\"skip\" href=\"#main\">" +
         T(p, "Naar de inhoud", "Skip to content") + "</a><header><p class=\"brand\">Ontzorg · " +
         Html(municipality) + "</p><nav aria-label=\"" + T(p, "Hoofdmenu", "Main menu") +
         "\"><ul>" + nav + "</ul></nav>" + who + "<a class=\"lang\" lang=\"" + other +
         "\" href=\"" + Html(p.path) + "?lang=" + other + "\">" +
         (p.en ? "Nederlands" : "English") + "</a></header><main id=\"main\"><h1>" + Html(title) +
         "</h1>" + Notice(p) + main + "</main></body></html>\n";
}

std::string LoginPage(const PageContext& p, const std::string& login_token,
                      const std::string& error, const std::string& user) {
  std::string main;
  if (!error.empty()) main += "<p class=\"error\" role=\"alert\">" + Html(error) + "</p>";
  main +=
      "<form method=\"post\" action=\"/login\" class=\"stack\"><input type=\"hidden\" "
      "name=\"login_token\" value=\"" +
      login_token + "\"><label for=\"user\">" + T(p, "Gebruikersnaam", "User name") +
      "</label><input id=\"user\" name=\"user\" "
      "autocomplete=\"username\" required value=\"" +
      Html(user) + "\"><label for=\"password\">" + T(p, "Wachtwoord", "Password") +
      "</label><input id=\"password\" name=\"password\" "
      "type=\"password\" autocomplete=\"current-password\" required><button type=\"submit\">" +
      T(p, "Inloggen", "Log in") + "</button></form>";
  return Layout(p, T(p, "Inloggen", "Log in"), main);
}

std::string ErrorPage(const PageContext& p, int status, const std::string& message) {
  std::string title = status == 403   ? T(p, "Geen toegang", "Not allowed")
                      : status == 404 ? T(p, "Niet gevonden", "Not found")
                      : status >= 500 ? T(p, "Er ging iets mis", "Something went wrong")
                                      : T(p, "Niet opgeslagen", "Not saved");
  return Layout(p, title,
                "<p class=\"error\" role=\"alert\">" + Html(message) + "</p><p>" +
                    T(p, "Er is niets veranderd.", "Nothing was changed.") + " <a href=\"/\">" +
                    T(p, "Naar het begin", "Back to the start") + "</a></p>");
}

namespace {
// A caseload row's open signals: how many, their kinds, a link to them.
std::string SignalCell(const PageContext& p, const json& c) {
  if (I(c, "signals") == 0) return "0";
  std::string kinds;
  for (const json& code : c["signal_codes"]) {
    kinds += (kinds.empty() ? "" : ", ") + L(p, code.get<std::string>());
  }
  return "<a href=\"/signals?client=" + Html(S(c, "id")) + "\"><strong>" +
         std::to_string(I(c, "signals")) + "</strong></a><br><span class=\"muted\">" + kinds +
         "</span>";
}
}  // namespace

std::string CaseloadPage(const PageContext& p, const json& d) {
  std::string m;
  m += "<form method=\"get\" action=\"/clients\" role=\"search\" class=\"inline\"><label "
       "for=\"q\">" +
       T(p, "Zoek op naam of cliëntnummer", "Search by name or client number") +
       "</label><input id=\"q\" name=\"q\" value=\"" + Html(S(d, "query")) +
       "\"><button type=\"submit\">" + T(p, "Zoeken", "Search") + "</button></form>";
  m += "<table><caption>" +
       (d["own_caseload"].get<bool>()
            ? T(p, "Uw caseload", "Your caseload")
            : T(p, "Alle cliënten (alleen lezen)", "All clients (read-only)")) +
       " · " + T(p, "maand", "month") + " " + Html(S(d, "month")) +
       "</caption><thead><tr><th scope=\"col\">" + T(p, "Cliënt", "Client") +
       "</th><th scope=\"col\">" + T(p, "Maand", "Month") + "</th><th scope=\"col\">" +
       T(p, "Fase en volgende stap", "Stage and next step") + "</th><th scope=\"col\">" +
       T(p, "Open signalen", "Open signals") + "</th><th scope=\"col\">" +
       T(p, "Saldo", "Balance") + "</th><th scope=\"col\">" + T(p, "Gereserveerd", "Reserved") +
       "</th><th scope=\"col\">" + T(p, "Lening open", "Credit outstanding") +
       "</th><th scope=\"col\">" + T(p, "Rekeningen", "Bills") + "</th></tr></thead><tbody>";
  for (const json& c : d["clients"]) {
    std::string bills;
    if (c.contains("bills")) {
      for (const json& b : c["bills"]) {
        bills += "<li>" + L(p, S(b, "kind")) + ": <span class=\"tag " + Html(S(b, "state")) +
                 "\">" + L(p, S(b, "state")) + "</span></li>";
      }
    }
    const bool relief = c.value("in_relief", false);
    m += "<tr><th scope=\"row\"><a href=\"/clients/" + Html(S(c, "id")) + "\">" +
         Html(S(c, "name")) + "</a><br><span class=\"muted\">" + Html(S(c, "id")) +
         "</span></th><td>" +
         (relief ? std::to_string(I(c, "relief_month")) + " " + T(p, "van", "of") + " " +
                       std::to_string(I(c, "relief_months"))
                 : T(p, "niet in ontzorgen", "not in relief")) +
         "</td><td>" +
         (relief ? L(p, S(c, "stage")) +
                       (c.value("stalled", false)
                            ? " <strong>" + T(p, "(loopt vast)", "(stalled)") + "</strong>"
                            : "") +
                       "<br><span class=\"muted\">" + L(p, S(c, "next_step")) + "</span>"
                 : "") +
         "</td><td>" + SignalCell(p, c) + "</td><td class=\"num\">" +
         Euro(p, I(c, "balance_cents")) + "</td><td class=\"num\">" +
         Euro(p, I(c, "reserved_cents")) + "</td><td class=\"num\">" +
         Euro(p, I(c, "credit_outstanding_cents")) + "</td><td><ul class=\"plain\">" + bills +
         "</ul></td></tr>";
  }
  m += "</tbody></table>";
  if (d["clients"].empty())
    m += "<p>" + T(p, "Geen cliënten gevonden.", "No clients found.") + "</p>";
  if (I(d, "hidden") > 0) {
    m += "<p><a href=\"/clients?all=1&amp;q=" + Html(S(d, "query")) + "\">" +
         T(p, "Toon ook de cliënten buiten ontzorgen zonder open signalen (",
           "Also show the clients not in relief with no open signals (") +
         std::to_string(I(d, "hidden")) + ")</a></p>";
  }
  if (d["more"].get<bool>()) {
    m += "<p>" +
         T(p, "Meer dan 100 cliënten: zoek nauwkeuriger.",
           "More than 100 clients: refine the search.") +
         "</p>";
  }
  return Layout(p,
                d["own_caseload"].get<bool>() ? T(p, "Mijn cliënten", "My clients")
                                              : T(p, "Cliënten", "Clients"),
                m);
}

namespace {

// Credit outstanding per month: booked months as solid bars, the forecast as outlined bars.
std::string CreditChart(const PageContext& p, const json& credit) {
  if (credit.empty()) return "<p>" + T(p, "Nog geen maanden.", "No months yet.") + "</p>";
  int64_t top = 1;
  for (const json& c : credit) top = std::max(top, I(c, "outstanding_cents"));
  const int width = 640, height = 200, left = 70, bottom = 30;
  const int n = static_cast<int>(credit.size());
  const int slot = (width - left - 10) / std::max(n, 1);
  std::ostringstream svg;
  svg << "<svg class=\"chart\" role=\"img\" aria-labelledby=\"chart-title\" viewBox=\"0 0 " << width
      << " " << height << "\" width=\"100%\"><title id=\"chart-title\">"
      << T(p, "Openstaande lening per maand; omlijnd is de verwachting",
           "Credit outstanding per month; outlined is the forecast")
      << "</title>";
  svg << "<line x1=\"" << left << "\" y1=\"" << height - bottom << "\" x2=\"" << width - 5
      << "\" y2=\"" << height - bottom << "\" class=\"axis\"/>";
  svg << "<text x=\"" << left - 6 << "\" y=\"14\" class=\"label\" text-anchor=\"end\">"
      << Html(Euro(p, top)) << "</text><text x=\"" << left - 6 << "\" y=\"" << height - bottom
      << "\" class=\"label\" text-anchor=\"end\">" << Html(Euro(p, 0)) << "</text>";
  for (int i = 0; i < n; ++i) {
    const json& c = credit[static_cast<size_t>(i)];
    const double h = static_cast<double>(I(c, "outstanding_cents")) / static_cast<double>(top) *
                     (height - bottom - 20);
    const int x = left + i * slot + 4;
    svg << "<rect x=\"" << x << "\" y=\"" << (height - bottom - h) << "\" width=\"" << slot - 8
        << "\" height=\"" << h << "\" class=\""
        << (c.value("forecast", false) ? "forecast" : "booked") << "\"><title>"
        << Html(S(c, "month")) << ": " << Html(Euro(p, I(c, "outstanding_cents")))
        << "</title></rect>";
    svg << "<text x=\"" << x + (slot - 8) / 2 << "\" y=\"" << height - 10
        << "\" class=\"label\" text-anchor=\"middle\">" << Html(S(c, "month").substr(2))
        << "</text>";
  }
  svg << "</svg>";
  return svg.str();
}

std::string Select(const std::string& id, const std::string& name,
                   const std::vector<std::pair<std::string, std::string>>& options) {
  std::string s = "<select id=\"" + id + "\" name=\"" + name + "\">";
  for (const auto& [v, text] : options)
    s += "<option value=\"" + Html(v) + "\">" + text + "</option>";
  return s + "</select>";
}

// The form that moves a signal to another state, with a note; back to `back` after.
std::string SignalStateForm(const PageContext& p, const json& s, const std::string& back) {
  const std::string id = S(s, "id");
  const std::string field = "st-" + Html(id);
  std::vector<std::pair<std::string, std::string>> states;
  for (const char* st : {"in_progress", "done", "open"}) {
    if (S(s, "state") != st) states.push_back({st, L(p, st)});
  }
  return "<form method=\"post\" action=\"/signals/state\" class=\"inline\">" + CsrfField(p) +
         "<input type=\"hidden\" name=\"signal\" value=\"" + Html(id) +
         "\"><input type=\"hidden\" name=\"back\" value=\"" + Html(back) + "\"><label for=\"" +
         field + "\" class=\"visually-hidden\">" +
         T(p, "Nieuwe stand van het signaal", "New state of the signal") + "</label>" +
         Select(field, "state", states) + "<label for=\"" + field +
         "-note\" class=\"visually-hidden\">" +
         T(p, "Notitie bij het signaal", "Note on the signal") + "</label><input id=\"" + field +
         "-note\" name=\"note\" placeholder=\"" + T(p, "notitie", "note") +
         "\"><button type=\"submit\">" + T(p, "Opslaan", "Save") + "</button></form>";
}

}  // namespace

// Over 70 lines (194): one page, top to bottom; to be split by section.
// NOLINTNEXTLINE(readability-function-size)
std::string ClientPage(const PageContext& p, const json& d) {
  const std::string id = S(d, "id");
  const bool coach = p.session.role == "coach";
  std::string m;
  m += "<dl class=\"facts\"><dt>" + T(p, "Cliëntnummer", "Client number") + "</dt><dd>" + Html(id) +
       "</dd><dt>BSN</dt><dd>" + Html(S(d, "bsn_masked")) + "</dd><dt>" + T(p, "Coach", "Coach") +
       "</dt><dd>" + Html(S(d, "coach")) + "</dd><dt>" + T(p, "Taal", "Language") + "</dt><dd>" +
       Html(S(d, "language")) + "</dd><dt>" + T(p, "Naam voor de bank", "Name for the bank") +
       "</dt><dd>" + Html(S(d, "name_for_bank")) + "</dd>";
  if (d.value("in_relief", false)) {
    m += "<dt>" + T(p, "Ontzorgen", "Relief") + "</dt><dd>" + T(p, "maand ", "month ") +
         std::to_string(I(d, "relief_month")) + T(p, " van ", " of ") +
         std::to_string(I(d, "relief_months")) + "</dd><dt>" + T(p, "Fase", "Stage") + "</dt><dd>" +
         L(p, S(d, "stage")) + " (" + std::to_string(I(d, "progress_percent")) + "%)</dd><dt>" +
         T(p, "Volgende stap", "Next step") + "</dt><dd>" + L(p, S(d, "next_step")) + " " +
         Html(S(d, "next_subject")) + "</dd>";
  }
  m += "<dt>" + T(p, "Lening open", "Credit outstanding") + "</dt><dd>" +
       Euro(p, I(d, "credit_outstanding_cents")) + "</dd></dl>";
  if (p.session.role == "finance") {
    m += "<details><summary>" +
         T(p, "Naam voor de bank corrigeren (Latijnse spelling)",
           "Correct the name for the bank (Latin spelling)") +
         "</summary><form method=\"post\" action=\"/clients/" + Html(id) +
         "/bank-name\" class=\"stack\">" + CsrfField(p) + "<label for=\"bank_name\">" +
         T(p, "Naam zoals betalingen die meedragen", "Name as payments carry it") +
         "</label><input id=\"bank_name\" name=\"bank_name\" required maxlength=\"70\" "
         "value=\"" +
         Html(S(d, "name_for_bank")) + "\"><label for=\"bank_name_reason\">" +
         T(p, "Waarom (bijv. zoals op de verblijfsvergunning)",
           "Why (e.g. as in the residence permit)") +
         "</label><input id=\"bank_name_reason\" name=\"reason\" required><button "
         "type=\"submit\">" +
         T(p, "Opslaan", "Save") + "</button></form></details>";
  }
  m += "<p><a href=\"/clients/" + Html(id) + "/statement\">" +
       T(p, "Voorbeeld van het volgende geldoverzicht (in de taal van de cliënt)",
         "Preview of the next client statement (in the client's language)") +
       "</a></p>";

  if (!d["signal_list"].empty()) {
    m += "<section aria-labelledby=\"h-signals\"><h2 id=\"h-signals\">" +
         T(p, "Signalen", "Signals") + "</h2><ul>";
    for (const json& s : d["signal_list"]) {
      m += "<li><strong>" + L(p, S(s, "code")) + "</strong> " + Html(S(s, "at")) + ": " +
           Html(S(s, "detail")) + " <span class=\"tag\">" + L(p, S(s, "state")) + "</span>" +
           (p.session.role == "coach" || p.session.role == "finance"
                ? SignalStateForm(p, s, "/clients/" + id)
                : "") +
           "</li>";
    }
    m += "</ul></section>";
  }

  m += "<section aria-labelledby=\"h-payments\"><h2 id=\"h-payments\">" +
       T(p, "Betalingen", "Payments") + "</h2><table><caption>" +
       T(p, "Betalingen van maand ", "Payments of month ") + Html(S(d, "month")) +
       T(p, " en de volgende, met uitvoerdatum", " and the next, with execution date") +
       "</caption><thead><tr><th scope=\"col\">" + T(p, "Wat", "What") + "</th><th scope=\"col\">" +
       T(p, "Aan", "To") + "</th><th scope=\"col\">" + T(p, "Bedrag", "Amount") +
       "</th><th scope=\"col\">" + T(p, "Uitvoerdatum", "Execution date") +
       "</th><th scope=\"col\">" + T(p, "Bank", "Bank") + "</th></tr></thead><tbody>";
  for (const json& pay : d["payments"]) {
    m += "<tr><td>" + L(p, S(pay, "kind")) + " " + Html(S(pay, "period")) +
         (pay.value("late", false) ? " <strong>" + T(p, "te laat", "late") + "</strong>" : "") +
         "</td><td>" + Html(S(pay, "payee")) + "</td><td class=\"num\">" +
         Euro(p, I(pay, "amount_cents")) + "</td><td>" + Html(S(pay, "execution")) + "</td><td>" +
         (S(pay, "bank_state").empty() ? "" : L(p, S(pay, "bank_state"))) + "</td></tr>";
  }
  m += "</tbody></table></section>";

  m += "<section aria-labelledby=\"h-credit\"><h2 id=\"h-credit\">" +
       T(p, "Overbruggingslening en verwachting", "Bridging credit and forecast") + "</h2>" +
       CreditChart(p, d["credit"]) + "<table><caption>" +
       T(p, "Per maand (verwachting: zes maanden vooruit)",
         "Per month (forecast: six months ahead)") +
       "</caption><thead><tr><th scope=\"col\">" + T(p, "Maand", "Month") +
       "</th><th scope=\"col\">" + T(p, "Geleend", "Drawn") + "</th><th scope=\"col\">" +
       T(p, "Verrekend", "Set off") + "</th><th scope=\"col\">" + T(p, "Open", "Outstanding") +
       "</th></tr></thead><tbody>";
  for (const json& c : d["credit"]) {
    m += "<tr><td>" + Html(S(c, "month")) +
         (c.value("forecast", false)
              ? " <span class=\"muted\">" + T(p, "verwacht", "forecast") + "</span>"
              : "") +
         "</td><td class=\"num\">" + Euro(p, I(c, "drawn_cents")) + "</td><td class=\"num\">" +
         Euro(p, I(c, "set_off_cents")) + "</td><td class=\"num\">" +
         Euro(p, I(c, "outstanding_cents")) + "</td></tr>";
  }
  m += "</tbody></table></section>";

  m += "<section aria-labelledby=\"h-toeslagen\"><h2 id=\"h-toeslagen\">" +
       T(p, "Toeslagen", "Allowances") + "</h2><table><caption>" +
       T(p, "Verwacht en ontvangen", "Expected and received") +
       "</caption><thead><tr><th scope=\"col\">" + T(p, "Soort", "Kind") +
       "</th><th scope=\"col\">" + T(p, "Aangevraagd", "Applied") + "</th><th scope=\"col\">" +
       T(p, "Per maand", "Monthly") + "</th><th scope=\"col\">" +
       T(p, "Eerste betaling", "First payment") + "</th><th scope=\"col\">" +
       T(p, "Naar", "Paid to") + "</th><th scope=\"col\">" + T(p, "Ontvangen", "Received") +
       "</th></tr></thead><tbody>";
  for (const json& t : d["toeslagen"]) {
    m += "<tr><td>" + L(p, S(t, "kind")) + "</td><td>" + Html(S(t, "applied_on")) +
         "</td><td class=\"num\">" + Euro(p, I(t, "monthly_cents")) + "</td><td>" +
         Html(S(t, "first_payment")) + "</td><td>" + L(p, S(t, "paid_to")) +
         "</td><td class=\"num\">" + Euro(p, I(t, "received_cents")) + "</td></tr>";
  }
  m += "</tbody></table></section>";

  // Hand-over per bill.
  m += "<section aria-labelledby=\"h-handover\"><h2 id=\"h-handover\">" +
       T(p, "Rekeningen overdragen", "Handing over bills") + "</h2><table><caption>" +
       T(p, "Stand per rekening (volgende maand)", "State per bill (next month)") +
       "</caption><thead><tr><th scope=\"col\">" + T(p, "Rekening", "Bill") +
       "</th><th scope=\"col\">" + T(p, "Bedrag", "Amount") + "</th><th scope=\"col\">" +
       T(p, "Stand", "State") + "</th></tr></thead><tbody>";
  for (const json& b : d["plan_bills"]) {
    m += "<tr><td>" + L(p, S(b, "kind")) + " <span class=\"muted\">" + Html(S(b, "bill")) +
         "</span></td><td class=\"num\">" + Euro(p, I(b, "amount_cents")) + "</td><td>" +
         L(p, S(b, "state")) + "</td></tr>";
  }
  m += "</tbody></table>";
  if (coach && !d["plan_bills"].empty()) {
    std::vector<std::pair<std::string, std::string>> bills, states;
    for (const json& b : d["plan_bills"])
      bills.push_back({S(b, "bill"), L(p, S(b, "kind")) + " (" + Html(S(b, "bill")) + ")"});
    for (const char* s : {"paid_for_client", "practising", "safety_net", "client_alone"}) {
      states.push_back({s, L(p, s)});
    }
    m +=
        "<form method=\"post\" action=\"/clients/" + Html(id) + "/handovers\" class=\"grid\">" +
        CsrfField(p) + "<label for=\"ho-bill\">" + T(p, "Rekening", "Bill") + "</label>" +
        Select("ho-bill", "bill", bills) + "<label for=\"ho-state\">" +
        T(p, "Nieuwe stand", "New state") + "</label>" + Select("ho-state", "state", states) +
        "<label for=\"ho-from\">" + T(p, "Vanaf maand (JJJJ-MM)", "From month (YYYY-MM)") +
        "</label><input id=\"ho-from\" name=\"from\" required pattern=\"[0-9]{4}-[0-9]{2}\"><label "
        "for=\"ho-reason\">" +
        T(p, "Reden (verplicht bij maatwerk)", "Reason (required for maatwerk)") +
        "</label><input id=\"ho-reason\" name=\"reason\"><button type=\"submit\">" +
        T(p, "Overdracht vastleggen", "Record hand-over") + "</button></form>";
  }
  m += "</section>";

  // Changes over time (issue 16): the form for a bill change and every change so far.
  m += "<section aria-labelledby=\"h-changes\"><h2 id=\"h-changes\">" +
       T(p, "Wijzigingen", "Changes") + "</h2>";
  if ((coach || p.session.role == "finance") && !d["plan_bills"].empty()) {
    std::vector<std::pair<std::string, std::string>> bills;
    for (const json& b : d["plan_bills"]) {
      bills.push_back({S(b, "bill"), L(p, S(b, "kind")) + " (" + Html(S(b, "bill")) + ", " +
                                         Euro(p, I(b, "amount_cents")) + T(p, ", dag ", ", day ") +
                                         std::to_string(I(b, "due_day")) + ")"});
    }
    m += "<details><summary>" +
         T(p, "Rekening wijzigen vanaf een maand (huurverhoging, nieuw termijnbedrag)",
           "Change a bill from a month on (rent increase, new instalment)") +
         "</summary><form method=\"post\" class=\"grid\" id=\"bill-change\" action=\"/clients/" +
         Html(id) + "/bill-changes\">" + CsrfField(p) + "<label for=\"bc-bill\">" +
         T(p, "Rekening", "Bill") + "</label>" + Select("bc-bill", "bill", bills) +
         "<label for=\"bc-amount\">" +
         T(p, "Nieuw bedrag (leeg: blijft)", "New amount (empty: unchanged)") +
         "</label><input id=\"bc-amount\" name=\"amount\" inputmode=\"decimal\" "
         "pattern=\"[0-9]+([.][0-9]{1,2})?\" placeholder=\"760.00\"><label for=\"bc-due\">" +
         T(p, "Nieuwe vervaldag (leeg: blijft)", "New due day (empty: unchanged)") +
         "</label><input id=\"bc-due\" name=\"due_day\" type=\"number\" min=\"1\" "
         "max=\"31\"><label for=\"bc-from\">" +
         T(p, "Geldt vanaf maand (JJJJ-MM)", "Holds from month (YYYY-MM)") +
         "</label><input id=\"bc-from\" name=\"valid_from\" required "
         "pattern=\"[0-9]{4}-[0-9]{2}\"><label for=\"bc-reason\">" +
         T(p, "Waarom (bijv. brief verhuurder)", "Why (e.g. the landlord's letter)") +
         "</label><input id=\"bc-reason\" name=\"change_reason\" required><button "
         "type=\"submit\">" +
         T(p, "Wijziging vastleggen", "Record the change") + "</button></form></details>";
  }
  if (d["changes"].empty()) {
    m += "<p>" + T(p, "Nog geen wijzigingen.", "No changes yet.") + "</p>";
  } else {
    m += "<table><caption>" + T(p, "Wijzigingen, nieuwste eerst", "Changes, newest first") +
         "</caption><thead><tr><th scope=\"col\">" + T(p, "Wat", "What") +
         "</th><th scope=\"col\">" + T(p, "Velden", "Fields") + "</th><th scope=\"col\">" +
         T(p, "Vanaf", "From") + "</th><th scope=\"col\">" + T(p, "Door", "By") +
         "</th><th scope=\"col\">" + T(p, "Waarom", "Why") + "</th></tr></thead><tbody>";
    for (const json& c : d["changes"]) {
      m += "<tr><td>" + Html(S(c, "record")) + "</td><td>" + Html(S(c, "fields")) + "</td><td>" +
           Html(S(c, "valid_from")) + "</td><td>" + Html(S(c, "by")) + " " + Html(S(c, "at")) +
           "</td><td>" + Html(S(c, "reason")) + "</td></tr>";
    }
    m += "</tbody></table>";
  }
  m += "</section>";

  // Checkpoints.
  m += "<section aria-labelledby=\"h-checkpoints\"><h2 id=\"h-checkpoints\">" +
       T(p, "Leervoortgang", "Learning progress") + "</h2>";
  if (d["assessments"].empty()) {
    m += "<p>" + T(p, "Nog geen beoordelingen.", "No assessments yet.") + "</p>";
  } else {
    m += "<table><caption>" + T(p, "Beoordelingen, nieuwste eerst", "Assessments, newest first") +
         "</caption><thead><tr><th scope=\"col\">" + T(p, "Datum", "Date") +
         "</th><th scope=\"col\">" + T(p, "Door", "By") + "</th><th scope=\"col\">" +
         T(p, "Notitie", "Note") + "</th><th scope=\"col\">" + T(p, "Niveaus", "Levels") +
         "</th></tr></thead><tbody>";
    for (const json& a : d["assessments"]) {
      std::string levels;
      int shown = 0;
      for (const auto& [k, v] : a["levels"].items()) {
        if (k.find('.') != std::string::npos) continue;  // areas only; skills in the API
        levels += (shown++ ? ", " : "") + Html(k) + "&nbsp;" + v.dump();
      }
      m += "<tr><td>" + Html(S(a, "on")) + "</td><td>" + Html(S(a, "by")) + "</td><td>" +
           Html(S(a, "note")) + "</td><td>" + levels + "</td></tr>";
    }
    m += "</tbody></table>";
  }
  if (coach) {
    const int max = static_cast<int>(I(d["model"], "max_level"));
    std::vector<std::pair<std::string, std::string>> levels{
        {"", T(p, "(niet beoordeeld)", "(not assessed)")}};
    for (int l = 0; l <= max; ++l) levels.push_back({std::to_string(l), std::to_string(l)});
    m += "<form method=\"post\" action=\"/clients/" + Html(id) +
         "/checkpoints\" class=\"grid\"><h3>" +
         T(p, "Nieuw checkpoint vastleggen", "Record a new checkpoint") + "</h3>" + CsrfField(p) +
         "<fieldset><legend>" + T(p, "Gebieden (0 = nog niet, ", "Areas (0 = not yet, ") +
         std::to_string(max) + T(p, " = zelfstandig)", " = independently)") + "</legend>";
    for (const json& a : d["model"]["areas"]) {
      const std::string area = a.get<std::string>();
      m += "<label for=\"lv-" + Html(area) + "\">" + Html(area) + "</label>" +
           Select("lv-" + area, "level." + area, levels);
    }
    m += "</fieldset><fieldset><legend>" + T(p, "Vaardigheden per rekening", "Skills per bill") +
         "</legend>";
    for (const json& s : d["model"]["skills"]) {
      const std::string skill = s.get<std::string>();
      std::string fid = "lv-" + skill;
      std::replace(fid.begin(), fid.end(), '.', '-');
      m += "<label for=\"" + Html(fid) + "\">" + Html(skill) + "</label>" +
           Select(fid, "level." + skill, levels);
    }
    m += "</fieldset><label for=\"cp-note\">" + T(p, "Notitie", "Note") +
         "</label><input id=\"cp-note\" name=\"note\"><button type=\"submit\">" +
         T(p, "Checkpoint opslaan", "Save checkpoint") + "</button></form>";
  }
  m += "</section>";

  // The ledger.
  m += "<section aria-labelledby=\"h-ledger\"><h2 id=\"h-ledger\">" +
       T(p, "Grootboek per maand", "Ledger by month") + "</h2>";
  for (auto it = d["ledger"].rbegin(); it != d["ledger"].rend(); ++it) {
    const json& month = *it;
    m += "<table><caption>" + Html(S(month, "month")) + "</caption><thead><tr><th scope=\"col\">" +
         T(p, "Geboekt", "Booked") + "</th><th scope=\"col\">" + T(p, "Soort", "Kind") +
         "</th><th scope=\"col\">" + T(p, "Debet", "Debit") + "</th><th scope=\"col\">" +
         T(p, "Credit", "Credit") + "</th><th scope=\"col\">" + T(p, "Bedrag", "Amount") +
         "</th></tr></thead><tbody>";
    for (const json& e : month["entries"]) {
      m += "<tr><td>" + Html(S(e, "booked_on")) + "</td><td>" + Html(S(e, "kind")) + "</td><td>" +
           Html(S(e, "debit")) + "</td><td>" + Html(S(e, "credit")) + "</td><td class=\"num\">" +
           Euro(p, I(e, "amount_cents")) + "</td></tr>";
    }
    m += "</tbody></table>";
  }
  m += "</section>";
  return Layout(p, S(d, "name"), m);
}

namespace {
std::string BatchRow(const PageContext& p, const json& b) {
  return "<tr><th scope=\"row\"><a href=\"/batches/" + S(b, "batch") + "\">" +
         T(p, "Batch ", "Batch ") + S(b, "batch") + "</a></th><td>" + Html(S(b, "kind")) + " " +
         Html(S(b, "month")) + "</td><td class=\"num\">" + S(b, "payments") +
         "</td><td class=\"num\">" + Euro(p, I(b, "amount_cents")) + "</td><td>" +
         L(p, S(b, "state")) + "</td><td>" + Html(S(b, "prepared_by")) + "</td></tr>";
}
}  // namespace

std::string BatchesPage(const PageContext& p, const json& d) {
  std::string m;
  if (p.session.role == "finance") {
    m += "<section aria-labelledby=\"h-prepare\"><h2 id=\"h-prepare\">" +
         T(p, "Maand klaarzetten", "Prepare a month") +
         "</h2><form method=\"post\" action=\"/batches\" "
         "class=\"inline\">" +
         CsrfField(p) + "<label for=\"month\">" + T(p, "Maand (JJJJ-MM)", "Month (YYYY-MM)") +
         "</label><input id=\"month\" name=\"month\" required value=\"" + Html(S(d, "next_month")) +
         "\"><label for=\"run_date\">" + T(p, "Rundatum (JJJJ-MM-DD)", "Run date (YYYY-MM-DD)") +
         "</label><input id=\"run_date\" name=\"run_date\" required><button type=\"submit\">" +
         T(p, "Klaarzetten", "Prepare") + "</button></form></section>";
    m += "<section aria-labelledby=\"h-upload\"><h2 id=\"h-upload\">" +
         T(p, "Bankbestand inlezen", "Read a bank file") +
         "</h2><form method=\"post\" action=\"/bank-files\" "
         "enctype=\"multipart/form-data\" class=\"inline\">" +
         CsrfField(p) + "<label for=\"file\">" +
         T(p, "pain.002, camt.053 of camt.054", "pain.002, camt.053 or camt.054") +
         "</label><input id=\"file\" name=\"file\" type=\"file\" accept=\".xml\" required><button "
         "type=\"submit\">" +
         T(p, "Inlezen", "Import") + "</button></form></section>";
  }
  m += "<table><caption>" + T(p, "Betaalbatches, nieuwste eerst", "Payment batches, newest first") +
       "</caption><thead><tr><th scope=\"col\">" + T(p, "Batch", "Batch") +
       "</th><th scope=\"col\">" + T(p, "Soort", "Kind") + "</th><th scope=\"col\">" +
       T(p, "Betalingen", "Payments") + "</th><th scope=\"col\">" + T(p, "Bedrag", "Amount") +
       "</th><th scope=\"col\">" + T(p, "Stand", "State") + "</th><th scope=\"col\">" +
       T(p, "Klaargezet door", "Prepared by") + "</th></tr></thead><tbody>";
  for (const json& b : d["batches"]) m += BatchRow(p, b);
  m += "</tbody></table>";
  return Layout(p, T(p, "Betaalbatches", "Payment batches"), m);
}

// Over 70 lines (90): one page, top to bottom.
// NOLINTNEXTLINE(readability-function-size)
std::string BatchPage(const PageContext& p, const json& d) {
  const std::string id = S(d, "batch"), state = S(d, "state");
  std::string m;
  m += "<dl class=\"facts\"><dt>" + T(p, "Stand", "State") + "</dt><dd>" + L(p, state) +
       "</dd><dt>" + T(p, "Maand", "Month") + "</dt><dd>" + Html(S(d, "month")) + "</dd><dt>" +
       T(p, "Rekeningen", "Bills") + "</dt><dd>" + Euro(p, I(d, "bills_cents")) + "</dd><dt>" +
       T(p, "Leefgeld", "Living allowance") + "</dt><dd>" + Euro(p, I(d, "leefgeld_cents")) +
       "</dd><dt>" + T(p, "Totaal", "Total") + "</dt><dd>" + Euro(p, I(d, "amount_cents")) + " (" +
       S(d, "payments") + T(p, " betalingen)", " payments)") + "</dd></dl>";
  m += "<ol class=\"states\">";
  for (const json& s : d["states"]) {
    m += "<li>" + L(p, S(s, "state")) + ": " + Html(S(s, "at")) + " " + T(p, "door", "by") + " " +
         Html(S(s, "user")) + "</li>";
  }
  m += "</ol>";
  if (!d["changed_after"].empty()) {
    m += "<section aria-labelledby=\"h-changed\"><h2 id=\"h-changed\">" +
         T(p, "Gewijzigd na het klaarzetten", "Changed after preparation") + "</h2><p>" +
         T(p,
           "Deze wijzigingen gelden voor deze maand maar zijn na het klaarzetten ingevoerd: de "
           "batch betaalt wat klaargezet is. Een verschil voor deze maand regelt u apart; de "
           "volgende maand gebruikt de wijziging.",
           "These changes hold for this month but were entered after preparation: the batch "
           "pays what was prepared. Settle a difference for this month separately; the next "
           "month uses the change.") +
         "</p><ul>";
    for (const json& c : d["changed_after"]) {
      m += "<li>" + Html(S(c, "record")) +
           (S(c, "client").empty() ? "" : " (" + Html(S(c, "client")) + ")") + ": " +
           Html(S(c, "fields")) + T(p, " vanaf ", " from ") + Html(S(c, "valid_from")) + ", " +
           Html(S(c, "by")) + " " + Html(S(c, "at")) + ": " + Html(S(c, "reason")) + "</li>";
    }
    m += "</ul></section>";
  }
  if (p.session.role == "finance") {
    if (state == "prepared") {
      if (d.value("you_prepared", false)) {
        m += "<p class=\"notice\">" +
             T(p, "U heeft deze batch klaargezet: een collega moet hem goedkeuren (vier ogen).",
               "You prepared this batch: a colleague must approve it (four eyes).") +
             "</p>";
      } else {
        const int64_t implausible = d.value("implausible", int64_t{0});
        m += "<form method=\"post\" action=\"/batches/" + id + "/approve\">" + CsrfField(p);
        if (!d["changed_after"].empty()) {
          m += "<p class=\"notice\"><label><input type=\"checkbox\" name=\"acknowledge\" "
               "required> " +
               T(p,
                 "Ik heb de wijzigingen na het klaarzetten gezien (zie hieronder); de batch "
                 "betaalt wat klaargezet is",
                 "I saw the changes made after preparation (see below); the batch pays what "
                 "was prepared") +
               "</label></p>";
        }
        if (implausible > 0) {
          m += "<p class=\"notice\"><label><input type=\"checkbox\" name=\"acknowledge\" "
               "required> " +
               T(p, "Ik heb de bedragen boven de plausibiliteitsgrenzen gecontroleerd",
                 "I checked the amounts above the plausibility limits") +
               " (" + std::to_string(implausible) +
               T(p, "; zie Uitzonderingen): ze kloppen.", "; see Exceptions): they are right.") +
               "</label></p>";
        }
        m += "<button type=\"submit\">" +
             T(p, "Goedkeuren als tweede persoon", "Approve as the second person") +
             "</button></form>";
      }
    } else if (state == "approved") {
      m += "<form method=\"post\" action=\"/batches/" + id + "/export\">" + CsrfField(p) +
           "<button type=\"submit\">" + T(p, "SEPA-bestanden maken", "Write the SEPA files") +
           "</button></form>";
    }
  }
  if (!d["files"].empty()) {
    m += "<h2>" + T(p, "Bestanden", "Files") + "</h2><ul>";
    for (const json& f : d["files"]) {
      const bool written = S(f, "status") == "written";
      m += "<li>" +
           (written ? "<a href=\"/batches/" + id + "/files/" + Html(S(f, "name")) + "\">" +
                          Html(S(f, "name")) + "</a>"
                    : Html(S(f, "name"))) +
           " · " + S(f, "transactions") + T(p, " betalingen · ", " payments · ") +
           Euro(p, I(f, "amount_cents")) + " · " + L(p, written ? "exported" : "pending") + "</li>";
    }
    m += "</ul>";
  }
  m += "<h2>" + T(p, "Uitzonderingen", "Exceptions") + "</h2>";
  if (d["exceptions"].empty() && d["findings"].empty()) {
    m += "<p>" +
         T(p, "Geen: niets te laat, geen dubbele-incassorisico, geen herhalingen.",
           "None: nothing late, no double-debit risk, no re-issues.") +
         "</p>";
  } else {
    m += "<ul>";
    for (const json& e : d["exceptions"]) {
      m +=
          "<li>" + Html(S(e, "client")) + " " + L(p, S(e, "kind")) + " " +
          Euro(p, I(e, "amount_cents")) +
          (e.value("late", false) ? " · " + T(p, "te laat", "late") : "") +
          (e.value("double_debit_risk", false)
               ? " · " + T(p, "risico dubbele incasso", "double-debit risk")
               : "") +
          (e.contains("replaces") ? " · " + T(p, "herhaalt ", "re-issues ") + Html(S(e, "replaces"))
                                  : "") +
          "</li>";
    }
    for (const json& f : d["findings"]) {
      m += "<li>" + Html(S(f, "client")) + " " + Html(S(f, "code")) + " " + Html(S(f, "bill")) +
           " " + Euro(p, I(f, "amount_cents")) + ": " + Html(S(f, "detail")) + "</li>";
    }
    m += "</ul>";
  }
  m += "<table><caption>" + T(p, "Betalingen", "Payments") +
       (d.value("payment_list_truncated", false) ? T(p, " (eerste 500)", " (first 500)") : "") +
       "</caption><thead><tr><th scope=\"col\">" + T(p, "Cliënt", "Client") +
       "</th><th scope=\"col\">" + T(p, "Wat", "What") + "</th><th scope=\"col\">" +
       T(p, "Aan", "To") + "</th><th scope=\"col\">" + T(p, "Bedrag", "Amount") +
       "</th><th scope=\"col\">" + T(p, "Uitvoerdatum", "Execution date") +
       "</th><th scope=\"col\">EndToEndId</th></tr></thead><tbody>";
  for (const json& pay : d["payment_list"]) {
    m += "<tr><td><a href=\"/clients/" + Html(S(pay, "client")) + "\">" + Html(S(pay, "client")) +
         "</a></td><td>" + L(p, S(pay, "kind")) + "</td><td>" + Html(S(pay, "payee")) +
         "</td><td class=\"num\">" + Euro(p, I(pay, "amount_cents")) + "</td><td>" +
         Html(S(pay, "execution")) + "</td><td><code>" + Html(S(pay, "end_to_end_id")) +
         "</code></td></tr>";
  }
  m += "</tbody></table>";
  return Layout(p, T(p, "Batch ", "Batch ") + id, m);
}

std::string SignalsPage(const PageContext& p, const json& d) {
  const bool can_act = p.session.role == "coach" || p.session.role == "finance";
  std::vector<std::pair<std::string, std::string>> states, audiences, codes;
  for (const char* st : {"active", "open", "in_progress", "done", "all"}) {
    states.push_back({st, L(p, st)});
  }
  audiences = {
      {"", T(p, "Iedereen", "Everyone")}, {"coach", L(p, "coach")}, {"finance", L(p, "finance")}};
  codes.push_back({"", T(p, "Alle soorten", "Every kind")});
  for (const auto& [code, n] : d["counts"].items()) {
    codes.push_back({code, L(p, code) + " (" + std::to_string(n.get<int64_t>()) + ")"});
  }
  const auto selected = [](std::string select, const std::string& value) {
    const std::string at = "value=\"" + Html(value) + "\"";
    const size_t pos = select.find(at);
    if (pos != std::string::npos) select.insert(pos + at.size(), " selected");
    return select;
  };
  std::string m =
      "<form method=\"get\" action=\"/signals\" class=\"inline\" role=\"search\"><label "
      "for=\"f-state\">" +
      T(p, "Stand", "State") + "</label>" +
      selected(Select("f-state", "state", states), S(d, "state")) + "<label for=\"f-for\">" +
      T(p, "Voor", "For") + "</label>" + selected(Select("f-for", "for", audiences), S(d, "for")) +
      "<label for=\"f-code\">" + T(p, "Soort", "Kind") + "</label>" +
      selected(Select("f-code", "code", codes), S(d, "code")) + "<label for=\"f-client\">" +
      T(p, "Cliënt", "Client") +
      "</label><input id=\"f-client\" name=\"client\" size=\"9\" value=\"" + Html(S(d, "client")) +
      "\"><button type=\"submit\">" + T(p, "Filteren", "Filter") + "</button></form>";
  m += "<table><caption>" +
       (p.session.role == "coach" ? T(p, "Signalen van uw cliënten, nieuwste eerst",
                                      "Signals of your clients, newest first")
                                  : T(p, "Signalen van alle cliënten, nieuwste eerst",
                                      "Signals of all clients, newest first")) +
       "</caption><thead><tr><th scope=\"col\">" + T(p, "Wanneer", "When") +
       "</th><th scope=\"col\">" + T(p, "Cliënt", "Client") + "</th><th scope=\"col\">" +
       T(p, "Signaal", "Signal") + "</th><th scope=\"col\">" + T(p, "Bedrag", "Amount") +
       "</th><th scope=\"col\">" + T(p, "Toelichting", "Detail") + "</th><th scope=\"col\">" +
       T(p, "Stand", "State") + "</th></tr></thead><tbody>";
  const std::string back = "/signals?state=" + Html(S(d, "state"));
  for (const json& s : d["signals"]) {
    std::string state = L(p, S(s, "state"));
    if (!S(s, "state_by").empty()) {
      state += "<br><span class=\"muted\">" + Html(S(s, "state_by")) + " " +
               Html(S(s, "state_at")) + (S(s, "note").empty() ? "" : ": " + Html(S(s, "note"))) +
               "</span>";
    }
    if (can_act) state += SignalStateForm(p, s, back);
    m += "<tr><td>" + Html(S(s, "at")) + "</td><td><a href=\"/clients/" + Html(S(s, "client")) +
         "\">" + Html(S(s, "client")) + "</a></td><td>" + L(p, S(s, "code")) +
         (S(s, "bill").empty() ? "" : " <span class=\"muted\">" + Html(S(s, "bill")) + "</span>") +
         "</td><td class=\"num\">" + Euro(p, I(s, "amount_cents")) + "</td><td>" +
         Html(S(s, "detail")) + "</td><td>" + state + "</td></tr>";
  }
  m += "</tbody></table>";
  if (d["signals"].empty()) {
    m += "<p>" + T(p, "Niets te doen met dit filter.", "Nothing to do with this filter.") + "</p>";
  }
  return Layout(p,
                p.session.role == "coach" ? T(p, "Vandaag te doen", "To do today")
                                          : T(p, "Signalen", "Signals"),
                m);
}

std::string ReconciliationPage(const PageContext& p, const json& d) {
  std::string m = "<p>" +
                  T(p, "Cliënten met een verschil tussen grootboek en bank: ",
                    "Clients whose ledger differs from the bank: ") +
                  "<strong>" + S(d, "clients_with_difference") + "</strong>. " +
                  T(p, "Niet-herkende bankregels: ", "Unmatched bank lines: ") +
                  S(d, "unmatched_lines") + ".</p>";
  m += "<table><caption>" + T(p, "Per batch", "Per batch") +
       "</caption><thead><tr><th scope=\"col\">" + T(p, "Batch", "Batch") +
       "</th><th scope=\"col\">" + T(p, "Stand", "State") + "</th><th scope=\"col\">" +
       T(p, "Verstuurd", "Sent") + "</th><th scope=\"col\">" + T(p, "Geaccepteerd", "Accepted") +
       "</th><th scope=\"col\">" + T(p, "Geweigerd", "Rejected") + "</th><th scope=\"col\">" +
       T(p, "Teruggestort", "Returned") + "</th><th scope=\"col\">" +
       T(p, "Afgeschreven", "Booked") + "</th><th scope=\"col\">" + T(p, "Open", "Open") +
       "</th><th scope=\"col\">" + T(p, "Bedrag verstuurd", "Amount sent") +
       "</th></tr></thead><tbody>";
  for (const json& b : d["batches"]) {
    m += "<tr><th scope=\"row\"><a href=\"/batches/" + S(b, "batch") + "\">" + S(b, "batch") +
         "</a></th><td>" + L(p, S(b, "state")) + "</td><td class=\"num\">" + S(b, "sent") +
         "</td><td class=\"num\">" + S(b, "accepted") + "</td><td class=\"num\">" +
         S(b, "rejected") + "</td><td class=\"num\">" + S(b, "returned") +
         "</td><td class=\"num\">" + S(b, "booked") + "</td><td class=\"num\">" + S(b, "open") +
         "</td><td class=\"num\">" + Euro(p, I(b, "sent_cents")) + "</td></tr>";
  }
  m += "</tbody></table>";
  if (!d["differences"].empty()) {
    m += "<table><caption>" + T(p, "Verschillen per cliënt", "Differences per client") +
         "</caption><thead><tr><th scope=\"col\">" + T(p, "Cliënt", "Client") +
         "</th><th scope=\"col\">" + T(p, "Verschil", "Difference") + "</th></tr></thead><tbody>";
    for (const json& c : d["differences"]) {
      m += "<tr><td><a href=\"/clients/" + Html(S(c, "client")) + "\">" + Html(S(c, "client")) +
           "</a></td><td class=\"num\">" + Euro(p, I(c, "difference_cents")) + "</td></tr>";
    }
    m += "</tbody></table>";
  }
  return Layout(p, T(p, "Aansluiting met de bank", "Reconciliation with the bank"), m);
}

std::string UsersPage(const PageContext& p, const json& d) {
  std::string m = "<table><caption>" + T(p, "Gebruikers", "Users") +
                  "</caption><thead><tr><th scope=\"col\">" + T(p, "Naam", "Name") +
                  "</th><th scope=\"col\">" + T(p, "Rol", "Role") + "</th><th scope=\"col\">" +
                  T(p, "Caseload", "Caseload") + "</th><th scope=\"col\">" +
                  T(p, "Wachtwoord", "Password") + "</th></tr></thead><tbody>";
  for (const json& u : d["users"]) {
    const std::string name = S(u, "name");
    m += "<tr><th scope=\"row\">" + Html(name) + "<br><span class=\"muted\">" +
         Html(S(u, "full_name")) + "</span></th><td>" + Html(S(u, "role")) +
         "</td><td class=\"num\">" + S(u, "caseload") +
         "</td><td><form method=\"post\" action=\"/admin/users/" + Html(name) +
         "/password\" class=\"inline\">" + CsrfField(p) + "<label for=\"pw-" + Html(name) + "\">" +
         T(p, "Nieuw wachtwoord", "New password") + "</label><input id=\"pw-" + Html(name) +
         "\" name=\"password\" type=\"password\" minlength=\"12\" "
         "autocomplete=\"new-password\" required><button type=\"submit\">" +
         T(p, "Zetten", "Set") + "</button></form></td></tr>";
  }
  m += "</tbody></table>";
  m += "<h2>" + T(p, "Gebruiker toevoegen", "Add a user") +
       "</h2><form method=\"post\" action=\"/admin/users\" "
       "class=\"grid\">" +
       CsrfField(p) + "<label for=\"nu-name\">" + T(p, "Inlognaam", "Login name") +
       "</label><input id=\"nu-name\" name=\"name\" required><label for=\"nu-full\">" +
       T(p, "Volledige naam", "Full name") +
       "</label><input id=\"nu-full\" name=\"full_name\"><label "
       "for=\"nu-role\">" +
       T(p, "Rol", "Role") + "</label>" +
       Select("nu-role", "role",
              {{"coach", "coach"},
               {"finance", "finance"},
               {"admin", "admin"},
               {"auditor", "auditor"}}) +
       "<label for=\"nu-pw\">" +
       T(p, "Wachtwoord (minstens 12 tekens)", "Password (at least 12 characters)") +
       "</label><input id=\"nu-pw\" name=\"password\" type=\"password\" minlength=\"12\" "
       "autocomplete=\"new-password\" "
       "required><button type=\"submit\">" +
       T(p, "Toevoegen", "Add") + "</button></form>";
  m += "<h2>" + T(p, "Cliënt toewijzen aan coach", "Assign a client to a coach") +
       "</h2><form method=\"post\" action=\"/admin/caseload\" class=\"inline\">" + CsrfField(p) +
       "<label for=\"as-client\">" + T(p, "Cliëntnummer", "Client number") +
       "</label><input id=\"as-client\" name=\"client\" required><label for=\"as-coach\">" +
       T(p, "Coach (inlognaam)", "Coach (login name)") +
       "</label><input id=\"as-coach\" name=\"coach\" "
       "required><button type=\"submit\">" +
       T(p, "Toewijzen", "Assign") + "</button></form>";
  return Layout(p, T(p, "Gebruikers en caseloads", "Users and caseloads"), m);
}

std::string AccountPage(const PageContext& p, const json& d) {
  std::string m = "<p>" +
                  T(p,
                    "Kies zelf uw wachtwoord. Heeft een beheerder het voor u ingesteld, dan kunt u "
                    "pas batches goedkeuren als u het zelf hebt gewijzigd (vier ogen).",
                    "Choose your own password. If an administrator set it for you, you can "
                    "approve batches only after you have changed it yourself (four eyes).") +
                  "</p>";
  m += "<form method=\"post\" action=\"/account/password\" class=\"stack\">" + CsrfField(p) +
       "<input type=\"hidden\" name=\"user\" autocomplete=\"username\" value=\"" +
       Html(S(d, "user")) + "\"><label for=\"current_password\">" +
       T(p, "Huidig wachtwoord", "Current password") +
       "</label><input id=\"current_password\" name=\"current_password\" type=\"password\" "
       "autocomplete=\"current-password\" required><label for=\"new_password\">" +
       T(p, "Nieuw wachtwoord (minstens 12 tekens)", "New password (at least 12 characters)") +
       "</label><input id=\"new_password\" name=\"password\" type=\"password\" "
       "autocomplete=\"new-password\" minlength=\"12\" required><button type=\"submit\">" +
       T(p, "Wachtwoord opslaan", "Save password") + "</button></form>";
  return Layout(p, T(p, "Uw wachtwoord", "Your password"), m);
}

std::string AuditPage(const PageContext& p, const json& d) {
  std::string m;
  if (d["intact"].get<bool>()) {
    m +=
        "<p class=\"notice\">" + T(p, "Auditlog intact: ", "Audit log intact: ") + S(d, "rows") +
        T(p,
          " regels, SHA-256-keten klopt. Laatste hash: ", " rows, SHA-256 chain verified. Head: ") +
        "<code>" + Html(S(d, "head")) + "</code></p>";
  } else {
    m += "<div class=\"error\" role=\"alert\"><p>" +
         T(p, "Auditlog NIET intact:", "Audit log NOT intact:") + "</p><ul>";
    for (const json& problem : d["problems"])
      m += "<li>" + Html(problem.get<std::string>()) + "</li>";
    m += "</ul></div>";
  }
  m += "<table><caption>" +
       T(p, "Laatste 500 regels, nieuwste eerst", "Last 500 rows, newest first") +
       "</caption><thead><tr><th scope=\"col\">#</th><th scope=\"col\">" + T(p, "Wanneer", "When") +
       "</th><th scope=\"col\">" + T(p, "Wie", "Who") + "</th><th scope=\"col\">" +
       T(p, "Actie", "Action") + "</th><th scope=\"col\">" + T(p, "Onderwerp", "Subject") +
       "</th><th scope=\"col\">" + T(p, "Details", "Detail") + "</th></tr></thead><tbody>";
  for (const json& a : d["log"]) {
    m += "<tr><td class=\"num\">" + S(a, "seq") + "</td><td>" + Html(S(a, "at")) + "</td><td>" +
         Html(S(a, "user")) + "</td><td>" + Html(S(a, "action")) + "</td><td>" +
         Html(S(a, "subject")) + "</td><td>" + Html(S(a, "detail")) + "</td></tr>";
  }
  m += "</tbody></table>";
  return Layout(p, T(p, "Auditlog", "Audit log"), m);
}

const std::string& StyleSheet() {
  static const std::string kCss = R"CSS(
:root { --ink: #1a1a1a; --muted: #4d4d4d; --accent: #00508c; --line: #c8c8c8; --bg: #fff;
        --ok: #e6f2e6; --bad: #fbe9e9; --focus: #ffbf47; font-family: "Noto Sans", Arial, sans-serif; }
body { margin: 0; color: var(--ink); background: var(--bg); line-height: 1.5; font-size: 1rem; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: 1rem; background: var(--focus); padding: .5rem; }
header { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; padding: .75rem 1.5rem; background: var(--accent); color: #fff; }
header a, header .brand { color: #fff; } .brand { font-weight: 700; margin: 0; }
nav ul { display: flex; gap: 1rem; list-style: none; margin: 0; padding: 0; }
nav a[aria-current] { text-decoration-thickness: 3px; font-weight: 700; }
.logout { margin-left: auto; display: flex; gap: .5rem; align-items: center; }
main { padding: 1rem 1.5rem 3rem; max-width: 72rem; }
h1 { font-size: 1.75rem; } h2 { font-size: 1.35rem; margin-top: 2rem; } h3 { font-size: 1.1rem; }
a { color: var(--accent); } header a { color: #fff; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
table { border-collapse: collapse; margin: 1rem 0; width: 100%; }
caption { text-align: left; font-weight: 700; padding: .25rem 0; }
th, td { border-bottom: 1px solid var(--line); padding: .35rem .5rem; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.muted { color: var(--muted); font-size: .9rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
ul.plain { list-style: none; margin: 0; padding: 0; }
.notice { background: var(--ok); padding: .5rem .75rem; border-left: 4px solid #2e7d32; }
.error { background: var(--bad); padding: .5rem .75rem; border-left: 4px solid #b00020; }
form.inline, form.grid, form.stack { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: end; margin: 1rem 0; }
form.grid { align-items: start; }
form.stack { flex-direction: column; align-items: start; max-width: 24rem; }
form.grid fieldset { display: grid; grid-template-columns: max-content max-content; gap: .25rem 1rem; border: 1px solid var(--line); }
form.grid h3 { width: 100%; }
label { font-weight: 600; }
input, select, button { font: inherit; padding: .35rem .5rem; border: 1px solid var(--muted); border-radius: 3px; }
button { background: var(--accent); color: #fff; border-color: var(--accent); cursor: pointer; }
header button { background: #fff; color: var(--accent); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
dl.facts dt { font-weight: 600; } dl.facts dd { margin: 0; }
svg.chart { max-width: 40rem; border: 1px solid var(--line); }
svg.chart .booked { fill: var(--accent); } svg.chart .forecast { fill: #fff; stroke: var(--accent); stroke-width: 2; stroke-dasharray: 4 2; }
svg.chart .axis { stroke: var(--muted); } svg.chart .label { font-size: 11px; fill: var(--ink); }
.tag { white-space: nowrap; }
@media print { header, form { display: none; } }
)CSS";
  return kCss;
}

}  // namespace ontzorg::web
