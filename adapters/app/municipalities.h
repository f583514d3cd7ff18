// Several municipalities in one installation (issue 20): a kredietbank runs the month for each
// of them, each with its own managed account, policies and bank. A municipality is data in the
// store (code, and settings versions from a month on); the configuration file holds the
// installation and seeds the first municipality. These are the use cases around that data:
// which municipality a command acts for, and the configuration it acts with.
#ifndef ONTZORG_ADAPTERS_APP_MUNICIPALITIES_H_
#define ONTZORG_ADAPTERS_APP_MUNICIPALITIES_H_

#include <string>
#include <vector>

#include "adapters/app/run_month.h"
#include "adapters/config/config.h"
#include "adapters/error.h"
#include "adapters/storage/store.h"

namespace ontzorg {

// A store without municipalities (new, or made before issue 20) gets the configured one as
// municipality 1: its settings are the configuration file's municipality sections, from the
// start. Its data, files and audit chain are untouched. Two processes doing it at once add it
// once. Returns whether it was added.
Result<bool, Error> AdoptConfiguredMunicipality(const Config& config, Store& store,
                                                const Actor& by);

// The settings version of `m` that holds in `month`: the latest valid_from on or before it (the
// last recorded when two share one); nullptr when its first version is later.
const MunicipalityVersion* VersionIn(const MunicipalityRecord& m, YearMonth month);

// The installation's configuration with `m`'s settings as they hold in `month`.
Result<Config, Error> ConfigOf(const Config& installation, const MunicipalityRecord& m,
                               YearMonth month);

// The configuration a command works with now: `m`'s settings in `month`, or its first when they
// start later (a municipality added ahead of its first month).
Result<Config, Error> ConfigNowOf(const Config& installation, const MunicipalityRecord& m,
                                  YearMonth month);

// The municipality with `code`; kBadInput naming the codes there are when none has it.
Result<MunicipalityRecord, Error> FindMunicipality(Store& store, const std::string& code);
Result<MunicipalityRecord, Error> FindMunicipality(const std::vector<MunicipalityRecord>& all,
                                                   const std::string& code);

// The configuration a run's batch is written with: its municipality's settings in its month (the
// installation's own when the store has no municipalities yet).
Result<Config, Error> ConfigOfRun(const Config& installation, Store& store, const RunRecord& run);

// The configuration a client's month is computed and shown with: its municipality's settings in
// `month` (`given` when the store has no municipalities yet).
Result<Config, Error> ConfigOfClient(const Config& given, Store& store, const ClientId& client,
                                     YearMonth month);

// Runs the month for the municipality with `code` ("": the only one; kBadInput naming the codes
// when there are several) with its settings in the month, the store scoped to it meanwhile. A
// store without municipalities runs with `installation`, unscoped, as before.
Result<RunReport, Error> RunMonthFor(const Config& installation, Store& store,
                                     const std::string& code, const RunOptions& options);

// A batch made outside the month's run (a re-issue, a release of held bills, a one-off payment)
// pays from one municipality's managed account, with that municipality's MsgIds and settings.
// `config`: the configuration to prepare it with; `id`: the municipality (0: the store has none
// yet, `config` is the one given).
struct BatchMunicipality {
  Config config;
  int64_t id = 0;
};

// A user acts in one role at a time (issue 20: a role in each municipality): the web session's
// role, or the CLI's --as. Their scope is the municipalities where they have that role.
struct ActingScope {
  std::string role;
  std::vector<int64_t> municipalities;  // empty: every municipality (the user has no grants)
  std::vector<std::string> roles;       // every role the user has (RolesOf)
};
// The roles `user` has: their own when they work for every municipality, else those of their
// municipalities (in the order "finance", "coach").
std::vector<std::string> RolesOf(const User& user,
                                 const std::vector<Store::MunicipalityGrant>& grants);
// The scope of `user` acting as `wanted` ("": their own role when they have it, else their one
// role). Refused (kRefused) when they do not have `wanted` in any municipality, or have several
// roles and none is wanted.
Result<ActingScope, Error> ScopeOfRole(Store& store, const User& user, const std::string& wanted);
// The municipalities a coach or finance user is to work for, from items "GM9998" (in their own
// role) or "GM9998:coach", separated by anything else ("GM0363, GM0599:coach", or a JSON array
// of them); codes in any case. kBadInput naming the item, or the codes there are, for an
// unknown role or code.
Result<std::vector<Store::MunicipalityGrant>, Error> ParseGrants(
    const std::vector<MunicipalityRecord>& all, const std::string& text);
// "GM9998" or "GM9998:coach" (a role other than `own_role`), as ParseGrants reads it.
std::string GrantText(const std::vector<MunicipalityRecord>& all,
                      const Store::MunicipalityGrant& grant, const std::string& own_role);
// Scopes the store to `scope`: its queries to the municipalities, the use cases' role checks
// (RequireAction) to the role.
void ActIn(Store& store, const ActingScope& scope);

// The municipalities the store is scoped to (all when unscoped), in the order added.
Result<std::vector<MunicipalityRecord>, Error> MunicipalitiesInScope(Store& store);

// Whether `client` belongs to a municipality the store is scoped to (true when unscoped).
Result<bool, Error> ClientInScope(Store& store, const ClientId& client);

// The municipality of `clients`' payments: the one they all belong to. Refused (kRefused) when
// they belong to several (one batch per municipality); a client outside the user's
// municipalities, or unknown, is left to the caller to report as not found.
Result<BatchMunicipality, Error> MunicipalityOfClients(const Config& given, Store& store,
                                                       const std::vector<ClientId>& clients,
                                                       YearMonth month);

// The municipality the store is scoped to: the only one there is, or the one named. Refused
// (kBadInput, naming the codes) when the user works for several and named none: `what` then
// says what needs one.
Result<BatchMunicipality, Error> MunicipalityInScope(const Config& given, Store& store,
                                                     YearMonth month, const std::string& what);

// Scopes the store to one municipality while it lives (id 0: leaves the scope as it is), so the
// batch begun meanwhile is that municipality's; then puts back the scope there was.
class ScopedToMunicipality {
 public:
  ScopedToMunicipality(Store& store, int64_t id);
  ~ScopedToMunicipality();
  ScopedToMunicipality(const ScopedToMunicipality&) = delete;
  ScopedToMunicipality& operator=(const ScopedToMunicipality&) = delete;

 private:
  Store& store_;
  std::vector<int64_t> before_;
  bool active_;
};

// A new settings version, checked: the settings must read as a municipality (WithMunicipality),
// and its code must be the municipality's own (a code is never changed).
struct SettingsChange {
  std::string code;        // the municipality changed, or added
  std::string settings;    // TOML text
  std::string source;      // where the text came from, for errors ("gm0002.toml")
  std::string valid_from;  // "YYYY-MM"; "" from the start
  std::string reason;
};
Result<int64_t, Error> AddMunicipality(const Config& installation, Store& store,
                                       const SettingsChange& add, const Actor& by);
Status<Error> ChangeMunicipality(const Config& installation, Store& store,
                                 const SettingsChange& change, const Actor& by);

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_APP_MUNICIPALITIES_H_
