// Commands about learning toward self-reliance: training groups for coaches and the
// municipality's learning report.
#ifndef ONTZORG_ADAPTERS_CLI_LEARNING_COMMANDS_H_
#define ONTZORG_ADAPTERS_CLI_LEARNING_COMMANDS_H_

#include <string>

#include "adapters/cli/common.h"

namespace ontzorg {

// Clients in relief grouped by their level per area (latest assessment up to the month), so a
// coach can form training groups. `area` empty: every area.
int GroupsCommand(const Globals& g, const std::string& month, const std::string& area, bool json);

// Clients per stage, bills handed over per month of relief, months to self-reliance, and the
// clients whose progress stalled.
int LearningReportCommand(const Globals& g, const std::string& month);

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_CLI_LEARNING_COMMANDS_H_
