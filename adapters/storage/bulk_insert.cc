#include "adapters/storage/bulk_insert.h"

#include "engine/invariant.h"

namespace ontzorg {
namespace {

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

void BulkInsert::ExecuteSqlite(soci::session& sql) {
  std::string names, params;
  for (size_t i = 0; i < columns_.size(); ++i) {
    names += (i ? ", " : "") + columns_[i].name;
    params += (i ? ", :p" : ":p") + std::to_string(i);
  }
  soci::details::prepare_temp_type prepared =
      (sql.prepare << "INSERT INTO " << table_ << " (" << names << ") VALUES (" << params << ")");
  for (Column& c : columns_) {
    if (c.type == Type::kInt) {
      prepared, soci::use(c.ints, c.nulls);
    } else {
      prepared, soci::use(c.text, c.nulls);
    }
  }
  soci::statement statement(prepared);
  statement.execute(true);
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
