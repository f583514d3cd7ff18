// Shared pieces of the command line: global options, opening the store, exit codes, and
// printing an error as "ontzorg: <message>".
#ifndef ONTZORG_ADAPTERS_CLI_COMMON_H_
#define ONTZORG_ADAPTERS_CLI_COMMON_H_

#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "adapters/config/config.h"
#include "adapters/error.h"
#include "adapters/storage/store.h"

namespace CLI {  // NOLINT(readability-identifier-naming): CLI11's own namespace
class App;
}  // namespace CLI

namespace ontzorg {

constexpr int kExitOk = 0;
constexpr int kExitInvalid = 1;
constexpr int kExitUsage = 2;

// Which subcommand runs which command. Each Add...Commands function declares its subcommands on
// the CLI11 app and adds them here; after parsing, Run() runs the first one the user chose (a
// nested subcommand such as `audit verify` is added before its parent).
class CommandTable {
 public:
  void Add(const CLI::App* subcommand, std::function<int()> command);
  // The exit code of the chosen command; kExitUsage when none was chosen.
  int Run() const;

 private:
  std::vector<std::pair<const CLI::App*, std::function<int()>>> commands_;
};

// Prints "ontzorg: <message>" on stderr and returns the exit code for the error.
int Report(const Error& e);

std::string DefaultConfigPath(const char* argv0);

struct Globals {
  std::string config_path;
  std::string store_url;
  std::string user;
  std::string password_file;  // --password-file, else ONTZORG_PASSWORD_FILE
  std::string municipality;   // --municipality CODE (or "all"): whom the command acts for
  std::string as_role;        // --as ROLE: the role acted in, for a user with several (issue 20)
};

Result<Config, Error> LoadWithOverrides(const Globals& g);

// Who acts on the command line: a registered user with a password proves it (--password-file, a
// file only its owner can read, or a prompt on the terminal) before anything is read or done. A
// user without a password (while accounts are set up) acts by name only; approving needs one
// (CheckApprover). kRefused with what to do otherwise.
Status<Error> Authenticate(const Globals& g, Store& store);

// The configuration (with --store applied) and the opened store, for every command that needs
// one; the user is authenticated (Authenticate). A store without municipalities gets the
// configured one (AdoptConfiguredMunicipality). The command acts for the municipality
// --municipality names, or the only one: the store is scoped to it and `config` holds its
// settings as they hold this month. With several and none named (or "all"), it acts for all:
// unscoped, `config` the configuration file's own.
struct Opened {
  Config config;
  std::unique_ptr<Store> store;
  Config installation;                             // the configuration file, with --store
  std::vector<MunicipalityRecord> municipalities;  // all of them, in id order
  std::optional<MunicipalityRecord> municipality;  // the one acted for; none: all
};
Result<Opened, Error> OpenStore(const Globals& g);

// The municipality `opened` acts for; kBadInput saying how to name one when it acts for all
// (`what`: the command, e.g. "ontzorg import").
Result<MunicipalityRecord, Error> OneMunicipality(const Opened& opened, const std::string& what);

// Records in the access log (AVG, issue 19) that the command's user views `client`'s data ("*":
// several clients') through `view` ("ontzorg statement"), before it is shown.
Status<Error> RecordView(const Globals& g, Store& store, const std::string& client,
                         const std::string& view);

// Records one row typed on the command line exactly as if it came from the CSV file `file`: the
// same checks, messages that name the option (--received-on for received_on) instead of the
// column, and nothing stored unless it is all right. Returns what was added (empty when the same
// row was already stored).
// `new_id`: see TypedRow::new_id.
Result<ImportBatch, Error> RecordRow(
    const Globals& g, const std::string& file, const std::string& what,
    const std::vector<std::pair<std::string, std::string>>& columns, char new_id = 0);

// Parses a --month or --run-date value; on failure prints "--flag 'value': reason".
template <typename T>
std::optional<T> ParseFlag(const char* flag, const std::string& text) {
  auto parsed = T::Parse(text);
  if (parsed) return *parsed;
  std::cerr << "ontzorg: " << flag << " '" << text << "': " << Describe(parsed.error()) << "\n";
  return std::nullopt;
}

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_CLI_COMMON_H_
