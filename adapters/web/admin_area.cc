// The users and audit area of the web app: accounts and roles, caseloads, a user's own
// password, and the audit log with its hash chain verified.
#include "adapters/app/municipalities.h"
#include "adapters/system/password.h"
#include "adapters/web/handlers.h"

namespace ontzorg::web {

Outcome UsersData(Ctx& x) {
  auto users = x.store.Users();
  if (!users) return FromError(users.error());
  auto coaches = x.store.Coaches();
  if (!coaches) return FromError(coaches.error());
  std::map<std::string, int> caseload;
  for (const auto& [client, coach] : *coaches) ++caseload[coach];
  Outcome o;
  o.data = {{"users", json::array()}};
  for (const User& u : *users) {
    o.data["users"].push_back({{"name", u.name},
                               {"role", u.role},
                               {"full_name", u.full_name},
                               {"phone", u.phone},
                               {"has_password", u.has_password},
                               {"active", u.active},
                               {"second_factor", u.second_factor},
                               {"caseload", caseload.count(u.name) ? caseload[u.name] : 0}});
  }
  return o;
}

Outcome AddUserAction(Ctx& x) {
  const std::string name = x.Field("name"), role = x.Field("role");
  if (!IsKnownRole(role))
    return Refuse(422, "role '" + role + "': use finance, coach, admin or auditor");
  if (name.empty() || name.size() > 35 || !std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-';
      })) {
    return Refuse(422, "name '" + name + "': 1-35 letters, digits or '-'");
  }
  auto hash = HashPassword(x.Field("password"));
  if (!hash) return FromError(hash.error());
  const Actor me = x.Me();
  if (auto s = x.store.AddUser({.name = name,
                                .role = role,
                                .full_name = x.Field("full_name"),
                                .phone = x.Field("phone")},
                               {me.user, me.at});
      !s) {
    return FromError(s.error());
  }
  if (auto s = x.store.SetPasswordHash({.user = name, .scrypt_hash = *hash}, {me.user, me.at}); !s)
    return FromError(s.error());
  Outcome o;
  o.status = 201;
  o.data = {{"user", name}, {"role", role}};
  o.redirect = "/admin/users?saved=" + UrlEncode(name);
  return o;
}

Outcome SetPasswordAction(Ctx& x) {
  auto hash = HashPassword(x.Field("password"));
  if (!hash) return FromError(hash.error());
  const Actor me = x.Me();
  if (auto s = x.store.SetPasswordHash({.user = x.params["user"], .scrypt_hash = *hash},
                                       {me.user, me.at});
      !s) {
    return FromError(s.error());
  }
  Outcome o;
  o.data = {{"user", x.params["user"]}, {"password", "set"}};
  o.redirect = "/admin/users?saved=" + UrlEncode(x.params["user"]);
  return o;
}

// The page where a user sets their own password.
Outcome AccountData(Ctx& x) {
  Outcome o;
  o.data = {{"user", x.page.session.user}};
  return o;
}

// A user sets their own password (with the current one): after an admin set it, approvals need
// this (CheckApprover).
Outcome OwnPasswordAction(Ctx& x) {
  const Actor me = x.Me();
  auto stored = x.store.PasswordHash(me.user);
  if (!stored) return FromError(stored.error());
  if (!VerifyPassword(x.Field("current_password"), *stored)) {
    return Refuse(403, "current_password: not your current password; nothing changed");
  }
  auto hash = HashPassword(x.Field("password"));
  if (!hash) return FromError(hash.error());
  if (auto s = x.store.SetPasswordHash(
          {.user = me.user, .scrypt_hash = *hash, .keep_session = x.session_hash}, me);
      !s) {
    return FromError(s.error());
  }
  Outcome o;
  o.data = {{"user", me.user}, {"password", "set by its owner"}};
  o.redirect = "/?saved=password";
  return o;
}

// A user with different roles in different municipalities (issue 20) acts in another of them:
// the session's role changes, and with it what they may do and the municipalities they see. The
// next request is answered in the new role; one already running finishes in the old one.
Outcome ActingRoleAction(Ctx& x) {
  const SessionView& me = x.page.session;
  const std::string wanted = x.Field("role");
  if (wanted.empty()) return Refuse(422, "role: say which of your roles you act in");
  auto scope = ScopeOfRole(x.store, User{.name = me.user, .role = me.own_role}, wanted);
  if (!scope) return Refuse(422, "role: " + scope.error().message);
  if (auto s = x.store.SetSessionRole(
          {.token_hash = x.session_hash, .role = wanted == me.own_role ? "" : wanted});
      !s) {
    return FromError(s.error());
  }
  Outcome o;
  o.data = {{"user", me.user}, {"role", wanted}};
  o.redirect = "/?saved=role";
  return o;
}

Outcome AssignAction(Ctx& x) {
  const Actor me = x.Me();
  if (auto s = x.store.AssignCaseload({{ClientId{x.Field("client")}, x.Field("coach")}},
                                      {me.user, me.at});
      !s) {
    return FromError(s.error());
  }
  Outcome o;
  o.data = {{"client", x.Field("client")}, {"coach", x.Field("coach")}};
  o.redirect = "/admin/users?saved=" + UrlEncode(x.Field("client"));
  return o;
}

Outcome AuditData(Ctx& x) {
  auto verified = x.store.VerifyAuditLog();
  if (!verified) return FromError(verified.error());
  auto log = x.store.AuditLog(x.Field("subject"));
  if (!log) return FromError(log.error());
  Outcome o;
  o.data = {{"intact", verified->problems.empty()},
            {"rows", verified->rows},
            {"head", verified->head},
            {"problems", verified->problems},
            {"log", json::array()}};
  const size_t from = log->size() > 500 ? log->size() - 500 : 0;
  for (size_t i = log->size(); i > from; --i) {
    const AuditRecord& a = (*log)[i - 1];
    o.data["log"].push_back({{"seq", a.seq},
                             {"at", a.at},
                             {"user", a.user},
                             {"action", a.action},
                             {"subject", a.subject},
                             {"detail", a.detail}});
  }
  return o;
}

namespace {

Outcome SetActive(Ctx& x, bool active) {
  const std::string& name = x.params["user"];
  const std::string reason = x.Field("reason");
  if (reason.empty()) {
    return Refuse(422, "reason: say why (e.g. left the team, on leave); nothing changed");
  }
  if (!active && name == x.page.session.user) {
    return Refuse(422, "user: you cannot deactivate yourself; ask another admin");
  }
  if (auto s = x.store.SetUserActive(name, active, reason, x.Me()); !s) return FromError(s.error());
  Outcome o;
  o.data = {{"user", name}, {"active", active}};
  o.redirect = "/admin/users?saved=" + UrlEncode(name);
  return o;
}

}  // namespace

Outcome DeactivateAction(Ctx& x) { return SetActive(x, false); }
Outcome ActivateAction(Ctx& x) { return SetActive(x, true); }

Outcome UnlockAction(Ctx& x) {
  const std::string& name = x.params["user"];
  if (auto s = x.store.UnlockUser(name, x.Me()); !s) return FromError(s.error());
  Outcome o;
  o.data = {{"user", name}, {"unlocked", true}};
  o.redirect = "/admin/users?saved=" + UrlEncode(name);
  return o;
}

Outcome ResetSecondFactorAction(Ctx& x) {
  const std::string& name = x.params["user"];
  const std::string reason = x.Field("reason");
  if (reason.empty()) {
    return Refuse(422, "reason: say why (e.g. phone lost, new phone); nothing changed");
  }
  if (auto s = x.store.ResetSecondFactor({name, reason}, x.Me()); !s) return FromError(s.error());
  Outcome o;
  o.data = {{"user", name}, {"second_factor", "reset"}};
  o.redirect = "/admin/users?saved=" + UrlEncode(name);
  return o;
}

Outcome AccessData(Ctx& x) {
  const std::string client = x.Field("client"), user = x.Field("user");
  constexpr int64_t kShown = 1000;
  auto log = x.store.AccessLog({client, user, kShown});
  if (!log) return FromError(log.error());
  Outcome o;
  o.data = {{"client", client}, {"user", user}, {"limit", kShown}, {"views", json::array()}};
  for (auto it = log->rbegin(); it != log->rend(); ++it) {  // the latest first
    o.data["views"].push_back({{"seq", it->seq},
                               {"at", it->at},
                               {"user", it->user},
                               {"role", it->role},
                               {"client", it->client},
                               {"view", it->view}});
  }
  return o;
}

}  // namespace ontzorg::web
