#include "adapters/statement/statement.h"

#include <algorithm>

namespace ontzorg {
std::string HtmlEscape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {

// A value that must keep its own direction inside right-to-left text: names and dates take the
// direction of their own letters; amounts and references are always left to right ("€ 30,00").
std::string Isolate(const std::string& text) { return "<bdi>" + HtmlEscape(text) + "</bdi>"; }
std::string IsolateLtr(const std::string& text) {
  return "<bdi dir=\"ltr\">" + HtmlEscape(text) + "</bdi>";
}

// Fills a template whose values are already HTML; the template itself is escaped.
std::string Html(const std::string& text_template, const std::map<std::string, std::string>& html) {
  return FillText(HtmlEscape(text_template), html);
}

// The statement's key for a payment line: "paid_line" (will be paid), "paid_line_done", ...
std::string LineKey(const std::string& base, const StatementData& d, const Payment& p,
                    std::string* reason) {
  const auto it = d.status.find(p.end_to_end_id);
  if (it == d.status.end()) return base;
  *reason = it->second.reason;
  switch (it->second.outcome) {
    case PaymentOutcome::kPending: return base;
    case PaymentOutcome::kPaid: return base + "_done";
    case PaymentOutcome::kFailed: return base + "_failed";
    case PaymentOutcome::kCancelled: return base + "_cancelled";
  }
  return base;
}

// One-off payments (a deposit, bijzondere bijstand), each saying who pays for it.
std::string OneOffSection(const StatementData& d, const ClientTexts& t) {
  if (d.one_offs.empty()) return "";
  std::string out = "<section>\n<h2>" +
                    HtmlEscape(t.Get("statement.one_off_heading", "one_off_heading")) +
                    "</h2>\n<ul>\n";
  for (const Payment& p : d.one_offs) {
    std::string reason;
    const std::string key = LineKey("one_off_line", d, p, &reason);
    const bool gift = d.special_assistance.count(p.key.substr(0, p.key.find('#'))) > 0;
    out += "<li>" +
           Html(t.Get("statement." + key, t.Get("statement.one_off_line", key)),
                {{"amount", IsolateLtr(EuroForClient(p.amount, &t))},
                 {"creditor", Isolate(p.payee.name)},
                 {"description", Isolate(p.remittance.value)},
                 {"date", Isolate(DateForClient(p.execution, t))},
                 {"reason", Isolate(reason)}}) +
           " " +
           HtmlEscape(gift ? t.Get("statement.one_off_gift", "one_off_gift")
                           : t.Get("statement.one_off_own_funds", "one_off_own_funds")) +
           "</li>\n";
  }
  return out + "</ul>\n</section>\n";
}

// The sender (the municipality) and the addressee (the client), as in a letter.
std::string AddressBlocks(const StatementData& d) {
  std::string out = "<div class=\"addresses\">\n<p class=\"sender\"><bdi>" +
                    HtmlEscape(d.municipality) + "</bdi>";
  for (const std::string& line : d.municipality_address)
    out += "<br><bdi>" + HtmlEscape(line) + "</bdi>";
  out += "</p>\n<p class=\"addressee\"><bdi>" + HtmlEscape(d.client.name) + "</bdi>";
  // "Havenstraat 12, 1234 AB Voorbeeld": one line per part.
  for (size_t from = 0; from < d.client.address.size();) {
    size_t comma = d.client.address.find(',', from);
    if (comma == std::string::npos) comma = d.client.address.size();
    std::string line = d.client.address.substr(from, comma - from);
    while (!line.empty() && line.front() == ' ') line.erase(0, 1);
    if (!line.empty()) out += "<br><bdi>" + HtmlEscape(line) + "</bdi>";
    from = comma + 1;
  }
  return out + "</p>\n</div>\n";
}

std::string KindName(BillKind kind, const ClientTexts& t) {
  return t.Get(std::string("bill_kinds.") + ToString(kind), ToString(kind));
}

constexpr const char* kStyle = R"(
@page { size: A4; margin: 18mm 20mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans", "Noto Naskh Arabic", "DejaVu Sans", sans-serif; font-size: 12pt;
       line-height: 1.55; color: #1a1a1a; max-width: 170mm; margin: 12mm auto; }
[dir="rtl"] body { font-family: "Noto Naskh Arabic", "Noto Sans", "DejaVu Sans", sans-serif;
                   font-size: 13pt; }
header { border-bottom: 3px solid #154273; padding-bottom: 4mm; margin-bottom: 6mm; }
.addresses { display: flex; justify-content: space-between; gap: 10mm; margin-bottom: 6mm;
             font-size: 11pt; }
.addresses p { margin: 0; }
.contact { font-size: 11pt; }
.municipality { font-weight: bold; color: #154273; margin: 0; }
h1 { font-size: 19pt; margin: 2mm 0; }
h2 { font-size: 14pt; color: #154273; margin: 7mm 0 2mm; }
ul { padding-inline-start: 6mm; margin: 0; }
li { margin: 1mm 0; }
bdi { white-space: nowrap; }
.note { color: #444; }
footer { margin-top: 10mm; border-top: 1px solid #999; padding-top: 3mm; font-size: 10pt; }
article + article { break-before: page; margin-top: 20mm; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; }
               article + article { margin-top: 0; } }
)";

}  // namespace

StatementData StatementFromMonth(const std::string& municipality, const Client& client,
                                 const ClientMonth& month, const BridgingPolicy* policy,
                                 const std::optional<Checkpoint>& checkpoint) {
  StatementData d;
  d.municipality = municipality;
  d.client = client;
  d.month = month.month;
  d.relief_month = month.relief_month;
  d.relief_months =
      YearMonth::Of(month.period.last).MonthsSince(YearMonth::Of(month.period.first)) + 1;
  for (const Payment& p : month.payments) {
    switch (p.purpose) {
      case PaymentPurpose::kBill: d.bills_paid.push_back(p); break;
      case PaymentPurpose::kAllowance: d.leefgeld = p; break;
      case PaymentPurpose::kOneOff: d.one_offs.push_back(p); break;
    }
  }
  for (const Entry& e : month.entries) {
    if (e.kind == EntryKind::kSpecialAssistanceReceived) {
      d.special_assistance.insert(e.key.substr(0, e.key.rfind('|')));
    }
  }
  // File order (execution date, then EndToEndId), the same whether the month was just booked or
  // is read back from the store.
  std::sort(d.bills_paid.begin(), d.bills_paid.end(), [](const Payment& a, const Payment& b) {
    return a.execution != b.execution ? a.execution < b.execution
                                      : a.end_to_end_id < b.end_to_end_id;
  });
  d.client_pays = month.client_pays;
  d.credit = month.credit;
  d.policy = policy;
  d.checkpoint = checkpoint;
  return d;
}

std::string NextStepText(const Checkpoint& cp, const ClientTexts& t) {
  std::map<std::string, std::string> values;
  const std::string& subject = cp.next_subject;
  for (const BillReadiness& b : cp.bills) {
    if (b.bill.value == subject) values["kind"] = KindName(b.kind, t);
  }
  const size_t dot = subject.find('.');
  if (cp.next == NextStep::kLearnSkill && dot != std::string::npos) {
    const std::string kind = subject.substr(0, dot), skill = subject.substr(dot + 1);
    values["kind"] = t.Get("bill_kinds." + kind, kind);
    values["skill"] = t.Get("skills." + skill, skill);
  }
  if (cp.next == NextStep::kWorkOnArea) values["area"] = t.Get("areas." + subject, subject);
  return FillText(t.Get(std::string("steps.") + ToString(cp.next), ToString(cp.next)), values);
}

std::string StatementDocumentStart(const ClientTexts& t, const std::string& title) {
  return "<!DOCTYPE html>\n<html lang=\"" + HtmlEscape(t.code) + "\" dir=\"" +
         HtmlEscape(t.direction) + "\">\n<head>\n<meta charset=\"utf-8\">\n<title>" +
         HtmlEscape(title) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n";
}

std::string StatementDocumentEnd() { return "</body>\n</html>\n"; }

std::string RenderStatementHtml(const StatementData& d, const ClientTexts& t) {
  const std::string title =
      FillText(t.Get("statement.title", "title"), {{"month", MonthForClient(d.month, t)}}) + " - " +
      d.client.name;
  return StatementDocumentStart(t, title) + RenderStatementArticle(d, t) + StatementDocumentEnd();
}

// Over 70 lines (72): one page, top to bottom.
// NOLINTNEXTLINE(readability-function-size)
std::string RenderStatementArticle(const StatementData& d, const ClientTexts& t) {
  const auto text = [&](const char* key) { return t.Get(std::string("statement.") + key, key); };
  const auto euro = [&](Money m) { return IsolateLtr(EuroForClient(m, &t)); };
  const auto date = [&](Date day) { return Isolate(DateForClient(day, t)); };
  const std::string month = MonthForClient(d.month, t);
  std::string out = "<article id=\"" + HtmlEscape(d.client.id.value) + "\">\n";
  out += AddressBlocks(d);
  out += "<header>\n<p class=\"municipality\">" + HtmlEscape(d.municipality) + "</p>\n<h1>" +
         Html(text("title"), {{"month", Isolate(month)}}) + "</h1>\n<p>" +
         Html(text("intro"), {{"name", Isolate(d.client.name)},
                              {"month", Isolate(month)},
                              {"relief_month", Isolate(std::to_string(d.relief_month))},
                              {"relief_months", Isolate(std::to_string(d.relief_months))}}) +
         "</p>\n</header>\n";

  out += "<section>\n<h2>" + HtmlEscape(text("paid_heading")) + "</h2>\n";
  if (d.bills_paid.empty()) {
    out += "<p>" + HtmlEscape(text("nothing_paid")) + "</p>\n";
  } else {
    out += "<ul>\n";
    for (const Payment& p : d.bills_paid) {
      std::string reason;
      const std::string key = LineKey("paid_line", d, p, &reason);
      out += "<li>" +
             Html(t.Get("statement." + key, t.Get("statement.paid_line", key)),
                  {{"kind", HtmlEscape(KindName(*p.bill_kind, t))},
                   {"amount", euro(p.amount)},
                   {"creditor", Isolate(p.payee.name)},
                   {"date", date(p.execution)},
                   {"reason", Isolate(reason)}}) +
             "</li>\n";
    }
    out += "</ul>\n";
  }
  out += "</section>\n";
  out += OneOffSection(d, t);

  if (!d.client_pays.empty()) {
    out += "<section>\n<h2>" + HtmlEscape(text("you_pay_heading")) + "</h2>\n<ul>\n";
    for (const ClientPaysBill& b : d.client_pays) {
      out += "<li>" +
             Html(text("you_pay_line"), {{"kind", HtmlEscape(KindName(b.kind, t))},
                                         {"amount", euro(b.amount)},
                                         {"creditor", Isolate(b.creditor)},
                                         {"date", date(b.due)},
                                         {"reference", IsolateLtr(b.reference.value)}}) +
             "</li>\n";
    }
    out += "</ul>\n<p class=\"note\">" + HtmlEscape(text("you_pay_note")) + "</p>\n</section>\n";
  }

  out += "<section>\n<h2>" + HtmlEscape(text("leefgeld_heading")) + "</h2>\n<p>";
  if (d.leefgeld) {
    std::string reason;
    const std::string key = LineKey("leefgeld_line", d, *d.leefgeld, &reason);
    out += Html(t.Get("statement." + key, t.Get("statement.leefgeld_line", key)),
                {{"amount", euro(d.leefgeld->amount)},
                 {"date", date(d.leefgeld->due)},
                 {"reason", Isolate(reason)}});
  } else {
    out += HtmlEscape(text("no_leefgeld"));
  }
  out += "</p>\n</section>\n";

  const std::vector<std::string> loan = CreditStatementLines(d.credit, d.policy, t);
  if (!loan.empty()) {
    out += "<section>\n<h2>" + HtmlEscape(text("loan_heading")) + "</h2>\n";
    for (const std::string& line : loan) out += "<p>" + HtmlEscape(line) + "</p>\n";
    out += "</section>\n";
  }

  if (d.checkpoint) {
    out += "<section>\n<h2>" + HtmlEscape(text("learning_heading")) + "</h2>\n<p>" +
           HtmlEscape(NextStepText(*d.checkpoint, t)) + "</p>\n<p>" +
           Html(text("learning_progress"),
                {{"percent", IsolateLtr(std::to_string(d.checkpoint->progress_percent))}}) +
           "</p>\n</section>\n";
  }
  out += "<footer>" + Html(text("footer"), {{"municipality", Isolate(d.municipality)}});
  if (!d.coach_name.empty()) {
    out += "<p class=\"contact\">" +
           Html(text(d.coach_phone.empty() ? "coach_line_no_phone" : "coach_line"),
                {{"coach", Isolate(d.coach_name)}, {"phone", IsolateLtr(d.coach_phone)}}) +
           "</p>";
  }
  if (!d.municipality_phone.empty()) {
    out += "<p class=\"contact\">" +
           Html(text("municipality_phone"), {{"municipality", Isolate(d.municipality)},
                                             {"phone", IsolateLtr(d.municipality_phone)}}) +
           "</p>";
  }
  out += "</footer>\n</article>\n";
  return out;
}

}  // namespace ontzorg
