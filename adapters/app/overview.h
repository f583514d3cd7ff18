// What a coach sees of a client first, wherever they look: the caseload's row, the top of the
// client page, and `ontzorg overview --client`. Saldo, reserved money and credit as they stand
// after the month shown was run; month x of the relief, the learning stage and the next step from
// the checkpoint; the open work items (issue 16).
#ifndef ONTZORG_ADAPTERS_APP_OVERVIEW_H_
#define ONTZORG_ADAPTERS_APP_OVERVIEW_H_

#include <cstdint>
#include <string>
#include <vector>

#include "adapters/config/config.h"
#include "adapters/error.h"
#include "adapters/storage/store.h"
#include "engine/learning.h"

namespace ontzorg {

struct ClientOverview {
  Client client;
  std::string coach;       // "" when none is assigned
  bool has_case = false;   // false: no plan for the month shown or the next
  bool in_relief = false;  // the month shown lies in the relief period
  Checkpoint checkpoint;   // month x of n, stage, progress, next step, readiness per bill
  Money balance;           // saldo on the managed account
  Money reserved;          // held bills and failed payments awaiting re-issue or release
  Money credit_outstanding;
  int64_t open_signals = 0;               // open and in progress
  std::vector<std::string> signal_codes;  // the first three kinds among them
};

// The overview of `client` for `month` (the month the app works on).
Result<ClientOverview, Error> LoadOverview(Store& store, const Config& config, const Client& client,
                                           YearMonth month);

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_APP_OVERVIEW_H_
