// `ontzorg`: the command line, the composition root. Reads config and arguments, opens the store,
// calls the use cases, prints reports. Exit codes: see README ("Exit codes").
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "adapters/app/run_month.h"
#include "adapters/cli/report.h"
#include "adapters/config/config.h"
#include "adapters/import/importer.h"
#include "adapters/storage/store.h"
#include "adapters/system/files.h"
#include "engine/checks.h"

namespace ontzorg {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitInvalid = 1;
constexpr int kExitUsage = 2;

int Report(const Error& e) {
  std::cerr << "ontzorg: " << e.message << "\n";
  return ExitCodeFor(e.code);
}

std::string DefaultConfigPath(const char* argv0) {
  if (std::filesystem::exists("config/ontzorg.toml")) return "config/ontzorg.toml";
  std::error_code ec;
  const auto exe = std::filesystem::canonical("/proc/self/exe", ec);
  const auto beside = exe.parent_path().parent_path() / "config" / "ontzorg.toml";
  if (!ec && std::filesystem::exists(beside)) return beside.string();
  (void)argv0;
  return "config/ontzorg.toml";
}

struct Globals {
  std::string config_path;
  std::string store_url;
  std::string user;
};

Result<Config, Error> LoadWithOverrides(const Globals& g) {
  auto config = LoadConfig(g.config_path);
  if (!config) return config;
  Config c = std::move(config).value();
  if (!g.store_url.empty()) c.store_url = g.store_url;
  return c;
}

// The configuration (with --store applied) and the opened store, for every command that needs one.
struct Opened {
  Config config;
  std::unique_ptr<Store> store;
};
Result<Opened, Error> OpenStore(const Globals& g) {
  auto config = LoadWithOverrides(g);
  if (!config) return Unexpected(config.error());
  auto store = Store::Open(config->store_url);
  if (!store) return Unexpected(store.error());
  return Opened{std::move(config).value(), std::move(store).value()};
}

// Parses a --month or --run-date value; on failure prints "--flag 'value': reason".
template <typename T>
std::optional<T> ParseFlag(const char* flag, const std::string& text) {
  auto parsed = T::Parse(text);
  if (parsed) return *parsed;
  std::cerr << "ontzorg: " << flag << " '" << text << "': " << Describe(parsed.error()) << "\n";
  return std::nullopt;
}

int CheckCommand(const std::string& what, const std::string& value) {
  std::string reason;
  std::string normal;
  if (what == "iban") {
    auto r = ParseIban(value);
    if (r) normal = r->Formatted(); else reason = ExplainIbanError(r.error(), value);
  } else if (what == "bic") {
    auto r = ParseBic(value);
    if (r) normal = *r; else reason = ExplainBicError(r.error(), value);
  } else if (what == "bsn") {
    auto r = ParseBsn(value);
    if (r) normal = "valid BSN"; else reason = ExplainBsnError(r.error(), value);
  } else {
    const ReferenceKind kind = GuessReferenceKind(value);
    auto r = ParseReference(kind, value);
    const char* names[] = {"betalingskenmerk", "RF creditor reference", "free text"};
    if (r) normal = *r + " (" + names[static_cast<int>(kind)] + ")";
    else reason = ExplainReferenceError(r.error(), value);
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
  auto report = ImportDirectory(dir, *opened->store);
  if (!report) return Report(report.error());
  const ImportBatch& a = report->added;
  std::cout << "imported from " << dir << ": " << a.creditors.size() << " creditors, "
            << a.clients.size() << " clients, " << a.plans.size() << " plans, " << a.bills.size()
            << " bills, " << a.benefits.size() << " bijstand amounts; "
            << report->skipped_identical << " rows were already stored and were skipped\n";
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
  app.add_option("--store", g.store_url, "store: SQLite file or PostgreSQL connection string "
                                         "(overrides [store] url)");
  app.add_option("--user", g.user, "who acts (recorded with the run)")->capture_default_str();

  auto* init = app.add_subcommand("init", "create the store or migrate it to this version");
  std::string dir;
  auto* import = app.add_subcommand("import", "import CSV files (all rows or none)");
  import->add_option("dir", dir, "folder with creditors.csv, clients.csv, plans.csv, bills.csv, "
                                 "benefits.csv (any of them)")->required();
  std::string month, run_date, out = "out";
  auto* run = app.add_subcommand("run", "run a month: book payments and write SEPA files");
  run->add_option("--month", month, "the month, YYYY-MM")->required();
  run->add_option("--run-date", run_date, "the run date, YYYY-MM-DD (default: today)");
  run->add_option("--out", out, "folder for the SEPA files")->capture_default_str();
  std::string report_month;
  auto* report = app.add_subcommand("report", "show runs, files and findings");
  report->add_option("--month", report_month, "only this month, YYYY-MM");
  std::string what, value;
  auto* check = app.add_subcommand("check", "check an IBAN, BIC, BSN or payment reference; "
                                            "exit 0 valid, 1 invalid");
  check->add_option("what", what, "iban | bic | bsn | reference")
      ->required()->check(CLI::IsMember({"iban", "bic", "bsn", "reference"}));
  check->add_option("value", value, "the value to check")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }
  if (*init) return InitCommand(g);
  if (*import) return ImportCommand(g, dir);
  if (*run) return RunCommand(g, month, run_date, out);
  if (*report) return ReportCommand(g, report_month);
  if (*check) return CheckCommand(what, value);
  return kExitUsage;
}

}  // namespace ontzorg

int main(int argc, char** argv) { return ontzorg::Main(argc, argv); }
