// `ontzorg serve`: the coach and finance web app over HTTPS, against the configured store.
#ifndef ONTZORG_ADAPTERS_CLI_SERVE_COMMAND_H_
#define ONTZORG_ADAPTERS_CLI_SERVE_COMMAND_H_

#include "adapters/cli/common.h"

namespace ontzorg {

// Adds serve to `app` and `table`.
void AddServeCommand(CLI::App& app, const Globals& g, CommandTable* table);

struct ServeOptions {
  std::string address;  // overrides [web] address
  int port = -1;        // overrides [web] port (0: any free port)
};
int ServeCommand(const Globals& g, const ServeOptions& o);

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_CLI_SERVE_COMMAND_H_
