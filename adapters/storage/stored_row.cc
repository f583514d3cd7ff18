#include "adapters/storage/stored_row.h"

#include <libpq-fe.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>  // SQLite's API, inside namespace sqlite_api

#include <charconv>
#include <cstdlib>
#include <memory>
#include <stdexcept>

namespace ontzorg {
namespace {

using namespace sqlite_api;  // NOLINT(google-build-using-namespace): soci wraps sqlite3.h in it

class SqliteRow final : public StoredRow {
 public:
  explicit SqliteRow(sqlite3_stmt* statement) : statement_(statement) {}
  bool IsNull(size_t i) const override {
    return sqlite3_column_type(statement_, Index(i)) == SQLITE_NULL;
  }
  int64_t Int(size_t i) const override { return sqlite3_column_int64(statement_, Index(i)); }
  std::string_view Text(size_t i) const override {
    const auto* text = sqlite3_column_text(statement_, Index(i));
    if (text == nullptr) return {};
    return {reinterpret_cast<const char*>(text),
            static_cast<size_t>(sqlite3_column_bytes(statement_, Index(i)))};
  }

 private:
  int Index(size_t i) const {
    if (i >= static_cast<size_t>(sqlite3_column_count(statement_))) {
      throw std::runtime_error("column " + std::to_string(i) + " is not in the result");
    }
    return static_cast<int>(i);
  }
  sqlite3_stmt* statement_;
};

void ForEachSqliteRow(sqlite3* db, const std::string& query, const std::vector<QueryParam>& params,
                      const std::function<void(const StoredRow&)>& each) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, query.c_str(), static_cast<int>(query.size()), &raw, nullptr) !=
      SQLITE_OK) {
    sqlite3_finalize(raw);
    throw std::runtime_error(std::string(sqlite3_errmsg(db)) + " while preparing \"" + query +
                             "\"");
  }
  const std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> statement(raw, sqlite3_finalize);
  if (sqlite3_bind_parameter_count(raw) != static_cast<int>(params.size())) {
    throw std::runtime_error("\"" + query + "\" has " +
                             std::to_string(sqlite3_bind_parameter_count(raw)) +
                             " placeholders for " + std::to_string(params.size()) + " values");
  }
  for (size_t i = 0; i < params.size(); ++i) {
    const int at = static_cast<int>(i + 1);
    // The values live until the rows are read (the caller's contract): bound without a copy.
    const int rc =
        std::holds_alternative<int64_t>(params[i])
            ? sqlite3_bind_int64(raw, at, std::get<int64_t>(params[i]))
            : sqlite3_bind_text(raw, at, std::get<std::string_view>(params[i]).data(),
                                static_cast<int>(std::get<std::string_view>(params[i]).size()),
                                SQLITE_STATIC);
    if (rc != SQLITE_OK) throw std::runtime_error(sqlite3_errmsg(db));
  }
  const SqliteRow row(raw);
  for (;;) {
    const int rc = sqlite3_step(raw);
    if (rc == SQLITE_DONE) return;
    if (rc != SQLITE_ROW) throw std::runtime_error(sqlite3_errmsg(db));
    each(row);
  }
}

class PgRow final : public StoredRow {
 public:
  explicit PgRow(const PGresult* result) : result_(result) {}
  void At(int row) { row_ = row; }
  bool IsNull(size_t i) const override { return PQgetisnull(result_, row_, Index(i)) != 0; }
  int64_t Int(size_t i) const override {
    const std::string_view text = Text(i);
    if (text.empty()) return 0;
    if (text == "t" || text == "f") return text == "t" ? 1 : 0;  // a boolean
    int64_t n = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec == std::errc() && end == text.data() + text.size()) return n;
    // A numeric with a fraction (an average): truncated, as SQLite does.
    char* stop = nullptr;
    const std::string copy(text);
    const double d = std::strtod(copy.c_str(), &stop);
    if (stop == copy.c_str()) {
      throw std::runtime_error("column " + std::to_string(i) + " is not a number");
    }
    return static_cast<int64_t>(d);
  }
  std::string_view Text(size_t i) const override {
    const int column = Index(i);
    if (PQgetisnull(result_, row_, column) != 0) return {};
    return {PQgetvalue(result_, row_, column),
            static_cast<size_t>(PQgetlength(result_, row_, column))};
  }

 private:
  int Index(size_t i) const {
    if (i >= static_cast<size_t>(PQnfields(result_))) {
      throw std::runtime_error("column " + std::to_string(i) + " is not in the result");
    }
    return static_cast<int>(i);
  }
  const PGresult* result_;
  int row_ = 0;
};

// `query` with each ":name" placeholder numbered "$1", "$2"... in order, as libpq takes them;
// quoted text and "::" casts are left alone.
std::string NumberedPlaceholders(const std::string& query) {
  std::string out;
  out.reserve(query.size() + 8);
  int n = 0;
  char quote = 0;
  const auto is_name = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  };
  for (size_t i = 0; i < query.size(); ++i) {
    const char c = query[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
      out += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      out += c;
    } else if (c == ':' && i + 1 < query.size() && query[i + 1] == ':') {
      out += "::";
      ++i;
    } else if (c == ':' && i + 1 < query.size() && is_name(query[i + 1])) {
      out += "$" + std::to_string(++n);
      while (i + 1 < query.size() && is_name(query[i + 1])) ++i;
    } else {
      out += c;
    }
  }
  return out;
}

void ForEachPgRow(PGconn* conn, const std::string& query, const std::vector<QueryParam>& params,
                  const std::function<void(const StoredRow&)>& each) {
  // libpq reads text parameters up to their NUL: each value is copied into its own string.
  std::vector<std::string> texts;
  texts.reserve(params.size());
  for (const QueryParam& p : params) {
    texts.push_back(std::holds_alternative<int64_t>(p)
                        ? std::to_string(std::get<int64_t>(p))
                        : std::string(std::get<std::string_view>(p)));
  }
  std::vector<const char*> values;
  values.reserve(texts.size());
  for (const std::string& t : texts) values.push_back(t.c_str());
  const std::unique_ptr<PGresult, void (*)(PGresult*)> result(
      PQexecParams(conn, NumberedPlaceholders(query).c_str(), static_cast<int>(values.size()),
                   nullptr, values.data(), nullptr, nullptr, 0),
      PQclear);
  const ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    std::string message = result ? PQresultErrorMessage(result.get()) : PQerrorMessage(conn);
    while (!message.empty() && message.back() == '\n') message.pop_back();
    throw std::runtime_error(message + " while executing \"" + query + "\"");
  }
  PgRow row(result.get());
  const int rows = PQntuples(result.get());
  for (int r = 0; r < rows; ++r) {
    row.At(r);
    each(row);
  }
}

}  // namespace

void ForEachStoredRow(soci::session& sql, const std::string& query,
                      const std::vector<QueryParam>& params,
                      const std::function<void(const StoredRow&)>& each) {
  const std::string backend = sql.get_backend_name();
  if (backend == "sqlite3") {
    ForEachSqliteRow(static_cast<soci::sqlite3_session_backend*>(sql.get_backend())->conn_, query,
                     params, each);
  } else if (backend == "postgresql") {
    ForEachPgRow(static_cast<soci::postgresql_session_backend*>(sql.get_backend())->conn_, query,
                 params, each);
  } else {
    throw std::runtime_error("the store's database is neither SQLite nor PostgreSQL");
  }
}

}  // namespace ontzorg
