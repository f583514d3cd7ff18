#include "adapters/cli/account_commands.h"

#include <iomanip>
#include <iostream>
#include <memory>

#include "adapters/app/batches.h"
#include "adapters/system/files.h"

namespace ontzorg {
namespace {

struct AccountOptions {
  std::string name, reason, viewer;
  std::vector<std::string> clients;
  int64_t limit = 1000;
};

int WithAdmin(const Globals& g, Action action, const std::function<Status<Error>(Store&)>& f) {
  auto opened = OpenStore(g);
  if (!opened) return Report(opened.error());
  Store& store = *opened->store;
  if (auto allowed = RequireAction(store, g.user, action); !allowed) {
    return Report(allowed.error());
  }
  if (auto done = f(store); !done) return Report(done.error());
  return kExitOk;
}

int SetActiveCommand(const Globals& g, const AccountOptions& o, bool active) {
  return WithAdmin(g, Action::kManageAccounts, [&](Store& store) -> Status<Error> {
    if (!active && o.name == g.user) {
      return Fail(ErrorCode::kRefused,
                  "--name " + o.name + ": you cannot deactivate yourself; ask another admin");
    }
    if (auto s = store.SetUserActive(o.name, active, o.reason, {g.user, NowIsoSeconds()}); !s) {
      return s;
    }
    std::cout << "user " << o.name
              << (active ? " reactivated: they can log in again with their password\n"
                         : " deactivated: their sessions are ended, they cannot log in or act "
                           "until an admin reactivates them\n");
    return {};
  });
}

int UnlockCommand(const Globals& g, const AccountOptions& o) {
  return WithAdmin(g, Action::kManageAccounts, [&](Store& store) -> Status<Error> {
    if (auto s = store.UnlockUser(o.name, {g.user, NowIsoSeconds()}); !s) return s;
    std::cout << "failed logins of " << o.name << " forgotten: they can log in at once\n";
    return {};
  });
}

// The access log: one client's, a user's, or all; the latest `limit` views, oldest first.
int AccessCommand(const Globals& g, const AccountOptions& o) {
  return WithAdmin(g, Action::kVerifyAudit, [&](Store& store) -> Status<Error> {
    std::vector<std::string> clients = o.clients;
    if (clients.empty()) clients.emplace_back();
    for (const std::string& client : clients) {
      auto log = store.AccessLog({client, o.viewer, o.limit});
      if (!log) return Unexpected(log.error());
      if (!client.empty()) std::cout << "client " << client << ": " << log->size() << " views\n";
      for (const Store::AccessRecord& a : *log) {
        std::cout << std::left << std::setw(8) << a.seq << a.at << "  " << std::setw(12) << a.user
                  << std::setw(9) << a.role << std::setw(10) << a.client << a.view << "\n";
      }
      if (log->empty()) std::cout << "no views recorded\n";
    }
    return {};
  });
}

}  // namespace

void AddAccountCommands(CLI::App& app, const Globals& g, CommandTable* table) {
  auto o = std::make_shared<AccountOptions>();
  CLI::App* user = app.get_subcommand("user");
  auto* deactivate = user->add_subcommand("deactivate",
                                          "deactivate a user (admin): no login, no command, "
                                          "their sessions end at once; the history stays");
  deactivate->add_option("--name", o->name, "login name")->required();
  deactivate->add_option("--reason", o->reason, "why, e.g. left the team")->required();
  auto* activate = user->add_subcommand("activate", "reactivate a deactivated user (admin)");
  activate->add_option("--name", o->name, "login name")->required();
  activate->add_option("--reason", o->reason, "why, e.g. back from leave")->required();
  auto* unlock = user->add_subcommand("unlock",
                                      "forget a user's failed logins, so a slowed login works "
                                      "at once (admin)");
  unlock->add_option("--name", o->name, "login name")->required();
  auto* access = app.add_subcommand("access",
                                    "who viewed which client's data, when and how (the access "
                                    "log; auditor or admin)");
  access->add_option("--client", o->clients, "client id (repeat for more; default: all)");
  access->add_option("--viewer", o->viewer, "only this user's views");
  access->add_option("--limit", o->limit, "the latest this many views per client")
      ->capture_default_str();

  table->Add(deactivate, [&g, o] { return SetActiveCommand(g, *o, false); });
  table->Add(activate, [&g, o] { return SetActiveCommand(g, *o, true); });
  table->Add(unlock, [&g, o] { return UnlockCommand(g, *o); });
  table->Add(access, [&g, o] { return AccessCommand(g, *o); });
}

}  // namespace ontzorg
