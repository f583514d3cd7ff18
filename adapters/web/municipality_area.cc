// The municipalities of a kredietbank's installation in the web app (issue 20): the admin adds a
// municipality, records its settings from a month on and says who works for which; the auditor
// reads them. The same use cases as `ontzorg municipality add|change` and `ontzorg user
// municipalities`, with the same checks.
#include <cctype>

#include "adapters/app/municipalities.h"
#include "adapters/web/handlers.h"

namespace ontzorg::web {
namespace {

// A settings error names the form's field: the settings text with its line, or the month.
Outcome SettingsRefusal(const Error& e) {
  if (e.code == ErrorCode::kBadConfig) return Refuse(422, e.message);
  return FromError(e);
}

}  // namespace

Outcome MunicipalitiesData(Ctx& x) {
  auto all = x.store.Municipalities();
  if (!all) return FromError(all.error());
  auto users = x.store.Users();
  if (!users) return FromError(users.error());
  // Who works for which: coach and finance users named for some; the others for all of them.
  std::map<int64_t, json> workers;
  json everywhere = json::array();
  for (const User& u : *users) {
    if (u.role != "coach" && u.role != "finance") continue;
    auto theirs = x.store.UserMunicipalities(u.name);
    if (!theirs) return FromError(theirs.error());
    if (theirs->empty()) {
      everywhere.push_back({{"name", u.name}, {"role", u.role}, {"active", u.active}});
    }
    for (const Store::MunicipalityGrant& g : *theirs) {  // their role in each (issue 20)
      workers[g.municipality].push_back(
          {{"name", u.name}, {"role", g.role}, {"own_role", u.role}, {"active", u.active}});
    }
  }
  const YearMonth month = YearMonth::Of(DayAt(x.now));
  Outcome o;
  o.data = {{"month", month.ToString()},
            {"municipalities", json::array()},
            {"working_for_all", everywhere}};
  for (const MunicipalityRecord& m : *all) {
    json one = {{"id", m.id},
                {"code", m.code},
                {"added_at", m.added_at},
                {"added_by", m.added_by},
                {"users", workers.count(m.id) ? workers[m.id] : json::array()},
                {"versions", json::array()}};
    if (auto config = ConfigNowOf(x.config, m, month)) {
      one["name"] = config->municipality_name;
      one["managed_account"] = config->debtor.iban.Formatted();
      one["format"] = ToString(config->sepa.version);
    } else {
      one["problem"] = config.error().message;
    }
    for (const MunicipalityVersion& v : m.versions) {
      one["versions"].push_back({{"seq", v.seq},
                                 {"valid_from", v.valid_from},
                                 {"recorded_at", v.recorded_at},
                                 {"recorded_by", v.recorded_by},
                                 {"reason", v.reason},
                                 {"settings", v.settings}});
    }
    o.data["municipalities"].push_back(std::move(one));
  }
  return o;
}

// A new municipality: its code (read from the settings when not given), its first settings (from
// a month on, or from the start) and why.
Outcome AddMunicipalityAction(Ctx& x) {
  std::string code = x.Field("code");
  const std::string settings = x.Field("settings");
  if (settings.find_first_not_of(" \t\r\n") == std::string::npos) {
    return Refuse(422,
                  "settings: give the municipality's settings ([municipality], "
                  "[managed_account], ...; see config/ontzorg.toml); nothing changed");
  }
  if (code.empty()) {
    auto read = WithMunicipality(x.config, settings, "settings");
    if (!read) return SettingsRefusal(read.error());
    code = read->municipality_code;
  }
  const Actor me = x.Me();
  auto id =
      AddMunicipality(x.config, x.store,
                      {code, settings, "settings", x.Field("valid_from"), x.Field("reason")}, me);
  if (!id) return SettingsRefusal(id.error());
  Outcome o;
  o.status = 201;
  o.data = {{"municipality", code}, {"id", *id}};
  o.redirect = "/admin/municipalities?saved=" + UrlEncode(code);
  return o;
}

// New settings of {municipality} from a month on (the earlier versions are kept).
Outcome ChangeMunicipalityAction(Ctx& x) {
  const std::string code = x.params["municipality"];
  if (auto s = ChangeMunicipality(
          x.config, x.store,
          {code, x.Field("settings"), "settings", x.Field("valid_from"), x.Field("reason")},
          x.Me());
      !s) {
    return SettingsRefusal(s.error());
  }
  Outcome o;
  o.data = {{"municipality", code}, {"valid_from", x.Field("valid_from")}};
  o.redirect = "/admin/municipalities?saved=" + UrlEncode(code);
  return o;
}

// The municipalities the user named works for (none named: all of them); their sessions end.
Outcome UserMunicipalitiesAction(Ctx& x) {
  auto all = x.store.Municipalities();
  if (!all) return FromError(all.error());
  auto grants = ParseGrants(*all, x.Field("municipalities"));
  if (!grants) return Refuse(422, "municipalities: " + grants.error().message);
  const std::string user = x.Field("user");
  if (auto s = x.store.SetUserMunicipalities(user, *grants, x.Field("reason"), x.Me()); !s) {
    return FromError(s.error());
  }
  json codes = json::array();
  for (const Store::MunicipalityGrant& g : *grants) codes.push_back(GrantText(*all, g, ""));
  Outcome o;
  o.data = {{"user", user}, {"municipalities", codes}};
  o.redirect = "/admin/municipalities?saved=" + UrlEncode(user);
  return o;
}

std::optional<std::string> RefusedMunicipalityForm(Ctx& x, const std::string& message) {
  Outcome shown = MunicipalitiesData(x);
  if (!shown.error.empty()) return std::nullopt;
  return MarkRefusedForm(x.page, MunicipalitiesPage(x.page, shown.data), x.req.Path(),
                         RefusedField(message), message, x.form);
}

}  // namespace ontzorg::web
