// `ontzorg`: the command line, the composition root. Reads config and arguments, opens the store,
// calls the use cases, prints reports. Exit codes: see README ("Exit codes").
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>

#include "adapters/app/batches.h"
#include "adapters/app/municipalities.h"
#include "adapters/app/run_month.h"
#include "adapters/cli/account_commands.h"
#include "adapters/cli/batch_commands.h"
#include "adapters/cli/common.h"
#include "adapters/cli/credit_commands.h"
#include "adapters/cli/learning_commands.h"
#include "adapters/cli/municipality_commands.h"
#include "adapters/cli/report.h"
#include "adapters/cli/serve_command.h"
#include "adapters/config/config.h"
#include "adapters/import/importer.h"
#include "adapters/storage/store.h"
#include "adapters/system/files.h"
#include "engine/checks.h"
#include "engine/text.h"

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
    if (r) {
      normal = "valid BSN";
    } else if (r.error() == BsnError::kWrongLength && ParseBsn("0" + value)) {
      // A spreadsheet drops the leading zero of a BSN like 012345672.
      normal =
          "valid BSN with its leading zero restored (9 digits: 0 and these 8; a spreadsheet "
          "drops it: store it as text)";
    } else {
      reason = ExplainBsnError(r.error(), value);
    }
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
  auto adopted = AdoptConfiguredMunicipality(*config, **store, {g.user, NowIsoSeconds()});
  if (!adopted) return Report(adopted.error());
  std::cout << "store " << config->store_url << " ready, schema version "
            << (*store)->SchemaVersion() << "\n";
  if (*adopted) {
    std::cout << "municipality 1: " << config->municipality_code << " " << config->municipality_name
              << " (its settings from " << config->path << ")\n";
  }
  return kExitOk;
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// The changes an import recorded, and the batches prepared without them.
void PrintChanges(const ImportBatch::Changes& v, const std::vector<std::string>& touched) {
  if (v.empty()) return;
  std::cout << v.size() << " change(s) recorded, each from its month on (history kept):\n";
  const auto print = [](const char* what, const auto& versions, auto id) {
    for (const auto& x : versions) {
      std::cout << "  " << what << " " << id(x.row) << ": " << JoinNames(x.fields) << " from "
                << x.valid_from.ToString() << " (" << x.reason << ")\n";
    }
  };
  print("creditor", v.creditors, [](const Creditor& c) { return c.id.value; });
  print("client", v.clients, [](const Client& c) { return c.id.value; });
  print("plan of", v.plans, [](const ReliefPlan& p) { return p.client.value; });
  print("bill", v.bills, [](const Bill& b) { return b.id.value; });
  print("toeslag", v.toeslagen,
        [](const ToeslagExpectation& t) { return t.client.value + " " + ToString(t.kind); });
  for (const BenefitVersion& b : v.benefits) {
    std::cout << "  bijstand " << b.client.value << " " << b.month.ToString() << ": amount "
              << FormatEuros(b.amount) << " (" << b.reason << ")\n";
  }
  for (const std::string& batch : touched) {
    std::cout << "NOTE: " << batch
              << " was prepared before these changes and pays what was prepared; its approval "
                 "names them and asks for --acknowledge\n";
  }
}

int ImportCommand(const Globals& g, const std::string& dir, size_t part_rows) {
  auto opened = OpenStore(g);
  if (!opened) return Report(opened.error());
  auto municipality = OneMunicipality(*opened, "ontzorg import");
  if (!municipality) return Report(municipality.error());
  auto report = ImportDirectory(dir, *opened->store, g.user, NowIsoSeconds(),
                                &opened->config.competences, part_rows);
  if (!report) return Report(report.error());
  const ImportCounts& a = report->counts;
  std::cout << "imported from " << dir << " for " << municipality->code << ": " << a.creditors
            << " creditors, " << a.clients << " clients, " << a.plans << " plans, " << a.bills
            << " bills, " << a.benefits << " bijstand amounts, " << a.toeslagen
            << " toeslag expectations, " << a.receipts << " receipts, " << a.assessments
            << " assessments, " << a.hand_overs << " hand-over decisions, " << a.confirmations
            << " confirmations, " << a.direct_debits << " direct-debit records; "
            << report->skipped_identical << " rows were already stored and were skipped\n";
  for (const std::string& f : report->dutch_files) {
    std::cout << "  " << f
              << ": gescheiden door ';' (Nederlandse Excel), bedragen met decimale komma / "
                 "separated by ';' (Dutch Excel), amounts read with a decimal comma\n";
  }
  PrintChanges(report->added.versions, report->touched_batches);
  return kExitOk;
}

int RunCommand(const Globals& g, const std::string& month_text, const std::string& date_text,
               const std::string& out_dir) {
  const auto month = ParseFlag<YearMonth>("--month", month_text);
  const auto date = date_text.empty() ? Today() : ParseFlag<Date>("--run-date", date_text);
  if (!month || !date) return ExitCodeFor(ErrorCode::kBadInput);
  const Date run_date = *date;
  if (run_date < Today()) {
    std::cerr << "ontzorg: warning: run date " << run_date.ToString() << " lies before today; "
              << "payments due before today are flagged late and go out on the run date, which "
              << "a bank may refuse as an execution date in the past\n";
  }
  auto opened = OpenStore(g);
  if (!opened) return Report(opened.error());
  // The run prepares a batch: its preparer must be a registered finance user, so that the
  // approval by a second person means two people.
  if (auto user = RequireAction(*opened->store, g.user, Action::kRunMonth); !user) {
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
  // One batch per municipality (issue 20): the named one, the only one, or each of them ("all").
  std::vector<MunicipalityRecord> chosen;
  if (opened->municipality) {
    chosen.push_back(*opened->municipality);
  } else if (g.municipality == "all") {
    chosen = opened->municipalities;
  } else {
    return Report(OneMunicipality(*opened, "ontzorg run").error());
  }
  int rc = kExitOk;
  const bool several = opened->municipalities.size() > 1;
  for (const MunicipalityRecord& m : chosen) {
    RunOptions own = options;
    // Each municipality's checkpoints and statements in a folder of its own when several run.
    if (several) own.out_dir = (std::filesystem::path(out_dir) / m.code).string();
    auto report = RunMonthFor(opened->installation, *opened->store, m.code, own);
    if (several || chosen.size() > 1) {
      std::cout << "== " << m.code << (report ? " " + report->municipality_name : "") << "\n";
    }
    if (!report) {
      rc = Report(report.error());  // the others still run: each is its own batch
      continue;
    }
    PrintRunReport(*report, std::cout);
  }
  return rc;
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

// The commands that set up the store and run the month: init, import, run, report.
void AddStoreCommands(CLI::App& app, const Globals& g, CommandTable* table) {
  auto* init = app.add_subcommand("init", "create the store or migrate it to this version");
  table->Add(init, [&g] { return InitCommand(g); });

  auto dir = std::make_shared<std::string>();
  auto* import = app.add_subcommand("import", "import CSV files (all rows or none)");
  import
      ->add_option("dir", *dir,
                   "folder with creditors.csv, clients.csv, plans.csv, bills.csv, "
                   "benefits.csv, toeslagen.csv, receipts.csv (any of them)")
      ->required();
  auto part_rows = std::make_shared<size_t>(kImportRowsPerPart);
  import
      ->add_option("--part-rows", *part_rows,
                   "an import of more rows than this (all files together) is read in parts of "
                   "about this many rows, one at a time: less memory for fewer rows (default " +
                       std::to_string(kImportRowsPerPart) + ")")
      ->check(CLI::Range(size_t{1}, size_t{1} << 40));
  table->Add(import, [&g, dir, part_rows] { return ImportCommand(g, *dir, *part_rows); });

  struct RunFlags {
    std::string month, run_date, out = "out";
  };
  auto r = std::make_shared<RunFlags>();
  auto* run = app.add_subcommand("run",
                                 "run a month: book it and prepare its payment batch "
                                 "(files are written at export, after approval)");
  run->add_option("--month", r->month, "the month, YYYY-MM")->required();
  run->add_option("--run-date", r->run_date, "the run date, YYYY-MM-DD (default: today)");
  run->add_option("--out", r->out, "folder for checkpoints and statements")->capture_default_str();
  table->Add(run, [&g, r] { return RunCommand(g, r->month, r->run_date, r->out); });

  struct ReportFlags {
    std::string month, credit_csv;
  };
  auto o = std::make_shared<ReportFlags>();
  auto* report = app.add_subcommand("report", "show the ledger check, runs, files and findings");
  report->add_option("--month", o->month, "only this month, YYYY-MM");
  report->add_option("--credit-csv", o->credit_csv,
                     "instead: write every client's bridging credit as CSV to FILE ('-': stdout)");
  table->Add(report, [&g, o] {
    return o->credit_csv.empty() ? ReportCommand(g, o->month) : CreditCsvCommand(g, o->credit_csv);
  });
}

void AddCheckCommand(CLI::App& app, CommandTable* table) {
  struct CheckFlags {
    std::string what, value;
  };
  auto o = std::make_shared<CheckFlags>();
  auto* check = app.add_subcommand("check",
                                   "check an IBAN, BIC, BSN or payment reference; "
                                   "exit 0 valid, 1 invalid");
  check->add_option("what", o->what, "iban | bic | bsn | reference")
      ->required()
      ->check(CLI::IsMember({"iban", "bic", "bsn", "reference"}));
  check->add_option("value", o->value, "the value to check")->required();
  table->Add(check, [o] { return CheckCommand(o->what, o->value); });
}

// --config, --store and --user, with their defaults.
void AddGlobalOptions(CLI::App& app, const char* argv0, Globals* g) {
  const char* user = std::getenv("USER");
  g->user = user != nullptr ? user : "unknown";
  g->config_path = DefaultConfigPath(argv0);
  app.add_option("--config", g->config_path, "configuration file (TOML)")->capture_default_str();
  app.add_option("--store", g->store_url,
                 "store: SQLite file or PostgreSQL connection string "
                 "(overrides [store] url)");
  app.add_option("--user", g->user, "who acts (recorded with the run)")->capture_default_str();
  app.add_option("--municipality", g->municipality,
                 "the municipality acted for, by its code (e.g. GM0363); needed when the store "
                 "serves several (see `ontzorg municipality list`); `run` also takes \"all\"");
  app.add_option("--as", g->as_role,
                 "the role acted in (coach or finance), for a user who has different roles in "
                 "different municipalities; default: their own role");
  app.add_option("--password-file", g->password_file,
                 "the user's password, first line of a file only you can read (chmod 600); "
                 "default: $ONTZORG_PASSWORD_FILE, else asked on the terminal");
}

}  // namespace

int Main(int argc, char** argv) {
  CLI::App app{"ontzorg: financial-relief payments (financieel ontzorgen) for municipalities"};
  app.require_subcommand(1);
  Globals g;
  AddGlobalOptions(app, argv[0], &g);
  CommandTable commands;
  AddStoreCommands(app, g, &commands);
  AddCreditCommands(app, g, &commands);
  AddLearningCommands(app, g, &commands);
  AddCheckCommand(app, &commands);
  AddServeCommand(app, g, &commands);
  AddBatchCommands(app, g, &commands);
  AddAccountCommands(app, g, &commands);  // after the `user` command it extends
  AddMunicipalityCommands(app, g, &commands);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }
  return commands.Run();
}

}  // namespace ontzorg

// Crash-only: an exception nothing caught ends the process before any half-done change is
// committed (every change is one transaction; ops/crash proves a kill at any moment is safe).
// NOLINTNEXTLINE(bugprone-exception-escape)
int main(int argc, char** argv) { return ontzorg::Main(argc, argv); }
