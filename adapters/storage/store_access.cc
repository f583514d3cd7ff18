// Store: the web app's sessions, failed logins, deactivated users and the access log (issue 19).
// Sessions, failures and access rows are written by single statements outside the write lock
// (see store.h): they are working state and a record of reading, not changes to the data.
#include <soci/soci.h>

#include "adapters/storage/query.h"
#include "adapters/storage/row_codec.h"
#include "adapters/storage/store.h"
#include "adapters/storage/transaction.h"

namespace ontzorg {
namespace {

// Runs one writing statement; kStorage "<what>: <the database's words>" when it throws.
template <typename Body>
Status<Error> Write(const std::string& what, Body&& body) {
  try {
    body();
    return {};
  } catch (const std::exception& e) {
    return WriteFailed(what, e);
  }
}

}  // namespace

Status<Error> Store::CreateSession(const SessionStart& start) {
  return Write("cannot start the session", [&] {
    const long long at = start.now;
    *sql_ << "INSERT INTO sessions (token_hash, user_name, csrf, created_at, last_seen, stage, "
             "pending, acting_role) VALUES (:t, :u, :c, :a, :a2, :s, :p, :r)",
        soci::use(start.token_hash), soci::use(start.user), soci::use(start.csrf), soci::use(at),
        soci::use(at), soci::use(start.stage), soci::use(start.pending),
        soci::use(start.acting_role);
  });
}

Status<Error> Store::SetSessionRole(const SessionRole& change) {
  return Write("cannot change the session's role", [&] {
    *sql_ << "UPDATE sessions SET acting_role = :r WHERE token_hash = :t", soci::use(change.role),
        soci::use(change.token_hash);
  });
}

Result<std::optional<Store::SessionRecord>, Error> Store::FindSession(
    const std::string& token_hash) {
  return Read("cannot read the session", [&] {
    return FirstRow(
        *sql_,
        "SELECT u.name, CASE WHEN s.acting_role = '' THEN u.role ELSE s.acting_role END, "
        "u.full_name, s.csrf, s.created_at, s.last_seen, s.stage, s.pending, u.role FROM "
        "sessions s JOIN users u ON u.name = s.user_name WHERE s.token_hash = :t AND u.active = 1",
        [](const StoredRow& r) {
          return SessionRecord{GetText(r, 0), GetText(r, 1), GetText(r, 2),
                               GetText(r, 3), GetInt(r, 4),  GetInt(r, 5),
                               GetText(r, 6), GetText(r, 7), GetText(r, 8)};
        },
        token_hash);
  });
}

Status<Error> Store::TouchSession(const std::string& token_hash, int64_t now) {
  return Write("cannot record the session's use", [&] {
    const long long at = now;
    *sql_ << "UPDATE sessions SET last_seen = :a WHERE token_hash = :t", soci::use(at),
        soci::use(token_hash);
  });
}

Status<Error> Store::EndSession(const std::string& token_hash) {
  return Write("cannot end the session", [&] {
    *sql_ << "DELETE FROM sessions WHERE token_hash = :t", soci::use(token_hash);
  });
}

Status<Error> Store::EndExpiredSessions(const SessionExpiry& expiry) {
  return Write("cannot end expired sessions", [&] {
    const long long idle = expiry.idle_before, created = expiry.created_before;
    *sql_ << "DELETE FROM sessions WHERE last_seen < :i OR created_at < :c", soci::use(idle),
        soci::use(created);
  });
}

Result<int64_t, Error> Store::CountSessions() {
  return Read("cannot count sessions",
              [&] { return Count(*sql_, "SELECT COUNT(*) FROM sessions"); });
}

Status<Error> Store::SetUserActive(const std::string& name, bool active, const std::string& reason,
                                   const Actor& by) {
  if (reason.find_first_not_of(" \t") == std::string::npos) {
    return Fail(ErrorCode::kBadInput,
                "reason: say why (e.g. left the team, back from leave); nothing changed");
  }
  try {
    WriteTransaction tx(*this);
    auto user = FindUser(name);
    if (!user) return Unexpected(user.error());
    if (!*user) return Fail(ErrorCode::kBadInput, "no user '" + name + "'; nothing changed");
    if ((*user)->active == active) {
      return Fail(ErrorCode::kConflict, "user '" + name + "' is already " +
                                            (active ? "active" : "deactivated") +
                                            "; nothing changed");
    }
    if (!active && (*user)->role == "admin" &&
        Count(*sql_, "SELECT COUNT(*) FROM users WHERE role = 'admin' AND active = 1") <= 1) {
      return Fail(ErrorCode::kRefused, "'" + name +
                                           "' is the last active admin: nobody could manage "
                                           "accounts any more; add or reactivate another admin "
                                           "first; nothing changed");
    }
    const long long flag = active ? 1 : 0;
    *sql_ << "UPDATE users SET active = :a WHERE name = :n", soci::use(flag), soci::use(name);
    if (!active) *sql_ << "DELETE FROM sessions WHERE user_name = :n", soci::use(name);
    InsertAudit(*sql_, {0, by.at, by.user, active ? "user.activated" : "user.deactivated",
                        "user:" + name, reason});
    tx.Commit();
    return {};
  } catch (const std::exception& e) {
    return WriteFailed("cannot change the user (nothing changed)", e);
  }
}

Status<Error> Store::RecordLoginFailure(const LoginKey& key, int64_t now) {
  return Write("cannot record the failed login", [&] {
    const long long at = now;
    *sql_ << "INSERT INTO login_failures (user_name, remote, at) VALUES (:u, :r, :a)",
        soci::use(key.user), soci::use(key.remote), soci::use(at);
  });
}

Status<Error> Store::ForgetLoginFailures(int64_t before) {
  return Write("cannot forget old failed logins", [&] {
    const long long old = before;
    *sql_ << "DELETE FROM login_failures WHERE at < :o", soci::use(old);
  });
}

Result<Store::FailureCount, Error> Store::LoginFailures(const LoginKey& key, int64_t since) {
  return Read("cannot read failed logins", [&] {
    std::string where = "at >= :s";
    if (!key.user.empty()) where += " AND user_name = :u";
    if (!key.remote.empty()) where += " AND remote = :r";
    const std::string query = "SELECT COUNT(*), MAX(at) FROM login_failures WHERE " + where;
    const auto decode = [](const StoredRow& r) {
      return FailureCount{GetInt(r, 0), r.IsNull(1) ? 0 : GetInt(r, 1)};
    };
    std::optional<FailureCount> found;
    if (!key.user.empty() && !key.remote.empty()) {
      found = FirstRow(*sql_, query, decode, since, key.user, key.remote);
    } else if (!key.user.empty()) {
      found = FirstRow(*sql_, query, decode, since, key.user);
    } else if (!key.remote.empty()) {
      found = FirstRow(*sql_, query, decode, since, key.remote);
    } else {
      found = FirstRow(*sql_, query, decode, since);
    }
    return found.value_or(FailureCount{});
  });
}

Status<Error> Store::ClearLoginFailures(const LoginKey& key) {
  return Write("cannot clear failed logins", [&] {
    *sql_ << "DELETE FROM login_failures WHERE user_name = :u AND remote = :r", soci::use(key.user),
        soci::use(key.remote);
  });
}

Status<Error> Store::UnlockUser(const std::string& name, const Actor& by) {
  try {
    WriteTransaction tx(*this);
    if (Count(*sql_, "SELECT COUNT(*) FROM users WHERE name = :n", name) == 0) {
      return Fail(ErrorCode::kBadInput, "no user '" + name + "'; nothing changed");
    }
    const int64_t failures =
        Count(*sql_, "SELECT COUNT(*) FROM login_failures WHERE user_name = :n", name);
    *sql_ << "DELETE FROM login_failures WHERE user_name = :n", soci::use(name);
    InsertAudit(*sql_, {0, by.at, by.user, "user.unlocked", "user:" + name,
                        std::to_string(failures) + " failed logins forgotten"});
    tx.Commit();
    return {};
  } catch (const std::exception& e) {
    return WriteFailed("cannot unlock the user (nothing changed)", e);
  }
}

Result<std::optional<Store::SecondFactor>, Error> Store::FindSecondFactor(const std::string& user) {
  return Read("cannot read the second factor", [&] {
    return FirstRow(
        *sql_,
        "SELECT totp_secret, totp_last_step, (SELECT COUNT(*) FROM recovery_codes c WHERE "
        "c.user_name = u.name AND c.used_at = '') FROM users u WHERE name = :n AND "
        "totp_secret <> ''",
        [](const StoredRow& r) {
          return SecondFactor{GetText(r, 0), GetInt(r, 1), GetInt(r, 2)};
        },
        user);
  });
}

Status<Error> Store::EnableSecondFactor(const SecondFactorSetup& setup, const Actor& by) {
  try {
    WriteTransaction tx(*this);
    const long long step = setup.step;
    soci::statement set = (sql_->prepare << "UPDATE users SET totp_secret = :s, totp_last_step = "
                                            ":p WHERE name = :n AND totp_secret = ''",
                           soci::use(setup.secret), soci::use(step), soci::use(setup.user));
    set.execute(true);
    if (set.get_affected_rows() != 1) {
      return Fail(ErrorCode::kConflict, "user '" + setup.user +
                                            "' has a second factor already (or does not exist); "
                                            "nothing changed");
    }
    for (const std::string& hash : setup.recovery_hashes) {
      *sql_ << "INSERT INTO recovery_codes (user_name, code_hash) VALUES (:n, :h)",
          soci::use(setup.user), soci::use(hash);
    }
    InsertAudit(*sql_, {0, by.at, by.user, "user.second_factor_set_up", "user:" + setup.user,
                        "TOTP (RFC 6238), " + std::to_string(setup.recovery_hashes.size()) +
                            " recovery codes"});
    tx.Commit();
    return {};
  } catch (const std::exception& e) {
    return WriteFailed("cannot set up the second factor (nothing changed)", e);
  }
}

Result<bool, Error> Store::UseTotpStep(const std::string& user, int64_t step) {
  bool used = false;
  auto done = Write("cannot record the code's use", [&] {
    const long long s = step;
    soci::statement st = (sql_->prepare << "UPDATE users SET totp_last_step = :s WHERE name = :n "
                                           "AND totp_secret <> '' AND totp_last_step < :s2",
                          soci::use(s), soci::use(user), soci::use(s));
    st.execute(true);
    used = st.get_affected_rows() == 1;
  });
  if (!done) return Unexpected(done.error());
  return used;
}

Result<bool, Error> Store::UseRecoveryCode(const CodeUse& use, const Actor& at) {
  const std::string &user = use.user, &code_hash = use.code_hash;
  try {
    WriteTransaction tx(*this);
    soci::statement st = (sql_->prepare << "UPDATE recovery_codes SET used_at = :a WHERE "
                                           "user_name = :n AND code_hash = :h AND used_at = ''",
                          soci::use(at.at), soci::use(user), soci::use(code_hash));
    st.execute(true);
    if (st.get_affected_rows() != 1) return false;  // rolled back: nothing to keep
    const int64_t left = Count(
        *sql_, "SELECT COUNT(*) FROM recovery_codes WHERE user_name = :n AND used_at = ''", user);
    InsertAudit(*sql_, {0, at.at, at.user, "user.recovery_code_used", "user:" + user,
                        std::to_string(left) + " recovery codes left"});
    tx.Commit();
    return true;
  } catch (const std::exception& e) {
    return WriteFailed("cannot use the recovery code (nothing changed)", e);
  }
}

Status<Error> Store::ResetSecondFactor(const Reasoned& reset, const Actor& by) {
  const std::string &user = reset.user, &reason = reset.reason;
  if (reason.find_first_not_of(" \t") == std::string::npos) {
    return Fail(ErrorCode::kBadInput,
                "reason: say why (e.g. phone lost); the second factor was not reset");
  }
  try {
    WriteTransaction tx(*this);
    soci::statement st =
        (sql_->prepare << "UPDATE users SET totp_secret = '', totp_last_step = 0 WHERE name = :n "
                          "AND totp_secret <> ''",
         soci::use(user));
    st.execute(true);
    if (st.get_affected_rows() != 1) {
      return Fail(ErrorCode::kConflict,
                  "user '" + user + "' has no second factor set up; nothing changed");
    }
    *sql_ << "DELETE FROM recovery_codes WHERE user_name = :n", soci::use(user);
    *sql_ << "DELETE FROM sessions WHERE user_name = :n", soci::use(user);
    InsertAudit(*sql_, {0, by.at, by.user, "user.second_factor_reset", "user:" + user, reason});
    tx.Commit();
    return {};
  } catch (const std::exception& e) {
    return WriteFailed("cannot reset the second factor (nothing changed)", e);
  }
}

Status<Error> Store::RecordAccess(const AccessRecord& r) {
  return Write("cannot record who viewed the client's data", [&] {
    // On SQLite a view's row is committed without waiting for the disk (synchronous NORMAL for
    // this statement: in WAL mode it survives a crash of the process, and a power cut loses at
    // most the views since the last synced commit, never the store's consistency). A sync per
    // page view cost the client page 60% of its throughput. Money keeps synchronous FULL.
    const bool lazy = backend_ == Backend::kSqlite && tx_depth_ == 0;
    if (lazy) *sql_ << "PRAGMA synchronous = NORMAL";
    try {
      *sql_ << "INSERT INTO access_log (at, user_name, role, client_id, view) VALUES "
               "(:a, :u, :r, :c, :v)",
          soci::use(r.at), soci::use(r.user), soci::use(r.role), soci::use(r.client),
          soci::use(r.view);
    } catch (...) {
      if (lazy) *sql_ << "PRAGMA synchronous = FULL";
      throw;
    }
    if (lazy) *sql_ << "PRAGMA synchronous = FULL";
  });
}

Result<std::vector<Store::AccessRecord>, Error> Store::AccessLog(const AccessQuery& q) {
  return Read("cannot read the access log", [&] {
    std::string where = "1 = 1";
    if (!q.client.empty()) where += " AND client_id = :c";
    if (!q.user.empty()) where += " AND user_name = :u";
    // The latest `limit` rows, then oldest first.
    const std::string query =
        "SELECT seq, at, user_name, role, client_id, view FROM (SELECT * FROM access_log WHERE " +
        where + " ORDER BY seq DESC LIMIT :l) latest ORDER BY seq";
    const auto decode = [](const StoredRow& r) {
      return AccessRecord{GetInt(r, 0),  GetText(r, 1), GetText(r, 2),
                          GetText(r, 3), GetText(r, 4), GetText(r, 5)};
    };
    if (!q.client.empty() && !q.user.empty()) {
      return Rows(*sql_, query, decode, q.client, q.user, q.limit);
    }
    if (!q.client.empty()) return Rows(*sql_, query, decode, q.client, q.limit);
    if (!q.user.empty()) return Rows(*sql_, query, decode, q.user, q.limit);
    return Rows(*sql_, query, decode, q.limit);
  });
}

Result<std::string, Error> Store::AccessLogCutoff() {
  return Read("cannot read the access log's retention", [&] {
    return FirstRow(*sql_, "SELECT cutoff FROM retention WHERE name = 'access_log'",
                    [](const StoredRow& r) { return GetText(r, 0); })
        .value_or("");
  });
}

Result<int64_t, Error> Store::PruneAccessLog(const std::string& cutoff, const Actor& by) {
  try {
    WriteTransaction tx(*this);
    const std::string current =
        FirstRow(*sql_, "SELECT cutoff FROM retention WHERE name = 'access_log'",
                 [](const StoredRow& r) { return GetText(r, 0); })
            .value_or("");
    if (cutoff < current) {
      return Fail(ErrorCode::kConflict, "the access log is kept from " + current +
                                            " already; a cut-off of " + cutoff +
                                            " would move it back; nothing changed");
    }
    const int64_t gone = Count(*sql_, "SELECT COUNT(*) FROM access_log WHERE at < :c", cutoff);
    *sql_ << "UPDATE retention SET cutoff = :c WHERE name = 'access_log'", soci::use(cutoff);
    *sql_ << "DELETE FROM access_log WHERE at < :c", soci::use(cutoff);
    InsertAudit(*sql_, {0, by.at, by.user, "access_log.pruned", "access_log",
                        std::to_string(gone) + " views recorded before " + cutoff + " removed"});
    tx.Commit();
    return gone;
  } catch (const std::exception& e) {
    return WriteFailed("cannot prune the access log (nothing changed)", e);
  }
}

}  // namespace ontzorg
