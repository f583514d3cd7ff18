// The version tables (issue 16), storage-internal: <record>_versions hold a change's meta
// columns (seq, valid_from, fields, changed_by, changed_at, change_reason) followed by the
// record's own columns as its column table (row_codec.h) names them, so a version is written and
// read by the same code as the record.
#ifndef ONTZORG_ADAPTERS_STORAGE_VERSIONS_H_
#define ONTZORG_ADAPTERS_STORAGE_VERSIONS_H_

#include <soci/soci.h>

#include <map>
#include <string>
#include <vector>

#include "adapters/storage/query.h"
#include "adapters/storage/row_codec.h"
#include "adapters/storage/store.h"
#include "engine/versions.h"

namespace ontzorg {

// The meta columns, in the order they precede the record's columns.
inline std::string VersionMetaSelect(const std::string& alias = "") {
  std::string out;
  for (const char* c :
       {"seq", "valid_from", "fields", "changed_by", "changed_at", "change_reason"}) {
    out += alias + c + ", ";
  }
  return out;
}
constexpr size_t kVersionMetaColumns = 6;

std::string JoinFields(const std::vector<std::string>& fields);
std::vector<std::string> SplitFields(const std::string& text);

// The versions of `query` ("SELECT <VersionMetaSelect()><columns.Select()> FROM ... WHERE ...").
template <typename Row, typename... Params>
std::vector<Version<Row>> LoadVersions(soci::session& sql, const Columns<Row>& columns,
                                       const std::string& query, const Params&... params) {
  return Rows(
      sql, query,
      [&](const StoredRow& r) {
        Version<Row> v;
        v.seq = GetInt(r, 0);
        v.valid_from = GetMonth(r, 1);
        v.fields = SplitFields(GetText(r, 2));
        v.changed_by = GetText(r, 3);
        v.changed_at = GetText(r, 4);
        v.reason = GetText(r, 5);
        v.row = columns.Decode(r, kVersionMetaColumns);
        return v;
      },
      params...);
}

// Every version of `table` ("bill_versions"), or those of the record `id` (bills, clients).
template <typename Row>
std::vector<Version<Row>> AllVersions(soci::session& sql, const std::string& table,
                                      const Columns<Row>& columns) {
  return LoadVersions(sql, columns,
                      "SELECT " + VersionMetaSelect() + columns.Select() + " FROM " + table);
}
template <typename Row>
std::vector<Version<Row>> VersionsById(soci::session& sql, const std::string& table,
                                       const Columns<Row>& columns, const std::string& id) {
  return LoadVersions(
      sql, columns,
      "SELECT " + VersionMetaSelect() + columns.Select() + " FROM " + table + " WHERE id = :k", id);
}

// `rows` with their versions applied as of `month` (nullopt: every version); `key` names a
// record so versions find their row.
template <typename Row, typename KeyFn>
void ApplyVersions(std::vector<Row>& rows, const std::vector<Version<Row>>& versions,
                   std::optional<YearMonth> month, KeyFn key) {
  if (versions.empty()) return;
  std::map<std::string, std::vector<Version<Row>>> by_key;
  for (const Version<Row>& v : versions) by_key[key(v.row)].push_back(v);
  for (Row& row : rows) {
    const auto it = by_key.find(key(row));
    if (it != by_key.end()) row = AsOf(row, it->second, month);
  }
}

// Writes the changes (numbering each from the 'version' counter), inside the caller's
// transaction.
void InsertVersions(soci::session& sql, Backend backend, const ImportBatch::Changes& changes);

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_STORAGE_VERSIONS_H_
