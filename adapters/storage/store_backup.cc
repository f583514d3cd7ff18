// Store: backup and restore of a SQLite store (issue 19) with SQLite's online backup API, on the
// connection SOCI opened. A PostgreSQL store is backed up with pg_dump and restored with
// pg_restore (README, "Installing for production"): the database's own tools do it better.
#include <fcntl.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>  // SQLite's API, inside namespace sqlite_api
#include <unistd.h>

#include <filesystem>

#include "adapters/storage/store.h"
#include "adapters/system/files.h"

namespace ontzorg {
namespace {

using namespace sqlite_api;  // NOLINT(google-build-using-namespace): soci wraps sqlite3.h in it

// Copies every page of the database `from` into a new file `path` (made readable by its owner
// only: it holds every client's data) in one read transaction, so the copy is consistent while
// other processes go on writing.
Status<Error> CopyDatabase(sqlite3* from, const std::string& path) {
  const int fd = ::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0) return Fail(ErrorCode::kIo, path + ": cannot be created; nothing was written");
  ::close(fd);
  sqlite3* to = nullptr;
  std::string problem;
  sqlite3_backup* backup = nullptr;
  if (sqlite3_open_v2(path.c_str(), &to, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK) {
    backup = sqlite3_backup_init(to, "main", from, "main");
  }
  if (backup == nullptr) {
    problem = sqlite3_errmsg(to);
  } else {
    const int stepped = sqlite3_backup_step(backup, -1);  // every page, one read transaction
    sqlite3_backup_finish(backup);
    if (stepped != SQLITE_DONE) problem = sqlite3_errstr(stepped);
  }
  sqlite3_close(to);
  if (!problem.empty()) {
    std::error_code ec;
    std::filesystem::remove(path, ec);
    return Fail(ErrorCode::kStorage, "cannot copy the store to " + path + ": " + problem);
  }
  return {};
}

sqlite3* Handle(soci::session& sql) {
  return static_cast<soci::sqlite3_session_backend*>(sql.get_backend())->conn_;
}

}  // namespace

Status<Error> Store::BackupTo(const std::string& path) {
  if (backend_ != Backend::kSqlite) {
    return Fail(ErrorCode::kRefused,
                "a PostgreSQL store is backed up with PostgreSQL's own tool: pg_dump --format "
                "custom --file ontzorg.dump \"<the store's connection string>\" (README, "
                "Installing for production); nothing was written");
  }
  if (std::filesystem::exists(path)) {
    return Fail(ErrorCode::kRefused,
                path + " exists: a backup never overwrites a file; name a new one");
  }
  const std::string partial = path + ".partial";
  std::error_code ec;
  std::filesystem::remove(partial, ec);  // left by a backup that was killed
  if (auto copied = CopyDatabase(Handle(*sql_), partial); !copied) return copied;
  return CommitFile(partial, path);
}

Status<Error> Store::Restore(const Restoration& restoration) {
  const std::string &backup = restoration.backup, &url = restoration.into;
  if (IsPostgresUrl(url)) {
    return Fail(ErrorCode::kRefused,
                "a PostgreSQL store is restored with pg_restore into an empty database "
                "(README, Installing for production); nothing was changed");
  }
  if (std::filesystem::exists(url)) {
    return Fail(ErrorCode::kRefused, "store " + url +
                                         " exists: a backup is restored into a new store "
                                         "only; move the old one aside first; nothing was "
                                         "changed");
  }
  if (!std::filesystem::is_regular_file(backup)) {
    return Fail(ErrorCode::kBadInput, backup + ": no such file; nothing was changed");
  }
  // The backup is read as it is (never migrated in place: it stays what was saved).
  sqlite3* from = nullptr;
  std::string problem;
  if (sqlite3_open_v2(backup.c_str(), &from, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    problem = sqlite3_errmsg(from);
  } else {
    sqlite3_stmt* check = nullptr;
    const char* sql =
        "SELECT (SELECT COUNT(*) FROM sqlite_master WHERE name = 'schema_migrations'), "
        "(SELECT group_concat(integrity_check, '; ') FROM pragma_integrity_check)";
    if (sqlite3_prepare_v2(from, sql, -1, &check, nullptr) != SQLITE_OK ||
        sqlite3_step(check) != SQLITE_ROW) {
      problem = std::string("not a SQLite database: ") + sqlite3_errmsg(from);
    } else if (sqlite3_column_int(check, 0) != 1) {
      problem = "a SQLite database, but not an ontzorg store";
    } else if (const auto* verdict = sqlite3_column_text(check, 1);
               verdict == nullptr || std::string(reinterpret_cast<const char*>(verdict)) != "ok") {
      problem = std::string("damaged (SQLite's integrity check: ") +
                (verdict ? reinterpret_cast<const char*>(verdict) : "") + ")";
    }
    sqlite3_finalize(check);
  }
  Status<Error> done;
  if (problem.empty()) {
    std::error_code ec;
    const auto parent = std::filesystem::path(url).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    const std::string partial = url + ".partial";
    std::filesystem::remove(partial, ec);
    done = CopyDatabase(from, partial);
    if (done) done = CommitFile(partial, url);
  }
  sqlite3_close(from);
  if (!problem.empty()) {
    return Fail(ErrorCode::kBadInput,
                backup + " cannot be restored: " + problem + "; nothing was changed");
  }
  return done;
}

}  // namespace ontzorg
