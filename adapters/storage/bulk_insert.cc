#include "adapters/storage/bulk_insert.h"

#include <soci/sqlite3/soci-sqlite3.h>  // SQLite's API, inside namespace sqlite_api

#include <memory>
#include <stdexcept>

#include "engine/invariant.h"

namespace ontzorg {
namespace {

using namespace sqlite_api;  // NOLINT(google-build-using-namespace): soci wraps sqlite3.h in it

// Throws what SQLite says went wrong, as soci would (WriteFailed reads "database is locked").
[[noreturn]] void ThrowSqlite(sqlite3* db, const std::string& table) {
  throw std::runtime_error(std::string(sqlite3_errmsg(db)) + " (inserting into " + table + ")");
}

// A PostgreSQL array literal element: quoted, with backslash and double quote escaped.
void AppendQuoted(std::string* out, const std::string& value) {
  out->push_back('"');
  for (char c : value) {
    if (c == '"' || c == '\\') out->push_back('\\');
    out->push_back(c);
  }
  out->push_back('"');
}

}  // namespace

BulkInsert::BulkInsert(std::string table, const std::vector<std::pair<std::string, Type>>& columns)
    : table_(std::move(table)) {
  for (const auto& [name, type] : columns) columns_.push_back({name, type, {}, {}, {}});
}

BulkInsert::Column& BulkInsert::Next() {
  Column& c = columns_[next_];
  next_ = (next_ + 1) % columns_.size();
  return c;
}

BulkInsert& BulkInsert::Text(const std::string& value) { return OptText(value); }

BulkInsert& BulkInsert::OptText(const std::optional<std::string>& value) {
  Column& c = Next();
  OZ_INVARIANT(c.type == Type::kText, "bulk insert: text value for a number column");
  c.text.push_back(value.value_or(""));
  c.nulls.push_back(value ? soci::i_ok : soci::i_null);
  return *this;
}

BulkInsert& BulkInsert::Int(int64_t value) {
  Column& c = Next();
  OZ_INVARIANT(c.type == Type::kInt, "bulk insert: number value for a text column");
  c.ints.push_back(value);
  c.nulls.push_back(soci::i_ok);
  return *this;
}

void BulkInsert::Execute(soci::session& sql, Backend backend) {
  OZ_INVARIANT(next_ == 0, "bulk insert: a row is incomplete");
  if (rows() == 0) return;
  if (backend == Backend::kSqlite) {
    ExecuteSqlite(sql);
  } else {
    ExecutePostgres(sql);
  }
  for (Column& c : columns_) {
    c.text.clear();
    c.ints.clear();
    c.nulls.clear();
  }
}

// One prepared statement stepped once a row, its values bound from the columns without a copy
// (SQLITE_STATIC: they live until the step). soci's vector binding copied every value into
// buffers of its own first: a quarter of the month's inserting (issue 18, perf on the run).
void BulkInsert::ExecuteSqlite(soci::session& sql) {
  sqlite3* db = static_cast<soci::sqlite3_session_backend*>(sql.get_backend())->conn_;
  std::string names, params;
  for (size_t i = 0; i < columns_.size(); ++i) {
    names += (i ? ", " : "") + columns_[i].name;
    params += i ? ", ?" : "?";
  }
  const std::string query = "INSERT INTO " + table_ + " (" + names + ") VALUES (" + params + ")";
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, query.c_str(), static_cast<int>(query.size()), &raw, nullptr) !=
      SQLITE_OK) {
    sqlite3_finalize(raw);
    ThrowSqlite(db, table_);
  }
  const std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> statement(raw, sqlite3_finalize);
  for (size_t r = 0; r < rows(); ++r) {
    for (size_t i = 0; i < columns_.size(); ++i) {
      const Column& c = columns_[i];
      const int at = static_cast<int>(i + 1);
      int rc = SQLITE_OK;
      if (c.nulls[r] == soci::i_null) {
        rc = sqlite3_bind_null(raw, at);
      } else if (c.type == Type::kInt) {
        rc = sqlite3_bind_int64(raw, at, c.ints[r]);
      } else {
        rc = sqlite3_bind_text(raw, at, c.text[r].data(), static_cast<int>(c.text[r].size()),
                               SQLITE_STATIC);
      }
      if (rc != SQLITE_OK) ThrowSqlite(db, table_);
    }
    if (sqlite3_step(raw) != SQLITE_DONE) ThrowSqlite(db, table_);
    sqlite3_reset(raw);
  }
}

void BulkInsert::ExecutePostgres(soci::session& sql) {
  std::string names, arrays;
  std::vector<std::string> literals(columns_.size());
  for (size_t i = 0; i < columns_.size(); ++i) {
    const Column& c = columns_[i];
    names += (i ? ", " : "") + c.name;
    arrays += std::string(i ? ", " : "") + "CAST(:p" + std::to_string(i) + " AS " +
              (c.type == Type::kInt ? "bigint[])" : "text[])");
    std::string& lit = literals[i];
    lit.reserve(rows() * 16);
    lit.push_back('{');
    for (size_t r = 0; r < rows(); ++r) {
      if (r) lit.push_back(',');
      if (c.nulls[r] == soci::i_null) {
        lit += "NULL";
      } else if (c.type == Type::kInt) {
        lit += std::to_string(c.ints[r]);
      } else {
        AppendQuoted(&lit, c.text[r]);
      }
    }
    lit.push_back('}');
  }
  soci::details::prepare_temp_type prepared =
      (sql.prepare << "INSERT INTO " << table_ << " (" << names << ") SELECT * FROM unnest("
                   << arrays << ")");
  for (std::string& lit : literals) prepared, soci::use(lit);
  soci::statement statement(prepared);
  statement.execute(true);
}

}  // namespace ontzorg
