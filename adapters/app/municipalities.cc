#include "adapters/app/municipalities.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace ontzorg {
namespace {

std::string Codes(const std::vector<MunicipalityRecord>& all) {
  std::string out;
  for (const MunicipalityRecord& m : all) out += (out.empty() ? "" : ", ") + m.code;
  return out.empty() ? "none" : out;
}

// The settings must read as a municipality, with the code they are recorded for.
Result<Config, Error> CheckSettings(const Config& installation, const SettingsChange& change) {
  if (!change.valid_from.empty() && !YearMonth::Parse(change.valid_from)) {
    return Fail(ErrorCode::kBadInput, "valid_from: '" + change.valid_from +
                                          "' is not a month; give it as YYYY-MM (--valid-from on "
                                          "the command line); nothing changed");
  }
  auto config = WithMunicipality(installation, change.settings, change.source);
  if (!config) {
    return Fail(ErrorCode::kBadConfig, config.error().message + "; nothing changed");
  }
  if (config->municipality_code != change.code) {
    return Fail(ErrorCode::kBadInput, change.source + ": [municipality] code is \"" +
                                          config->municipality_code + "\", not " + change.code +
                                          ": a municipality's code never changes; nothing changed");
  }
  return config;
}

}  // namespace

Result<bool, Error> AdoptConfiguredMunicipality(const Config& config, Store& store,
                                                const Actor& by) {
  auto there = store.Municipalities();  // the usual case: no write lock taken
  if (!there) return Unexpected(there.error());
  if (!there->empty()) return false;
  auto settings = MunicipalitySettingsOf(config.path);
  if (!settings) return Unexpected(settings.error());
  auto added = store.AddMunicipality({.code = config.municipality_code,
                                      .first = {0, "", *settings, by.at, by.user,
                                                "the configured municipality (" + config.path +
                                                    ") of a store made before "
                                                    "several municipalities, or new"},
                                      .only_if_none = true});
  if (!added) return Unexpected(added.error());
  return *added > 0;
}

namespace {

// Whether a store scoped to `scopes` (empty: to all) serves municipality `id`.
bool Serves(const std::vector<int64_t>& scopes, int64_t id) {
  return scopes.empty() || std::find(scopes.begin(), scopes.end(), id) != scopes.end();
}

Result<Config, Error> Settings(const Config& installation, const MunicipalityRecord& m,
                               const MunicipalityVersion& v) {
  auto read = WithMunicipality(installation, v.settings,
                               "municipality " + m.code + " settings #" + std::to_string(v.seq));
  if (!read) return read;
  Config config = std::move(read).value();
  config.municipality_version = v.seq;
  return config;
}

}  // namespace

const MunicipalityVersion* VersionIn(const MunicipalityRecord& m, YearMonth month) {
  const std::string on = month.ToString();
  const MunicipalityVersion* found = nullptr;
  for (const MunicipalityVersion& v : m.versions) {  // in the order recorded
    if (v.valid_from <= on && (found == nullptr || found->valid_from <= v.valid_from)) found = &v;
  }
  return found;
}

Result<Config, Error> ConfigOf(const Config& installation, const MunicipalityRecord& m,
                               YearMonth month) {
  const MunicipalityVersion* v = VersionIn(m, month);
  if (v == nullptr) {
    return Fail(ErrorCode::kBadInput,
                "municipality " + m.code + " has no settings for " + month.ToString() +
                    " (its first hold from " +
                    (m.versions.empty() ? std::string("-") : m.versions.front().valid_from) + ")");
  }
  return Settings(installation, m, *v);
}

Result<Config, Error> ConfigNowOf(const Config& installation, const MunicipalityRecord& m,
                                  YearMonth month) {
  if (VersionIn(m, month) == nullptr && !m.versions.empty()) {
    return Settings(installation, m, m.versions.front());
  }
  return ConfigOf(installation, m, month);
}

Result<MunicipalityRecord, Error> FindMunicipality(const std::vector<MunicipalityRecord>& all,
                                                   const std::string& code) {
  for (const MunicipalityRecord& m : all) {
    if (m.code == code) return m;
  }
  return Fail(ErrorCode::kBadInput, "--municipality " + code +
                                        ": no such municipality in the store (there are: " +
                                        Codes(all) + "; add one with `ontzorg municipality add`)");
}

Result<MunicipalityRecord, Error> FindMunicipality(Store& store, const std::string& code) {
  auto all = store.Municipalities();
  if (!all) return Unexpected(all.error());
  return FindMunicipality(*all, code);
}

Result<Config, Error> ConfigOfRun(const Config& installation, Store& store, const RunRecord& run) {
  auto all = store.Municipalities();
  if (!all) return Unexpected(all.error());
  if (all->empty()) return installation;
  for (const MunicipalityRecord& m : *all) {
    if (m.id != run.municipality) continue;
    // The settings it was prepared (and approved) with, whatever was recorded since.
    for (const MunicipalityVersion& v : m.versions) {
      if (run.settings_version > 0 && v.seq == run.settings_version) {
        return Settings(installation, m, v);
      }
    }
    return ConfigOf(installation, m, run.month);  // a batch from before schema v18
  }
  return Fail(ErrorCode::kStorage, "run " + std::to_string(run.id) + " names municipality " +
                                       std::to_string(run.municipality) +
                                       ", which is not in the store");
}

Result<Config, Error> ConfigOfClient(const Config& given, Store& store, const ClientId& client,
                                     YearMonth month) {
  auto all = store.Municipalities();
  if (!all) return Unexpected(all.error());
  if (all->empty()) return given;
  auto id = store.MunicipalityOfClient(client);
  if (!id) return Unexpected(id.error());
  for (const MunicipalityRecord& m : *all) {
    if (m.id == *id) return ConfigOf(given, m, month);
  }
  return given;  // no such client: the caller says so
}

Result<RunReport, Error> RunMonthFor(const Config& installation, Store& store,
                                     const std::string& code, const RunOptions& options) {
  auto all = store.Municipalities();
  if (!all) return Unexpected(all.error());
  if (all->empty()) return RunMonth(installation, store, options);
  // Unnamed: the only municipality the user works for (all of them when unrestricted).
  auto mine = MunicipalitiesInScope(store);
  if (!mine) return Unexpected(mine.error());
  const MunicipalityRecord* chosen = mine->size() == 1 && code.empty() ? &mine->front() : nullptr;
  for (const MunicipalityRecord& m : *all) {
    if (!code.empty() && m.code == code) chosen = &m;
  }
  if (chosen == nullptr) {
    return Fail(ErrorCode::kBadInput,
                (code.empty() ? std::string("municipality: say which (") + Codes(*mine) + ")"
                              : "municipality " + code +
                                    ": not in the store (there are: " + Codes(*all) + ")") +
                    "; nothing was booked or paid");
  }
  auto config = ConfigOf(installation, *chosen, options.month);
  if (!config) return Unexpected(config.error());
  if (!Serves(store.scopes(), chosen->id)) {
    return Fail(ErrorCode::kRefused, "municipality " + chosen->code +
                                         ": you do not work for it; nothing was booked or paid");
  }
  const ScopedToMunicipality scoped(store, chosen->id);
  return RunMonth(*config, store, options);
}

Result<std::vector<MunicipalityRecord>, Error> MunicipalitiesInScope(Store& store) {
  auto all = store.Municipalities();
  if (!all) return Unexpected(all.error());
  std::vector<MunicipalityRecord> out = std::move(all).value();
  std::erase_if(out, [&](const MunicipalityRecord& m) { return !Serves(store.scopes(), m.id); });
  return out;
}

Result<bool, Error> ClientInScope(Store& store, const ClientId& client) {
  if (store.scopes().empty()) return true;
  auto id = store.MunicipalityOfClient(client);
  if (!id) return Unexpected(id.error());
  return Serves(store.scopes(), *id);
}

Result<BatchMunicipality, Error> MunicipalityOfClients(const Config& given, Store& store,
                                                       const std::vector<ClientId>& clients,
                                                       YearMonth month) {
  auto all = store.Municipalities();
  if (!all) return Unexpected(all.error());
  if (all->empty()) return BatchMunicipality{given, 0};
  std::set<int64_t> found;
  for (const ClientId& client : clients) {  // one read a client; the unseen ones are left out
    auto id = store.MunicipalityOfClient(client);
    if (!id) return Unexpected(id.error());
    if (*id > 0 && Serves(store.scopes(), *id)) found.insert(*id);
  }
  if (found.size() > 1) {
    std::string codes;
    for (const MunicipalityRecord& m : *all) {
      if (found.count(m.id)) codes += (codes.empty() ? "" : ", ") + m.code;
    }
    return Fail(ErrorCode::kRefused,
                "these payments belong to several municipalities (" + codes +
                    "); a batch pays from one managed account: make one for each; nothing "
                    "changed");
  }
  if (found.empty()) return BatchMunicipality{given, 0};  // the caller says what is not found
  for (const MunicipalityRecord& m : *all) {
    if (m.id != *found.begin()) continue;
    auto config = ConfigNowOf(given, m, month);
    if (!config) return Unexpected(config.error());
    return BatchMunicipality{std::move(config).value(), m.id};
  }
  return BatchMunicipality{given, 0};
}

Result<BatchMunicipality, Error> MunicipalityInScope(const Config& given, Store& store,
                                                     YearMonth month, const std::string& what) {
  auto in_scope = MunicipalitiesInScope(store);
  if (!in_scope) return Unexpected(in_scope.error());
  if (in_scope->empty() && store.scopes().empty()) return BatchMunicipality{given, 0};  // none yet
  if (in_scope->size() != 1) {
    return Fail(ErrorCode::kBadInput, what +
                                          ": a batch pays from one municipality's managed "
                                          "account; say which municipality (" +
                                          Codes(*in_scope) + "); nothing changed");
  }
  auto config = ConfigNowOf(given, in_scope->front(), month);
  if (!config) return Unexpected(config.error());
  return BatchMunicipality{std::move(config).value(), in_scope->front().id};
}

ScopedToMunicipality::ScopedToMunicipality(Store& store, int64_t id)
    : store_(store), before_(store.scopes()), active_(id > 0) {
  if (active_) store_.SetScope(id);
}

ScopedToMunicipality::~ScopedToMunicipality() {
  if (active_) store_.SetScopes(before_);
}

Result<int64_t, Error> AddMunicipality(const Config& installation, Store& store,
                                       const SettingsChange& add, const Actor& by) {
  if (auto checked = CheckSettings(installation, add); !checked) {
    return Unexpected(checked.error());
  }
  return store.AddMunicipality(
      {.code = add.code,
       .first = {0, add.valid_from, add.settings, by.at, by.user, add.reason},
       .only_if_none = false});
}

Status<Error> ChangeMunicipality(const Config& installation, Store& store,
                                 const SettingsChange& change, const Actor& by) {
  auto m = FindMunicipality(store, change.code);
  if (!m) return Unexpected(m.error());
  if (auto checked = CheckSettings(installation, change); !checked) {
    return Unexpected(checked.error());
  }
  return store.AddMunicipalityVersion(
      m->id, {0, change.valid_from, change.settings, by.at, by.user, change.reason});
}

std::vector<std::string> RolesOf(const User& user,
                                 const std::vector<Store::MunicipalityGrant>& grants) {
  if (grants.empty()) return {user.role};
  std::vector<std::string> roles;
  for (const char* role : {"finance", "coach"}) {
    if (std::any_of(grants.begin(), grants.end(),
                    [&](const Store::MunicipalityGrant& g) { return g.role == role; })) {
      roles.emplace_back(role);
    }
  }
  return roles;
}

Result<ActingScope, Error> ScopeOfRole(Store& store, const User& user, const std::string& wanted) {
  auto grants = store.UserMunicipalities(user.name);
  if (!grants) return Unexpected(grants.error());
  const std::vector<std::string> roles = RolesOf(user, *grants);
  std::string listed;
  for (const std::string& r : roles) listed += (listed.empty() ? "" : " and ") + r;
  ActingScope scope;
  scope.roles = roles;
  if (!wanted.empty()) {
    scope.role = wanted;
  } else if (roles.size() == 1 || std::find(roles.begin(), roles.end(), user.role) != roles.end()) {
    scope.role = roles.size() == 1 ? roles.front() : user.role;
  } else {
    return Fail(ErrorCode::kRefused, "user '" + user.name + "' is " + listed +
                                         " in different municipalities: say which role they act "
                                         "in (--as ROLE); nothing was done");
  }
  if (std::find(roles.begin(), roles.end(), scope.role) == roles.end()) {
    return Fail(ErrorCode::kRefused, "user '" + user.name + "' is not " + scope.role +
                                         " in any municipality (they are " + listed +
                                         "); nothing was done");
  }
  for (const Store::MunicipalityGrant& g : *grants) {
    if (g.role == scope.role) scope.municipalities.push_back(g.municipality);
  }
  return scope;
}

Result<std::vector<Store::MunicipalityGrant>, Error> ParseGrants(
    const std::vector<MunicipalityRecord>& all, const std::string& text) {
  std::vector<Store::MunicipalityGrant> grants;
  std::string item;
  for (const char c : text + " ") {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == ':') {  // else a separator
      item += c;
      continue;
    }
    if (item.empty()) continue;
    const size_t colon = item.find(':');
    std::string code = item.substr(0, colon);
    std::transform(code.begin(), code.end(), code.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
    auto found = FindMunicipality(all, code);
    if (!found) return Unexpected(found.error());
    Store::MunicipalityGrant grant{found->id, ""};
    if (colon != std::string::npos) {
      grant.role = item.substr(colon + 1);
      std::transform(grant.role.begin(), grant.role.end(), grant.role.begin(),
                     [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
      if (grant.role != "coach" && grant.role != "finance") {
        return Fail(ErrorCode::kBadInput, "'" + item +
                                              "': the role after the code is coach or finance "
                                              "(e.g. " +
                                              code + ":coach); nothing changed");
      }
    }
    grants.push_back(grant);
    item.clear();
  }
  return grants;
}

std::string GrantText(const std::vector<MunicipalityRecord>& all,
                      const Store::MunicipalityGrant& grant, const std::string& own_role) {
  std::string code = std::to_string(grant.municipality);
  for (const MunicipalityRecord& m : all) {
    if (m.id == grant.municipality) code = m.code;
  }
  return grant.role.empty() || grant.role == own_role ? code : code + ":" + grant.role;
}

void ActIn(Store& store, const ActingScope& scope) {
  store.SetScopes(scope.municipalities);
  store.SetActingRole(scope.role);
}

}  // namespace ontzorg
