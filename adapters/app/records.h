// One record typed by a person (the command line or the web app) checked exactly like a row of
// the CSV import: the same parser, the same checks against what is stored, all or nothing.
#ifndef ONTZORG_ADAPTERS_APP_RECORDS_H_
#define ONTZORG_ADAPTERS_APP_RECORDS_H_

#include <string>
#include <utility>
#include <vector>

#include "adapters/config/config.h"
#include "adapters/error.h"
#include "adapters/storage/store.h"

namespace ontzorg {

// Records the row `columns` as if it came from the CSV file `file` ("assessments.csv", ...).
// Messages name the field as `field_prefix` + name ("--received-on" on the command line,
// "received_on" in the web app) instead of "file:2: column ...". `what` names the record
// ("assessment") in messages. Returns what was added (empty when the same row was stored).
Result<ImportBatch, Error> RecordRow(
    const Config& config, Store& store, const std::string& file, const std::string& what,
    const std::vector<std::pair<std::string, std::string>>& columns,
    const std::string& field_prefix, const std::string& user, const std::string& at);

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_APP_RECORDS_H_
