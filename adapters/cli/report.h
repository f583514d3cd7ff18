// The run report and the store report, as finance staff read them: Dutch labels with English
// beside them, amounts in euros, each SEPA file with its path and hashes.
#ifndef ONTZORG_ADAPTERS_CLI_REPORT_H_
#define ONTZORG_ADAPTERS_CLI_REPORT_H_

#include <optional>
#include <ostream>

#include "adapters/app/run_month.h"
#include "adapters/storage/store.h"

namespace ontzorg {

void PrintRunReport(const RunReport& report, std::ostream& out);
// The finance department's export: one row per client with credit, amounts in euros.
void WriteCreditCsv(const std::vector<CreditPosition>& positions, std::ostream& out);
Status<Error> PrintStoreReport(Store& store, std::optional<YearMonth> month, std::ostream& out);

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_CLI_REPORT_H_
