// What a client's forecast needs from the store beyond the case of its first month: the records
// as they hold from each later month in which one of the client's changes starts, so the
// forecast on the client page and of `ontzorg forecast` shows a rent increase from its month on.
#ifndef ONTZORG_ADAPTERS_APP_FORECAST_H_
#define ONTZORG_ADAPTERS_APP_FORECAST_H_

#include <map>

#include "adapters/error.h"
#include "adapters/storage/store.h"
#include "engine/forecast.h"

namespace ontzorg {

// The client's records for each month after `from` (and before `from` + `months`) in which one of
// their changes starts, each loaded as the run of that month loads it. Empty for a client
// without changes in those months, which costs one query.
Result<std::map<YearMonth, CaseRecords>, Error> ChangedRecords(Store& store, const ClientId& client,
                                                               YearMonth from, int months);

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_APP_FORECAST_H_
