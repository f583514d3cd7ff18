// The HTML pages of the web app: server-rendered, no JavaScript, Dutch with English beside it on
// request. Headings in order, every field labelled, tables with captions and header cells, a
// skip link, visible focus, contrast of at least 4.5:1 (in the spirit of NL Design System).
#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <sstream>

#include "adapters/web/web_internal.h"
#include "engine/text.h"

namespace ontzorg::web {

std::string DetailText(const PageContext& p, const json& j) {
  const std::string dutch = p.en ? "" : S(j, "detail_nl");
  return dutch.empty() ? S(j, "detail") : dutch;
}

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

std::string DutchDay(const std::string& iso) {
  const auto day = Date::Parse(iso.substr(0, 10));
  if (!day) return iso;
  if (iso.size() == 10) return FormatDutchDate(*day);
  if (iso.size() >= 16 && iso[10] == 'T') return FormatDutchDate(*day) + " " + iso.substr(11, 5);
  return iso;
}

std::string When(const PageContext& p, const std::string& iso) {
  return p.en ? iso : DutchDay(iso);
}

namespace {

struct Label {
  const char* nl;
  const char* en;
};
// Ledger entry kinds (engine/ledger.h) and direct-debit answers.
std::map<std::string, Label> RecordLabels() {
  return {
      {"benefit_received", {"Bijstand ontvangen", "Bijstand received"}},
      {"bill_paid", {"Rekening betaald", "Bill paid"}},
      {"allowance_paid", {"Leefgeld betaald", "Leefgeld paid"}},
      {"income_received", {"Inkomsten ontvangen", "Income received"}},
      {"credit_drawn", {"Lening opgenomen", "Credit drawn"}},
      {"credit_set_off", {"Lening verrekend", "Credit set off"}},
      {"credit_to_recover", {"Lening terug te vorderen", "Credit to recover"}},
      {"credit_recovered", {"Lening teruggevorderd", "Credit recovered"}},
      {"credit_written_off", {"Lening kwijtgescholden", "Credit written off"}},
      {"gift_granted", {"Bijzondere bijstand gegeven", "Special assistance granted"}},
      {"payment_rejected", {"Betaling geweigerd door de bank", "Payment rejected by the bank"}},
      {"payment_returned", {"Betaling teruggestort", "Payment returned"}},
      {"payment_cancelled", {"Betaling geannuleerd", "Payment cancelled"}},
      {"special_assistance_received",
       {"Bijzondere bijstand ontvangen (eenmalig)", "Special assistance received (one-off)"}},
      {"one_off_paid", {"Eenmalige betaling", "One-off payment"}},
      {"none", {"Er was geen incasso", "There was no direct debit"}},
      {"override", {"Toch betalen (met reden)", "Pay anyway (with a reason)"}},
      // What a form saved (the notice after its redirect).
      {"checkpoint", {"checkpoint", "checkpoint"}},
      {"role", {"de rol waarin u werkt", "the role you act in"}},
      {"handover", {"overdracht", "hand-over"}},
      {"bill_change", {"wijziging van de rekening", "bill change"}},
      {"client_change", {"wijziging van de gegevens", "change of the details"}},
      {"plan_change", {"wijziging van het plan", "plan change"}},
      {"creditor_change", {"wijziging van de schuldeiser", "creditor change"}},
      {"direct_debit", {"incasso van de cliënt", "the client's direct debit"}},
      {"receipt", {"ontvangst", "receipt"}},
      {"toeslag", {"toeslag", "toeslag"}},
      {"benefit", {"bijstand", "bijstand"}},
      {"bank_name", {"naam voor de bank", "name for the bank"}},
      {"write_off_request", {"verzoek tot kwijtschelding", "write-off request"}},
      {"write_off_approved", {"kwijtschelding goedgekeurd", "write-off approved"}},
      {"write_off_rejected", {"kwijtschelding afgewezen", "write-off rejected"}},
      {"account_corrected", {"rekening gecorrigeerd", "account corrected"}},
      {"reissued",
       {"opnieuw klaargezet; een tweede persoon keurt goed",
        "re-issue prepared; a second person approves it"}},
      {"released",
       {"vastgehouden rekeningen klaargezet; een tweede persoon keurt goed",
        "held bills prepared; a second person approves them"}},
      {"nothing_to_prepare", {"niets klaar te zetten", "nothing to prepare"}},
      {"one_off_recorded",
       {"eenmalige betaling klaargezet; een tweede persoon keurt goed",
        "one-off payment prepared; a second person approves it"}},
      {"line_assigned",
       {"bankregel toegewezen (de volgende run boekt hem)",
        "bank line assigned (the next run books it)"}},
      {"line_parked", {"bankregel geparkeerd", "bank line parked"}},
  };
}

// A client's household and plan, in words.
std::map<std::string, Label> ClientLabels() {
  return {
      {"single", {"Alleenstaand", "Single"}},
      {"couple", {"Samenwonend of gehuwd", "Couple"}},
      {"family", {"Gezin met kinderen", "Family with children"}},
      {"statutory", {"Wettelijk (zes maanden)", "Statutory (six months)"}},
      {"maatwerk", {"Maatwerk", "Tailored (maatwerk)"}},
  };
}

// What the bank-line matching made of a line a person must look at (engine LineKind).
std::map<std::string, Label> BankLineLabels() {
  return {
      {"unmatched", {"Niet herkend", "Not recognised"}},
      {"duplicate", {"Mogelijk dubbel", "Possibly a duplicate"}},
      {"conflict", {"Tegenstrijdig met wat wij weten", "In conflict with our records"}},
  };
}

const std::map<std::string, Label>& Labels() {
  static const std::map<std::string, Label> kLabels = [] {
    std::map<std::string, Label> all = RecordLabels();
    all.merge(ClientLabels());
    all.merge(BankLineLabels());
    all.merge(std::map<std::string, Label>{
        {"rent", {"Huur", "Rent"}},
        {"energy", {"Energie", "Energy"}},
        {"water", {"Water", "Water"}},
        {"health_insurance", {"Zorgverzekering", "Health insurance"}},
        {"leefgeld", {"Leefgeld", "Living allowance"}},
        {"one_off", {"Eenmalige betaling", "One-off payment"}},
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
        {"exported", {"Bestand aangemaakt", "File written"}},
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
        {"credit_outstanding_at_end",
         {"Lening open aan het einde", "Credit outstanding at the end"}},
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
    });
    return all;
  }();
  return kLabels;
}
std::string L(const PageContext& p, const std::string& key) { return Html(LabelText(p, key)); }

std::string Notice(const PageContext& p) {
  if (p.notice.empty()) return "";
  return "<p class=\"notice\" role=\"status\">" + T(p, "Opgeslagen", "Saved") + ": " +
         L(p, p.notice) + "</p>";
}

}  // namespace

std::string LabelText(const PageContext& p, const std::string& key) {
  const auto it = Labels().find(key);
  if (it == Labels().end()) return key;
  return p.en ? it->second.en : it->second.nl;
}

std::string Euro(const PageContext& p, int64_t cents) {
  // A no-break space after the sign: an amount never wraps in a table cell.
  EuroStyle style = p.en ? EuroStyle::English() : EuroStyle::Dutch();
  style.symbol = "€\u00a0";
  return FormatEuros(Money::FromCents(cents), style);
}

std::string CsrfField(const PageContext& p) {
  return "<input type=\"hidden\" name=\"csrf\" value=\"" + Html(p.session.csrf) + "\">";
}

std::string Layout(const PageContext& p, const std::string& title, const std::string& main) {
  std::string nav;
  // A login half done (a session stage) has no navigation: it can only finish or stop.
  const std::string role = p.session.stage.empty() ? p.session.role : "";
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
  if (role == "admin" || role == "auditor") {
    link("/admin/municipalities", T(p, "Gemeenten", "Municipalities"));
  }
  if (role == "auditor" || role == "admin") {
    link("/audit", T(p, "Auditlog", "Audit log"));
    link("/access", T(p, "Inzagelog", "Access log"));
  }
  std::string who;
  if (p.session.roles.size() > 1 && p.session.stage.empty()) {  // a role in each municipality
    who += "<form method=\"post\" action=\"/account/role\" class=\"logout\">" + CsrfField(p) +
           "<label for=\"acting-role\">" + T(p, "Werken als", "Acting as") +
           "</label> <select id=\"acting-role\" name=\"role\">";
    for (const std::string& r : p.session.roles) {
      who += "<option value=\"" + Html(r) + "\"" + (r == p.session.role ? " selected" : "") + ">" +
             Html(r) + "</option>";
    }
    who += "</select> <button type=\"submit\">" + T(p, "Wisselen", "Switch") + "</button></form>";
  }
  if (!p.session.user.empty() && !p.session.stage.empty()) {  // a login half done: out only
    who = "<form method=\"post\" action=\"/logout\" class=\"logout\">" + CsrfField(p) +
          "<button type=\"submit\">" + T(p, "Stoppen", "Cancel") + "</button></form>";
  } else if (!p.session.user.empty()) {
    who += "<form method=\"post\" action=\"/logout\" class=\"logout\">" + CsrfField(p) + "<span>" +
           Html(p.session.full_name.empty() ? p.session.user : p.session.full_name) + " (" +
           Html(p.session.role) + ")</span> <a href=\"/account/password\">" +
           T(p, "Wachtwoord", "Password") + "</a> <button type=\"submit\">" +
           T(p, "Uitloggen", "Log out") + "</button></form>";
  }
  const std::string other = p.en ? "nl" : "en";
  const std::string municipality = !p.municipality.empty() ? p.municipality
                                   : p.config              ? p.config->municipality_name
                                                           : "";
  return "<!doctype html>\n<html lang=\"" + std::string(p.en ? "en" : "nl") +
         "\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, "
         "initial-scale=1\"><title>" +
         Html(title) +
         " - Ontzorg</title><link rel=\"stylesheet\" "
         "href=\"/static/app.css\"></head><body><a class=\"skip\" href=\"#main\">" +
         T(p, "Naar de inhoud", "Skip to content") + "</a><header><p class=\"brand\">Ontzorg · " +
         Html(municipality) + "</p><nav aria-label=\"" + T(p, "Hoofdmenu", "Main menu") +
         "\"><ul>" + nav + "</ul></nav>" + who + "<a class=\"lang\" lang=\"" + other +
         "\" href=\"" + Html(p.path) + (p.keep.empty() ? "?" : "?" + Html(p.keep) + "&amp;") +
         "lang=" + other + "\">" + (p.en ? "Nederlands" : "English") +
         "</a></header><main id=\"main\"><h1>" + Html(title) + "</h1>" + Notice(p) +
         (p.sheet.empty()
              ? ""
              : "<p class=\"download\"><a href=\"" + Html(p.sheet) + "\" download>" +
                    T(p, "Download als CSV (opent in Excel)", "Download as CSV (opens in Excel)") +
                    "</a></p>") +
         main + "</main></body></html>\n";
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

// A labelled text input of a change form: id `prefix` + name, the label's `for` pointing at it.
std::string LabeledInput(const std::string& prefix, const std::string& name,
                         const std::string& label, const std::string& attrs) {
  return "<label for=\"" + prefix + name + "\">" + label + "</label><input id=\"" + prefix + name +
         "\" name=\"" + name + "\" " + attrs + ">";
}

// Defined with the other forms below; used by the bills tab's changes section.
std::string CreditorChangeForm(const PageContext& p, const json& d, const std::string& id);
std::string OneOffForm(const PageContext& p, const json& d, const std::string& id);

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

// The client page by tab (issue 16): the money at the top, then one section at a time.
struct ClientTab {
  const char* key;
  Label label;
};
const std::vector<ClientTab>& ClientTabs() {
  static const std::vector<ClientTab> kTabs = {
      {"month", {"Deze maand", "This month"}},
      {"bills", {"Rekeningen en wijzigingen", "Bills and changes"}},
      {"credit", {"Toeslagen en lening", "Allowances and credit"}},
      {"learning", {"Leervoortgang", "Learning"}},
      {"ledger", {"Grootboek", "Ledger"}},
      {"details", {"Gegevens", "Details"}},
  };
  return kTabs;
}

// A ledger account in words: "client:C000060" is the client's money, "loan:..." the loan.
std::string AccountWords(const PageContext& p, const std::string& account) {
  static const std::vector<std::pair<std::string, Label>> kPrefixes = {
      {"client:", {"Geld van de cliënt", "Client's money"}},
      {"loan:", {"Lening (overbrugging)", "Loan (bridging)"}},
      {"recovery:", {"Terug te vorderen", "To recover"}},
      {"grant:", {"Bijzondere bijstand (gift)", "Special assistance (gift)"}},
      {"bank:managed", {"Beheerrekening", "Managed account"}},
      {"municipality:bridging", {"Gemeente: overbrugging", "Municipality: bridging"}},
      {"municipality:special_assistance",
       {"Gemeente: bijzondere bijstand", "Municipality: special assistance"}},
  };
  for (const auto& [prefix, label] : kPrefixes) {
    if (account.rfind(prefix, 0) == 0) return Html(p.en ? label.en : label.nl);
  }
  return Html(account);
}

std::string TabNav(const PageContext& p, const std::string& id, const std::string& tab) {
  std::string m = "<nav class=\"tabs\" aria-label=\"" + T(p, "Onderdelen", "Sections") + "\"><ul>";
  for (const ClientTab& t : ClientTabs()) {
    m += "<li><a href=\"/clients/" + Html(id) + "?tab=" + t.key + "\"" +
         (tab == t.key ? " aria-current=\"page\"" : "") + ">" + (p.en ? t.label.en : t.label.nl) +
         "</a></li>";
  }
  return m + "</ul></nav>";
}

// An area ("overview") or a skill of a bill ("water.reserves_settlement") in words: "Water:
// geld opzij zetten voor de jaarafrekening". The key itself when the texts do not name it.
std::string SubjectWords(const PageContext& p, const json& d, const std::string& subject) {
  const json& words = d.contains("words") ? d["words"] : json::object();
  const auto word = [&](const std::string& key) {
    return words.contains(key) && words[key].is_string() ? Html(words[key].get<std::string>())
                                                         : Html(key);
  };
  const size_t dot = subject.find('.');
  if (dot == std::string::npos) return word(subject);
  return L(p, subject.substr(0, dot)) + ": " + word(subject.substr(dot + 1));
}

// Saldo, reserved money, credit and where the client stands: always at the top.
std::string MoneyStrip(const PageContext& p, const json& d) {
  std::string m = "<dl class=\"strip\"><div><dt>" + T(p, "Saldo", "Balance") + "</dt><dd>" +
                  Euro(p, I(d, "balance_cents")) + "</dd></div><div><dt>" +
                  T(p, "Gereserveerd (vastgehouden of mislukt)", "Reserved (held or failed)") +
                  "</dt><dd>" + Euro(p, I(d, "reserved_cents")) + "</dd></div><div><dt>" +
                  T(p, "Lening open", "Credit outstanding") + "</dt><dd>" +
                  Euro(p, I(d, "credit_outstanding_cents")) + "</dd></div>";
  if (d.value("in_relief", false)) {
    m += "<div><dt>" + T(p, "Ontzorgen", "Relief") + "</dt><dd>" + T(p, "maand ", "month ") +
         std::to_string(I(d, "relief_month")) + T(p, " van ", " of ") +
         std::to_string(I(d, "relief_months")) + "</dd></div><div><dt>" + T(p, "Fase", "Stage") +
         "</dt><dd>" + L(p, S(d, "stage")) + " (" + std::to_string(I(d, "progress_percent")) +
         "%)</dd></div><div><dt>" + T(p, "Volgende stap", "Next step") + "</dt><dd>" +
         L(p, S(d, "next_step")) + " " + SubjectWords(p, d, S(d, "next_subject")) + "</dd></div>";
  }
  return m + "</dl>";
}

std::vector<std::pair<std::string, std::string>> BillOptions(const PageContext& p, const json& d,
                                                             bool with_amount) {
  std::vector<std::pair<std::string, std::string>> bills;
  for (const json& b : d["plan_bills"]) {
    std::string text = L(p, S(b, "kind")) + " (" + Html(S(b, "bill"));
    if (with_amount) {
      text += ", " + Euro(p, I(b, "amount_cents")) + T(p, ", dag ", ", day ") +
              std::to_string(I(b, "due_day"));
    }
    bills.push_back({S(b, "bill"), text + ")"});
  }
  return bills;
}

std::vector<std::pair<std::string, std::string>> Options(const PageContext& p,
                                                         std::initializer_list<const char*> keys) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const char* k : keys) out.push_back({k, L(p, k)});
  return out;
}

std::string MonthTab(const PageContext& p, const json& d, const std::string& id) {
  std::string m;
  m += "<section aria-labelledby=\"h-signals\"><h2 id=\"h-signals\">" +
       T(p, "Signalen", "Signals") + "</h2>";
  if (d["signal_list"].empty()) {
    m += "<p>" + T(p, "Niets open.", "Nothing open.") + "</p>";
  } else {
    m += "<ul>";
    for (const json& s : d["signal_list"]) {
      m += "<li><strong>" + L(p, S(s, "code")) + "</strong> " + Html(When(p, S(s, "at"))) + ": " +
           Html(DetailText(p, s)) + " <span class=\"tag\">" + L(p, S(s, "state")) + "</span>" +
           (p.session.role == "coach" || p.session.role == "finance"
                ? SignalStateForm(p, s, "/clients/" + id)
                : "") +
           "</li>";
    }
    m += "</ul>";
  }
  m += "</section>";
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
         Euro(p, I(pay, "amount_cents")) + "</td><td>" + Html(When(p, S(pay, "execution"))) +
         "</td><td>" + (S(pay, "bank_state").empty() ? "" : L(p, S(pay, "bank_state"))) +
         "</td></tr>";
  }
  m += "</tbody></table>";
  if (p.session.role == "finance") m += OneOffForm(p, d, id);
  m += "</section>";

  m += "<p><a href=\"/clients/" + Html(id) + "/statement\">" +
       T(p, "Voorbeeld van het volgende geldoverzicht (in de taal van de cliënt)",
         "Preview of the next client statement (in the client's language)") +
       "</a> · <a href=\"/clients/" + Html(id) + "/statement.pdf?month=" + Html(S(d, "month")) +
       "\">" +
       T(p, "Geldoverzicht van deze maand als PDF (om te printen of te mailen)",
         "This month's statement as a PDF (to print or send)") +
       "</a></p>";
  return m;
}

std::string DirectDebitForm(const PageContext& p, const json& d, const std::string& id) {
  return "<details><summary>" +
         T(p, "Automatische incasso van de cliënt bevestigen (vastgehouden rekening)",
           "Confirm the client's own direct debit (held bill)") +
         "</summary><form method=\"post\" class=\"grid\" id=\"direct-debit\" action=\"/clients/" +
         Html(id) + "/direct-debits\">" + CsrfField(p) + "<label for=\"dd-bill\">" +
         T(p, "Rekening", "Bill") + "</label>" +
         Select("dd-bill", "bill", BillOptions(p, d, false)) + "<label for=\"dd-status\">" +
         T(p, "Wat is er met de incasso", "What about the debit") + "</label>" +
         Select("dd-status", "status", Options(p, {"cancelled", "none", "override"})) +
         "<label for=\"dd-on\">" +
         T(p, "Datum (JJJJ-MM-DD, leeg: vandaag)", "Date (YYYY-MM-DD, empty: today)") +
         "</label><input id=\"dd-on\" name=\"on\" pattern=\"[0-9]{4}-[0-9]{2}-[0-9]{2}\">"
         "<label for=\"dd-by\">" +
         T(p, "Bevestigd door (bijv. brief van de bank)", "Confirmed by (e.g. the bank's letter)") +
         "</label><input id=\"dd-by\" name=\"confirmed_by\" required><label for=\"dd-note\">" +
         T(p, "Reden (verplicht bij toch betalen)", "Reason (required to pay anyway)") +
         "</label><input id=\"dd-note\" name=\"note\"><button type=\"submit\">" +
         T(p, "Incasso vastleggen", "Record the direct debit") + "</button></form></details>";
}

std::string HandOverSection(const PageContext& p, const json& d, const std::string& id) {
  const bool coach = p.session.role == "coach";
  std::string m;
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
    const auto bills = BillOptions(p, d, false);
    const auto states = Options(p, {"paid_for_client", "practising", "safety_net", "client_alone"});
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

  return m;
}

std::string ChangesSection(const PageContext& p, const json& d, const std::string& id) {
  const bool coach = p.session.role == "coach";
  std::string m;
  // Changes over time (issue 16): the form for a bill change and every change so far.
  m += "<section aria-labelledby=\"h-changes\"><h2 id=\"h-changes\">" +
       T(p, "Wijzigingen", "Changes") + "</h2>";
  if ((coach || p.session.role == "finance") && !d["plan_bills"].empty()) {
    const auto bills = BillOptions(p, d, true);
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
  if (p.session.role == "finance" && d.contains("creditors") && !d["creditors"].empty()) {
    m += CreditorChangeForm(p, d, id);
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
           Html(S(c, "valid_from")) + "</td><td>" + Html(S(c, "by")) + " " +
           Html(When(p, S(c, "at"))) + "</td><td>" + Html(S(c, "reason")) + "</td></tr>";
    }
    m += "</tbody></table>";
  }
  m += "</section>";

  return m;
}

// The bijstand of a month: recorded, or corrected for a month not yet paid (with the reason).
std::string BenefitForm(const PageContext& p, const std::string& id) {
  return "<details><summary>" +
         T(p, "Bijstand van een maand vastleggen of corrigeren",
           "Record or correct the bijstand of a month") +
         "</summary><form method=\"post\" class=\"grid\" id=\"benefit\" action=\"/clients/" +
         Html(id) + "/benefits\">" + CsrfField(p) + "<label for=\"bf-month\">" +
         T(p, "Maand (JJJJ-MM)", "Month (YYYY-MM)") +
         "</label><input id=\"bf-month\" name=\"month\" required "
         "pattern=\"[0-9]{4}-[0-9]{2}\"><label for=\"bf-amount\">" +
         T(p, "Bedrag bijstand", "Bijstand amount") +
         "</label><input id=\"bf-amount\" name=\"amount\" required inputmode=\"decimal\" "
         "pattern=\"[0-9]+([.][0-9]{1,2})?\"><label for=\"bf-reason\">" +
         T(p, "Waarom (bij een correctie, bijv. nieuw besluit)",
           "Why (for a correction, e.g. a new decision)") +
         "</label><input id=\"bf-reason\" name=\"change_reason\"><button type=\"submit\">" +
         T(p, "Bijstand vastleggen", "Record the bijstand") + "</button></form></details>";
}

std::string BillsTab(const PageContext& p, const json& d, const std::string& id) {
  std::string m = HandOverSection(p, d, id);
  const bool may = p.session.role == "coach" || p.session.role == "finance";
  if (may && !d["plan_bills"].empty()) m += DirectDebitForm(p, d, id);
  if (may) m += BenefitForm(p, id);
  return m + ChangesSection(p, d, id);
}

std::string ToeslagForms(const PageContext& p, const std::string& id) {
  const auto kinds = Options(p, {"rent_allowance", "care_allowance", "child_budget"});
  const std::string month_pattern = "pattern=\"[0-9]{4}-[0-9]{2}\"";
  const std::string day_pattern = "pattern=\"[0-9]{4}-[0-9]{2}-[0-9]{2}\"";
  const std::string amount_pattern = "inputmode=\"decimal\" pattern=\"[0-9]+([.][0-9]{1,2})?\"";
  std::string m =
      "<details><summary>" +
      T(p, "Toeslag verwachten of verwachting corrigeren (proefberekening, beschikking)",
        "Expect a toeslag or correct the estimate (trial calculation, decision)") +
      "</summary><form method=\"post\" class=\"grid\" id=\"toeslag\" action=\"/clients/" +
      Html(id) + "/toeslagen\">" + CsrfField(p) + "<label for=\"ts-kind\">" +
      T(p, "Soort", "Kind") + "</label>" + Select("ts-kind", "kind", kinds) +
      "<label for=\"ts-monthly\">" + T(p, "Per maand", "Monthly") +
      "</label><input id=\"ts-monthly\" name=\"monthly_amount\" " + amount_pattern +
      "><label for=\"ts-applied\">" +
      T(p, "Aangevraagd op (JJJJ-MM-DD)", "Applied on (YYYY-MM-DD)") +
      "</label><input id=\"ts-applied\" name=\"applied_on\" " + day_pattern +
      "><label for=\"ts-right\">" +
      T(p, "Recht vanaf maand (JJJJ-MM)", "Right from month (YYYY-MM)") +
      "</label><input id=\"ts-right\" name=\"right_from\" " + month_pattern +
      "><label for=\"ts-to\">" + T(p, "Betaald op", "Paid to") + "</label>" +
      Select("ts-to", "paid_to", Options(p, {"managed", "own"})) + "<label for=\"ts-from\">" +
      T(p, "Correctie geldt vanaf maand (JJJJ-MM; alleen bij een correctie)",
        "Correction holds from month (YYYY-MM; a correction only)") +
      "</label><input id=\"ts-from\" name=\"valid_from\" " + month_pattern +
      "><label for=\"ts-reason\">" + T(p, "Waarom (bij een correctie)", "Why (for a correction)") +
      "</label><input id=\"ts-reason\" name=\"change_reason\"><button type=\"submit\">" +
      T(p, "Toeslag vastleggen", "Record the toeslag") + "</button></form></details>";
  m +=
      "<details><summary>" +
      T(p, "Ontvangst vastleggen (toeslag, teruggave)", "Record money received (toeslag, refund)") +
      "</summary><form method=\"post\" class=\"grid\" id=\"receipt\" action=\"/clients/" +
      Html(id) + "/receipts\">" + CsrfField(p) + "<label for=\"rc-kind\">" + T(p, "Soort", "Kind") +
      "</label>" +
      Select("rc-kind", "kind",
             Options(p, {"rent_allowance", "care_allowance", "child_budget", "holiday_allowance",
                         "energy_refund", "creditor_refund"})) +
      "<label for=\"rc-amount\">" + T(p, "Bedrag", "Amount") +
      "</label><input id=\"rc-amount\" name=\"amount\" required " + amount_pattern +
      "><label for=\"rc-on\">" + T(p, "Ontvangen op (JJJJ-MM-DD)", "Received on (YYYY-MM-DD)") +
      "</label><input id=\"rc-on\" name=\"received_on\" required " + day_pattern +
      "><label for=\"rc-from\">" +
      T(p, "Voor de maanden vanaf (JJJJ-MM, bij een toeslag)",
        "For months from (YYYY-MM, a toeslag)") +
      "</label><input id=\"rc-from\" name=\"covers_from\" " + month_pattern +
      "><label for=\"rc-to\">" + T(p, "tot en met (JJJJ-MM)", "up to and including (YYYY-MM)") +
      "</label><input id=\"rc-to\" name=\"covers_to\" " + month_pattern +
      "><label for=\"rc-landed\">" + T(p, "Binnengekomen op", "Landed on") + "</label>" +
      Select("rc-landed", "landed_on", Options(p, {"managed", "own"})) +
      "<button type=\"submit\">" + T(p, "Ontvangst vastleggen", "Record the receipt") +
      "</button></form></details>";
  return m;
}

// A table's opening: caption and header cells, then the body the caller fills.
std::string TableStart(const std::string& caption, const std::vector<std::string>& headers) {
  std::string m = "<table><caption>" + caption + "</caption><thead><tr>";
  for (const std::string& h : headers) m += "<th scope=\"col\">" + h + "</th>";
  return m + "</tr></thead><tbody>";
}

// Write-offs asked for and decided (issue 16): a coach asks, finance (another person) decides.
std::string WriteOffDecisionForm(const PageContext& p, const json& q, const std::string& id) {
  const std::string n = std::to_string(I(q, "id"));
  return "<form method=\"post\" class=\"inline\" action=\"/clients/" + Html(id) +
         "/write-off-requests/" + n + "/decision\">" + CsrfField(p) + "<label for=\"wo-note-" + n +
         "\">" + T(p, "Toelichting (verplicht bij afwijzen)", "Note (required to reject)") +
         "</label><input id=\"wo-note-" + n + "\" name=\"note\"><button type=\"submit\" " +
         "name=\"decision\" value=\"approve\">" + T(p, "Goedkeuren", "Approve") +
         "</button><button type=\"submit\" name=\"decision\" value=\"reject\">" +
         T(p, "Afwijzen", "Reject") + "</button></form>";
}

std::string WriteOffSection(const PageContext& p, const json& d, const std::string& id) {
  std::string m = "<section aria-labelledby=\"h-writeoff\"><h2 id=\"h-writeoff\">" +
                  T(p, "Kwijtschelding", "Write-off") + "</h2>";
  const json requests = d.contains("write_off_requests") ? d["write_off_requests"] : json::array();
  if (requests.empty()) {
    m += "<p>" + T(p, "Geen verzoeken.", "No requests.") + "</p>";
  } else {
    m += TableStart(T(p, "Verzoeken, nieuwste eerst", "Requests, newest first"),
                    {T(p, "Gevraagd", "Asked"), T(p, "Bedrag", "Amount"), T(p, "Reden", "Reason"),
                     T(p, "Besluit", "Decision")});
    for (const json& q : requests) {
      std::string decision;
      if (S(q, "decision").empty()) {
        decision = T(p, "wacht op financiën", "waiting for finance");
        if (p.session.role == "finance" && S(q, "requested_by") != p.session.user) {
          decision += WriteOffDecisionForm(p, q, id);
        }
      } else {
        decision = L(p, S(q, "decision")) + " " + T(p, "door ", "by ") + Html(S(q, "decided_by")) +
                   " " + Html(S(q, "decided_at")) +
                   (S(q, "note").empty() ? "" : ": " + Html(S(q, "note")));
      }
      m += "<tr><td>" + Html(S(q, "requested_by")) + " " + Html(S(q, "requested_at")) +
           "</td><td class=\"num\">" + Euro(p, I(q, "amount_cents")) + "</td><td>" +
           Html(S(q, "reason")) + "</td><td>" + decision + "</td></tr>";
    }
    m += "</tbody></table>";
  }
  if (p.session.role == "coach" || p.session.role == "finance") {
    m += "<details><summary>" +
         T(p, "Kwijtschelding van de lening aanvragen (financiën beslist)",
           "Ask for a write-off of the credit (finance decides)") +
         "</summary><form method=\"post\" class=\"grid\" id=\"write-off\" action=\"/clients/" +
         Html(id) + "/write-off-requests\">" + CsrfField(p) + "<label for=\"wo-amount\">" +
         T(p, "Bedrag", "Amount") +
         "</label><input id=\"wo-amount\" name=\"amount\" required inputmode=\"decimal\" "
         "pattern=\"[0-9]+([.][0-9]{1,2})?\"><label for=\"wo-reason\">" +
         T(p, "Waarom (bijv. schuldhulpverlening, vertrek)", "Why (e.g. debt counselling, moved)") +
         "</label><input id=\"wo-reason\" name=\"reason\" required><button type=\"submit\">" +
         T(p, "Kwijtschelding aanvragen", "Ask for the write-off") + "</button></form></details>";
  }
  return m + "</section>";
}

std::string CreditTab(const PageContext& p, const json& d, const std::string& id) {
  std::string m;
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

  m += "<section aria-labelledby=\"h-receipts\"><h2 id=\"h-receipts\">" +
       T(p, "Ontvangen", "Received") + "</h2>";
  if (d["receipts"].empty()) {
    m += "<p>" + T(p, "Nog niets ontvangen.", "Nothing received yet.") + "</p>";
  } else {
    m += TableStart(T(p, "Ontvangsten", "Receipts"),
                    {T(p, "Datum", "Date"), T(p, "Soort", "Kind"), T(p, "Bedrag", "Amount"),
                     T(p, "Op", "On"), T(p, "Verwerkt in", "Processed in")});
    for (const json& r : d["receipts"]) {
      m += "<tr><td>" + Html(S(r, "received_on")) + "</td><td>" + L(p, S(r, "kind")) +
           "</td><td class=\"num\">" + Euro(p, I(r, "amount_cents")) + "</td><td>" +
           L(p, S(r, "landed_on")) + "</td><td>" + Html(S(r, "processed_in")) + "</td></tr>";
    }
    m += "</tbody></table>";
  }
  if (p.session.role == "coach" || p.session.role == "finance") m += ToeslagForms(p, id);
  m += "</section>" + WriteOffSection(p, d, id);
  return m;
}

std::string LearningTab(const PageContext& p, const json& d, const std::string& id) {
  const bool coach = p.session.role == "coach";
  std::string m;
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
        levels += (shown++ ? ", " : "") + SubjectWords(p, d, k) + "&nbsp;" + v.dump();
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
      m += "<label for=\"lv-" + Html(area) + "\">" + SubjectWords(p, d, area) + "</label>" +
           Select("lv-" + area, "level." + area, levels);
    }
    m += "</fieldset><fieldset><legend>" + T(p, "Vaardigheden per rekening", "Skills per bill") +
         "</legend>";
    for (const json& s : d["model"]["skills"]) {
      const std::string skill = s.get<std::string>();
      std::string fid = "lv-" + skill;
      std::replace(fid.begin(), fid.end(), '.', '-');
      m += "<label for=\"" + Html(fid) + "\">" + SubjectWords(p, d, skill) + "</label>" +
           Select(fid, "level." + skill, levels);
    }
    m += "</fieldset><label for=\"cp-note\">" + T(p, "Notitie", "Note") +
         "</label><input id=\"cp-note\" name=\"note\"><button type=\"submit\">" +
         T(p, "Checkpoint opslaan", "Save checkpoint") + "</button></form>";
  }
  m += "</section>";

  return m;
}

std::string LedgerTab(const PageContext& p, const json& d) {
  std::string m;
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
      m += "<tr><td>" + Html(When(p, S(e, "booked_on"))) + "</td><td>" + L(p, S(e, "kind")) +
           "</td><td>" + AccountWords(p, S(e, "debit")) + "</td><td>" +
           AccountWords(p, S(e, "credit")) + "</td><td class=\"num\">" +
           Euro(p, I(e, "amount_cents")) + "</td></tr>";
    }
    m += "</tbody></table>";
  }
  m += "</section>";
  return m;
}

// Finance's form for a creditor of the client's bills from a month on: the landlord's new
// account (every client paid to it follows).
// A one-off payment (a deposit, bijzondere bijstand): a batch of its own, approved by a second
// person (issue 17).
std::string OneOffForm(const PageContext& p, const json& d, const std::string& id) {
  std::vector<std::pair<std::string, std::string>> payees = {
      {"", T(p, "De cliënt zelf (eigen rekening ", "The client (own account ") +
               Html(S(d["record"], "iban")) + ")"}};
  if (d.contains("creditors")) {
    for (const json& c : d["creditors"]) {
      payees.push_back({S(c, "creditor"), Html(S(c, "name")) + " (" + Html(S(c, "iban")) + ")"});
    }
  }
  const auto input = [](const char* name, const std::string& label, const std::string& attrs) {
    return LabeledInput("oo-", name, label, attrs);
  };
  return "<details><summary>" +
         T(p, "Eenmalige betaling klaarzetten (borg, bijzondere bijstand)",
           "Prepare a one-off payment (deposit, special assistance)") +
         "</summary><form method=\"post\" class=\"grid\" id=\"one-off\" action=\"/clients/" +
         Html(id) + "/one-offs\">" + CsrfField(p) +
         input(
             "decision",
             T(p, "Beschikkingsnummer (één keer te gebruiken)", "Decision number (used once only)"),
             "required maxlength=\"20\" pattern=\"[A-Za-z0-9-]+\"") +
         "<label for=\"oo-creditor\">" + T(p, "Aan", "To") + "</label>" +
         Select("oo-creditor", "creditor", payees) +
         input("amount", T(p, "Bedrag (bijv. 1.250,00)", "Amount (e.g. 1,250.00 as 1250.00)"),
               "required inputmode=\"decimal\"") +
         "<label for=\"oo-funding\">" + T(p, "Wie betaalt", "Who pays") + "</label>" +
         Select("oo-funding", "funding",
                {{"special_assistance", T(p, "De gemeente: bijzondere bijstand (niet terugbetalen)",
                                          "The municipality: special assistance (not repaid)")},
                 {"client_funds", T(p, "De cliënt: van het saldo op de beheerrekening",
                                    "The client: from the balance on the managed account")}}) +
         input("description",
               T(p, "Omschrijving voor de ontvanger (max. 140 tekens)",
                 "Description for the payee (at most 140 characters)"),
               "required maxlength=\"140\"") +
         input("due", T(p, "Uiterlijk op de rekening op", "On the payee's account by"),
               "type=\"date\" required") +
         "<p>" +
         T(p, "Komt in een eigen batch; een tweede persoon keurt die goed.",
           "Goes into a batch of its own; a second person approves it.") +
         "</p><button type=\"submit\">" + T(p, "Klaarzetten", "Prepare") +
         "</button></form></details>";
}

std::string CreditorChangeForm(const PageContext& p, const json& d, const std::string& id) {
  std::vector<std::pair<std::string, std::string>> creditors;
  for (const json& c : d["creditors"]) {
    creditors.push_back({S(c, "creditor"), Html(S(c, "name")) + " (" + Html(S(c, "iban")) + ")"});
  }
  const auto input = [](const char* name, const std::string& label, const std::string& attrs) {
    return LabeledInput("cr-", name, label, attrs);
  };
  return "<details><summary>" +
         T(p, "Schuldeiser wijzigen vanaf een maand (nieuwe rekening van de verhuurder)",
           "Change a creditor from a month on (the landlord's new account)") +
         "</summary><form method=\"post\" class=\"grid\" id=\"creditor-change\" "
         "action=\"/clients/" +
         Html(id) + "/creditor-changes\">" + CsrfField(p) + "<label for=\"cr-creditor\">" +
         T(p, "Schuldeiser", "Creditor") + "</label>" +
         Select("cr-creditor", "creditor", creditors) +
         input("iban",
               T(p, "Nieuwe rekening (IBAN; leeg: blijft)", "New account (IBAN; empty: unchanged)"),
               "autocomplete=\"off\"") +
         input("bic", T(p, "BIC (leeg: blijft)", "BIC (empty: unchanged)"), "") +
         input("name", T(p, "Naam (leeg: blijft)", "Name (empty: unchanged)"), "maxlength=\"70\"") +
         input("valid_from", T(p, "Geldt vanaf maand (JJJJ-MM)", "Holds from month (YYYY-MM)"),
               "required pattern=\"[0-9]{4}-[0-9]{2}\"") +
         input("change_reason",
               T(p, "Waarom (bijv. brief verhuurder op briefpapier, nagebeld)",
                 "Why (e.g. the landlord's letter, called back)"),
               "required") +
         "<p>" +
         T(p, "Geldt voor elke cliënt die aan deze schuldeiser betaalt.",
           "Holds for every client who pays this creditor.") +
         "</p><button type=\"submit\">" + T(p, "Wijziging vastleggen", "Record the change") +
         "</button></form></details>";
}

// The form for a change of the client's own record from a month on.
std::string ClientChangeForm(const PageContext& p, const json& r, const std::string& id) {
  // A new account for the leefgeld is a payee change: finance's (ChangeClient refuses a coach).
  const bool finance = p.session.role == "finance";
  std::vector<std::pair<std::string, std::string>> households = {
      {"", T(p, "(blijft)", "(unchanged)")}};
  for (const char* h : {"single", "couple", "family"}) households.push_back({h, L(p, h)});
  const auto input = [](const char* name, const std::string& label, const std::string& attrs) {
    return LabeledInput("cc-", name, label, attrs);
  };
  return "<details><summary>" +
         (finance ? T(p, "Gegevens wijzigen vanaf een maand (nieuwe rekening, huishouden, taal)",
                      "Change the details from a month on (new account, household, language)")
                  : T(p, "Gegevens wijzigen vanaf een maand (huishouden, taal)",
                      "Change the details from a month on (household, language)")) +
         "</summary><form method=\"post\" class=\"grid\" id=\"client-change\" action=\"/clients/" +
         Html(id) + "/client-changes\">" + CsrfField(p) +
         (finance ? input("iban",
                          T(p, "Nieuwe rekening voor het leefgeld (IBAN; leeg: blijft)",
                            "New account for the leefgeld (IBAN; empty: unchanged)"),
                          "autocomplete=\"off\" placeholder=\"" + Html(S(r, "iban")) + "\"")
                  : "") +
         "<label for=\"cc-household\">" + T(p, "Huishouden", "Household") + "</label>" +
         Select("cc-household", "household", households) +
         input("adults", T(p, "Volwassenen (leeg: blijft)", "Adults (empty: unchanged)"),
               "type=\"number\" min=\"1\" max=\"9\"") +
         input("children", T(p, "Kinderen (leeg: blijft)", "Children (empty: unchanged)"),
               "type=\"number\" min=\"0\" max=\"20\"") +
         input("language",
               T(p, "Taal van het geldoverzicht (nl, en, ar, ...; leeg: blijft)",
                 "Language of the statement (nl, en, ar, ...; empty: unchanged)"),
               "maxlength=\"8\"") +
         input(
             "address",
             T(p,
               "Adres voor het geldoverzicht (straat en nummer, postcode en plaats; leeg: blijft)",
               "Address for the statement (street and number, postcode and town; empty: "
               "unchanged)"),
             "maxlength=\"200\" placeholder=\"" + Html(S(r, "address")) + "\"") +
         input("valid_from", T(p, "Geldt vanaf maand (JJJJ-MM)", "Holds from month (YYYY-MM)"),
               "required pattern=\"[0-9]{4}-[0-9]{2}\"") +
         input("change_reason",
               T(p, "Waarom (bijv. nieuwe bankpas gezien)", "Why (e.g. new bank card seen)"),
               "required") +
         "<button type=\"submit\">" + T(p, "Wijziging vastleggen", "Record the change") +
         "</button></form></details>";
}

// The form for a change of the relief plan from a month on: bijstand ended, relief extended.
std::string PlanChangeForm(const PageContext& p, const std::string& id) {
  const auto input = [](const char* name, const std::string& label, const std::string& attrs) {
    return LabeledInput("pc-", name, label, attrs);
  };
  return "<details><summary>" +
         T(p, "Plan wijzigen vanaf een maand (bijstand stopt, verlenging)",
           "Change the plan from a month on (bijstand ends, extension)") +
         "</summary><form method=\"post\" class=\"grid\" id=\"plan-change\" action=\"/clients/" +
         Html(id) + "/plan-changes\">" + CsrfField(p) +
         input("benefit_end",
               T(p, "Laatste dag bijstand (JJJJ-MM-DD; leeg: blijft)",
                 "Last day of bijstand (YYYY-MM-DD; empty: unchanged)"),
               "pattern=\"[0-9]{4}-[0-9]{2}-[0-9]{2}\"") +
         input("extension_end",
               T(p, "Verlengd tot en met (JJJJ-MM-DD; leeg: blijft)",
                 "Extended up to and including (YYYY-MM-DD; empty: unchanged)"),
               "pattern=\"[0-9]{4}-[0-9]{2}-[0-9]{2}\"") +
         input(
             "extension_reason",
             T(p, "Reden van de verlenging (art. 57 Pw)", "Reason for the extension (art. 57 Pw)"),
             "") +
         input("valid_from", T(p, "Geldt vanaf maand (JJJJ-MM)", "Holds from month (YYYY-MM)"),
               "required pattern=\"[0-9]{4}-[0-9]{2}\"") +
         input("change_reason", T(p, "Waarom (bijv. besluit van)", "Why (e.g. decision of)"),
               "required") +
         "<button type=\"submit\">" + T(p, "Wijziging vastleggen", "Record the change") +
         "</button></form></details>";
}

std::string DetailsTab(const PageContext& p, const json& d, const std::string& id) {
  std::string m;
  const json& r = d.contains("record") ? d["record"] : json::object();
  const json& plan = d.contains("plan") ? d["plan"] : json::object();
  const auto or_none = [&](const std::string& v) {
    return v.empty() ? T(p, "geen", "none") : Html(v);
  };
  m += "<dl class=\"facts\"><dt>" + T(p, "Cliëntnummer", "Client number") + "</dt><dd>" + Html(id) +
       "</dd><dt>BSN</dt><dd>" + Html(S(d, "bsn_masked")) + "</dd><dt>" + T(p, "Coach", "Coach") +
       "</dt><dd>" + Html(S(d, "coach")) + "</dd><dt>" + T(p, "Taal", "Language") + "</dt><dd>" +
       Html(S(d, "language")) + "</dd><dt>" + T(p, "Naam voor de bank", "Name for the bank") +
       "</dt><dd>" + Html(S(d, "name_for_bank")) + "</dd><dt>" + T(p, "Adres", "Address") +
       "</dt><dd>" + or_none(S(r, "address")) + "</dd><dt>" +
       T(p, "Rekening voor het leefgeld", "Account for the leefgeld") + "</dt><dd>" +
       Html(S(r, "iban")) + "</dd><dt>" + T(p, "Huishouden", "Household") + "</dt><dd>" +
       L(p, S(r, "household")) + " (" + std::to_string(I(r, "adults")) +
       T(p, " volwassene(n), ", " adult(s), ") + std::to_string(I(r, "children")) +
       T(p, " kind(eren))", " child(ren))") + "</dd><dt>" + T(p, "Plan", "Plan") + "</dt><dd>" +
       L(p, S(plan, "kind")) + T(p, ", bijstand vanaf ", ", bijstand from ") +
       Html(S(plan, "benefit_start")) + "</dd><dt>" + T(p, "Bijstand stopt", "Bijstand ends") +
       "</dt><dd>" + or_none(S(plan, "benefit_end")) + "</dd><dt>" +
       T(p, "Verlengd tot en met", "Extended up to and including") + "</dt><dd>" +
       or_none(S(plan, "extension_end")) +
       (S(plan, "extension_reason").empty() ? "" : " (" + Html(S(plan, "extension_reason")) + ")") +
       "</dd></dl>";
  if (p.session.role == "coach" || p.session.role == "finance") {
    m += ClientChangeForm(p, r, id) + PlanChangeForm(p, id);
  }
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
  return m;
}

}  // namespace

std::string ClientPage(const PageContext& p, const json& d) {
  const std::string id = S(d, "id");
  std::string tab = S(d, "tab");
  const auto& tabs = ClientTabs();
  if (std::none_of(tabs.begin(), tabs.end(), [&](const ClientTab& t) { return tab == t.key; })) {
    tab = "month";
  }
  std::string m = MoneyStrip(p, d) + TabNav(p, id, tab);
  if (tab == "month") m += MonthTab(p, d, id);
  if (tab == "bills") m += BillsTab(p, d, id);
  if (tab == "credit") m += CreditTab(p, d, id);
  if (tab == "learning") m += LearningTab(p, d, id);
  if (tab == "ledger") m += LedgerTab(p, d);
  if (tab == "details") m += DetailsTab(p, d, id);
  return Layout(p, S(d, "name"), m);
}

namespace {
std::string BatchRow(const PageContext& p, const json& b) {
  const std::string municipality = S(b, "municipality");
  return "<tr><th scope=\"row\"><a href=\"/batches/" + S(b, "batch") + "\">" +
         T(p, "Batch ", "Batch ") + S(b, "batch") + "</a></th><td>" +
         (municipality.empty() ? "" : Html(municipality) + " ") + Html(S(b, "kind")) + " " +
         Html(S(b, "month")) + "</td><td class=\"num\">" + S(b, "payments") +
         "</td><td class=\"num\">" + Euro(p, I(b, "amount_cents")) + "</td><td>" +
         L(p, S(b, "state")) + "</td><td>" + Html(S(b, "prepared_by")) + "</td></tr>";
}
}  // namespace

namespace {
// The municipality a month is prepared for, when the store serves several (issue 20).
std::string MunicipalityChoice(const PageContext& p, const json& d) {
  if (!d.contains("municipalities") || d["municipalities"].size() < 2) return "";
  std::string options;
  for (const json& code : d["municipalities"]) {
    options += "<option>" + Html(code.get<std::string>()) + "</option>";
  }
  return "<label for=\"municipality\">" + T(p, "Gemeente", "Municipality") +
         "</label><select id=\"municipality\" name=\"municipality\" required>" + options +
         "</select>";
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
         "</label><input id=\"run_date\" name=\"run_date\" required>" + MunicipalityChoice(p, d) +
         "<button type=\"submit\">" + T(p, "Klaarzetten", "Prepare") + "</button></form></section>";
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

namespace {

// The funding: the batch's total against the managed account's latest closing balance the bank
// reported on a camt.053 (issue 17).
std::string Funding(const PageContext& p, const json& d) {
  if (!d.contains("funding")) return "";
  const json& f = d["funding"];
  std::string m = "<dt>" + T(p, "Saldo beheerrekening", "Managed account balance") + "</dt><dd>";
  if (!f.contains("balance_cents")) {
    return m +
           T(p,
             "nog geen bankafschrift (camt.053) met saldo ingelezen: controleer het saldo bij de "
             "bank",
             "no bank statement (camt.053) with a balance read yet: check the balance at the "
             "bank") +
           "</dd>";
  }
  const bool covers = f.value("covers", false);
  return m + Euro(p, I(f, "balance_cents")) + " " +
         T(p, "volgens het afschrift van ", "on the statement of ") +
         Html(When(p, S(f, "balance_on"))) + ": " +
         (covers ? "<strong>" + T(p, "dekt deze batch", "covers this batch") + "</strong>"
                 : "<strong class=\"error\">" +
                       T(p, "dekt deze batch niet: zorg eerst voor dekking",
                         "does not cover this batch: fund the account first") +
                       "</strong>") +
         "</dd>";
}

// This batch against last month's: clients, payments and the amount per kind (issue 17).
std::string Comparison(const PageContext& p, const json& r) {
  const json& now = r["totals"];
  const json none = {{"kinds", json::object()}};
  const json& before = r.contains("previous") ? r["previous"]["totals"] : none;
  std::string m =
      "<table><caption>" +
      (r.contains("previous")
           ? T(p, "Vergeleken met batch ", "Compared with batch ") + S(r["previous"], "batch") +
                 " (" + Html(S(r["previous"], "month")) + ")"
           : T(p, "Geen vorige batch om mee te vergelijken", "No previous batch to compare with")) +
      "</caption><thead><tr><th scope=\"col\">" + T(p, "Soort", "Kind") +
      "</th><th scope=\"col\">" + T(p, "Aantal", "Count") + "</th><th scope=\"col\">" +
      T(p, "Bedrag", "Amount") + "</th><th scope=\"col\">" +
      T(p, "Vorige: aantal", "Previous: count") + "</th><th scope=\"col\">" +
      T(p, "Vorige: bedrag", "Previous: amount") + "</th><th scope=\"col\">" +
      T(p, "Verschil", "Difference") + "</th></tr></thead><tbody>";
  std::set<std::string> kinds;
  for (const auto& [k, v] : now["kinds"].items()) kinds.insert(k);
  for (const auto& [k, v] : before["kinds"].items()) kinds.insert(k);
  const auto row = [&](const std::string& label, const json& a, const json& b) {
    return "<tr><th scope=\"row\">" + label + "</th><td class=\"num\">" + S(a, "payments") +
           "</td><td class=\"num\">" + Euro(p, I(a, "amount_cents")) + "</td><td class=\"num\">" +
           S(b, "payments") + "</td><td class=\"num\">" + Euro(p, I(b, "amount_cents")) +
           "</td><td class=\"num\">" + Euro(p, I(a, "amount_cents") - I(b, "amount_cents")) +
           "</td></tr>";
  };
  const json empty = json::object();
  for (const std::string& k : kinds) {
    m += row(L(p, k), now["kinds"].contains(k) ? now["kinds"][k] : empty,
             before["kinds"].contains(k) ? before["kinds"][k] : empty);
  }
  m += row(T(p, "Totaal", "Total"), now, before);
  m += "<tr><th scope=\"row\">" + T(p, "Cliënten", "Clients") + "</th><td class=\"num\">" +
       S(now, "clients") + "</td><td></td><td class=\"num\">" + S(before, "clients") +
       "</td><td></td><td></td></tr></tbody></table>";
  return m;
}

// New and changed payee accounts since the last exported batches, with who changed what.
std::string PayeeChanges(const PageContext& p, const json& r) {
  std::string m = "<section aria-labelledby=\"h-ibans\"><h2 id=\"h-ibans\">" +
                  T(p, "Nieuwe en gewijzigde rekeningnummers", "New and changed payee accounts") +
                  "</h2>";
  if (r["compared_with"].empty() && r["payee_changes"].empty()) {
    return m + "<p>" +
           T(p, "Nog geen verstuurd bestand om mee te vergelijken: elke begunstigde is nieuw.",
             "No exported file to compare with yet: every payee is new.") +
           "</p></section>";
  }
  if (r["payee_changes"].empty()) {
    return m + "<p>" +
           T(p, "Geen: elke begunstigde krijgt op hetzelfde rekeningnummer als in batch ",
             "None: every payee is paid to the same account as in batch ") +
           Html(r["compared_with"].back().dump()) + ".</p></section>";
  }
  m += "<table><caption>" +
       (r["compared_with"].empty()
            ? T(p, "Eenmalige betaling: controleer de rekening tegen de beschikking",
                "One-off payment: check the account against the decision")
            : T(p, "Vergeleken met wat de laatst verstuurde batch(es) betaalden: ",
                "Compared with what the last exported batch(es) paid: ") +
                  Html(r["compared_with"].dump())) +
       "</caption><thead><tr><th scope=\"col\">" + T(p, "Cliënt", "Client") +
       "</th><th scope=\"col\">" + T(p, "Wat", "What") + "</th><th scope=\"col\">" +
       T(p, "Begunstigde", "Payee") + "</th><th scope=\"col\">" + T(p, "Was", "Was") +
       "</th><th scope=\"col\">" + T(p, "Wordt", "Now") + "</th></tr></thead><tbody>";
  for (const json& c : r["payee_changes"]) {
    const bool changed = !S(c, "previous_iban").empty();
    m += "<tr" + std::string(changed ? " class=\"changed\"" : "") + "><td>" + Html(S(c, "client")) +
         "</td><td>" + L(p, S(c, "kind")) + " " + Html(S(c, "subject")) + "</td><td>" +
         Html(S(c, "payee")) + "</td><td>" +
         (changed ? "<code>" + Html(S(c, "previous_iban")) + "</code>" : T(p, "(nieuw)", "(new)")) +
         "</td><td><strong><code>" + Html(S(c, "iban")) + "</code></strong></td></tr>";
  }
  m += "</tbody></table>";
  if (!r["account_changes"].empty()) {
    m += "<p>" + T(p, "Rekeningnummers gewijzigd sinds die batch:", "Accounts changed since:") +
         "</p><ul>";
    for (const json& c : r["account_changes"]) {
      m += "<li>" + Html(S(c, "record")) + ": " + Html(S(c, "fields")) + ", " + Html(S(c, "by")) +
           " " + Html(When(p, S(c, "at"))) + ": " + Html(S(c, "reason")) + "</li>";
    }
    m += "</ul>";
  }
  return m + "</section>";
}

// A short table of payments (the largest, leefgeld above the limit).
std::string PaymentTable(const PageContext& p, const std::string& caption, const json& list) {
  std::string m = "<table><caption>" + caption + "</caption><thead><tr><th scope=\"col\">" +
                  T(p, "Cliënt", "Client") + "</th><th scope=\"col\">" + T(p, "Wat", "What") +
                  "</th><th scope=\"col\">" + T(p, "Aan", "To") + "</th><th scope=\"col\">IBAN" +
                  "</th><th scope=\"col\">" + T(p, "Bedrag", "Amount") +
                  "</th></tr></thead><tbody>";
  for (const json& pay : list) {
    m += "<tr><td><a href=\"/clients/" + Html(S(pay, "client")) + "\">" + Html(S(pay, "client")) +
         "</a></td><td>" + L(p, S(pay, "kind")) + "</td><td>" + Html(S(pay, "payee")) +
         "</td><td><code>" + Html(S(pay, "iban")) + "</code></td><td class=\"num\">" +
         Euro(p, I(pay, "amount_cents")) + "</td></tr>";
  }
  return m + "</tbody></table>";
}

// Everything finance checks before approving: the comparison, the accounts, the largest
// payments, the leefgeld above the limit.
std::string ReviewSections(const PageContext& p, const json& d) {
  if (!d.contains("review")) return "";
  const json& r = d["review"];
  std::string m = "<section aria-labelledby=\"h-compare\"><h2 id=\"h-compare\">" +
                  T(p, "Vergelijking met vorige maand", "Compared with last month") + "</h2>" +
                  Comparison(p, r) + "</section>" + PayeeChanges(p, r);
  m += "<section aria-labelledby=\"h-largest\"><h2 id=\"h-largest\">" +
       T(p, "Grootste betalingen", "Largest payments") + "</h2>" +
       PaymentTable(p, T(p, "De 20 grootste betalingen", "The 20 largest payments"), r["largest"]) +
       "</section>";
  m += "<section aria-labelledby=\"h-own\"><h2 id=\"h-own\">" +
       T(p, "Leefgeld naar eigen rekening boven ", "Leefgeld to own accounts above ") +
       Euro(p, I(r, "own_account_limit_cents")) + "</h2>" +
       (r["own_account_above"].empty()
            ? "<p>" + T(p, "Geen.", "None.") + "</p>"
            : PaymentTable(p, T(p, "Leefgeld boven de grens", "Leefgeld above the limit"),
                           r["own_account_above"])) +
       "</section>";
  return m;
}

}  // namespace

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
       S(d, "payments") + T(p, " betalingen)", " payments)") + "</dd>" + Funding(p, d) + "</dl>";
  m += "<ol class=\"states\">";
  for (const json& s : d["states"]) {
    m += "<li>" + L(p, S(s, "state")) + ": " + Html(When(p, S(s, "at"))) + " " +
         T(p, "door", "by") + " " + Html(S(s, "user")) + "</li>";
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
           Html(S(c, "by")) + " " + Html(When(p, S(c, "at"))) + ": " + Html(S(c, "reason")) +
           "</li>";
    }
    m += "</ul></section>";
  }
  m += ReviewSections(p, d);
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
        if (d.contains("review") && I(d["review"], "changed_accounts") > 0) {
          m += "<p class=\"notice\"><label><input type=\"checkbox\" name=\"acknowledge\" "
               "required> " +
               T(p,
                 "Ik heb de gewijzigde en eenmalige rekeningnummers gecontroleerd tegen hun "
                 "bewijs (brief, beschikking)",
                 "I checked the changed and one-off payee accounts against their proof (letter, "
                 "decision)") +
               " (" + S(d["review"], "changed_accounts") +
               T(p, "; zie Nieuwe en gewijzigde rekeningnummers).",
                 "; see New and changed payee accounts).") +
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
        m += "<label for=\"comment\">" +
             T(p, "Opmerking bij de goedkeuring (niet verplicht)",
               "Note with the approval (optional)") +
             "</label><input id=\"comment\" name=\"comment\"><button type=\"submit\">" +
             T(p, "Goedkeuren als tweede persoon", "Approve as the second person") +
             "</button></form>";
      }
    } else if (state == "approved") {
      m += "<form method=\"post\" action=\"/batches/" + id + "/export\">" + CsrfField(p) +
           "<button type=\"submit\">" + T(p, "SEPA-bestanden maken", "Write the SEPA files") +
           "</button></form>";
    }
    if (state == "prepared" || state == "approved") {
      m += "<details><summary>" + T(p, "Afkeuren of annuleren", "Reject or cancel") +
           "</summary><form method=\"post\" action=\"/batches/" + id + "/cancel\">" + CsrfField(p) +
           "<label for=\"reason\">" +
           T(p, "Reden (verplicht): het geld van elke betaling komt terug op de cliënt",
             "Reason (required): every payment's money goes back to the client") +
           "</label><input id=\"reason\" name=\"reason\" required><button type=\"submit\">" +
           T(p, "Batch annuleren", "Cancel the batch") + "</button></form></details>";
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
           Euro(p, I(f, "amount_cents")) + " · " + L(p, written ? "exported" : "pending") +
           "<br><span class=\"muted\">MsgId <code>" + Html(S(f, "msg_id")) + "</code>" +
           (S(f, "sha256").empty()
                ? ""
                : " · SHA-256 <code>" + Html(S(f, "sha256")) + "</code> · SHA-1 <code>" +
                      Html(S(f, "sha1")) + "</code> " +
                      T(p, "(hashtotaal voor de bank)", "(hash total for the bank)")) +
           "</span></li>";
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
      m += "<li>" + Html(S(f, "client")) + " " + L(p, S(f, "code")) + " " + Html(S(f, "bill")) +
           " " + Euro(p, I(f, "amount_cents")) + ": " + Html(DetailText(p, f)) + "</li>";
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
         Html(When(p, S(pay, "execution"))) + "</td><td><code>" + Html(S(pay, "end_to_end_id")) +
         "</code></td></tr>";
  }
  m += "</tbody></table>";
  return Layout(p, T(p, "Batch ", "Batch ") + id, m);
}

namespace {
// Write-off requests waiting for finance (on finance's signals page).
std::string WaitingWriteOffs(const PageContext& p, const json& d) {
  std::string m;
  if (d.contains("write_off_requests") && !d["write_off_requests"].empty()) {
    m += "<section aria-labelledby=\"h-wo\"><h2 id=\"h-wo\">" +
         T(p, "Kwijtschelding aangevraagd", "Write-offs asked for") + "</h2>" +
         TableStart(T(p, "Wachten op een besluit van financiën", "Waiting for finance to decide"),
                    {T(p, "Cliënt", "Client"), T(p, "Bedrag", "Amount"), T(p, "Reden", "Reason"),
                     T(p, "Gevraagd door", "Asked by")});
    for (const json& q : d["write_off_requests"]) {
      m += "<tr><td><a href=\"/clients/" + Html(S(q, "client")) + "?tab=credit\">" +
           Html(S(q, "client")) + "</a></td><td class=\"num\">" + Euro(p, I(q, "amount_cents")) +
           "</td><td>" + Html(S(q, "reason")) + "</td><td>" + Html(S(q, "requested_by")) + " " +
           Html(S(q, "requested_at")) + "</td></tr>";
    }
    m += "</tbody></table></section>";
  }
  return m;
}
}  // namespace

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
    m += "<tr><td>" + Html(When(p, S(s, "at"))) + "</td><td><a href=\"/clients/" +
         Html(S(s, "client")) + "\">" + Html(S(s, "client")) + "</a></td><td>" +
         L(p, S(s, "code")) +
         (S(s, "bill").empty() ? "" : " <span class=\"muted\">" + Html(S(s, "bill")) + "</span>") +
         "</td><td class=\"num\">" + Euro(p, I(s, "amount_cents")) + "</td><td>" +
         Html(DetailText(p, s)) + "</td><td>" + state + "</td></tr>";
  }
  m += "</tbody></table>";
  if (d["signals"].empty()) {
    m += "<p>" + T(p, "Niets te doen met dit filter.", "Nothing to do with this filter.") + "</p>";
  }
  m += WaitingWriteOffs(p, d);
  return Layout(p,
                p.session.role == "coach" ? T(p, "Vandaag te doen", "To do today")
                                          : T(p, "Signalen", "Signals"),
                m);
}

namespace {

// Finance's work list on the bank page (issue 17): failed payments to correct and re-issue.
std::string ReissueSection(const PageContext& p, const json& d) {
  const bool finance = p.session.role == "finance";
  std::string m = "<section id=\"reissue\" aria-labelledby=\"h-reissue\"><h2 id=\"h-reissue\">" +
                  T(p, "Mislukte betalingen: rekening corrigeren en opnieuw betalen",
                    "Failed payments: correct the account and re-issue") +
                  " (" + S(d, "to_reissue_total") + ")</h2>";
  if (d["to_reissue"].empty()) {
    return m + "<p>" + T(p, "Geen mislukte betalingen open.", "No failed payments open.") +
           "</p></section>";
  }
  m += "<table><caption>" +
       T(p,
         "Corrigeer eerst de rekening als de bank die weigerde; vink aan wat opnieuw moet en zet "
         "een nieuwe batch klaar. Een tweede persoon keurt die goed.",
         "Correct the account first if the bank refused it; tick what to re-issue and prepare a "
         "new batch. A second person approves it.") +
       "</caption><thead><tr><th scope=\"col\">" + T(p, "Opnieuw", "Re-issue") +
       "</th><th scope=\"col\">" + T(p, "Betaling", "Payment") + "</th><th scope=\"col\">" +
       T(p, "Cliënt", "Client") + "</th><th scope=\"col\">" + T(p, "Begunstigde", "Payee") +
       "</th><th scope=\"col\">" + T(p, "Bedrag", "Amount") + "</th><th scope=\"col\">" +
       T(p, "Wat de bank zei", "What the bank said") + "</th><th scope=\"col\">" +
       T(p, "Rekening toen", "Account then") + "</th><th scope=\"col\">" +
       T(p, "Rekening nu", "Account now") + "</th></tr></thead><tbody>";
  for (const json& f : d["to_reissue"]) {
    const std::string id = S(f, "end_to_end_id");
    const bool same = S(f, "iban") == S(f, "iban_now");
    m += "<tr><td>" +
         (finance ? "<input type=\"checkbox\" form=\"reissue-form\" name=\"payment\" value=\"" +
                        Html(id) + "\" id=\"re-" + Html(id) + "\" aria-label=\"" +
                        T(p, "Opnieuw betalen: ", "Re-issue: ") + Html(id) + "\">"
                  : std::string()) +
         "</td><td><code>" + Html(id) + "</code><br><span class=\"muted\">batch " + S(f, "batch") +
         "</span></td><td><a href=\"/clients/" + Html(S(f, "client")) + "\">" +
         Html(S(f, "client")) + "</a></td><td>" + Html(S(f, "payee")) +
         "<br><span class=\"muted\">" + L(p, S(f, "kind")) + "</span></td><td class=\"num\">" +
         Euro(p, I(f, "amount_cents")) + "</td><td>" + L(p, S(f, "state")) +
         (S(f, "reason").empty() ? "" : ": " + Html(S(f, "reason"))) + "</td><td><code>" +
         Html(S(f, "iban")) + "</code></td><td><code>" + Html(S(f, "iban_now")) + "</code>" +
         (same ? "<br><span class=\"muted\">" + T(p, "ongewijzigd", "unchanged") + "</span>"
               : "<br><strong>" + T(p, "gecorrigeerd", "corrected") + "</strong>");
    if (finance) {
      m += "<details><summary>" + T(p, "Rekening corrigeren", "Correct the account") +
           "</summary><form method=\"post\" action=\"/payments/" + Html(id) +
           "/account\" class=\"stack\">" + CsrfField(p) + "<label for=\"iban-" + Html(id) + "\">" +
           (S(f, "holder") == "creditor"
                ? T(p, "Nieuwe IBAN van ", "New IBAN of ") + Html(S(f, "payee"))
                : T(p, "Nieuwe IBAN van de cliënt", "The client's new IBAN")) +
           "</label><input id=\"iban-" + Html(id) +
           "\" name=\"iban\" required autocomplete=\"off\"><label for=\"reason-" + Html(id) +
           "\">" +
           T(p, "Reden (bijv. brief van de verhuurder)", "Reason (e.g. the landlord's letter)") +
           "</label><input id=\"reason-" + Html(id) +
           "\" name=\"reason\" required><button type=\"submit\">" + T(p, "Corrigeren", "Correct") +
           "</button></form></details>";
    }
    m += "</td></tr>";
  }
  m += "</tbody></table>";
  if (finance) {
    m += "<form id=\"reissue-form\" method=\"post\" action=\"/payments/reissue\">" + CsrfField(p) +
         "<button type=\"submit\">" +
         T(p, "Aangevinkte betalingen opnieuw klaarzetten", "Prepare the ticked payments again") +
         "</button></form>";
  }
  return m + "</section>";
}

// Held bills (the client's own direct debit not yet confirmed cancelled) to release.
std::string HeldSection(const PageContext& p, const json& d) {
  std::string m = "<section id=\"held\" aria-labelledby=\"h-held\"><h2 id=\"h-held\">" +
                  T(p, "Vastgehouden rekeningen", "Held bills") + " (" +
                  std::to_string(d["held"].size()) + ")</h2>";
  if (d["held"].empty()) {
    return m + "<p>" + T(p, "Geen rekeningen vastgehouden.", "No bills held.") + "</p></section>";
  }
  m += "<table><caption>" +
       T(p,
         "Niet betaald omdat de cliënt zelf nog een incasso had. Vrijgeven betaalt wat nu is "
         "bevestigd (op de pagina van de cliënt).",
         "Not paid because the client still had their own direct debit. Releasing pays what is "
         "now confirmed (on the client's page).") +
       "</caption><thead><tr><th scope=\"col\">" + T(p, "Cliënt", "Client") +
       "</th><th scope=\"col\">" + T(p, "Rekening", "Bill") + "</th><th scope=\"col\">" +
       T(p, "Maand", "Month") + "</th><th scope=\"col\">" + T(p, "Bedrag", "Amount") +
       "</th></tr></thead><tbody>";
  for (const json& h : d["held"]) {
    m += "<tr><td><a href=\"/clients/" + Html(S(h, "client")) + "?tab=bills\">" +
         Html(S(h, "client")) + "</a></td><td>" + L(p, S(h, "kind")) + " <span class=\"muted\">" +
         Html(S(h, "bill")) + "</span></td><td>" + Html(S(h, "month")) + "</td><td class=\"num\">" +
         Euro(p, I(h, "amount_cents")) + "</td></tr>";
  }
  m += "</tbody></table>";
  if (p.session.role == "finance") {
    m += "<form method=\"post\" action=\"/held-bills/release\">" + CsrfField(p) +
         MunicipalityChoice(p, d) + "<button type=\"submit\">" +
         T(p, "Bevestigde rekeningen vrijgeven (nieuwe batch)",
           "Release the confirmed bills (a new batch)") +
         "</button></form>";
  }
  return m + "</section>";
}

// Bank lines nobody recognised: assign to a client as income, or park with a reason.
std::string LinesSection(const PageContext& p, const json& d) {
  std::string m = "<section id=\"lines\" aria-labelledby=\"h-lines\"><h2 id=\"h-lines\">" +
                  T(p, "Onbekende bankregels", "Unrecognised bank lines") + " (" +
                  std::to_string(d["open_lines"].size()) + ")</h2>";
  if (d["open_lines"].empty()) {
    return m + "<p>" + T(p, "Alle bankregels zijn herkend.", "Every bank line was recognised.") +
           "</p></section>";
  }
  std::vector<std::pair<std::string, std::string>> kinds;
  for (const char* k : {"rent_allowance", "care_allowance", "child_budget", "holiday_allowance",
                        "energy_refund", "creditor_refund"}) {
    kinds.emplace_back(k, L(p, k));
  }
  kinds.emplace_back("ignore", T(p, "Parkeren: van niemand (reden verplicht)",
                                 "Park: nobody's (reason required)"));
  m += "<table><caption>" +
       T(p, "Wijs toe aan een cliënt (de volgende run boekt het) of parkeer met een reden.",
         "Assign to a client (the next run books it) or park with a reason.") +
       "</caption><thead><tr><th scope=\"col\">" + T(p, "Regel", "Line") +
       "</th><th scope=\"col\">" + T(p, "Datum", "Date") + "</th><th scope=\"col\">" +
       T(p, "Bedrag", "Amount") + "</th><th scope=\"col\">" +
       T(p, "Tegenpartij en omschrijving", "Counterparty and description") +
       "</th><th scope=\"col\">" + T(p, "Toewijzen", "Assign") + "</th></tr></thead><tbody>";
  for (const json& l : d["open_lines"]) {
    const std::string id = S(l, "line");
    m += "<tr><td><code>" + Html(id) + "</code><br><span class=\"muted\">" + L(p, S(l, "kind")) +
         "</span></td><td>" + When(p, Html(S(l, "booked_on"))) + "</td><td class=\"num\">" +
         (l.value("money_in", false) ? "+" : "-") + Euro(p, I(l, "amount_cents")) + "</td><td>" +
         Html(S(l, "counterparty")) + "<br>" + Html(S(l, "remittance")) +
         "<br><span class=\"muted\">" + Html(S(l, "detail")) + "</span></td><td>";
    if (p.session.role == "finance") {
      m += "<form method=\"post\" action=\"/bank-lines/" + Html(id) + "/assign\" class=\"stack\">" +
           CsrfField(p) + "<label for=\"lc-" + Html(id) + "\">" +
           T(p, "Cliëntnummer", "Client number") + "</label><input id=\"lc-" + Html(id) +
           "\" name=\"client\" value=\"" + Html(S(l, "client")) + "\"><label for=\"lk-" + Html(id) +
           "\">" + T(p, "Soort", "Kind") + "</label>" + Select("lk-" + Html(id), "kind", kinds) +
           "<label for=\"lr-" + Html(id) + "\">" + T(p, "Reden", "Reason") +
           "</label><input id=\"lr-" + Html(id) +
           "\" name=\"reason\" required><button "
           "type=\"submit\">" +
           T(p, "Vastleggen", "Record") + "</button></form>";
    }
    m += "</td></tr>";
  }
  return m + "</tbody></table></section>";
}

}  // namespace

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
  m += ReissueSection(p, d) + HeldSection(p, d) + LinesSection(p, d);
  return Layout(p, T(p, "Aansluiting met de bank", "Reconciliation with the bank"), m);
}

namespace {

// One user's row: name, role, caseload, the account (deactivate or reactivate, unlock), the
// second factor (reset) and a new password.
std::string UserRow(const PageContext& p, const json& u) {
  const std::string name = S(u, "name");
  const bool active = !u.contains("active") || u["active"].get<bool>();
  const std::string base = "/admin/users/" + Html(name);
  // Deactivate (with a reason) or reactivate; forget failed logins (unlock).
  std::string account =
      (active ? T(p, "Actief", "Active")
              : "<strong>" + T(p, "Gedeactiveerd", "Deactivated") + "</strong>") +
      "<form method=\"post\" action=\"" + base + (active ? "/deactivate" : "/activate") +
      "\" class=\"inline\">" + CsrfField(p) + "<label for=\"re-" + Html(name) + "\">" +
      T(p, "Reden", "Reason") + "</label><input id=\"re-" + Html(name) +
      "\" name=\"reason\" maxlength=\"200\" required><button type=\"submit\">" +
      (active ? T(p, "Deactiveren", "Deactivate") : T(p, "Activeren", "Reactivate")) +
      "</button></form><form method=\"post\" action=\"" + base + "/unlock\" class=\"inline\">" +
      CsrfField(p) + "<button type=\"submit\">" +
      T(p, "Mislukte inlogpogingen vergeten", "Forget failed logins") + "</button></form>";
  // The second factor: set up or not; reset (a lost phone, with a reason).
  const bool factor = u.contains("second_factor") && u["second_factor"].get<bool>();
  std::string second = factor ? T(p, "Ingesteld", "Set up")
                              : "<span class=\"muted\">" + T(p, "Geen", "None") + "</span>";
  if (factor) {
    second += "<form method=\"post\" action=\"" + base +
              "/second-factor/reset\" class=\"inline\">" + CsrfField(p) + "<label for=\"sf-" +
              Html(name) + "\">" + T(p, "Reden", "Reason") + "</label><input id=\"sf-" +
              Html(name) +
              "\" name=\"reason\" maxlength=\"200\" required><button "
              "type=\"submit\">" +
              T(p, "Opnieuw laten instellen", "Reset") + "</button></form>";
  }
  return "<tr><th scope=\"row\">" + Html(name) + "<br><span class=\"muted\">" +
         Html(S(u, "full_name")) + "</span></th><td>" + Html(S(u, "role")) +
         "</td><td class=\"num\">" + S(u, "caseload") + "</td><td>" + account + "</td><td>" +
         second + "</td><td><form method=\"post\" action=\"/admin/users/" + Html(name) +
         "/password\" class=\"inline\">" + CsrfField(p) + "<label for=\"pw-" + Html(name) + "\">" +
         T(p, "Nieuw wachtwoord", "New password") + "</label><input id=\"pw-" + Html(name) +
         "\" name=\"password\" type=\"password\" minlength=\"12\" "
         "autocomplete=\"new-password\" required><button type=\"submit\">" +
         T(p, "Zetten", "Set") + "</button></form></td></tr>";
}

// The forms under the table: add a user, assign a client to a coach.
std::string UserForms(const PageContext& p) {
  std::string m =
      "<h2>" + T(p, "Gebruiker toevoegen", "Add a user") +
      "</h2><form method=\"post\" action=\"/admin/users\" "
      "class=\"grid\">" +
      CsrfField(p) + "<label for=\"nu-name\">" + T(p, "Inlognaam", "Login name") +
      "</label><input id=\"nu-name\" name=\"name\" required><label for=\"nu-full\">" +
      T(p, "Volledige naam", "Full name") +
      "</label><input id=\"nu-full\" name=\"full_name\"><label for=\"nu-phone\">" +
      T(p, "Telefoon voor cliënten (coach; op het geldoverzicht)",
        "Phone for clients (coach; on the statement)") +
      "</label><input id=\"nu-phone\" name=\"phone\" type=\"tel\" maxlength=\"20\"><label "
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
  return m;
}

}  // namespace

std::string UsersPage(const PageContext& p, const json& d) {
  std::string m = "<table><caption>" + T(p, "Gebruikers", "Users") +
                  "</caption><thead><tr><th scope=\"col\">" + T(p, "Naam", "Name") +
                  "</th><th scope=\"col\">" + T(p, "Rol", "Role") + "</th><th scope=\"col\">" +
                  T(p, "Caseload", "Caseload") + "</th><th scope=\"col\">" +
                  T(p, "Account", "Account") + "</th><th scope=\"col\">" +
                  T(p, "Tweede factor", "Second factor") + "</th><th scope=\"col\">" +
                  T(p, "Wachtwoord", "Password") + "</th></tr></thead><tbody>";
  for (const json& u : d["users"]) m += UserRow(p, u);
  m += "</tbody></table>" + UserForms(p);
  return Layout(p, T(p, "Gebruikers en caseloads", "Users and caseloads"), m);
}

namespace {

// The settings fields of a municipality form: the settings text, from which month, and why.
std::string SettingsFields(const PageContext& p, const std::string& id,
                           const std::string& settings) {
  return "<label for=\"" + id + "-settings\">" +
         T(p, "Instellingen (TOML: [municipality], [managed_account], [sepa], [month], ...)",
           "Settings (TOML: [municipality], [managed_account], [sepa], [month], ...)") +
         "</label><textarea id=\"" + id +
         "-settings\" name=\"settings\" rows=\"14\" cols=\"80\" spellcheck=\"false\" required>" +
         Html(settings) + "</textarea><label for=\"" + id + "-from\">" +
         T(p, "Geldig vanaf maand (leeg: vanaf het begin)",
           "Valid from month (empty: from the start)") +
         "</label><input id=\"" + id +
         "-from\" name=\"valid_from\" type=\"month\" placeholder=\"2027-03\"><label for=\"" + id +
         "-reason\">" + T(p, "Reden", "Reason") + "</label><input id=\"" + id +
         "-reason\" name=\"reason\" maxlength=\"200\" required>";
}

// One municipality: what holds this month, who works for it, every settings version, and (for
// the admin) the form for new settings from a month on.
std::string MunicipalitySection(const PageContext& p, const json& m) {
  const std::string code = S(m, "code");
  std::string h = "<section aria-labelledby=\"gm-" + Html(code) + "\"><h2 id=\"gm-" + Html(code) +
                  "\">" + Html(code) + (m.contains("name") ? " " + Html(S(m, "name")) : "") +
                  "</h2>";
  h += "<dl>";
  if (m.contains("problem")) {
    h += "<dt>" + T(p, "Instellingen", "Settings") + "</dt><dd class=\"error\">" +
         Html(S(m, "problem")) + "</dd>";
  } else {
    h += "<dt>" + T(p, "Beheerrekening", "Managed account") + "</dt><dd>" +
         Html(S(m, "managed_account")) + "</dd><dt>" + T(p, "Bestandsformaat", "File format") +
         "</dt><dd>" + Html(S(m, "format")) + "</dd>";
  }
  h += "<dt>" + T(p, "Toegevoegd", "Added") + "</dt><dd>" + Html(When(p, S(m, "added_at"))) + " (" +
       Html(S(m, "added_by")) + ")</dd><dt>" + T(p, "Werken alleen hiervoor", "Work for it only") +
       "</dt><dd>";
  std::string users;
  for (const json& u : m["users"]) {
    users += (users.empty() ? "" : ", ") + Html(S(u, "name")) + " (" + Html(S(u, "role")) + ")";
  }
  h += (users.empty() ? T(p, "niemand", "no one") : users) + "</dd></dl>";
  h += "<table><caption>" +
       T(p, "Instellingen, in volgorde van vastleggen", "Settings, in the order recorded") +
       "</caption><thead><tr><th scope=\"col\">#</th><th scope=\"col\">" +
       T(p, "Geldig vanaf", "Valid from") + "</th><th scope=\"col\">" +
       T(p, "Vastgelegd", "Recorded") + "</th><th scope=\"col\">" + T(p, "Reden", "Reason") +
       "</th><th scope=\"col\">" + T(p, "Instellingen", "Settings") + "</th></tr></thead><tbody>";
  std::string latest;
  for (const json& v : m["versions"]) {
    const std::string from = S(v, "valid_from");
    h += "<tr><td class=\"num\">" + S(v, "seq") + "</td><td>" +
         (from.empty() ? T(p, "het begin", "the start") : Html(from)) + "</td><td>" +
         Html(When(p, S(v, "recorded_at"))) + " (" + Html(S(v, "recorded_by")) + ")</td><td>" +
         Html(S(v, "reason")) + "</td><td><details><summary>" + T(p, "Tonen", "Show") +
         "</summary><pre>" + Html(S(v, "settings")) + "</pre></details></td></tr>";
    latest = S(v, "settings");
  }
  h += "</tbody></table>";
  if (p.session.role == "admin") {
    h += "<details><summary>" +
         T(p, "Nieuwe instellingen vanaf een maand", "New settings from a month on") +
         "</summary><form method=\"post\" action=\"/admin/municipalities/" + Html(code) +
         "/settings\" class=\"stack\">" + CsrfField(p) +
         SettingsFields(p, "ch-" + Html(code), latest) + "<button type=\"submit\">" +
         T(p, "Vastleggen", "Record") + "</button></form></details>";
  }
  return h + "</section>";
}

}  // namespace

// The installation's municipalities (issue 20): for the admin with the forms that add one, record
// new settings and say who works for which; for the auditor to read.
std::string MunicipalitiesPage(const PageContext& p, const json& d) {
  std::string m =
      "<p>" +
      T(p,
        "Elke gemeente heeft een eigen beheerrekening, eigen instellingen en eigen batches. "
        "Instellingen gelden vanaf een maand; eerdere blijven bewaard. Stand van ",
        "Each municipality has its own managed account, settings and batches. Settings hold "
        "from a month on; earlier ones are kept. As of ") +
      Html(S(d, "month")) + ".</p>";
  for (const json& one : d["municipalities"]) m += MunicipalitySection(p, one);
  std::string all;
  for (const json& u : d["working_for_all"]) {
    all += (all.empty() ? "" : ", ") + Html(S(u, "name")) + " (" + Html(S(u, "role")) + ")";
  }
  m += "<p>" +
       T(p, "Coaches en financiële medewerkers die voor alle gemeenten werken: ",
         "Coaches and finance staff who work for all municipalities: ") +
       (all.empty() ? T(p, "geen", "none") : all) + ".</p>";
  if (p.session.role != "admin") {
    return Layout(p, T(p, "Gemeenten", "Municipalities"), m);
  }
  m += "<h2>" + T(p, "Wie werkt voor welke gemeente", "Who works for which municipality") +
       "</h2><form method=\"post\" action=\"/admin/municipalities/users\" class=\"stack\">" +
       CsrfField(p) + "<label for=\"um-user\">" +
       T(p, "Gebruiker (inlognaam; coach of financieel)", "User (login name; coach or finance)") +
       "</label><input id=\"um-user\" name=\"user\" required><label for=\"um-codes\">" +
       T(p,
         "Gemeenten (codes, bijv. GM0363, GM0599:coach; achter een code een andere rol dan de "
         "eigen; leeg: alle, in de eigen rol)",
         "Municipalities (codes, e.g. GM0363, GM0599:coach; after a code a role other than "
         "their own; empty: all, in their own role)") +
       "</label><input id=\"um-codes\" name=\"municipalities\"><label for=\"um-reason\">" +
       T(p, "Reden", "Reason") +
       "</label><input id=\"um-reason\" name=\"reason\" maxlength=\"200\" required><button "
       "type=\"submit\">" +
       T(p, "Vastleggen (de gebruiker logt opnieuw in)", "Record (the user logs in again)") +
       "</button></form>";
  m += "<h2>" + T(p, "Gemeente toevoegen", "Add a municipality") +
       "</h2><form method=\"post\" action=\"/admin/municipalities\" class=\"stack\">" +
       CsrfField(p) + "<label for=\"nm-code\">" +
       T(p, "Code (CBS, bijv. GM0599; leeg: uit de instellingen)",
         "Code (CBS, e.g. GM0599; empty: from the settings)") +
       "</label><input id=\"nm-code\" name=\"code\" pattern=\"GM[0-9]{4}\">" +
       SettingsFields(p, "nm", "") + "<button type=\"submit\">" + T(p, "Toevoegen", "Add") +
       "</button></form>";
  return Layout(p, T(p, "Gemeenten", "Municipalities"), m);
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

namespace {

// A log as a table, newest first: number, when and who, then `columns` (heading, field); `empty`
// as its one row when there are none ("": nothing).
std::string LogTable(const PageContext& p, const std::string& caption,
                     const std::vector<std::pair<std::string, const char*>>& columns,
                     const json& rows, const std::string& empty) {
  std::string m = "<table><caption>" + caption +
                  "</caption><thead><tr><th scope=\"col\">#</th><th scope=\"col\">" +
                  T(p, "Wanneer", "When") + "</th><th scope=\"col\">" + T(p, "Wie", "Who") +
                  "</th>";
  for (const auto& [heading, field] : columns) m += "<th scope=\"col\">" + heading + "</th>";
  m += "</tr></thead><tbody>";
  for (const json& a : rows) {
    m += "<tr><td class=\"num\">" + S(a, "seq") + "</td><td>" + Html(When(p, S(a, "at"))) +
         "</td><td>" + Html(S(a, "user")) + "</td>";
    for (const auto& [heading, field] : columns) m += "<td>" + Html(S(a, field)) + "</td>";
    m += "</tr>";
  }
  if (rows.empty() && !empty.empty()) {
    m += "<tr><td colspan=\"" + std::to_string(columns.size() + 3) + "\">" + empty + "</td></tr>";
  }
  return m + "</tbody></table>";
}

}  // namespace

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
  m += LogTable(p, T(p, "Laatste 500 regels, nieuwste eerst", "Last 500 rows, newest first"),
                {{T(p, "Actie", "Action"), "action"},
                 {T(p, "Onderwerp", "Subject"), "subject"},
                 {T(p, "Details", "Detail"), "detail"}},
                d["log"], "");
  return Layout(p, T(p, "Auditlog", "Audit log"), m);
}

std::string AccessPage(const PageContext& p, const json& d) {
  std::string m =
      "<p>" +
      T(p,
        "Elke inzage in gegevens van cliënten wordt vastgelegd (AVG): wie, wanneer, welke "
        "cliënt, welke pagina. Cliënt * is een lijst of bestand met meerdere cliënten.",
        "Every view of clients' data is recorded (GDPR): who, when, which client, which page. "
        "Client * is a list or file with several clients.") +
      "</p><form method=\"get\" action=\"/access\" class=\"inline\"><label for=\"ac-client\">" +
      T(p, "Cliëntnummer", "Client number") +
      "</label><input id=\"ac-client\" name=\"client\" value=\"" + Html(S(d, "client")) +
      "\"><label for=\"ac-user\">" + T(p, "Gebruiker", "User") +
      "</label><input id=\"ac-user\" name=\"user\" value=\"" + Html(S(d, "user")) +
      "\"><button type=\"submit\">" + T(p, "Zoeken", "Search") + "</button></form>";
  m += LogTable(p, T(p, "Laatste 1.000 inzages, nieuwste eerst", "Last 1,000 views, newest first"),
                {{T(p, "Rol", "Role"), "role"},
                 {T(p, "Cliënt", "Client"), "client"},
                 {T(p, "Pagina", "View"), "view"}},
                d["views"], T(p, "Geen inzages gevonden.", "No views found."));
  return Layout(p, T(p, "Inzagelog", "Access log"), m);
}

std::string RefusedField(const std::string& message) {
  const auto ident = [&](size_t from) {
    size_t end = from;
    while (end < message.size() &&
           (std::islower(static_cast<unsigned char>(message[end])) || message[end] == '_')) {
      ++end;
    }
    return end > from && end < message.size() && message[end] == ':'
               ? message.substr(from, end - from)
               : std::string();
  };
  if (std::string f = ident(0); !f.empty()) return f;
  for (size_t nl = message.find("\n  "); nl != std::string::npos;
       nl = message.find("\n  ", nl + 1)) {
    if (std::string f = ident(nl + 3); !f.empty()) return f;
  }
  return "";
}

namespace {
// Puts `value` back into the input or select named `name` inside html[from, to).
void PutBack(std::string& html, size_t from, size_t& to, const std::string& name,
             const std::string& value) {
  const std::string attr = "name=\"" + name + "\"";
  const size_t at = html.find(attr, from);
  if (at == std::string::npos || at >= to) return;
  const size_t open = html.rfind('<', at);
  if (html.compare(open, 6, "<input") == 0) {
    if (html.find(" value=\"", open) < html.find('>', at)) return;  // has its own value
    const std::string add = " value=\"" + Html(value) + "\"";
    html.insert(at + attr.size(), add);
    to += add.size();
  } else if (html.compare(open, 7, "<select") == 0) {
    const size_t end = html.find("</select>", at);
    const std::string option = "<option value=\"" + Html(value) + "\"";
    const size_t o = html.find(option, at);
    if (o == std::string::npos || o > end) return;
    html.insert(o + option.size(), " selected");
    to += 9;
  } else if (html.compare(open, 9, "<textarea") == 0) {  // what was typed, not what was there
    const size_t start = html.find('>', at) + 1;
    const size_t end = html.find("</textarea>", start);
    if (end == std::string::npos || end > to) return;
    const std::string typed = Html(value);
    html.replace(start, end - start, typed);
    to = to + typed.size() - (end - start);
  }
}
}  // namespace

std::string MarkRefusedForm(const PageContext& p, std::string html, const std::string& action,
                            const std::string& field, const std::string& message,
                            const std::multimap<std::string, std::string>& typed) {
  const std::string alert = "<div class=\"error\" role=\"alert\" id=\"form-error\"><p><strong>" +
                            T(p, "Niet opgeslagen", "Not saved") + ":</strong> " + Html(message) +
                            "</p></div>";
  const size_t at = html.find("action=\"" + action + "\"");
  if (at == std::string::npos) {  // the form is not on this page: the message on top
    const size_t main = html.find("</h1>");
    return main == std::string::npos ? html : html.insert(main + 5, alert);
  }
  size_t form = html.rfind("<form", at);
  size_t end = html.find("</form>", at);
  // Open the <details> around the form, so the person sees what was refused.
  const size_t details = html.rfind("<details>", form);
  if (details != std::string::npos && html.find("</details>", details) > form) {
    html.replace(details, 9, "<details open>");
    form += 5;
    end += 5;
  }
  html.insert(form, alert);
  form += alert.size();
  end += alert.size();
  for (const auto& [name, value] : typed) {
    if (name != "csrf") PutBack(html, form, end, name, value);
  }
  if (!field.empty()) {
    const size_t named = html.find("name=\"" + field + "\"", form);
    if (named != std::string::npos && named < end) {
      html.insert(named, "aria-invalid=\"true\" aria-describedby=\"form-error\" ");
    }
  }
  return html;
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
dl.strip { display: flex; flex-wrap: wrap; gap: .5rem 2rem; margin: 0 0 1rem; }
dl.strip div { min-width: 9rem; } dl.strip dt { font-size: .85rem; color: #444; }
dl.strip dd { margin: 0; font-size: 1.25rem; font-weight: 700; }
nav.tabs ul { flex-wrap: wrap; border-bottom: 1px solid #ccc; padding-bottom: .25rem; margin-bottom: 1rem; }
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
