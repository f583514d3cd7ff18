// Commands about the toeslagen gap and bridging credit: the forecast, a client's loan ledger and
// statement lines, write-off decisions, receipts entered by hand, and the finance CSV export.
#ifndef ONTZORG_ADAPTERS_CLI_CREDIT_COMMANDS_H_
#define ONTZORG_ADAPTERS_CLI_CREDIT_COMMANDS_H_

#include <string>

#include "adapters/cli/common.h"

namespace ontzorg {

// Adds forecast, credit, write-off and receipt to `app` and `table`.
void AddCreditCommands(CLI::App& app, const Globals& g, CommandTable* table);

struct ForecastOptions {
  std::string client;    // empty: every client with a plan
  std::string from;      // YYYY-MM; default: the month after the latest run
  std::string run_date;  // YYYY-MM-DD; default: the latest run's date one month on, else today
  int months = 6;
  bool json = false;
};
int ForecastCommand(const Globals& g, const ForecastOptions& o);

// The loan ledger of one client: movements month by month, expected toeslagen, receipts,
// write-off decisions, and what the client's statement says about it (in `language`, and in
// English beside it).
int CreditCommand(const Globals& g, const std::string& client, const std::string& month,
                  const std::string& language);

int WriteOffCommand(const Globals& g, const std::string& client, const std::string& amount,
                    const std::string& reason, const std::string& decided_on);

// A receipt entered by hand: the same checks as a row of receipts.csv; options named like its
// columns (--received-on for received_on).
struct ReceiptOptions {
  std::string id, client, kind, received_on, amount, covers_from, covers_to, landed_on;
};
int ReceiptCommand(const Globals& g, const ReceiptOptions& o);

// The finance department's CSV: one row per client with credit. `path` "-" is stdout.
int CreditCsvCommand(const Globals& g, const std::string& path);

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_CLI_CREDIT_COMMANDS_H_
