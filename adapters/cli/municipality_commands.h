// Commands for the municipalities one installation serves (issue 20): list them, show one with
// the history of its settings, add one, and record a change of its settings from a month on.
#ifndef ONTZORG_ADAPTERS_CLI_MUNICIPALITY_COMMANDS_H_
#define ONTZORG_ADAPTERS_CLI_MUNICIPALITY_COMMANDS_H_

#include <CLI/CLI.hpp>

#include "adapters/cli/common.h"

namespace ontzorg {

// Adds `municipality list|show|add|change` to `app` and `table`.
void AddMunicipalityCommands(CLI::App& app, const Globals& g, CommandTable* table);

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_CLI_MUNICIPALITY_COMMANDS_H_
