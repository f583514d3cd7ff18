#include "adapters/app/forecast.h"

#include <set>

namespace ontzorg {

Result<std::map<YearMonth, CaseRecords>, Error> ChangedRecords(Store& store, const ClientId& client,
                                                               YearMonth from, int months) {
  auto changes = store.ClientChanges(client);
  if (!changes) return Unexpected(changes.error());
  std::set<YearMonth> starts;
  for (const Store::ChangeRecord& change : *changes) {
    if (from < change.valid_from && change.valid_from < from.AddMonths(months)) {
      starts.insert(change.valid_from);
    }
  }
  std::map<YearMonth, CaseRecords> out;
  for (const YearMonth month : starts) {
    auto loaded = store.LoadCase(client, month);
    if (!loaded) return Unexpected(loaded.error());
    if (!*loaded) continue;  // no plan that month: the forecast keeps what it has
    const ClientCase& c = **loaded;
    out[month] = {c.client, c.plan, c.bills, c.toeslagen};
  }
  return out;
}

}  // namespace ontzorg
