#include "adapters/cli/common.h"

#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "adapters/app/municipalities.h"
#include "adapters/app/records.h"
#include "adapters/system/files.h"
#include "adapters/system/password.h"

namespace ontzorg {

void CommandTable::Add(const CLI::App* subcommand, std::function<int()> command) {
  commands_.emplace_back(subcommand, std::move(command));
}

int CommandTable::Run() const {
  for (const auto& [subcommand, command] : commands_) {
    if (subcommand->parsed()) return command();
  }
  return kExitUsage;
}

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
  // Installed by ops/install: /usr/local/bin/ontzorg reads /etc/ontzorg/ontzorg.toml.
  if (std::filesystem::exists("/etc/ontzorg/ontzorg.toml")) return "/etc/ontzorg/ontzorg.toml";
  return "config/ontzorg.toml";
}

Result<Config, Error> LoadWithOverrides(const Globals& g) {
  auto config = LoadConfig(g.config_path);
  if (!config) return config;
  Config c = std::move(config).value();
  if (!g.store_url.empty()) c.store_url = g.store_url;
  return c;
}

namespace {

std::string FirstLine(std::istream& in) {
  std::string line;
  std::getline(in, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

// The password from a file only its owner can read (as ssh treats a private key).
Result<std::string, Error> PasswordFromFile(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return Fail(ErrorCode::kRefused,
                "--password-file " + path + ": no such file; nothing was done");
  }
  if (st.st_uid != geteuid() || (st.st_mode & 077) != 0) {
    return Fail(ErrorCode::kRefused, "--password-file " + path +
                                         ": others can read it or it is not yours; make it "
                                         "yours only (chmod 600 " +
                                         path + ") and keep it so; nothing was done");
  }
  std::ifstream in(path);
  return FirstLine(in);
}

// Asks on the terminal without echo.
std::optional<std::string> PasswordFromTerminal(const std::string& user) {
  if (isatty(STDIN_FILENO) == 0) return std::nullopt;
  std::cerr << "password for " << user << ": " << std::flush;
  termios old{};
  const bool quiet = tcgetattr(STDIN_FILENO, &old) == 0;
  if (quiet) {
    termios silent = old;
    silent.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &silent);
  }
  std::string password = FirstLine(std::cin);
  if (quiet) tcsetattr(STDIN_FILENO, TCSANOW, &old);
  std::cerr << "\n";
  return password;
}

}  // namespace

Status<Error> Authenticate(const Globals& g, Store& store) {
  if (g.user.empty()) return {};
  auto user = store.FindUser(g.user);
  if (!user) return Unexpected(user.error());
  if (*user && !(*user)->active) {
    return Fail(ErrorCode::kRefused, "user '" + g.user +
                                         "' is deactivated: an admin reactivates it with "
                                         "`ontzorg user activate --name " +
                                         g.user + "`; nothing was done");
  }
  if (!*user || !(*user)->has_password) return {};  // by name only: see the README
  std::string file = g.password_file;
  if (file.empty()) {
    if (const char* env = std::getenv("ONTZORG_PASSWORD_FILE"); env != nullptr) file = env;
  }
  std::string password;
  if (!file.empty()) {
    auto read = PasswordFromFile(file);
    if (!read) return Unexpected(read.error());
    password = *read;
  } else if (auto typed = PasswordFromTerminal(g.user)) {
    password = *typed;
  } else {
    return Fail(ErrorCode::kRefused,
                "user '" + g.user +
                    "' has a password: prove it with --password-file FILE (a file only you can "
                    "read: chmod 600) or run the command in a terminal to be asked; nothing was "
                    "done");
  }
  auto stored = store.PasswordHash(g.user);
  if (!stored) return Unexpected(stored.error());
  if (!VerifyPassword(password, *stored)) {
    return Fail(ErrorCode::kRefused, "user '" + g.user + "': wrong password; nothing was done");
  }
  return {};
}

Result<Opened, Error> OpenStore(const Globals& g) {
  auto config = LoadWithOverrides(g);
  if (!config) return Unexpected(config.error());
  auto store = Store::Open(config->store_url);
  if (!store) return Unexpected(store.error());
  if (auto who = Authenticate(g, **store); !who) return Unexpected(who.error());
  Opened o{*config, std::move(store).value(), *config, {}, std::nullopt};
  auto all = o.store->Municipalities();
  if (all && all->empty()) {  // a new store, or one made before issue 20: rare
    if (auto adopted =
            AdoptConfiguredMunicipality(o.installation, *o.store, {g.user, NowIsoSeconds()});
        !adopted) {
      return Unexpected(adopted.error());
    }
    all = o.store->Municipalities();
  }
  if (!all) return Unexpected(all.error());
  o.municipalities = std::move(all).value();
  const std::vector<MunicipalityRecord> every = o.municipalities;
  // A user acts in one role (--as, else their own), for the municipalities where they have it;
  // the others are not there for them (issue 20).
  std::vector<int64_t> allowed;
  auto user = o.store->FindUser(g.user);
  if (!user) return Unexpected(user.error());
  if (*user) {
    auto scope = ScopeOfRole(*o.store, **user, g.as_role);
    if (!scope) return Unexpected(scope.error());
    ActIn(*o.store, *scope);
    allowed = scope->municipalities;
  } else if (!g.as_role.empty()) {
    return Fail(ErrorCode::kRefused, "--as " + g.as_role + ": user '" + g.user +
                                         "' is not registered; nothing was done");
  }
  if (!allowed.empty()) {
    std::erase_if(o.municipalities, [&](const MunicipalityRecord& m) {
      return std::find(allowed.begin(), allowed.end(), m.id) == allowed.end();
    });
  }
  if (!g.municipality.empty() && g.municipality != "all") {
    auto found = FindMunicipality(every, g.municipality);
    if (!found) return Unexpected(found.error());
    if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), found->id) == allowed.end()) {
      return Fail(ErrorCode::kRefused, "--municipality " + g.municipality + ": user '" + g.user +
                                           "' does not work for it; nothing was done");
    }
    o.municipality = std::move(found).value();
  } else if (g.municipality.empty() && o.municipalities.size() == 1) {
    o.municipality = o.municipalities.front();
  }
  if (o.municipality) {
    o.store->SetScope(o.municipality->id);
    auto own = ConfigNowOf(o.installation, *o.municipality, YearMonth::Of(Today()));
    if (!own) return Unexpected(own.error());
    o.config = std::move(own).value();
  }
  return o;
}

Result<MunicipalityRecord, Error> OneMunicipality(const Opened& opened, const std::string& what) {
  if (opened.municipality) return *opened.municipality;
  std::string codes;
  for (const MunicipalityRecord& m : opened.municipalities) {
    codes += (codes.empty() ? "" : ", ") + m.code;
  }
  return Fail(ErrorCode::kBadInput, what + ": this installation serves several municipalities (" +
                                        codes + "); say which with --municipality CODE");
}

Status<Error> RecordView(const Globals& g, Store& store, const std::string& client,
                         const std::string& view) {
  auto user = store.FindUser(g.user);
  if (!user) return Unexpected(user.error());
  const std::string role = !*user                         ? std::string("unregistered")
                           : !store.acting_role().empty() ? store.acting_role()
                                                          : (*user)->role;
  return store.RecordAccess({0, NowIsoSeconds(), g.user, role, client, view});
}

Result<ImportBatch, Error> RecordRow(
    const Globals& g, const std::string& file, const std::string& what,
    const std::vector<std::pair<std::string, std::string>>& columns, char new_id) {
  auto opened = OpenStore(g);
  if (!opened) return Unexpected(opened.error());
  return ontzorg::RecordRow(opened->config, *opened->store,
                            {.file = file,
                             .what = what,
                             .columns = columns,
                             .names = FieldNames::kOption,
                             .new_id = new_id},
                            {g.user, NowIsoSeconds()});
}

}  // namespace ontzorg
