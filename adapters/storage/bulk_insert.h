// Inserting many rows at once, the fast way for each backend: SQLite executes one prepared
// statement over bound vectors; PostgreSQL gets one statement per chunk that unnests arrays, so a
// chunk costs one round trip instead of one per row.
#ifndef ONTZORG_ADAPTERS_STORAGE_BULK_INSERT_H_
#define ONTZORG_ADAPTERS_STORAGE_BULK_INSERT_H_

#include <soci/soci.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "adapters/storage/store.h"

namespace ontzorg {

// Rows inserted in bulk are sent this many at a time: a statement of 100,000 lines is ten
// statements instead of 100,000 round trips, and an import of 550,000 assessments holds 10,000
// of them encoded at once instead of all of them (issue 18).
constexpr size_t kBulkRows = 10000;

class BulkInsert {
 public:
  enum class Type { kText, kInt };
  BulkInsert(std::string table, const std::vector<std::pair<std::string, Type>>& columns);

  // Appends one row; values must come in column order, one per column.
  BulkInsert& Text(const std::string& value);
  BulkInsert& OptText(const std::optional<std::string>& value);
  BulkInsert& Int(int64_t value);

  size_t rows() const { return columns_.empty() ? 0 : columns_[0].nulls.size(); }
  // Inserts the rows (throws a std::exception with the database's words, like any statement)
  // and clears them.
  void Execute(soci::session& sql, Backend backend);
  // Executes once kBulkRows rows wait (call after each complete row; Execute the rest at the end).
  void ExecuteWhenFull(soci::session& sql, Backend backend) {
    if (rows() >= kBulkRows) Execute(sql, backend);
  }

 private:
  struct Column {
    std::string name;
    Type type;
    std::vector<std::string> text;
    std::vector<long long> ints;
    std::vector<soci::indicator> nulls;
  };
  Column& Next();
  void ExecuteSqlite(soci::session& sql);
  void ExecutePostgres(soci::session& sql);

  std::string table_;
  std::vector<Column> columns_;
  size_t next_ = 0;
};

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_STORAGE_BULK_INSERT_H_
