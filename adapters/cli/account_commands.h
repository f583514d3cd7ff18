// Commands for a municipality's IT and its privacy officer (issue 19): deactivating and
// reactivating users, forgetting a user's failed logins, the access log (who viewed which
// client's data), and backing up and restoring a SQLite store.
#ifndef ONTZORG_ADAPTERS_CLI_ACCOUNT_COMMANDS_H_
#define ONTZORG_ADAPTERS_CLI_ACCOUNT_COMMANDS_H_

#include <CLI/CLI.hpp>

#include "adapters/cli/common.h"

namespace ontzorg {

// Adds `user deactivate|activate|unlock` (under the `user` command AddBatchCommands declared),
// `access`, `backup` and `restore` to `app` and `table`.
void AddAccountCommands(CLI::App& app, const Globals& g, CommandTable* table);

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_CLI_ACCOUNT_COMMANDS_H_
