// Commands about learning toward self-reliance: training groups for coaches and the
// municipality's learning report.
#ifndef ONTZORG_ADAPTERS_CLI_LEARNING_COMMANDS_H_
#define ONTZORG_ADAPTERS_CLI_LEARNING_COMMANDS_H_

#include <string>

#include "adapters/cli/common.h"

namespace ontzorg {

// Adds overview, groups, learning-report, assess, handover and confirm to `app` and `table`.
void AddLearningCommands(CLI::App& app, const Globals& g, CommandTable* table);

// Clients in relief grouped by their level per area (latest assessment up to the month), so a
// coach can form training groups. `area` empty: every area.
enum class Output { kTable, kJson };
int GroupsCommand(const Globals& g, const std::string& month, const std::string& area,
                  Output output);

// Clients per stage, bills handed over per month of relief, months to self-reliance, and the
// clients whose progress stalled.
int LearningReportCommand(const Globals& g, const std::string& month);

// A coach's records by hand, checked like the rows of assessments.csv, handovers.csv and
// confirmations.csv (the acting --user is recorded as the coach).
struct AssessOptions {
  std::string client, on, levels, note;
};
int AssessCommand(const Globals& g, const AssessOptions& o);
struct HandOverOptions {
  std::string client, bill, state, from, reason, decided_on;
};
int HandOverCommand(const Globals& g, const HandOverOptions& o);
struct ConfirmOptions {
  std::string client, bill, period, paid, on;
};
int ConfirmCommand(const Globals& g, const ConfirmOptions& o);

// What a coach sees of one client first (adapters/app/overview, as the web app's client page):
// month x of the relief, stage and next step, saldo, reserved money, credit, open work items.
int OverviewCommand(const Globals& g, const std::string& client, const std::string& month);

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_CLI_LEARNING_COMMANDS_H_
