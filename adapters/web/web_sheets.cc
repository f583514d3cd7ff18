// The list pages as CSV downloads for Dutch Excel (adapters/system/spreadsheet.h): the same data
// the page shows, every row (a page may show fewer), headers and labels in the page's language.
#include "adapters/system/spreadsheet.h"
#include "adapters/web/web_internal.h"

namespace ontzorg::web {
namespace {

Money Cents(const json& j, const char* key) { return Money::FromCents(I(j, key)); }

}  // namespace

Sheet CaseloadSheet(const PageContext& p, const json& d) {
  SpreadsheetCsv csv({T(p, "Cliënt", "Client"), T(p, "Naam", "Name"), T(p, "Maand", "Month"),
                      T(p, "van", "of"), T(p, "Fase", "Stage"), T(p, "Volgende stap", "Next step"),
                      T(p, "Open signalen", "Open signals"), T(p, "Saldo", "Balance"),
                      T(p, "Gereserveerd", "Reserved"), T(p, "Lening open", "Credit outstanding"),
                      T(p, "Coach", "Coach")});
  for (const json& c : d["clients"]) {
    const bool relief = c.value("in_relief", false);
    csv.Text(S(c, "id")).Text(S(c, "name"));
    csv.Text(relief ? S(c, "relief_month") : "").Text(relief ? S(c, "relief_months") : "");
    csv.Text(relief ? LabelText(p, S(c, "stage")) : T(p, "niet in ontzorgen", "not in relief"));
    csv.Text(relief ? LabelText(p, S(c, "next_step")) : "").Number(I(c, "signals"));
    csv.Amount(Cents(c, "balance_cents")).Amount(Cents(c, "reserved_cents"));
    csv.Amount(Cents(c, "credit_outstanding_cents")).Text(S(c, "coach")).EndRow();
  }
  return {"clienten.csv", csv.str()};
}

Sheet BatchesSheet(const PageContext& p, const json& d) {
  SpreadsheetCsv csv({T(p, "Batch", "Batch"), T(p, "Soort", "Kind"), T(p, "Maand", "Month"),
                      T(p, "Rundatum", "Run date"), T(p, "Betalingen", "Payments"),
                      T(p, "Bedrag", "Amount"), T(p, "Stand", "State"),
                      T(p, "Klaargezet door", "Prepared by")});
  for (const json& b : d["batches"]) {
    csv.Number(I(b, "batch"))
        .Text(S(b, "kind"))
        .Text(S(b, "month"))
        .Text(DutchDay(S(b, "run_date")));
    csv.Number(I(b, "payments")).Amount(Cents(b, "amount_cents"));
    csv.Text(LabelText(p, S(b, "state"))).Text(S(b, "prepared_by")).EndRow();
  }
  return {"batches.csv", csv.str()};
}

Sheet BatchSheet(const PageContext& p, const json& d) {
  SpreadsheetCsv csv({"EndToEndId", T(p, "Cliënt", "Client"), T(p, "Soort", "Kind"),
                      T(p, "Begunstigde", "Payee"), "IBAN", T(p, "Periode", "Period"),
                      T(p, "Vervaldatum", "Due"), T(p, "Uitvoerdatum", "Execution"),
                      T(p, "Bedrag", "Amount"), T(p, "Te laat", "Late"),
                      T(p, "Vervangt", "Replaces")});
  for (const json& x : d["payment_list"]) {
    csv.Text(S(x, "end_to_end_id")).Text(S(x, "client")).Text(LabelText(p, S(x, "kind")));
    csv.Text(S(x, "payee")).Text(S(x, "iban")).Text(S(x, "period")).Text(DutchDay(S(x, "due")));
    csv.Text(DutchDay(S(x, "execution"))).Amount(Cents(x, "amount_cents"));
    csv.Text(x.value("late", false) ? T(p, "ja", "yes") : "").Text(S(x, "replaces")).EndRow();
  }
  return {"batch-" + S(d, "batch") + ".csv", csv.str()};
}

Sheet SignalsSheet(const PageContext& p, const json& d) {
  SpreadsheetCsv csv({T(p, "Gemeld", "Raised"), T(p, "Cliënt", "Client"), T(p, "Signaal", "Signal"),
                      T(p, "Rekening", "Bill"), T(p, "Bedrag", "Amount"),
                      T(p, "Toelichting", "Detail"), T(p, "Stand", "State"), T(p, "Door", "By"),
                      T(p, "Notitie", "Note")});
  for (const json& s : d["signals"]) {
    csv.Text(DutchDay(S(s, "at")))
        .Text(S(s, "client"))
        .Text(LabelText(p, S(s, "code")))
        .Text(S(s, "bill"));
    csv.Amount(Cents(s, "amount_cents")).Text(DetailText(p, s)).Text(LabelText(p, S(s, "state")));
    csv.Text(S(s, "state_by")).Text(S(s, "note")).EndRow();
  }
  return {"signalen.csv", csv.str()};
}

Sheet ReconciliationSheet(const PageContext& p, const json& d) {
  SpreadsheetCsv csv(
      {T(p, "Batch", "Batch"), T(p, "Soort", "Kind"), T(p, "Maand", "Month"),
       T(p, "Stand", "State"), T(p, "Verstuurd", "Sent"), T(p, "Geaccepteerd", "Accepted"),
       T(p, "Geweigerd", "Rejected"), T(p, "Teruggeboekt", "Returned"), T(p, "Geboekt", "Booked"),
       T(p, "Geannuleerd", "Cancelled"), T(p, "Open", "Open"),
       T(p, "Bedrag verstuurd", "Amount sent"), T(p, "Bedrag geboekt", "Amount booked"),
       T(p, "Bedrag mislukt", "Amount failed")});
  for (const json& b : d["batches"]) {
    csv.Number(I(b, "batch")).Text(S(b, "kind")).Text(S(b, "month"));
    csv.Text(LabelText(p, S(b, "state"))).Number(I(b, "sent")).Number(I(b, "accepted"));
    csv.Number(I(b, "rejected")).Number(I(b, "returned")).Number(I(b, "booked"));
    csv.Number(I(b, "cancelled")).Number(I(b, "open")).Amount(Cents(b, "sent_cents"));
    csv.Amount(Cents(b, "booked_cents")).Amount(Cents(b, "failed_cents")).EndRow();
  }
  return {"afstemming.csv", csv.str()};
}

Sheet UsersSheet(const PageContext& p, const json& d) {
  SpreadsheetCsv csv({T(p, "Gebruiker", "User"), T(p, "Naam", "Name"), T(p, "Rol", "Role"),
                      T(p, "Caseload", "Caseload")});
  for (const json& u : d["users"]) {
    csv.Text(S(u, "name")).Text(S(u, "full_name")).Text(LabelText(p, S(u, "role")));
    csv.Number(I(u, "caseload")).EndRow();
  }
  return {"gebruikers.csv", csv.str()};
}

Sheet AuditSheet(const PageContext& p, const json& d) {
  SpreadsheetCsv csv({T(p, "Nr", "Seq"), T(p, "Tijd", "At"), T(p, "Gebruiker", "User"),
                      T(p, "Handeling", "Action"), T(p, "Onderwerp", "Subject"),
                      T(p, "Details", "Detail")});
  for (const json& a : d["log"]) {
    csv.Number(I(a, "seq")).Text(DutchDay(S(a, "at"))).Text(S(a, "user")).Text(S(a, "action"));
    csv.Text(S(a, "subject")).Text(S(a, "detail")).EndRow();
  }
  return {"audit.csv", csv.str()};
}

Sheet AccessSheet(const PageContext& p, const json& d) {
  SpreadsheetCsv csv({T(p, "Nr", "Seq"), T(p, "Tijd", "At"), T(p, "Gebruiker", "User"),
                      T(p, "Rol", "Role"), T(p, "Cliënt", "Client"), T(p, "Pagina", "View")});
  for (const json& a : d["views"]) {
    csv.Number(I(a, "seq")).Text(DutchDay(S(a, "at"))).Text(S(a, "user")).Text(S(a, "role"));
    csv.Text(S(a, "client")).Text(S(a, "view")).EndRow();
  }
  return {"inzagelog.csv", csv.str()};
}

}  // namespace ontzorg::web
