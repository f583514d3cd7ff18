// `ontzorg`: the command line, the composition root. Reads config and arguments, opens the store,
// calls the use cases, prints reports. Exit codes: see README ("Exit codes").
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "adapters/app/batches.h"
#include "adapters/app/run_month.h"
#include "adapters/cli/batch_commands.h"
#include "adapters/cli/common.h"
#include "adapters/cli/credit_commands.h"
#include "adapters/cli/learning_commands.h"
#include "adapters/cli/report.h"
#include "adapters/cli/serve_command.h"
#include "adapters/config/config.h"
#include "adapters/import/importer.h"
#include "adapters/storage/store.h"
#include "adapters/system/files.h"
#include "engine/checks.h"

namespace ontzorg {
namespace {

int CheckCommand(const std::string& what, const std::string& value) {
  std::string reason;
  std::string normal;
  if (what == "iban") {
    auto r = ParseIban(value);
    if (r)
      normal = r->Formatted();
    else
      reason = ExplainIbanError(r.error(), value);
  } else if (what == "bic") {
    auto r = ParseBic(value);
    if (r)
      normal = *r;
    else
      reason = ExplainBicError(r.error(), value);
  } else if (what == "bsn") {
    auto r = ParseBsn(value);
    if (r)
      normal = "valid BSN";
    else
      reason = ExplainBsnError(r.error(), value);
  } else {
    const ReferenceKind kind = GuessReferenceKind(value);
    auto r = ParseReference(kind, value);
    const char* names[] = {"betalingskenmerk", "RF creditor reference", "free text"};
    if (r)
      normal = *r + " (" + names[static_cast<int>(kind)] + ")";
    else
      reason = ExplainReferenceError(r.error(), value);
  }
  if (!reason.empty()) {
    std::cout << "invalid: " << reason << "\n";
    return kExitInvalid;
  }
  std::cout << "valid: " << normal << "\n";
  return kExitOk;
}

int InitCommand(const Globals& g) {
  auto config = LoadWithOverrides(g);
  if (!config) return Report(config.error());
  auto store = Store::Init(config->store_url);
  if (!store) return Report(store.error());
  std::cout << "store " << config->store_url << " ready, schema version "
            << (*store)->SchemaVersion() << "\n";
  return kExitOk;
}

int ImportCommand(const Globals& g, const std::string& dir) {
  auto opened = OpenStore(g);
  if (!opened) return Report(opened.error());
  auto report =
      ImportDirectory(dir, *opened->store, g.user, NowIsoSeconds(), &opened->config.competences);
  if (!report) return Report(report.error());
  const ImportBatch& a = report->added;
  std::cout << "imported from " << dir << ": " << a.creditors.size() << " creditors, "
            << a.clients.size() << " clients, " << a.plans.size() << " plans, " << a.bills.size()
            << " bills, " << a.benefits.size() << " bijstand amounts, " << a.toeslagen.size()
            << " toeslag expectations, " << a.receipts.size() << " receipts, "
            << a.assessments.size() << " assessments, " << a.hand_overs.size()
            << " hand-over decisions, " << a.confirmations.size() << " confirmations, "
            << a.direct_debits.size() << " direct-debit records; " << report->skipped_identical
            << " rows were already stored and were skipped\n";
  return kExitOk;
}

int RunCommand(const Globals& g, const std::string& month_text, const std::string& date_text,
               const std::string& out_dir) {
  const auto month = ParseFlag<YearMonth>("--month", month_text);
  const auto date = date_text.empty() ? Today() : ParseFlag<Date>("--run-date", date_text);
  if (!month || !date) return ExitCodeFor(ErrorCode::kBadInput);
  const Date run_date = *date;
  if (month->FirstDay().AddDays(-364) > run_date) {
    std::cerr << "ontzorg: month " << month->ToString() << " cannot be run on "
              << run_date.ToString() << ": banks take execution dates at most 364 days ahead\n";
    return ExitCodeFor(ErrorCode::kBadInput);
  }
  if (run_date < Today()) {
    std::cerr << "ontzorg: warning: run date " << run_date.ToString() << " lies before today; "
              << "payments due before today are flagged late and go out on the run date, which "
              << "a bank may refuse as an execution date in the past\n";
  }
  auto opened = OpenStore(g);
  if (!opened) return Report(opened.error());
  // The run prepares a batch: its preparer must be a registered finance user, so that the
  // approval by a second person means two people.
  if (auto user = RequireRole(*opened->store, g.user, {"finance"}, "prepare a batch (run a month)");
      !user) {
    return Report(user.error());
  }
  RunOptions options{*month, run_date, out_dir, g.user, NowIsoSeconds(), 2000, {}};
  if (isatty(STDERR_FILENO)) {
    options.progress = [](int64_t done, int64_t total) {
      std::fprintf(stderr, "\r  %lld / %lld clients", static_cast<long long>(done),
                   static_cast<long long>(total));
      if (done >= total) std::fprintf(stderr, "\n");
    };
  }
  auto report = RunMonth(opened->config, *opened->store, options);
  if (!report) return Report(report.error());
  PrintRunReport(*report, std::cout);
  return kExitOk;
}

int ReportCommand(const Globals& g, const std::string& month_text) {
  std::optional<YearMonth> month;
  if (!month_text.empty()) {
    month = ParseFlag<YearMonth>("--month", month_text);
    if (!month) return ExitCodeFor(ErrorCode::kBadInput);
  }
  auto opened = OpenStore(g);
  if (!opened) return Report(opened.error());
  auto status = PrintStoreReport(*opened->store, month, std::cout);
  if (!status) return Report(status.error());
  return kExitOk;
}

}  // namespace

int Main(int argc, char** argv) {
  CLI::App app{"ontzorg: financial-relief payments (financieel ontzorgen) for municipalities"};
  app.require_subcommand(1);
  Globals g;
  const char* user = std::getenv("USER");
  g.user = user != nullptr ? user : "unknown";
  g.config_path = DefaultConfigPath(argv[0]);
  app.add_option("--config", g.config_path, "configuration file (TOML)")->capture_default_str();
  app.add_option("--store", g.store_url,
                 "store: SQLite file or PostgreSQL connection string "
                 "(overrides [store] url)");
  app.add_option("--user", g.user, "who acts (recorded with the run)")->capture_default_str();

  auto* init = app.add_subcommand("init", "create the store or migrate it to this version");
  std::string dir;
  auto* import = app.add_subcommand("import", "import CSV files (all rows or none)");
  import
      ->add_option("dir", dir,
                   "folder with creditors.csv, clients.csv, plans.csv, bills.csv, "
                   "benefits.csv, toeslagen.csv, receipts.csv (any of them)")
      ->required();
  std::string month, run_date, out = "out";
  auto* run = app.add_subcommand("run",
                                 "run a month: book it and prepare its payment batch "
                                 "(files are written at export, after approval)");
  run->add_option("--month", month, "the month, YYYY-MM")->required();
  run->add_option("--run-date", run_date, "the run date, YYYY-MM-DD (default: today)");
  run->add_option("--out", out, "folder for checkpoints and statements")->capture_default_str();
  std::string report_month, credit_csv;
  auto* report = app.add_subcommand("report", "show the ledger check, runs, files and findings");
  report->add_option("--month", report_month, "only this month, YYYY-MM");
  report->add_option("--credit-csv", credit_csv,
                     "instead: write every client's bridging credit as CSV to FILE ('-': stdout)");
  ForecastOptions fo;
  auto* forecast = app.add_subcommand("forecast",
                                      "project the next months per client: bijstand, "
                                      "toeslagen, bills, credit, leefgeld");
  forecast->add_option("--client", fo.client, "one client (default: every client with a plan)");
  forecast->add_option("--from", fo.from, "first month, YYYY-MM (default: after the latest run)");
  forecast->add_option("--run-date", fo.run_date, "assumed run date of the first month");
  forecast->add_option("--months", fo.months, "how many months")->capture_default_str();
  forecast->add_flag("--json", fo.json, "JSON for case systems and the web app (amounts in cents)");
  std::string credit_client, credit_month, credit_language;
  auto* credit = app.add_subcommand("credit",
                                    "a client's loan ledger, expected toeslagen, "
                                    "receipts and statement lines");
  credit->add_option("--client", credit_client, "the client number")->required();
  credit->add_option("--month", credit_month, "up to this month (default: the latest booked)");
  credit->add_option("--language", credit_language, "statement language (a file in config/texts)");
  std::string wo_client, wo_amount, wo_reason, wo_date;
  auto* write_off = app.add_subcommand("write-off",
                                       "record a decision to write off bridging "
                                       "credit (booked by the next run)");
  write_off->add_option("--client", wo_client, "the client number")->required();
  write_off->add_option("--amount", wo_amount, "euros, e.g. 150.00")->required();
  write_off->add_option("--reason", wo_reason, "the decision's reason")->required();
  write_off->add_option("--decided-on", wo_date, "date of the decision (default: today)");
  std::string groups_month, groups_area, learning_month;
  bool groups_json = false;
  auto* groups = app.add_subcommand("groups",
                                    "clients grouped by level per area, for training "
                                    "groups");
  groups->add_option("--month", groups_month, "YYYY-MM (default: the latest run's month)");
  groups->add_option("--area", groups_area, "one area of config/competences.toml");
  groups->add_flag("--json", groups_json, "JSON instead of a table");
  auto* learning = app.add_subcommand("learning-report",
                                      "clients per stage, bills handed over "
                                      "per month, months to self-reliance, "
                                      "stalled progress");
  learning->add_option("--month", learning_month, "YYYY-MM (default: the latest run's month)");
  AssessOptions ao;
  auto* assess = app.add_subcommand("assess",
                                    "record a coach's assessment (levels per area and "
                                    "skill)");
  assess->add_option("--client", ao.client, "the client number")->required();
  assess->add_option("--levels", ao.levels, "e.g. overview=2;rent.pays_on_time=1")->required();
  assess->add_option("--on", ao.on, "date of the assessment (default: today)");
  assess->add_option("--note", ao.note, "what the coach saw");
  HandOverOptions ho;
  auto* handover = app.add_subcommand("handover",
                                      "move a bill to practising, safety_net, "
                                      "client_alone or back to paid_for_client");
  handover->add_option("--client", ho.client, "the client number")->required();
  handover->add_option("--bill", ho.bill, "the bill id")->required();
  handover->add_option("--state", ho.state, "the new state")->required();
  handover->add_option("--from", ho.from, "first month, YYYY-MM")->required();
  handover->add_option("--reason", ho.reason, "the coach's reason");
  handover->add_option("--decided-on", ho.decided_on, "date (default: today)");
  ConfirmOptions co;
  auto* confirm = app.add_subcommand("confirm",
                                     "under the safety net: did the client pay the "
                                     "bill for a month?");
  confirm->add_option("--client", co.client, "the client number")->required();
  confirm->add_option("--bill", co.bill, "the bill id")->required();
  confirm->add_option("--period", co.period, "the month, YYYY-MM")->required();
  confirm->add_option("--paid", co.paid, "yes or no")->required();
  confirm->add_option("--on", co.on, "date (default: today)");
  ReceiptOptions ro;
  auto* receipt = app.add_subcommand("receipt",
                                     "record money received by hand (a toeslag, "
                                     "vakantietoeslag or refund), as in receipts.csv");
  receipt->add_option("--id", ro.id, "a unique id, e.g. the bank's reference")->required();
  receipt->add_option("--client", ro.client, "the client number")->required();
  receipt
      ->add_option("--kind", ro.kind,
                   "rent_allowance, care_allowance, child_budget, "
                   "holiday_allowance, energy_refund, creditor_refund")
      ->required();
  receipt->add_option("--received-on", ro.received_on, "YYYY-MM-DD")->required();
  receipt->add_option("--amount", ro.amount, "euros, e.g. 1200.00")->required();
  receipt->add_option("--covers-from", ro.covers_from, "first month it pays for (toeslagen)");
  receipt->add_option("--covers-to", ro.covers_to, "last month it pays for (toeslagen)");
  receipt->add_option("--landed-on", ro.landed_on, "managed or own")->required();
  std::string what, value;
  auto* check = app.add_subcommand("check",
                                   "check an IBAN, BIC, BSN or payment reference; "
                                   "exit 0 valid, 1 invalid");
  check->add_option("what", what, "iban | bic | bsn | reference")
      ->required()
      ->check(CLI::IsMember({"iban", "bic", "bsn", "reference"}));
  check->add_option("value", value, "the value to check")->required();

  ServeOptions so;
  auto* serve = app.add_subcommand("serve",
                                   "the coach and finance web app over HTTPS ([web] in "
                                   "the config; ./ops/web for the demo)");
  serve->add_option("--address", so.address, "listen address (default: [web] address)");
  serve->add_option("--port", so.port, "port (default: [web] port; 0: any free port)");

  const auto batch_command = AddBatchCommands(app, g);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }
  if (*init) return InitCommand(g);
  if (*import) return ImportCommand(g, dir);
  if (*run) return RunCommand(g, month, run_date, out);
  if (*report && !credit_csv.empty()) return CreditCsvCommand(g, credit_csv);
  if (*report) return ReportCommand(g, report_month);
  if (*forecast) return ForecastCommand(g, fo);
  if (*credit) return CreditCommand(g, credit_client, credit_month, credit_language);
  if (*write_off) return WriteOffCommand(g, wo_client, wo_amount, wo_reason, wo_date);
  if (*receipt) return ReceiptCommand(g, ro);
  if (*groups) return GroupsCommand(g, groups_month, groups_area, groups_json);
  if (*assess) return AssessCommand(g, ao);
  if (*handover) return HandOverCommand(g, ho);
  if (*confirm) return ConfirmCommand(g, co);
  if (*learning) return LearningReportCommand(g, learning_month);
  if (*check) return CheckCommand(what, value);
  if (*serve) return ServeCommand(g, so);
  if (const int rc = batch_command(); rc >= 0) return rc;
  return kExitUsage;
}

}  // namespace ontzorg

int main(int argc, char** argv) { return ontzorg::Main(argc, argv); }
