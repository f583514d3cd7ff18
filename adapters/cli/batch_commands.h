// Commands of the batch lifecycle and the bank's feedback: users, batches, approve, export,
// rewrite, cancel, reissue, release-held, direct-debit, correct-account, import-bank, bank-lines,
// assign, reconcile, audit, signals, check-file.
#ifndef ONTZORG_ADAPTERS_CLI_BATCH_COMMANDS_H_
#define ONTZORG_ADAPTERS_CLI_BATCH_COMMANDS_H_

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

#include "adapters/cli/common.h"

namespace ontzorg {

// Adds the subcommands to `app` and `table`.
void AddBatchCommands(CLI::App& app, const Globals& g, CommandTable* table);

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_CLI_BATCH_COMMANDS_H_
