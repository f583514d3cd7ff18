#include "adapters/cli/credit_commands.h"

#include <CLI/CLI.hpp>
#include <fstream>
#include <iomanip>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "adapters/app/batches.h"
#include "adapters/app/client_statement.h"
#include "adapters/app/forecast.h"
#include "adapters/app/municipalities.h"
#include "adapters/app/write_offs.h"
#include "adapters/cli/report.h"
#include "adapters/import/csv.h"
#include "adapters/import/importer.h"
#include "adapters/statement/client_texts.h"
#include "adapters/system/files.h"
#include "adapters/system/pdf.h"
#include "engine/forecast.h"
#include "engine/text.h"

namespace ontzorg {
namespace {

std::string Amount(Money m) { return FormatEuros(m, EuroStyle::Plain()); }

// Every case with a plan (or the one asked for), loaded for `month`.
Result<std::vector<ClientCase>, Error> CasesFor(Store& store, const std::string& client,
                                                YearMonth month) {
  std::vector<ClientCase> out;
  if (!client.empty()) {
    auto one = store.LoadCase(ClientId{client}, month);
    if (!one) return Unexpected(one.error());
    if (!*one) {
      return Fail(ErrorCode::kBadInput, "--client '" + client +
                                            "': no such client with a relief "
                                            "plan in the store; check the client number");
    }
    out.push_back(*std::move(one).value());
    return out;
  }
  auto all = store.ForEachCase(month, 1000, [&](ClientCase& c) -> Status<Error> {
    out.push_back(std::move(c));
    return {};
  });
  if (!all) return Unexpected(all.error());
  return out;
}

std::string SignalList(const std::vector<SignalKind>& signals) {
  std::string out;
  for (SignalKind s : signals) out += (out.empty() ? "" : ",") + std::string(ToString(s));
  return out;
}

void PrintForecastTable(const ClientCase& c, const std::vector<ForecastMonth>& months,
                        std::ostream& out) {
  out << "Prognose / forecast " << c.client.id.value << " " << c.client.name
      << " (* = bijstand assumed: the latest recorded amount)\n";
  out << "maand    rel  bijstand  toeslagen  lasten   onbetaald  krediet  verrekend  ingehouden  "
         "leefgeld  openstaand  signalen\n"
      << "month    m.   benefit   income     bills    unpaid     drawn    set off    recovered   "
         "allowance outstanding signals\n";
  for (const ForecastMonth& f : months) {
    out << f.month.ToString() << "  ";
    if (!f.in_relief && f.relief_month == 0) {
      out << "--   niet in ontzorging / not in relief\n";
      continue;
    }
    out << std::left << std::setw(3) << (f.in_relief ? std::to_string(f.relief_month) : "na")
        << std::right << std::setw(9) << Amount(f.bijstand) << (f.bijstand_assumed ? "*" : " ")
        << std::setw(10) << Amount(f.income) << std::setw(9) << Amount(f.bills_paid)
        << std::setw(11) << Amount(f.bills_unpaid) << std::setw(9) << Amount(f.credit_drawn)
        << std::setw(11) << Amount(f.credit_set_off) << std::setw(12) << Amount(f.credit_recovered)
        << std::setw(10) << Amount(f.leefgeld) << std::setw(12) << Amount(f.outstanding) << "  "
        << SignalList(f.signals) << (f.already_booked ? " (already booked)" : "") << "\n";
  }
}

nlohmann::json ForecastJson(const ClientCase& c, const std::vector<ForecastMonth>& months) {
  nlohmann::json rows = nlohmann::json::array();
  for (const ForecastMonth& f : months) {
    nlohmann::json signals = nlohmann::json::array();
    for (SignalKind s : f.signals) signals.push_back(ToString(s));
    rows.push_back({{"month", f.month.ToString()},
                    {"run_date", f.run_date.ToString()},
                    {"in_relief", f.in_relief},
                    {"relief_month", f.relief_month},
                    {"already_booked", f.already_booked},
                    {"bijstand_cents", f.bijstand.cents()},
                    {"bijstand_assumed", f.bijstand_assumed},
                    {"income_cents", f.income.cents()},
                    {"bills_paid_cents", f.bills_paid.cents()},
                    {"bills_unpaid_cents", f.bills_unpaid.cents()},
                    {"credit_drawn_cents", f.credit_drawn.cents()},
                    {"credit_set_off_cents", f.credit_set_off.cents()},
                    {"credit_recovered_cents", f.credit_recovered.cents()},
                    {"leefgeld_cents", f.leefgeld.cents()},
                    {"minimum_cents", f.minimum.cents()},
                    {"outstanding_cents", f.outstanding.cents()},
                    {"signals", signals}});
  }
  return {{"client", c.client.id.value}, {"name", c.client.name}, {"months", rows}};
}

}  // namespace

int ForecastCommand(const Globals& g, const ForecastOptions& o) {
  if (o.months < 1 || o.months > 24) {
    std::cerr << "ontzorg: --months " << o.months << ": give 1 to 24\n";
    return kExitUsage;
  }
  auto opened = OpenStore(g);
  if (!opened) return Report(opened.error());
  Store& store = *opened->store;
  auto latest = store.LatestRun();
  if (!latest) return Report(latest.error());
  YearMonth from = *latest ? (*latest)->month.AddMonths(1) : YearMonth::Of(Today());
  if (!o.from.empty()) {
    const auto m = ParseFlag<YearMonth>("--from", o.from);
    if (!m) return ExitCodeFor(ErrorCode::kBadInput);
    from = *m;
  }
  Date run_date =
      *latest ? (*latest)->run_date.AddMonthsClamped(from.MonthsSince((*latest)->month)) : Today();
  if (!o.run_date.empty()) {
    const auto d = ParseFlag<Date>("--run-date", o.run_date);
    if (!d) return ExitCodeFor(ErrorCode::kBadInput);
    run_date = *d;
  }
  auto creditors = store.LoadCreditors();
  if (!creditors) return Report(creditors.error());
  auto cases = CasesFor(store, o.client, from);
  if (!cases) return Report(cases.error());
  if (auto seen = RecordView(g, store, o.client.empty() ? "*" : o.client, "ontzorg forecast");
      !seen) {
    return Report(seen.error());
  }
  nlohmann::json clients = nlohmann::json::array();
  for (const ClientCase& c : *cases) {
    auto benefits = store.Benefits(c.client.id);
    if (!benefits) return Report(benefits.error());
    auto changed = ChangedRecords(store, c.client.id, from, o.months);
    if (!changed) return Report(changed.error());
    auto own = ConfigOfClient(opened->config, store, c.client.id, from);  // its municipality's
    if (!own) return Report(own.error());
    const auto months =
        Forecast(c, *benefits, *creditors, own->month, from, run_date, o.months, *changed);
    if (o.json) {
      clients.push_back(ForecastJson(c, months));
    } else {
      PrintForecastTable(c, months, std::cout);
      std::cout << "\n";
    }
  }
  if (o.json) {
    std::cout << nlohmann::json{{"from", from.ToString()},
                                {"run_date", run_date.ToString()},
                                {"clients", clients}}
                     .dump(2)
              << "\n";
  } else {
    std::cout << "Aannames / assumptions: run dates from " << run_date.ToString()
              << ", one month apart; toeslagen arrive as the coach expects them (an overdue one "
                 "just after the run date); bijstand as recorded, else the latest amount.\n";
  }
  return kExitOk;
}

// Over 70 lines (108): one report, top to bottom.
// NOLINTNEXTLINE(readability-function-size)
int CreditCommand(const Globals& g, const std::string& client, const std::string& month_text,
                  const std::string& language) {
  auto opened = OpenStore(g);
  if (!opened) return Report(opened.error());
  Store& store = *opened->store;
  const ClientId id{client};
  if (auto seen = RecordView(g, store, client, "ontzorg credit"); !seen) {
    return Report(seen.error());
  }
  auto entries = store.ClientEntries(id);
  if (!entries) return Report(entries.error());
  std::set<YearMonth> months;
  for (const Entry& e : *entries) months.insert(e.month);
  YearMonth month = months.empty() ? YearMonth::Of(Today()) : *months.rbegin();
  if (!month_text.empty()) {
    const auto m = ParseFlag<YearMonth>("--month", month_text);
    if (!m) return ExitCodeFor(ErrorCode::kBadInput);
    month = *m;
  }
  auto loaded = store.LoadCase(id, month);
  if (!loaded) return Report(loaded.error());
  if (!*loaded) {
    return Report(
        Error{ErrorCode::kBadInput, "--client '" + client +
                                        "': no such client with a "
                                        "relief plan in the store; check the client number"});
  }
  const ClientCase& c = **loaded;
  auto own = ConfigOfClient(opened->config, store, id, month);  // its municipality's (issue 20)
  if (!own) return Report(own.error());
  const Config& config = *own;
  const BridgingPolicy* policy = PolicyOn(config.month.bridging, month.FirstDay());
  std::ostream& out = std::cout;
  out << "Leningoverzicht / loan ledger " << c.client.id.value << " " << c.client.name << " ("
      << ToString(c.client.household) << ", " << c.client.adults << " adult(s), "
      << c.client.children << " child(ren))\n";
  if (policy) {
    out << "  Beleid / policy from " << policy->valid_from.ToString() << ": "
        << ToString(policy->form) << ", minimum leefgeld "
        << Amount(MinimumAllowance(*policy, c.client)) << ", ceiling "
        << Amount(Ceiling(*policy, c.client.household)) << ", recovery at most "
        << Amount(policy->recovery_instalment) << " a month\n";
  } else {
    out << "  Geen overbruggingsbeleid / no bridging policy in force for " << month.ToString()
        << "\n";
  }
  out << "\n  maand    verstrekt  verrekend  naar inv.  ingehouden  kwijtgesch.  lening  "
         "in te vorderen\n"
      << "  month    drawn      set off    to recover recovered   written off  loan    "
         "to recover\n";
  for (YearMonth m : months) {
    if (month < m) break;
    const CreditMonth cm = CreditFromEntries(*entries, id, m);
    out << "  " << m.ToString() << std::right << std::setw(10) << Amount(cm.drawn) << std::setw(11)
        << Amount(cm.set_off) << std::setw(11) << Amount(cm.moved_to_recovery) << std::setw(12)
        << Amount(cm.recovered) << std::setw(13) << Amount(cm.written_off) << std::setw(8)
        << Amount(cm.after.loan) << std::setw(12) << Amount(cm.after.to_recover)
        << (cm.form == CreditForm::kGift ? "  (gift)" : "") << "\n";
  }
  const CreditMonth now = CreditFromEntries(*entries, id, month);
  out << "  Openstaand / outstanding after " << month.ToString() << ": "
      << Amount(now.after.Outstanding()) << "; given as gift in all: " << Amount(now.after.granted)
      << "\n\n  Verwachte toeslagen / expected toeslagen:\n";
  if (c.toeslagen.empty()) out << "    none recorded\n";
  for (const ToeslagExpectation& e : c.toeslagen) {
    const auto first =
        ExpectedPayments(e, {.lag_days = policy ? policy->toeslag_lag_days : 56, .count = 1})
            .front();
    out << "    " << std::left << std::setw(20) << DutchName(e.kind) << std::right << std::setw(9)
        << Amount(e.monthly) << " a month from " << e.right_from.ToString() << ", applied "
        << e.applied_on.ToString() << ", first expected " << first.date.ToString() << " ("
        << Amount(first.amount) << "), to "
        << (e.paid_to == Destination::kManaged ? "the managed account" : "the own account") << "\n";
  }
  out << "  Nog te verwachten / still expected (cover): "
      << Amount(ExpectedCover(c.toeslagen, c.receipts, month, month.LastDay())) << "\n";
  out << "\n  Ontvangen / received:\n";
  if (c.receipts.empty()) out << "    none recorded\n";
  for (const Receipt& r : c.receipts) {
    out << "    " << std::left << std::setw(12) << r.id << std::setw(20) << DutchName(r.kind)
        << r.received_on.ToString() << std::right << std::setw(10) << Amount(r.amount) << "  "
        << (r.covers_from ? r.covers_from->ToString() + ".." + r.covers_to->ToString() + "  "
                          : std::string())
        << (r.landed_on == Destination::kManaged ? "managed account" : "OWN account") << ", "
        << (r.processed_in ? "processed in " + r.processed_in->ToString() : "not yet processed")
        << "\n";
  }
  auto write_offs = store.WriteOffs(id);
  if (!write_offs) return Report(write_offs.error());
  if (!write_offs->empty()) out << "\n  Kwijtschelding / write-off decisions:\n";
  for (const WriteOff& w : *write_offs) {
    out << "    " << w.id << " " << Amount(w.amount) << " decided " << w.decided_on.ToString()
        << " by " << w.decided_by << ": " << w.reason << " ("
        << (w.processed_in ? "booked in " + w.processed_in->ToString() : "booked by the next run")
        << ")\n";
  }
  // What the client reads: in the client's language, and in English beside it.
  CreditMonth for_client = now;
  if (policy) for_client.minimum = MinimumAllowance(*policy, c.client);
  if (policy) for_client.form = policy->form;
  std::vector<std::string> codes = {language.empty() ? config.default_language : language};
  if (codes[0] != "en") codes.push_back("en");
  for (const std::string& code : codes) {
    auto texts = LoadClientTexts(config.texts_dir, code);
    if (!texts) return Report(texts.error());
    out << "\n  Op het overzicht voor de client / on the client's statement (" << texts->language
        << ", " << month.ToString() << "):\n";
    const auto lines = CreditStatementLines(for_client, policy, *texts);
    if (lines.empty()) out << "    (nothing about credit this month)\n";
    for (const std::string& line : lines) out << "    " << line << "\n";
  }
  return kExitOk;
}

int WriteOffCommand(const Globals& g, const std::string& client, const std::string& amount_text,
                    const std::string& reason, const std::string& decided_on) {
  const auto parsed = ParseTypedEuros(amount_text);
  if (!parsed || !parsed->IsPositive()) {
    std::cerr << "ontzorg: --amount '" << amount_text << "': "
              << (parsed ? "must be more than 0.00"
                         : ExplainTypedAmountError(parsed.error(), amount_text))
              << "\n";
    return ExitCodeFor(ErrorCode::kBadInput);
  }
  if (reason.find_first_not_of(" \t") == std::string::npos) {
    std::cerr << "ontzorg: --reason: a write-off needs the decision's reason; nothing was "
                 "recorded\n";
    return ExitCodeFor(ErrorCode::kBadInput);
  }
  Date day = Today();
  if (!decided_on.empty()) {
    const auto d = ParseFlag<Date>("--decided-on", decided_on);
    if (!d) return ExitCodeFor(ErrorCode::kBadInput);
    day = *d;
  }
  auto opened = OpenStore(g);
  if (!opened) return Report(opened.error());
  const Money amount = *parsed;
  auto applied = RecordWriteOff(*opened->store, {ClientId{client}, amount, reason, day},
                                {g.user, NowIsoSeconds()}, FieldNames::kOption);
  if (!applied) return Report(applied.error());
  std::cout << "kwijtschelding / write-off " << *applied << " recorded: " << Amount(amount)
            << " for client " << client << ", decided " << day.ToString() << " by " << g.user
            << " (" << reason << "); the next run books it\n";
  return kExitOk;
}

int ReceiptCommand(const Globals& g, const ReceiptOptions& o) {
  auto added = RecordRow(g, "receipts.csv", "receipt",
                         {{"id", o.id},
                          {"client_id", o.client},
                          {"kind", o.kind},
                          {"received_on", o.received_on},
                          {"amount", o.amount},
                          {"covers_from", o.covers_from},
                          {"covers_to", o.covers_to},
                          {"landed_on", o.landed_on}});
  if (!added) return Report(added.error());
  if (added->receipts.empty()) {
    std::cout << "receipt " << o.id << " is already recorded with these data; nothing changed\n";
    return kExitOk;
  }
  const Receipt& r = added->receipts.front();
  std::cout << "ontvangst / receipt " << r.id << " recorded: " << DutchName(r.kind) << " "
            << Amount(r.amount) << " on " << r.received_on.ToString() << " for client "
            << r.client.value << ", on the "
            << (r.landed_on == Destination::kManaged ? "managed" : "client's own")
            << " account; the next run processes it\n";
  return kExitOk;
}

int CreditCsvCommand(const Globals& g, const std::string& path) {
  auto opened = OpenStore(g);
  if (!opened) return Report(opened.error());
  auto positions = opened->store->CreditPositions();
  if (!positions) return Report(positions.error());
  if (path == "-") {
    WriteCreditCsv(*positions, std::cout);
    return kExitOk;
  }
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  WriteCreditCsv(*positions, file);
  file.close();
  if (!file) return Report(Error{ErrorCode::kIo, path + ": cannot be written"});
  std::cerr << "credit positions of " << positions->size() << " clients written to " << path
            << "\n";
  return kExitOk;
}

struct StatementFlags {
  std::string client, month, pdf, html;
};

// One client's statement of a month as a PDF (A4, the client's language) or HTML file.
int StatementCommand(const Globals& g, const StatementFlags& o) {
  if (o.pdf.empty() == o.html.empty()) {
    std::cerr << "ontzorg: give --pdf FILE or --html FILE\n";
    return kExitUsage;
  }
  auto opened = OpenStore(g);
  if (!opened) return Report(opened.error());
  Store& store = *opened->store;
  YearMonth month = YearMonth::Of(Today());
  if (o.month.empty()) {
    auto latest = store.LatestRun();
    if (!latest) return Report(latest.error());
    if (*latest) month = (*latest)->month;
  } else {
    const auto m = ParseFlag<YearMonth>("--month", o.month);
    if (!m) return ExitCodeFor(ErrorCode::kBadInput);
    month = *m;
  }
  auto found = store.FindClient(ClientId{o.client});
  if (!found) return Report(found.error());
  if (!*found) {
    return Report(Error{ErrorCode::kBadInput,
                        "--client '" + o.client + "': no such client; check the client number"});
  }
  auto statement = LoadClientStatement(opened->config, store, ClientId{o.client}, month);
  if (!statement) return Report(statement.error());
  if (auto seen = RecordView(g, store, o.client, "ontzorg statement"); !seen) {
    return Report(seen.error());
  }
  if (!o.pdf.empty()) {
    if (auto s = HtmlToPdf(statement->Html(), o.pdf); !s) return Report(s.error());
  } else {
    std::ofstream file(o.html, std::ios::binary | std::ios::trunc);
    file << statement->Html();
    file.close();
    if (!file) return Report(Error{ErrorCode::kIo, o.html + ": cannot be written"});
  }
  std::cout << "statement of " << o.client << " for " << month.ToString() << " ("
            << statement->texts.code << (statement->booked ? "" : ", not yet run: a preview")
            << ") written to " << (o.pdf.empty() ? o.html : o.pdf) << "\n";
  return kExitOk;
}

void AddCreditCommands(CLI::App& app, const Globals& g, CommandTable* table) {
  auto so = std::make_shared<StatementFlags>();
  auto* statement = app.add_subcommand(
      "statement",
      "one client's statement of a month as a PDF (A4, the client's language, headless Chromium) "
      "or HTML: what will be paid, what was paid, what the bank refused");
  statement->add_option("--client", so->client, "the client number")->required();
  statement->add_option("--month", so->month, "YYYY-MM (default: the latest run's month)");
  statement->add_option("--pdf", so->pdf, "write the PDF here");
  statement->add_option("--html", so->html, "write the HTML here");
  table->Add(statement, [&g, so] { return StatementCommand(g, *so); });

  auto fo = std::make_shared<ForecastOptions>();
  auto* forecast = app.add_subcommand("forecast",
                                      "project the next months per client: bijstand, "
                                      "toeslagen, bills, credit, leefgeld");
  forecast->add_option("--client", fo->client, "one client (default: every client with a plan)");
  forecast->add_option("--from", fo->from, "first month, YYYY-MM (default: after the latest run)");
  forecast->add_option("--run-date", fo->run_date, "assumed run date of the first month");
  forecast->add_option("--months", fo->months, "how many months")->capture_default_str();
  forecast->add_flag("--json", fo->json,
                     "JSON for case systems and the web app (amounts in cents)");
  table->Add(forecast, [&g, fo] { return ForecastCommand(g, *fo); });

  struct CreditFlags {
    std::string client, month, language;
  };
  auto co = std::make_shared<CreditFlags>();
  auto* credit = app.add_subcommand("credit",
                                    "a client's loan ledger, expected toeslagen, "
                                    "receipts and statement lines");
  credit->add_option("--client", co->client, "the client number")->required();
  credit->add_option("--month", co->month, "up to this month (default: the latest booked)");
  credit->add_option("--language", co->language, "statement language (a file in config/texts)");
  table->Add(credit, [&g, co] { return CreditCommand(g, co->client, co->month, co->language); });

  struct WriteOffFlags {
    std::string client, amount, reason, decided_on;
  };
  auto wo = std::make_shared<WriteOffFlags>();
  auto* write_off = app.add_subcommand("write-off",
                                       "record a decision to write off bridging "
                                       "credit (booked by the next run)");
  write_off->add_option("--client", wo->client, "the client number")->required();
  write_off->add_option("--amount", wo->amount, "euros, e.g. 150.00")->required();
  write_off->add_option("--reason", wo->reason, "the decision's reason")->required();
  write_off->add_option("--decided-on", wo->decided_on, "date of the decision (default: today)");
  table->Add(write_off, [&g, wo] {
    return WriteOffCommand(g, wo->client, wo->amount, wo->reason, wo->decided_on);
  });

  auto ro = std::make_shared<ReceiptOptions>();
  auto* receipt = app.add_subcommand("receipt",
                                     "record money received by hand (a toeslag, "
                                     "vakantietoeslag or refund), as in receipts.csv");
  receipt->add_option("--id", ro->id, "a unique id, e.g. the bank's reference")->required();
  receipt->add_option("--client", ro->client, "the client number")->required();
  receipt
      ->add_option("--kind", ro->kind,
                   "rent_allowance, care_allowance, child_budget, "
                   "holiday_allowance, energy_refund, creditor_refund")
      ->required();
  receipt->add_option("--received-on", ro->received_on, "YYYY-MM-DD")->required();
  receipt->add_option("--amount", ro->amount, "euros, e.g. 1200.00")->required();
  receipt->add_option("--covers-from", ro->covers_from, "first month it pays for (toeslagen)");
  receipt->add_option("--covers-to", ro->covers_to, "last month it pays for (toeslagen)");
  receipt->add_option("--landed-on", ro->landed_on, "managed or own")->required();
  table->Add(receipt, [&g, ro] { return ReceiptCommand(g, *ro); });
}

}  // namespace ontzorg
