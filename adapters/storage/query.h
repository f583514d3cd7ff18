// The store's read pattern in one place: a statement prepared with its parameters bound in order,
// each row decoded, and a database exception turned into an Error that says what could not be
// read. Storage-internal (the Store's .cc files use it).
//
//   return Read("cannot read a bill", [&] {
//     return FirstRow(sql, "SELECT " + BillColumns().Select() + " FROM bills WHERE id = :i",
//                     [](const StoredRow& r) { return BillColumns().Decode(r); }, bill.value);
//   });
#ifndef ONTZORG_ADAPTERS_STORAGE_QUERY_H_
#define ONTZORG_ADAPTERS_STORAGE_QUERY_H_

#include <soci/soci.h>

#include <exception>
#include <optional>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "adapters/error.h"
#include "adapters/storage/row_codec.h"
#include "adapters/storage/stored_row.h"

namespace ontzorg {

// A parameter as ForEachStoredRow binds it: text by reference, whole numbers by value.
inline QueryParam ToQueryParam(const std::string& text) { return std::string_view(text); }
inline QueryParam ToQueryParam(int64_t n) { return n; }
inline QueryParam ToQueryParam(int n) { return int64_t{n}; }
inline QueryParam ToQueryParam(long long n) { return static_cast<int64_t>(n); }

// Calls `each(row)` for every row of `query` run with `params` bound to its placeholders in
// order. The parameters are bound by reference: they live until the rows are read. Throws
// std::runtime_error with the database's message (use inside Read).
template <typename Each, typename... Params>
void ForEachRow(soci::session& sql, const std::string& query, Each&& each,
                const Params&... params) {
  ForEachStoredRow(sql, query, {ToQueryParam(params)...}, each);
}

// Every row of `query`, decoded.
template <typename Decode, typename... Params>
auto Rows(soci::session& sql, const std::string& query, Decode&& decode, const Params&... params) {
  std::vector<std::decay_t<decltype(decode(std::declval<const StoredRow&>()))>> out;
  ForEachRow(
      sql, query, [&](const StoredRow& r) { out.push_back(decode(r)); }, params...);
  return out;
}

// The first row of `query`, decoded; nullopt when there is none.
template <typename Decode, typename... Params>
auto FirstRow(soci::session& sql, const std::string& query, Decode&& decode,
              const Params&... params) {
  std::optional<std::decay_t<decltype(decode(std::declval<const StoredRow&>()))>> out;
  ForEachRow(
      sql, query,
      [&](const StoredRow& r) {
        if (!out) out = decode(r);
      },
      params...);
  return out;
}

// The one number `query` returns (COUNT(*), MAX(...)): 0 for NULL or no row.
template <typename... Params>
int64_t Count(soci::session& sql, const std::string& query, const Params&... params) {
  return FirstRow(
             sql, query, [](const StoredRow& r) { return GetInt(r, 0); }, params...)
      .value_or(0);
}

// Runs `body`; its value, or kStorage "<what>: <the database's message>" when it throws.
template <typename Body>
auto Read(const std::string& what, Body&& body) -> Result<decltype(body()), Error> {
  try {
    return body();
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kStorage, what + ": " + e.what());
  }
}

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_STORAGE_QUERY_H_
