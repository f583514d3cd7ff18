// A row of a query's result, read straight from the database's own API (SQLite's statement,
// libpq's result) behind one interface, and the one function that runs a query to such rows.
// Storage-internal: query.h builds the store's read pattern on it, row_codec.h decodes it.
#ifndef ONTZORG_ADAPTERS_STORAGE_STORED_ROW_H_
#define ONTZORG_ADAPTERS_STORAGE_STORED_ROW_H_

#include <soci/soci.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace ontzorg {

// One row of a result, read by column index the same way on both stores: straight from
// SQLite's statement or libpq's result. (soci's dynamic rows cost a type holder and a copied
// string per column per row: a third of the month's reading.)
class StoredRow {
 public:
  virtual bool IsNull(size_t i) const = 0;
  virtual int64_t Int(size_t i) const = 0;            // 0 for NULL
  virtual std::string_view Text(size_t i) const = 0;  // "" for NULL; valid until the next row

 protected:
  ~StoredRow() = default;
};

// A query parameter: text or a whole number.
using QueryParam = std::variant<std::string_view, int64_t>;

// Runs `query` with `params` bound to its placeholders (":name", one value per placeholder, in
// order) on the session's own connection (inside its transaction, if one is open) and calls
// `each` for every row. Throws std::runtime_error with the database's message.
void ForEachStoredRow(soci::session& sql, const std::string& query,
                      const std::vector<QueryParam>& params,
                      const std::function<void(const StoredRow&)>& each);

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_STORAGE_STORED_ROW_H_
