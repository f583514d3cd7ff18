#include "adapters/cli/municipality_commands.h"

#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "adapters/app/batches.h"
#include "adapters/app/municipalities.h"
#include "adapters/system/files.h"

namespace ontzorg {
namespace {

struct MunicipalityOptions {
  std::string code, settings, valid_from, reason, user;
  std::vector<std::string> codes;
};

std::string Since(const MunicipalityVersion& v) {
  return v.valid_from.empty() ? "from the start" : "from " + v.valid_from;
}

int ListCommand(const Globals& g) {
  auto opened = OpenStore(g);
  if (!opened) return Report(opened.error());
  const YearMonth month = YearMonth::Of(Today());
  std::cout << "municipalities (settings as they hold in " << month.ToString() << "):\n";
  for (const MunicipalityRecord& m : opened->municipalities) {
    auto config = ConfigOf(opened->installation, m, month);
    if (!config) {
      std::cout << "  " << m.id << "  " << m.code << "  (" << config.error().message << ")\n";
      continue;
    }
    std::cout << "  " << m.id << "  " << m.code << "  " << config->municipality_name
              << "  managed account " << config->debtor.iban.Formatted() << "  "
              << ToString(config->sepa.version) << "  " << m.versions.size()
              << " settings version(s)\n";
  }
  return kExitOk;
}

int ShowCommand(const Globals& g, const MunicipalityOptions& o) {
  auto opened = OpenStore(g);
  if (!opened) return Report(opened.error());
  auto m = FindMunicipality(*opened->store, o.code);
  if (!m) return Report(m.error());
  std::cout << "municipality " << m->id << ": " << m->code << ", added " << m->added_at << " by "
            << m->added_by << "\n";
  for (const MunicipalityVersion& v : m->versions) {
    std::cout << "\n# settings #" << v.seq << ", " << Since(v) << "; recorded " << v.recorded_at
              << " by " << v.recorded_by << ": " << v.reason << "\n"
              << v.settings;
  }
  return kExitOk;
}

// The settings file's text and its municipality sections (a whole configuration file may be
// given: only its municipality's sections are kept).
Result<std::string, Error> ReadSettings(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Fail(ErrorCode::kBadInput,
                path + ": cannot be read; give the municipality's settings file (TOML)");
  }
  return MunicipalitySettingsOf(path);
}

int AddOrChange(const Globals& g, const MunicipalityOptions& o, bool add) {
  auto opened = OpenStore(g);
  if (!opened) return Report(opened.error());
  // Municipalities are set up by whoever sets up accounts: the admin.
  if (auto allowed = RequireAction(*opened->store, g.user, Action::kManageAccounts); !allowed) {
    return Report(allowed.error());
  }
  auto settings = ReadSettings(o.settings);
  if (!settings) return Report(settings.error());
  const SettingsChange change{o.code, *settings, o.settings, o.valid_from, o.reason};
  const Actor by{g.user, NowIsoSeconds()};
  if (add) {
    auto id = AddMunicipality(opened->installation, *opened->store, change, by);
    if (!id) return Report(id.error());
    std::cout << "municipality " << *id << ": " << o.code << " added, its settings "
              << (o.valid_from.empty() ? "from the start" : "from " + o.valid_from)
              << "; import its clients with --municipality " << o.code << "\n";
  } else {
    if (auto s = ChangeMunicipality(opened->installation, *opened->store, change, by); !s) {
      return Report(s.error());
    }
    std::cout << "municipality " << o.code << ": new settings "
              << (o.valid_from.empty() ? "from the start" : "from " + o.valid_from)
              << " recorded (the earlier ones are kept; `ontzorg municipality show " << o.code
              << "` lists them)\n";
  }
  return kExitOk;
}

// The municipalities a coach or finance user works for (none named: all of them).
int UserMunicipalitiesCommand(const Globals& g, const MunicipalityOptions& o) {
  auto opened = OpenStore(g);
  if (!opened) return Report(opened.error());
  if (auto allowed = RequireAction(*opened->store, g.user, Action::kManageAccounts); !allowed) {
    return Report(allowed.error());
  }
  auto all = opened->store->Municipalities();
  if (!all) return Report(all.error());
  std::string items;
  for (const std::string& code : o.codes) items += code + " ";
  auto grants = ParseGrants(*all, items);
  if (!grants) return Report(grants.error());
  if (auto s = opened->store->SetUserMunicipalities(o.user, *grants, o.reason,
                                                    {g.user, NowIsoSeconds()});
      !s) {
    return Report(s.error());
  }
  std::string codes;
  for (const Store::MunicipalityGrant& grant : *grants) {
    const std::string text = GrantText(*all, grant, "");
    const size_t colon = text.find(':');
    codes += (codes.empty() ? "" : ", ") +
             (colon == std::string::npos ? text
                                         : text.substr(0, colon) + " as " + text.substr(colon + 1));
  }
  std::cout << "user " << o.user << " works for "
            << (codes.empty() ? std::string("every municipality") : codes)
            << " (their sessions are ended)\n";
  return kExitOk;
}

}  // namespace

void AddMunicipalityCommands(CLI::App& app, const Globals& g, CommandTable* table) {
  auto o = std::make_shared<MunicipalityOptions>();
  auto* top = app.add_subcommand("municipality",
                                 "the municipalities this installation serves, and their settings");
  auto* list = top->add_subcommand("list", "every municipality with its account and format");
  table->Add(list, [&g] { return ListCommand(g); });
  auto* show = top->add_subcommand("show", "a municipality with every version of its settings");
  show->add_option("code", o->code, "its code, e.g. GM0363")->required();
  table->Add(show, [&g, o] { return ShowCommand(g, *o); });
  for (const bool add : {true, false}) {
    auto* sub = top->add_subcommand(
        add ? "add" : "change",
        add ? "add a municipality (admin)"
            : "record new settings of a municipality from a month on (admin; history kept)");
    sub->add_option("code", o->code, "its CBS code, e.g. GM0363 (as in its settings)")->required();
    sub->add_option("--settings", o->settings,
                    "TOML file with [municipality], [managed_account], [sepa], [month], "
                    "[[bridging]], [double_debit], [plausibility], [[bank.payers]] "
                    "(see config/municipalities/)")
        ->required();
    sub->add_option("--valid-from", o->valid_from,
                    "the first month they hold, YYYY-MM (default: from the start)");
    sub->add_option("--reason", o->reason, "why (recorded with the settings)")->required();
    table->Add(sub, [&g, o, add] { return AddOrChange(g, *o, add); });
  }
  // Under `user` (declared by AddBatchCommands).
  auto* user = app.get_subcommand("user")->add_subcommand(
      "municipalities",
      "the municipalities a coach or finance user works for, and their role in each (admin); "
      "none named: all of them, in their own role");
  user->add_option("--name", o->user, "the user")->required();
  user->add_option("codes", o->codes,
                   "municipality codes, e.g. GM9999 GM9998:coach (after a code, a role other "
                   "than their own in that municipality: coach or finance)");
  user->add_option("--reason", o->reason, "why (in the audit log)")->required();
  table->Add(user, [&g, o] { return UserMunicipalitiesCommand(g, *o); });
}

}  // namespace ontzorg
