// Store: municipalities (tenants, issue 20) and their effective-dated settings. A municipality's
// row names it (id, code); what it is (accounts, policies, texts) is in its settings versions,
// append-only like every other version.
#include <soci/soci.h>

#include <map>
#include <set>
#include <string>

#include "adapters/storage/query.h"
#include "adapters/storage/row_codec.h"
#include "adapters/storage/store.h"
#include "adapters/storage/transaction.h"

namespace ontzorg {
namespace {

Status<Error> CheckVersion(const MunicipalityVersion& v) {
  if (v.reason.find_first_not_of(" \t") == std::string::npos) {
    return Fail(ErrorCode::kBadInput,
                "reason: say why (e.g. 'new municipality from 2027', 'new managed account per "
                "1 March'); nothing changed");
  }
  if (v.settings.empty()) return Fail(ErrorCode::kBadInput, "settings: empty; nothing changed");
  return {};
}

void InsertVersion(soci::session& sql, int64_t id, const MunicipalityVersion& v) {
  const long long seq = NextCounter(sql, "municipality_version");
  const long long municipality = id;
  sql << "INSERT INTO municipality_versions (seq, municipality_id, valid_from, settings, "
         "recorded_at, recorded_by, reason) VALUES (:s, :m, :f, :t, :a, :b, :r)",
      soci::use(seq), soci::use(municipality), soci::use(v.valid_from), soci::use(v.settings),
      soci::use(v.recorded_at), soci::use(v.recorded_by), soci::use(v.reason);
}

}  // namespace

std::string Store::ScopeClause(const std::string& column) const {
  if (scopes_.empty()) return "1 = 1";
  std::string list;
  for (const int64_t id : scopes_) list += (list.empty() ? "" : ", ") + std::to_string(id);
  return column + " IN (" + list + ")";
}

std::string Store::ScopeClient(const std::string& client_column) const {
  if (scopes_.empty()) return "1 = 1";
  return client_column + " IN (SELECT id FROM clients WHERE " + ScopeClause("municipality_id") +
         ")";
}

Result<std::vector<MunicipalityRecord>, Error> Store::Municipalities() {
  return Read("cannot read the municipalities", [&] {
    std::vector<MunicipalityRecord> out = Rows(
        *sql_, "SELECT id, code, added_at, added_by FROM municipalities ORDER BY id",
        [](const StoredRow& r) {
          return MunicipalityRecord{GetInt(r, 0), GetText(r, 1), GetText(r, 2), GetText(r, 3), {}};
        });
    std::map<int64_t, size_t> index;
    for (size_t i = 0; i < out.size(); ++i) index[out[i].id] = i;
    ForEachRow(*sql_,
               "SELECT municipality_id, seq, valid_from, settings, recorded_at, recorded_by, "
               "reason FROM municipality_versions ORDER BY seq",
               [&](const StoredRow& r) {
                 const auto it = index.find(GetInt(r, 0));
                 if (it == index.end()) return;
                 out[it->second].versions.push_back({GetInt(r, 1), GetText(r, 2), GetText(r, 3),
                                                     GetText(r, 4), GetText(r, 5), GetText(r, 6)});
               });
    return out;
  });
}

Result<int64_t, Error> Store::AddMunicipality(const NewMunicipality& m) {
  if (auto s = CheckVersion(m.first); !s) return Unexpected(s.error());
  try {
    WriteTransaction tx(*this);
    const int64_t existing = Count(*sql_, "SELECT COUNT(*) FROM municipalities");
    if (m.only_if_none && existing > 0) return int64_t{0};
    if (Count(*sql_, "SELECT COUNT(*) FROM municipalities WHERE code = :c", m.code) > 0) {
      return Fail(ErrorCode::kConflict, "municipality " + m.code +
                                            " is already in the store; record a change with "
                                            "`ontzorg municipality change`; nothing changed");
    }
    // Numbered under the write lock: two adds at once get 1 and 2, never the same number.
    const long long id = Count(*sql_, "SELECT COALESCE(MAX(id), 0) FROM municipalities") + 1;
    *sql_ << "INSERT INTO municipalities (id, code, added_at, added_by) VALUES (:i, :c, :a, :b)",
        soci::use(id), soci::use(m.code), soci::use(m.first.recorded_at),
        soci::use(m.first.recorded_by);
    InsertVersion(*sql_, id, m.first);
    if (!m.only_if_none) {
      InsertAudit(*sql_, {0, m.first.recorded_at, m.first.recorded_by, "municipality.added",
                          "municipality:" + m.code, m.first.reason});
    }
    tx.Commit();
    return static_cast<int64_t>(id);
  } catch (const std::exception& e) {
    return WriteFailed("cannot add the municipality (nothing changed)", e);
  }
}

Status<Error> Store::AddMunicipalityVersion(int64_t id, const MunicipalityVersion& v) {
  if (auto s = CheckVersion(v); !s) return s;
  try {
    WriteTransaction tx(*this);
    const auto code = FirstRow(
        *sql_, "SELECT code FROM municipalities WHERE id = :i",
        [](const StoredRow& r) { return GetText(r, 0); }, id);
    if (!code) {
      return Fail(ErrorCode::kBadInput,
                  "no municipality " + std::to_string(id) + " in the store; nothing changed");
    }
    InsertVersion(*sql_, id, v);
    InsertAudit(*sql_,
                {0, v.recorded_at, v.recorded_by, "municipality.changed", "municipality:" + *code,
                 "from " + (v.valid_from.empty() ? "the start" : v.valid_from) + ": " + v.reason});
    tx.Commit();
    return {};
  } catch (const std::exception& e) {
    return WriteFailed("cannot record the municipality's change (nothing changed)", e);
  }
}

Result<int64_t, Error> Store::MunicipalityOfClient(const ClientId& client) {
  return Read("cannot read the client's municipality", [&] {
    return FirstRow(
               *sql_, "SELECT municipality_id FROM clients WHERE id = :i",
               [](const StoredRow& r) { return GetInt(r, 0); }, client.value)
        .value_or(0);
  });
}

Result<int64_t, Error> Store::MunicipalityOfRun(int64_t run_id) {
  return Read("cannot read the run's municipality", [&] {
    return FirstRow(
               *sql_, "SELECT municipality_id FROM runs WHERE id = :i",
               [](const StoredRow& r) { return GetInt(r, 0); }, run_id)
        .value_or(0);
  });
}

namespace {

// A coach keeps their caseload: clients still theirs must be of a municipality where they stay
// coach under `grants` (else no coach who can see them would be left), so those move first.
Status<Error> KeepsCaseload(soci::session& sql, const User& user,
                            const std::vector<Store::MunicipalityGrant>& grants) {
  std::map<int64_t, std::string> after;  // municipality -> role ('' = their own)
  for (const Store::MunicipalityGrant& g : grants) after[g.municipality] = g.role;
  const auto caseload = Rows(
      sql,
      "SELECT k.client_id, c.municipality_id FROM caseload k JOIN clients c ON c.id = "
      "k.client_id WHERE k.coach = :u AND k.seq = (SELECT MAX(seq) FROM caseload l WHERE "
      "l.client_id = k.client_id) ORDER BY k.client_id",
      [](const StoredRow& r) { return std::make_pair(GetText(r, 0), GetInt(r, 1)); }, user.name);
  std::vector<std::string> stranded;
  for (const auto& [client, municipality] : caseload) {
    const auto it = after.find(municipality);
    const std::string role = after.empty()        ? user.role
                             : it == after.end()  ? std::string()
                             : it->second.empty() ? user.role
                                                  : it->second;
    if (role != "coach") stranded.push_back(client);
  }
  if (stranded.empty()) return {};
  std::string listed;
  for (size_t i = 0; i < stranded.size() && i < 5; ++i) listed += (i ? ", " : "") + stranded[i];
  if (stranded.size() > 5) listed += ", ...";
  return Fail(ErrorCode::kRefused,
              "'" + user.name + "' would no longer be a coach of the municipality of " +
                  std::to_string(stranded.size()) + " client(s) in their caseload (" + listed +
                  "): assign those to another coach first (ontzorg caseload assign); nothing "
                  "changed");
}

}  // namespace

Result<std::vector<Store::MunicipalityGrant>, Error> Store::UserMunicipalities(
    const std::string& user) {
  return Read("cannot read the user's municipalities", [&] {
    return Rows(
        *sql_,
        "SELECT g.municipality_id, CASE WHEN g.role = '' THEN u.role ELSE g.role END FROM "
        "user_municipalities g JOIN users u ON u.name = g.user_name WHERE g.user_name = :u "
        "ORDER BY g.municipality_id",
        [](const StoredRow& r) {
          return MunicipalityGrant{GetInt(r, 0), GetText(r, 1)};
        },
        user);
  });
}

Result<std::string, Error> Store::RoleIn(const std::string& user, int64_t id) {
  return Read("cannot read the user's role in the municipality", [&] {
    const auto own = FirstRow(
        *sql_, "SELECT role FROM users WHERE name = :u",
        [](const StoredRow& r) { return GetText(r, 0); }, user);
    if (!own) return std::string();
    const long long m = id;
    const auto grants = Rows(
        *sql_, "SELECT municipality_id, role FROM user_municipalities WHERE user_name = :u",
        [](const StoredRow& r) { return std::make_pair(GetInt(r, 0), GetText(r, 1)); }, user);
    if (grants.empty()) return *own;
    for (const auto& [municipality, role] : grants) {
      if (municipality == m) return role.empty() ? *own : role;
    }
    return std::string();
  });
}

Status<Error> Store::SetUserMunicipalities(const std::string& user,
                                           const std::vector<MunicipalityGrant>& municipalities,
                                           const std::string& reason, const Actor& by) {
  if (reason.find_first_not_of(" \t") == std::string::npos) {
    return Fail(ErrorCode::kBadInput,
                "reason: say why (e.g. 'works for Tweestad from 1 March'); nothing changed");
  }
  try {
    WriteTransaction tx(*this);
    auto found = FindUser(user);
    if (!found) return Unexpected(found.error());
    if (!*found) return Fail(ErrorCode::kBadInput, "no user '" + user + "'; nothing changed");
    if ((*found)->role != "coach" && (*found)->role != "finance" && !municipalities.empty()) {
      return Fail(ErrorCode::kRefused,
                  "'" + user + "' is " + (*found)->role +
                      ": admins and auditors work for every municipality of the installation; "
                      "nothing changed");
    }
    std::string codes;
    std::set<int64_t> named;
    for (const MunicipalityGrant& g : municipalities) {
      const auto code = FirstRow(
          *sql_, "SELECT code FROM municipalities WHERE id = :i",
          [](const StoredRow& r) { return GetText(r, 0); }, g.municipality);
      if (!code) {
        return Fail(ErrorCode::kBadInput,
                    "no municipality " + std::to_string(g.municipality) + "; nothing changed");
      }
      if (!named.insert(g.municipality).second) {
        return Fail(ErrorCode::kBadInput,
                    *code + " is named twice: one role per municipality; nothing changed");
      }
      if (!g.role.empty() && g.role != "coach" && g.role != "finance") {
        return Fail(ErrorCode::kBadInput, *code + ": role '" + g.role +
                                              "' is not coach or finance (admins and auditors "
                                              "work for every municipality); nothing changed");
      }
      codes += (codes.empty() ? "" : ", ") + *code;
      if (!g.role.empty() && g.role != (*found)->role) codes += " as " + g.role;
    }
    if (auto kept = KeepsCaseload(*sql_, **found, municipalities); !kept) {
      return Unexpected(kept.error());
    }
    *sql_ << "DELETE FROM user_municipalities WHERE user_name = :u", soci::use(user);
    for (const MunicipalityGrant& g : municipalities) {
      const long long m = g.municipality;
      // Their own role is stored as '': it follows a later change of it.
      const std::string role = g.role == (*found)->role ? std::string() : g.role;
      *sql_ << "INSERT INTO user_municipalities (user_name, municipality_id, granted_at, "
               "granted_by, role) VALUES (:u, :m, :a, :b, :r)",
          soci::use(user), soci::use(m), soci::use(by.at), soci::use(by.user), soci::use(role);
    }
    // Sessions end: the next request is answered with the new municipalities only.
    *sql_ << "DELETE FROM sessions WHERE user_name = :u", soci::use(user);
    InsertAudit(*sql_,
                {0, by.at, by.user, "user.municipalities", "user:" + user,
                 (codes.empty() ? std::string("all municipalities") : codes) + ": " + reason});
    tx.Commit();
    return {};
  } catch (const std::exception& e) {
    return WriteFailed("cannot set the user's municipalities (nothing changed)", e);
  }
}

}  // namespace ontzorg
