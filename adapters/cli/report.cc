#include "adapters/cli/report.h"

#include <iomanip>
#include <map>
#include <sstream>

#include "adapters/system/spreadsheet.h"
#include "engine/text.h"

namespace ontzorg {
namespace {

std::string Euro(Money m) { return FormatEuros(m); }
// An amount in a right-aligned column: "1.234,56" (the header says euros).
std::string Column(Money m) { return FormatEuros(m, EuroStyle::Plain()); }

void Line(std::ostream& out, const std::string& label, const std::string& value) {
  out << "  " << std::left << std::setw(52) << label << value << "\n";
}

void PrintFiles(const std::vector<FileRecord>& files, std::ostream& out) {
  for (const FileRecord& f : files) {
    out << "  " << (f.written_path.empty() ? f.name : f.written_path) << "\n"
        << "      MsgId " << f.msg_id << ", " << f.format << ", " << f.tx_count
        << " transacties / transactions, " << Euro(Money::FromCents(f.ctrl_sum_cents)) << ", "
        << f.status << "\n";
    if (!f.sha256.empty()) {
      out << "      SHA-256 " << f.sha256 << "\n      SHA-1   " << f.sha1
          << "  (BNG hashtotaal / hash total)\n";
    }
  }
}

void PrintFindings(const std::vector<Finding>& findings, std::ostream& out) {
  std::map<std::string, int> counts;
  for (const Finding& f : findings) counts[f.code]++;
  out << "Bevindingen / findings: " << findings.size();
  for (const auto& [code, n] : counts) out << ", " << code << " " << n;
  out << "\n";
  for (const Finding& f : findings) {
    out << "  " << std::left << std::setw(12) << f.client.value << std::setw(11) << f.code
        << std::setw(10) << f.bill << std::right << std::setw(12)
        << (f.amount.IsPositive() ? Column(f.amount) : "") << "  " << f.detail << "\n";
  }
}

}  // namespace

// Over 70 lines (78): one report, top to bottom.
// NOLINTNEXTLINE(readability-function-size)
void PrintRunReport(const RunReport& r, std::ostream& out) {
  out << "Maandrun / monthly run " << r.month.ToString() << ", rundatum / run date "
      << r.run_date.ToString();
  if (r.run_id > 0) out << ", run " << r.run_id;
  out << "\n";
  Line(out, "Clienten in ontzorging / clients in relief:", std::to_string(r.clients_in_relief));
  if (r.clients_settling > 0) {
    Line(out,
         "Na ontzorging, afwikkeling / settling after relief:", std::to_string(r.clients_settling));
  }
  Line(out, "Bijstand geboekt / benefits booked:", Euro(r.benefits_booked));
  Line(out, "Vaste lasten betaald / bills paid:",
       std::to_string(r.bill_payments) + " payments, " + Euro(r.bills_total));
  Line(out, "Leefgeld betaald / living allowance paid:",
       std::to_string(r.allowance_payments) + " payments, " + Euro(r.allowance_total));
  Line(out, "Eerder al geboekt / already booked before:", std::to_string(r.already_booked));
  Line(out, "Toeslagen e.d. ontvangen / income received:", Euro(r.income_received));
  Line(out, "Overbruggingskrediet verstrekt / credit drawn:",
       Euro(r.credit_drawn) + " (" + std::to_string(r.clients_with_credit_drawn) + " clients)");
  Line(out, "Verrekend met toeslagen / set off:", Euro(r.credit_set_off));
  Line(out, "Ingehouden op leefgeld / recovered:", Euro(r.credit_recovered));
  Line(out, "Naar invordering / moved to recovery:", Euro(r.credit_moved_to_recovery));
  Line(out, "Kwijtgescholden / written off:", Euro(r.credit_written_off));
  Line(out, "Krediet openstaand / credit outstanding:", Euro(r.credit_outstanding));
  Line(out, "Onder minimum leefgeld / below minimum:", std::to_string(r.clients_below_minimum));
  if (r.credit_drawn.IsPositive() || r.credit_set_off.IsPositive() ||
      r.credit_recovered.IsPositive()) {
    // Treasury: credit is the municipality's money on the managed account.
    Line(out, "Te storten door gemeente / to fund (municipality):", Euro(r.credit_drawn));
    Line(out, "Terug naar gemeente / to return to the municipality:",
         Euro(r.credit_set_off + r.credit_recovered));
  }
  if (r.run_id > 0 && !r.findings_only) {
    std::ostringstream took;
    took << std::fixed << std::setprecision(1) << "booking " << r.booking_seconds
         << " s, checkpoints and statements " << r.files_seconds << " s";
    Line(out, "Duur / duration:", took.str());
  }
  if (r.run_id == 0 && r.clients_in_relief == 0 && r.clients_settling == 0) {
    out << "Niemand in ontzorging in deze maand / no client is in relief in this month: nothing "
           "was booked.\n";
  } else if (r.findings_only) {
    out << "Niets te betalen / nothing to pay this month; " << r.findings.size()
        << " bevinding(en) bewaard / finding(s) kept as signals (run " << r.run_id
        << ", no batch): see below and `ontzorg report --month " << r.month.ToString() << "`.\n";
  } else if (r.run_id == 0) {
    out << "Niets nieuws te betalen / nothing new to pay: everything due this month was already "
           "booked by an earlier run; nothing was paid twice.\n";
  }
  if (!r.files.empty()) {
    out << "Batch " << r.run_id << " klaargezet / prepared: " << r.files.size()
        << " SEPA-bestand(en) / file(s), written when a second person with role finance has "
           "approved it:\n    ontzorg approve --batch "
        << r.run_id << " --user <someone else>   then   ontzorg export --batch " << r.run_id
        << "\n";
    PrintFiles(r.files, out);
  }
  if (!r.credit_lines.empty()) {
    out << "Krediet per client / credit per client (drawn, set off, recovered, written off, "
           "outstanding):\n";
    for (const RunReport::CreditLine& l : r.credit_lines) {
      const CreditMonth& c = l.credit;
      out << "  " << std::left << std::setw(12) << l.client.value << std::right << std::setw(10)
          << Column(c.drawn) << std::setw(10) << Column(c.set_off) << std::setw(10)
          << Column(c.recovered) << std::setw(10) << Column(c.written_off) << std::setw(10)
          << Column(c.after.Outstanding())
          << (c.form == CreditForm::kGift ? "  (gift / bijzondere bijstand)" : "") << "\n";
    }
  }
  if (r.emission.checkpoints > 0) {
    out << "Leervoortgang / learning checkpoints (" << r.emission.checkpoints << " clients):\n  "
        << r.emission.checkpoints_jsonl << "\n  " << r.emission.checkpoints_csv << "\n";
    out << "Overzichten voor clienten / client statements (" << r.emission.statements;
    for (const auto& [language, n] : r.emission.statements_by_language) {
      out << ", " << language << " " << n;
    }
    out << "):\n  " << r.emission.statements_dir << "/\n";
    for (const std::string& w : r.emission.warnings) out << "  warning: " << w << "\n";
  }
  PrintFindings(r.findings, out);
}

void WriteCreditCsv(const std::vector<CreditPosition>& positions, std::ostream& out) {
  SpreadsheetCsv csv({"cliënt / client", "naam / name", "verstrekt / drawn", "verrekend / set off",
                      "teruggevorderd / recovered", "kwijtgescholden / written off",
                      "gift / granted", "lening open / loan", "terug te vorderen / to recover",
                      "openstaand / outstanding"});
  for (const CreditPosition& p : positions) {
    csv.Text(p.client.value).Text(p.name).Amount(p.drawn).Amount(p.set_off).Amount(p.recovered);
    csv.Amount(p.written_off).Amount(p.granted).Amount(p.loan).Amount(p.to_recover);
    csv.Amount(p.Outstanding()).EndRow();
  }
  out << csv.str();
}

Status<Error> PrintStoreReport(Store& store, std::optional<YearMonth> month, std::ostream& out) {
  auto runs = store.Runs(month);
  if (!runs) return Unexpected(runs.error());
  auto ledger = store.LedgerCheck();
  if (!ledger) return Unexpected(ledger.error());
  out << "Grootboek / ledger: managed account " << Euro(ledger->bank) << ", client balances "
      << Euro(ledger->clients)
      << (ledger->bank == ledger->clients ? " (balanced)" : " (NOT BALANCED)")
      << ", lowest client balance " << Euro(ledger->lowest_client)
      << (ledger->lowest_client.IsNegative() ? " (OVERDRAWN)" : "") << "\n";
  out << "Kredietrekening / credit account: lent out " << Euro(ledger->bridging)
      << ", client loans " << Euro(ledger->loans)
      << (ledger->bridging == ledger->loans ? " (balanced)" : " (NOT BALANCED)") << "; gifts "
      << Euro(ledger->special_assistance)
      << (ledger->special_assistance == ledger->grants ? " (balanced)" : " (NOT BALANCED)") << "\n";
  auto credit = store.CreditPositions();
  if (!credit) return Unexpected(credit.error());
  Money drawn, set_off, recovered, written_off, outstanding;
  int64_t open = 0;
  for (const CreditPosition& p : *credit) {
    drawn += p.drawn;
    set_off += p.set_off;
    recovered += p.recovered;
    written_off += p.written_off;
    outstanding += p.Outstanding();
    open += p.Outstanding().IsPositive();
  }
  out << "Overbruggingskrediet / bridging credit: drawn " << Euro(drawn) << ", set off "
      << Euro(set_off) << ", recovered " << Euro(recovered) << ", written off " << Euro(written_off)
      << ", outstanding " << Euro(outstanding) << " (" << open << " clients)\n";
  if (runs->empty())
    out << "Nog geen runs / no runs yet" << (month ? " for this month" : "") << "\n";
  for (const RunRecord& run : *runs) {
    out << "\nRun " << run.id << ": maand / month " << run.month.ToString() << ", run date "
        << run.run_date.ToString() << ", started " << run.started_at << " by " << run.user << "\n";
    auto files = store.Files(run.id, "");
    if (!files) return Unexpected(files.error());
    PrintFiles(*files, out);
    auto findings = store.Findings(run.id);
    if (!findings) return Unexpected(findings.error());
    PrintFindings(*findings, out);
  }
  return {};
}

}  // namespace ontzorg
