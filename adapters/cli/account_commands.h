// Commands for a municipality's IT and its privacy officer (issue 19): deactivating and
// reactivating users, forgetting a user's failed logins, and the access log (who viewed which
// client's data).
#ifndef ONTZORG_ADAPTERS_CLI_ACCOUNT_COMMANDS_H_
#define ONTZORG_ADAPTERS_CLI_ACCOUNT_COMMANDS_H_

#include <CLI/CLI.hpp>

#include "adapters/cli/common.h"

namespace ontzorg {

// Adds `user deactivate|activate|unlock` (under the `user` command AddBatchCommands declared)
// and `access` to `app` and `table`.
void AddAccountCommands(CLI::App& app, const Globals& g, CommandTable* table);

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_CLI_ACCOUNT_COMMANDS_H_
