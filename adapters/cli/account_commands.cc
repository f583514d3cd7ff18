#include "adapters/cli/account_commands.h"

#include <iomanip>
#include <iostream>
#include <memory>

#include "adapters/app/batches.h"
#include "adapters/storage/store.h"
#include "adapters/system/files.h"

namespace ontzorg {
namespace {

struct AccountOptions {
  std::string name, reason, viewer, path, before;
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

int ResetSecondFactorCommand(const Globals& g, const AccountOptions& o) {
  return WithAdmin(g, Action::kManageAccounts, [&](Store& store) -> Status<Error> {
    if (o.reason.empty()) {
      return Fail(ErrorCode::kBadInput, "--reason: say why (e.g. phone lost); nothing changed");
    }
    if (auto s = store.ResetSecondFactor({o.name, o.reason}, {g.user, NowIsoSeconds()}); !s) {
      return s;
    }
    std::cout << "second factor of " << o.name
              << " reset: recovery codes void, sessions ended; they set up a new one at their "
                 "next login to the web app\n";
    return {};
  });
}

// Removes the views older than the retention ([retention] access_log_days, or --before).
int PruneAccessCommand(const Globals& g, const AccountOptions& o) {
  auto config = LoadWithOverrides(g);
  if (!config) return Report(config.error());
  return WithAdmin(g, Action::kManageAccounts, [&](Store& store) -> Status<Error> {
    std::string cutoff = o.before;
    if (cutoff.empty()) {
      const auto today = Date::Parse(NowIsoSeconds().substr(0, 10));
      if (!today) return Fail(ErrorCode::kBadInput, "cannot read today's date (ONTZORG_NOW?)");
      cutoff = today->AddDays(-config->access_log_retention_days).ToString();
    } else if (!Date::Parse(cutoff)) {
      return Fail(ErrorCode::kBadInput,
                  "--before '" + cutoff + "': give a date as YYYY-MM-DD; nothing changed");
    }
    auto gone = store.PruneAccessLog(cutoff, {g.user, NowIsoSeconds()});
    if (!gone) return Unexpected(gone.error());
    std::cout << *gone << " views recorded before " << cutoff
              << " removed from the access log (audited); the rest stays append-only\n";
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

// What a store holds, checked: its schema version, the audit chain and the ledger; whether both
// hold.
Result<bool, Error> CheckStore(Store& store, std::ostream& out) {
  auto audit = store.VerifyAuditLog();
  if (!audit) return Unexpected(audit.error());
  auto ledger = store.LedgerCheck();
  if (!ledger) return Unexpected(ledger.error());
  out << "  schema version " << store.SchemaVersion() << "\n  audit log: " << audit->rows
      << " rows, " << (audit->problems.empty() ? "SHA-256 chain verified" : "NOT intact")
      << "\n  audit head " << audit->head << "\n  ledger "
      << (ledger->Balanced() ? "balanced" : "NOT balanced") << "\n";
  for (const std::string& p : audit->problems) out << "  TAMPERED: " << p << "\n";
  return audit->problems.empty() && ledger->Balanced();
}

int BackupCommand(const Globals& g, const AccountOptions& o) {
  auto opened = OpenStore(g);
  if (!opened) return Report(opened.error());
  if (auto s = opened->store->BackupTo(o.path); !s) return Report(s.error());
  auto copy = Store::Open(o.path);
  if (!copy) return Report(copy.error());
  auto hashes = HashFile(o.path);
  if (!hashes) return Report(hashes.error());
  std::cout << "backup written: " << o.path << " (readable by its owner only)\n  SHA-256 "
            << hashes->sha256 << "\n";
  auto intact = CheckStore(**copy, std::cout);
  if (!intact) return Report(intact.error());
  std::cout << "keep the audit head beside the backup: a restore shows the same\n";
  return *intact ? kExitOk : kExitInvalid;
}

int RestoreCommand(const Globals& g, const AccountOptions& o) {
  auto config = LoadWithOverrides(g);
  if (!config) return Report(config.error());
  if (auto s = Store::Restore({.backup = o.path, .into = config->store_url}); !s) {
    return Report(s.error());
  }
  auto store = Store::Init(config->store_url);  // a backup of an earlier version: migrated
  if (!store) return Report(store.error());
  std::cout << "restored " << o.path << " into " << config->store_url << "\n";
  auto intact = CheckStore(**store, std::cout);
  if (!intact) return Report(intact.error());
  return *intact ? kExitOk : kExitInvalid;
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
  auto* reset = user->add_subcommand("reset-second-factor",
                                     "remove a user's second factor and recovery codes (a lost "
                                     "phone; admin): they set up a new one at their next login");
  reset->add_option("--name", o->name, "login name")->required();
  reset->add_option("--reason", o->reason, "why, e.g. phone lost")->required();
  auto* access = app.add_subcommand("access",
                                    "who viewed which client's data, when and how (the access "
                                    "log; auditor or admin)");
  access->add_option("--client", o->clients, "client id (repeat for more; default: all)");
  access->add_option("--viewer", o->viewer, "only this user's views");
  access->add_option("--limit", o->limit, "the latest this many views per client")
      ->capture_default_str();

  auto* prune = access->add_subcommand("prune",
                                       "remove views older than [retention] access_log_days "
                                       "(admin; audited)");
  prune->add_option("--before", o->before,
                    "remove views before this date instead (YYYY-MM-DD; never earlier than the "
                    "last cut-off)");
  auto* backup = app.add_subcommand("backup",
                                    "copy the SQLite store while it is in use into a new file, "
                                    "and check the copy (PostgreSQL: pg_dump, see the README)");
  backup->add_option("--to", o->path, "the backup file (must not exist)")->required();
  auto* restore = app.add_subcommand("restore",
                                     "restore a backup into the configured store, which must not "
                                     "exist yet; migrate it and check the audit chain and ledger");
  restore->add_option("--from", o->path, "the backup file")->required();
  table->Add(backup, [&g, o] { return BackupCommand(g, *o); });
  table->Add(restore, [&g, o] { return RestoreCommand(g, *o); });
  table->Add(deactivate, [&g, o] { return SetActiveCommand(g, *o, false); });
  table->Add(activate, [&g, o] { return SetActiveCommand(g, *o, true); });
  table->Add(unlock, [&g, o] { return UnlockCommand(g, *o); });
  table->Add(reset, [&g, o] { return ResetSecondFactorCommand(g, *o); });
  table->Add(prune, [&g, o] { return PruneAccessCommand(g, *o); });  // before its parent, access
  table->Add(access, [&g, o] { return AccessCommand(g, *o); });
}

}  // namespace ontzorg
